"""test_sudo_options.py: the rest of sudo's command line beside -e: -b
(background), -C (close-from), -P (preserve groups) and -U (other user,
with -l), through the installed setuid runas, per backend where they
differ. (systemd-run and run0 are the stubs of stubs/, which record their
arguments and emulate what the real ones do with them; the real-systemd
tier runs -P and -b against a booted systemd.)
"""
import fcntl
import os
import subprocess
import time
import unittest

from support.legacy_accounts import ALICE, BOB, CAROL, USERS
from support.paths import RUNAS
from support.sandbox import Sandbox
from support.terminal import default_signals

ROOT = USERS[0]
HINT = " (see 'runas --help')"


class OptionTest(unittest.TestCase):
    core = "shadow"
    backend = "scopex"
    runas_mode = 0o4750

    def setUp(self):
        self.box = Sandbox(core=self.core, backend=self.backend, runas_mode=self.runas_mode)
        self.addCleanup(self.box.close)

    def as_alice(self, args, **kw):
        return self.box.run(ALICE, ["-S"] + list(args), stdin=ALICE.password + "\n", **kw)

    def groups_of(self, out):
        uid, gid, groups = out.split("\n")[:3]
        return int(uid), int(gid), sorted(int(g) for g in groups.split())


ID = ["/bin/sh", "-c", "id -u; id -g; id -G"]


class PreserveGroupsTests(OptionTest):
    def test_the_command_keeps_the_callers_groups(self):
        r = self.as_alice(["-P", "-u", "bob"] + ID)
        self.assertEqual(r.rc, 0, r.err)
        # Real and effective ids are bob's; the groups alice's (2001, wheel, users).
        self.assertEqual(self.groups_of(r.out), (2002, 2002, sorted([2002, 2001, 10, 100])))

    def test_without_p_the_targets_groups(self):
        r = self.as_alice(["-u", "bob"] + ID)
        self.assertEqual(self.groups_of(r.out), (2002, 2002, [10, 2002]))

    def test_p_with_g(self):
        r = self.as_alice(["-P", "-u", "bob", "-g", "proj"] + ID)
        self.assertEqual(self.groups_of(r.out), (2002, 3000, sorted([3000, 2001, 10, 100])))

    def test_p_is_only_for_a_command(self):
        r = self.box.run(ALICE, ["-P", "-l"])
        self.assertEqual((r.rc, r.err), (1, "runas: -l and -P cannot be used together" + HINT + "\n"))


class ForkedPreserveGroupsTests(PreserveGroupsTests):
    """The PAM core: scopex forks (a PAM session is open around the command)."""
    core = "pam"


class PreserveGroupsSystemdRunTests(OptionTest):
    backend = "systemd-run"
    client = "systemd-run"

    def test_the_groups_are_passed_as_supplementary_groups(self):
        r = self.as_alice(["-P", "-u", "bob"] + ID)
        self.assertEqual(r.rc, 0, r.err)
        argv = self.box.stub_record(self.client)["argv"]
        props = [a for a in argv if a.startswith("--property=SupplementaryGroups=")]
        self.assertEqual(len(props), 1, argv)
        self.assertEqual(sorted(int(g) for g in props[0].split("=", 2)[2].split()), [10, 100, 2001])
        # The service manager adds bob's own groups (User=): both are there.
        self.assertEqual(self.groups_of(r.out), (2002, 2002, sorted([2002, 2001, 10, 100])))

    def test_without_p_no_groups_are_passed(self):
        self.as_alice(["-u", "bob", "true"])
        argv = self.box.stub_record(self.client)["argv"]
        self.assertFalse([a for a in argv if a.startswith("--property=")], argv)


class PreserveGroupsRun0Tests(PreserveGroupsSystemdRunTests):
    backend = "run0"
    client = "run0"


