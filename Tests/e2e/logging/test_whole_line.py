"""test_whole_line.py: nothing of a command line escapes the log: long
lines are split into records that put back together whole, a ";" cannot
forge the fields after it, and bytes that are not UTF-8 or are control
characters are escaped (in the log and in the scopex warning).
Found by an attacker's review and sudo-rs's compliance tests (issue 14)."""
import os
import subprocess
import unittest

from support.accounts import ROOT, wheel_member
from support.cases import SandboxTest
from support.paths import RUNAS

ALICE = wheel_member("alice", 2001, "correct horse battery", groups=("users",))


class WholeLineInTheLogTests(SandboxTest):
    accounts = (ALICE,)

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


class ScopexWarningEscapesTests(SandboxTest):
    accounts = ()     # root alone

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


if __name__ == "__main__":
    unittest.main()
