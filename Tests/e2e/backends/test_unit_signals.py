"""Without a terminal, a signal sent to runas reaches the command in its
unit (systemd-run and run0 backends), and runas's exit status says how
the command ended.

systemd is not PID 1 here: systemd-run, run0 and systemctl are STUBS
(support/stubs/, stub_unit.py). They run the command as systemd runs a
unit's main process, in a session of its own that no signal to runas or
to the client reaches; only `systemctl kill` on the unit runas named does.
The real tools are exercised by the real-systemd tier (backends/real_systemd).
"""
import json
import os
import re
import select
import signal
import subprocess
import time
import unittest

from support.accounts import ROOT, wheel_member
from support.paths import RUNAS
from support.sandbox import Sandbox, sigchld_ignored
from support.terminal import default_signals

# alice: types her password on the stdin the command reads next.
ALICE = wheel_member("alice", 2001, "correct horse battery", groups=("users",))
UNIT = re.compile(r"^runas-\d+-[0-9a-f]{8}\.service$")


class UnitSignalScenarios:
    backend = None
    SCRIPT = ("for s in HUP INT QUIT USR1 USR2 ALRM; do trap \"echo got $s\" $s; done; "
              "trap 'echo got TERM; exit 3' TERM; echo ready; "
              "i=0; while [ $i -lt 300 ]; do sleep 0.1; i=$((i+1)); done; echo timeout")

    def setUp(self):
        self.box = Sandbox(accounts=(ALICE,), backend=self.backend)
        self.addCleanup(self.box.close)

    def popen(self, args, user=ROOT, stdin=subprocess.DEVNULL, ignore=(), program=RUNAS):
        def signals():
            default_signals()
            for s in ignore:
                signal.signal(s, signal.SIG_IGN)
        p = subprocess.Popen(self.box.command(user, args, program), stdin=stdin, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, bufsize=0, cwd="/", env=self.box.environment(user),
                             preexec_fn=signals, start_new_session=True)
        p.seen = b""
        self.addCleanup(self.finish, p)
        return p

    @staticmethod
    def finish(p):
        if p.poll() is None:
            p.kill()
        p.communicate()

    def wait_for_line(self, p, wanted, timeout=30):
        """Reads p's stdout until the line `wanted` (never blocks past the
        deadline: a hung runas fails the test instead of hanging it)."""
        deadline = time.monotonic() + timeout
        while True:
            line, nl, rest = p.seen.partition(b"\n")
            if nl:
                p.seen = rest
                if line.decode(errors="replace").strip() == wanted:
                    return
                continue
            left = deadline - time.monotonic()
            ready = select.select([p.stdout], [], [], max(0, left))[0] if left > 0 else []
            chunk = os.read(p.stdout.fileno(), 4096) if ready else b""
            if not chunk:
                raise AssertionError("never saw %r" % wanted)
            p.seen += chunk

    def ended(self, p, timeout=30):
        """(exit code, the rest of stdout, stderr) once p has ended."""
        out, err = p.communicate(timeout=timeout)
        return p.returncode, (p.seen + out).decode(errors="replace"), err.decode(errors="replace")

    def unit_of_this_run(self):
        argv = self.box.stub_record(self.backend)["argv"]
        units = [a[len("--unit="):] for a in argv if a.startswith("--unit=")]
        self.assertEqual(len(units), 1, argv)
        self.assertRegex(units[0], UNIT)
        return units[0]

    def systemctl_calls(self):
        path = os.path.join(self.box.log, "systemctl.log")
        if not os.path.exists(path):
            return []
        with open(path) as f:
            return [json.loads(line) for line in f]

    def wait_for_client(self, timeout=30):
        deadline = time.monotonic() + timeout
        while self.box.stub_record(self.backend) is None:
            if time.monotonic() > deadline:
                raise AssertionError("the %s stub never started" % self.backend)
            time.sleep(0.02)

    def test_signals_sent_to_runas_reach_the_command(self):
        p = self.popen(["-u", "nobody", "sh", "-c", self.SCRIPT])
        self.wait_for_line(p, "ready")
        sent = [signal.SIGHUP, signal.SIGINT, signal.SIGQUIT, signal.SIGUSR1, signal.SIGUSR2, signal.SIGALRM]
        for sig in sent:
            os.kill(p.pid, sig)
            self.wait_for_line(p, "got " + sig.name[3:])
        os.kill(p.pid, signal.SIGTERM)
        self.wait_for_line(p, "got TERM")
        # The command's own exit status: it handled SIGTERM and exited 3.
        rc, out, err = self.ended(p)
        self.assertEqual(rc, 3, err)
        unit = self.unit_of_this_run()
        self.assertEqual(self.systemctl_calls(),
                         [["kill", "--kill-whom=main-fail", "--signal=" + s.name, unit]
                          for s in sent + [signal.SIGTERM]])

    def test_command_killed_by_the_signal_kills_runas_the_same_way(self):
        # systemd reports these deaths as 0 (TERM, INT, HUP) or 255 (USR1):
        # after passing the signal on, runas dies of it, as a shell expects.
        for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP, signal.SIGUSR1):
            p = self.popen(["-u", "nobody", "sh", "-c", "echo ready; exec sleep 30"])
            self.wait_for_line(p, "ready")
            os.kill(p.pid, sig)
            rc, out, err = self.ended(p)
            self.assertEqual(rc, -sig, (sig, err))
        self.assertEqual(os.listdir(os.path.join(self.box.log, "units")), [])

    def test_a_handled_signal_leaves_the_exit_status_alone(self):
        # USR1 handled, then a normal end with 0: not mistaken for a death.
        script = "trap 'echo got USR1' USR1; echo ready; sleep 1; echo done"
        p = self.popen(["-u", "nobody", "sh", "-c", script])
        self.wait_for_line(p, "ready")
        os.kill(p.pid, signal.SIGUSR1)
        rc, out, err = self.ended(p)
        self.assertEqual((rc, out), (0, "got USR1\ndone\n"), err)

    def test_a_signal_before_the_unit_exists_reaches_it_once_it_does(self):
        # The stub holds the unit back 4 s, as a busy systemd might:
        # systemctl kill fails meanwhile, runas tries again with a growing
        # pause (20 ms doubling to 1 s: about ten tries, not thousands),
        # says so after 2 s, and the command dies of the signal once it runs.
        with open(os.path.join(self.box.log, "start-delay"), "w") as f:
            f.write("4")
        p = self.popen(["-u", "nobody", "sh", "-c", "sleep 30; echo not-killed"])
        self.wait_for_client()
        os.kill(p.pid, signal.SIGTERM)
        started = time.monotonic()
        rc, out, err = self.ended(p, timeout=60)
        self.assertEqual((rc, out), (-signal.SIGTERM, ""), err)
        self.assertLess(time.monotonic() - started, 10)
        unit = self.unit_of_this_run()
        self.assertEqual(err, "runas: warning: cannot pass SIGTERM on to %s yet; still trying\n" % unit)
        calls = self.systemctl_calls()
        self.assertTrue(4 <= len(calls) <= 12, calls)
        self.assertTrue(all(c == ["kill", "--kill-whom=main-fail", "--signal=SIGTERM", unit] for c in calls))

    def test_a_signal_the_callers_shell_ignored_stays_ignored(self):
        # nohup runas ...: SIGHUP is not passed on; SIGTERM still is.
        p = self.popen(["-u", "nobody", "sh", "-c", self.SCRIPT], ignore=[signal.SIGHUP])
        self.wait_for_line(p, "ready")
        os.kill(p.pid, signal.SIGHUP)
        os.kill(p.pid, signal.SIGTERM)
        rc, out, err = self.ended(p)
        self.assertEqual((rc, out), (3, "got TERM\n"), err)

    def test_a_signal_to_the_whole_process_group_reaches_the_command_once(self):
        # kill -TERM -PGID hits runas and the client alike: the client
        # ignores it (or it would die and runas would report it, not the
        # command), runas passes it on once.
        p = self.popen(["-u", "nobody", "sh", "-c", self.SCRIPT])
        self.wait_for_line(p, "ready")
        os.killpg(p.pid, signal.SIGINT)
        self.wait_for_line(p, "got INT")
        os.killpg(p.pid, signal.SIGTERM)
        rc, out, err = self.ended(p)
        self.assertEqual((rc, out), (3, "got TERM\n"), err)
        self.assertEqual(len(self.systemctl_calls()), 2)

    def test_a_caller_that_ignores_sigchld_still_gets_the_status(self):
        # An ignored SIGCHLD survives exec and would let the kernel reap the
        # client unseen (runas would hang, or report "No child processes").
        p = self.popen(sigchld_ignored(["-u", "nobody", "sh", "-c", "exit 7"]), program="/usr/bin/python3")
        rc, out, err = self.ended(p)
        self.assertEqual((rc, err), (7, ""))
        p = self.popen(sigchld_ignored(["-u", "nobody", "sh", "-c", "echo ready; exec sleep 30"]),
                       program="/usr/bin/python3")
        self.wait_for_line(p, "ready")
        os.kill(p.pid, signal.SIGTERM)
        rc, out, err = self.ended(p)
        self.assertEqual(rc, -signal.SIGTERM, err)

    def test_ctrl_c_on_the_callers_terminal_reaches_all_of_the_command(self):
        # stdout a pipe, the terminal still the caller's: no pty, so the
        # terminal's SIGINT reaches runas (and the client), not the unit.
        # runas passes a terminal's signal on to every process of the unit,
        # as the terminal would have (--kill-whom=all-fail).
        script = "runas -u nobody sh -c 'echo ready; sleep 30 & wait' | cat"
        t = self.box.terminal(ROOT, ["-c", script], env={"PATH": "/usr/local/bin:/usr/bin:/bin"},
                              program="/bin/sh")
        try:
            t.expect("ready")
            t.send("\x03")
            t.wait(timeout=30)
        finally:
            t.close()
        unit = self.unit_of_this_run()
        # (The shell's exit then hangs the terminal up: a SIGHUP may follow.)
        calls = self.systemctl_calls()
        self.assertEqual(calls[0], ["kill", "--kill-whom=all-fail", "--signal=SIGINT", unit], calls)
        self.assertEqual(os.listdir(os.path.join(self.box.log, "units")), [])

    def test_with_a_password_on_stdin(self):
        # The password and the command's input share runas's stdin.
        p = self.popen(["-S", "sh", "-c", "read line; echo \"$line\"; echo ready; exec sleep 30"], user=ALICE,
                       stdin=subprocess.PIPE)
        p.stdin.write((ALICE.password + "\nto the command\n").encode())
        self.wait_for_line(p, "to the command")
        self.wait_for_line(p, "ready")
        os.kill(p.pid, signal.SIGTERM)
        rc, out, err = self.ended(p)
        self.assertEqual(rc, -signal.SIGTERM, err)

    def test_on_a_terminal_the_client_replaces_runas(self):
        # With a terminal the client's pty hangs up when it dies, which
        # ends the command (checked against real systemd in backends/real_systemd):
        # no unit name, no systemctl.
        r = self.box.run_on_terminal(ROOT, ["-u", "nobody", "true"])
        self.assertEqual(r.rc, 0, r)
        argv = self.box.stub_record(self.backend)["argv"]
        self.assertFalse([a for a in argv if a.startswith("--unit")], argv)
        self.assertEqual(self.systemctl_calls(), [])


class SystemdRunUnitSignalTests(UnitSignalScenarios, unittest.TestCase):
    backend = "systemd-run"


class Run0UnitSignalTests(UnitSignalScenarios, unittest.TestCase):
    backend = "run0"


if __name__ == "__main__":
    unittest.main()
