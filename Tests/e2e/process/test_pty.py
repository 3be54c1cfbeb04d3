"""test_scopex.py: scopex, the native executor, through the installed setuid
runas: the process state the command starts with (descriptors, signal
state, umask, limits), signal relaying, job control, and runas's own
process state.

Most tests run runas as root (no password needed) with -u nobody, so what
they observe is the executor, not authentication. Without a pty the shadow
core execs the command in place (test_process_model.py), so the tests of
what runas does as the command's parent (relaying, following stops, dying
of the command's signal) run again with the PAM core, where root's PAM
session keeps runas as the parent: the classes named Forked... .
"""
import os
import signal
import subprocess
import time
import unittest

from support.legacy_accounts import ALICE, USERS
from support.paths import RUNAS
from support.procfs import descendants, process_stat, wait_for_exit
from support.sandbox import Sandbox, sigchld_ignored
from support.terminal import default_signals

ROOT = USERS[0]


class ScopexTest(unittest.TestCase):
    core = "shadow"

    def setUp(self):
        self.box = Sandbox(core=self.core, backend="scopex")
        self.addCleanup(self.box.close)

    def sh_as_root(self, script, **kw):
        """`script` run by sh as root inside the sandbox (RUNAS is on its PATH)."""
        cmd = self.box.command(ROOT, ["-c", script], program="/bin/sh")
        kw.setdefault("preexec_fn", default_signals)
        return subprocess.run(cmd, capture_output=True, text=True, timeout=60, cwd="/",
                              env={"PATH": "/usr/local/bin:/usr/bin:/bin"}, **kw)

    def popen_root(self, args, **kw):
        cmd = self.box.command(ROOT, args)
        kw.setdefault("preexec_fn", default_signals)
        return subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd="/",
                                env={"PATH": "/usr/bin:/bin"}, **kw)

    def wait_for_line(self, p, wanted, timeout=30):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            line = p.stdout.readline()
            if line.strip() == wanted:
                return
            if not line and p.poll() is not None:
                break
        raise AssertionError("never saw %r" % wanted)


class ProcessStateTests(ScopexTest):
    def test_only_stdio_reaches_the_command(self):
        # An extra descriptor inherited by runas (fd 7 here) is closed.
        r, w = os.pipe()
        os.dup2(r, 7)
        self.addCleanup(os.close, 7)
        os.close(r)
        os.close(w)
        cmd = self.box.command(ROOT, ["-u", "nobody", "/bin/ls", "/proc/self/fd"])
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=60, cwd="/", pass_fds=(7,),
                           env={"PATH": "/usr/bin:/bin"})
        self.assertEqual(p.returncode, 0, p)
        self.assertEqual(sorted(p.stdout.split()), ["0", "1", "2", "3"], p)  # 3: ls's own directory

    def test_closed_stdio_works(self):
        p = self.sh_as_root("runas -u nobody true <&- >&- 2>&-; echo rc=$?")
        self.assertEqual((p.returncode, p.stdout), (0, "rc=0\n"), p)

    def test_clean_signal_state(self):
        def hostile():
            default_signals()
            signal.signal(signal.SIGTERM, signal.SIG_IGN)
            signal.signal(signal.SIGUSR2, signal.SIG_IGN)
            signal.pthread_sigmask(signal.SIG_BLOCK, [signal.SIGUSR1, signal.SIGINT])
        p = subprocess.run(self.box.command(ROOT, ["-u", "nobody", "grep", "-E", "^Sig(Blk|Ign)", "/proc/self/status"]),
                           capture_output=True, text=True, timeout=60, cwd="/", preexec_fn=hostile,
                           env={"PATH": "/usr/bin:/bin"})
        self.assertEqual(p.returncode, 0, p)
        self.assertEqual(p.stdout, "SigBlk:\t0000000000000000\nSigIgn:\t0000000000000000\n")

    def test_a_caller_that_ignores_sigchld_still_gets_the_status(self):
        # An ignored SIGCHLD survives exec; with it the kernel would reap
        # the command unseen and runas could not report its status.
        cmd = self.box.command(ROOT, sigchld_ignored(["-u", "nobody", "sh", "-c", "exit 7"]), program="/usr/bin/python3")
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=60, cwd="/", env={"PATH": "/usr/bin:/bin"},
                           preexec_fn=default_signals)
        self.assertEqual((p.returncode, p.stderr), (7, ""))

    def test_working_directory_falls_back_to_home_then_root(self):
        private = os.path.join(self.box.dir, "private")
        os.mkdir(private, 0o700)
        p = self.sh_as_root("cd %s && runas -u pat pwd" % private)     # pat's home: /tmp
        self.assertEqual((p.returncode, p.stdout), (0, "/tmp\n"), p)
        self.assertEqual(p.stderr, "runas: warning: cannot enter %s, using /tmp\n" % private)
        p = self.sh_as_root("cd %s && runas -u nobody pwd" % private)  # /nonexistent
        self.assertEqual((p.returncode, p.stdout), (0, "/\n"), p)
        self.assertEqual(p.stderr, "runas: warning: cannot enter %s, using /\n" % private)

    def test_umask_is_the_callers_combined_with_022(self):
        for mask, expected in (("077", "0077"), ("002", "0022"), ("000", "0022"), ("027", "0027")):
            with self.subTest(mask=mask):
                p = self.sh_as_root("umask %s; runas -u nobody sh -c umask" % mask)
                self.assertEqual((p.returncode, p.stdout), (0, expected + "\n"), p)

    def test_resource_limits_are_the_callers(self):
        p = self.sh_as_root("ulimit -n 200; ulimit -S -c 0; runas -u nobody sh -c 'ulimit -n; ulimit -c'")
        self.assertEqual((p.returncode, p.stdout), (0, "200\n0\n"), p)
        p = self.sh_as_root("ulimit -n 300; runas -u nobody sh -c 'ulimit -n'")
        self.assertEqual(p.stdout, "300\n", p)



