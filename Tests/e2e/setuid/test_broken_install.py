"""test_broken_install.py: a runas that cannot be root (not setuid, not
root's, a user namespace, no_new_privs, a nosuid mount) says why, by
name, runs nothing and logs nothing.
Found by an attacker's review and sudo-rs's compliance tests (issue 14)."""
import os
import subprocess
import unittest

from support.accounts import ROOT, wheel_member
from support.paths import RUNAS
from support.sandbox import Sandbox

ALICE = wheel_member("alice", 2001, "correct horse battery", groups=("users",))
ACCOUNTS = (ALICE,)


class BrokenInstallTests(unittest.TestCase):
    MESSAGE = "runas: runas must be owned by root and have the setuid bit\n"

    def check(self, core, fix):
        with Sandbox(accounts=ACCOUNTS, core=core) as box:
            fix(os.path.join(box.dir, "usr-local/bin/runas"))
            r = box.run(ALICE, ["-S", "id"], stdin=ALICE.password + "\n")
            self.assertEqual((r.rc, r.out, r.err), (1, "", self.MESSAGE), r)
            r = box.run(ALICE, ["-l"])
            self.assertEqual((r.rc, r.err), (1, self.MESSAGE), r)

    def test_not_setuid(self):
        for core in ("shadow", "pam"):
            with self.subTest(core=core):
                self.check(core, lambda path: os.chmod(path, 0o755))

    def test_not_owned_by_root(self):
        def give_to_alice(path):
            os.chown(path, ALICE.uid, 10)
            os.chmod(path, 0o4755)
        for core in ("shadow", "pam"):
            with self.subTest(core=core):
                self.check(core, give_to_alice)


class NotReallyRootTests(unittest.TestCase):
    """Where the kernel ignores the setuid bit, runas says why, by name,
    and runs nothing. In a user namespace of the caller's own, runas saw
    uid 0 and euid 0 and took the caller for root (logging "root : ...")."""

    def check(self, box, r, message):
        self.assertEqual((r.rc, r.out, r.err), (1, "", "runas: %s\n" % message), r)
        self.assertEqual(box.runas_log(), [])

    def test_in_a_user_namespace_of_the_callers_own(self):
        for core in ("shadow", "pam"):
            with self.subTest(core=core), Sandbox(accounts=ACCOUNTS, core=core) as box:
                r = box.run(ALICE, ["-r", RUNAS, "-n", "id", "-u"], program="/usr/bin/unshare")
                self.check(box, r, "runas is not really root here: it runs in a user namespace, "
                                   "where its setuid bit gives no root")
                r = box.run(ALICE, ["-r", RUNAS, "--check"], program="/usr/bin/unshare")
                self.assertEqual(r.rc, 1, r)
                self.assertIn("FAIL  runas runs as the machine's root (effective uid 0): runas is not really root "
                              "here: it runs in a user namespace, where its setuid bit gives no root\n", r.out)
                # Control: outside it, the same run is an ordinary refusal.
                r = box.run(ALICE, ["-n", "id", "-u"])
                self.assertEqual((r.rc, r.err), (1, "runas: a password is required\n"), r)

    def test_with_no_new_privs(self):
        with Sandbox(accounts=ACCOUNTS) as box:
            r = box.run(ALICE, ["--no-new-privs", RUNAS, "-S", "id"], stdin=ALICE.password + "\n",
                        program="/usr/bin/setpriv")
            self.check(box, r, "runas cannot become root: this process has no_new_privs set, "
                               "so the kernel ignored runas's setuid bit")

    def test_on_a_nosuid_mount(self):
        with Sandbox(accounts=ACCOUNTS) as box:
            # Inside the sandbox's namespace, as root: /usr/local (a tmpfs of
            # the sandbox's) remounted nosuid, then alice runs runas.
            script = box.write_script("nosuid.sh", (
                "#!/bin/sh\nset -e\nmount -o remount,nosuid /usr/local\n"
                "exec setpriv --reuid=%d --regid=%d --init-groups -- /usr/bin/env %s -S id\n")
                % (ALICE.uid, ALICE.gid, RUNAS))
            p = subprocess.run(box.command(ROOT, [], program=script), input=(ALICE.password + "\n").encode(),
                               capture_output=True, timeout=60, cwd="/", env=box.environment(ALICE))
            r = (p.returncode, p.stdout.decode(), p.stderr.decode())
            self.assertEqual(r, (1, "", "runas: runas cannot become root: its file system is mounted nosuid, "
                                        "so the kernel ignored its setuid bit\n"), r)
            self.assertEqual(box.runas_log(), [])


if __name__ == "__main__":
    unittest.main()
