"""test_list.py: -l for root, a wheel member and a user not in wheel, and -l
with a command (its full path, found without telling what only root may
see)."""
import os
import unittest

from support.accounts import ROOT, not_in_wheel, wheel_member
from support.cases import SandboxTest

ALICE = wheel_member("alice", 2001, "correct horse battery", groups=("users",))
CAROL = not_in_wheel("carol", 2003, "not an admin", groups=("users",))  # not in wheel


class ListTests(SandboxTest):
    accounts = (ALICE, CAROL)
    sandbox = {"runas_mode": 0o4755}  # so that carol can run it at all

    def test_member(self):
        r = self.box.run(ALICE, ["-l"])
        self.assertEqual((r.rc, r.err), (0, ""), r)
        self.assertEqual(r.out, "alice may run any command as any user with runas (a member of the group wheel)\n"
                                "backend: scopex 0.6.0 (ABI 1.5) at /usr/local/lib/runas/backend.so\n")

    def test_root(self):
        r = self.box.run(ROOT, ["--list"])
        self.assertEqual(r.rc, 0, r)
        self.assertTrue(r.out.startswith("root may run any command as any user with runas (root)\n"), r)

    def test_non_member(self):
        r = self.box.run(CAROL, ["-l"])
        self.assertEqual((r.rc, r.out, r.err), (1, "carol may not use runas (not a member of the group wheel)\n", ""))
        r = self.box.run(CAROL, ["-l", "id"])
        self.assertEqual(r.rc, 1, r)

    def test_with_a_command_prints_its_path_and_asks_nothing(self):
        r = self.box.run(ALICE, ["-l", "id"])
        self.assertEqual((r.rc, r.out, r.err), (0, "/usr/bin/id\n", ""), r)
        r = self.box.run(ALICE, ["-l", "-u", "nobody", "no-such-command-here"])
        self.assertEqual((r.rc, r.out, r.err), (127, "", "runas: no-such-command-here: command not found\n"), r)
        r = self.box.run(ALICE, ["-l", "-u", "no-such-user", "id"])
        self.assertRefused(r, "unknown user: no-such-user")

    def test_with_a_command_tells_nothing_about_root_only_directories(self):
        # Found in review: the lookup ran as root before any password, so the
        # answer told which files exist where only root can look.
        secret = os.path.join(self.box.shared, "root-only")
        os.mkdir(secret, 0o700)
        with open(os.path.join(secret, "prog"), "w") as f:
            f.write("#!/bin/sh\n")
        os.chmod(os.path.join(secret, "prog"), 0o755)
        there = self.box.run(ALICE, ["-l", os.path.join(secret, "prog")])
        absent = self.box.run(ALICE, ["-l", os.path.join(secret, "absent")])
        self.assertEqual(there.out, "", there)
        self.assertEqual((there.rc, there.err.replace("/prog", "/X")),
                         (absent.rc, absent.err.replace("/absent", "/X")), (there, absent))
        # root itself still gets the answer.
        r = self.box.run(ROOT, ["-l", os.path.join(secret, "prog")])
        self.assertEqual((r.rc, r.out), (0, os.path.join(secret, "prog") + "\n"), r)


if __name__ == "__main__":
    unittest.main()
