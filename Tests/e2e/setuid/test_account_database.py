"""test_account_database.py: odd account databases (util-linux and linux-pam
advisories of 2025), through the installed setuid binary: a 300-byte user
name, a NUL byte in /etc/passwd, a name that is a prefix of another. Each
is handled whole or refused, never truncated or matched into another
account."""
import os
import unittest

from support.accounts import not_in_wheel, wheel_member
from support.sandbox import Sandbox

ALICE = wheel_member("alice", 2001, "correct horse battery", groups=("users",))
LONG = "l" * 300
LONG_USER = wheel_member(LONG, 2040, "long name pw")
# "ali" is a prefix of "alice", a member of wheel; ali is not.
ALI = not_in_wheel("ali", 2041, "ali's own")


class OddAccountDatabaseTests(unittest.TestCase):
    def setUp(self):
        # 4755: anyone may start runas, so its own wheel check is what refuses.
        self.box = Sandbox(accounts=(ALICE, LONG_USER, ALI), runas_mode=0o4755)
        self.addCleanup(self.box.close)
        # A NUL byte inside a name: "eve\0root" must never become root (or eve).
        with open(os.path.join(self.box.dir, "etc/passwd"), "ab") as f:
            f.write(b"eve\x00root:x:2042:2042::/home/eve:/bin/sh\n")

    def runas(self, who, password, args):
        return self.box.run(who, ["-S"] + args, stdin=password + "\n")

    def test_a_300_byte_name_is_used_whole(self):
        r = self.runas(ALICE, ALICE.password, ["-u", LONG, "id", "-u"])
        self.assertEqual((r.rc, r.out), (0, "2040\n"), r)
        # One byte short is nobody's name, not a prefix match.
        r = self.runas(ALICE, ALICE.password, ["-u", LONG[:-1], "id", "-u"])
        self.assertEqual((r.rc, r.out, r.err), (1, "", "runas: unknown user: %s\n" % LONG[:-1]), r)
        # As the caller: asked by its whole name, logged by its whole name.
        r = self.runas(LONG_USER, LONG_USER.password, ["id", "-u"])
        self.assertEqual((r.rc, r.out), (0, "0\n"), r)
        self.assertIn("[runas] password for %s: " % LONG, r.err)
        self.assertEqual(self.box.runas_log()[-1],
                         "%s : TTY=unknown ; PWD=/ ; USER=root ; COMMAND=/usr/bin/id -u" % LONG)

    def test_a_nul_byte_in_a_name_matches_no_account(self):
        for spec in ("eve", "#2042"):
            r = self.runas(ALICE, ALICE.password, ["-u", spec, "id", "-u"])
            self.assertEqual((r.rc, r.out, r.err), (1, "", "runas: unknown user: %s\n" % spec), r)
        r = self.runas(ALICE, ALICE.password, ["-u", "root", "id", "-un"])
        self.assertEqual((r.rc, r.out), (0, "root\n"), r)

    def test_a_prefix_of_a_wheel_member_is_not_one(self):
        r = self.runas(ALI, ALI.password, ["id", "-u"])
        self.assertEqual((r.rc, r.out, r.err), (1, "", "runas: ali is not in the wheel group\n"), r)
        r = self.runas(ALICE, ALICE.password, ["-u", "ali", "id", "-u"])
        self.assertEqual((r.rc, r.out), (0, "2041\n"), r)
        r = self.runas(ALICE, ALICE.password, ["-u", "alic", "id", "-u"])
        self.assertEqual((r.rc, r.err), (1, "runas: unknown user: alic\n"), r)


if __name__ == "__main__":
    unittest.main()
