"""runas -e (and runasedit) as a user sees it when all goes well: what
ends up in the real file (contents, inode, owner, mode), new files, several
files, the log line, and the editor itself (its uid, groups, environment,
the copies it gets, which one is chosen, and how it can fail). The stub
editor and the base class are support/edit_fixture.py's.
"""
import os
import stat
import subprocess
import unittest

from support.accounts import ROOT, SHA512, wheel_member
from support.edit_fixture import EDITOR, EditTest
from support.terminal import default_signals

ALICE = wheel_member("alice", 2001, "correct horse battery", groups=("users",))   # edits
BOB = wheel_member("bob", 2002, "b0b's\tpass word", hash=SHA512)                  # owns files, a target


class SaveTests(EditTest):
    accounts = (ALICE, BOB)
    caller = ALICE

    def test_an_edit_is_written_back_in_place(self):
        f = self.srv("app/app.conf", "old line\n", mode=0o640, owner=BOB.uid, group=3000)
        before = os.stat(f)
        r = self.edit(["/srv/app/app.conf"], env={"EDIT_APPEND": "new line"})
        self.assertEqual((r.rc, r.err), (0, "[runas] password for alice: \n"))
        with open(f) as fh:
            self.assertEqual(fh.read(), "old line\nnew line\n")
        after = os.stat(f)
        self.assertEqual((after.st_ino, after.st_uid, after.st_gid, stat.S_IMODE(after.st_mode)),
                         (before.st_ino, BOB.uid, 3000, 0o640))
        self.assertEqual(self.leftovers(), [], "the copy and its directory are removed")

    def test_an_unchanged_file_is_said_so_and_not_touched(self):
        f = self.srv("same.conf", "as it was\n")
        before = os.stat(f)
        r = self.edit(["/srv/same.conf"])
        self.assertEqual((r.rc, r.err.splitlines()[-1]), (0, "runas: /srv/same.conf unchanged"))
        after = os.stat(f)
        self.assertEqual((after.st_mtime_ns, after.st_ctime_ns), (before.st_mtime_ns, before.st_ctime_ns))
        self.assertEqual(self.leftovers(), [])

    def test_saving_the_same_bytes_again_is_unchanged(self):
        self.srv("same.conf", "x\n")
        resave = self.box.write_script("resave.sh", '#!/bin/sh\ncp "$1" "$1.t" && mv "$1.t" "$1"\n')
        r = self.edit(["/srv/same.conf"], env={"EDITOR": resave})
        self.assertEqual((r.rc, r.err.splitlines()[-1]), (0, "runas: /srv/same.conf unchanged"))

    def test_a_new_file_is_created_with_the_targets_ids(self):
        r = self.box.run(ALICE, ["-S", "-u", "bob", "-e", "/srv/bobs/new.txt"], stdin=ALICE.password + "\n",
                         env={"EDITOR": self.editor, "EDIT_APPEND": "hello"})
        self.assertEqual(r.rc, 1, "bob cannot write /srv/bobs yet")
        os.makedirs(os.path.join(self.box.srv, "bobs"))
        os.chown(os.path.join(self.box.srv, "bobs"), BOB.uid, BOB.gid)
        r = self.box.run(ALICE, ["-S", "-u", "bob", "-e", "/srv/bobs/new.txt"], stdin=ALICE.password + "\n",
                         env={"EDITOR": self.editor, "EDIT_APPEND": "hello"})
        self.assertEqual((r.rc, r.err), (0, "[runas] password for alice: \n"))
        st = os.stat(os.path.join(self.box.srv, "bobs/new.txt"))
        self.assertEqual((st.st_uid, st.st_gid, stat.S_IMODE(st.st_mode)), (BOB.uid, BOB.gid, 0o644))
        with open(os.path.join(self.box.srv, "bobs/new.txt")) as fh:
            self.assertEqual(fh.read(), "hello\n")

    def test_a_new_file_gets_the_callers_umask_but_never_looser_than_022(self):
        for mask, mode in (("077", 0o600), ("000", 0o644)):
            p = self.box.command(ROOT, ["-c", "umask %s; EDITOR=%s EDIT_APPEND=x runas -e /srv/m%s" % (mask, self.editor, mask)],
                                 program="/bin/sh")
            subprocess.run(p, check=True, capture_output=True, timeout=60, env={"PATH": "/usr/local/bin:/usr/bin:/bin"},
                           preexec_fn=default_signals)
            self.assertEqual(stat.S_IMODE(os.stat(os.path.join(self.box.srv, "m" + mask)).st_mode), mode, mask)

    def test_an_empty_new_file_is_not_created(self):
        r = self.edit(["/srv/never.txt"])
        self.assertEqual((r.rc, r.err.splitlines()[-1]), (0, "runas: /srv/never.txt not created (nothing was saved)"))
        self.assertFalse(os.path.exists(os.path.join(self.box.srv, "never.txt")))
        self.assertEqual(self.leftovers(), [])

    def test_several_files_at_once_even_of_the_same_name(self):
        a = self.srv("a/x.conf", "a\n")
        b = self.srv("b/x.conf", "b\n")
        r = self.edit(["/srv/a/x.conf", "/srv/b/x.conf"], env={"EDIT_APPEND": "more"})
        self.assertEqual(r.rc, 0, r.err)
        self.assertEqual((open(a).read(), open(b).read()), ("a\nmore\n", "b\nmore\n"))
        names = [os.path.basename(p) for p in self.recorded("args").splitlines()]
        self.assertEqual(names, ["x.conf", "2-x.conf"], "the copies keep the name, so the suffix")

    def test_a_relative_path_is_taken_from_the_working_directory(self):
        f = self.srv("rel/r.txt", "r\n")
        p = self.box.command(ROOT, ["-c", "cd /srv/rel && EDITOR=%s EDIT_APPEND=s runas -e r.txt" % self.editor],
                             program="/bin/sh")
        subprocess.run(p, check=True, capture_output=True, timeout=60, env={"PATH": "/usr/local/bin:/usr/bin:/bin"},
                       preexec_fn=default_signals)
        self.assertEqual(open(f).read(), "r\ns\n")

    def test_a_file_name_that_is_not_utf8(self):
        name = b"caf\xe9.txt"
        path = os.path.join(os.fsencode(self.box.srv), name)
        with open(path, "wb") as fh:
            fh.write(b"x\n")
        r = self.edit([b"/srv/" + name], env={"EDIT_APPEND": "y"})
        self.assertEqual(r.rc, 0, r.err)
        with open(path, "rb") as fh:
            self.assertEqual(fh.read(), b"x\ny\n")
        self.assertEqual(os.path.basename(os.fsencode(self.recorded("args").strip())), name, "the copy's name")

    def test_runasedit_is_runas_e(self):
        f = self.srv("by-name.conf", "1\n")
        r = self.edit(["/srv/by-name.conf"], env={"EDIT_APPEND": "2"}, program="/usr/local/bin/runasedit")
        self.assertEqual(r.rc, 0, r.err)
        self.assertEqual(open(f).read(), "1\n2\n")
        self.assertIn("COMMAND=sudoedit /srv/by-name.conf", self.box.runas_log()[-1])

    def test_the_log_line(self):
        self.srv("logged.conf", "1\n")
        self.edit(["/srv/logged.conf"], env={"EDIT_APPEND": "2"})
        self.assertEqual(self.box.runas_log(),
                         ["alice : TTY=unknown ; PWD=/ ; USER=root ; COMMAND=sudoedit /srv/logged.conf"])

    def test_a_wrong_password_copies_nothing_and_runs_nothing(self):
        f = self.srv("guarded.conf", "secret-ish\n", mode=0o600)
        r = self.edit(["/srv/guarded.conf"], password="wrong", env={"EDIT_APPEND": "x"})
        self.assertEqual(r.rc, 1)
        self.assertIn("runas: 1 incorrect password attempt", r.err)
        self.assertIsNone(self.recorded("uid"))
        self.assertEqual(self.leftovers(), [])
        self.assertEqual(open(f).read(), "secret-ish\n")


