"""test_hardening.py: what an attacker and sudo-rs's compliance tests found
(issue 14), each as the user, the attacker or the administrator observes
it through the installed setuid runas: output, exit status, files, log.

Each class is one finding; its docstring says what was wrong.
"""
import os
import re
import signal
import subprocess
import time
import unittest

from support.accounts import User
from support.legacy_accounts import ALICE, USERS, user
from support.pam_fixture import pam_test_module
from support.paths import RUNAS
from support.cases import SandboxTest
from support.sandbox import Sandbox
from support.terminal import default_signals

ROOT = USERS[0]
HINT = " (see 'runas --help')"


class Case(SandboxTest):
    """One sandbox per test, scopex and the shadow core unless a class says
    otherwise; runas() types the password on stdin (test_cli's helpers)."""


# -- 1. password guessing across runs -----------------------------------------

class GuessThrottleScenarios:
    """A process running as a wheel member that does not know the password
    kills runas during the delay after each wrong guess, or runs many at
    once. The record in /run/runas counts every try before it is checked:
    3 in a row are free, then 10 s, 20 s, 40 s ... (at most 10 min) must
    pass after the last one. Every failed try is logged when it fails."""

    def setUp(self):
        self.box = Sandbox(core=self.core, backend="scopex")
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
        with Sandbox(core="pam", pam_stack="auth required @BOX@/pam_runas_test.so ask=Code:\n"
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
        with Sandbox(core="pam", pam_stack="auth required @BOX@/pam_runas_test.so ask=Code:\n"
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
        with Sandbox(core="pam", pam_stack="auth required pam_unix.so\n"
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


class PAMNoSessionWithoutAPasswordTests(unittest.TestCase):
    """Found in review: a run that asked no password (yourself, groups you
    hold) still opened a PAM session as root: pam_limits and friends could
    give it more than the caller has. Root still gets one."""

    def test_no_session_when_nothing_was_asked(self):
        with Sandbox(core="pam", pam_stack="auth required pam_unix.so\naccount required pam_unix.so\n"
                                           "session required pam_exec.so @BOX@/session.sh\n") as box:
            log = os.path.join(box.shared, "session.log")
            box.write_script("session.sh", "#!/bin/sh\necho \"$PAM_TYPE $PAM_USER\" >> %s\n" % log)
            r = box.run(ALICE, ["-n", "-u", "alice", "id", "-un"])
            self.assertEqual((r.rc, r.out, r.err), (0, "alice\n", ""), r)
            self.assertFalse(os.path.exists(log))
            r = box.run(ROOT, ["-u", "bob", "true"])
            self.assertEqual(r.rc, 0, r)
            with open(log) as f:
                self.assertEqual(f.read(), "open_session bob\nclose_session bob\n")


class PAMPasswordChangeIsNotAGuessTests(unittest.TestCase):
    """Found in review: the answers pam_chauthtok asks for after a right
    password (an expired one being changed) were counted as tries."""

    def test_changing_an_expired_password_leaves_the_count_at_zero(self):
        with Sandbox(core="pam", pam_stack="auth required pam_unix.so\naccount required pam_unix.so\n"
                                           "password required @BOX@/pam_runas_test.so ask=New_password:\n"
                                           "session required pam_unix.so\n") as box:
            pam_test_module(box.dir)
            ivy = user("ivy")     # last change 0: must change now
            r = box.run(ivy, ["-S", "id", "-u"], stdin=ivy.password + "\n42\n")
            self.assertEqual((r.rc, r.out), (0, "0\n"), r)
            self.assertIn("New password:", r.err)
            with open(os.path.join(box.tally_dir(), str(ivy.uid))) as f:
                self.assertEqual(f.read(), "0000000000 00000000000000000000\n")


class ShadowGuessThrottleTests(GuessThrottleScenarios, unittest.TestCase):
    core = "shadow"


class PAMGuessThrottleTests(GuessThrottleScenarios, unittest.TestCase):
    core = "pam"


# -- 4. nothing of a command line escapes the log ------------------------------

class WholeLineInTheLogTests(Case):
    def records(self):
        return [m for m in self.box.syslog() if m.ident == "runas" and m.text.startswith("alice : ")]

    def whole(self, records):
        """The records put back together (each split was at a space)."""
        self.assertTrue(all(len(m.raw.split(b": ", 1)[1]) <= 900 for m in records), records)
        text = records[0].text
        for m in records[1:]:
            self.assertTrue(m.text.startswith("alice : (command continued) "), m.text)
            text += " " + m.text[len("alice : (command continued) "):]
        return text

    def test_a_padded_command_reaches_the_log_whole(self):
        padding = " " * 900
        r = self.runas(ALICE, ["echo", padding + "payload"], password=ALICE.password)
        self.assertEqual(r.rc, 0, r)
        records = self.records()
        self.assertGreater(len(records), 1)
        self.assertEqual(self.whole(records),
                         "alice : TTY=unknown ; PWD=/ ; USER=root ; COMMAND=/usr/bin/echo " + padding + "payload")

    def test_a_semicolon_cannot_forge_the_fields_after_it(self):
        # Found in review: -D (any text: it is logged before it is
        # entered) could write "; USER=nobody ; COMMAND=..." into PWD=.
        forged = "/tmp/a ; USER=nobody ; COMMAND=/usr/bin/true"
        r = self.box.run(ALICE, ["-n", "-D", forged, "id"])
        self.assertEqual(r.rc, 1, r)
        [line] = self.box.runas_log()
        self.assertEqual(line, "alice : a password is required ; TTY=unknown ; "
                               "PWD=/tmp/a \\x3b USER=nobody \\x3b COMMAND=/usr/bin/true ; USER=root ; COMMAND=id")

    def test_a_long_user_name_keeps_tty_and_pwd_on_the_refusal(self):
        long = " ".join(["x"] * 750)
        r = self.box.run(ALICE, ["-u", long, "id"])
        self.assertEqual(r.rc, 1, r)
        self.assertEqual(self.whole(self.records()),
                         "alice : unknown user: %s ; TTY=unknown ; PWD=/ ; USER=%s ; COMMAND=id" % (long, long))

    def test_bytes_that_are_not_utf8_are_escaped_not_replaced(self):
        r = self.box.run(ALICE, [b"-S", b"printf", b"%s", b"\xff\xfe\x1b[2J\xe2\x80\xae"],
                         stdin=ALICE.password + "\n")
        self.assertEqual(r.rc, 0, r)
        [m] = self.records()
        self.assertEqual(m.raw.split(b": ", 1)[1],
                         b"alice : TTY=unknown ; PWD=/ ; USER=root ; "
                         b"COMMAND=/usr/bin/printf %s \\xff\\xfe\\x1b[2J\\u{202e}")


# -- 2. a second passwd entry with the caller's uid ---------------------------

class SameUidAliasTests(Case):
    """alice-ops shares alice's uid and primary gid but has other groups:
    becoming it gains those groups, so it is not "staying yourself"."""
    sandbox = {"extra_users": [User("alice-ops", 2001, 2001, shadow_override="*", groups=("proj",))]}

    def secret(self):
        path = os.path.join(self.box.dir, "secret")
        with open(path, "w") as f:
            f.write("root's secret\n")
        os.chown(path, 0, 3000)      # root:proj 0640
        os.chmod(path, 0o640)
        return path

    def test_alias_account_asks_for_the_password(self):
        secret = self.secret()
        r = self.box.run(ALICE, ["-n", "-u", "alice-ops", "cat", secret])
        self.assertEqual((r.rc, r.out, r.err), (1, "", "runas: a password is required\n"), r)
        r = self.runas(ALICE, ["-u", "alice-ops", "cat", secret], password=ALICE.password)
        self.assertEqual((r.rc, r.out), (0, "root's secret\n"), r)

    def test_staying_yourself_with_your_own_groups_asks_nothing(self):
        r = self.box.run(ALICE, ["-n", "-u", "alice", "id", "-un"])
        self.assertEqual((r.rc, r.out, r.err), (0, "alice\n", ""), r)
        r = self.box.run(ALICE, ["-n", "-g", "users", "id", "-gn"])
        self.assertEqual((r.rc, r.out, r.err), (0, "users\n", ""), r)

    def test_a_group_of_your_own_entry_that_you_do_not_hold_asks(self):
        # The group database says alice is in proj; this process is not
        # (she logged in before): the command would gain it.
        with open(os.path.join(self.box.dir, "etc/group")) as f:
            text = f.read()
        with open(os.path.join(self.box.dir, "etc/group"), "w") as f:
            f.write(re.sub(r"^(proj:x:3000:)(.*)$", lambda m: m.group(1) + (m.group(2) + ",alice").lstrip(","),
                           text, flags=re.M))
        cmd = self.box.command(ALICE, ["-n", "-u", "alice", "id", "-Gn"])
        # setpriv --init-groups reads the (edited) database: drop proj again.
        cmd = [w if not str(w).startswith("--init-groups") else "--groups=2001,10,100" for w in cmd]
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=60, cwd="/",
                           env=self.box.environment(ALICE))
        self.assertEqual((p.returncode, p.stderr), (1, "runas: a password is required\n"), p)


# -- 3. staying yourself through a service manager ----------------------------

class StayYourselfThroughServiceManagerTests(Case):
    """systemd-run/run0 start the command as a system service, outside the
    caller's session and limits: that gains something, so a password."""
    backend = "systemd-run"

    def test_systemd_run_asks_for_the_password(self):
        r = self.box.run(ALICE, ["-n", "-u", "alice", "id", "-un"])
        self.assertEqual((r.rc, r.out, r.err), (1, "", "runas: a password is required\n"), r)
        self.assertIsNone(self.box.stub_record("systemd-run"))
        r = self.runas(ALICE, ["-u", "alice", "id", "-un"], password=ALICE.password)
        self.assertEqual((r.rc, r.out), (0, "alice\n"), r)

    def test_root_is_never_asked(self):
        r = self.box.run(ROOT, ["-n", "id", "-un"])
        self.assertEqual((r.rc, r.out), (0, "root\n"), r)


class StayYourselfThroughRun0Tests(StayYourselfThroughServiceManagerTests):
    backend = "run0"

    def test_systemd_run_asks_for_the_password(self):
        r = self.box.run(ALICE, ["-n", "-g", "users", "id", "-un"])
        self.assertEqual((r.rc, r.out, r.err), (1, "", "runas: a password is required\n"), r)
        self.assertIsNone(self.box.stub_record("run0"))


# -- 5. -E and --preserve-env never pass what sudo always strips ---------------

class SudoBadEnvironmentTests(Case):
    """sudo's initial_badenv_table, every entry that exists on Linux."""
    STRIPPED = ["TERMCAP", "TERMPATH", "GLOBIGNORE", "BASHOPTS", "FPATH", "NULLCMD", "READNULLCMD",
                "TMPPREFIX", "PERLIO_DEBUG", "LOCALDOMAIN", "PATH_LOCALE", "_RLD_ROOT", "_JAVA_OPTIONS",
                "CLASSPATH", "PERL5DB", "NODE_PATH", "GIT_SSH_COMMAND", "GIT_CONFIG_GLOBAL",
                "KRB5_CONFIG", "KRB5_KTNAME", "PYTHONSTARTUP"]

    def test_dash_E_and_preserve_env_strip_them(self):
        env = {name: "/tmp/x" for name in self.STRIPPED}
        env.update(EDITOR="vim", HIDDEN="x=() { id; }")
        for args in (["-E"], ["--preserve-env=EDITOR,HIDDEN," + ",".join(self.STRIPPED)]):
            with self.subTest(args=args):
                r = self.runas(ALICE, args + ["env"], password=ALICE.password, env=env)
                self.assertEqual(r.rc, 0, r)
                names = [line.split("=", 1)[0] for line in r.out.splitlines()]
                self.assertIn("EDITOR", names)
                for name in self.STRIPPED + ["HIDDEN"]:
                    self.assertNotIn(name, names)


# -- 6. echo after any signal that ends the prompt: test_authentication.py
#    (PromptScenarios.test_every_signal_that_ends_runas_restores_the_terminal)

# -- 8. a command that stops itself in a pipeline ------------------------------

class SelfStoppedCommandTests(Case):
    """In an interactive shell with job control, a command that sends itself
    SIGTTOU while runas is in the foreground: when runas is its parent,
    runas resumes it (as sudo does) instead of stopping beside a `cat` that
    then waits for ever. (Exec'd in place, there is nothing in between:
    the job stops as it would without runas, and fg resumes it.)"""
    core = "pam"   # root's PAM session keeps runas as the parent

    def shell(self, options):
        script = self.box.write_script("inner.sh", "echo before\nkill -TTOU $$\necho after\n")
        t = self.box.shell_on_terminal(ROOT)
        self.addCleanup(t.close)
        t.send("set -m; %s %s -u nobody sh %s | cat; echo rc=$?\n" % (RUNAS, options, script))
        t.expect("before", timeout=10)
        return t

    def pipeline(self, options):
        t = self.shell(options)
        t.expect("after", timeout=10)
        t.expect("rc=0", timeout=10)

    def test_with_a_pty(self):
        self.pipeline("--pty")

    def test_without_a_pty(self):
        self.pipeline("--no-pty")


class SelfStoppedCommandInPlaceTests(SelfStoppedCommandTests):
    """Exec'd in place (shadow core, no pty) the command stops itself as it
    would without runas: `sh inner.sh | cat` behaves the same, with `cat`
    still running. Ctrl-Z stops the rest of the job, and fg resumes all."""
    core = "shadow"

    def test_without_a_pty(self):
        t = self.shell("--no-pty")
        t.settle(1)
        self.assertNotIn("after", t.output)   # nobody resumes it behind the shell's back
        t.send("\x1a")
        t.expect("Stopped", timeout=10)
        t.expect("rc=%d" % (128 + signal.SIGTTOU), timeout=10)   # bash: the job stopped
        t.send("fg\n")
        t.expect("after", timeout=10)

    def test_a_real_stop_still_stops_runas(self):
        # Ctrl-Z (SIGTSTP) is not spurious: the job stops, fg resumes it.
        # The command waits in `read`, a builtin: after `echo started; sleep
        # 2`, the Ctrl-Z often landed while sh was in vfork() for sleep,
        # where nothing can stop the job, with or without runas (test_scopex:
        # test_nothing_of_a_job_is_left_when_its_shell_dies_after_ctrl_z).
        t = self.box.shell_on_terminal(ROOT)
        self.addCleanup(t.close)
        t.send("%s -u nobody sh -c 'echo sta''rted; read line; echo fini''shed $line'\n" % RUNAS)
        t.expect("started")
        t.send("\x1a")
        t.expect("Stopped")
        t.expect("bash$ ")
        t.send("fg\n")
        t.expect(RUNAS)         # bash names the job it continues
        t.send("now\r")
        t.expect("finished now")


# -- 9. a signal the command sends to its own runas ----------------------------

class SignalFromTheCommandTests(Case):
    """On a terminal (pty: runas, its monitor, the command), a command that
    sends SIGTERM to both runas processes above it: sudo ignores signals
    the command sends; runas must not relay them back to it either."""

    def test_sigterm_to_both_parents_is_not_relayed_back(self):
        script = self.box.write_script("killer.sh", (
            "trap 'echo GOT-TERM' TERM\n"
            "monitor=$PPID\n"
            "runas=$(sed 's/.*) //' /proc/$monitor/stat | cut -d' ' -f2)\n"
            "kill -TERM $monitor $runas\n"
            "sleep 1\n"
            "echo done\n"))
        for attempt in range(3):
            with self.subTest(attempt=attempt):
                r = self.box.run_on_terminal(ALICE, ["sh", script],
                                             answers=[("password for alice: ", ALICE.password + "\n")])
                self.assertEqual(r.rc, 0, r)
                self.assertIn("done", r.out)
                self.assertNotIn("GOT-TERM", r.out)


# -- 7. the scopex warning about the working directory -------------------------

class ScopexWarningEscapesTests(Case):
    def test_directory_name_is_escaped(self):
        private = os.path.join(self.box.dir, "pri\x1b[2Jvate\xe9")
        os.mkdir(private, 0o700)
        p = subprocess.run(self.box.command(ROOT, ["-c", "cd '%s' && %s -u nobody pwd" % (private, RUNAS)],
                                            program="/bin/sh"),
                           capture_output=True, timeout=60, cwd="/", env=self.box.environment(ROOT))
        self.assertEqual((p.returncode, p.stdout), (0, b"/\n"), p)
        shown = os.path.join(self.box.dir, "pri\\x1b[2Jvate\xe9").encode()
        self.assertEqual(p.stderr, b"runas: warning: cannot enter " + shown + b", using /\n")

    def test_bytes_that_are_not_utf8_are_escaped(self):
        private = os.path.join(self.box.dir, "x").encode() + b"\xff\x9b"
        os.mkdir(private, 0o700)
        p = subprocess.run(self.box.command(ROOT, [b"-c", b"cd '" + private + b"' && " + RUNAS.encode() + b" -u nobody pwd"],
                                            program="/bin/sh"),
                           capture_output=True, timeout=60, cwd="/", env=self.box.environment(ROOT))
        self.assertEqual(p.stderr, b"runas: warning: cannot enter " + private[:-2] + b"\\xff\\x9b, using /\n")


# -- 10. PAM_TTY when stdio is redirected but a terminal exists ----------------

class PAMTtyTests(Case):
    core = "pam"
    sandbox = {"pam_stack": "auth required pam_exec.so seteuid @BOX@/items.sh\n"
                            "auth required pam_unix.so\naccount required pam_unix.so\n"
                            "session required pam_unix.so\n"}

    def test_controlling_terminal_is_pam_tty_and_logged(self):
        log = os.path.join(self.box.shared, "items.log")
        self.box.write_script("items.sh", "#!/bin/sh\necho \"tty=${PAM_TTY-unset}\" >> %s\n" % log)
        t = self.box.terminal(ALICE, ["-c", "%s true </dev/null >/dev/null 2>&1; echo rc=$?" % RUNAS],
                              program="/bin/sh")
        self.addCleanup(t.close)
        t.expect("password for alice: ")
        t.send(ALICE.password + "\n")
        t.expect("rc=0")
        with open(log) as f:
            self.assertEqual(f.read(), "tty=%s\n" % t.slave_path)
        self.assertEqual(self.box.runas_log(), ["alice : TTY=%s ; PWD=/ ; USER=root ; COMMAND=/usr/bin/true"
                                                % t.slave_path[len("/dev/"):]])


# -- 11. a broken installation ---------------------------------------------------

class BrokenInstallTests(unittest.TestCase):
    MESSAGE = "runas: runas must be owned by root and have the setuid bit\n"

    def check(self, core, fix):
        with Sandbox(core=core) as box:
            fix(os.path.join(box.dir, "usr-local/bin/runas"))
            r = box.run(ALICE, ["-S", "id"], stdin=ALICE.password + "\n")
            self.assertEqual((r.rc, r.out, r.err), (1, "", self.MESSAGE), r)
            r = box.run(ALICE, ["-l"])
            self.assertEqual((r.rc, r.err), (1, self.MESSAGE), r)

    def test_not_setuid(self):
        for core in ("shadow", "pam"):
            with self.subTest(core=core):
                self.check(core, lambda path: os.chmod(path, 0o755))

    def test_not_owned_by_root(self):
        def give_to_alice(path):
            os.chown(path, ALICE.uid, 10)
            os.chmod(path, 0o4755)
        for core in ("shadow", "pam"):
            with self.subTest(core=core):
                self.check(core, give_to_alice)


class NotReallyRootTests(unittest.TestCase):
    """Where the kernel ignores the setuid bit, runas says why, by name,
    and runs nothing. In a user namespace of the caller's own, runas saw
    uid 0 and euid 0 and took the caller for root (logging "root : ...")."""

    def check(self, box, r, message):
        self.assertEqual((r.rc, r.out, r.err), (1, "", "runas: %s\n" % message), r)
        self.assertEqual(box.runas_log(), [])

    def test_in_a_user_namespace_of_the_callers_own(self):
        for core in ("shadow", "pam"):
            with self.subTest(core=core), Sandbox(core=core) as box:
                r = box.run(ALICE, ["-r", RUNAS, "-n", "id", "-u"], program="/usr/bin/unshare")
                self.check(box, r, "runas is not really root here: it runs in a user namespace, "
                                   "where its setuid bit gives no root")
                r = box.run(ALICE, ["-r", RUNAS, "--check"], program="/usr/bin/unshare")
                self.assertEqual(r.rc, 1, r)
                self.assertIn("FAIL  runas runs as the machine's root (effective uid 0): runas is not really root "
                              "here: it runs in a user namespace, where its setuid bit gives no root\n", r.out)
                # Control: outside it, the same run is an ordinary refusal.
                r = box.run(ALICE, ["-n", "id", "-u"])
                self.assertEqual((r.rc, r.err), (1, "runas: a password is required\n"), r)

    def test_with_no_new_privs(self):
        with Sandbox() as box:
            r = box.run(ALICE, ["--no-new-privs", RUNAS, "-S", "id"], stdin=ALICE.password + "\n",
                        program="/usr/bin/setpriv")
            self.check(box, r, "runas cannot become root: this process has no_new_privs set, "
                               "so the kernel ignored runas's setuid bit")

    def test_on_a_nosuid_mount(self):
        with Sandbox() as box:
            # Inside the sandbox's namespace, as root: /usr/local (a tmpfs of
            # the sandbox's) remounted nosuid, then alice runs runas.
            script = box.write_script("nosuid.sh", (
                "#!/bin/sh\nset -e\nmount -o remount,nosuid /usr/local\n"
                "exec setpriv --reuid=%d --regid=%d --init-groups -- /usr/bin/env %s -S id\n")
                % (ALICE.uid, ALICE.gid, RUNAS))
            p = subprocess.run(box.command(ROOT, [], program=script), input=(ALICE.password + "\n").encode(),
                               capture_output=True, timeout=60, cwd="/", env=box.environment(ALICE))
            r = (p.returncode, p.stdout.decode(), p.stderr.decode())
            self.assertEqual(r, (1, "", "runas: runas cannot become root: its file system is mounted nosuid, "
                                        "so the kernel ignored its setuid bit\n"), r)
            self.assertEqual(box.runas_log(), [])


# -- 12. PAM: root and a broken auth stack ---------------------------------------

class PAMRootNotLockedOutTests(Case):
    """Root is never authenticated; a stack that refuses credentials must
    not keep root from running the command that repairs it."""
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


# -- 13. --pty when the target is the caller ---------------------------------------

class PtyForYourselfTests(Case):
    def test_pty_is_honoured_root_to_root(self):
        r = self.box.run_on_terminal(ROOT, ["--pty", "tty"])
        self.assertEqual(r.rc, 0, r)
        shown = r.out.strip().splitlines()[-1]
        self.assertRegex(shown, r"^/dev/pts/\d+$")
        t = self.box.run_on_terminal(ROOT, ["tty"])
        self.assertEqual(t.rc, 0, t)
        own = t.out.strip().splitlines()[-1]
        # Without --pty, root to root stays on the terminal it has; with
        # it, the command is on a new one.
        self.assertNotEqual(shown, own)


# -- 14. the askpass helper --------------------------------------------------------

class AskpassTests(Case):
    def test_a_helper_that_cannot_run_says_why(self):
        helper = os.path.join(self.box.dir, "askpass")
        with open(helper, "w") as f:
            f.write("#!/bin/sh\necho x\n")
        os.chmod(helper, 0o644)     # not executable
        r = self.box.run(ALICE, ["-A", "true"], env={"RUNAS_ASKPASS": helper})
        self.assertEqual((r.rc, r.err), (1, "runas: cannot run the askpass helper %s: Permission denied\n"
                                            % helper), r)
        missing = os.path.join(self.box.dir, "missing")
        r = self.box.run(ALICE, ["-A", "true"], env={"RUNAS_ASKPASS": missing})
        self.assertEqual((r.rc, r.err), (1, "runas: cannot run the askpass helper %s: No such file or directory\n"
                                            % missing), r)

    def test_a_helper_that_fails_is_a_cancel_even_if_it_printed(self):
        # Decided (README): a failing helper's output may be an error
        # message; it is never tried as a password (and never counted).
        helper = self.box.write_script("askpass", "#!/bin/sh\necho '%s'\nexit 1\n" % ALICE.password)
        marker = os.path.join(self.box.shared, "ran")
        r = self.box.run(ALICE, ["-A", "touch", marker], env={"RUNAS_ASKPASS": helper})
        self.assertEqual((r.rc, r.err), (1, "runas: no password given\n"), r)
        self.assertFalse(os.path.exists(marker))


# -- 15. command-line corners --------------------------------------------------------

class CommandLineCornerTests(Case):
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
        with open(os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
                               "README.md")) as f:
            self.assertIn("Run with\nno arguments at all (`runas` alone), runas prints its usage to stderr and\n"
                          "exits 1; options without a command (`runas -u bob`) are the usage error\n"
                          "`runas: no command given`.", f.read())
        r = self.box.run(ALICE, ["-u", "bob"])
        self.assertEqual((r.rc, r.err.split(" (")[0]), (1, "runas: no command given"), r)


# -- 16. SUDO_PS1, SUDO_PROMPT, MAIL -------------------------------------------------

class SudoVariablesTests(Case):
    def env(self, args, env=None):
        r = self.runas(ALICE, args + ["env"], password=ALICE.password, env=env)
        self.assertEqual(r.rc, 0, r)
        return dict(line.split("=", 1) for line in r.out.splitlines() if "=" in line)

    def test_sudo_ps1_becomes_ps1_and_never_passes_itself(self):
        for args in ([], ["-E"], ["--preserve-env=SUDO_PS1,RUNAS_PS1"]):
            with self.subTest(args=args):
                e = self.env(args, {"SUDO_PS1": "# ", "PS1": "$ "})
                self.assertEqual(e.get("PS1"), "# ")
                self.assertNotIn("SUDO_PS1", e)
        e = self.env([], {"SUDO_PS1": "# ", "RUNAS_PS1": "root# "})
        self.assertEqual((e.get("PS1"), "RUNAS_PS1" in e), ("root# ", False))
        self.assertNotIn("PS1", self.env([]))

    def test_sudo_prompt_is_the_prompt_after_runas_prompt(self):
        r = self.runas(ALICE, ["true"], password=ALICE.password, env={"SUDO_PROMPT": "sudo-like %u: "})
        self.assertEqual((r.rc, r.err), (0, "sudo-like alice: \n"), r)
        r = self.runas(ALICE, ["true"], password=ALICE.password,
                       env={"SUDO_PROMPT": "sudo-like: ", "RUNAS_PROMPT": "runas-like: "})
        self.assertEqual((r.rc, r.err), (0, "runas-like: \n"), r)

    def test_mail_is_the_targets_spool(self):
        self.assertEqual(self.env(["-u", "bob"], {"MAIL": "/var/mail/alice"}).get("MAIL"), "/var/mail/bob")
        self.assertEqual(self.env(["-i"], {"MAIL": "/var/mail/alice"}).get("MAIL"), "/var/mail/root")
        # Kept on purpose, like sudo's env_keep: the caller's own (but not with -i).
        self.assertEqual(self.env(["--preserve-env=MAIL"], {"MAIL": "/var/mail/alice"}).get("MAIL"),
                         "/var/mail/alice")
        self.assertEqual(self.env(["-i", "--preserve-env=MAIL"], {"MAIL": "/var/mail/alice"}).get("MAIL"),
                         "/var/mail/root")


if __name__ == "__main__":
    unittest.main()
