"""test_shadow_entries.py: the shadow build's check of /etc/shadow entries:
locked, empty, expired and aged-out entries are refused exactly like a
wrong password (the log says why), a missing entry is an error, and old
and current hash methods verify."""
import os
import time
import unittest

from support.accounts import (MD5, SHA512, empty_password_field, expired, locked, must_change_password,
                              no_shadow_line, password_aged_out, wheel_member)
from support.sandbox import Sandbox
from support.throttle import MIN_DELAY

ALICE = wheel_member("alice", 2001, "correct horse battery", groups=("users",))
BOB = wheel_member("bob", 2002, "b0b's\tpass word", hash=SHA512)
DAVE = locked("dave", 2004, "!", "locked out")
ERIN = expired("erin", 2005, "expired account")
FRANK = wheel_member("frank", 2006, "old md5 hash", hash=MD5)
HANK = empty_password_field("hank", 2008)
IVY = must_change_password("ivy", 2009, "change me now")
JACK = password_aged_out("jack", 2010, "aged out")
KATE = locked("kate", 2011, "*", "star locked")
LENA = locked("lena", 2012, "!!", "double bang")
MIKE = no_shadow_line("mike", 2013, "no shadow line")
ACCOUNTS = (ALICE, BOB, DAVE, ERIN, FRANK, HANK, IVY, JACK, KATE, LENA, MIKE)


class ShadowEntryTests(unittest.TestCase):
    """Entries that can never match look exactly like a wrong password to
    the user (same message, same delay); the log says why."""

    def setUp(self):
        self.box = Sandbox(accounts=ACCOUNTS)
        self.addCleanup(self.box.close)

    def attempt(self, u, password):
        marker = os.path.join(self.box.shared, "ran")
        start = time.monotonic()
        r = self.box.run(u, ["-S", "/usr/bin/touch", marker], stdin=password + "\n")
        return r, time.monotonic() - start, os.path.exists(marker)

    def _refused_like_a_wrong_password(self, u, reason):
        wrong, _, _ = self.attempt(ALICE, "not alice's password")
        r, elapsed, ran = self.attempt(u, u.password)
        self.assertFalse(ran)
        self.assertEqual(r.rc, 1, r)
        self.assertEqual(r.err, wrong.err.replace("alice", u.name))
        self.assertGreaterEqual(elapsed, MIN_DELAY)
        self.assertIn("%s : 1 incorrect password attempt (%s) ; TTY=unknown" % (u.name, reason),
                      "\n".join(self.box.runas_log()))

    def test_locked_with_bang(self):
        self._refused_like_a_wrong_password(DAVE, "account locked")

    def test_locked_with_double_bang(self):
        self._refused_like_a_wrong_password(LENA, "account locked")

    def test_locked_with_star(self):
        self._refused_like_a_wrong_password(KATE, "account locked")

    def test_empty_password_field(self):
        self._refused_like_a_wrong_password(HANK, "empty password entry")

    def test_account_expired(self):
        self._refused_like_a_wrong_password(ERIN, "account expired")

    def test_password_aged_out(self):
        self._refused_like_a_wrong_password(JACK, "password expired")

    def test_password_must_be_changed(self):
        self._refused_like_a_wrong_password(IVY, "password must be changed")

    def test_missing_shadow_entry_is_an_error(self):
        r, _, ran = self.attempt(MIKE, "anything")
        self.assertFalse(ran)
        self.assertEqual((r.rc, r.out, r.err), (1, "", "runas: cannot read the password entry of mike\n"))

    def test_md5_hash_still_verifies(self):
        r = self.box.run(FRANK, ["-S", "id", "-u"], stdin=FRANK.password + "\n")
        self.assertEqual((r.rc, r.out), (0, "0\n"), r)

    def test_sha512_and_yescrypt_verify(self):
        self.assertTrue(ALICE.hash_prefix == b"$y$" and BOB.hash_prefix == b"$6$")
        for u in (ALICE, BOB):
            r = self.box.run(u, ["-S", "id", "-u"], stdin=u.password + "\n")
            self.assertEqual((r.rc, r.out), (0, "0\n"), r)


if __name__ == "__main__":
    unittest.main()
