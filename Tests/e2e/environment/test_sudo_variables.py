"""test_sudo_variables.py: sudo's own variables (SUDO_PS1, SUDO_PROMPT,
MAIL) as runas treats them, and what -E and --preserve-env never pass
(sudo's table of bad variables).
Found by an attacker's review and sudo-rs's compliance tests (issue 14)."""
import unittest

from support.accounts import SHA512, wheel_member
from support.cases import SandboxTest

ALICE = wheel_member("alice", 2001, "correct horse battery", groups=("users",))
BOB = wheel_member("bob", 2002, "b0b's\tpass word", hash=SHA512)     # a target


class SudoVariablesTests(SandboxTest):
    accounts = (ALICE, BOB)

    def env(self, args, env=None):
        r = self.runas(ALICE, args + ["env"], password=ALICE.password, env=env)
        self.assertEqual(r.rc, 0, r)
        return dict(line.split("=", 1) for line in r.out.splitlines() if "=" in line)

    def test_sudo_ps1_becomes_ps1_and_never_passes_itself(self):
        for args in ([], ["-E"], ["--preserve-env=SUDO_PS1,RUNAS_PS1"]):
            with self.subTest(args=args):
                e = self.env(args, {"SUDO_PS1": "# ", "PS1": "$ "})
                self.assertEqual(e.get("PS1"), "# ")
                self.assertNotIn("SUDO_PS1", e)
        e = self.env([], {"SUDO_PS1": "# ", "RUNAS_PS1": "root# "})
        self.assertEqual((e.get("PS1"), "RUNAS_PS1" in e), ("root# ", False))
        self.assertNotIn("PS1", self.env([]))

    def test_sudo_prompt_is_the_prompt_after_runas_prompt(self):
        r = self.runas(ALICE, ["true"], password=ALICE.password, env={"SUDO_PROMPT": "sudo-like %u: "})
        self.assertEqual((r.rc, r.err), (0, "sudo-like alice: \n"), r)
        r = self.runas(ALICE, ["true"], password=ALICE.password,
                       env={"SUDO_PROMPT": "sudo-like: ", "RUNAS_PROMPT": "runas-like: "})
        self.assertEqual((r.rc, r.err), (0, "runas-like: \n"), r)

    def test_mail_is_the_targets_spool(self):
        self.assertEqual(self.env(["-u", "bob"], {"MAIL": "/var/mail/alice"}).get("MAIL"), "/var/mail/bob")
        self.assertEqual(self.env(["-i"], {"MAIL": "/var/mail/alice"}).get("MAIL"), "/var/mail/root")
        # Kept on purpose, like sudo's env_keep: the caller's own (but not with -i).
        self.assertEqual(self.env(["--preserve-env=MAIL"], {"MAIL": "/var/mail/alice"}).get("MAIL"),
                         "/var/mail/alice")
        self.assertEqual(self.env(["-i", "--preserve-env=MAIL"], {"MAIL": "/var/mail/alice"}).get("MAIL"),
                         "/var/mail/root")


class SudoBadEnvironmentTests(SandboxTest):
    """sudo's initial_badenv_table, every entry that exists on Linux."""
    accounts = (ALICE,)
    STRIPPED = ["TERMCAP", "TERMPATH", "GLOBIGNORE", "BASHOPTS", "FPATH", "NULLCMD", "READNULLCMD",
                "TMPPREFIX", "PERLIO_DEBUG", "LOCALDOMAIN", "PATH_LOCALE", "_RLD_ROOT", "_JAVA_OPTIONS",
                "CLASSPATH", "PERL5DB", "NODE_PATH", "GIT_SSH_COMMAND", "GIT_CONFIG_GLOBAL",
                "KRB5_CONFIG", "KRB5_KTNAME", "PYTHONSTARTUP"]

    def test_dash_E_and_preserve_env_strip_them(self):
        env = {name: "/tmp/x" for name in self.STRIPPED}
        env.update(EDITOR="vim", HIDDEN="x=() { id; }")
        for args in (["-E"], ["--preserve-env=EDITOR,HIDDEN," + ",".join(self.STRIPPED)]):
            with self.subTest(args=args):
                r = self.runas(ALICE, args + ["env"], password=ALICE.password, env=env)
                self.assertEqual(r.rc, 0, r)
                names = [line.split("=", 1)[0] for line in r.out.splitlines()]
                self.assertIn("EDITOR", names)
                for name in self.STRIPPED + ["HIDDEN"]:
                    self.assertNotIn(name, names)


if __name__ == "__main__":
    unittest.main()
