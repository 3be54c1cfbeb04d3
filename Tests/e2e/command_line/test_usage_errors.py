"""test_usage_errors.py: a command line runas cannot parse is refused with one
line on stderr ending with a hint to --help, exit 1, no prompt, nothing
logged."""
import unittest

from support.accounts import wheel_member
from support.cases import SandboxTest
from support.cli_checks import HINT

ALICE = wheel_member("alice", 2001, "correct horse battery", groups=("users",))


class UsageErrorTests(SandboxTest):
    accounts = (ALICE,)

    CASES = [
        (["-x", "id"], "unknown option: -x"),
        (["--bogus", "id"], "unknown option: --bogus"),
        (["-u"], "option -u requires a value"),
        (["--user"], "option --user requires a value"),
        (["--chdir="], "option --chdir requires a value"),
        (["--"], "no command given"),
        (["-n"], "no command given"),
        (["A=1", "B=2"], "no command given"),
        (["-s", "-i"], "-s and -i cannot be used together"),
        (["-i", "-D", "/tmp"], "-i and -D cannot be used together (-i runs in the target's home)"),
        (["-A", "-S", "id"], "-A and -S cannot be used together"),
        (["-B", "-S", "id"], "-B and -S cannot be used together"),
        (["-h", "id"], "-h takes no command"),
        (["--version", "id"], "--version takes no command"),
        (["--check", "id"], "--check takes no command"),
        (["-l", "--check"], "-l and --check cannot be used together"),
        (["-K", "id"], "-K takes no command"),
        (["--shell=yes"], "option --shell takes no value"),
        (["--env", "NOEQUALS", "id"], "--env wants VAR=VALUE, got 'NOEQUALS'"),
    ]

    def test_usage_errors_are_one_line_with_a_hint(self):
        for args, message in self.CASES:
            with self.subTest(args=args):
                self.assertRefused(self.box.run(ALICE, args), message + HINT)
        # Usage errors are not security events: nothing is logged.
        self.assertEqual(self.box.runas_log(), [])


if __name__ == "__main__":
    unittest.main()
