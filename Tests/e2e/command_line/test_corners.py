"""test_corners.py: corners of the command line: VAR=VALUE among the
options, -K alone, -l's normalised path, and runas with no arguments.
Found by an attacker's review and sudo-rs's compliance tests (issue 14)."""
import os
import subprocess
import unittest

from support.accounts import SHA512, wheel_member
from support.cases import SandboxTest
from support.cli_checks import HINT
from support.paths import REPO, RUNAS

ALICE = wheel_member("alice", 2001, "correct horse battery", groups=("users",))
BOB = wheel_member("bob", 2002, "b0b's\tpass word", hash=SHA512)     # a target


class CommandLineCornerTests(SandboxTest):
    accounts = (ALICE, BOB)

    def test_assignments_may_stand_among_the_options(self):
        r = self.runas(ALICE, ["A=1", "--", "sh", "-c", "echo $A"], password=ALICE.password)
        self.assertEqual((r.rc, r.out), (0, "1\n"), r)
        r = self.runas(ALICE, ["X=1", "--preserve-env=Y", "sh", "-c", "echo $X$Y"], password=ALICE.password,
                       env={"Y": "2"})
        self.assertEqual((r.rc, r.out), (0, "12\n"), r)
        r = self.runas(ALICE, ["A=1", "-u", "bob", "B=2", "sh", "-c", "echo $A$B $(id -un)"],
                       password=ALICE.password)
        self.assertEqual((r.rc, r.out), (0, "12 bob\n"), r)
        r = self.box.run(ALICE, ["NAME=1", "-v"])
        self.assertEqual(r.rc, 1, r)
        self.assertEqual(r.err, "runas: -v takes no VAR=VALUE" + HINT + "\n")
        # After the command's first word, everything is the command's.
        r = self.runas(ALICE, ["printf", "%s\\n", "-u", "A=1"], password=ALICE.password)
        self.assertEqual((r.rc, r.out), (0, "-u\nA=1\n"), r)

    def test_K_stands_alone(self):
        for args, other in ((["-K", "-u", "root"], "-u"), (["-n", "-K"], "-n"), (["-K", "--pty"], "--pty")):
            with self.subTest(args=args):
                r = self.box.run(ALICE, args)
                self.assertEqual((r.rc, r.out, r.err),
                                 (1, "", "runas: -K and %s cannot be used together%s\n" % (other, HINT)), r)
        r = self.box.run(ALICE, ["-K"])
        self.assertEqual((r.rc, r.err), (0, ""), r)

    def test_list_prints_the_normalised_path_and_the_arguments(self):
        r = self.box.run(ALICE, ["-l", "true", "ls", "-l"])
        self.assertEqual((r.rc, r.out, r.err), (0, "/usr/bin/true ls -l\n", ""), r)
        p = subprocess.run(self.box.command(ALICE, ["-c", "cd /usr/bin && R -l ./true x && R -l .//./true && "
                                                          "R -l ../bin/./true".replace("R", RUNAS)],
                                            program="/bin/sh"),
                           capture_output=True, text=True, timeout=60, cwd="/", env=self.box.environment(ALICE))
        self.assertEqual((p.returncode, p.stdout, p.stderr),
                         (0, "/usr/bin/true x\n/usr/bin/true\n/usr/bin/../bin/true\n", ""), p)

    def test_no_arguments_prints_the_usage(self):
        r = self.box.run(ALICE, [])
        self.assertEqual((r.rc, r.out), (1, ""), r)
        self.assertTrue(r.err.startswith("usage: runas [options]"), r.err)
        with open(os.path.join(REPO, "README.md")) as f:
            self.assertIn("Run with\nno arguments at all (`runas` alone), runas prints its usage to stderr and\n"
                          "exits 1; options without a command (`runas -u bob`) are the usage error\n"
                          "`runas: no command given`.", f.read())
        r = self.box.run(ALICE, ["-u", "bob"])
        self.assertEqual((r.rc, r.err.split(" (")[0]), (1, "runas: no command given"), r)


if __name__ == "__main__":
    unittest.main()