class EditorTests(EditTest):
    accounts = (ALICE,)
    caller = ALICE

    def test_the_editor_runs_as_the_caller_with_the_callers_environment(self):
        self.srv("who.conf", "1\n", mode=0o600)
        env = {"FOO": "bar baz", "TERM": "xterm-test", "DISPLAY": ":7"}
        r = self.edit(["/srv/who.conf"], env=env)
        self.assertEqual(r.rc, 0, r.err)
        self.assertEqual((self.recorded("uid"), self.recorded("gid")), ("2001\n", "2001\n"))
        self.assertEqual(set(self.recorded("groups").split()), {"2001", "10", "100"}, "alice's own groups")
        seen = dict(line.split("=", 1) for line in self.recorded("env").splitlines() if "=" in line)
        expected = self.box.environment(ALICE, dict(env, EDITOR=self.editor, EDIT_RECORD=self.rec))
        self.assertEqual({k: v for k, v in seen.items() if k not in ("PWD", "SHLVL", "_", "OLDPWD")}, expected)
        self.assertEqual(self.recorded("seen"), "1\n", "the copy holds the file, which alice cannot read herself")
        self.assertEqual(self.recorded("copy"), "2001 600\n")
        self.assertEqual(self.recorded("dir"), "2001 700\n")

    def test_the_editor_variables_in_order(self):
        self.srv("order.conf", "1\n")
        names = ["RUNAS_EDITOR", "SUDO_EDITOR", "VISUAL", "EDITOR"]
        for i, name in enumerate(names):
            env = {n: "/usr/bin/env EDIT_NAME=%s %s" % (n, self.editor) for n in names[i:]}
            env.update({n: " " for n in names[:i]})  # set but blank: skipped
            r = self.edit(["/srv/order.conf"], env=env)
            self.assertEqual(r.rc, 0, r.err)
            self.assertEqual(self.recorded("name"), name + "\n")

    def test_the_default_editor(self):
        # None set (or all blank): the build's default, /usr/bin/editor on
        # Debian-family systems (else vi, looked up in PATH): here both are
        # the stub, laid over /usr/bin inside the sandbox.
        for name in ("editor", "vi"):
            self.box._write("stubs/" + name, EDITOR.replace("${EDIT_NAME:-stub}", "default-" + name), 0o755)
        self.srv("default.conf", "1\n")
        r = self.edit(["/srv/default.conf"], env={"EDITOR": "", "VISUAL": "  "})
        self.assertEqual(r.rc, 0, r.err)
        default = "editor" if os.path.exists("/etc/debian_version") else "vi"
        self.assertEqual(self.recorded("name"), "default-%s\n" % default)

    def test_an_editor_with_a_double_dash_is_refused_before_the_password(self):
        # CVE-2023-22809: the extra file after "--" would have been edited too.
        self.srv("shadowish", "root:x\n", mode=0o600)
        for name in ("RUNAS_EDITOR", "SUDO_EDITOR", "VISUAL", "EDITOR"):
            r = self.edit(["/srv/innocent.txt"], env={name: "%s -- /srv/shadowish" % self.editor})
            self.assertRefused(r, "%s may not contain '--' (the files to edit come only from runas's command line)" % name)
            self.assertNotIn("password", r.err)
        self.assertIn("editor with '--' refused: EDITOR=%s -- /srv/shadowish" % self.editor, self.box.runas_log()[-1])
        self.assertEqual(open(os.path.join(self.box.srv, "shadowish")).read(), "root:x\n")

    def test_an_editor_that_is_not_found(self):
        self.srv("f.conf", "1\n")
        r = self.edit(["/srv/f.conf"], env={"EDITOR": "no-such-editor -x"})
        self.assertEqual((r.rc, r.err.splitlines()[-1]),
                         (1, "runas: editor no-such-editor (from EDITOR) not found: nothing was edited"))
        self.assertEqual(self.leftovers(), [])

    def test_the_editor_is_looked_up_in_the_callers_path(self):
        self.srv("f.conf", "1\n")
        bindir = os.path.join(self.box.shared, "bin")
        os.mkdir(bindir)
        os.chmod(bindir, 0o755)
        os.symlink(self.editor, os.path.join(bindir, "myed"))
        r = self.edit(["/srv/f.conf"], env={"EDITOR": "myed", "PATH": bindir + ":/usr/bin:/bin", "EDIT_APPEND": "2"})
        self.assertEqual(r.rc, 0, r.err)
        self.assertEqual(open(os.path.join(self.box.srv, "f.conf")).read(), "1\n2\n")

    def test_an_editor_that_fails_writes_nothing_and_keeps_the_edits(self):
        f = self.srv("keep.conf", "old\n")
        r = self.edit(["/srv/keep.conf"], env={"EDIT_APPEND": "precious", "EDIT_EXIT": "3"})
        lines = r.err.splitlines()
        self.assertEqual(r.rc, 1)
        self.assertEqual(lines[1], "runas: the editor exited with status 3: nothing was written")
        self.assertTrue(lines[2].startswith("runas: your edits of /srv/keep.conf are in /var/tmp/runasedit."), lines)
        copy = os.path.join(self.box.vartmp, lines[2].split("/var/tmp/")[1])
        self.assertEqual(open(copy).read(), "old\nprecious\n")
        self.assertEqual(open(f).read(), "old\n")
        self.assertIn(lines[2][len("runas: "):], self.box.runas_log()[-1], "the kept copy is logged too")

    def test_an_editor_killed_by_a_signal_writes_nothing(self):
        f = self.srv("killed.conf", "old\n")
        r = self.edit(["/srv/killed.conf"], env={"EDIT_APPEND": "half", "EDIT_KILL": "KILL"})
        self.assertEqual(r.rc, 1)
        self.assertIn("runas: the editor was killed by signal 9: nothing was written", r.err)
        self.assertIn("runas: your edits of /srv/killed.conf are in /var/tmp/runasedit.", r.err)
        self.assertEqual(open(f).read(), "old\n")

    def test_a_failed_editor_with_no_edits_leaves_nothing(self):
        self.srv("nothing.conf", "old\n")
        r = self.edit(["/srv/nothing.conf"], env={"EDIT_EXIT": "1"})
        self.assertEqual((r.rc, r.err.splitlines()[1:]), (1, ["runas: the editor exited with status 1: nothing was written"]))
        self.assertEqual(self.leftovers(), [])

    def test_a_copy_the_editor_removed_is_not_written(self):
        f = self.srv("gone.conf", "old\n")
        r = self.edit(["/srv/gone.conf"], env={"EDIT_REMOVE": "1"})
        self.assertEqual(r.rc, 1)
        self.assertIn("runas: /srv/gone.conf not written: its copy /var/tmp/runasedit.", r.err)
        self.assertEqual(open(f).read(), "old\n")


if __name__ == "__main__":
    unittest.main()
