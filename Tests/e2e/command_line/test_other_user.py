"""-U (other user, with -l): what runas would let another user do, asked
by a wheel member or root, about a wheel member, root or someone not in
wheel, with or without a command; and only root and wheel members may ask.
"""
import unittest

from support.accounts import ROOT, SHA512, not_in_wheel, wheel_member
from support.cli_checks import HINT
from support.scopex_cases import OptionTest

ALICE = wheel_member("alice", 2001, "correct horse battery", groups=("users",))
BOB = wheel_member("bob", 2002, "b0b's\tpass word", hash=SHA512)
# carol: not in wheel (asked about, and asking herself with a runas mode 4755).
CAROL = not_in_wheel("carol", 2003, "not an admin", groups=("users",))


class OtherUserTests(OptionTest):
    accounts = (ALICE, BOB, CAROL)

    def backend_line(self):
        return self.box.run(ROOT, ["-l"]).out.splitlines()[1]

    def test_a_wheel_member_asks_about_another(self):
        r = self.box.run(ALICE, ["-l", "-U", "bob"])
        self.assertEqual((r.rc, r.err), (0, ""))
        self.assertEqual(r.out.splitlines(), ["bob may run any command as any user with runas (a member of the group wheel)",
                                              self.backend_line()])

    def test_about_someone_not_in_wheel(self):
        r = self.box.run(ALICE, ["-l", "-U", "carol"])
        self.assertEqual((r.rc, r.out, r.err), (1, "carol may not use runas (not a member of the group wheel)\n", ""))

    def test_root_asks_and_about_root(self):
        r = self.box.run(ROOT, ["--list", "--other-user=alice"])
        self.assertEqual((r.rc, r.out.splitlines()[0]),
                         (0, "alice may run any command as any user with runas (a member of the group wheel)"))
        r = self.box.run(ALICE, ["-l", "-U", "root"])
        self.assertEqual(r.out.splitlines()[0], "root may run any command as any user with runas (root)")

    def test_with_a_command(self):
        r = self.box.run(ALICE, ["-l", "-U", "bob", "id", "-u"])
        self.assertEqual((r.rc, r.out), (0, "/usr/bin/id -u\n"))
        r = self.box.run(ALICE, ["-l", "-U", "carol", "id"])
        self.assertEqual((r.rc, r.out), (1, "carol may not use runas (not a member of the group wheel)\n"))

    def test_unknown_user_and_usage(self):
        r = self.box.run(ALICE, ["-l", "-U", "nosuch"])
        self.assertEqual((r.rc, r.err), (1, "runas: unknown user: nosuch\n"))
        r = self.box.run(ALICE, ["-U", "bob", "true"])
        self.assertEqual((r.rc, r.err), (1, "runas: -U works only with -l" + HINT + "\n"))


class OtherUserNotInWheelTests(OptionTest):
    accounts = (ALICE, CAROL)
    sandbox = {"runas_mode": 0o4755}  # so that carol can start it at all

    def test_only_admitted_callers_may_ask(self):
        r = self.box.run(CAROL, ["-l", "-U", "alice"])
        self.assertEqual((r.rc, r.out, r.err),
                         (1, "", "runas: only root and members of the group wheel may ask about another user (-U)\n"))


if __name__ == "__main__":
    unittest.main()
