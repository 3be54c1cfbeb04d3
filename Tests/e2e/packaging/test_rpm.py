"""The RPM packages (packaging/rpm, built by `packaging/build.sh rpm`),
installed with rpm for real into a scratch root (a copy-on-write view of
this machine, as test_deb.py's), a conflict, a backend swap, an uninstall,
and rpmlint.

This machine's own packages are dpkg's, so rpm's database knows none of
them: a STAND-IN package (host-provides, made here with rpmbuild) provides
exactly what the runas RPMs require from the system (libc's sonames,
libcrypt, libpam, and systemd = 257: the STUB systemd-run of the other
tests stands in for systemd's program), so rpm still checks every
dependency and conflict of runas's own packages.
"""
import glob
import os
import re
import shutil
import subprocess
import tempfile
import unittest

from support.markers import release_build_only
from support.artifacts import assert_hardened
from support.paths import REPO
from support.packages import InstalledPackagesCase

RPMS = os.environ.get("RUNAS_TEST_RPMS", os.path.join(REPO, ".build", "packages"))
SCRIPT = r"""
set -eu
cd "$BOX/pkgs"
say() { echo "@@ $*"; }
groupadd --system wheel 2>/dev/null || true
# A STAND-IN for Fedora's /etc/pam.d/system-auth (Debian has none), so the
# package's own PAM file is the one in use: real pam_unix behind it.
printf '%s\n' 'auth required pam_unix.so' 'account required pam_unix.so' \
    'password required pam_unix.so' 'session required pam_unix.so' >/etc/pam.d/system-auth
rpm --initdb
rpm -i "$BOX/host-provides.rpm"
if rpm -i runas-0*.rpm >"$BOX/alone.out" 2>&1; then say alone 0; else say alone "$(grep -c 'runas-backend is needed by runas' "$BOX/alone.out")"; fi
rpm -i runas-0*.rpm runas-backend-scopex-*.rpm
say mode "$(stat -c '%U:%G:%a' /usr/bin/runas)"
say pam-file "$(grep -v '^#' /etc/pam.d/runas | tr -s ' ' | tr '\n' ' ')"
say verify "$(rpm -V runas runas-backend-scopex >/dev/null 2>&1 && echo clean || rpm -V runas runas-backend-scopex)"
useradd -m -G wheel -p "$HASH" rpmalice
say core-before "$(sha256sum /usr/bin/runas | cut -d' ' -f1)"
say version-1 "$(runas --version | grep '^backend:')"
say root-run-1 "$(runas -u nobody id -un)"
say alice-run-1 "$(printf '%s\n' "$PASSWORD" | setpriv --reuid=rpmalice --regid=rpmalice --init-groups -- /usr/bin/env runas -S id -un 2>/dev/null)"
# A second backend beside the first: refused, the first stays.
if rpm -i runas-backend-systemd-run-*.rpm >"$BOX/second.out" 2>&1; then say second installed; else say second "$(grep -q 'runas-backend-scopex conflicts with runas-backend-systemd-run' "$BOX/second.out" && echo conflict)"; fi
say still-1 "$(runas --version | grep '^backend:')"
# The swap: erase one (the core needs a backend, so --nodeps for that
# step alone; dnf swap does both in one transaction), install the other.
cp "$BOX/systemd-run" /usr/bin/systemd-run
rpm -e --nodeps runas-backend-scopex
rpm -i runas-backend-systemd-run-*.rpm
say installed "$(rpm -qa --qf '%{NAME}\n' 'runas*' | sort | tr '\n' ' ')"
say core-after "$(sha256sum /usr/bin/runas | cut -d' ' -f1)"
say version-2 "$(runas --version | grep '^backend:')"
say root-run-2 "$(runas -u nobody id -un)"
say stub-called "$(test -e "$BOX/log/systemd-run.json" && echo yes || echo no)"
# An administrator's own owner, group and mode survive a reinstall (rpm
# runs %pre and %post as for an upgrade) and rpm -V stays clean.
chmod u-s /usr/bin/runas
rpm -U --replacepkgs runas-0*.rpm
say kept-unset "$(stat -c '%U:%G:%a' /usr/bin/runas)"
groupadd --system runasadm
chgrp runasadm /usr/bin/runas
chmod 4710 /usr/bin/runas
rpm -U --replacepkgs runas-0*.rpm
say kept-own "$(stat -c '%U:%G:%a' /usr/bin/runas)"
say verify-own "$(rpm -V runas >/dev/null 2>&1 && echo clean || rpm -V runas)"
say state-left "$(ls -A /var/lib/rpm-state 2>/dev/null | tr '\n' ' ')"
rpm -e runas runas-backend-systemd-run
say removed "$(test -e /usr/bin/runas && echo present || echo gone) $(test -e /usr/lib/runas/backend.so && echo present || echo gone)"
"""

