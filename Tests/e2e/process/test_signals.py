"""Signals and scopex: a signal sent to runas reaches the command, one the
command sends to runas is not sent back to it, and a command killed by a
signal gives 128+N. The Forked... class repeats them with runas as the
command's parent (the PAM core), where runas relays each signal itself.
"""
import os
import signal
import subprocess
import unittest

from support.accounts import ROOT
from support.scopex_cases import ScopexTest
from support.terminal import default_signals


class SignalTests(ScopexTest):
    accounts = ()
    SCRIPT = ("for s in TERM HUP INT QUIT USR1 USR2 ALRM CONT WINCH; do trap \"echo got $s\" $s; done; "
              "trap 'echo got TERM; exit 3' TERM; echo ready; "
              "i=0; while [ $i -lt 100 ]; do sleep 0.1; i=$((i+1)); done; echo timeout")

    def popen_root(self, args, **kw):
        cmd = self.box.command(ROOT, args)
        kw.setdefault("preexec_fn", default_signals)
        return subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd="/",
                                env={"PATH": "/usr/bin:/bin"}, **kw)

    def test_signals_sent_to_runas_reach_the_command(self):
        p = self.popen_root(["-u", "nobody", "sh", "-c", self.SCRIPT], start_new_session=True)
        self.addCleanup(p.kill)
        self.wait_for_line(p, "ready")
        for sig in (signal.SIGHUP, signal.SIGINT, signal.SIGQUIT, signal.SIGUSR1, signal.SIGUSR2,
                    signal.SIGALRM, signal.SIGCONT, signal.SIGWINCH):
            os.kill(p.pid, sig)
            self.wait_for_line(p, "got " + sig.name[3:])
        os.kill(p.pid, signal.SIGTERM)
        self.wait_for_line(p, "got TERM")
        self.assertEqual(p.wait(timeout=30), 3)

    def test_signals_from_the_command_are_not_sent_back_to_it(self):
        # The command signals runas (its parent) itself: relaying that back
        # would loop (and a signal sent to the whole group would arrive
        # twice), so runas leaves it alone.
        script = ("trap 'echo got TERM' TERM; kill -TERM $PPID; "
                  "i=0; while [ $i -lt 5 ]; do sleep 0.1; i=$((i+1)); done; echo end")
        p = self.popen_root(["-u", "nobody", "sh", "-c", script], start_new_session=True)
        out, err = p.communicate(timeout=60)
        self.assertEqual((p.returncode, out), (0, "end\n"), err)

    def test_killed_command_gives_128_plus_n(self):
        p = self.sh_as_root("ulimit -c unlimited; cd %s; runas -u nobody sh -c 'kill -QUIT $$'; echo rc=$?"
                            % self.box.shared)
        self.assertEqual(p.stdout, "rc=131\n", p)
        if self.core == "pam":
            # runas dies of the command's signal itself: never with a core
            # file of the root process.
            self.assertNotIn("core dumped", p.stderr)
        # In place the command dies of it, with the caller's core limit, as
        # it would run without runas: whatever it dumps is its own.


class ForkedSignalTests(SignalTests):
    """Relaying: runas is the command's parent (PAM session)."""
    core = "pam"


if __name__ == "__main__":
    unittest.main()
