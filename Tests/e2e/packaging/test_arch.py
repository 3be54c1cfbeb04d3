"""The Arch Linux packages (packaging/arch/PKGBUILD, built by
`packaging/build.sh arch`: makepkg as a user other than root), installed
with pacman for real into a scratch root (a copy-on-write view of this
machine, as test_deb.py's), a conflict swap, an uninstall.

This machine's packages are dpkg's, so pacman's database knows none of
them: `--assume-installed` names what the packages need from the system
(glibc, libxcrypt, pam, and systemd=257: the STUB systemd-run of the other
tests stands in for systemd's program), so pacman still checks every
dependency and conflict among runas's own packages. Arch's
/etc/pam.d/system-auth is a STAND-IN too (pam_unix), so the package's own
PAM file is the one in use.
"""
import glob
import os
import re
import subprocess
import tempfile
import unittest

from support.markers import release_build_only
from support.artifacts import assert_hardened
from support.paths import REPO
from support.packages import InstalledPackagesCase

PKGS = os.environ.get("RUNAS_TEST_ARCH_PKGS", os.path.join(REPO, ".build", "packages"))
SCRIPT = r"""
set -eu
cd "$BOX/pkgs"
say() { echo "@@ $*"; }
printf '%s\n' 'auth required pam_unix.so' 'account required pam_unix.so' \
    'password required pam_unix.so' 'session required pam_unix.so' >/etc/pam.d/system-auth
rm -rf /var/lib/pacman && mkdir -p /var/lib/pacman
# Arch has no group wheel until something makes it: whatever this machine
# has, the install script must make it here.
if getent group wheel >/dev/null; then groupdel wheel; fi
pacman="pacman --noconfirm --assume-installed glibc --assume-installed libxcrypt --assume-installed pam --assume-installed systemd=257"
if $pacman -U runas-0*.pkg.tar.* >"$BOX/alone.out" 2>&1; then say alone installed; else say alone "$(grep -o 'unable to satisfy dependency .runas-backend. required by runas' "$BOX/alone.out")"; fi
$pacman -U runas-0*.pkg.tar.* runas-backend-scopex-*.pkg.tar.* >"$BOX/install.out" 2>&1
say created-wheel "$(grep -c 'runas: created the group wheel' "$BOX/install.out" || true)"
say mode "$(stat -c '%U:%G:%a' /usr/bin/runas)"
say pam-file "$(grep -v '^#' /etc/pam.d/runas | tr -s ' ' | tr '\n' ' ')"
say man "$(readlink /usr/share/man/man1/runasedit.1.gz) $(test -e /usr/share/man/man1/runas.1.gz && echo runas.1.gz)"
useradd -m -G wheel -p "$HASH" archalice
say core-before "$(sha256sum /usr/bin/runas | cut -d' ' -f1)"
say version-1 "$(runas --version | grep '^backend:')"
say root-run-1 "$(runas -u nobody id -un)"
say alice-run-1 "$(printf '%s\n' "$PASSWORD" | setpriv --reuid=archalice --regid=archalice --init-groups -- /usr/bin/env runas -S id -un 2>/dev/null)"
# pacman swaps conflicting packages in one transaction once told yes
# (--noconfirm answers no to removing a conflicting package).
cp "$BOX/systemd-run" /usr/bin/systemd-run
if $pacman -U runas-backend-systemd-run-*.pkg.tar.* >"$BOX/refused.out" 2>&1; then say unasked swapped; else say unasked refused; fi
say still-1 "$(runas --version | grep '^backend:')"
yes | pacman --assume-installed glibc --assume-installed systemd=257 -U runas-backend-systemd-run-*.pkg.tar.* >"$BOX/swap.out" 2>&1
say installed "$(pacman -Qq | grep '^runas' | sort | tr '\n' ' ')"
say core-after "$(sha256sum /usr/bin/runas | cut -d' ' -f1)"
say mode-after "$(stat -c '%U:%G:%a' /usr/bin/runas)"
say version-2 "$(runas --version | grep '^backend:')"
say root-run-2 "$(runas -u nobody id -un)"
say stub-called "$(test -e "$BOX/log/systemd-run.json" && echo yes || echo no)"
# An administrator's own owner, group and mode survive a reinstall (pacman
# runs pre_upgrade and post_upgrade for it, as for an upgrade).
state_dirs() { ls -A /run /var/lib | tr '\n' ' '; }
say state-before "$(state_dirs)"
chmod u-s /usr/bin/runas
$pacman -U runas-0*.pkg.tar.* >"$BOX/reinstall.out" 2>&1
say kept-unset "$(stat -c '%U:%G:%a' /usr/bin/runas)"
groupadd --system runasadm
chgrp runasadm /usr/bin/runas
chmod 4710 /usr/bin/runas
$pacman -U runas-0*.pkg.tar.* >>"$BOX/reinstall.out" 2>&1
say kept-own "$(stat -c '%U:%G:%a' /usr/bin/runas)"
say state-after "$(state_dirs)"
pacman --noconfirm -R runas runas-backend-systemd-run >/dev/null
say removed "$(test -e /usr/bin/runas && echo present || echo gone) $(test -e /usr/lib/runas/backend.so && echo present || echo gone)"
"""


