"""test_same_uid_alias.py: a second passwd entry with the caller's uid is
not "staying yourself": becoming it can gain groups, so runas asks for the
password; staying yourself with groups you hold asks nothing.
Found by an attacker's review and sudo-rs's compliance tests (issue 14)."""
import os
import re
import subprocess
import unittest

from support.accounts import User, wheel_member
from support.cases import SandboxTest

ALICE = wheel_member("alice", 2001, "correct horse battery", groups=("users",))
# alice-ops: alice's uid and gid under another name, no password of its own, in proj
ALICE_OPS = User("alice-ops", 2001, 2001, shadow_override="*", groups=("proj",))


class SameUidAliasTests(SandboxTest):
    """alice-ops shares alice's uid and primary gid but has other groups:
    becoming it gains those groups, so it is not "staying yourself"."""
    accounts = (ALICE, ALICE_OPS)
    sandbox = {"groups": (("proj", 3000),)}

    def secret(self):
        path = os.path.join(self.box.dir, "secret")
        with open(path, "w") as f:
            f.write("root's secret\n")
        os.chown(path, 0, 3000)      # root:proj 0640
        os.chmod(path, 0o640)
        return path

    def test_alias_account_asks_for_the_password(self):
        secret = self.secret()
        r = self.box.run(ALICE, ["-n", "-u", "alice-ops", "cat", secret])
        self.assertEqual((r.rc, r.out, r.err), (1, "", "runas: a password is required\n"), r)
        r = self.runas(ALICE, ["-u", "alice-ops", "cat", secret], password=ALICE.password)
        self.assertEqual((r.rc, r.out), (0, "root's secret\n"), r)

    def test_staying_yourself_with_your_own_groups_asks_nothing(self):
        r = self.box.run(ALICE, ["-n", "-u", "alice", "id", "-un"])
        self.assertEqual((r.rc, r.out, r.err), (0, "alice\n", ""), r)
        r = self.box.run(ALICE, ["-n", "-g", "users", "id", "-gn"])
        self.assertEqual((r.rc, r.out, r.err), (0, "users\n", ""), r)

    def test_a_group_of_your_own_entry_that_you_do_not_hold_asks(self):
        # The group database says alice is in proj; this process is not
        # (she logged in before): the command would gain it.
        with open(os.path.join(self.box.dir, "etc/group")) as f:
            text = f.read()
        with open(os.path.join(self.box.dir, "etc/group"), "w") as f:
            f.write(re.sub(r"^(proj:x:3000:)(.*)$", lambda m: m.group(1) + (m.group(2) + ",alice").lstrip(","),
                           text, flags=re.M))
        cmd = self.box.command(ALICE, ["-n", "-u", "alice", "id", "-Gn"])
        # setpriv --init-groups reads the (edited) database: drop proj again.
        cmd = [w if not str(w).startswith("--init-groups") else "--groups=2001,10,100" for w in cmd]
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=60, cwd="/",
                           env=self.box.environment(ALICE))
        self.assertEqual((p.returncode, p.stderr), (1, "runas: a password is required\n"), p)


if __name__ == "__main__":
    unittest.main()
