"""test_self_stopped.py: a command that stops itself (SIGTTOU in a
pipeline of an interactive shell) or signals its own runas: runas
resumes it when it is its parent, a real Ctrl-Z still stops the job, and
signals from the command are not relayed back to it.
Found by an attacker's review and sudo-rs's compliance tests (issue 14)."""
import signal
import unittest

from support.accounts import ROOT, wheel_member
from support.cases import SandboxTest
from support.paths import RUNAS

ALICE = wheel_member("alice", 2001, "correct horse battery", groups=("users",))


class SelfStoppedCommandTests(SandboxTest):
    """In an interactive shell with job control, a command that sends itself
    SIGTTOU while runas is in the foreground: when runas is its parent,
    runas resumes it (as sudo does) instead of stopping beside a `cat` that
    then waits for ever. (Exec'd in place, there is nothing in between:
    the job stops as it would without runas, and fg resumes it.)"""
    accounts = ()   # root alone
    core = "pam"   # root's PAM session keeps runas as the parent

    def shell(self, options):
        script = self.box.write_script("inner.sh", "echo before\nkill -TTOU $$\necho after\n")
        t = self.box.shell_on_terminal(ROOT)
        self.addCleanup(t.close)
        t.send("set -m; %s %s -u nobody sh %s | cat; echo rc=$?\n" % (RUNAS, options, script))
        t.expect("before", timeout=10)
        return t

    def pipeline(self, options):
        t = self.shell(options)
        t.expect("after", timeout=10)
        t.expect("rc=0", timeout=10)

    def test_with_a_pty(self):
        self.pipeline("--pty")

    def test_without_a_pty(self):
        self.pipeline("--no-pty")


class SelfStoppedCommandInPlaceTests(SelfStoppedCommandTests):
    """Exec'd in place (shadow core, no pty) the command stops itself as it
    would without runas: `sh inner.sh | cat` behaves the same, with `cat`
    still running. Ctrl-Z stops the rest of the job, and fg resumes all."""
    core = "shadow"

    def test_without_a_pty(self):
        t = self.shell("--no-pty")
        t.settle(1)
        self.assertNotIn("after", t.output)   # nobody resumes it behind the shell's back
        t.send("\x1a")
        t.expect("Stopped", timeout=10)
        t.expect("rc=%d" % (128 + signal.SIGTTOU), timeout=10)   # bash: the job stopped
        t.send("fg\n")
        t.expect("after", timeout=10)

    def test_a_real_stop_still_stops_runas(self):
        # Ctrl-Z (SIGTSTP) is not spurious: the job stops, fg resumes it.
        # The command waits in `read`, a builtin: after `echo started; sleep
        # 2`, the Ctrl-Z often landed while sh was in vfork() for sleep,
        # where nothing can stop the job, with or without runas
        # (process/test_pty.py: PseudoTerminalTests.
        # test_nothing_of_a_job_is_left_when_its_shell_dies_after_ctrl_z).
        t = self.box.shell_on_terminal(ROOT)
        self.addCleanup(t.close)
        t.send("%s -u nobody sh -c 'echo sta''rted; read line; echo fini''shed $line'\n" % RUNAS)
        t.expect("started")
        t.send("\x1a")
        t.expect("Stopped")
        t.expect("bash$ ")
        t.send("fg\n")
        t.expect(RUNAS)         # bash names the job it continues
        t.send("now\r")
        t.expect("finished now")


class SignalFromTheCommandTests(SandboxTest):
    """On a terminal (pty: runas, its monitor, the command), a command that
    sends SIGTERM to both runas processes above it: sudo ignores signals
    the command sends; runas must not relay them back to it either."""
    accounts = (ALICE,)

    def test_sigterm_to_both_parents_is_not_relayed_back(self):
        script = self.box.write_script("killer.sh", (
            "trap 'echo GOT-TERM' TERM\n"
            "monitor=$PPID\n"
            "runas=$(sed 's/.*) //' /proc/$monitor/stat | cut -d' ' -f2)\n"
            "kill -TERM $monitor $runas\n"
            "sleep 1\n"
            "echo done\n"))
        for attempt in range(3):
            with self.subTest(attempt=attempt):
                r = self.box.run_on_terminal(ALICE, ["sh", script],
                                             answers=[("password for alice: ", ALICE.password + "\n")])
                self.assertEqual(r.rc, 0, r)
                self.assertIn("done", r.out)
                self.assertNotIn("GOT-TERM", r.out)


if __name__ == "__main__":
    unittest.main()