class ForkedProcessStateTests(ProcessStateTests):
    """The same, with runas as the command's parent (PAM session)."""
    core = "pam"

    def test_runas_is_not_dumpable(self):
        # (Forked: in place, runas's process is the command by the time one
        # could look, and what the kernel makes of it is the command's.)
        # Root with another real/effective gid: the setuid bit changes no
        # id, so the kernel leaves the process dumpable unless runas says
        # otherwise. The files in /proc/PID (not the directory itself) of a
        # non-dumpable process belong to root:root instead of euid:egid.
        cmd = self.box.command(ROOT, ["--reuid=0", "--regid=%d" % ALICE.gid, "--clear-groups", "--",
                                      RUNAS, "-u", "nobody", "sh", "-c", "echo ready; read line"],
                               program="/usr/bin/setpriv")
        p = subprocess.Popen(cmd, cwd="/", env={"PATH": "/usr/bin:/bin"}, stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, text=True, preexec_fn=default_signals)
        self.addCleanup(p.wait)
        self.addCleanup(p.stdout.close)
        self.addCleanup(p.stdin.close)    # the command's read ends, then runas
        self.wait_for_line(p, "ready")
        # unshare, enter-sandbox.sh and setpriv exec one another: the
        # process started is this test's runas now, the command its child.
        # (Not any runas found on the machine: that may be another test's.)
        runas_pid = p.pid
        with open("/proc/%d/cmdline" % runas_pid, "rb") as f:
            self.assertEqual(f.read().split(b"\0")[:3], [RUNAS.encode(), b"-u", b"nobody"])
        st = os.stat("/proc/%d/status" % runas_pid)
        with open("/proc/%d/status" % runas_pid) as f:
            gid_line = next(line for line in f if line.startswith("Gid:"))
        self.assertEqual(gid_line.split()[1:3], [str(ALICE.gid)] * 2)  # the premise: egid 2001
        self.assertEqual((st.st_uid, st.st_gid), (0, 0))


class SignalTests(ScopexTest):
    SCRIPT = ("for s in TERM HUP INT QUIT USR1 USR2 ALRM CONT WINCH; do trap \"echo got $s\" $s; done; "
              "trap 'echo got TERM; exit 3' TERM; echo ready; "
              "i=0; while [ $i -lt 100 ]; do sleep 0.1; i=$((i+1)); done; echo timeout")

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


