"""test_long_program_name.py: a 100 KB argv[0] (glibc's syslog, CVE-2023-6246:
a long program name overflowed the buffer when no ident was given; runas
names its own): the command runs and is logged as runas."""
import unittest

from support.accounts import wheel_member
from support.paths import RUNAS
from support.sandbox import Sandbox

ALICE = wheel_member("alice", 2001, "correct horse battery", groups=("users",))


class LongProgramNameTests(unittest.TestCase):
    def test_a_100_kb_argv0_runs_and_logs_as_runas(self):
        with Sandbox(accounts=(ALICE,)) as box:
            r = box.run(ALICE, ["-c", 'exec -a "$0" %s -S id -u' % RUNAS, "x" * 100000],
                        stdin=ALICE.password + "\n", program="/bin/bash")
            self.assertEqual((r.rc, r.out), (0, "0\n"), r)
            [m] = box.runas_messages()
            self.assertEqual((m.ident, m.text),
                             ("runas", "alice : TTY=unknown ; PWD=/ ; USER=root ; COMMAND=/usr/bin/id -u"))


if __name__ == "__main__":
    unittest.main()