class CloseFromTests(OptionTest):
    def run_with_fds(self, args, core_root=True):
        # Descriptors 5 and 7 opened by a shell in the child, not dup2'd
        # over whatever the test process has at those numbers.
        cmd = ["/bin/sh", "-c", 'exec 5</dev/null 7</dev/null && exec "$@"', "sh"] + \
            self.box.command(ROOT, list(args) + ["-u", "nobody", "/bin/ls", "/proc/self/fd"])
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=60, cwd="/",
                           env={"PATH": "/usr/bin:/bin"}, preexec_fn=default_signals)
        self.assertEqual(p.returncode, 0, p)
        return sorted(int(x) for x in p.stdout.split())

    def test_descriptors_below_n_stay_open(self):
        # 3 is ls's own directory; 5 is below 6, 7 is not.
        self.assertEqual(self.run_with_fds(["-C", "6"]), [0, 1, 2, 3, 5])

    def test_a_high_n_keeps_them_all(self):
        self.assertEqual(self.run_with_fds(["-C", "100"]), [0, 1, 2, 3, 5, 7])

    def test_without_c_none_stay(self):
        self.assertEqual(self.run_with_fds([]), [0, 1, 2, 3])

    def test_runas_own_descriptors_never_leak(self):
        # With a wide -C nothing but what the caller passed reaches the
        # command: not the syslog socket, the backend or the password files.
        r = self.as_alice(["-C", "1000", "-u", "nobody", "/bin/ls", "-l", "/proc/self/fd"])
        self.assertEqual(r.rc, 0, r.err)
        fds = sorted(int(line.split()[-3]) for line in r.out.splitlines() if "->" in line)
        self.assertEqual(fds, [0, 1, 2, 3], r.out)

    def test_n_must_be_a_number_of_3_or_more(self):
        for value in ("2", "0", "-1", "x", "", "99999999999"):
            r = self.box.run(ALICE, ["-C", value, "true"])
            self.assertEqual((r.rc, r.err), (1, "runas: -C wants a descriptor number of 3 or more, not '%s'" % value
                                             + HINT + "\n"), value)


class ForkedCloseFromTests(CloseFromTests):
    core = "pam"


class CloseFromServiceManagerTests(OptionTest):
    backend = "systemd-run"

    def test_a_clear_error_before_any_password(self):
        r = self.as_alice(["-C", "5", "true"])
        self.assertEqual((r.rc, r.out), (1, ""))
        self.assertEqual(r.err, "runas: the %s backend cannot keep descriptors open for the command (-C): a service "
                                "manager starts it, and it inherits none of runas's (scopex can)\n" % self.backend)
        self.assertIsNone(self.box.stub_record(self.backend))


class CloseFromRun0Tests(CloseFromServiceManagerTests):
    backend = "run0"


