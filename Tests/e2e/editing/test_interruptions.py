"""test_edit.py: runas -e (and runasedit) through the installed setuid runas,
as a user sees it: what ends up in the real file (contents, inode, owner,
mode), what the editor is (its uid, groups, environment, the copies it
gets), what runas says, and each known sudoedit bug class refused.

The editor is a stub shell script (no real editor runs without a person at
it): steered by variables in the caller's environment, which the editor
gets unchanged, it records what it sees into the sandbox's shared
directory, appends to each file, waits for the test, fails or dies. The
files edited live in the sandbox's own /srv (root-owned 0755, like /etc),
the copies in its own /var/tmp, both visible here.

To act while runas writes a file back, a test holds runas inside the
write-back: an OpenGate (fanotify permission events) makes the opening of
a file for writing wait until the test lets it through.
"""
import ctypes
import os
import select
import signal
import stat
import struct
import subprocess
import threading
import time
import unittest

from support.legacy_accounts import ALICE, BOB, CAROL, USERS, user
from support.paths import RUNAS
from support.sandbox import Sandbox
from support.terminal import default_signals
ROOT = USERS[0]
HINT = " (see 'runas --help')"

EDITOR = r"""#!/bin/sh
# The stub editor: records what it sees, then edits as told.
rec=${EDIT_RECORD:-}
if [ -n "$rec" ]; then
    id -u >"$rec/uid"; id -g >"$rec/gid"; id -G >"$rec/groups"
    env >"$rec/env"
    : >"$rec/args"
    for f; do printf '%s\n' "$f" >>"$rec/args"; done
    stat -c '%u %a' "$1" >"$rec/copy"; stat -c '%u %a' "$(dirname "$1")" >"$rec/dir"
    cat "$1" >"$rec/seen" 2>/dev/null
    echo "${EDIT_NAME:-stub}" >"$rec/name"
fi
if [ -n "${EDIT_WAIT:-}" ]; then
    : >"$EDIT_WAIT/ready"
    while [ ! -e "$EDIT_WAIT/go" ]; do sleep 0.05; done
fi
if [ -n "${EDIT_APPEND:-}" ]; then for f; do printf '%s\n' "$EDIT_APPEND" >>"$f"; done; fi
if [ -n "${EDIT_BIG:-}" ]; then head -c "$EDIT_BIG" /dev/zero | tr '\0' x >>"$1"; fi
if [ -n "${EDIT_REMOVE:-}" ]; then rm -f "$1"; fi
if [ -n "${EDIT_KILL:-}" ]; then kill -"$EDIT_KILL" $$; fi
exit "${EDIT_EXIT:-0}"
"""


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


class EditTest(unittest.TestCase):
    core = "shadow"
    backend = "scopex"
    runas_mode = 0o4750

    def setUp(self):
        self.box = Sandbox(core=self.core, backend=self.backend, runas_mode=self.runas_mode)
        self.addCleanup(self.box.close)
        self.editor = self.box.write_script("editor.sh", EDITOR)
        self.rec = os.path.join(self.box.shared, "rec")
        os.mkdir(self.rec)
        os.chmod(self.rec, 0o777)

    def srv(self, name, text=None, mode=0o644, owner=0, group=0):
        """A file in the sandbox's /srv; returns its path as seen here."""
        path = os.path.join(self.box.srv, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        if text is not None:
            with open(path, "wb") as f:
                f.write(text.encode() if isinstance(text, str) else text)
            os.chown(path, owner, group)
            os.chmod(path, mode)
        return path

    def edit(self, files, who=ALICE, env=None, extra=(), password=None, program=RUNAS):
        e = {"EDITOR": self.editor, "EDIT_RECORD": self.rec}
        e.update(env or {})
        stdin = None
        if who.uid != 0:
            stdin = (who.password if password is None else password) + "\n"
            extra = ["-S"] + list(extra)
        args = list(extra) + ([] if program != RUNAS else ["-e"]) + list(files)
        return self.box.run(who, args, stdin=stdin, env=e, program=program)

    def recorded(self, name):
        path = os.path.join(self.rec, name)
        if not os.path.exists(path):
            return None
        with open(path, "rb") as f:
            return f.read().decode(errors="surrogateescape")

    def leftovers(self):
        """Everything left in the sandbox's /var/tmp."""
        found = []
        for top, dirs, files in os.walk(self.box.vartmp):
            found += [os.path.join(top, n) for n in dirs + files]
        return found

    def assertRefused(self, r, message):
        self.assertEqual((r.rc, r.err.splitlines()[-1] if r.err else ""), (1, "runas: " + message))
        self.assertIsNone(self.recorded("uid"), "the editor ran")
        self.assertEqual(self.leftovers(), [])


class SaveTests(EditTest):
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


class RefusalTests(EditTest):
    """Each known sudoedit bug class, and the files that are no files."""

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
    runas_mode = 0o4755  # a runas everyone may start, or carol could not try

    def test_a_caller_not_in_wheel(self):
        self.srv("f.conf", "f\n")
        r = self.edit(["/srv/f.conf"], who=CAROL)
        self.assertRefused(r, "carol is not in the wheel group")


class WhileEditingTests(EditTest):
    """What changes while the editor runs: nothing is lost, nothing is torn."""

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


class BackendTests(EditTest):
    """-e runs nothing as the target: the service managers are never asked."""
    backend = "systemd-run"

    def test_edit_with_the_systemd_run_backend(self):
        f = self.srv("via.conf", "1\n")
        r = self.edit(["/srv/via.conf"], env={"EDIT_APPEND": "2"})
        self.assertEqual(r.rc, 0, r.err)
        self.assertEqual(open(f).read(), "1\n2\n")
        self.assertIsNone(self.box.stub_record("systemd-run"))


class Run0BackendTests(BackendTests):
    backend = "run0"

    def test_edit_with_the_systemd_run_backend(self):
        super().test_edit_with_the_systemd_run_backend()
        self.assertIsNone(self.box.stub_record("run0"))


class PamEditTests(EditTest):
    """The PAM core: authentication through PAM, no session for -e."""
    core = "pam"

    def test_edit_and_wrong_password_with_pam(self):
        f = self.srv("pam.conf", "1\n")
        r = self.edit(["/srv/pam.conf"], env={"EDIT_APPEND": "2"})
        self.assertEqual(r.rc, 0, r.err)
        self.assertEqual(open(f).read(), "1\n2\n")
        r = self.edit(["/srv/pam.conf"], password="nope", env={"EDIT_APPEND": "3"})
        self.assertEqual(r.rc, 1)
        self.assertEqual(open(f).read(), "1\n2\n")


if __name__ == "__main__":
    unittest.main()
