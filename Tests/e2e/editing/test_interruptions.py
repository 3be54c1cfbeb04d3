"""runas -e interrupted: what changes while the editor runs (a file
remounted read-only, chmod, a directory renamed, someone else's write, a
symbolic link swapped in, a file created meanwhile, SIGTERM), signals and
stops while runas writes a file back, a full file system, and the caller's
file size limit. Nothing is lost, nothing is torn: the file is written
whole or left as it was, with the edits kept in a named copy.

To act while runas writes a file back, a test holds runas inside the
write-back: an OpenGate (fanotify permission events) makes the opening of
a file for writing wait until the test lets it through.
"""
import ctypes
import os
import select
import signal
import struct
import subprocess
import time
import unittest

from support.accounts import ROOT, SHA512, wheel_member
from support.edit_fixture import EditTest
from support.paths import RUNAS
from support.terminal import default_signals

ALICE = wheel_member("alice", 2001, "correct horse battery", groups=("users",))   # edits
BOB = wheel_member("bob", 2002, "b0b's\tpass word", hash=SHA512)                  # a target


class OpenGate:
    """Opens of one file wait for the test (fanotify FAN_OPEN_PERM): wait()
    returns the pid of the first process that tries, still waiting inside
    open(); allow() lets it through. Closing the gate lets everything
    through. The sandbox's /srv is a bind mount of a directory here, so the
    mark on the file's inode sees runas's opens inside the sandbox."""

    _libc = ctypes.CDLL(None, use_errno=True)
    _libc.fanotify_init.argtypes = [ctypes.c_uint, ctypes.c_uint]
    _libc.fanotify_mark.argtypes = [ctypes.c_int, ctypes.c_uint, ctypes.c_uint64, ctypes.c_int, ctypes.c_char_p]
    FAN_CLOEXEC, FAN_CLASS_CONTENT, FAN_MARK_ADD, FAN_OPEN_PERM, FAN_ALLOW = 0x1, 0x4, 0x1, 0x10000, 0x1
    METADATA = struct.Struct("=IBBHQii")   # struct fanotify_event_metadata

    def __init__(self, path):
        self.fd = self._libc.fanotify_init(self.FAN_CLOEXEC | self.FAN_CLASS_CONTENT, os.O_RDONLY)
        if self.fd < 0:
            raise OSError(ctypes.get_errno(), "fanotify_init (the kernel needs CONFIG_FANOTIFY_ACCESS_PERMISSIONS)")
        if self._libc.fanotify_mark(self.fd, self.FAN_MARK_ADD, self.FAN_OPEN_PERM, -100, os.fsencode(path)) != 0:
            raise OSError(ctypes.get_errno(), "fanotify_mark " + path)
        self.waiting = []

    def wait(self, timeout=30):
        if not select.select([self.fd], [], [], timeout)[0]:
            raise AssertionError("nothing opened the file")
        data = os.read(self.fd, 4096)
        _, _, _, _, _, fd, pid = self.METADATA.unpack_from(data)
        self.waiting.append(fd)
        return pid

    def allow(self):
        for fd in self.waiting:
            os.write(self.fd, struct.pack("=iI", fd, self.FAN_ALLOW))
            os.close(fd)
        self.waiting = []

    def close(self):
        self.allow()
        os.close(self.fd)