class BackgroundTests(OptionTest):
    def start_background(self, args, who=ALICE):
        out = os.path.join(self.box.shared, "out")
        script = "exec >%s 2>&1; echo started $(ps -o pgid= -p $$) ; sleep 2; echo done" % out
        begin = time.monotonic()
        r = self.box.run(who, (["-S"] if who.uid else []) + list(args) + ["/bin/sh", "-c", script],
                         stdin=ALICE.password + "\n" if who.uid else None)
        return r, time.monotonic() - begin, out

    def wait_for(self, path, text, timeout=20):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if os.path.exists(path) and text in open(path).read():
                return open(path).read()
            time.sleep(0.1)
        self.fail("never saw %r in %s" % (text, path))

    def test_runas_returns_at_once_and_the_command_goes_on(self):
        r, took, out = self.start_background(["-b", "-u", "bob"])
        self.assertEqual((r.rc, r.out), (0, ""), r.err)
        self.assertLess(took, 1.8, "runas waited for the command")
        self.wait_for(out, "done")

    def test_the_output_goes_where_runas_output_went(self):
        out = os.path.join(self.box.shared, "runas-out")
        cmd = self.box.command(ROOT, ["-b", "-u", "nobody", "/bin/sh", "-c", "sleep 1; echo later"])
        with open(out, "w") as f:
            p = subprocess.run(cmd, stdout=f, stderr=subprocess.PIPE, timeout=60, cwd="/",
                               env={"PATH": "/usr/bin:/bin"}, preexec_fn=default_signals)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.wait_for(out, "later\n")

    def test_the_command_is_in_a_process_group_of_its_own(self):
        cmd = self.box.command(ROOT, ["-b", "-u", "nobody", "/bin/sh", "-c", "echo $$ $(ps -o pgid= -p $$)"])
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=60, cwd="/", env={"PATH": "/usr/bin:/bin"},
                           preexec_fn=default_signals)
        self.assertEqual(p.returncode, 0, p.stderr)
        deadline = time.monotonic() + 10
        while not p.stdout.strip() and time.monotonic() < deadline:
            time.sleep(0.1)
        pid, pgid = p.stdout.split()
        self.assertEqual(pid, pgid)

    def test_a_command_that_cannot_start_is_still_an_error(self):
        r = self.box.run(ROOT, ["-b", "-u", "nobody", "-D", "/root", "true"])
        self.assertEqual((r.rc, r.err), (1, "runas: scopex: cannot change directory to /root: Permission denied\n"))
        r = self.box.run(ROOT, ["-b", "no-such-command"])
        self.assertEqual((r.rc, r.err), (127, "runas: no-such-command: command not found\n"))

    def test_a_terminal_is_not_its_input(self):
        out = os.path.join(self.box.shared, "stdin")
        r = self.box.run_on_terminal(ROOT, ["-b", "-u", "nobody", "/bin/sh", "-c", "readlink /proc/self/fd/0 >%s" % out])
        self.assertEqual(r.rc, 0, r.out)
        self.assertEqual(self.wait_for(out, "\n"), "/dev/null\n")

    def test_other_input_stays(self):
        out = os.path.join(self.box.shared, "stdin")
        r = self.box.run(ROOT, ["-b", "-u", "nobody", "/bin/sh", "-c", "cat >%s" % out], stdin="piped in\n")
        self.assertEqual(r.rc, 0, r.err)
        self.assertEqual(self.wait_for(out, "piped in\n"), "piped in\n")

    def test_the_command_cannot_read_the_terminal_or_push_input_into_it(self):
        # Another user's command in the background gets no pty: so no
        # controlling terminal (its own session) and the terminal only
        # write-only (TIOCSTI and reading both fail).
        out = os.path.join(self.box.shared, "probe")
        probe = self.box.write_script("probe.py", '''#!/usr/bin/python3
import fcntl, os, sys, termios
res = []
res.append("flags=%d" % (fcntl.fcntl(1, fcntl.F_GETFL) & os.O_ACCMODE))
try:
    os.open("/dev/tty", os.O_RDWR); res.append("ctty")
except OSError as e:
    res.append("no-ctty")
try:
    fcntl.ioctl(1, termios.TIOCSTI, b"x"); res.append("injected")
except OSError as e:
    res.append("tiocsti-refused")
try:
    os.read(1, 1); res.append("read")
except OSError as e:
    res.append("read-refused")
open(sys.argv[1], "w").write(" ".join(res) + "\\n")
''')
        r = self.box.run_on_terminal(ROOT, ["-b", "-u", "nobody", probe, out])
        self.assertEqual(r.rc, 0, r.out)
        self.assertEqual(self.wait_for(out, "\n"), "flags=%d no-ctty tiocsti-refused read-refused\n" % os.O_WRONLY)

    PROBE = '''#!/usr/bin/python3
import fcntl, os, struct, sys, termios
res = ["fd1=" + os.readlink("/proc/self/fd/1"), "fd2=" + os.readlink("/proc/self/fd/2")]
for fd in (1, 2):
    for name, call in (("tcsetattr", lambda: termios.tcsetattr(fd, termios.TCSANOW, termios.tcgetattr(fd))),
                       ("tcflush", lambda: termios.tcflush(fd, termios.TCIFLUSH)),
                       ("tcflow", lambda: termios.tcflow(fd, termios.TCOOFF)),
                       ("winsize", lambda: fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 5, 5, 0, 0)))):
        try:
            call(); res.append("%s(%d)" % (name, fd))
        except (OSError, termios.error):
            pass
open(sys.argv[1], "w").write(" ".join(res) + "\\n")
'''

    def test_another_users_command_gets_no_hold_on_the_terminal(self):
        # With the terminal write-only, a hostile background command could
        # still turn echo on for the next password prompt, disable Ctrl-C,
        # flush typeahead or stop output. So another user's command gets
        # /dev/null instead, and runas says so once.
        out = os.path.join(self.box.shared, "probe")
        probe = self.box.write_script("probe.py", self.PROBE)
        r = self.box.run_on_terminal(ROOT, ["-b", "-u", "nobody", probe, out])
        self.assertEqual(r.rc, 0, r.out)
        self.assertEqual(self.wait_for(out, "\n"), "fd1=/dev/null fd2=/dev/null\n")
        self.assertEqual(r.out.count("runas: warning: -b: the command's output to your terminal is discarded: "
                                     "another user's background command gets no hold on your terminal "
                                     "(redirect its output to keep it)"), 1, r.out)

    def test_your_own_background_command_still_writes_to_the_terminal(self):
        out = os.path.join(self.box.shared, "probe")
        probe = self.box.write_script("probe.py", self.PROBE)
        r = self.box.run_on_terminal(ROOT, ["-b", probe, out])
        self.assertEqual(r.rc, 0, r.out)
        self.assertRegex(self.wait_for(out, "\n"), r"^fd1=/dev/pts/\d+ fd2=/dev/pts/\d+ ")
        self.assertNotIn("discarded", r.out)

    def test_b_takes_no_pty_and_no_edit(self):
        r = self.box.run(ALICE, ["-b", "--pty", "true"])
        self.assertEqual((r.rc, r.err), (1, "runas: -b and --pty cannot be used together" + HINT + "\n"))

    def test_b_on_a_terminal_gets_no_pty(self):
        out = os.path.join(self.box.shared, "tty")
        r = self.box.run_on_terminal(ROOT, ["-b", "-u", "nobody", "/bin/sh", "-c", "tty >%s; true" % out])
        self.assertEqual(r.rc, 0, r.out)
        self.assertNotIn("/dev/pts/", self.wait_for(out, "\n"))