HOST_SPEC = """Name: host-provides
Version: 1
Release: 1
Summary: Stand-in for this machine's dpkg packages (runas's rpm test)
License: ISC
BuildArch: noarch
%s
%%description
What the runas RPMs need from the system, provided by name: rpm's database
on a Debian machine knows none of dpkg's packages.
%%files
"""


def packages():
    return sorted(glob.glob(os.path.join(RPMS, "runas*.rpm")))


def host_provides(rpms, workdir):
    """Builds host-provides.rpm: every requirement of rpms that none of
    them provides, with systemd as 257."""
    required, provided = set(), set()
    for rpm in rpms:
        q = lambda what: subprocess.run(["rpm", "-qp", "--" + what, rpm], capture_output=True, text=True,
                                        check=True).stdout.splitlines()
        required.update(q("requires"))
        provided.update(p.split(" ")[0] for p in q("provides"))
    lines = []
    for r in sorted(required):
        name = r.split(" ")[0]
        if r.startswith("rpmlib(") or name in provided or name.startswith("config("):
            continue
        lines.append("Provides: systemd = 257" if name == "systemd" else "Provides: %s" % r)
    top = os.path.join(workdir, "rpmbuild")
    spec = os.path.join(workdir, "host-provides.spec")
    with open(spec, "w") as f:
        f.write(HOST_SPEC % "\n".join(sorted(set(lines))))
    subprocess.run(["rpmbuild", "-bb", "--define", "_topdir " + top, spec], check=True, capture_output=True)
    return glob.glob(os.path.join(top, "RPMS", "noarch", "host-provides-*.rpm"))[0]


@release_build_only("about the release packages, not the core's code")
class RPMPackageTests(InstalledPackagesCase, unittest.TestCase):
    SCRIPT = SCRIPT

    @classmethod
    def setUpClass(cls):
        rpms = packages()
        if len(rpms) != 4:
            raise RuntimeError("want 4 RPMs in %s (Tests/run.sh builds them with packaging/build.sh rpm), "
                               "found %s" % (RPMS, rpms))
        cls.install_and_run(rpms, "runas-rpm-", 257)

    @classmethod
    def prepare_box(cls, box):
        shutil.copy(host_provides(packages(), box), os.path.join(box, "host-provides.rpm"))

    def test_the_core_needs_a_backend(self):
        self.assertEqual(self.fact("alone"), "1")

    def test_setuid_root_wheel_from_the_package(self):
        self.assertEqual(self.fact("mode"), "root:wheel:4750")
        self.assertEqual(self.fact("verify"), "clean")
        self.assertEqual(self.fact("pam-file"), "auth include system-auth account include system-auth "
                                                "password include system-auth session include system-auth ")

    def test_commands_run_through_the_installed_packages(self):
        self.assertIn("scopex", self.fact("version-1"))
        self.assertEqual(self.fact("root-run-1"), "nobody")
        self.assertEqual(self.fact("alice-run-1"), "root")

    def test_a_second_backend_conflicts_and_the_first_stays(self):
        self.assertEqual(self.fact("second"), "conflict")
        self.assertIn("scopex", self.fact("still-1"))

    def test_swapping_the_backend_leaves_the_core_byte_identical(self):
        self.assertEqual(self.fact("installed"), "runas runas-backend-systemd-run ")
        self.assertEqual(self.fact("core-after"), self.fact("core-before"))
        self.assertIn("systemd-run", self.fact("version-2"))
        self.assertEqual(self.fact("root-run-2"), "nobody")
        self.assertEqual(self.fact("stub-called"), "yes")

    def test_an_administrators_mode_survives_a_reinstall(self):
        # Was: %attr(4750,root,wheel) put root:wheel 4750 back on every
        # upgrade and reinstall, undoing chmod u-s.
        self.assertEqual(self.fact("kept-unset"), "root:wheel:750")
        self.assertEqual(self.fact("kept-own"), "root:runasadm:4710")
        self.assertEqual(self.fact("verify-own"), "clean")
        # %pre's record of the mode is gone once %post used it.
        self.assertEqual(self.fact("state-left"), "")

    def test_uninstall_removes_the_files(self):
        self.assertEqual(self.fact("removed"), "gone gone")


