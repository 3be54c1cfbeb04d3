"""test_peer_options.py: sudo's --host and --chroot (CVE-2025-32462,
CVE-2025-32463): runas has neither; they are refused before anything is
looked up.

The other classes of the peers' advisories of 2024-2026, each shown not to
affect runas: odd account databases (setuid/test_account_database.py), a
100 KB argv[0] (logging/test_long_program_name.py), and a half-typed
password left for the shell (sudo-rs GHSA-q428): after a signal at the
prompt, the authentication prompt tests (_killed_at_the_prompt: the
shell's next line is empty); after the prompt's timeout, the unit test
PromptTimeoutTests (a real pseudo-terminal, a shorter wait)."""
import unittest

from support.accounts import wheel_member
from support.cli_checks import HINT
from support.sandbox import Sandbox

ALICE = wheel_member("alice", 2001, "correct horse battery", groups=("users",))


class HostAndChrootTests(unittest.TestCase):
    def test_host_and_chroot_are_refused(self):
        with Sandbox(accounts=(ALICE,)) as box:
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
                    self.assertEqual((r.rc, r.out, r.err), (1, "", "runas: %s%s\n" % (message, HINT)), r)
            self.assertEqual(box.runas_log(), [])


if __name__ == "__main__":
    unittest.main()
