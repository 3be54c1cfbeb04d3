"""The Debian packages (debian/, built by `packaging/build.sh deb`),
installed with apt and dpkg for real, a backend swap, a backend whose
systemd is too old, lintian and hardening-check.

dpkg runs chrooted into a copy-on-write view of this machine
(support/bin/enter-overlay-root.sh: the real / as the lower layer of an
overlay, a tmpfs on top, in a private mount namespace), so the packages,
the wheel group, the test user and the statoverride exist only there.
systemd is not PID 1 here, so after the swap to runas-backend-systemd-run
the command goes through the same STUB of systemd-run the other tests use
(copied over /usr/bin/systemd-run inside the chroot only).
"""
import glob
import os
import re
import subprocess
import tempfile
import unittest

from support.markers import release_build_only
from support.artifacts import assert_debs_hardened
from support.packages import InstalledPackagesCase
from support.paths import REPO
DEBS = os.environ.get("RUNAS_TEST_DEBS", os.path.join(REPO, ".build", "packages"))
SCRIPT = r"""
set -eu
cd "$BOX/pkgs"
say() { echo "@@ $*"; }
# apt, from a repository of exactly these packages: which backend does a
# plain `apt-get install runas` choose?
dpkg-scanpackages --multiversion . >Packages 2>/dev/null
echo "deb [trusted=yes] file:$BOX/pkgs ./" >"$BOX/sources.list"
mkdir -p "$BOX/lists/partial"
apt="apt-get -q -o Dir::Etc::SourceList=$BOX/sources.list -o Dir::Etc::SourceParts=/dev/null -o Dir::State::Lists=$BOX/lists"
$apt update >/dev/null
DEBIAN_FRONTEND=noninteractive $apt install -y --no-install-recommends runas >/dev/null
say apt-chose "$(dpkg-query -W -f='${db:Status-Abbrev}${Package}\n' 'runas-backend-*' | sed -n 's/^ii //p' | tr '\n' ' ')"
say apt-version "$(runas --version | grep '^backend:')"
dpkg --purge runas runas-backend-systemd-run >/dev/null
# dpkg, one package at a time
dpkg --unpack runas_*.deb >/dev/null
say unpacked "$(stat -c '%U:%G:%a' /usr/bin/runas)"
dpkg -i runas-backend-scopex_*.deb >/dev/null
dpkg --configure runas
say installed "$(stat -c '%U:%G:%a' /usr/bin/runas)"
say override "$(dpkg-statoverride --list /usr/bin/runas)"
say conffiles "$(dpkg-query -W -f='${Conffiles}' runas | awk '{print $1}' | tr -d '\n')"
say pam-file "$(grep -v '^#' /etc/pam.d/runas | tr '\n' ' ')"
say pam-first "$(head -n 1 /etc/pam.d/runas)"
say man-local "$(zcat /usr/share/man/man1/runas.1.gz | grep -c -e /usr/local/bin/runas -e /usr/local/lib/runas || true)"
say man-paths "$(zcat /usr/share/man/man1/runas.1.gz | grep -o -e ' /usr/bin/runas$' -e ' /usr/lib/runas/backend.so$' | sort -u | tr -d ' ' | tr '\n' ' ')"
say man-runasedit "$(readlink /usr/share/man/man1/runasedit.1.gz)"
useradd -m -G wheel -p "$HASH" pkgalice
say core-before "$(sha256sum /usr/bin/runas | cut -d' ' -f1)"
say version-1 "$(runas --version | grep '^backend:')"
say root-run-1 "$(runas -u nobody id -un)"
say alice-run-1 "$(printf '%s\n' "$PASSWORD" | setpriv --reuid=pkgalice --regid=pkgalice --init-groups -- /usr/bin/env runas -S id -un 2>/dev/null)"
# Debian 12 has systemd 252: run0's backend must not replace a working one.
say systemd-version "$(dpkg-query -W -f='${Version}' systemd 2>/dev/null || echo none)"
if dpkg -i runas-backend-run0_*.deb >"$BOX/run0.out" 2>&1; then say run0-rc 0; else say run0-rc $?; fi
say run0-said "$(grep -o 'pre-dependency problem - not installing runas-backend-run0' "$BOX/run0.out" | head -n 1)"
say run0-status "$(dpkg-query -W -f='${db:Status-Abbrev}' runas-backend-run0 2>/dev/null || echo unknown)"
say scopex-after-run0 "$(dpkg-query -W -f='${db:Status-Abbrev}' runas-backend-scopex)"
say root-run-after-run0 "$(runas -u nobody id -un)"
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


@release_build_only("about the release packages, not the core's code")
class DebianPackageTests(InstalledPackagesCase, unittest.TestCase):
    SCRIPT = SCRIPT

    @classmethod
    def setUpClass(cls):
        debs = packages()
        if not debs:
            raise RuntimeError("no packages in %s: Tests/run.sh builds them with packaging/build.sh deb" % DEBS)
        cls.install_and_run(debs, "runas-pkg-", 252)

    def test_setuid_only_once_configured(self):
        self.assertEqual(self.fact("unpacked"), "root:root:755")
        self.assertEqual(self.fact("installed"), "root:wheel:4750")
        self.assertEqual(self.fact("override"), "root wheel 4750 /usr/bin/runas")

    def test_pam_file_is_a_conffile(self):
        self.assertEqual(self.fact("conffiles"), "/etc/pam.d/runas")
        # The packaging's own file (debian/runas.pam), not one install.sh
        # made from the build machine's /etc/pam.d.
        self.assertEqual(self.fact("pam-first"), "# /etc/pam.d/runas: the PAM service of runas (Debian's common stacks).")
        self.assertEqual(self.fact("pam-file"), "@include common-auth @include common-account "
                                                "@include common-password @include common-session-noninteractive ")

    def test_apt_chooses_the_default_backend(self):
        # Was: runas-backend-scopex (Depends: runas-backend, no preference).
        self.assertEqual(self.fact("apt-chose"), "runas-backend-systemd-run ")
        self.assertIn("systemd-run", self.fact("apt-version"))

    def test_man_page_names_the_installed_paths(self):
        # Was: /usr/local/bin/runas and /usr/local/lib/runas/backend.so.
        self.assertEqual(self.fact("man-local"), "0")
        self.assertEqual(self.fact("man-paths"), "/usr/bin/runas /usr/lib/runas/backend.so ")
        self.assertEqual(self.fact("man-runasedit"), "runas.1.gz")

    def test_run0_backend_cannot_replace_a_working_one_on_systemd_252(self):
        # Was: dpkg removed scopex and left run0 unconfigured; every runas
        # command then failed with "cannot run /usr/bin/run0".
        version = self.fact("systemd-version")
        self.assertTrue(version == "none" or subprocess.run(["dpkg", "--compare-versions", version, "lt", "256"]).returncode == 0,
                        "this case needs a machine with systemd < 256 (Debian 12), not %s" % version)
        self.assertNotEqual(self.fact("run0-rc"), "0")
        self.assertEqual(self.fact("run0-said"), "pre-dependency problem - not installing runas-backend-run0")
        self.assertEqual(self.fact("scopex-after-run0"), "ii ")
        # (nothing of it unpacked: unknown, or "in": wanted, not installed)
        self.assertIn(self.fact("run0-status").strip(), ("unknown", "un", "in"))
        self.assertEqual(self.fact("root-run-after-run0"), "nobody")

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


def packages(dbgsym=False):
    found = sorted(glob.glob(os.path.join(DEBS, "*.deb")))
    return [d for d in found if ("-dbgsym_" in d) == dbgsym]


@release_build_only("about the release packages, not the core's code")
class LintianTests(unittest.TestCase):
    def test_every_package_is_lintian_clean_even_pedantic(self):
        # Was: 3 errors (bogus-mail-host, no-changelog, no-copyright-file),
        # warnings (description-too-long, hardening-no-bindnow,
        # hardening-no-fortify-functions, no-md5sums-control-file).
        debs = packages() + packages(dbgsym=True)
        self.assertEqual(len(debs), 8, debs)
        # (--fail-on every kind: exit 0 means no tag and no lintian failure
        # of its own, which would otherwise show no tags either.)
        p = subprocess.run(["lintian", "--pedantic", "--info", "--display-experimental", "--no-tag-display-limit",
                            "--fail-on", "error,warning,info,pedantic,experimental"]
                           + debs, capture_output=True, text=True, timeout=600)
        tags = [line for line in p.stdout.splitlines() if re.match(r"[EWIPX]: ", line)]
        self.assertEqual((tags, p.returncode), ([], 0), p.stdout + p.stderr)


@release_build_only("about the release packages, not the core's code")
class VersionTests(unittest.TestCase):
    def test_the_changelog_version_is_the_build_configurations(self):
        with open(os.path.join(REPO, "Sources/CRunasBuildConfig/include/runas_build_config.h")) as f:
            core = re.search(r'#define RUNAS_VERSION "([^"]+)"', f.read()).group(1)
        with open(os.path.join(REPO, "debian/changelog")) as f:
            self.assertTrue(f.readline().startswith("runas (%s) " % core))
        self.assertTrue(any(os.path.basename(d) == "runas_%s_amd64.deb" % core for d in packages()))


@release_build_only("about the release packages, not the core's code")
class ControlFieldTests(unittest.TestCase):
    def field(self, name, deb_prefix):
        deb = [d for d in packages() if os.path.basename(d).startswith(deb_prefix)][0]
        return subprocess.run(["dpkg-deb", "-f", deb, name], capture_output=True, text=True, check=True).stdout.strip()

    def test_backends_pre_depend_on_the_systemd_they_need(self):
        # Was: "Depends: systemd" for whatever build, and run0's Depends
        # let dpkg remove a working backend first.
        self.assertEqual(self.field("Pre-Depends", "runas-backend-run0_"), "systemd (>= 257)")
        # debian/changelog targets bookworm: the WithoutExpandEnv build,
        # which any systemd runs.
        self.assertEqual(self.field("Pre-Depends", "runas-backend-systemd-run_"), "systemd")
        with tempfile.TemporaryDirectory() as tmp:
            deb = [d for d in packages() if os.path.basename(d).startswith("runas-backend-systemd-run_")][0]
            subprocess.run(["dpkg-deb", "-x", deb, tmp], check=True)
            with open(os.path.join(tmp, "usr/lib/runas/backend.so"), "rb") as f:
                self.assertNotIn(b"--expand-environment", f.read())
        self.assertEqual(self.field("Pre-Depends", "runas-backend-scopex_"), "")

    def test_the_core_names_the_default_backend_first(self):
        self.assertTrue(self.field("Depends", "runas_").startswith("passwd, runas-backend-systemd-run | runas-backend, "))


@release_build_only("about the release packages, not the core's code")
class HardeningTests(unittest.TestCase):
    def test_every_shipped_elf_passes_hardening_check(self):
        # Was: no BIND_NOW (partial RELRO), no FORTIFY. Control-flow
        # protection (IBT/SHSTK) is not asked: the Swift compiler does not
        # mark its objects, and the linker sets the property only when every
        # object has it.
        assert_debs_hardened(self, packages(), 4)

    def test_debug_symbols_are_split_into_dbgsym_packages(self):
        # install.sh --no-strip, so dh_strip strips (and skips that with
        # DEB_BUILD_OPTIONS=nostrip) and files the symbols by build id.
        with tempfile.TemporaryDirectory() as tmp:
            core = [d for d in packages() if os.path.basename(d).startswith("runas_")][0]
            dbg = [d for d in packages(dbgsym=True) if os.path.basename(d).startswith("runas-dbgsym_")][0]
            subprocess.run(["dpkg-deb", "-x", core, tmp + "/core"], check=True)
            subprocess.run(["dpkg-deb", "-x", dbg, tmp + "/dbg"], check=True)
            binary = tmp + "/core/usr/bin/runas"
            sections = subprocess.run(["readelf", "-S", "-W", binary], capture_output=True, text=True).stdout
            self.assertNotIn(".debug_info", sections)
            notes = subprocess.run(["readelf", "-n", binary], capture_output=True, text=True).stdout
            build_id = re.search(r"Build ID: ([0-9a-f]+)", notes).group(1)
            debug = "%s/dbg/usr/lib/debug/.build-id/%s/%s.debug" % (tmp, build_id[:2], build_id[2:])
            self.assertTrue(os.path.exists(debug), debug)
            sections = subprocess.run(["readelf", "-S", "-W", debug], capture_output=True, text=True).stdout
            self.assertIn(".debug_info", sections)


if __name__ == "__main__":
    unittest.main()
