"""Who gets as far as a prompt, and which backend files are loaded: a
caller not in wheel (the installed 4750 mode, and runas's own check under
4755), a backend writable by others or not root's, backends of other ABI
versions, a missing backend.
"""
import os
import subprocess
import unittest

from support.accounts import ROOT, not_in_wheel, wheel_member
from support.paths import REPO, support_file
from support.sandbox import Sandbox

ALICE = wheel_member("alice", 2001, "correct horse battery", groups=("users",))   # in wheel
CAROL = not_in_wheel("carol", 2003, "not an admin", groups=("users",))            # not in wheel


class AccessTests(unittest.TestCase):
    """Who gets as far as a prompt, and which backend files are loaded."""

    def test_non_member_cannot_even_execute_the_installed_binary(self):
        with Sandbox(accounts=(CAROL,)) as box:  # installed mode: root:wheel 4750
            r = box.run(CAROL, ["-S", "id"], stdin="whatever\n")
            self.assertEqual(r.rc, 126, r)
            self.assertIn("Permission denied", r.err)
            self.assertNotIn("password", r.err)

    def test_non_member_is_refused_without_a_prompt(self):
        with Sandbox(accounts=(CAROL,), runas_mode=0o4755) as box:  # a packager's 4755: runas's own check
            r = box.run(CAROL, ["-S", "id"], stdin=CAROL.password + "\n")
            self.assertEqual((r.rc, r.err), (1, "runas: carol is not in the wheel group\n"))
            self.assertEqual(r.out, "")

    def _refused_backend(self, expected, **sandbox):
        with Sandbox(accounts=(ALICE,), **sandbox) as box:
            marker = os.path.join(box.shared, "ran")
            r = box.run(ALICE, ["-S", "/usr/bin/touch", marker], stdin=ALICE.password + "\n")
            self.assertEqual(r.rc, 1, r)
            self.assertIn(expected, r.err)
            self.assertEqual(len(r.err.strip().splitlines()), 1, r)
            self.assertNotIn("password", r.err)  # refused before any prompt
            self.assertFalse(os.path.exists(marker))
            return r

    def test_group_writable_backend_is_refused(self):
        self._refused_backend("backend /usr/local/lib/runas/backend.so is writable by group or others",
                              backend_mode=0o664)

    def test_world_writable_backend_is_refused(self):
        self._refused_backend("is writable by group or others", backend_mode=0o646)

    def test_backend_not_owned_by_root_is_refused(self):
        self._refused_backend("backend /usr/local/lib/runas/backend.so is not owned by root",
                              backend_owner=ALICE.uid)

    def _fixture(self, entry, marker_dir, source="wrong_abi_backend.c"):
        out = os.path.join(marker_dir, entry + ".so")
        subprocess.run(["cc", "-shared", "-fPIC", "-o", out, "-DENTRY=" + entry,
                        '-DMARKER="%s"' % os.path.join(marker_dir, "ran"),
                        "-I", os.path.join(REPO, "Sources/CRunasBackendABI/include"),
                        support_file("fixtures", source)], check=True)
        return out

    def test_backend_of_an_older_minor_version_still_runs(self):
        import tempfile
        with tempfile.TemporaryDirectory() as tmp:
            os.chmod(tmp, 0o755)
            so = self._fixture("old", tmp, source="abi_1_0_backend.c")
            with Sandbox(accounts=(ALICE,), backend_path=so) as box:
                r = box.run(ROOT, ["--version"])
                self.assertIn("backend: old-one 1.0.0 (ABI 1.0)", r.out)
                r = box.run(ALICE, ["-S", "true"], stdin=ALICE.password + "\n")
                self.assertEqual(r.rc, 0, r)
                self.assertTrue(os.path.exists(os.path.join(tmp, "ran")))

    def test_backend_of_another_abi_major_is_refused(self):
        import tempfile
        with tempfile.TemporaryDirectory() as tmp:
            os.chmod(tmp, 0o755)
            so = self._fixture("runas_backend_v1", tmp)
            r = self._refused_backend("was built for ABI 2.0, this runas speaks ABI 1.5", backend_path=so)
            self.assertFalse(os.path.exists(os.path.join(tmp, "ran")))
            so = self._fixture("runas_backend_v2", tmp)
            self._refused_backend("was built for ABI 2, this runas speaks ABI 1.5", backend_path=so)
            self.assertFalse(os.path.exists(os.path.join(tmp, "ran")))

    def test_missing_backend_is_a_clear_error(self):
        with Sandbox(accounts=()) as box:
            os.unlink(os.path.join(box.dir, "usr-local/lib/runas/backend.so"))
            r = box.run(ROOT, ["true"])
            self.assertEqual((r.rc, r.err), (1, "runas: no usable backend: /usr/local/lib/runas/backend.so: "
                                                "No such file or directory\n"))


if __name__ == "__main__":
    unittest.main()
