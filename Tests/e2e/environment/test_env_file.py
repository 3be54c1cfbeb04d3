"""test_env_file.py: /etc/runas.env: its lines applied last for the target,
ignored unless root's and not writable by others, never through a
symbolic link, and never read before authentication."""
import os
import unittest

from support.accounts import SHA512, wheel_member
from support.cases import SandboxTest
from support.cli_checks import env_of

ALICE = wheel_member("alice", 2001, "correct horse battery", groups=("users",))
BOB = wheel_member("bob", 2002, "b0b's\tpass word", hash=SHA512)
PROJ = ("proj", 3000)   # a group that is no account's own


class EnvFileTests(SandboxTest):
    accounts = (ALICE, BOB)
    sandbox = {"groups": (PROJ,)}
    TEXT = ("# overrides for every command\n"
            "*    EDITOR=vim\n"
            "*    FROM_FILE=${USER}:${UID}:${GROUP}:${GID}\n"
            "bob  ONLY_BOB=yes\n"
            "*    TWICE=first\n"
            "*    TWICE=second\n"
            "this line is wrong\n")

    def run_env(self, *extra):
        r = self.runas(ALICE, list(extra) + ["-u", "bob", "env"], password=ALICE.password)
        self.assertEqual(r.rc, 0, r)
        return r, env_of(r.out)

    def test_applied_last_for_the_target(self):
        self.box.write_env_file(self.TEXT)
        r, e = self.run_env("--env", "EDITOR=nano", "-g", "proj")
        self.assertEqual((e["EDITOR"], e["FROM_FILE"], e["ONLY_BOB"], e["TWICE"]),
                         ("vim", "bob:2002:proj:3000", "yes", "second"))
        self.assertEqual(r.out.count("TWICE="), 1)
        self.assertEqual(r.err.splitlines()[-1],
                         "runas: warning: /etc/runas.env:7: not 'USER NAME=VALUE', ignored")
        r = self.runas(ALICE, ["env"], password=ALICE.password)
        self.assertNotIn("ONLY_BOB", env_of(r.out))

    def test_ignored_unless_root_owned_and_not_writable_by_others(self):
        for mode, owner, why in [(0o644, ALICE.uid, "not owned by root"),
                                 (0o664, 0, "writable by group or others"),
                                 (0o646, 0, "writable by group or others")]:
            with self.subTest(why=why):
                self.box.write_env_file(self.TEXT, mode=mode, owner=owner)
                r, e = self.run_env()
                self.assertNotIn("EDITOR", e)
                self.assertIn("runas: warning: ignoring /etc/runas.env: %s\n" % why, r.err)

    def test_symlink_is_not_followed(self):
        target = self.box.write_env_file(self.TEXT)
        real = os.path.join(self.box.dir, "real.env")
        os.rename(target, real)
        os.symlink(real, target)
        r, e = self.run_env()
        self.assertNotIn("EDITOR", e)
        self.assertIn("runas: warning: ignoring /etc/runas.env: Too many levels of symbolic links\n", r.err)

    def test_read_only_after_authentication(self):
        self.box.write_env_file(self.TEXT, owner=ALICE.uid)
        r = self.runas(ALICE, ["env"], password="wrong")
        self.assertNotIn("runas.env", r.err)


if __name__ == "__main__":
    unittest.main()
