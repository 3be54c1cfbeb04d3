"""test_timestamp.py: -k and -K (runas keeps no credential cache): alone they
do nothing; -k with a command still asks for the password."""
import unittest

from support.accounts import wheel_member
from support.cases import SandboxTest

ALICE = wheel_member("alice", 2001, "correct horse battery", groups=("users",))


class TimestampTests(SandboxTest):
    accounts = (ALICE,)

    def test_k_and_K_alone_do_nothing(self):
        for args in (["-k"], ["-K"], ["--reset-timestamp"], ["--remove-timestamp"]):
            with self.subTest(args=args):
                r = self.box.run(ALICE, args)
                self.assertEqual((r.rc, r.out, r.err), (0, "", ""), r)

    def test_k_with_a_command_still_runs_it_and_still_asks(self):
        r = self.runas(ALICE, ["-k", "id", "-u"], password=ALICE.password)
        self.assertEqual((r.rc, r.out), (0, "0\n"), r)
        self.assertIn("password for alice", r.err)


if __name__ == "__main__":
    unittest.main()
