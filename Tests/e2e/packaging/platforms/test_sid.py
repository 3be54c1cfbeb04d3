"""test_sid.py: runas built by Debian's own Swift (sid's swiftlang; no
swift.org toolchain anywhere in that root), the way Debian would build it:
dpkg-buildpackage -us -uc -b with no build profile, so debian/control's
Build-Depends must be met by sid's packages. The packages are installed
with apt, a wheel member runs a command through the default backend, then
another backend package swaps in without touching /usr/bin/runas; and
swift test passes with sid's toolchain.

If sid stops offering a Swift that builds runas, these tests fail and say
which swiftlang sid has (debootstrap failing to find swiftlang at all
fails the module, saying so). A clean clone (CI) makes the root anew, so it
tests what sid offers that day; a cached root keeps the swiftlang it was
made with (delete .build/platform-root-sid to refresh it).
"""
import hashlib
import os
import re
import unittest

from support.distro import SID, start_box, tail

SRC = "/root/src/runas"
ALICE_PW = "alice sid battery"
BOX = None
SWIFTLANG = None  # the swiftlang version sid gave the root


def setUpModule():
    global BOX, SWIFTLANG
    BOX = start_box(SID, SRC)
    SWIFTLANG = BOX.run(["dpkg-query", "-W", "-f", "${Version}", "swiftlang"]).out.strip()


def tearDownModule():
    if BOX:
        BOX.close()


def sid_says():
    return "sid has swiftlang %s; " % SWIFTLANG


class DebianSwift(unittest.TestCase):
    def test_the_only_swift_is_debians(self):
        self.assertFalse(os.path.exists(BOX.path("/opt/swift")))
        r = BOX.sh("dpkg -S \"$(readlink -f \"$(command -v swift)\")\"; swift --version 2>&1")
        self.assertEqual(r.rc, 0, r)
        self.assertTrue(r.out.startswith("swiftlang:"), r.out)
        self.assertRegex(r.out, r"Swift version \d+\.\d+", r.out)

    def test_unit_tests_pass(self):
        # (sid's toolchain has no lib_Testing_Foundation: without the flag
        # the test runner does not link.)
        r = BOX.sh("cd %s\nexec 2>&1\nswift test --scratch-path /root/unit "
                   "-Xswiftc -Xfrontend -Xswiftc -disable-cross-import-overlays" % SRC, timeout=2400)
        self.assertEqual(r.rc, 0, sid_says() + "swift test failed:\n" + tail(r.out))
        self.assertRegex(r.out, r"Test run with \d+ tests? in \d+ suites? passed", tail(r.out))


class DebianPackages(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        # No build profile: Build-Depends (swiftlang among them) must be sid's.
        # The changelog names the release built for (debian/rules chooses the
        # systemd-run backend by it): unstable, as an upload to sid would
        # (the plain backend, Pre-Depends systemd (>= 254)).
        r = BOX.sh("cd %s\nexec 2>&1\nsed -i '1s/) [a-z-]*;/) unstable;/' debian/changelog\n"
                   "head -n 1 debian/changelog | grep -q ') unstable;'\n"
                   "dpkg-buildpackage -us -uc -b" % SRC, timeout=2400)
        if r.rc != 0:
            raise AssertionError(sid_says() + "dpkg-buildpackage -us -uc -b failed (exit %d):\n%s"
                                 % (r.rc, tail(r.out)))

    def deb(self, name):
        found = [f for f in os.listdir(BOX.path("/root/src")) if re.match(r"%s_.*_amd64\.deb$" % re.escape(name), f)]
        self.assertEqual(len(found), 1, found)
        return "/root/src/" + found[0]

    def apt_install(self, *debs):
        BOX.must("apt-get install %s" % " ".join(debs),
                 "DEBIAN_FRONTEND=noninteractive apt-get install -y -q -o Acquire::Check-Valid-Until=false %s"
                 % " ".join(debs), timeout=600)

    def runas(self, args):
        return BOX.run(["runas", "-S"] + list(args), user="alice", input=ALICE_PW + "\n")

    def core_digest(self):
        with open(BOX.path("/usr/bin/runas"), "rb") as f:
            return hashlib.sha256(f.read()).hexdigest()

    def test_install_run_and_swap_the_backend(self):
        r = BOX.run(["dpkg-deb", "-f", self.deb("runas-backend-systemd-run"), "Pre-Depends"])
        self.assertEqual(r.out.strip(), "systemd (>= 254)", r)
        self.apt_install(self.deb("runas"), self.deb("runas-backend-systemd-run"))
        BOX.add_user("alice", ALICE_PW, wheel=True)  # (the postinst made wheel)
        r = BOX.run(["runas", "--version"])
        self.assertIn("\nbackend: systemd-run ", r.out, r)
        # systemd-run runs the command as a transient unit of the system manager.
        r = self.runas(["sh", "-c", "id -u; cat /proc/self/cgroup"])
        self.assertEqual((r.rc, r.out.splitlines()[0]), (0, "0"), r)
        self.assertRegex(r.out, r"\n0::/system\.slice/runas-\d+-\w+\.service\n", r)
        r = self.runas(["printf", "%s|", "$HOME", "${USER}"])
        self.assertEqual((r.rc, r.out), (0, "$HOME|${USER}|"), r)
        before = self.core_digest()

        self.apt_install(self.deb("runas-backend-scopex"))
        self.assertEqual(self.core_digest(), before, "installing another backend changed /usr/bin/runas")
        r = BOX.run(["dpkg-query", "-W", "-f", "${Status}", "runas-backend-systemd-run"])
        self.assertNotIn("installed", r.out.replace("not-installed", ""), r)
        r = BOX.run(["runas", "--version"])
        self.assertIn("\nbackend: scopex ", r.out, r)
        # scopex runs the command itself: no unit.
        r = self.runas(["sh", "-c", "id -u; cat /proc/self/cgroup"])
        self.assertEqual(r.rc, 0, r)
        self.assertEqual(r.out.splitlines()[0], "0", r)
        self.assertNotRegex(r.out, r"\n0::/system\.slice/runas-", r)