class WhileEditingTests(EditTest):
    """What changes while the editor runs: nothing is lost, nothing is torn."""
    accounts = (ALICE, BOB)
    caller = ALICE

    def start(self, files, who=ALICE, extra=(), env=None, own_group=False):
        """own_group: runas leads a process group of its own, a job of this
        test (in the same session), so a stop signal stops it: the kernel
        drops SIGTSTP to an orphaned process group, and the test runner's
        own group may be one."""
        e = {"EDITOR": self.editor, "EDIT_WAIT": self.box.shared, "EDIT_APPEND": "edited"}
        e.update(env or {})
        cmd = self.box.command(who, ["-S"] + list(extra) + ["-e"] + list(files))
        p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             env=self.box.environment(who, e), cwd="/", process_group=0 if own_group else None,
                             preexec_fn=default_signals)
        self.addCleanup(self.reap, p)
        p.stdin.write(who.password + "\n")
        p.stdin.close()
        p.stdin = None
        deadline = time.monotonic() + 30
        while not os.path.exists(os.path.join(self.box.shared, "ready")):
            self.assertLess(time.monotonic(), deadline, "the editor never started")
            time.sleep(0.05)
        return p

    @staticmethod
    def reap(p):
        """A runas a failed test left behind (waiting, or stopped) ends."""
        if p.poll() is None:
            p.kill()
            p.communicate()

    def finish(self, p):
        open(os.path.join(self.box.shared, "go"), "w").close()
        out, err = p.communicate(timeout=60)
        return p.returncode, err.splitlines()[-1]

    def copy_named(self, line):
        return os.path.join(self.box.vartmp, line.split("/var/tmp/")[1])

    def test_a_file_that_became_read_only(self):
        # Its filesystem remounted read-only (inside runas's own mount
        # namespace) while the editor runs.
        f = self.srv("ro/app.conf", "as it was\n")
        p = self.start(["/srv/ro/app.conf"])
        subprocess.run(["nsenter", "-t", str(p.pid), "-m", "--", "mount", "--bind", "/srv/ro", "/srv/ro"], check=True)
        subprocess.run(["nsenter", "-t", str(p.pid), "-m", "--", "mount", "-o", "remount,bind,ro", "/srv/ro"],
                       check=True)
        rc, line = self.finish(p)
        self.assertEqual(rc, 1)
        self.assertRegex(line, r"^runas: cannot write /srv/ro/app.conf: Read-only file system; it is as it was, "
                               r"your edits are in /var/tmp/runasedit\.\w+/app.conf$")
        self.assertEqual(open(f).read(), "as it was\n")
        self.assertEqual(open(self.copy_named(line)).read(), "as it was\nedited\n")
        self.assertIn("cannot write /srv/ro/app.conf", self.box.runas_log()[-1])

    def test_a_file_whose_mode_changed(self):
        # chmod changes the file (its ctime): not written, the copy kept.
        f = self.srv("bobs.conf", "bob's\n", owner=BOB.uid, group=BOB.gid)
        p = self.start(["/srv/bobs.conf"], extra=["-u", "bob"])
        os.chmod(f, 0o444)
        rc, line = self.finish(p)
        self.assertEqual(rc, 1)
        self.assertRegex(line, r"^runas: cannot write /srv/bobs.conf: it changed while you edited it; it is as it was, "
                               r"your edits are in /var/tmp/runasedit\.\w+/bobs.conf$")
        self.assertEqual(open(f).read(), "bob's\n")
        self.assertEqual(open(self.copy_named(line)).read(), "bob's\nedited\n")

    def test_a_directory_that_vanished(self):
        f = self.srv("d/f.conf", "f\n")
        p = self.start(["/srv/d/f.conf"])
        os.rename(os.path.join(self.box.srv, "d"), os.path.join(self.box.srv, "d.old"))
        rc, line = self.finish(p)
        self.assertEqual(rc, 1)
        self.assertRegex(line, r"^runas: cannot write /srv/d/f.conf: cannot open /srv/d: No such file or directory; "
                               r"it is as it was, your edits are in /var/tmp/runasedit\.\w+/f.conf$")
        self.assertEqual(open(os.path.join(self.box.srv, "d.old/f.conf")).read(), "f\n")

    def test_a_file_changed_by_someone_else_meanwhile(self):
        f = self.srv("busy.conf", "v1\n")
        p = self.start(["/srv/busy.conf"])
        with open(f, "a") as fh:
            fh.write("someone else's line\n")
        rc, line = self.finish(p)
        self.assertEqual(rc, 1)
        self.assertRegex(line, r"^runas: cannot write /srv/busy.conf: it changed while you edited it; it is as it was")
        self.assertEqual(open(f).read(), "v1\nsomeone else's line\n")

    def test_a_symbolic_link_swapped_in_meanwhile(self):
        f = self.srv("swap.conf", "v1\n")
        self.srv("target", "t\n")
        p = self.start(["/srv/swap.conf"])
        os.rename(f, f + ".old")
        os.symlink("target", f)
        rc, line = self.finish(p)
        self.assertEqual(rc, 1)
        self.assertIn("cannot write /srv/swap.conf: it became a symbolic link while you edited it; it is as it was", line)
        self.assertEqual(open(os.path.join(self.box.srv, "target")).read(), "t\n")

    def test_sigterm_to_runas_goes_to_the_editor(self):
        f = self.srv("term.conf", "v1\n")
        p = self.start(["/srv/term.conf"])
        os.kill(p.pid, signal.SIGTERM)   # p is runas (unshare, setpriv and env exec it)
        out, err = p.communicate(timeout=60)
        self.assertEqual(p.returncode, 1, err)
        self.assertIn("runas: the editor was killed by signal 15: nothing was written", err)
        self.assertEqual(open(f).read(), "v1\n")
        self.assertEqual(self.leftovers(), [], "an unedited copy is removed")

    def test_a_new_file_created_by_someone_else_meanwhile(self):
        p = self.start(["/srv/fresh.conf"])
        self.srv("fresh.conf", "theirs\n")
        rc, line = self.finish(p)
        self.assertEqual(rc, 1)
        self.assertIn("cannot write /srv/fresh.conf: it was created while you edited it", line)
        self.assertEqual(open(os.path.join(self.box.srv, "fresh.conf")).read(), "theirs\n")


