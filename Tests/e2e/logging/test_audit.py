"""test_audit.py: the Linux audit records runas sends, read back from the
kernel: USER_CMD for a command run, USER_AUTH for each wrong password
(shadow core; with PAM, libpam's own), USER_ERR for a refusal, each with the
caller's uid (added by the kernel), the target and the whole command.

The records are read as the kernel hands them out, on the audit netlink
socket's read-only multicast group (as journald reads them; root only).
The kernel drops user records while audit is off: where it is off (as on
this machine kind, which runs no audit daemon), this test turns it on for
its own duration and off again afterwards, the one piece of kernel state a
test touches. Each run carries a word of its own, so records of other
tests' runs are told apart.
"""
import errno
import os
import select
import socket
import struct
import threading
import time
import unittest
import uuid

from support.accounts import wheel_member
from support.markers import shares
from support.sandbox import Sandbox

ALICE = wheel_member("alice", 2001, "correct horse battery", groups=("users",))

NETLINK_AUDIT = 9
AUDIT_GET, AUDIT_SET = 1000, 1001
AUDIT_NLGRP_READLOG = 1
SO_RCVBUFFORCE = 33
USER_AUTH, USER_ERR, USER_CMD = 1100, 1109, 1123


def decoded(value):
    """An audit field's value: "quoted" as it is, ? (none), else hex."""
    if value.startswith('"'):
        return value[1:-1]
    try:
        return bytes.fromhex(value).decode(errors="replace")
    except ValueError:
        return value    # other senders' fields (libpam's terminal=/dev/pts/1)


class KernelAudit:
    """The kernel's audit records, from the multicast group; audit switched
    on for as long as this is open if it was off. A thread reads them all
    as they come, into a large buffer: with audit on, every runas run of
    the tests beside this one sends records too, and a multicast reader
    that falls behind loses records (ENOBUFS)."""

    def __init__(self):
        self.control = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_AUDIT)
        self.control.bind((0, 0))
        self.was_enabled = self.enabled()
        if self.was_enabled == 0:
            self.set_enabled(1)
        self.records = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_AUDIT)
        self.records.setsockopt(socket.SOL_SOCKET, SO_RCVBUFFORCE, 32 << 20)
        self.records.bind((0, AUDIT_NLGRP_READLOG))
        self.seen, self.lost, self.lock = [], 0, threading.Lock()
        self.stopping = False
        self.reader = threading.Thread(target=self.read_all, daemon=True)
        self.reader.start()

    def read_all(self):
        while not self.stopping:
            ready, _, _ = select.select([self.records], [], [], 0.1)
            if not ready:
                continue
            try:
                data = self.records.recv(65536)
            except OSError as e:
                if e.errno == errno.ENOBUFS:   # said once; reading goes on
                    self.lost += 1
                    continue
                raise
            kind = struct.unpack("=H", data[4:6])[0]
            with self.lock:
                self.seen.append((kind, data[16:].decode(errors="replace").rstrip("\0")))

    def request(self, kind, payload=b""):
        self.control.send(struct.pack("=IHHII", 16 + len(payload), kind, 1 | 4, 1, 0) + payload)

    def enabled(self):
        self.request(AUDIT_GET)
        while True:
            data = self.control.recv(8192)
            if struct.unpack("=H", data[4:6])[0] == AUDIT_GET:
                return struct.unpack("=I", data[20:24])[0]

    def set_enabled(self, value):
        self.request(AUDIT_SET, struct.pack("=10I", 1, value, 0, 0, 0, 0, 0, 0, 0, 0))
        error = struct.unpack("=i", self.control.recv(8192)[16:20])[0]
        if error:
            raise OSError(-error, "AUDIT_SET enabled=%d: %s" % (value, os.strerror(-error)))

    def close(self):
        self.stopping = True
        self.reader.join()
        self.records.close()
        if self.was_enabled == 0:
            self.set_enabled(0)
        self.control.close()

    def wait_for(self, word, types, timeout=10):
        """The records of `types` whose command holds `word`, once at
        least one arrived and nothing more came for a moment."""
        found, deadline, settled = [], time.monotonic() + timeout, None
        while time.monotonic() < deadline:
            with self.lock:
                now = [(k, r) for k, r in self.seen if k in types and word in parse(r).get("cmd", "")]
            if now != found:
                found, settled = now, time.monotonic()
            elif found and time.monotonic() - settled > 0.5:
                break
            time.sleep(0.05)
        if self.lost:
            print("test_audit: the kernel dropped records for this reader %d time(s)" % self.lost)
        return [(kind, parse(record)) for kind, record in found]


