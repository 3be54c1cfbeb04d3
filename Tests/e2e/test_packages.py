"""test_packages.py: the Debian packages of packaging/build.sh, installed
with dpkg for real, and a backend swap.

dpkg runs chrooted into a copy-on-write view of this machine
(enter-overlay-root.sh: the real / as the lower layer of an overlay, a
tmpfs on top, in a private mount namespace), so the packages, the wheel
group, the test user and the statoverride exist only there. systemd is not
PID 1 here, so after the swap to runas-backend-systemd-run the command goes
through the same STUB of systemd-run the other tests use (copied over
/usr/bin/systemd-run inside the chroot only).
"""
import glob
import os
import shutil
import subprocess
import tempfile
import unittest

from harness import HERE, REPO, default_signals, make_hash, stub_text

DEBS = os.environ.get("RUNAS_TEST_DEBS", os.path.join(REPO, ".build", "debs"))
PASSWORD = "package test pw"

SCRIPT = r"""
set -eu
cd "$BOX/debs"
say() { echo "@@ $*"; }
dpkg --unpack runas_*.deb >/dev/null
say unpacked "$(stat -c '%U:%G:%a' /usr/bin/runas)"
dpkg -i runas-backend-scopex_*.deb >/dev/null
dpkg --configure runas
say installed "$(stat -c '%U:%G:%a' /usr/bin/runas)"
say override "$(dpkg-statoverride --list /usr/bin/runas)"
say conffiles "$(dpkg-query -W -f='${Conffiles}' runas | awk '{print $1}' | tr -d '\n')"
useradd -m -G wheel -p "$HASH" pkgalice
say core-before "$(sha256sum /usr/bin/runas | cut -d' ' -f1)"
say version-1 "$(runas --version | grep '^backend:')"
say root-run-1 "$(runas -u nobody id -un)"
say alice-run-1 "$(printf '%s\n' "$PASSWORD" | setpriv --reuid=pkgalice --regid=pkgalice --init-groups -- /usr/bin/env runas -S id -un 2>/dev/null)"
cp "$BOX/systemd-run" /usr/bin/systemd-run
dpkg -i runas-backend-systemd-run_*.deb
say scopex-status "$(dpkg-query -W -f='${db:Status-Abbrev}' runas-backend-scopex 2>/dev/null || echo gone)"
say systemd-run-status "$(dpkg-query -W -f='${db:Status-Abbrev}' runas-backend-systemd-run)"
say core-after "$(sha256sum /usr/bin/runas | cut -d' ' -f1)"
say version-2 "$(runas --version | grep '^backend:')"
say root-run-2 "$(runas -u nobody id -un)"
say stub-called "$(test -e "$BOX/log/systemd-run.json" && echo yes || echo no)"
dpkg -i runas-backend-scopex_*.deb
say core-back "$(sha256sum /usr/bin/runas | cut -d' ' -f1)"
say version-3 "$(runas --version | grep '^backend:')"
dpkg --purge runas runas-backend-scopex >/dev/null
say purged "$(test -e /usr/bin/runas && echo present || echo gone) $(dpkg-statoverride --list /usr/bin/runas || echo no-override)"
"""


class DebianPackageTests(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        debs = sorted(glob.glob(os.path.join(DEBS, "*.deb")))
        if not debs:
            raise RuntimeError("no packages in %s: Tests/run.sh builds them with packaging/build.sh" % DEBS)
        cls.box = tempfile.mkdtemp(prefix="runas-pkg-")
        os.chmod(cls.box, 0o755)
        os.mkdir(os.path.join(cls.box, "debs"))
        for d in debs:
            shutil.copy(d, os.path.join(cls.box, "debs"))
        log = os.path.join(cls.box, "log")
        os.mkdir(log)
        os.chmod(log, 0o777)
        with open(os.path.join(cls.box, "systemd-run"), "w") as f:
            f.write(stub_text("systemd-run", log, 252))
        os.chmod(os.path.join(cls.box, "systemd-run"), 0o755)
        env = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "BOX": cls.box, "PASSWORD": PASSWORD,
               "HASH": make_hash(PASSWORD, b"$y$"), "LANG": "C.UTF-8"}
        p = subprocess.run(["unshare", "--mount", "--propagation", "private", "--",
                            os.path.join(HERE, "enter-overlay-root.sh"), cls.box, "--",
                            "/bin/sh", "-c", SCRIPT], env=env, capture_output=True, text=True,
                           timeout=300, cwd="/", preexec_fn=default_signals)
        cls.output = p.stdout + p.stderr
        cls.facts = {}
        for line in p.stdout.splitlines():
            if line.startswith("@@ "):
                key, _, value = line[3:].partition(" ")
                cls.facts[key] = value
        cls.status = p.returncode

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.box, ignore_errors=True)

    def fact(self, key):
        self.assertIn(key, self.facts, self.output)
        return self.facts[key]

    def test_script_ran_to_the_end(self):
        self.assertEqual(self.status, 0, self.output)

    def test_setuid_only_once_configured(self):
        self.assertEqual(self.fact("unpacked"), "root:root:755")
        self.assertEqual(self.fact("installed"), "root:wheel:4750")
        self.assertEqual(self.fact("override"), "root wheel 4750 /usr/bin/runas")

    def test_pam_file_is_a_conffile(self):
        self.assertEqual(self.fact("conffiles"), "/etc/pam.d/runas")

    def test_commands_run_through_the_installed_packages(self):
        self.assertIn("scopex", self.fact("version-1"))
        self.assertEqual(self.fact("root-run-1"), "nobody")
        self.assertEqual(self.fact("alice-run-1"), "root")

    def test_swapping_the_backend_package_leaves_the_core_byte_identical(self):
        # dpkg removed the old backend: "un" (known, not installed).
        self.assertEqual(self.fact("scopex-status").strip(), "un")
        self.assertEqual(self.fact("systemd-run-status"), "ii ")
        self.assertEqual(self.fact("core-after"), self.fact("core-before"))
        self.assertIn("systemd-run", self.fact("version-2"))
        self.assertEqual(self.fact("root-run-2"), "nobody")
        self.assertEqual(self.fact("stub-called"), "yes")
        self.assertEqual(self.fact("core-back"), self.fact("core-before"))
        self.assertIn("scopex", self.fact("version-3"))

    def test_purge_removes_the_binary_and_the_override(self):
        self.assertEqual(self.fact("purged"), "gone no-override")


if __name__ == "__main__":
    unittest.main()