class WriteBackSignalTests(WhileEditingTests):
    """Signals that arrive while runas writes a file back: held until that
    file is written whole (never the old contents with part of the new),
    then acted on. A file not written yet then is left as it was, and its
    copy named. The gate holds runas inside the first file's write-back
    (opening it for writing) while the test sends the signal."""

    def test_a_signal_during_the_write_back(self):
        for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
            with self.subTest(sig.name):
                for name in ("go", "ready"):
                    if os.path.exists(os.path.join(self.box.shared, name)):
                        os.remove(os.path.join(self.box.shared, name))
                first = self.srv("first-%s.conf" % sig.name, "one\n")
                second = self.srv("second-%s.conf" % sig.name, "two\n")
                p = self.start(["/srv/" + os.path.basename(first), "/srv/" + os.path.basename(second)])
                gate = OpenGate(first)
                try:
                    open(os.path.join(self.box.shared, "go"), "w").close()
                    self.assertEqual(gate.wait(), p.pid, "runas opens the first file to write it back")
                    os.kill(p.pid, sig)
                finally:
                    gate.close()
                out, err = p.communicate(timeout=60)
                self.assertEqual(p.returncode, -sig, err)
                self.assertEqual(open(first).read(), "one\nedited\n", "written whole")
                self.assertEqual(open(second).read(), "two\n", "not written at all")
                line = err.splitlines()[-1]
                self.assertRegex(line, r"^runas: cannot write /srv/second-%s.conf: runas got signal %d; it is as it was, "
                                       r"your edits are in /var/tmp/runasedit\.\w+/second-%s.conf$"
                                 % (sig.name, sig, sig.name))
                self.assertEqual(open(self.copy_named(line)).read(), "two\nedited\n")
                self.assertTrue(self.box.runas_log()[-1].startswith(
                    "alice : " + line[len("runas: "):].replace(";", "\\x3b") + " ; TTY="), self.box.runas_log())

    def test_a_stop_during_the_write_back_waits_for_it(self):
        first = self.srv("first.conf", "one\n")
        second = self.srv("second.conf", "two\n")
        p = self.start(["/srv/first.conf", "/srv/second.conf"], own_group=True)
        gate = OpenGate(first)
        try:
            open(os.path.join(self.box.shared, "go"), "w").close()
            self.assertEqual(gate.wait(), p.pid)
            os.kill(p.pid, signal.SIGTSTP)
        finally:
            gate.close()
        _, status = os.waitpid(p.pid, os.WUNTRACED)
        self.assertTrue(os.WIFSTOPPED(status), status)
        self.assertEqual((open(first).read(), open(second).read()), ("one\nedited\n", "two\nedited\n"),
                         "both files written before runas stops")
        os.kill(p.pid, signal.SIGCONT)
        out, err = p.communicate(timeout=60)
        self.assertEqual((p.returncode, err), (0, "[runas] password for alice: \n"))
        self.assertEqual(self.leftovers(), [])


