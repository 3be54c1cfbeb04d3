"""test_shell.py: -s (the caller's $SHELL if /etc/shells lists it, else the
target's shell) and -i (the target's login shell in its home), with and
without a command, and the log line naming the shell."""
import unittest

from support.accounts import wheel_member
from support.cases import SandboxTest

ALICE = wheel_member("alice", 2001, "correct horse battery", groups=("users",))


class ShellTests(SandboxTest):
    accounts = (ALICE,)

    def test_s_runs_the_callers_shell_when_listed(self):
        r = self.runas(ALICE, ["-s", "echo", "$0", "$(id -u)"], password=ALICE.password,
                       env={"SHELL": "/bin/bash"})
        self.assertEqual((r.rc, r.out), (0, "/bin/bash 0\n"), r)

    def test_s_falls_back_to_the_targets_shell(self):
        for shell in ("/tmp/not-listed", "bash", ""):
            with self.subTest(shell=shell):
                r = self.runas(ALICE, ["-s", "echo $0"], password=ALICE.password, env={"SHELL": shell})
                self.assertEqual((r.rc, r.out), (0, "/bin/sh\n"), r)

    def test_s_without_a_command_is_an_interactive_shell(self):
        r = self.runas(ALICE, ["-s"], password=ALICE.password + "\necho from-stdin $(id -u)",
                       env={"SHELL": "/bin/bash"})
        self.assertEqual((r.rc, r.out), (0, "from-stdin 0\n"), r)

    def test_i_is_a_login_shell_in_the_targets_home(self):
        r = self.runas(ALICE, ["-i", "echo", "$0", "$PWD", "$HOME"], password=ALICE.password,
                       env={"SHELL": "/bin/bash"})
        self.assertEqual(r.rc, 0, r)
        # A login shell reads /etc/profile and ~/.profile first; our line is last.
        self.assertEqual(r.out.splitlines()[-1], "-sh /root /root", r)

    def test_i_into_a_missing_home_falls_back_to_root_dir_with_a_warning(self):
        r = self.runas(ALICE, ["-i", "-u", "nobody", "pwd"], password=ALICE.password)
        self.assertEqual((r.rc, r.out.splitlines()[-1:]), (0, ["/"]), r)
        self.assertIn("runas: warning: cannot enter /nonexistent, using /\n", r.err)

    def test_log_names_the_shell(self):
        r = self.runas(ALICE, ["-s", "true"], password=ALICE.password, env={"SHELL": "/bin/bash"})
        self.assertEqual(r.rc, 0, r)
        self.assertEqual(self.box.runas_log(),
                         ["alice : TTY=unknown ; PWD=/ ; USER=root ; COMMAND=/bin/bash -c true"])


if __name__ == "__main__":
    unittest.main()