@release_build_only("about the release packages, not the core's code")
class RPMLintTests(unittest.TestCase):
    def test_rpmlint_is_clean_with_the_justified_filters(self):
        # Each filter in packaging/rpm/runas.rpmlintrc says why.
        p = subprocess.run(["rpmlint", "-r", os.path.join(REPO, "packaging/rpm/runas.rpmlintrc")] + packages(),
                           capture_output=True, text=True, timeout=300)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertRegex(p.stdout, r"4 packages and 0 specfiles checked; 0 errors, 0 warnings")

    def test_the_package_itself_never_makes_a_setuid_file(self):
        # %post gives the mode: an upgrade unpacks a runas that is not
        # setuid (never one setuid with the package's group or mode).
        core = [r for r in packages() if os.path.basename(r).startswith("runas-0")][0]
        files = subprocess.run(["rpm", "-qp", "--qf", "[%{FILEMODES:perms} %{FILEUSERNAME}:%{FILEGROUPNAME} "
                                "%{FILENAMES}\\n]", core], capture_output=True, text=True, check=True).stdout
        self.assertIn("-rwxr-xr-x root:root /usr/bin/runas\n", files)

    def test_every_shipped_elf_passes_hardening_check(self):
        with tempfile.TemporaryDirectory() as tmp:
            for rpm in packages():
                root = os.path.join(tmp, os.path.basename(rpm))
                os.mkdir(root)
                cpio = subprocess.run(["rpm2cpio", rpm], capture_output=True, check=True).stdout
                subprocess.run(["cpio", "-idm", "--quiet"], input=cpio, cwd=root, check=True)
                member = "usr/lib/runas/backend.so" if "-backend-" in rpm else "usr/bin/runas"
                assert_hardened(self, os.path.join(root, member), rpm)

    def test_the_spec_versions_are_the_build_configurations(self):
        with open(os.path.join(REPO, "Sources/CRunasBuildConfig/include/runas_build_config.h")) as f:
            config = f.read()
        versions = dict(re.findall(r'#define RUNAS_(\w*?)_?BACKEND_VERSION "([^"]+)"', config))
        core = re.search(r'#define RUNAS_VERSION "([^"]+)"', config).group(1)
        names = [os.path.basename(r) for r in packages()]
        self.assertIn("runas-%s-1.x86_64.rpm" % core, names)
        for key, name in (("SYSTEMD_RUN", "systemd-run"), ("RUN0", "run0"), ("SCOPEX", "scopex")):
            self.assertIn("runas-backend-%s-%s-1.x86_64.rpm" % (name, versions[key]), names)


if __name__ == "__main__":
    unittest.main()
