"""runas -e refused: each known sudoedit bug class (symbolic links, a
directory the caller can write, '..', a file given twice), files that are
no files (fifos, devices, directories, kernel interfaces), the usage
errors, and a caller not in wheel. Nothing is copied and no editor runs.
"""
import os
import subprocess
import unittest

from support.accounts import ROOT, not_in_wheel, wheel_member
from support.cli_checks import HINT
from support.edit_fixture import EditTest
from support.terminal import default_signals

ALICE = wheel_member("alice", 2001, "correct horse battery", groups=("users",))
CAROL = not_in_wheel("carol", 2003, "not an admin", groups=("users",))


class RefusalTests(EditTest):
    """Each known sudoedit bug class, and the files that are no files."""
    accounts = (ALICE,)
    caller = ALICE

    def test_a_symbolic_link_as_the_file(self):
        self.srv("secret", "s\n", mode=0o600)
        os.symlink("/srv/secret", os.path.join(self.box.srv, "link.conf"))
        r = self.edit(["/srv/link.conf"], env={"EDIT_APPEND": "x"})
        self.assertRefused(r, "/srv/link.conf: is a symbolic link (runas -e follows none)")
        self.assertEqual(open(os.path.join(self.box.srv, "secret")).read(), "s\n")

    def test_a_symbolic_link_in_the_path(self):
        self.srv("real/f.conf", "f\n")
        os.symlink("real", os.path.join(self.box.srv, "alias"))
        r = self.edit(["/srv/alias/f.conf"])
        self.assertRefused(r, "/srv/alias/f.conf: /srv/alias is a symbolic link (runas -e follows none)")

    def test_a_directory_the_caller_can_write(self):
        for d, mode, owner in (("open", 0o1777, 0), ("alices", 0o755, ALICE.uid), ("group", 0o775, 0)):
            self.srv(d + "/f.conf", "f\n")
            os.chown(os.path.join(self.box.srv, d), owner, 100 if d == "group" else 0)
            os.chmod(os.path.join(self.box.srv, d), mode)
            r = self.edit(["/srv/%s/f.conf" % d], env={"EDIT_APPEND": "x"})
            self.assertRefused(r, "/srv/%s/f.conf: you can write to the directory /srv/%s, so its entries could be "
                                  "swapped while runas works: edit it without runas" % (d, d))

    def test_a_directory_the_caller_can_write_through_an_acl(self):
        self.srv("acl/f.conf", "f\n")
        try:
            subprocess.run(["setfacl", "-m", "u:%d:rwx" % ALICE.uid, os.path.join(self.box.srv, "acl")], check=True,
                           capture_output=True)
        except (OSError, subprocess.CalledProcessError) as e:
            self.fail("setfacl is needed (package acl; .ci/run installs it): %s" % e)
        r = self.edit(["/srv/acl/f.conf"])
        self.assertRefused(r, "/srv/acl/f.conf: you can write to the directory /srv/acl, so its entries could be "
                              "swapped while runas works: edit it without runas")

    def test_the_working_directory_counts_for_a_relative_path(self):
        self.srv("open/f.conf", "f\n")
        os.chmod(os.path.join(self.box.srv, "open"), 0o1777)
        p = self.box.command(ALICE, ["-c", "cd /srv/open && echo '%s' | EDITOR=%s runas -S -e f.conf"
                                     % (ALICE.password, self.editor)], program="/bin/sh")
        out = subprocess.run(p, capture_output=True, text=True, timeout=60, env={"PATH": "/usr/local/bin:/usr/bin:/bin"},
                             preexec_fn=default_signals)
        self.assertEqual(out.returncode, 1)
        self.assertIn("runas: f.conf: you can write to the directory /srv/open", out.stderr)

    def test_root_may_edit_in_a_directory_anyone_can_write(self):
        f = self.srv("open/f.conf", "f\n")
        os.chmod(os.path.join(self.box.srv, "open"), 0o1777)
        r = self.edit(["/srv/open/f.conf"], who=ROOT, env={"EDIT_APPEND": "g"})
        self.assertEqual(r.rc, 0, r.err)
        self.assertEqual(open(f).read(), "f\ng\n")

    def test_a_directory_the_caller_owns_even_read_only(self):
        # (Its owner can chmod it back at any moment.)
        self.srv("mine/f.conf", "f\n")
        os.chown(os.path.join(self.box.srv, "mine"), ALICE.uid, ALICE.gid)
        os.chmod(os.path.join(self.box.srv, "mine"), 0o555)
        r = self.edit(["/srv/mine/f.conf"])
        self.assertRefused(r, "/srv/mine/f.conf: you can write to the directory /srv/mine, so its entries could be "
                              "swapped while runas works: edit it without runas")

    def test_a_working_directory_that_is_gone(self):
        # A relative name must not fall back to "/" (-u nobody: were it to,
        # nothing could be created in the real "/" by this test either).
        script = ("mkdir /srv/gone && cd /srv/gone && rmdir /srv/gone && "
                  "EDITOR=%s EDIT_APPEND=x runas -u nobody -e notes; echo rc=$?" % self.editor)
        p = subprocess.run(self.box.command(ROOT, ["-c", script], program="/bin/sh"), capture_output=True, text=True,
                           timeout=60, env={"PATH": "/usr/local/bin:/usr/bin:/bin"}, preexec_fn=default_signals)
        self.assertEqual(p.stdout, "rc=1\n", p.stderr)
        self.assertEqual(p.stderr, "runas: notes: the working directory cannot be found (No such file or directory): "
                                   "give the file's full path\n")

    def test_a_file_given_twice(self):
        self.srv("twice.conf", "1\n")
        r = self.edit(["/srv/twice.conf", "/srv/./twice.conf"])
        self.assertRefused(r, "/srv/./twice.conf: given twice")

    def test_dot_dot_is_refused(self):
        self.srv("d/f.conf", "f\n")
        r = self.edit(["/srv/d/../d/f.conf"])
        self.assertRefused(r, "/srv/d/../d/f.conf: a file to edit is named without '..'")

    def test_a_fifo_a_device_and_a_directory(self):
        os.mkfifo(os.path.join(self.box.srv, "fifo"))
        self.srv("dir/x", "x")
        self.srv("plain", "p\n")
        for path, why in (("/srv/fifo", "is not a regular file"), ("/dev/null", "is not a regular file"),
                          ("/srv/dir", "is a directory"), ("/srv/dir/", "is a directory"),
                          ("/srv/plain/.", "is a directory")):
            r = self.edit([path])
            self.assertRefused(r, "%s: %s" % (path, why))

    def test_files_on_proc_and_sysfs_are_refused_before_the_password(self):
        # Kernel interfaces, not files: a write-back would set the value
        # (and then find the "file" unlike what was written). The editor
        # here changes nothing, so even a runas that let them through would
        # write nothing.
        for path, fs in (("/proc/sys/kernel/hostname", "proc"), ("/proc/sys/kernel/no-such-setting", "proc"),
                         ("/proc/1/comm", "proc"), ("/sys/kernel/uevent_seqnum", "sysfs"),
                         ("/sys/kernel/no-such-file", "sysfs")):
            r = self.edit([path])
            self.assertRefused(r, "%s: is on %s, a kernel interface and not a file: runas -e cannot edit it" % (path, fs))
            self.assertNotIn("password", r.err)

    def test_files_on_cgroup2_are_refused_before_the_password(self):
        # One of the other kernel-interface file systems: the one every
        # systemd machine mounts (where, depends on the machine).
        with open("/proc/self/mounts") as f:
            mounts = [line.split()[1] for line in f if line.split()[2] == "cgroup2"]
        self.assertTrue(mounts, "no cgroup2 file system is mounted here")
        path = os.path.join(mounts[0], "cgroup.procs")
        r = self.edit([path])
        self.assertRefused(r, "%s: is on cgroup2, a kernel interface and not a file: runas -e cannot edit it" % path)

    def test_a_kernel_interface_the_caller_cannot_reach_is_refused_all_the_same(self):
        # alice cannot look into /proc/1/fd (root's process): found only
        # once runas walks the path as the target, after the password.
        r = self.edit(["/proc/1/fd/0"])
        self.assertRefused(r, "/proc/1/fd/0: is on proc, a kernel interface and not a file: runas -e cannot edit it")

    def test_a_file_the_target_cannot_read(self):
        self.srv("rootonly", "r\n", mode=0o600)
        r = self.edit(["/srv/rootonly"], extra=["-u", "nobody"])
        self.assertRefused(r, "/srv/rootonly: Permission denied")

    def test_one_bad_file_stops_the_whole_run(self):
        ok = self.srv("ok.conf", "ok\n")
        os.symlink("ok.conf", os.path.join(self.box.srv, "bad.conf"))
        r = self.edit(["/srv/ok.conf", "/srv/bad.conf"], env={"EDIT_APPEND": "x"})
        self.assertRefused(r, "/srv/bad.conf: is a symbolic link (runas -e follows none)")
        self.assertEqual(open(ok).read(), "ok\n")


    def test_usage_errors(self):
        for args, message in (
                (["-e"], "-e needs at least one file to edit"),
                (["-e", "-s", "f"], "-e and -s cannot be used together"),
                (["-e", "-i", "f"], "-e and -i cannot be used together"),
                (["-e", "-E", "f"], "-e and -E cannot be used together"),
                (["-e", "--env", "A=1", "f"], "-e and --env cannot be used together"),
                (["-e", "-D", "/", "f"], "-e and -D cannot be used together"),
                (["-e", "A=1", "f"], "-e takes no VAR=VALUE (the editor gets your environment)"),
                (["-e", "-b", "f"], "-e and -b cannot be used together"),
                (["-e", "-l", "f"], "-e and -l cannot be used together")):
            r = self.box.run(ALICE, args)
            self.assertEqual((r.rc, r.out, r.err), (1, "", "runas: " + message + HINT + "\n"), args)
        r = self.box.run(ALICE, [], program="/usr/local/bin/runasedit")
        self.assertEqual(r.rc, 1)
        r = self.box.run(ALICE, ["-l"], program="/usr/local/bin/runasedit")
        self.assertEqual((r.rc, r.err), (1, "runas: runasedit and -l cannot be used together" + HINT + "\n"))
        r = self.box.run(ALICE, ["-h"], program="/usr/local/bin/runasedit")
        self.assertEqual(r.rc, 0)
        self.assertIn("runas -e", r.out)

    def test_words_after_double_dash_are_files(self):
        f = self.srv("A=1", "a\n")
        r = self.edit(["--", "/srv/A=1"], env={"EDIT_APPEND": "b"})
        self.assertEqual(r.rc, 0, r.err)
        self.assertEqual(open(f).read(), "a\nb\n")


class NotInWheelTests(EditTest):
    accounts = (CAROL,)
    caller = CAROL
    runas_mode = 0o4755  # a runas everyone may start, or carol could not try

    def test_a_caller_not_in_wheel(self):
        self.srv("f.conf", "f\n")
        r = self.edit(["/srv/f.conf"], who=CAROL)
        self.assertRefused(r, "carol is not in the wheel group")


if __name__ == "__main__":
    unittest.main()
