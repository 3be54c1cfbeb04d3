"""test_throttle.py: password guessing across runs (issue 14, then issue
23). The record in /run/runas counts every try before it is checked: 3 in
a row are free, then 10 s, 20 s, 40 s ... (at most 10 min) must pass after
the last one. Killing runas during the delay, running many at once, a PAM
stack asking two answers or a new password, a file size limit, symlinks
and a record from before a reboot gain no guess; right passwords are never
counted as wrong, and root is never counted nor locked out.
"""
import os
import re
import signal
import subprocess
import time
import unittest

from support.accounts import ROOT, SHA512, must_change_password, wheel_member
from support.cases import SandboxTest
from support.pam_fixture import pam_test_module
from support.paths import RUNAS
from support.sandbox import Sandbox
from support.terminal import default_signals

ALICE = wheel_member("alice", 2001, "correct horse battery", groups=("users",))
BOB = wheel_member("bob", 2002, "b0b's\tpass word", hash=SHA512)     # a target
IVY = must_change_password("ivy", 2009, "change me now")              # last change 0: must change now
ACCOUNTS = (ALICE, BOB, IVY)


class GuessThrottleScenarios:
    """A process running as a wheel member that does not know the password
    kills runas during the delay after each wrong guess, or runs many at
    once. The record in /run/runas counts every try before it is checked:
    3 in a row are free, then 10 s, 20 s, 40 s ... (at most 10 min) must
    pass after the last one. Every failed try is logged when it fails."""

    def setUp(self):
        self.box = Sandbox(accounts=ACCOUNTS, core=self.core, backend="scopex")
        self.addCleanup(self.box.close)

    def failed_tries(self):
        return [line for line in self.box.runas_log() if line.startswith("alice : incorrect password attempt")]

    def lockouts(self):
        return [line for line in self.box.runas_log() if line.startswith("alice : locked out: ")]

    def record(self):
        """(failures in a row, last try) from /run/runas/2001."""
        with open(os.path.join(self.box.tally_dir(), str(ALICE.uid))) as f:
            text = f.read()
        self.assertRegex(text, r"\A\d{10} \d{20}\n\Z")
        failures, last = text.split()
        return int(failures), int(last)

    def write_record(self, failures, last):
        """/run/runas/2001 as runas writes it (and its directory if need be)."""
        if not os.path.isdir(self.box.tally_dir()):
            os.mkdir(self.box.tally_dir(), 0o700)
        path = os.path.join(self.box.tally_dir(), str(ALICE.uid))
        fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o600)
        try:
            os.pwrite(fd, b"%010d %020d\n" % (failures, last), 0)
        finally:
            os.close(fd)

    def sh(self, script, stdin=None, timeout=120, env=None):
        p = subprocess.run(self.box.command(ALICE, ["-c", script.replace("RUNAS", RUNAS)], program="/bin/sh"),
                           input=stdin, capture_output=True, text=True, timeout=timeout, cwd="/",
                           env=self.box.environment(ALICE, env))
        return p

    def test_the_kill_loop_gets_four_guesses_in_fifteen_seconds(self):
        start = time.monotonic()
        p = self.sh("end=$(($(date +%s) + 15)); n=0; while [ $(date +%s) -lt $end ]; do "
                    "printf 'wrong%d\\n' $n | timeout -s KILL 0.4 RUNAS -S true 2>/dev/null; n=$((n+1)); done; "
                    "echo runs=$n")
        self.assertGreaterEqual(time.monotonic() - start, 14)   # (date +%s: whole seconds)
        runs = int(p.stdout.strip().split("=")[1])
        self.assertGreater(runs, 20, p)
        # 3 free tries, then one 10 s after the third; the next would need 20 s more.
        failed = self.failed_tries()
        self.assertEqual([re.sub(r" ; TTY=.*", "", line) for line in failed],
                         ["alice : incorrect password attempt (%d in a row)" % n for n in (1, 2, 3, 4)])
        self.assertEqual(len(self.lockouts()), runs - 4)
        self.assertEqual(self.record()[0], 4)
        # Locked out now: even the right password is not checked.
        marker = os.path.join(self.box.shared, "ran")
        r = self.box.run(ALICE, ["-S", "touch", marker], stdin=ALICE.password + "\n")
        self.assertEqual(r.rc, 1, r)
        self.assertRegex(r.err, r"\Arunas: too many incorrect passwords, try again in \d+ s\n\Z")
        self.assertFalse(os.path.exists(marker))

    def test_parallel_runs_check_three_tries_at_most(self):
        p = self.sh("for i in 1 2 3 4 5 6 7 8 9 10 11 12; do echo wrong | RUNAS -S true 2>>%s/err & done; wait"
                    % self.box.shared)
        self.assertEqual(len(self.failed_tries()), 3, self.box.runas_log())
        self.assertEqual(len(self.lockouts()), 9, self.box.runas_log())
        with open(os.path.join(self.box.shared, "err")) as f:
            self.assertEqual(f.read().count("runas: too many incorrect passwords, try again in "), 9)

    def test_parallel_right_passwords_are_never_counted_as_wrong(self):
        # Issue 23: each run spent its try before its password was checked
        # and nothing held the others back meanwhile, so ten right
        # passwords in flight looked like ten failures: 6 to 18 of these
        # 40 were refused as "too many incorrect passwords" and logged as
        # "locked out: 3 incorrect passwords in a row".
        p = self.sh("seq 40 | xargs -P 10 -n 1 sh -c "
                    "'printf \"%s\\n\" \"$PW\" | RUNAS -S echo \"ran-$1\"; echo \"rc $1 $?\"' sh",
                    env={"PW": ALICE.password})
        self.assertEqual(p.returncode, 0, p)
        self.assertEqual(sorted(p.stdout.splitlines()),
                         sorted(["ran-%d" % n for n in range(1, 41)] + ["rc %d 0" % n for n in range(1, 41)]), p)
        self.assertNotIn("runas:", p.stderr)
        log = self.box.runas_log()
        self.assertEqual(sorted(line for line in log if "COMMAND=" in line),
                         sorted("alice : TTY=unknown ; PWD=/ ; USER=root ; COMMAND=/usr/bin/echo ran-%d" % n
                                for n in range(1, 41)), log)
        self.assertEqual((self.failed_tries(), self.lockouts()), ([], []))
        self.assertEqual(self.record(), (0, 0))

    def test_a_run_waiting_at_the_prompt_holds_up_no_other_run(self):
        # The record is locked only while a typed password is checked,
        # never while runas waits for one.
        t = self.box.terminal(ALICE, ["true"])
        self.addCleanup(t.close)
        t.expect("password for alice: ")
        r = self.box.run(ALICE, ["-S", "echo", "not held up"], stdin=ALICE.password + "\n", timeout=30)
        self.assertEqual((r.rc, r.out), (0, "not held up\n"), r)
        t.send(ALICE.password + "\n")
        self.assertEqual(t.wait(), 0, t.output)
        self.assertEqual(self.record(), (0, 0))

    def test_a_record_from_before_a_reboot_runs_down(self):
        # Issue 23: a try time ahead of CLOCK_BOOTTIME (a /run that
        # survived a reboot, while that clock started again) was waited
        # for in full at every run, for ever: even the right password was
        # refused until the uptime caught up. Such a time counts as now.
        def boot_time():
            return int(time.clock_gettime(time.CLOCK_BOOTTIME))
        self.write_record(3, boot_time() + 10**6)
        before = boot_time()
        r = self.box.run(ALICE, ["-S", "true"], stdin=ALICE.password + "\n")
        after = boot_time()
        self.assertEqual(r.rc, 1, r)
        self.assertRegex(r.err, r"\Arunas: too many incorrect passwords, try again in (9|10) s\n\Z")
        failures, last = self.record()
        self.assertEqual(failures, 3)
        self.assertTrue(before <= last <= after, (before, last, after))
        # 10 s later (the record aged by 10 s rather than the test waiting
        # them out): the wait after 3 failures is over.
        self.write_record(3, last - 10)
        r = self.box.run(ALICE, ["-S", "echo", "ran"], stdin=ALICE.password + "\n")
        self.assertEqual((r.rc, r.out), (0, "ran\n"), r)
        self.assertEqual(self.record(), (0, 0))

    def test_the_records_and_their_directory_are_root_root(self):
        # Issue 23: /run/runas and the record got the first caller's group
        # (made with runas's effective gid, the caller's).
        r = self.box.run(ALICE, ["-S", "true"], stdin=ALICE.password + "\n")
        self.assertEqual(r.rc, 0, r)
        st = os.stat(self.box.tally_dir())
        self.assertEqual((st.st_uid, st.st_gid, oct(st.st_mode & 0o7777)), (0, 0, "0o700"))
        st = os.stat(os.path.join(self.box.tally_dir(), str(ALICE.uid)))
        self.assertEqual((st.st_uid, st.st_gid, oct(st.st_mode & 0o7777)), (0, 0, "0o600"))

    def test_a_right_password_starts_the_count_again(self):
        for _ in range(2):
            r = self.box.run(ALICE, ["-S", "true"], stdin="wrong\nwrong again\n")
            self.assertEqual(r.rc, 1, r)
            r = self.box.run(ALICE, ["-S", "true"], stdin=ALICE.password + "\n")
            self.assertEqual(r.rc, 0, r)
            self.assertEqual(self.record(), (0, 0))
        self.assertEqual(len(self.failed_tries()), 4)
        self.assertEqual(self.lockouts(), [])

    def test_a_file_size_limit_cannot_empty_the_record(self):
        # Found in review: the record was truncated, then written; with
        # RLIMIT_FSIZE 0 (kept across exec) the write failed and left it
        # empty, which read as clean: three more free guesses, for ever.
        for _ in range(2):
            self.assertEqual(self.box.run(ALICE, ["-S", "true"], stdin="wrong\n").rc, 1)
        p = self.sh("ulimit -f 0; trap '' XFSZ; echo wrong | RUNAS -S true")
        self.assertEqual(p.returncode, 1, p)
        # Counted (the limit lifted for the write), or, where root cannot
        # lift a hard limit (no CAP_SYS_RESOURCE), refused unchecked:
        # never given back.
        if "cannot count password tries (file size limit below 32 bytes" in p.stderr:
            self.assertEqual(self.record()[0], 2)
            self.assertEqual(len(self.failed_tries()), 2)
        else:
            self.assertEqual(self.record()[0], 3)
            self.assertEqual(len(self.failed_tries()), 3)
        # A limit of a few blocks is plenty: the try is counted.
        p = self.sh("ulimit -f 1; echo wrong | RUNAS -S true")
        self.assertEqual(p.returncode, 1, p)
        self.assertGreaterEqual(self.record()[0], 3)

    def test_the_command_keeps_the_callers_file_size_limit(self):
        # The limit is lifted only for the record's one write.
        p = self.sh("printf '%%s\\n' '%s' | (ulimit -f 7; RUNAS -S -u bob sh -c 'ulimit -f')" % ALICE.password)
        self.assertEqual((p.returncode, p.stdout), (0, "7\n"), p)

    def test_two_wrong_then_ctrl_c_leaves_both_in_the_log(self):
        t = self.box.terminal(ALICE, ["true"])
        self.addCleanup(t.close)
        for _ in range(2):
            t.expect("password for alice: ")
            t.send("wrong\n")
        t.expect("password for alice: ")
        t.send("\x03")
        self.assertEqual(t.wait(), -signal.SIGINT)
        self.assertEqual(len(self.failed_tries()), 2, self.box.runas_log())

    def test_the_records_directory_is_never_followed_through_a_symlink(self):
        elsewhere = os.path.join(self.box.dir, "elsewhere")
        os.mkdir(elsewhere, 0o700)
        os.symlink(elsewhere, self.box.tally_dir())
        r = self.box.run(ALICE, ["-S", "true"], stdin=ALICE.password + "\n")
        self.assertEqual((r.rc, r.err), (1, "runas: /run/runas is not root's own plain directory, "
                                            "refusing to count password tries there\n"), r)
        self.assertEqual(os.listdir(elsewhere), [])

    def test_a_record_that_is_a_symlink_is_refused(self):
        os.mkdir(self.box.tally_dir(), 0o700)
        target = os.path.join(self.box.dir, "target")
        with open(target, "w") as f:
            f.write("precious\n")
        os.symlink(target, os.path.join(self.box.tally_dir(), str(ALICE.uid)))
        r = self.box.run(ALICE, ["-S", "true"], stdin=ALICE.password + "\n")
        self.assertEqual((r.rc, r.err), (1, "runas: /run/runas/2001 is not root's own plain file, "
                                            "refusing to count password tries there\n"), r)
        with open(target) as f:
            self.assertEqual(f.read(), "precious\n")

    def test_a_directory_that_is_not_roots_own_is_refused(self):
        os.mkdir(self.box.tally_dir(), 0o700)
        os.chown(self.box.tally_dir(), ALICE.uid, ALICE.gid)
        r = self.box.run(ALICE, ["-S", "true"], stdin=ALICE.password + "\n")
        self.assertEqual((r.rc, r.err), (1, "runas: /run/runas is not root's own plain directory, "
                                            "refusing to count password tries there\n"), r)

    def test_root_is_never_counted(self):
        r = self.box.run(ROOT, ["true"])
        self.assertEqual(r.rc, 0, r)
        self.assertFalse(os.path.exists(self.box.tally_dir()))


