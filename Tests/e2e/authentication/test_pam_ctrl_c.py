"""test_pam_ctrl_c.py: Ctrl-C while PAM authenticates on the terminal (PAM
build). Ctrl-C at a method that waits for something else first (a
fingerprint reader, a security key's touch, a one-time code) gives that
method up and PAM goes on to the next, as with sudo and sudo-rs; Ctrl-C that
nothing follows (at the last prompt, or twice in a row) ends runas, with
the terminal as it was; with -S it ends runas at once.

No fingerprint reader or key exists here: the test module
(support/fixtures/pam_runas_test.c) stands in for them. `wait=` shows a
message and waits for a device that never answers, failing when the wait is
interrupted, as pam_fprintd does; `stubborn=` waits on through EINTR;
`ask=` asks for a one-time code. pam_unix is real.
"""
import os
import shutil
import signal
import tempfile
import time
import unittest

from support.accounts import wheel_member
from support.pam_fixture import pam_test_module
from support.sandbox import Sandbox

ALICE = wheel_member("alice", 2001, "correct horse battery", groups=("users",))
UNIX = "auth required pam_unix.so\naccount required pam_unix.so\n"
# poll and ppoll on x86_64, ppoll on arm64: the module's wait.
POLL_SYSCALLS = {"7", "271", "73"}


class PAMCtrlCTests(unittest.TestCase):
    def job(self, first_method, args=("id", "-u")):
        """runas on a terminal, with `first_method` (the test module's
        arguments) as a sufficient method before pam_unix."""
        directory = tempfile.mkdtemp(prefix="runas-pam-module-")
        os.chmod(directory, 0o755)
        self.addCleanup(shutil.rmtree, directory, True)
        module = pam_test_module(directory)
        box = Sandbox(accounts=(ALICE,), core="pam", backend="scopex",
                      pam_stack="auth sufficient %s %s\n" % (module, first_method) + UNIX)
        self.addCleanup(box.close)
        t = box.job_on_terminal(ALICE, list(args))
        self.addCleanup(t.close)
        return t

    def wait_in_the_module(self, t):
        """Until runas sits in the module's wait (a Ctrl-C before it would
        find nothing to cut short)."""
        pid = t.wait_for_process("runas")
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                with open("/proc/%d/syscall" % pid) as f:
                    if f.read().split()[0] in POLL_SYSCALLS:
                        return
            except (OSError, IndexError):
                pass
            time.sleep(0.02)
        self.fail("runas never waited in the module; the terminal showed:\n" + t.output)

    def test_ctrl_c_at_a_device_wait_moves_on_to_the_password(self):
        t = self.job("wait=Place_your_finger_on_the_reader")
        t.expect("Place your finger on the reader")
        self.wait_in_the_module(t)
        t.send("\x03")
        t.expect("[runas] password for alice: ")
        self.assertFalse(t.echo_is_on())
        t.send(ALICE.password + "\n")
        shown = t.expect("JOBCTL exited status=0 echo=on")
        self.assertIn("0\r\n", shown)

    def test_ctrl_c_at_a_one_time_code_prompt_moves_on_to_the_password(self):
        t = self.job("ask=Verification_code:_")
        t.expect("Verification code: ")
        t.send("12")
        t.settle()
        t.send("\x03")
        t.expect("[runas] password for alice: ")
        t.send(ALICE.password + "\n")
        t.expect("JOBCTL exited status=0 echo=on")

    def test_ctrl_c_at_the_password_after_moving_on_ends_runas(self):
        t = self.job("wait=Place_your_finger_on_the_reader")
        t.expect("Place your finger on the reader")
        self.wait_in_the_module(t)
        t.send("\x03")
        t.expect("[runas] password for alice: ")
        t.send("half")
        t.settle()
        t.send("\x03")
        t.expect("JOBCTL exited status=-%d echo=on" % signal.SIGINT)
        t.send("\n")
        t.expect("JOBCTL next-line=''")          # the half-typed password was not left behind

    def test_a_second_ctrl_c_ends_runas_when_a_module_waits_on(self):
        t = self.job("stubborn=Touch_your_security_key")
        t.expect("Touch your security key")
        self.wait_in_the_module(t)
        t.send("\x03")
        t.settle(0.5)
        self.assertNotIn("password for alice", t.output)   # the module waits on
        self.assertIsNone(t.status)
        t.send("\x03")
        t.expect("JOBCTL exited status=-%d echo=on" % signal.SIGINT)
        self.assertNotIn("password for alice", t.output)

    def test_with_dash_S_ctrl_c_ends_runas_at_once(self):
        t = self.job("wait=Place_your_finger_on_the_reader", args=("-S", "id", "-u"))
        t.expect("Place your finger on the reader")
        self.wait_in_the_module(t)
        t.send("\x03")
        t.expect("JOBCTL exited status=-%d echo=on" % signal.SIGINT)
        self.assertNotIn("password for alice", t.output)


if __name__ == "__main__":
    unittest.main()
