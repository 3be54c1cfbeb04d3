"""The process state scopex starts the command with: only stdio among the
descriptors, a clean signal mask and dispositions (an ignored SIGCHLD
too), the working directory (or a fallback), the umask and the resource
limits; and runas's own process not dumpable while it is the command's
parent (the Forked... class: the PAM core keeps runas as the parent).
"""
import os
import signal
import subprocess
import unittest

from support.accounts import ROOT, wheel_member, without_password
from support.paths import RUNAS
from support.sandbox import sigchld_ignored
from support.scopex_cases import ScopexTest
from support.terminal import default_signals

# pat: home /tmp, where a command starts when it cannot enter the caller's directory.
PAT = without_password("pat", 2014, home="/tmp")
# alice: only her gid, the real and effective gid runas is started with.
ALICE = wheel_member("alice", 2001, "correct horse battery", groups=("users",))


class ProcessStateTests(ScopexTest):
    accounts = (PAT,)

    def test_only_stdio_reaches_the_command(self):
        # An extra descriptor inherited by runas (fd 7 here) is closed.
        # (Opened by a shell in the child: dup2 over this process's own fd 7
        # would close whatever it is here, such as the sandbox's syslog socket.)
        cmd = ["/bin/sh", "-c", 'exec 7</dev/null && exec "$@"', "sh"] + \
            self.box.command(ROOT, ["-u", "nobody", "/bin/ls", "/proc/self/fd"])
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=60, cwd="/",
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
    accounts = (PAT, ALICE)
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


if __name__ == "__main__":
    unittest.main()
