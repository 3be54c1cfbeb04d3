"""test_log_lines.py: what runas tells syslog, with the shadow and the PAM
builds. The sandbox's /dev/log is a socket the test reads (support/sandbox.py,
support/syslog_sink.py, support/bin/enter-sandbox.sh), so each line is seen
exactly as a syslog daemon would receive it: facility, severity, ident,
pid and text."""
import unittest

from support.accounts import SHA512, not_in_wheel, wheel_member
from support.sandbox import Sandbox
from support.syslog_sink import LOG_ALERT, LOG_AUTHPRIV, LOG_NOTICE

ALICE = wheel_member("alice", 2001, "correct horse battery", groups=("users",))
BOB = wheel_member("bob", 2002, "b0b's\tpass word", hash=SHA512)
CAROL = not_in_wheel("carol", 2003, "not an admin", groups=("users",))  # not in wheel
SUCCESS = "alice : TTY=unknown ; PWD=/ ; USER=root ; COMMAND=/usr/bin/id -u"


class LoggingScenarios:
    core = None

    def setUp(self):
        self.box = Sandbox(accounts=(ALICE, BOB), core=self.core, backend="scopex")
        self.addCleanup(self.box.close)

    def only_runas_lines(self):
        return self.box.runas_messages()

    def test_success_in_sudo_shape(self):
        r = self.box.run(ALICE, ["-S", "id", "-u"], stdin=ALICE.password + "\n")
        self.assertEqual(r.rc, 0, r)
        [m] = self.only_runas_lines()
        self.assertEqual((m.facility, m.severity, m.text), (LOG_AUTHPRIV, LOG_NOTICE, SUCCESS))
        self.assertGreater(m.pid, 1)

    def test_terminal_and_working_directory_and_target(self):
        t = self.box.terminal(ALICE, ["-u", "bob", "-D", "/usr", "true"])
        self.addCleanup(t.close)
        t.expect("password for alice: ")
        t.send(ALICE.password + "\n")
        self.assertEqual(t.wait(), 0)
        tty = t.slave_path[len("/dev/"):]
        self.assertEqual(self.box.runas_log(),
                         ["alice : TTY=%s ; PWD=/usr ; USER=bob ; COMMAND=/usr/bin/true" % tty])

    def test_not_in_wheel(self):
        with Sandbox(accounts=(CAROL,), core=self.core, runas_mode=0o4755) as box:
            r = box.run(CAROL, ["-S", "id", "-u"], stdin=CAROL.password + "\n")
            self.assertEqual(r.rc, 1, r)
            [m] = [m for m in box.syslog() if m.ident == "runas"]
            self.assertEqual((m.facility, m.severity), (LOG_AUTHPRIV, LOG_ALERT))
            self.assertEqual(m.text, "carol : user NOT in wheel ; TTY=unknown ; PWD=/ ; USER=root ; COMMAND=id -u")

    def test_three_failures(self):
        # Each wrong password when it is found wrong, then the refusal.
        r = self.box.run(ALICE, ["-S", "id", "-u"], stdin="a\nb\nc\n")
        self.assertEqual(r.rc, 1, r)
        rest = " ; TTY=unknown ; PWD=/ ; USER=root ; COMMAND=id -u"
        self.assertEqual([(m.severity, m.text) for m in self.only_runas_lines()],
                         [(LOG_ALERT, "alice : incorrect password attempt (%d in a row)" % n + rest) for n in (1, 2, 3)]
                         + [(LOG_ALERT, "alice : 3 incorrect password attempts" + rest)])

    def test_wrong_then_right_logs_both(self):
        r = self.box.run(ALICE, ["-S", "id", "-u"], stdin="wrong\n" + ALICE.password + "\n")
        self.assertEqual(r.rc, 0, r)
        self.assertEqual(self.box.runas_log(), [
            "alice : incorrect password attempt (1 in a row) ; TTY=unknown ; PWD=/ ; USER=root ; COMMAND=id -u",
            SUCCESS])

    def test_non_interactive_refusal(self):
        r = self.box.run(ALICE, ["-n", "id", "-u"])
        self.assertEqual(r.rc, 1, r)
        self.assertEqual(self.box.runas_log(), [
            "alice : a password is required ; TTY=unknown ; PWD=/ ; USER=root ; COMMAND=id -u"])

    def test_backend_refused(self):
        with Sandbox(accounts=(ALICE,), core=self.core, backend_mode=0o666) as box:
            r = box.run(ALICE, ["-S", "id", "-u"], stdin=ALICE.password + "\n")
            self.assertEqual(r.rc, 1, r)
            self.assertEqual(box.runas_log(), [
                "alice : backend refused: backend /usr/local/lib/runas/backend.so is writable by group "
                "or others, refusing to load it ; TTY=unknown ; PWD=/ ; USER=root ; COMMAND=id -u"])

    def test_command_not_found_after_authentication(self):
        r = self.box.run(ALICE, ["-S", "no-such-command"], stdin=ALICE.password + "\n")
        self.assertEqual(r.rc, 127, r)
        self.assertEqual(self.box.runas_log(), [
            "alice : no-such-command: command not found ; TTY=unknown ; PWD=/ ; USER=root ; "
            "COMMAND=no-such-command"])

    def test_control_characters_are_escaped(self):
        r = self.box.run(ALICE, ["-S", "printf", "a\nb\x1b[31m\tc"], stdin=ALICE.password + "\n")
        self.assertEqual(r.rc, 0, r)
        [m] = self.only_runas_lines()
        self.assertEqual(m.text, "alice : TTY=unknown ; PWD=/ ; USER=root ; "
                                 "COMMAND=/usr/bin/printf a\\x0ab\\x1b[31m\\x09c")
        self.assertNotIn(b"\n", m.raw.rstrip(b"\n"))

    def test_a_backslash_is_escaped_so_escapes_cannot_be_forged(self):
        # A real ";" (and a real ESC) against their escapes typed literally:
        # each must log differently, so every "\" in a log line starts an
        # escape runas wrote.
        for value in ("a;b", "a\\x3bb", "a\x1bb", "a\\x1bb"):
            r = self.box.run(ALICE, ["-S", "--env", "X=" + value, "printf", value], stdin=ALICE.password + "\n")
            self.assertEqual(r.rc, 0, r)
        lines = self.box.runas_log()
        self.assertEqual(lines, [
            "alice : TTY=unknown ; PWD=/ ; USER=root ; ENV=X=a\\x3bb ; COMMAND=/usr/bin/printf a;b",
            "alice : TTY=unknown ; PWD=/ ; USER=root ; ENV=X=a\\x5cx3bb ; COMMAND=/usr/bin/printf a\\x5cx3bb",
            "alice : TTY=unknown ; PWD=/ ; USER=root ; ENV=X=a\\x1bb ; COMMAND=/usr/bin/printf a\\x1bb",
            "alice : TTY=unknown ; PWD=/ ; USER=root ; ENV=X=a\\x5cx1bb ; COMMAND=/usr/bin/printf a\\x5cx1bb"])
        self.assertEqual(len(set(lines)), 4)

    def test_long_lines_go_on_in_bounded_records(self):
        r = self.box.run(ALICE, ["-S", "echo", "y" * 20000], stdin=ALICE.password + "\n")
        self.assertEqual(r.rc, 0, r)
        records = [m for m in self.box.syslog() if m.ident == "runas" and m.text.startswith("alice : ")]
        self.assertTrue(records[0].text.startswith("alice : TTY=unknown ; PWD=/ ; USER=root ; COMMAND=/usr/bin/echo"))
        self.assertTrue(all(len(m.text.encode()) <= 900 for m in records))
        self.assertTrue(all(m.text.startswith("alice : (command continued) y") for m in records[1:]))
        self.assertEqual(sum(m.text.count("y") for m in records), 20000)

    def test_usage_errors_before_the_caller_is_known_are_not_logged(self):
        r = self.box.run(ALICE, ["--no-such-option"])
        self.assertEqual(r.rc, 1, r)
        self.assertEqual(self.box.runas_log(), [])


class ShadowLoggingTests(LoggingScenarios, unittest.TestCase):
    core = "shadow"


class PAMLoggingTests(LoggingScenarios, unittest.TestCase):
    core = "pam"


if __name__ == "__main__":
    unittest.main()