class JobControlTests(ScopexTest):
    """root runs a command as nobody on a terminal: on a pty of its own
    (the default); JobControlNoPtyTests repeats each with --no-pty."""
    options = []

    def job(self, args):
        t = self.box.job_on_terminal(ROOT, self.options + args)
        self.addCleanup(t.close)
        return t

    def test_ctrl_c_reaches_the_command_once(self):
        t = self.job(["-u", "nobody", "sh", "-c",
                      "n=0; trap 'n=$((n+1)); echo got INT $n' INT; echo ready; "
                      "i=0; while [ $i -lt 20 ]; do sleep 0.1; i=$((i+1)); done; echo end $n"])
        t.expect("ready")
        t.send("\x03")
        t.expect("got INT 1")
        t.expect("end 1")
        t.expect("JOBCTL exited status=0")

    def test_ctrl_z_stops_both_and_fg_resumes_both(self):
        t = self.job(["-u", "nobody", "sh", "-c",
                      "echo ready; read line; echo read:$line"])
        t.expect("ready")
        t.send("\x1a")
        t.expect("JOBCTL stopped sig=%d" % signal.SIGTSTP)
        t.send("\n")             # jobctl: continue the job
        t.send("hello\n")        # the command reads again
        t.expect("read:hello")
        t.expect("JOBCTL exited status=0")

    def test_terminal_settings_from_the_foreground_do_not_stop_anything(self):
        t = self.job(["-u", "nobody", "sh", "-c", "stty -echo; stty echo; echo stty-ok"])
        t.expect("stty-ok")
        t.expect("JOBCTL exited status=0 echo=on")

    def test_command_that_stops_itself_stops_runas(self):
        t = self.job(["-u", "nobody", "sh", "-c", "echo before; kill -STOP $$; echo after"])
        t.expect("before")
        t.expect("JOBCTL stopped sig=%d" % signal.SIGSTOP)
        t.send("\n")
        t.expect("after")
        t.expect("JOBCTL exited status=0")


class JobControlInPlaceTests(JobControlTests):
    """--no-pty with the shadow core: the command is exec'd in place, so
    job control is the command's own, with no runas in between."""
    options = ["--no-pty"]


class JobControlNoPtyTests(JobControlTests):
    """--no-pty with runas as the parent (PAM session): runas follows the
    command's stops."""
    options = ["--no-pty"]
    core = "pam"

    def test_sigtstp_sent_to_runas_stops_the_command_then_runas(self):
        # Without a pty runas shares the command's process group; a SIGTSTP
        # that another process sends to runas alone is passed on, and runas
        # stops after the command has (it never stops on its own first).
        t = self.job(["-u", "nobody", "sh", "-c", "echo ready; read line; echo read:$line"])
        t.expect("ready")
        runas = t.wait_for_process("runas")
        os.kill(runas, signal.SIGTSTP)
        t.expect("JOBCTL stopped sig=%d" % signal.SIGTSTP)
        states = [proc_state(pid) for pid in t.processes("sh")]
        self.assertEqual(states, ["T"], "the command is not stopped")
        t.send("\n")
        t.send("hello\n")
        t.expect("read:hello")
        t.expect("JOBCTL exited status=0")
        self.assertNotIn("JOBCTL stopped", t.output[t.output.index("read:hello"):])


def proc_state(pid):
    return process_stat(pid)[1][0]


class PAMPseudoTerminalTests(ScopexTest):
    """PAM build: the session is opened before the fork and closed after
    the command ends, with the command on its own pty in between."""
    core = "pam"

    def test_session_around_a_command_on_its_own_pty(self):
        t = self.box.job_on_terminal(ROOT, ["-u", "nobody", "sh", "-c", "echo tty=$(tty) parent=$(cat /proc/$PPID/comm)"])
        self.addCleanup(t.close)
        line = t.expect("JOBCTL exited status=0 echo=on")
        self.assertNotIn("tty=%s " % t.slave_path, line + " ")
        self.assertIn("tty=/dev/pts/", line)
        self.assertIn("parent=runas", line)   # the monitor, a fork of runas
        pam_unix = [m.text for m in self.box.syslog() if m.text.startswith("pam_unix(runas:session)")]
        self.assertEqual(len(pam_unix), 2, pam_unix)
        self.assertIn("session opened for user nobody(uid=65534)", pam_unix[0])
        self.assertIn("session closed for user nobody", pam_unix[1])


