"""test_pam.py: the PAM build, against real libpam: pam_unix reading the
sandbox's /etc/shadow, pam_exec recording what PAM modules see (items,
PAM_TTY, sessions), pam_env, pam_permit and pam_deny. One module is a test
fixture (support/fixtures/pam_runas_test.c) for what no stock module does:
change PAM_USER or send odd conversation messages."""
import os
import unittest

from support.accounts import (ROOT, SHA512, empty_password_field, expired, locked, must_change_password,
                              wheel_member)
from support.cases import SandboxTest
from support.pam_fixture import pam_test_module
from support.paths import RUNAS
from support.sandbox import Sandbox

ALICE = wheel_member("alice", 2001, "correct horse battery", groups=("users",))
BOB = wheel_member("bob", 2002, "b0b's\tpass word", hash=SHA512)
DAVE = locked("dave", 2004, "!", "locked out")             # "!" before a valid hash
ERIN = expired("erin", 2005, "expired account")
HANK = empty_password_field("hank", 2008)
IVY = must_change_password("ivy", 2009, "change me now")   # last change 0: must change now
ACCOUNTS = (ALICE, BOB, DAVE, ERIN, HANK, IVY)
UNIX = "auth required pam_unix.so\naccount required pam_unix.so\n"


class PAMAuthenticationTests(unittest.TestCase):
    def sandbox(self, stack=None, backend="scopex"):
        box = Sandbox(accounts=ACCOUNTS, core="pam", backend=backend, pam_stack=stack)
        self.addCleanup(box.close)
        return box

    def recorder(self, box, name):
        """A pam_exec program that appends what PAM tells it to shared/NAME.log."""
        log = os.path.join(box.shared, name + ".log")
        script = box.write_script(name + ".sh", (
            "#!/bin/sh\n"
            "echo \"type=$PAM_TYPE service=$PAM_SERVICE user=$PAM_USER ruser=$PAM_RUSER "
            "tty=${PAM_TTY-unset} rhost=${PAM_RHOST-unset}\" >> %s\n") % log)
        return script, log

    def read(self, path):
        if not os.path.exists(path):
            return []
        with open(path) as f:
            return f.read().splitlines()

    # -- pam_unix ----------------------------------------------------------

    def test_right_password_through_pam_unix(self):
        box = self.sandbox()
        r = box.run(ALICE, ["-S", "id", "-u"], stdin=ALICE.password + "\n")
        self.assertEqual((r.rc, r.out), (0, "0\n"), r)
        r = box.run(BOB, ["-S", "-u", "nobody", "id", "-un"], stdin=BOB.password + "\n")
        self.assertEqual((r.rc, r.out), (0, "nobody\n"), r)

    def test_wrong_password_through_pam_unix_and_its_own_log_line(self):
        box = self.sandbox()
        marker = os.path.join(box.shared, "ran")
        r = box.run(ALICE, ["-S", "/usr/bin/touch", marker], stdin="wrong\n")
        self.assertEqual(r.rc, 1, r)
        self.assertTrue(r.err.endswith("runas: sorry, try again.\n[runas] password for alice: \n"
                                       "runas: 1 incorrect password attempt\n"), r.err)
        self.assertFalse(os.path.exists(marker))
        # pam_unix logs through runas's syslog connection: the items it saw.
        pam_lines = [m.text for m in box.syslog()
                     if m.text.startswith("pam_unix(runas:auth): authentication failure")]
        self.assertEqual(len(pam_lines), 1, box.syslog())
        self.assertIn("uid=2001 euid=0 tty= ruser=alice rhost=  user=alice", pam_lines[0])

    def test_items_service_user_ruser_tty_and_no_rhost(self):
        box = self.sandbox("auth required pam_exec.so seteuid @BOX@/items.sh\n" + UNIX)
        _, log = self.recorder(box, "items")
        r = box.run(ALICE, ["-S", "true"], stdin=ALICE.password + "\n")
        self.assertEqual(r.rc, 0, r)
        t = box.terminal(ALICE, ["true"])
        self.addCleanup(t.close)
        t.expect("password for alice: ")
        t.send(ALICE.password + "\n")
        self.assertEqual(t.wait(), 0)
        self.assertEqual(self.read(log), [
            "type=auth service=runas user=alice ruser=alice tty=unset rhost=unset",
            "type=auth service=runas user=alice ruser=alice tty=%s rhost=unset" % t.slave_path])

    def test_null_password_is_disallowed_even_with_nullok(self):
        box = self.sandbox("auth required pam_unix.so nullok\naccount required pam_unix.so\n")
        r = box.run(HANK, ["-S", "true"], stdin="\n")
        self.assertEqual(r.rc, 1, r)
        self.assertIn("runas: 1 incorrect password attempt", r.err)

    def test_locked_account_refuses_the_right_password(self):
        box = self.sandbox()
        r = box.run(DAVE, ["-S", "true"], stdin=DAVE.password + "\n")
        self.assertEqual(r.rc, 1, r)
        self.assertTrue(r.err.endswith("runas: 1 incorrect password attempt\n"), r.err)

    def test_account_expired(self):
        box = self.sandbox()
        r = box.run(ERIN, ["-S", "true"], stdin=ERIN.password + "\n")
        self.assertEqual(r.rc, 1, r)
        self.assertTrue(r.err.endswith("runas: account not usable: User account has expired\n"), r.err)

    # -- expired password: pam_chauthtok -------------------------------------

    def test_expired_password_is_changed_through_pam_chauthtok(self):
        box = self.sandbox(UNIX + "password required pam_exec.so seteuid @BOX@/chauthtok.sh\n")
        _, log = self.recorder(box, "chauthtok")
        r = box.run(IVY, ["-S", "id", "-u"], stdin=IVY.password + "\n")
        self.assertEqual((r.rc, r.out), (0, "0\n"), r)
        self.assertIn("You are required to change your password immediately", r.err)  # PAM_ERROR_MSG
        self.assertIn("type=password service=runas user=ivy ruser=ivy tty=unset rhost=unset", self.read(log))

    def test_expired_password_failing_to_change_refuses(self):
        box = self.sandbox(UNIX + "password required pam_deny.so\n")
        marker = os.path.join(box.shared, "ran")
        r = box.run(IVY, ["-S", "/usr/bin/touch", marker], stdin=IVY.password + "\n")
        self.assertEqual(r.rc, 1, r)
        self.assertIn("runas: your password has expired and could not be changed: ", r.err)
        self.assertFalse(os.path.exists(marker))

    def test_expired_password_is_not_changed_with_n(self):
        box = self.sandbox("auth required pam_permit.so\naccount required pam_unix.so\n"
                           "password required pam_exec.so seteuid @BOX@/chauthtok.sh\n")
        _, log = self.recorder(box, "chauthtok")
        r = box.run(IVY, ["-n", "true"])
        self.assertEqual(r.rc, 1, r)
        self.assertTrue(r.err.endswith("runas: your password has expired and must be changed (not with -n)\n"),
                        r.err)
        self.assertEqual(self.read(log), [])

    # -- stacks that always decide ---------------------------------------------

    def test_deny_stack_refuses_even_the_right_password(self):
        box = self.sandbox("auth required pam_deny.so\naccount required pam_permit.so\n")
        r = box.run(ALICE, ["-S", "true"], stdin=ALICE.password + "\n")
        self.assertEqual(r.rc, 1, r)
        self.assertTrue(r.err.endswith("runas: 3 incorrect password attempts\n"), r.err)

    def test_permit_stack_runs_without_a_prompt(self):
        box = self.sandbox("auth required pam_permit.so\naccount required pam_permit.so\n")
        r = box.run(ALICE, ["-n", "id", "-u"])
        self.assertEqual((r.rc, r.out, r.err), (0, "0\n", ""), r)

    # -- the conversation --------------------------------------------------

    def test_info_and_error_messages_are_shown(self):
        box = self.sandbox("auth requisite %s info=Hello_from_PAM error=Careful_now\n"
                           % pam_test_module(self.box_dir()) + UNIX)
        r = box.run(ALICE, ["-S", "true"], stdin=ALICE.password + "\n")
        self.assertEqual(r.rc, 0, r)
        self.assertEqual(r.err, "Hello from PAM\nCareful now\n[runas] password for alice: \n")
        t = box.terminal(ALICE, ["true"])
        self.addCleanup(t.close)
        t.expect("Hello from PAM\r\nCareful now\r\n[runas] password for alice: ")
        t.send(ALICE.password + "\n")
        self.assertEqual(t.wait(), 0)

    def test_echo_on_prompt_goes_through_the_same_prompt_code(self):
        box = self.sandbox("auth requisite %s ask=Token:_\n" % pam_test_module(self.box_dir()) + UNIX)
        t = box.job_on_terminal(ALICE, ["true"])
        self.addCleanup(t.close)
        t.expect("Token: ")
        self.assertTrue(t.echo_is_on())
        t.send("42\n")
        t.expect("42\r\n[runas] password for alice: ")   # the answer was echoed
        self.assertFalse(t.echo_is_on())
        t.send(ALICE.password + "\n")
        t.expect("JOBCTL exited status=0 echo=on")
        self.assertNotIn(ALICE.password, t.output)

    def test_unexpected_message_styles_fail_cleanly(self):
        module = pam_test_module(self.box_dir())
        for style in (7, 99):   # PAM_BINARY_PROMPT, nonsense
            box = self.sandbox("auth requisite %s style=%d\n" % (module, style) + UNIX)
            r = box.run(ALICE, ["-S", "true"], stdin=ALICE.password + "\n")
            self.assertEqual((r.rc, r.out, r.err), (1, "", "runas: authentication failed: Conversation error\n"))

    def test_module_changing_the_user_is_refused(self):
        box = self.sandbox(UNIX.replace("account", "auth required %s setuser=bob\naccount"
                                        % pam_test_module(self.box_dir()), 1))
        marker = os.path.join(box.shared, "ran")
        r = box.run(ALICE, ["-S", "/usr/bin/touch", marker], stdin=ALICE.password + "\n")
        self.assertEqual(r.rc, 1, r)
        self.assertTrue(r.err.endswith("runas: PAM changed the user during authentication, refusing\n"), r.err)
        self.assertFalse(os.path.exists(marker))

    def test_overlong_answer_is_a_wrong_password(self):
        box = self.sandbox()
        r = box.run(ALICE, ["-S", "true"], stdin="p" * 600 + "\n")
        self.assertEqual(r.rc, 1, r)
        self.assertIn("runas: sorry, try again.", r.err)
        self.assertIn("1 incorrect password attempt (password longer than 511 bytes)",
                      "\n".join(box.runas_log()))

    def test_version_says_pam(self):
        box = self.sandbox()
        r = box.run(ROOT, ["--version"])
        self.assertIn("authentication: PAM (service runas)", r.out)
        self.assertIn("PAM", r.out.splitlines()[1])

    def box_dir(self):
        import tempfile
        d = tempfile.mkdtemp(prefix="runas-pam-module-")
        os.chmod(d, 0o755)
        self.addCleanup(__import__("shutil").rmtree, d, True)
        return d