def parse(record):
    """'audit(T:N): pid=1 uid=2001 ... msg='a="x" b=41'' -> {field: value},
    the msg fields decoded."""
    head, _, msg = record.partition(" msg='")
    fields = dict(w.split("=", 1) for w in head.split(": ", 1)[1].split() if "=" in w)
    for word in msg.rstrip("'").split(" "):
        if "=" in word:
            name, value = word.split("=", 1)
            fields[name] = decoded(value) if name in ("cwd", "cmd", "acct", "grp", "terminal", "reason") else value
    return fields


@shares("the kernel's audit switch")
class AuditRecordTests(unittest.TestCase):
    core = "shadow"

    @classmethod
    def setUpClass(cls):
        try:
            cls.audit = KernelAudit()
        except OSError as e:
            raise unittest.SkipTest("NO KERNEL AUDIT HERE, audit records not tested: %s" % e)

    @classmethod
    def tearDownClass(cls):
        cls.audit.close()

    def setUp(self):
        self.box = Sandbox(accounts=(ALICE,), core=self.core, backend="scopex")
        self.addCleanup(self.box.close)
        self.word = "audit-" + uuid.uuid4().hex[:12]

    def test_a_command_run_is_a_user_cmd_record(self):
        r = self.box.run(ALICE, ["-S", "-u", "nobody", "/bin/echo", self.word, "two words"],
                         stdin=ALICE.password + "\n")
        self.assertEqual(r.rc, 0, r)
        records = self.audit.wait_for(self.word, (USER_CMD, USER_AUTH, USER_ERR))
        self.assertEqual([kind for kind, _ in records], [USER_CMD], records)
        fields = records[0][1]
        self.assertEqual((fields["uid"], fields["acct"], fields["cmd"], fields["res"]),
                         ("2001", "nobody", "/bin/echo %s two words" % self.word, "success"), fields)
        self.assertEqual(fields["terminal"], "?")

    def test_a_wrong_password_and_the_refusal(self):
        r = self.box.run(ALICE, ["-S", "/bin/echo", self.word], stdin="wrong\nwrong again\n")
        self.assertEqual(r.rc, 1, r)
        records = self.audit.wait_for(self.word, (USER_CMD, USER_AUTH, USER_ERR))
        self.assertEqual([kind for kind, _ in records], self.expected_for_two_wrong_passwords(), records)
        refusal = records[-1][1]
        self.assertEqual((refusal["uid"], refusal["acct"], refusal["res"], refusal["reason"]),
                         ("2001", "root", "failed", "2 incorrect password attempts"), refusal)
        for kind, fields in records[:-1]:
            self.assertEqual((fields["op"], fields["acct"], fields["res"]), ("authentication", "alice", "failed"))

    def expected_for_two_wrong_passwords(self):
        return [USER_AUTH, USER_AUTH, USER_ERR]

    def test_a_refusal_is_a_user_err_record(self):
        r = self.box.run(ALICE, ["-S", "-u", "nosuchuser", "/bin/echo", self.word], stdin=ALICE.password + "\n")
        self.assertEqual(r.rc, 1, r)
        records = self.audit.wait_for(self.word, (USER_CMD, USER_AUTH, USER_ERR))
        self.assertEqual([kind for kind, _ in records], [USER_ERR], records)
        fields = records[0][1]
        self.assertEqual((fields["uid"], fields["op"], fields["acct"], fields["res"]),
                         ("2001", "refused", "nosuchuser", "failed"), fields)
        self.assertIn("nosuchuser", fields["reason"])


class PAMAuditRecordTests(AuditRecordTests):
    """With PAM, libpam records the authentication itself (op=PAM:...,
    without the command); runas adds no USER_AUTH of its own."""
    core = "pam"

    def expected_for_two_wrong_passwords(self):
        return [USER_ERR]


if __name__ == "__main__":
    unittest.main()
