"""scopex_cases.py: the base classes of the process tests (e2e/process,
e2e/command_line/test_other_user.py): a fresh sandbox per test with the
native executor, scopex, and root's or alice's way of running runas in it.

Without a pty the shadow core execs the command in place
(e2e/process/test_process_model.py), so the tests of what runas does as
the command's parent (relaying, following stops, dying of the command's
signal) run again with the PAM core, where root's PAM session keeps runas
as the parent: the classes named Forked... .
"""
import subprocess
import time

from support.accounts import ROOT
from support.cases import SandboxTest
from support.terminal import default_signals



class ScopexTest(SandboxTest):
    """Runs runas as root (no password needed), mostly with -u nobody, so
    what a test observes is the executor, not authentication."""
    core = "shadow"

    def sh_as_root(self, script, **kw):
        """`script` run by sh as root inside the sandbox (RUNAS is on its PATH)."""
        cmd = self.box.command(ROOT, ["-c", script], program="/bin/sh")
        kw.setdefault("preexec_fn", default_signals)
        return subprocess.run(cmd, capture_output=True, text=True, timeout=60, cwd="/",
                              env={"PATH": "/usr/local/bin:/usr/bin:/bin"}, **kw)

    def wait_for_line(self, p, wanted, timeout=30):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            line = p.stdout.readline()
            if line.strip() == wanted:
                return
            if not line and p.poll() is not None:
                break
        raise AssertionError("never saw %r" % wanted)


class OptionTest(SandboxTest):
    """sudo's options besides -e (-b, -C, -P, -U), mostly used by alice:
    the class's `accounts` must hold the ALICE whose password as_alice types."""
    core = "shadow"
    backend = "scopex"

    def as_alice(self, args, **kw):
        alice = next(u for u in self.accounts if u.name == "alice")
        return self.box.run(alice, ["-S"] + list(args), stdin=alice.password + "\n", **kw)
