"""Which process model a command gets, and that both give it the same things.

With scopex, when nothing has to happen in runas after the command starts
(no pseudo-terminal to serve, no PAM transaction or session to close, and
the caller could signal the command's process anyway: the caller is root,
or the target has the caller's uid), runas execs the command in place, as
setpriv does: the command IS the process the caller started (same pid,
same parent). Otherwise runas forks and waits: the command is runas's child
(with a pty, the child of runas's pty monitor). The shadow build as root
gets exec in place; the PAM build (root opens a session), any run with a
pty, and a wheel member running a command as root keep runas as parent.
"""
import os
import subprocess
import unittest

from support.accounts import ROOT, wheel_member
from support.paths import RUNAS
from support.sandbox import Sandbox
from support.terminal import default_signals

# alice: a wheel member who may not signal a root command herself.
ALICE = wheel_member("alice", 2001, "correct horse battery", groups=("users",))

# What the command reports about itself: its ids, descriptors, umask,
# signal state and environment (sorted).
PROBE = ("id; ls /proc/self/fd | sort -n | tr '\\n' ' '; echo; umask; "
         "grep -E '^Sig(Blk|Ign)' /proc/self/status; env | sort")


class ProcessModel(unittest.TestCase):
    def box(self, core):
        box = Sandbox(accounts=(ALICE,), core=core, backend="scopex")
        self.addCleanup(box.close)
        return box

    def start(self, box, args):
        """runas as root with pipes. enter-sandbox.sh execs runas, so the
        Popen's pid is runas's own."""
        return subprocess.Popen(box.command(ROOT, args), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True, cwd="/", env={"PATH": "/usr/bin:/bin"}, preexec_fn=default_signals)

    def pids(self, core):
        """(runas's pid, the command's $$, the command's $PPID)."""
        p = self.start(self.box(core), ["-u", "nobody", "/bin/sh", "-c", "echo $$ $PPID"])
        out, err = p.communicate(timeout=60)
        self.assertEqual((p.returncode, err), (0, ""), out)
        pid, ppid = (int(w) for w in out.split())
        return p.pid, pid, ppid

    def test_shadow_build_execs_the_command_in_place(self):
        runas, pid, ppid = self.pids("shadow")
        self.assertEqual(pid, runas, "the command should be the runas process itself")
        self.assertEqual(ppid, os.getpid(), "the command's parent should be runas's parent")

    def test_a_pam_session_keeps_runas_as_the_parent(self):
        runas, pid, ppid = self.pids("pam")
        self.assertNotEqual(pid, runas)
        self.assertEqual(ppid, runas, "runas must stay to close the PAM session")

    def test_a_pseudo_terminal_keeps_runas_as_the_parent(self):
        # On a terminal, another user's command gets a pty: the command is
        # the child of runas's pty monitor, itself a runas process.
        box = self.box("shadow")
        r = box.run_on_terminal(ROOT, ["-u", "nobody", "/bin/sh", "-c", "cat /proc/$PPID/comm"])
        self.assertEqual(r.rc, 0, r.out)
        self.assertIn("runas", r.out)
        r = box.run_on_terminal(ROOT, ["--no-pty", "-u", "nobody", "/bin/sh", "-c", "echo parent=$(cat /proc/$PPID/comm)"])
        self.assertEqual(r.rc, 0, r.out)
        self.assertNotIn("parent=runas", r.out)  # no pty: in place, the parent is the terminal's process

    def test_a_caller_who_could_not_signal_the_command_keeps_runas_as_the_relay(self):
        # alice may kill her runas (its real uid is hers) but not a root
        # process: in place, her SIGTERM would bounce off the command.
        box = self.box("shadow")
        p = subprocess.Popen(box.command(ALICE, ["-S", "/bin/sh", "-c",
                                                 "trap 'echo got TERM; exit 3' TERM; echo $$ $PPID; "
                                                 "i=0; while [ $i -lt 100 ]; do sleep 0.1; i=$((i+1)); done"]),
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             cwd="/", env=box.environment(ALICE), preexec_fn=default_signals, start_new_session=True)
        self.addCleanup(p.kill)
        p.stdin.write(ALICE.password + "\n")
        p.stdin.close()
        pid, ppid = (int(w) for w in p.stdout.readline().split())
        self.assertNotEqual(pid, p.pid)
        self.assertEqual(ppid, p.pid, "runas must stay the parent")
        # The signal as alice sends it: from a process with her ids.
        subprocess.run(["setpriv", "--reuid=%d" % ALICE.uid, "--regid=%d" % ALICE.gid, "--clear-groups",
                        "kill", "-TERM", str(p.pid)], check=True)
        self.assertEqual(p.stdout.readline(), "got TERM\n")
        self.assertEqual(p.wait(timeout=30), 3)

    def test_a_timer_armed_before_runas_does_not_reach_a_command_in_place(self):
        # Interval timers survive execve (fork clears them for a child):
        # the caller's alarm must not go off in the command.
        box = self.box("shadow")
        starter = ("import os, signal; signal.setitimer(signal.ITIMER_REAL, 0.5); "
                   "os.execv(%r, [%r, '-u', 'nobody', '/bin/sh', '-c', 'echo $$; sleep 1.5; echo alive'])"
                   % (RUNAS, RUNAS))
        p = subprocess.run(box.command(ROOT, ["-c", starter], program="/usr/bin/python3"), capture_output=True,
                           text=True, cwd="/", env={"PATH": "/usr/bin:/bin"}, timeout=60, preexec_fn=default_signals)
        self.assertEqual((p.returncode, p.stdout.split()[-1:]), (0, ["alive"]), p)

    def probe(self, core, args=()):
        p = self.start(self.box(core), list(args) + ["-u", "nobody", "/bin/sh", "-c", PROBE])
        out, err = p.communicate(timeout=60)
        self.assertEqual((p.returncode, err), (0, ""), out)
        return out

    def test_both_models_give_the_same_ids_descriptors_signals_and_environment(self):
        in_place, forked = self.probe("shadow"), self.probe("pam")
        self.assertIn("uid=65534(nobody)", in_place)
        self.assertIn("SigBlk:\t0000000000000000", in_place)
        self.assertIn("\n0 1 2 3 \n", in_place)   # 3: ls's own directory
        self.assertEqual(in_place, forked)

    def test_both_models_give_the_same_exit_status(self):
        for core in ("shadow", "pam"):
            for script, status in (("exit 7", 7), ("kill -TERM $$", -15), ("kill -KILL $$", -9)):
                with self.subTest(core=core, script=script):
                    p = self.start(self.box(core), ["-u", "nobody", "/bin/sh", "-c", script])
                    p.communicate(timeout=60)
                    self.assertEqual(p.returncode, status)

    def test_exec_errors_in_place_are_still_runas_messages_and_logged(self):
        box = self.box("shadow")
        # Found and executable, but execve fails as the target: the
        # interpreter is missing (ENOENT), or only root may run it (EACCES).
        broken = box.write_script("broken", "#!/nonexistent/interpreter\n")
        secret = box.write_script("secret", "#!/bin/sh\necho secret\n")
        os.chmod(secret, 0o700)
        os.chmod(box.dir, 0o755)
        r = box.run(ROOT, ["-u", "nobody", broken])
        self.assertEqual((r.rc, r.out, r.err), (127, "", "runas: %s: command not found\n" % broken), r)
        r = box.run(ROOT, ["-u", "nobody", secret])
        self.assertEqual((r.rc, r.out, r.err), (126, "", "runas: %s: Permission denied\n" % secret), r)
        log = "\n".join(box.runas_log())
        self.assertIn("COMMAND=%s" % secret, log)
        self.assertIn("Permission denied", log)

    def test_a_command_run_in_place_is_logged(self):
        box = self.box("shadow")
        r = box.run(ROOT, ["-u", "nobody", "/bin/true"])
        self.assertEqual(r.rc, 0, r)
        self.assertIn("root : TTY=unknown ; PWD=/ ; USER=nobody ; COMMAND=/bin/true", box.runas_log())


if __name__ == "__main__":
    unittest.main()
