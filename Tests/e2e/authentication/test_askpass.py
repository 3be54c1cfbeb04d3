"""test_askpass.py: -A's helper program when it cannot run or fails: the
error says why, and a failing helper's output is never tried as a password.
(The helper that works is in test_prompt.py's prompt scenarios.)
Found by an attacker's review and sudo-rs's compliance tests (issue 14)."""
import os
import unittest

from support.accounts import wheel_member
from support.cases import SandboxTest

ALICE = wheel_member("alice", 2001, "correct horse battery", groups=("users",))


class AskpassTests(SandboxTest):
    accounts = (ALICE,)

    def test_a_helper_that_cannot_run_says_why(self):
        helper = os.path.join(self.box.dir, "askpass")
        with open(helper, "w") as f:
            f.write("#!/bin/sh\necho x\n")
        os.chmod(helper, 0o644)     # not executable
        r = self.box.run(ALICE, ["-A", "true"], env={"RUNAS_ASKPASS": helper})
        self.assertEqual((r.rc, r.err), (1, "runas: cannot run the askpass helper %s: Permission denied\n"
                                            % helper), r)
        missing = os.path.join(self.box.dir, "missing")
        r = self.box.run(ALICE, ["-A", "true"], env={"RUNAS_ASKPASS": missing})
        self.assertEqual((r.rc, r.err), (1, "runas: cannot run the askpass helper %s: No such file or directory\n"
                                            % missing), r)

    def test_a_helper_that_fails_is_a_cancel_even_if_it_printed(self):
        # Decided (README): a failing helper's output may be an error
        # message; it is never tried as a password (and never counted).
        helper = self.box.write_script("askpass", "#!/bin/sh\necho '%s'\nexit 1\n" % ALICE.password)
        marker = os.path.join(self.box.shared, "ran")
        r = self.box.run(ALICE, ["-A", "touch", marker], env={"RUNAS_ASKPASS": helper})
        self.assertEqual((r.rc, r.err), (1, "runas: no password given\n"), r)
        self.assertFalse(os.path.exists(marker))


if __name__ == "__main__":
    unittest.main()
