"""test_prompt.py: the password prompt, as a user at a terminal (or a
script on a pipe, or an askpass helper) meets it: echo, signals and
Ctrl-Z at the prompt, typeahead, wrong tries, -S, -n, the prompt's text.

Terminal tests run runas on a real pseudo-terminal, as a foreground job of
support/bin/jobctl.py, a job-control parent that never touches the
terminal settings: what it reports after runas stops or ends is exactly
what runas left. Every prompt scenario runs in the shadow build and in the
PAM build (real pam_unix reading the sandbox's /etc/shadow).
"""
import os
import signal
import socket
import time
import unittest

from support.accounts import SHA512, wheel_member
from support.paths import RUNAS
from support.sandbox import Sandbox
from support.throttle import MIN_DELAY

ALICE = wheel_member("alice", 2001, "correct horse battery", groups=("users",))
BOB = wheel_member("bob", 2002, "b0b's\tpass word", hash=SHA512)     # a tab and spaces in it; also a target
GINA = wheel_member("gina", 2007, "g" * 500 + "0123456789a")         # 511-byte password, the longest there is
ACCOUNTS = (ALICE, BOB, GINA)


class PromptScenarios:
    core = None

    def setUp(self):
        self.box = Sandbox(accounts=ACCOUNTS, core=self.core, backend="scopex")
        self.addCleanup(self.box.close)

    def job(self, args, **kw):
        t = self.box.job_on_terminal(ALICE, args, **kw)
        self.addCleanup(t.close)
        return t

    # -- on the terminal ---------------------------------------------------

    def test_prompt_goes_to_the_terminal_not_to_redirected_stdio(self):
        out, err = os.path.join(self.box.shared, "out"), os.path.join(self.box.shared, "err")
        t = self.box.terminal(ALICE, ["-c", "%s id -u </dev/null >%s 2>%s; echo rc=$?" % (RUNAS, out, err)],
                              program="/bin/sh")
        self.addCleanup(t.close)
        t.expect("[runas] password for alice: ")
        t.send(ALICE.password + "\n")
        t.expect("rc=0")
        with open(out) as f:
            self.assertEqual(f.read(), "0\n")
        with open(err) as f:
            self.assertEqual(f.read(), "")

    def test_echo_is_off_while_typing_and_back_on_after(self):
        t = self.job(["id", "-u"])
        t.expect("[runas] password for alice: ")
        self.assertFalse(t.echo_is_on())
        t.send(ALICE.password + "\n")
        shown = t.expect("JOBCTL exited status=0 echo=on")
        self.assertEqual(shown, "\r\n0\r\n")     # a newline for the unechoed Enter, then the command
        self.assertNotIn(ALICE.password, t.output)

    def test_ctrl_c_at_the_prompt_restores_the_terminal(self):
        t = self.job(["id", "-u"])
        t.expect("password for alice: ")
        t.send("half")
        t.settle()
        t.send("\x03")
        t.expect("JOBCTL exited status=-%d echo=on" % signal.SIGINT)
        t.send("\n")
        t.expect("JOBCTL next-line=''")

    def _killed_at_the_prompt(self, sig):
        t = self.job(["id", "-u"])
        t.expect("password for alice: ")
        t.send("half-typed")
        t.settle()
        os.kill(t.wait_for_process("runas"), sig)
        t.expect("JOBCTL exited status=-%d echo=on" % sig)
        # The half-typed password was discarded, not left for the shell.
        t.send("\n")
        t.expect("JOBCTL next-line=''")

    def test_every_signal_that_ends_runas_restores_the_terminal(self):
        # Issue 14: SIGUSR1, SIGALRM, SIGXCPU, SIGVTALRM, ... left echo off.
        # (SIGKILL cannot be caught; README says so.)
        for sig in (signal.SIGUSR1, signal.SIGUSR2, signal.SIGALRM, signal.SIGXCPU, signal.SIGVTALRM,
                    signal.SIGPROF, signal.SIGRTMIN + 1):
            with self.subTest(signal=sig):
                self._killed_at_the_prompt(sig)

    def test_sigterm_at_the_prompt_restores_and_discards_typed_input(self):
        self._killed_at_the_prompt(signal.SIGTERM)

    def test_sighup_at_the_prompt_restores_and_discards_typed_input(self):
        self._killed_at_the_prompt(signal.SIGHUP)

    def test_sigquit_at_the_prompt_restores_and_discards_typed_input(self):
        self._killed_at_the_prompt(signal.SIGQUIT)

    def test_ctrl_z_stops_with_echo_on_and_prompts_again_on_continue(self):
        t = self.job(["id", "-u"])
        t.expect("[runas] password for alice: ")
        t.send("\x1a")
        t.expect("JOBCTL stopped sig=%d echo=on" % signal.SIGTSTP)
        t.send("\n")                                   # like `fg`
        t.expect("[runas] password for alice: ")
        self.assertFalse(t.echo_is_on())
        t.send(ALICE.password + "\n")
        t.expect("JOBCTL exited status=0 echo=on")

    def test_typeahead_is_discarded_before_the_prompt(self):
        t = self.job(["id", "-u"], wait_go=True)
        t.send("go\nTYPEAHEAD")                        # typed before runas asks
        t.expect("[runas] password for alice: ")
        t.send(ALICE.password + "\n")
        t.expect("JOBCTL exited status=0 echo=on")

    def test_three_wrong_tries_on_the_terminal(self):
        t = self.job(["id", "-u"])
        start = time.monotonic()
        for _ in range(3):
            t.expect("[runas] password for alice: ")
            t.send("wrong\n")
        t.expect("runas: 3 incorrect password attempts")
        t.expect("JOBCTL exited status=1 echo=on")
        self.assertGreaterEqual(time.monotonic() - start, 3 * MIN_DELAY)
        self.assertEqual(t.output.count("runas: sorry, try again."), 2, t.output)
        self.assertEqual(t.output.count("password for alice: "), 3, t.output)

    # -- -B ----------------------------------------------------------------

    def test_bell_rings_before_each_prompt_on_the_terminal(self):
        t = self.job(["-B", "id", "-u"])
        t.expect("\a[runas] password for alice: ")
        t.send("wrong\n")
        t.expect("runas: sorry, try again.")
        t.expect("\a[runas] password for alice: ")
        t.send(ALICE.password + "\n")
        t.expect("JOBCTL exited status=0 echo=on")
        self.assertEqual(t.output.count("\a"), 2, t.output)

    def test_no_bell_without_dash_B(self):
        t = self.job(["id", "-u"])
        t.expect("[runas] password for alice: ")
        t.send(ALICE.password + "\n")
        t.expect("JOBCTL exited status=0 echo=on")
        self.assertNotIn("\a", t.output)

    def test_no_bell_where_the_prompt_is_not_on_the_terminal(self):
        r = self.box.run(ALICE, ["-B", "-S", "id", "-u"], stdin=ALICE.password + "\n")
        self.assertEqual((r.rc, r.out, r.err),
                         (1, "", "runas: -B and -S cannot be used together (see 'runas --help')\n"), r)
        helper, log = self.askpass(ALICE.password)
        r = self.box.run(ALICE, ["-B", "-A", "id", "-u"], env={"RUNAS_ASKPASS": helper})
        self.assertEqual((r.rc, r.out, r.err), (0, "0\n", ""), r)
        with open(log) as f:
            self.assertNotIn("\a", f.read())

    # -- -S ----------------------------------------------------------------

    def test_three_wrong_tries_with_stdin(self):
        start = time.monotonic()
        r = self.box.run(ALICE, ["-S", "id", "-u"], stdin="one\ntwo\nthree\n" + ALICE.password + "\n")
        self.assertGreaterEqual(time.monotonic() - start, 3 * MIN_DELAY)
        self.assertEqual(r.rc, 1, r)
        self.assertEqual(r.out, "")
        self.assertEqual(r.err, "[runas] password for alice: \nrunas: sorry, try again.\n" * 2 +
                         "[runas] password for alice: \nrunas: 3 incorrect password attempts\n")

    def test_stdin_wrong_then_right(self):
        r = self.box.run(ALICE, ["-S", "id", "-u"], stdin="wrong\n" + ALICE.password + "\n")
        self.assertEqual((r.rc, r.out), (0, "0\n"), r)
        self.assertEqual(r.err.count("runas: sorry, try again."), 1)

    def test_stdin_end_of_input_is_no_password_and_no_retry(self):
        r = self.box.run(ALICE, ["-S", "id", "-u"], stdin="")
        self.assertEqual((r.rc, r.out), (1, ""), r)
        self.assertEqual(r.err, "[runas] password for alice: \nrunas: no password given\n")

    def test_password_with_tab_and_spaces_on_stdin(self):
        r = self.box.run(BOB, ["-S", "id", "-u"], stdin=BOB.password + "\n")
        self.assertEqual((r.rc, r.out), (0, "0\n"), r)

    def test_longest_password_works_and_one_byte_more_is_wrong(self):
        self.assertEqual(len(GINA.password), 511)
        r = self.box.run(GINA, ["-S", "id", "-u"], stdin=GINA.password + "\n")
        self.assertEqual((r.rc, r.out), (0, "0\n"), r)
        r = self.box.run(GINA, ["-S", "id", "-u"], stdin=GINA.password + "x\n")
        self.assertEqual(r.rc, 1, r)
        self.assertIn("runas: sorry, try again.\n", r.err)
        self.assertTrue(r.err.endswith("runas: 1 incorrect password attempt\n"), r)

    def test_huge_input_is_just_a_wrong_password(self):
        r = self.box.run(ALICE, ["-S", "id", "-u"], stdin="x" * 200000 + "\n")
        self.assertEqual(r.rc, 1, r)
        self.assertTrue(r.err.endswith("runas: sorry, try again.\n[runas] password for alice: \n"
                                       "runas: 1 incorrect password attempt\n"), r.err)

    def test_non_interactive_fails_at_once(self):
        start = time.monotonic()
        r = self.box.run(ALICE, ["-n", "id", "-u"])
        self.assertEqual((r.rc, r.out, r.err), (1, "", "runas: a password is required\n"))
        self.assertLess(time.monotonic() - start, MIN_DELAY)

    # -- prompt text -------------------------------------------------------

    def test_prompt_option_with_escapes(self):
        host = socket.gethostname()
        r = self.box.run(ALICE, ["-S", "-u", "bob", "-p", "%u>%U@%h/%H %p %% %x: ", "id", "-un"],
                         stdin=ALICE.password + "\n")
        self.assertEqual((r.rc, r.out), (0, "bob\n"), r)
        self.assertEqual(r.err, "alice>bob@%s/%s alice %% %%x: \n" % (host.split(".")[0], host))

    def test_prompt_from_the_environment_and_the_option_wins(self):
        r = self.box.run(ALICE, ["-S", "true"], stdin=ALICE.password + "\n",
                         env={"RUNAS_PROMPT": "env says %U: "})
        self.assertEqual((r.rc, r.err), (0, "env says root: \n"), r)
        r = self.box.run(ALICE, ["-S", "--prompt=option says: ", "true"], stdin=ALICE.password + "\n",
                         env={"RUNAS_PROMPT": "env says: "})
        self.assertEqual((r.rc, r.err), (0, "option says: \n"), r)

    def test_custom_prompt_on_the_terminal(self):
        t = self.job(["-p", "Key for %u on %h: ", "true"])
        t.expect("Key for alice on %s: " % socket.gethostname().split(".")[0])
        t.send(ALICE.password + "\n")
        t.expect("JOBCTL exited status=0 echo=on")

    # -- -A ----------------------------------------------------------------

    def askpass(self, password, exit_code=0):
        log = os.path.join(self.box.shared, "askpass.log")
        return self.box.write_script("askpass", (
            "#!/bin/sh\n"
            "# test askpass helper: records who ran it and with what prompt\n"
            "echo \"uid=$(id -u) euid=$(id -u) ruid=$(id -ru) gid=$(id -g) prompt=$1 "
            "stdin=$(cat | wc -c) display=$DISPLAY\" >> %s\n"
            "%s"
            "exit %d\n") % (log, "printf '%%s\\n' '%s'\n" % password if password else "", exit_code)), log

    def test_askpass_helper_runs_as_the_caller_and_gives_the_password(self):
        helper, log = self.askpass(ALICE.password)
        r = self.box.run(ALICE, ["-A", "id", "-u"], env={"RUNAS_ASKPASS": helper, "DISPLAY": ":7"})
        self.assertEqual((r.rc, r.out, r.err), (0, "0\n", ""), r)
        with open(log) as f:
            self.assertEqual(f.read(), "uid=2001 euid=2001 ruid=2001 gid=2001 "
                                       "prompt=[runas] password for alice:  stdin=0 display=:7\n")

    def test_askpass_from_sudo_askpass_retries_three_times(self):
        helper, log = self.askpass("wrong")
        r = self.box.run(ALICE, ["-A", "true"], env={"SUDO_ASKPASS": helper})
        self.assertEqual(r.rc, 1, r)
        self.assertEqual(r.err, "runas: sorry, try again.\n" * 2 + "runas: 3 incorrect password attempts\n")
        with open(log) as f:
            self.assertEqual(len(f.read().splitlines()), 3)

    def test_askpass_cancelled_is_no_password(self):
        helper, _ = self.askpass(None, exit_code=1)
        r = self.box.run(ALICE, ["-A", "true"], env={"RUNAS_ASKPASS": helper})
        self.assertEqual((r.rc, r.err), (1, "runas: no password given\n"), r)

    def test_askpass_without_a_helper_is_a_clear_error(self):
        r = self.box.run(ALICE, ["-A", "true"])
        self.assertEqual((r.rc, r.err), (1, "runas: -A needs a helper program: set RUNAS_ASKPASS "
                                            "(or SUDO_ASKPASS) to its absolute path\n"), r)
        r = self.box.run(ALICE, ["-A", "true"], env={"RUNAS_ASKPASS": "askpass"})
        self.assertEqual((r.rc, r.err), (1, "runas: RUNAS_ASKPASS must be an absolute path, not 'askpass'\n"), r)


class ShadowPromptTests(PromptScenarios, unittest.TestCase):
    core = "shadow"


class PAMPromptTests(PromptScenarios, unittest.TestCase):
    core = "pam"


if __name__ == "__main__":
    unittest.main()
