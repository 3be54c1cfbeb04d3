"""runas -e through each backend and core: the service managers are never
asked (the editor runs as the caller), and the PAM core authenticates.
"""
import unittest

from support.accounts import wheel_member
from support.edit_fixture import EditTest

ALICE = wheel_member("alice", 2001, "correct horse battery", groups=("users",))


class BackendTests(EditTest):
    """-e runs nothing as the target: the service managers are never asked."""
    accounts = (ALICE,)
    caller = ALICE
    backend = "systemd-run"

    def test_edit_with_the_systemd_run_backend(self):
        f = self.srv("via.conf", "1\n")
        r = self.edit(["/srv/via.conf"], env={"EDIT_APPEND": "2"})
        self.assertEqual(r.rc, 0, r.err)
        self.assertEqual(open(f).read(), "1\n2\n")
        self.assertIsNone(self.box.stub_record("systemd-run"))


class Run0BackendTests(BackendTests):
    backend = "run0"

    def test_edit_with_the_systemd_run_backend(self):
        super().test_edit_with_the_systemd_run_backend()
        self.assertIsNone(self.box.stub_record("run0"))


class PamEditTests(EditTest):
    """The PAM core: authentication through PAM, no session for -e."""
    accounts = (ALICE,)
    caller = ALICE
    core = "pam"

    def test_edit_and_wrong_password_with_pam(self):
        f = self.srv("pam.conf", "1\n")
        r = self.edit(["/srv/pam.conf"], env={"EDIT_APPEND": "2"})
        self.assertEqual(r.rc, 0, r.err)
        self.assertEqual(open(f).read(), "1\n2\n")
        r = self.edit(["/srv/pam.conf"], password="nope", env={"EDIT_APPEND": "3"})
        self.assertEqual(r.rc, 1)
        self.assertEqual(open(f).read(), "1\n2\n")


if __name__ == "__main__":
    unittest.main()
