"""-P (preserve groups): the command runs with the target's uid and gid
and the caller's supplementary groups (with -g, that group as its gid);
with scopex in place and forked (the PAM core), and with the systemd-run
and run0 backends, which pass the groups to the service manager as
SupplementaryGroups= (stubs, support/stubs; the real-systemd tier runs -P
against a booted systemd).
"""
import unittest

from support.accounts import SHA512, wheel_member
from support.cli_checks import HINT
from support.scopex_cases import OptionTest

# alice runs commands as bob, keeping her groups (wheel, users) or not.
ALICE = wheel_member("alice", 2001, "correct horse battery", groups=("users",))
BOB = wheel_member("bob", 2002, "b0b's\tpass word", hash=SHA512)

ID = ["/bin/sh", "-c", "id -u; id -g; id -G"]


class GroupsTest(OptionTest):
    """Reads what ID prints: (uid, gid, the sorted groups)."""
    accounts = (ALICE, BOB)

    def groups_of(self, out):
        uid, gid, groups = out.split("\n")[:3]
        return int(uid), int(gid), sorted(int(g) for g in groups.split())


class PreserveGroupsTests(GroupsTest):
    sandbox = {"groups": (("proj", 3000),)}

    def test_the_command_keeps_the_callers_groups(self):
        r = self.as_alice(["-P", "-u", "bob"] + ID)
        self.assertEqual(r.rc, 0, r.err)
        # Real and effective ids are bob's; the groups alice's (2001, wheel, users).
        self.assertEqual(self.groups_of(r.out), (2002, 2002, sorted([2002, 2001, 10, 100])))

    def test_without_p_the_targets_groups(self):
        r = self.as_alice(["-u", "bob"] + ID)
        self.assertEqual(self.groups_of(r.out), (2002, 2002, [10, 2002]))

    def test_p_with_g(self):
        r = self.as_alice(["-P", "-u", "bob", "-g", "proj"] + ID)
        self.assertEqual(self.groups_of(r.out), (2002, 3000, sorted([3000, 2001, 10, 100])))

    def test_p_is_only_for_a_command(self):
        r = self.box.run(ALICE, ["-P", "-l"])
        self.assertEqual((r.rc, r.err), (1, "runas: -l and -P cannot be used together" + HINT + "\n"))


class ForkedPreserveGroupsTests(PreserveGroupsTests):
    """The PAM core: scopex forks (a PAM session is open around the command)."""
    core = "pam"


class PreserveGroupsSystemdRunTests(GroupsTest):
    backend = "systemd-run"
    client = "systemd-run"

    def test_the_groups_are_passed_as_supplementary_groups(self):
        r = self.as_alice(["-P", "-u", "bob"] + ID)
        self.assertEqual(r.rc, 0, r.err)
        argv = self.box.stub_record(self.client)["argv"]
        props = [a for a in argv if a.startswith("--property=SupplementaryGroups=")]
        self.assertEqual(len(props), 1, argv)
        self.assertEqual(sorted(int(g) for g in props[0].split("=", 2)[2].split()), [10, 100, 2001])
        # The service manager adds bob's own groups (User=): both are there.
        self.assertEqual(self.groups_of(r.out), (2002, 2002, sorted([2002, 2001, 10, 100])))

    def test_without_p_no_groups_are_passed(self):
        self.as_alice(["-u", "bob", "true"])
        argv = self.box.stub_record(self.client)["argv"]
        self.assertFalse([a for a in argv if a.startswith("--property=")], argv)


class PreserveGroupsRun0Tests(PreserveGroupsSystemdRunTests):
    backend = "run0"
    client = "run0"


if __name__ == "__main__":
    unittest.main()