class PAMSessionTests(unittest.TestCase):
    """scopex: runas opens the PAM session for the target around the
    command and stays its parent; other backends leave sessions to systemd."""

    STACK = (UNIX +
             "session required pam_exec.so seteuid @BOX@/session.sh\n"
             "session required pam_env.so readenv=0 conffile=@BOX@/pam_env.conf\n"
             "session required pam_unix.so\n")

    def sandbox(self, backend="scopex"):
        box = Sandbox(accounts=ACCOUNTS, core="pam", backend=backend, pam_stack=self.STACK)
        self.addCleanup(box.close)
        with open(os.path.join(box.dir, "pam_env.conf"), "w") as f:
            f.write("RUNAS_SESSION_MARK DEFAULT=opened\n")
        self.log = os.path.join(box.shared, "session.log")
        with open(self.log, "w"):
            pass
        os.chmod(self.log, 0o666)   # written by root (pam_exec) and by the target (the command)
        box.write_script("session.sh", "#!/bin/sh\necho \"$PAM_TYPE user=$PAM_USER ruser=$PAM_RUSER\" >> %s\n"
                         % self.log)
        return box

    def lines(self):
        with open(self.log) as f:
            return f.read().splitlines()

    def command(self, extra=""):
        return ["sh", "-c", "echo \"command mark=${RUNAS_SESSION_MARK-none} parent=$(cat /proc/$PPID/comm)\" "
                            ">> %s; %s" % (self.log, extra)]

    def test_session_for_the_target_around_the_command(self):
        box = self.sandbox()
        r = box.run(ALICE, ["-S", "-u", "bob"] + self.command("id -un"), stdin=ALICE.password + "\n")
        self.assertEqual((r.rc, r.out), (0, "bob\n"), r)
        self.assertEqual(self.lines(), ["open_session user=bob ruser=alice",
                                        "command mark=opened parent=runas",
                                        "close_session user=bob ruser=alice"])
        pam_unix = [m.text for m in box.syslog() if m.text.startswith("pam_unix(runas:session)")]
        self.assertEqual(len(pam_unix), 2, pam_unix)
        self.assertIn("session opened for user bob(uid=2002) by ", pam_unix[0])
        self.assertIn("session closed for user bob", pam_unix[1])

    def test_session_closed_when_the_command_is_killed(self):
        box = self.sandbox()
        r = box.run(ALICE, ["-S"] + self.command("kill -TERM $$"), stdin=ALICE.password + "\n")
        self.assertEqual(r.rc, -15, r)
        self.assertEqual(self.lines(), ["open_session user=root ruser=alice",
                                        "command mark=opened parent=runas",
                                        "close_session user=root ruser=alice"])

    def test_root_gets_a_session_without_a_password(self):
        box = self.sandbox()
        r = box.run(ROOT, ["-u", "bob"] + self.command())
        self.assertEqual((r.rc, r.err), (0, ""), r)
        self.assertEqual(self.lines(), ["open_session user=bob ruser=root",
                                        "command mark=opened parent=runas",
                                        "close_session user=bob ruser=root"])

    def test_systemd_run_backend_leaves_the_session_to_systemd(self):
        box = self.sandbox(backend="systemd-run")
        r = box.run(ALICE, ["-S"] + self.command(), stdin=ALICE.password + "\n")
        self.assertEqual(r.rc, 0, r)
        self.assertIsNotNone(box.stub_record("systemd-run"))
        self.assertEqual([line.split(" parent=")[0] for line in self.lines()], ["command mark=none"])


class PAMNoSessionWithoutAPasswordTests(unittest.TestCase):
    """Found in review: a run that asked no password (yourself, groups you
    hold) still opened a PAM session as root: pam_limits and friends could
    give it more than the caller has. Root still gets one."""

    def test_no_session_when_nothing_was_asked(self):
        with Sandbox(accounts=ACCOUNTS, core="pam",
                     pam_stack="auth required pam_unix.so\naccount required pam_unix.so\n"
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


class PAMTtyTests(SandboxTest):
    """PAM_TTY when stdio is redirected but a terminal exists."""
    accounts = ACCOUNTS
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


if __name__ == "__main__":
    unittest.main()