class PAMTwoPromptsAreOneTryTests(unittest.TestCase):
    """Found in review: a stack asking a code and a password counted each
    answer as a try, so one mistake cost two."""

    def test_one_wrong_attempt_is_one_in_a_row(self):
        with Sandbox(accounts=ACCOUNTS, core="pam",
                     pam_stack="auth required @BOX@/pam_runas_test.so ask=Code:\n"
                               "auth required pam_unix.so\naccount required pam_unix.so\n"
                               "session required pam_unix.so\n") as box:
            pam_test_module(box.dir)
            r = box.run(ALICE, ["-S", "true"], stdin="42\nwrong\n42\n%s\n" % ALICE.password)
            self.assertEqual(r.rc, 0, r)
            self.assertEqual([line.split(" ; ")[0] for line in box.runas_log()],
                             ["alice : incorrect password attempt (1 in a row)", "alice : TTY=unknown"])


class PAMParallelTriesTests(unittest.TestCase):
    """Issue 23: a try is locked while its answer is checked, so parallel
    runs are checked one by one; a run waiting at a prompt, even a PAM
    stack's second one, holds up none of the caller's other runs, and a run
    killed while its answer is checked keeps its try and lets them go."""

    STACK = "account required pam_unix.so\nsession required pam_unix.so\n"

    def record(self, box):
        with open(os.path.join(box.tally_dir(), str(ALICE.uid))) as f:
            failures, last = f.read().split()
        return int(failures), int(last)

    def test_a_run_at_its_second_prompt_holds_up_no_other_run(self):
        with Sandbox(accounts=ACCOUNTS, core="pam",
                     pam_stack="auth required @BOX@/pam_runas_test.so ask=Code:\n"
                               "auth required pam_unix.so\n" + self.STACK) as box:
            pam_test_module(box.dir)
            t = box.terminal(ALICE, ["true"])
            self.addCleanup(t.close)
            t.expect("Code:")
            t.send("42\n")
            t.expect("password for alice: ")    # its try is spent: it has an answer
            r = box.run(ALICE, ["-S", "echo", "not held up"], stdin="42\n%s\n" % ALICE.password, timeout=30)
            self.assertEqual((r.rc, r.out), (0, "not held up\n"), r)
            t.send(ALICE.password + "\n")
            self.assertEqual(t.wait(), 0, t.output)
            self.assertEqual(self.record(box), (0, 0))
            self.assertEqual([line for line in box.runas_log() if "incorrect" in line], [])

    def test_a_run_killed_while_its_answer_is_checked_keeps_its_try_and_holds_up_no_one(self):
        with Sandbox(accounts=ACCOUNTS, core="pam",
                     pam_stack="auth required pam_unix.so\n"
                               "auth required pam_exec.so @BOX@/hold.sh\n" + self.STACK) as box:
            hold, checking, fifo = (os.path.join(box.shared, n) for n in ("hold", "checking", "fifo"))
            os.mkfifo(fifo)
            open(hold, "w").close()
            # While `hold` exists, the stack's check of an answer does not
            # end until the test writes to the fifo.
            box.write_script("hold.sh", "#!/bin/sh\n[ -e %s ] || exit 0\ntouch %s\nread x < %s\n"
                             % (hold, checking, fifo))

            def release():
                # (Before the sandbox goes: was a cleanup, which ran after the
                # fifo was deleted, so hold.sh waited for a writer forever,
                # one leftover process per run.)
                try:
                    os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
                except OSError:
                    pass    # no reader left
            p = subprocess.Popen(box.command(ALICE, ["-S", "true"]), stdin=subprocess.PIPE,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                 env=box.environment(ALICE), cwd="/", preexec_fn=default_signals)
            try:
                p.stdin.write((ALICE.password + "\n").encode())
                p.stdin.close()
                deadline = time.monotonic() + 30
                while not os.path.exists(checking):
                    self.assertLess(time.monotonic(), deadline, "the stack never got to hold.sh")
                    self.assertIsNone(p.poll(), "runas ended before its answer was checked")
                    time.sleep(0.02)
                os.unlink(hold)
                p.kill()
                self.assertEqual(p.wait(), -signal.SIGKILL)
                # Killed during the check: the try stays spent.
                self.assertEqual(self.record(box)[0], 1)
                # The kernel let go of its lock (hold.sh, its child, still runs).
                r = box.run(ALICE, ["-S", "echo", "not held up"], stdin=ALICE.password + "\n", timeout=30)
                self.assertEqual((r.rc, r.out), (0, "not held up\n"), r)
                self.assertEqual(self.record(box), (0, 0))
            finally:
                p.kill()
                p.wait()
                release()


