"""test_pty_for_yourself.py: --pty is honoured even when the target is
the caller (root to root): the command gets a new terminal."""
import unittest

from support.accounts import ROOT
from support.cases import SandboxTest


class PtyForYourselfTests(SandboxTest):
    accounts = ()     # root alone

    def test_pty_is_honoured_root_to_root(self):
        r = self.box.run_on_terminal(ROOT, ["--pty", "tty"])
        self.assertEqual(r.rc, 0, r)
        shown = r.out.strip().splitlines()[-1]
        self.assertRegex(shown, r"^/dev/pts/\d+$")
        t = self.box.run_on_terminal(ROOT, ["tty"])
        self.assertEqual(t.rc, 0, t)
        own = t.out.strip().splitlines()[-1]
        # Without --pty, root to root stays on the terminal it has; with
        # it, the command is on a new one.
        self.assertNotEqual(shown, own)


if __name__ == "__main__":
    unittest.main()
