"""-C (close-from): the descriptors below N the caller passed reach the
command, none of runas's own ever do, and N must be 3 or more; with scopex
in place and forked (the PAM core). The service-manager backends cannot
keep descriptors open for the command, and say so before any password.
"""
import subprocess
import unittest

from support.accounts import ROOT, wheel_member
from support.cli_checks import HINT
from support.scopex_cases import OptionTest
from support.terminal import default_signals

ALICE = wheel_member("alice", 2001, "correct horse battery", groups=("users",))


class CloseFromTests(OptionTest):
    accounts = (ALICE,)

    def run_with_fds(self, args, core_root=True):
        # Descriptors 5 and 7 opened by a shell in the child, not dup2'd
        # over whatever the test process has at those numbers.
        cmd = ["/bin/sh", "-c", 'exec 5</dev/null 7</dev/null && exec "$@"', "sh"] + \
            self.box.command(ROOT, list(args) + ["-u", "nobody", "/bin/ls", "/proc/self/fd"])
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=60, cwd="/",
                           env={"PATH": "/usr/bin:/bin"}, preexec_fn=default_signals)
        self.assertEqual(p.returncode, 0, p)
        return sorted(int(x) for x in p.stdout.split())

    def test_descriptors_below_n_stay_open(self):
        # 3 is ls's own directory; 5 is below 6, 7 is not.
        self.assertEqual(self.run_with_fds(["-C", "6"]), [0, 1, 2, 3, 5])

    def test_a_high_n_keeps_them_all(self):
        self.assertEqual(self.run_with_fds(["-C", "100"]), [0, 1, 2, 3, 5, 7])

    def test_without_c_none_stay(self):
        self.assertEqual(self.run_with_fds([]), [0, 1, 2, 3])

    def test_runas_own_descriptors_never_leak(self):
        # With a wide -C nothing but what the caller passed reaches the
        # command: not the syslog socket, the backend or the password files.
        r = self.as_alice(["-C", "1000", "-u", "nobody", "/bin/ls", "-l", "/proc/self/fd"])
        self.assertEqual(r.rc, 0, r.err)
        fds = sorted(int(line.split()[-3]) for line in r.out.splitlines() if "->" in line)
        self.assertEqual(fds, [0, 1, 2, 3], r.out)

    def test_n_must_be_a_number_of_3_or_more(self):
        for value in ("2", "0", "-1", "x", "", "99999999999"):
            r = self.box.run(ALICE, ["-C", value, "true"])
            self.assertEqual((r.rc, r.err), (1, "runas: -C wants a descriptor number of 3 or more, not '%s'" % value
                                             + HINT + "\n"), value)


class ForkedCloseFromTests(CloseFromTests):
    core = "pam"


class CloseFromServiceManagerTests(OptionTest):
    accounts = (ALICE,)
    backend = "systemd-run"

    def test_a_clear_error_before_any_password(self):
        r = self.as_alice(["-C", "5", "true"])
        self.assertEqual((r.rc, r.out), (1, ""))
        self.assertEqual(r.err, "runas: the %s backend cannot keep descriptors open for the command (-C): a service "
                                "manager starts it, and it inherits none of runas's (scopex can)\n" % self.backend)
        self.assertIsNone(self.box.stub_record(self.backend))


class CloseFromRun0Tests(CloseFromServiceManagerTests):
    backend = "run0"


if __name__ == "__main__":
    unittest.main()
