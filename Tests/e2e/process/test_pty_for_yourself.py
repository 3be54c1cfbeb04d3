"""test_pty_for_yourself.py: --pty is honoured even when the target is
the caller (root to root): the command gets a new terminal.
Found by an attacker's review and sudo-rs's compliance tests (issue 14)."""
import unittest

from support.accounts import ROOT
from support.cases import SandboxTest
from support.paths import RUNAS


class PtyForYourselfTests(SandboxTest):
    accounts = ()     # root alone

    def test_pty_is_honoured_root_to_root(self):
        # Both runs on one terminal, one after the other, while it stays
        # open: on two terminals, the second could be given the number the
        # first run's new pty had just freed (the kernel reuses the lowest
        # free one, and other tests open and close ptys meanwhile).
        r = self.box.run_on_terminal(ROOT, ["-c", "%s tty && %s --pty tty" % (RUNAS, RUNAS)], program="/bin/sh")
        self.assertEqual(r.rc, 0, r)
        own, shown = [line for line in r.out.splitlines() if line.strip()][-2:]
        self.assertRegex(own, r"^/dev/pts/\d+$")
        self.assertRegex(shown, r"^/dev/pts/\d+$")
        # Without --pty, root to root stays on the terminal it has; with
        # it, the command is on a new one.
        self.assertNotEqual(shown, own)


if __name__ == "__main__":
    unittest.main()