class NoPtyDefaultTests(unittest.TestCase):
    """The build made with install.sh --no-pty-default (the "noexpand"
    stage): no pty unless --pty."""

    def test_default_off_and_pty_on_request(self):
        with Sandbox(core="noexpand", backend="scopex") as box:
            t = box.job_on_terminal(ROOT, ["-u", "nobody", "tty"])
            self.assertIn(t.slave_path, t.expect("JOBCTL exited status=0"))
            t.close()
            t = box.job_on_terminal(ROOT, ["--pty", "-u", "nobody", "tty"])
            line = t.expect("JOBCTL exited status=0")
            t.close()
            self.assertIn("/dev/pts/", line)
            self.assertNotIn(t.slave_path, line)


class PseudoTerminalTests(ScopexTest):
    def job(self, args, user=ROOT):
        t = self.box.job_on_terminal(user, args)
        self.addCleanup(t.close)
        return t

    def test_another_users_command_gets_its_own_terminal(self):
        t = self.job(["-u", "nobody", "sh", "-c",
                      "echo tty=$(tty) owner=$(stat -c %U $(tty)) sid=$(cut -d' ' -f6 /proc/$$/stat) end"])
        line = t.expect("JOBCTL exited status=0 echo=on")
        fields = dict(w.split("=", 1) for w in line.split() if "=" in w)
        self.assertTrue(fields["tty"].startswith("/dev/pts/"), line)
        self.assertNotEqual(fields["tty"], t.slave_path)
        self.assertEqual(fields["owner"], "nobody")
        self.assertNotEqual(int(fields["sid"]), os.getsid(t.pid))  # not the caller's session

    def test_no_pty_keeps_the_callers_terminal(self):
        t = self.job(["--no-pty", "-u", "nobody", "tty"])
        line = t.expect("JOBCTL exited status=0")
        self.assertIn(t.slave_path, line)

    def test_same_user_gets_no_pty(self):
        t = self.job(["-u", "root", "tty"])
        line = t.expect("JOBCTL exited status=0")
        self.assertIn(t.slave_path, line)

    def test_without_a_terminal_there_is_no_pty(self):
        p = self.sh_as_root("runas -u nobody tty; echo rc=$?")
        self.assertEqual(p.stdout, "not a tty\nrc=1\n", p)

    def test_input_output_exit_status_and_terminal_restored(self):
        t = self.job(["-u", "nobody", "sh", "-c",
                      "stty -a | grep -o ' echo ' ; echo ready; read a; echo got:$a; exit 7"])
        t.expect("ready")
        self.assertFalse(t.echo_is_on())          # the caller's terminal is raw meanwhile
        t.send("typed words\r")
        t.expect("got:typed words")
        t.expect("JOBCTL exited status=7 echo=on")  # and restored after

    def test_killed_command_through_the_pty_kills_runas_the_same_way(self):
        t = self.job(["-u", "nobody", "sh", "-c", "kill -TERM $$"])
        t.expect("JOBCTL exited status=-%d echo=on" % signal.SIGTERM)

    def test_in_the_background_runas_neither_reads_nor_hangs(self):
        t = self.box.shell_on_terminal(ROOT)
        self.addCleanup(t.close)
        t.send("%s -u nobody sh -c 'sleep 1; echo bg-done' & sleep 0.3; echo typed-while-bg; wait; "
               "echo waited rc=$?\n" % RUNAS)
        t.expect("typed-while-bg")
        t.expect("bg-done")
        t.expect("waited rc=0")
        t.send("stty -a | grep -o ' echo '\n")   # the terminal was never left raw
        t.expect(" echo ")

    def test_nothing_of_a_job_is_left_when_its_shell_dies_after_ctrl_z(self):
        # Ctrl-Z right after the command wrote "started" often lands while
        # sh (dash) is in vfork() for `sleep`: the vfork child, which has
        # just unblocked its signals, stops before its exec, while sh waits
        # in vfork() with every signal blocked until that exec. The job
        # never stops (the kernel's doing: without runas too). When the
        # shell then dies, the kernel hangs the job up; without runas its
        # process group, orphaned, gets SIGHUP and SIGCONT and ends. Under
        # runas the command's group is never orphaned (the monitor is its
        # parent), so runas and its monitor must do the same, or runas, the
        # monitor and both sh wait for ever. Whether Ctrl-Z lands there is
        # luck (about 1 run in 8 here), hence 200 runs (about 30 s); in the
        # others the job stopped, and runas, orphaned and stopped, gets
        # SIGHUP and SIGCONT from the kernel and passes them on.
        for run in range(200):
            t = self.box.shell_on_terminal(ROOT)
            self.addCleanup(t.close)
            t.send("%s -u nobody sh -c 'echo sta''rted; sleep 60; echo finished'\n" % RUNAS)
            t.expect("started")
            t.send("\x1a")
            t.expect("^Z")        # the command's terminal took it: SIGTSTP is sent
            job = [pid for pid, comm, fields in descendants(t.pid)]
            t.close()             # SIGKILL: the shell dies, its terminal hangs up
            left = wait_for_exit(job, timeout=10)
            for pid in left:
                try:
                    os.kill(pid, signal.SIGKILL)   # nothing stays behind
                except ProcessLookupError:
                    pass
            self.assertEqual(left, [], "run %d: left after the shell died" % run)

    def test_window_size_is_passed_on(self):
        t = self.box.job_on_terminal(ROOT, ["-u", "nobody", "sh", "-c",
                                            "stty size; trap 'stty size' WINCH; echo ready; "
                                            "i=0; while [ $i -lt 50 ]; do sleep 0.1; i=$((i+1)); done"],
                                     wait_go=True)
        self.addCleanup(t.close)
        t.resize(30, 100)
        t.send("go\n")
        t.expect("30 100")
        t.expect("ready")
        t.resize(40, 120)       # the kernel signals runas, runas resizes the command's pty
        t.expect("40 120")
        t.expect("JOBCTL exited status=0")

    def test_stdout_redirected_to_a_file_bypasses_the_pty(self):
        out = os.path.join(self.box.shared, "out")
        t = self.box.terminal(ROOT, ["-c", "%s -u nobody sh -c 'echo to-stdout; echo to-stderr >&2' >%s; "
                                           "echo rc=$?" % (RUNAS, out)], program="/bin/sh")
        self.addCleanup(t.close)
        t.expect("to-stderr")
        t.expect("rc=0")
        with open(out) as f:
            self.assertEqual(f.read(), "to-stdout\n")

    def test_keystroke_injection_does_not_reach_the_callers_shell(self):
        marker = os.path.join(self.box.shared, "injected")
        inject = ("import fcntl, termios\n"
                  "for c in b'touch %s\\n': fcntl.ioctl(0, termios.TIOCSTI, bytes([c]))\n" % marker)
        script = os.path.join(self.box.shared, "inject.py")
        with open(script, "w") as f:
            f.write(inject)
        os.chmod(script, 0o644)

        def attempt(options, redirect=""):
            t = self.box.shell_on_terminal(ROOT)
            self.addCleanup(t.close)
            t.send("%s %s -u nobody python3 %s %s; echo ended\n" % (RUNAS, " ".join(options), script, redirect))
            t.expect("ended")
            t.send("echo next-prompt\n")
            t.expect("next-prompt")
            t.settle(0.5)
            t.send("exit\n")
            t.wait()
            return os.path.exists(marker)

        self.assertFalse(attempt([]), "keystrokes pushed by the command ran in the caller's shell")
        # Found in review: with stdin, stdout and stderr all redirected the
        # command still had the caller's terminal as its controlling one and
        # could inject through /dev/tty; it gets a pty of its own then too.
        with open(script, "w") as f:
            f.write(inject.replace("ioctl(0,", "ioctl(tty,").replace(
                "import fcntl, termios\n", "import fcntl, os, termios\ntty = os.open('/dev/tty', os.O_RDWR)\n"))
        redirected = "</dev/null >/dev/null 2>&1"
        self.assertFalse(attempt([], redirected), "injection through /dev/tty with stdio redirected")
        # The control: without a pty, the same command does reach the
        # caller's shell, so this test can see an injection. (Needs the
        # kernel's legacy TIOCSTI, dev.tty.legacy_tiocsti=1, as here.)
        with open("/proc/sys/dev/tty/legacy_tiocsti") as f:
            legacy = f.read().strip() == "1"
        if legacy:
            self.assertTrue(attempt(["--no-pty"], redirected), "the control injection did not work")
        else:
            print("\nNOTE: dev.tty.legacy_tiocsti=0 here; the --no-pty control case cannot inject")


if __name__ == "__main__":
    unittest.main()
