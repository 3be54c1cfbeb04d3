"""test_trixie.py: runas on Debian 13 (trixie: glibc 2.41, systemd 257)
with the swift.org toolchain, as README's "Set up and test" has a new user
get it: git clone, ./install.sh --create-wheel as root, a wheel member
with a password, then runas as that user. Every backend/authentication
combination a user is likely to pick runs the same checks (the default
systemd-run with the shadow file, scopex with PAM, and the other two), each
built by the install.sh commands README gives; then the Debian packages are
built there (packaging/build.sh deb) and checked with lintian.

One booted container for the module (distro.py); the clone, the builds and
the accounts live in its volatile overlay.
"""
import os
import re
import unittest

from support.distro import TRIXIE, start_box
from support.artifacts import assert_debs_hardened

SRC = "/root/runas"
ALICE_PW = "alice horse battery"
CAROL_PW = "carol staple"
EDITOR = "/usr/local/bin/platform-editor"
BOX = None


def prepare(box):
    # alice joins wheel once install.sh --create-wheel has made it.
    box.add_user("alice", ALICE_PW)
    box.add_user("carol", CAROL_PW)
    # The editor runas -e starts (as alice, on a copy): it rewrites the
    # last file it is given.
    box.must("writing the test editor",
             "printf '#!/bin/sh\\nfor f; do :; done\\nprintf \"edited\\\\n\" >\"$f\"\\n' >%s\n"
             "chmod 0755 %s" % (EDITOR, EDITOR))


def setUpModule():
    global BOX
    BOX = start_box(TRIXIE, SRC, prepare, swift_org=True)


def tearDownModule():
    if BOX:
        BOX.close()


def install(args):
    BOX.must("./install.sh %s" % " ".join(args), "cd %s\n./install.sh %s" % (SRC, " ".join(args)), timeout=1800)


class Installed:
    """The checks for one installed combination; `installs` are the
    install.sh argument lists that give it, in order (README: as root,
    "./install.sh --create-wheel", then "usermod -aG wheel YOURNAME")."""
    installs = []
    backend = None
    authentication = None

    @classmethod
    def setUpClass(cls):
        for args in cls.installs:
            install(args)
        BOX.must("usermod -aG wheel alice", "usermod -aG wheel alice")

    def runas(self, args, user="alice", password=None, env=None):
        password = ALICE_PW if password is None else password
        return BOX.run(["runas", "-S"] + list(args), user=user, input=password + "\n", env=env)

    def test_version_names_backend_and_authentication(self):
        r = BOX.run(["runas", "--version"])
        self.assertEqual(r.rc, 0, r)
        self.assertIn("\nauthentication: %s\n" % self.authentication, r.out)
        self.assertRegex(r.out, r"\nbackend: %s \d+\.\d+\.\d+ \(ABI [\d.]+\) at /usr/local/lib/runas/backend\.so\n"
                         % re.escape(self.backend))

    def test_wheel_member_runs_a_command_as_root(self):
        r = self.runas(["id", "-u"])
        self.assertEqual((r.rc, r.out), (0, "0\n"), r)

    def test_wheel_member_runs_a_command_as_nobody(self):
        r = self.runas(["-u", "nobody", "id", "-un"])
        self.assertEqual((r.rc, r.out), (0, "nobody\n"), r)

    def test_edit_changes_a_root_owned_file(self):
        name = "/etc/platform-%s.conf" % type(self).__name__
        BOX.must("writing %s" % name, "printf 'original\\n' >%s\nchmod 0600 %s" % (name, name))
        r = self.runas(["-e", name], env={"EDITOR": EDITOR})
        self.assertEqual(r.rc, 0, r)
        with open(BOX.path(name)) as f:
            self.assertEqual(f.read(), "edited\n")
        st = os.stat(BOX.path(name))
        self.assertEqual((st.st_uid, st.st_mode & 0o7777), (0, 0o600))

    def test_user_not_in_wheel_cannot_even_execute_it(self):
        # Installed root:wheel 4750: the kernel refuses carol (env's 126,
        # a shell's too) before runas runs; runas's own refusal of a
        # non-member is the end-to-end suite's (a packager's 4755).
        r = self.runas(["touch", "/carol-was-here"], user="carol", password=CAROL_PW)
        self.assertEqual((r.rc, r.out), (126, ""), r)
        self.assertEqual(len(r.err.splitlines()), 1, r)
        self.assertIn("Permission denied", r.err)
        self.assertFalse(os.path.exists(BOX.path("/carol-was-here")))

    def test_wrong_password_is_refused(self):
        r = self.runas(["touch", "/alice-was-here"], password="not alice")
        self.assertEqual((r.rc, r.out), (1, ""), r)
        self.assertEqual(r.err.splitlines()[-1:], ["runas: 1 incorrect password attempt"], r)
        self.assertFalse(os.path.exists(BOX.path("/alice-was-here")))


class DefaultSystemdRunShadow(Installed, unittest.TestCase):
    installs = [["--create-wheel"]]
    backend = "systemd-run"
    authentication = "shadow file (libcrypt)"


class ScopexShadow(Installed, unittest.TestCase):
    installs = [["--create-wheel"], ["--backend", "scopex", "--plugin-only"]]
    backend = "scopex"
    authentication = "shadow file (libcrypt)"


class ScopexPam(Installed, unittest.TestCase):
    installs = [["--create-wheel", "--backend", "scopex", "--pam"]]
    backend = "scopex"
    authentication = "PAM (service runas)"


class SystemdRunPam(Installed, unittest.TestCase):
    installs = [["--create-wheel", "--backend", "scopex", "--pam"], ["--backend", "systemd-run", "--plugin-only"]]
    backend = "systemd-run"
    authentication = "PAM (service runas)"


class DebianPackages(unittest.TestCase):
    """packaging/build.sh deb on trixie, then lintian as packaging/test_deb.py
    runs it on Debian 12: pedantic, info and experimental tags included,
    none tolerated."""

    def test_packages_build_and_are_lintian_clean(self):
        # (For trixie, as the changelog of a trixie upload names it: the plain
        # systemd-run backend, which needs systemd >= 254.)
        BOX.must("packaging/build.sh deb", "cd %s\nsed -i '1s/) [a-z-]*;/) trixie;/' debian/changelog\n"
                 "head -n 1 debian/changelog | grep -q ') trixie;'\n"
                 "packaging/build.sh deb --out /root/packages" % SRC, timeout=2400)
        debs = sorted(BOX.must("listing the packages", "ls /root/packages/*.deb").split())
        self.assertEqual(len(debs), 8, debs)  # runas, 3 backends, 4 -dbgsym
        r = BOX.sh("lintian --pedantic --info --display-experimental --no-tag-display-limit "
                   "--fail-on error,warning,info,pedantic,experimental " + " ".join(debs), timeout=900)
        tags = [line for line in r.out.splitlines() if re.match(r"[EWIPX]: ", line)]
        self.assertEqual((tags, r.rc), ([], 0), r.out + r.err)
        # Fortified C parts on glibc 2.41 too (the define is the C targets'
        # own now), RELRO and immediate binding: hardening-check on every
        # ELF file the packages ship.
        assert_debs_hardened(self, [BOX.path(d) for d in debs if "-dbgsym_" not in d], 4)
