"""test_peer_advisories.py: classes of bugs found in runas's peers in
2024-2026, each shown not to affect runas, as a user or an attacker would
see it through the installed setuid binary.

- Odd account databases (util-linux and linux-pam advisories of 2025): a
  300-byte user name, a NUL byte in /etc/passwd, a name that is a prefix of
  another. Each is handled whole or refused, never truncated or matched
  into another account.
- A 100 KB argv[0] (glibc's syslog, CVE-2023-6246: a long program name
  overflowed the buffer when no ident was given; runas names its own).
- sudo's --host and --chroot (CVE-2025-32462, CVE-2025-32463): runas has
  neither; they are refused before anything is looked up.
- A half-typed password left for the shell (sudo-rs GHSA-q428): after a
  signal at the prompt, test_authentication.py (_killed_at_the_prompt:
  the shell's next line is empty); after the prompt's timeout, the unit
  test PromptTimeoutTests (a real pseudo-terminal, a shorter wait).
"""
import os
import unittest

from support.accounts import User
from support.legacy_accounts import ALICE
from support.paths import RUNAS
from support.sandbox import Sandbox
LONG = "l" * 300
LONG_USER = User(LONG, 2040, 2040, password="long name pw", groups=("wheel",))
# "ali" is a prefix of "alice", a member of wheel; ali is not.
ALI = User("ali", 2041, 2041, password="ali's own")


class OddAccountDatabaseTests(unittest.TestCase):
    def setUp(self):
        # 4755: anyone may start runas, so its own wheel check is what refuses.
        self.box = Sandbox(runas_mode=0o4755, extra_users=[LONG_USER, ALI])
        self.addCleanup(self.box.close)
        # A NUL byte inside a name: "eve\0root" must never become root (or eve).
        with open(os.path.join(self.box.dir, "etc/passwd"), "ab") as f:
            f.write(b"eve\x00root:x:2042:2042::/home/eve:/bin/sh\n")

    def runas(self, who, password, args):
        return self.box.run(who, ["-S"] + args, stdin=password + "\n")

    def test_a_300_byte_name_is_used_whole(self):
        r = self.runas(ALICE, ALICE.password, ["-u", LONG, "id", "-u"])
        self.assertEqual((r.rc, r.out), (0, "2040\n"), r)
        # One byte short is nobody's name, not a prefix match.
        r = self.runas(ALICE, ALICE.password, ["-u", LONG[:-1], "id", "-u"])
        self.assertEqual((r.rc, r.out, r.err), (1, "", "runas: unknown user: %s\n" % LONG[:-1]), r)
        # As the caller: asked by its whole name, logged by its whole name.
        r = self.runas(LONG_USER, LONG_USER.password, ["id", "-u"])
        self.assertEqual((r.rc, r.out), (0, "0\n"), r)
        self.assertIn("[runas] password for %s: " % LONG, r.err)
        self.assertEqual(self.box.runas_log()[-1],
                         "%s : TTY=unknown ; PWD=/ ; USER=root ; COMMAND=/usr/bin/id -u" % LONG)

    def test_a_nul_byte_in_a_name_matches_no_account(self):
        for spec in ("eve", "#2042"):
            r = self.runas(ALICE, ALICE.password, ["-u", spec, "id", "-u"])
            self.assertEqual((r.rc, r.out, r.err), (1, "", "runas: unknown user: %s\n" % spec), r)
        r = self.runas(ALICE, ALICE.password, ["-u", "root", "id", "-un"])
        self.assertEqual((r.rc, r.out), (0, "root\n"), r)

    def test_a_prefix_of_a_wheel_member_is_not_one(self):
        r = self.runas(ALI, ALI.password, ["id", "-u"])
        self.assertEqual((r.rc, r.out, r.err), (1, "", "runas: ali is not in the wheel group\n"), r)
        r = self.runas(ALICE, ALICE.password, ["-u", "ali", "id", "-u"])
        self.assertEqual((r.rc, r.out), (0, "2041\n"), r)
        r = self.runas(ALICE, ALICE.password, ["-u", "alic", "id", "-u"])
        self.assertEqual((r.rc, r.err), (1, "runas: unknown user: alic\n"), r)


class LongProgramNameTests(unittest.TestCase):
    def test_a_100_kb_argv0_runs_and_logs_as_runas(self):
        with Sandbox() as box:
            r = box.run(ALICE, ["-c", 'exec -a "$0" %s -S id -u' % RUNAS, "x" * 100000],
                        stdin=ALICE.password + "\n", program="/bin/bash")
            self.assertEqual((r.rc, r.out), (0, "0\n"), r)
            [m] = box.runas_messages()
            self.assertEqual((m.ident, m.text),
                             ("runas", "alice : TTY=unknown ; PWD=/ ; USER=root ; COMMAND=/usr/bin/id -u"))


class HostAndChrootTests(unittest.TestCase):
    HINT = " (see 'runas --help')"

    def test_host_and_chroot_are_refused(self):
        with Sandbox() as box:
            for args, message in (
                    (["--host=otherhost", "id"], "unknown option: --host"),
                    (["--host", "otherhost", "id"], "unknown option: --host"),
                    (["-R", "/tmp", "id"], "unknown option: -R"),
                    (["--chroot=/tmp", "id"], "unknown option: --chroot"),
                    # -h is --help, as in sudo when alone; with a value it is refused.
                    (["-h", "otherhost", "id"], "-h takes no command"),
                    (["-l", "-h", "otherhost"], "-l and -h cannot be used together")):
                with self.subTest(args=args):
                    r = box.run(ALICE, args)
                    self.assertEqual((r.rc, r.out, r.err), (1, "", "runas: %s%s\n" % (message, self.HINT)), r)
            self.assertEqual(box.runas_log(), [])


if __name__ == "__main__":
    unittest.main()
