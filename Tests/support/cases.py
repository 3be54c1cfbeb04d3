"""cases.py: the base class of tests that each get a fresh sandbox."""
import unittest

from support.sandbox import Sandbox


class SandboxTest(unittest.TestCase):
    """A test with a fresh sandbox (self.box) per test: the class says which
    core, backend and Sandbox arguments (accounts, ...) it runs with."""
    accounts = ()       # the accounts besides root and nobody (accounts.py)
    core = "shadow"
    backend = "scopex"
    sandbox = {}        # more Sandbox arguments

    def setUp(self):
        self.box = Sandbox(accounts=self.accounts, core=self.core, backend=self.backend, **self.sandbox)
        self.addCleanup(self.box.close)

    def runas(self, who, args, password=None, **kw):
        stdin = None if password is None else password + "\n"
        return self.box.run(who, (["-S"] if password is not None else []) + list(args), stdin=stdin, **kw)

    def assertRefused(self, r, message):
        """One line on stderr, exit 1, and no password prompt before it."""
        self.assertEqual((r.rc, r.out, r.err), (1, "", "runas: %s\n" % message), r)