class ForkedBackgroundTests(BackgroundTests):
    core = "pam"


class BackgroundSystemdRunTests(OptionTest):
    backend = "systemd-run"

    def test_another_users_command_gets_no_hold_on_the_terminal(self):
        # --pipe hands the unit the client's stdout and stderr, which are
        # runas's: the same /dev/null as with scopex. (The stubs pass their
        # descriptors on as the real tools do.)
        BackgroundTests.test_another_users_command_gets_no_hold_on_the_terminal(self)

    def wait_for(self, path, text, timeout=20):
        return BackgroundTests.wait_for(self, path, text, timeout)

    PROBE = BackgroundTests.PROBE

    def test_the_client_runs_with_pipes_and_runas_returns_at_once(self):
        # (On a terminal: -b must still give the command pipes, not a pty.
        # The client stays behind holding the terminal, so runas's end is
        # seen by its exit, not by the terminal closing.)
        out = os.path.join(self.box.shared, "out")
        t = self.box.terminal(ROOT, ["-b", "/bin/sh", "-c", "sleep 2; echo done >%s" % out])
        self.addCleanup(t.close)
        begin = time.monotonic()
        while True:
            t._read(0.05)
            pid, status = os.waitpid(t.pid, os.WNOHANG)
            if pid:
                break
            self.assertLess(time.monotonic() - begin, 30)
        t.status = os.waitstatus_to_exitcode(status)
        self.assertEqual(t.status, 0, t.output)
        self.assertLess(time.monotonic() - begin, 1.8, "runas waited for the command")
        deadline = time.monotonic() + 20
        while not os.path.exists(out) and time.monotonic() < deadline:
            time.sleep(0.1)
        self.assertEqual(open(out).read(), "done\n")
        argv = self.box.stub_record(self.backend)["argv"]
        if self.backend == "systemd-run":
            self.assertIn("--pipe", argv)
            self.assertNotIn("--pty", argv)


class BackgroundRun0Tests(BackgroundSystemdRunTests):
    backend = "run0"


class OtherUserTests(OptionTest):
    def backend_line(self):
        return self.box.run(ROOT, ["-l"]).out.splitlines()[1]

    def test_a_wheel_member_asks_about_another(self):
        r = self.box.run(ALICE, ["-l", "-U", "bob"])
        self.assertEqual((r.rc, r.err), (0, ""))
        self.assertEqual(r.out.splitlines(), ["bob may run any command as any user with runas (a member of the group wheel)",
                                              self.backend_line()])

    def test_about_someone_not_in_wheel(self):
        r = self.box.run(ALICE, ["-l", "-U", "carol"])
        self.assertEqual((r.rc, r.out, r.err), (1, "carol may not use runas (not a member of the group wheel)\n", ""))

    def test_root_asks_and_about_root(self):
        r = self.box.run(ROOT, ["--list", "--other-user=alice"])
        self.assertEqual((r.rc, r.out.splitlines()[0]),
                         (0, "alice may run any command as any user with runas (a member of the group wheel)"))
        r = self.box.run(ALICE, ["-l", "-U", "root"])
        self.assertEqual(r.out.splitlines()[0], "root may run any command as any user with runas (root)")

    def test_with_a_command(self):
        r = self.box.run(ALICE, ["-l", "-U", "bob", "id", "-u"])
        self.assertEqual((r.rc, r.out), (0, "/usr/bin/id -u\n"))
        r = self.box.run(ALICE, ["-l", "-U", "carol", "id"])
        self.assertEqual((r.rc, r.out), (1, "carol may not use runas (not a member of the group wheel)\n"))

    def test_unknown_user_and_usage(self):
        r = self.box.run(ALICE, ["-l", "-U", "nosuch"])
        self.assertEqual((r.rc, r.err), (1, "runas: unknown user: nosuch\n"))
        r = self.box.run(ALICE, ["-U", "bob", "true"])
        self.assertEqual((r.rc, r.err), (1, "runas: -U works only with -l" + HINT + "\n"))


class OtherUserNotInWheelTests(OptionTest):
    runas_mode = 0o4755  # so that carol can start it at all

    def test_only_admitted_callers_may_ask(self):
        r = self.box.run(CAROL, ["-l", "-U", "alice"])
        self.assertEqual((r.rc, r.out, r.err),
                         (1, "", "runas: only root and members of the group wheel may ask about another user (-U)\n"))


if __name__ == "__main__":
    unittest.main()