class FullDiskTests(EditTest):
    accounts = (ALICE,)
    caller = ALICE

    def test_a_full_filesystem_leaves_the_original_and_the_copy_intact(self):
        # A 64 KiB tmpfs inside the sandbox, filled up but for a few bytes;
        # the edit adds 100 KiB. Everything happens in one namespace.
        script = r"""
set -e
mkdir -p /srv/full
mount -t tmpfs -o size=64k,mode=0755 tmpfs /srv/full
printf 'line one\nline two\n' >/srv/full/f.conf
dd if=/dev/zero of=/srv/full/filler bs=1k count=200 2>/dev/null || true
sum_before=$(sha256sum /srv/full/f.conf)
rc=0
echo '%s' | setpriv --reuid=2001 --regid=2001 --init-groups -- /usr/bin/env EDITOR=%s EDIT_BIG=102400 \
    /usr/local/bin/runas -S -e /srv/full/f.conf 2>/var/tmp/err || rc=$?
echo "rc=$rc"
[ "$(sha256sum /srv/full/f.conf)" = "$sum_before" ] && echo intact
cat /srv/full/f.conf
""" % (ALICE.password, self.editor)
        p = subprocess.run(self.box.command(ROOT, ["-c", script], program="/bin/sh"), capture_output=True, text=True,
                           timeout=60, env={"PATH": "/usr/bin:/bin"}, preexec_fn=default_signals)
        self.assertEqual(p.stdout.splitlines()[:4], ["rc=1", "intact", "line one", "line two"], p.stdout + p.stderr)
        err = open(os.path.join(self.box.vartmp, "err")).read().splitlines()[-1]
        self.assertRegex(err, r"^runas: cannot write /srv/full/f.conf: No space left on device; it is as it was, "
                              r"your edits are in /var/tmp/runasedit\.\w+/f.conf$")
        copy = os.path.join(self.box.vartmp, err.split("/var/tmp/")[1])
        with open(copy) as fh:
            self.assertEqual(fh.read(), "line one\nline two\n" + "x" * 102400)


class FileSizeLimitTests(EditTest):
    """The caller's file size limit (RLIMIT_FSIZE, 4096 bytes here) applies
    to what runas writes for them: the kernel writes up to it and refuses
    the rest, which must not end runas part-way."""
    accounts = (ALICE,)
    caller = ALICE

    def limited(self, path, editor):
        return self.box.run(ALICE, ["--fsize=4096:unlimited", "--", RUNAS, "-S", "-e", path],
                            stdin=ALICE.password + "\n", env={"EDITOR": editor}, program="/usr/bin/prlimit")

    def test_a_write_back_beyond_the_limit_leaves_the_file_as_it_was(self):
        # 1500 bytes grown to 31500 (the editor lifts its own soft limit).
        old = "a" * 1499 + "\n"
        f = self.srv("grown.conf", old)
        editor = self.box.write_script("grow.sh", "#!/bin/sh\nulimit -f unlimited\n"
                                                  "head -c 30000 /dev/zero | tr '\\0' b >>\"$1\"\n")
        r = self.limited("/srv/grown.conf", editor)
        line = r.err.splitlines()[-1] if r.err else ""
        self.assertEqual(r.rc, 1, r.err)
        self.assertRegex(line, r"^runas: cannot write /srv/grown.conf: File too large; it is as it was, "
                               r"your edits are in /var/tmp/runasedit\.\w+/grown.conf$")
        self.assertEqual(open(f).read(), old)
        with open(os.path.join(self.box.vartmp, line.split("/var/tmp/")[1])) as copy:
            self.assertEqual(copy.read(), old + "b" * 30000)
        self.assertTrue(self.box.runas_log()[-1].startswith(
            "alice : " + line[len("runas: "):].replace(";", "\\x3b") + " ; TTY="), self.box.runas_log())

    def test_a_file_beyond_the_limit_is_not_copied(self):
        # Its copy (made with the caller's rights, under the caller's
        # limit) cannot be whole: said, and nothing left behind.
        self.srv("large.conf", "a" * 8000)
        r = self.limited("/srv/large.conf", self.editor)
        self.assertRegex(r.err.splitlines()[-1] if r.err else "",
                         r"^runas: cannot write the copy /var/tmp/runasedit\.\w+/large.conf: File too large$")
        self.assertEqual(r.rc, 1)
        self.assertIsNone(self.recorded("uid"), "the editor ran")
        self.assertEqual(self.leftovers(), [])


if __name__ == "__main__":
    unittest.main()