class PAMPasswordChangeIsNotAGuessTests(unittest.TestCase):
    """Found in review: the answers pam_chauthtok asks for after a right
    password (an expired one being changed) were counted as tries."""

    def test_changing_an_expired_password_leaves_the_count_at_zero(self):
        with Sandbox(accounts=ACCOUNTS, core="pam",
                     pam_stack="auth required pam_unix.so\naccount required pam_unix.so\n"
                               "password required @BOX@/pam_runas_test.so ask=New_password:\n"
                               "session required pam_unix.so\n") as box:
            pam_test_module(box.dir)
            r = box.run(IVY, ["-S", "id", "-u"], stdin=IVY.password + "\n42\n")
            self.assertEqual((r.rc, r.out), (0, "0\n"), r)
            self.assertIn("New password:", r.err)
            with open(os.path.join(box.tally_dir(), str(IVY.uid))) as f:
                self.assertEqual(f.read(), "0000000000 00000000000000000000\n")


class ShadowGuessThrottleTests(GuessThrottleScenarios, unittest.TestCase):
    core = "shadow"


class PAMGuessThrottleTests(GuessThrottleScenarios, unittest.TestCase):
    core = "pam"


class PAMRootNotLockedOutTests(SandboxTest):
    """Root is never authenticated; a stack that refuses credentials must
    not keep root from running the command that repairs it."""
    accounts = ACCOUNTS
    core = "pam"
    sandbox = {"pam_stack": "auth required pam_deny.so\naccount required pam_deny.so\n"
                            "session required pam_deny.so\n"}

    def test_root_runs_with_a_warning(self):
        r = self.box.run(ROOT, ["-u", "bob", "id", "-un"])
        self.assertEqual((r.rc, r.out), (0, "bob\n"), r)
        self.assertEqual(r.err, "runas: warning: PAM: cannot establish credentials: Failure setting user "
                                "credentials; running the command anyway (root)\n"
                                "runas: warning: PAM: cannot open a session: Cannot make/remove an entry for "
                                "the specified session; running the command anyway (root)\n")
        log = self.box.runas_log()
        self.assertEqual(len(log), 3, log)
        self.assertTrue(log[0].startswith("root : PAM: cannot establish credentials"), log)
        self.assertEqual(log[2], "root : TTY=unknown ; PWD=/ ; USER=bob ; COMMAND=/usr/bin/id -un")

    def test_anyone_else_is_still_refused(self):
        r = self.box.run(ALICE, ["-S", "true"], stdin=ALICE.password + "\n")
        self.assertEqual(r.rc, 1, r)
        self.assertNotIn("running the command anyway", r.err)


if __name__ == "__main__":
    unittest.main()
