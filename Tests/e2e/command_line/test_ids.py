"""test_ids.py: -u and -g with names, #UIDs and #GIDs, digits that are a
name or a uid, the option spellings that carry them, and the ids refused
before any prompt."""
import unittest

from support.accounts import SHA512, wheel_member, without_password
from support.cases import SandboxTest

ALICE = wheel_member("alice", 2001, "correct horse battery", groups=("users",))
BOB = wheel_member("bob", 2002, "b0b's\tpass word", hash=SHA512)
# A user called "65534" (nobody's uid is 65534): a name before a uid.
NUMERIC_NAME = without_password("65534", 2030)
PROJ = ("proj", 3000)   # a group that is no account's own


class IdTests(SandboxTest):
    accounts = (ALICE, BOB, NUMERIC_NAME)
    sandbox = {"groups": (PROJ,)}

    def test_numeric_uid(self):
        r = self.runas(ALICE, ["-u", "#2002", "id", "-un"], password=ALICE.password)
        self.assertEqual((r.rc, r.out), (0, "bob\n"), r)

    def test_option_spellings(self):
        # Combined flags with an attached value, --long=value, and -H.
        for args in (["-HSu#2002"], ["-S", "--user=bob", "--set-home"], ["-S", "--user", "bob", "-H"]):
            with self.subTest(args=args):
                r = self.box.run(ALICE, args + ["sh", "-c", "id -un; echo $HOME"], stdin=ALICE.password + "\n")
                self.assertEqual((r.rc, r.out), (0, "bob\n/home/bob\n"), r)

    def test_digit_name_is_a_name_first(self):
        # A user is called "65534" (uid 2030); nobody's uid is 65534.
        r = self.runas(ALICE, ["-u", "65534", "id", "-u"], password=ALICE.password)
        self.assertEqual((r.rc, r.out), (0, "2030\n"), r)

    def test_digits_that_name_nobody_are_a_uid(self):
        r = self.runas(ALICE, ["-u", "2002", "id", "-un"], password=ALICE.password)
        self.assertEqual((r.rc, r.out), (0, "bob\n"), r)

    def test_numeric_gid(self):
        r = self.runas(ALICE, ["-u", "nobody", "-g", "#3000", "id", "-gn"], password=ALICE.password)
        self.assertEqual((r.rc, r.out), (0, "proj\n"), r)

    def test_bad_ids_are_refused_before_any_prompt(self):
        for args, message in [
            (["-u", "#-1"], "invalid user id: #-1"),
            (["-u", "#4294967295"], "invalid user id: #4294967295"),
            (["-u", "#99999999999"], "invalid user id: #99999999999"),
            (["-u", "#+1"], "invalid user id: #+1"),
            (["-u", "# 1"], "invalid user id: # 1"),
            (["-u", "#0x10"], "invalid user id: #0x10"),
            (["-u", "#"], "invalid user id: #"),
            (["-g", "#-1"], "invalid group id: #-1"),
            (["-u", "#4242"], "unknown user: #4242"),
            (["-u", "4294967295"], "unknown user: 4294967295"),
            (["-u", "no-such-user"], "unknown user: no-such-user"),
            (["-g", "no-such-group"], "unknown group: no-such-group"),
            (["-g", "#4242"], "unknown group: #4242"),
        ]:
            with self.subTest(args=args):
                self.assertRefused(self.box.run(ALICE, ["-S"] + args + ["id"], stdin=ALICE.password + "\n"),
                                   message)


if __name__ == "__main__":
    unittest.main()
