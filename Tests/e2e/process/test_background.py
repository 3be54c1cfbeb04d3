"""-b (background): runas returns at once and the command goes on, in a
process group of its own, with the output runas had, no terminal for input
and, for another user's command, no hold on the caller's terminal; with
scopex in place and forked (the PAM core), and with the systemd-run and
run0 backends (the stubs of support/stubs, which record their arguments
and emulate what the real ones do with them; the real-systemd tier runs -b
against a booted systemd).
"""
import os
import subprocess
import time
import unittest

from support.accounts import ROOT, SHA512, wheel_member
from support.cli_checks import HINT
from support.scopex_cases import OptionTest
from support.terminal import default_signals

ALICE = wheel_member("alice", 2001, "correct horse battery", groups=("users",))
BOB = wheel_member("bob", 2002, "b0b's\tpass word", hash=SHA512)


class BackgroundTests(OptionTest):
    accounts = (ALICE, BOB)

    # A command that ends only once the test opens its gate (or after 60 s):
    # runas has not waited for it if it returns while the gate is shut.
    GATED = "i=0; while [ ! -e %s ] && [ $i -lt 1200 ]; do sleep 0.05; i=$((i+1)); done; "

    def gate(self):
        return os.path.join(self.box.shared, "gate")

    def open_gate(self):
        open(self.gate(), "w").close()

    def start_background(self, args, who=ALICE):
        out = os.path.join(self.box.shared, "out")
        script = "exec >%s 2>&1; echo started $(ps -o pgid= -p $$); %s echo done" % (out, self.GATED % self.gate())
        r = self.box.run(who, (["-S"] if who.uid else []) + list(args) + ["/bin/sh", "-c", script],
                         stdin=ALICE.password + "\n" if who.uid else None)
        return r, out

    def wait_for(self, path, text, timeout=20):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if os.path.exists(path) and text in open(path).read():
                return open(path).read()
            time.sleep(0.1)
        self.fail("never saw %r in %s" % (text, path))

    def test_runas_returns_at_once_and_the_command_goes_on(self):
        r, out = self.start_background(["-b", "-u", "bob"])
        self.assertEqual((r.rc, r.out), (0, ""), r.err)
        self.assertFalse(os.path.exists(out) and "done" in open(out).read(), "runas waited for the command")
        self.open_gate()
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
    accounts = ()
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
        gate = os.path.join(self.box.shared, "gate")
        t = self.box.terminal(ROOT, ["-b", "/bin/sh", "-c", BackgroundTests.GATED % gate + "echo done >%s" % out])
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
        self.assertFalse(os.path.exists(out), "runas waited for the command")
        open(gate, "w").close()
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


if __name__ == "__main__":
    unittest.main()
