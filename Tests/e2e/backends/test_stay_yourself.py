"""test_stay_yourself.py: through systemd-run or run0 even "staying
yourself" asks for the password: a service manager starts the command
outside the caller's session and limits, which gains something.
Found by an attacker's review and sudo-rs's compliance tests (issue 14)."""
import unittest

from support.accounts import ROOT, wheel_member
from support.cases import SandboxTest

ALICE = wheel_member("alice", 2001, "correct horse battery", groups=("users",))


class StayYourselfThroughServiceManagerTests(SandboxTest):
    """systemd-run/run0 start the command as a system service, outside the
    caller's session and limits: that gains something, so a password."""
    accounts = (ALICE,)
    backend = "systemd-run"

    def test_systemd_run_asks_for_the_password(self):
        r = self.box.run(ALICE, ["-n", "-u", "alice", "id", "-un"])
        self.assertEqual((r.rc, r.out, r.err), (1, "", "runas: a password is required\n"), r)
        self.assertIsNone(self.box.stub_record("systemd-run"))
        r = self.runas(ALICE, ["-u", "alice", "id", "-un"], password=ALICE.password)
        self.assertEqual((r.rc, r.out), (0, "alice\n"), r)

    def test_root_is_never_asked(self):
        r = self.box.run(ROOT, ["-n", "id", "-un"])
        self.assertEqual((r.rc, r.out), (0, "root\n"), r)


class StayYourselfThroughRun0Tests(StayYourselfThroughServiceManagerTests):
    backend = "run0"

    def test_systemd_run_asks_for_the_password(self):
        r = self.box.run(ALICE, ["-n", "-g", "users", "id", "-un"])
        self.assertEqual((r.rc, r.out, r.err), (1, "", "runas: a password is required\n"), r)
        self.assertIsNone(self.box.stub_record("run0"))


if __name__ == "__main__":
    unittest.main()