def packages():
    return sorted(glob.glob(os.path.join(PKGS, "runas*.pkg.tar.*")))


@release_build_only("about the release packages, not the core's code")
class ArchPackageTests(InstalledPackagesCase, unittest.TestCase):
    SCRIPT = SCRIPT

    @classmethod
    def setUpClass(cls):
        pkgs = packages()
        if len(pkgs) != 4:
            raise RuntimeError("want 4 Arch packages in %s (Tests/run.sh builds them with packaging/build.sh "
                               "arch), found %s" % (PKGS, pkgs))
        cls.install_and_run(pkgs, "runas-arch-", 257)

    def test_the_core_needs_a_backend(self):
        self.assertEqual(self.fact("alone"), "unable to satisfy dependency 'runas-backend' required by runas")

    def test_setuid_root_wheel_after_install(self):
        # The script's root has no group wheel: the install script made it.
        self.assertEqual(self.fact("created-wheel"), "1")
        self.assertEqual(self.fact("mode"), "root:wheel:4750")
        self.assertEqual(self.fact("pam-file"), "auth include system-auth account include system-auth "
                                                "password include system-auth session include system-auth ")
        self.assertEqual(self.fact("man"), "runas.1.gz runas.1.gz")

    def test_commands_run_through_the_installed_packages(self):
        self.assertIn("scopex", self.fact("version-1"))
        self.assertEqual(self.fact("root-run-1"), "nobody")
        self.assertEqual(self.fact("alice-run-1"), "root")

    def test_a_conflicting_backend_is_not_swapped_in_unasked(self):
        self.assertEqual(self.fact("unasked"), "refused")
        self.assertIn("scopex", self.fact("still-1"))

    def test_swapping_the_backend_leaves_the_core_byte_identical(self):
        self.assertEqual(self.fact("installed"), "runas runas-backend-systemd-run ")
        self.assertEqual(self.fact("core-after"), self.fact("core-before"))
        self.assertEqual(self.fact("mode-after"), "root:wheel:4750")
        self.assertIn("systemd-run", self.fact("version-2"))
        self.assertEqual(self.fact("root-run-2"), "nobody")
        self.assertEqual(self.fact("stub-called"), "yes")

    def test_an_administrators_mode_survives_a_reinstall(self):
        # Was: post_upgrade put root:wheel 4750 back on every upgrade and
        # reinstall, undoing chmod u-s.
        self.assertEqual(self.fact("kept-unset"), "root:wheel:750")
        self.assertEqual(self.fact("kept-own"), "root:runasadm:4710")
        # pre_upgrade's record of the mode is gone once post_upgrade used it.
        self.assertEqual(self.fact("state-after"), self.fact("state-before"))

    def test_the_package_itself_never_makes_a_setuid_file(self):
        # The install script gives the mode: an upgrade unpacks a runas that
        # is not setuid (never one setuid with the package's group or mode).
        core = [p for p in packages() if os.path.basename(p).startswith("runas-0")][0]
        listing = subprocess.run(["bsdtar", "-tvf", core, "usr/bin/runas"], capture_output=True, text=True,
                                 check=True).stdout
        self.assertRegex(listing, r"^-rwxr-xr-x +0 root +root ")

    def test_uninstall_removes_the_files(self):
        self.assertEqual(self.fact("removed"), "gone gone")

    def test_every_shipped_elf_passes_hardening_check(self):
        with tempfile.TemporaryDirectory() as tmp:
            for pkg, member in [(p, "usr/lib/runas/backend.so") for p in packages() if "-backend-" in p] + \
                    [(p, "usr/bin/runas") for p in packages() if "-backend-" not in p]:
                path = os.path.join(tmp, "elf")
                with open(path, "wb") as f:
                    f.write(subprocess.run(["bsdtar", "-xOf", pkg, member], capture_output=True, check=True).stdout)
                assert_hardened(self, path, pkg)

    def test_versions_are_the_build_configurations(self):
        with open(os.path.join(REPO, "Sources/CRunasBuildConfig/include/runas_build_config.h")) as f:
            config = f.read()
        core = re.search(r'#define RUNAS_VERSION "([^"]+)"', config).group(1)
        with open(os.path.join(REPO, "packaging/arch/PKGBUILD")) as f:
            self.assertIn("\npkgver=%s\n" % core, f.read())


if __name__ == "__main__":
    unittest.main()
