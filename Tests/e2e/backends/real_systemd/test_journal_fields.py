"""test_journal_fields.py: where systemd-journald listens, every record runas
logs is one journal entry with fields to filter on (README, "Logging"), read
back with journalctl in a booted Debian 13 (systemd 257, support/container.py):
a run, a refusal and a wrong password, each with its RUNAS_ fields and the
same MESSAGE syslog gets; arguments that look like fields stay inside
RUNAS_COMMAND; runas's entries say _UID=0, which an entry the caller forges
cannot; and with journald's socket unreachable, or an entry too large for
one datagram, the record goes to /dev/log instead (journald reads that
too, as syslog), never to both.
"""
import json
import os
import shutil
import time
import unittest
import uuid

from support.accounts import make_hash
from support.container import Container
from support.paths import stage_dir

ALICE_PW = "correct horse battery"   # alice: in wheel
BOB_PW = "bob's own password"        # bob: in wheel, the one who types a wrong password
CAROL_PW = "not an admin"            # carol: not in wheel, a target
CONTAINER = []


def setUpModule():
    try:
        for tool in ("debootstrap", "systemd-nspawn", "nsenter"):
            if not shutil.which(tool):
                raise RuntimeError("%s is missing (apt-get install debootstrap systemd-container)" % tool)
        CONTAINER.append(Container("trixie"))
    except Exception as e:
        message = "!! the systemd container cannot boot here: %s" % e
        if os.environ.get("CI") == "true":
            raise RuntimeError(message)
        raise unittest.SkipTest(message)
    c = CONTAINER[0]
    for argv in (["groupadd", "--system", "wheel"],
                 ["useradd", "-m", "-G", "wheel", "-p", make_hash(ALICE_PW, b"$y$"), "alice"],
                 ["useradd", "-m", "-G", "wheel", "-p", make_hash(BOB_PW, b"$y$"), "bob"],
                 ["useradd", "-m", "-p", make_hash(CAROL_PW, b"$y$"), "carol"]):
        r = c.run(argv)
        assert r.rc == 0, (argv, r)
    stage = stage_dir("shadow")
    c.put(os.path.join(stage, "usr/local/bin/runas"), "/usr/local/bin/runas", 0o755)
    c.put(os.path.join(stage, "usr/local/lib/runas/backend.so"), "/usr/local/lib/runas/backend.so")  # scopex
    for argv in (["chown", "root:wheel", "/usr/local/bin/runas"], ["chmod", "4750", "/usr/local/bin/runas"]):
        assert c.run(argv).rc == 0


def tearDownModule():
    for c in CONTAINER:
        c.close()


class JournalFieldsTests(unittest.TestCase):
    @property
    def container(self):
        return CONTAINER[0]

    def runas(self, args, user, password):
        return self.container.run(["/usr/local/bin/runas", "-S"] + list(args), user=user, input=password + "\n")

    def entries(self, marker, matches=(), count=1):
        """The journal's entries from runas whose MESSAGE holds `marker`
        (journalctl -o json, with `matches` as journalctl's FIELD=VALUE
        filters), once `count` of them are there."""
        deadline = time.monotonic() + 20
        while True:
            self.container.run(["journalctl", "--sync"])
            r = self.container.run(["journalctl", "-o", "json", "--no-pager", "SYSLOG_IDENTIFIER=runas"]
                                   + list(matches))
            found = [e for e in map(json.loads, r.out.splitlines()) if marker in str(e.get("MESSAGE"))]
            if len(found) >= count or time.monotonic() > deadline:
                return found
            time.sleep(0.2)

    def test_a_run_is_one_entry_with_its_fields(self):
        marker = "run-" + uuid.uuid4().hex
        r = self.runas(["-u", "carol", "-g", "nogroup", "echo", marker], "alice", ALICE_PW)
        self.assertEqual((r.rc, r.out), (0, marker + "\n"), r)
        [e] = self.entries(marker, ["RUNAS_TARGET_USER=carol"])
        self.assertEqual(e["MESSAGE"], "alice : TTY=unknown ; PWD=/ ; USER=carol ; GROUP=nogroup ; "
                                       "COMMAND=/usr/bin/echo " + marker)
        self.assertEqual((e["_TRANSPORT"], e["_UID"]), ("journal", "0"))
        self.assertEqual((e["PRIORITY"], e["SYSLOG_FACILITY"], e["SYSLOG_PID"]), ("5", "10", e["_PID"]))
        self.assertEqual({k: v for k, v in e.items() if k.startswith("RUNAS_")},
                         {"RUNAS_RESULT": "run", "RUNAS_USER": "alice", "RUNAS_TTY": "unknown", "RUNAS_PWD": "/",
                          "RUNAS_TARGET_USER": "carol", "RUNAS_TARGET_GROUP": "nogroup",
                          "RUNAS_COMMAND": "/usr/bin/echo " + marker})

    def test_a_refusal_says_why(self):
        # (carol cannot start runas at all: root:wheel 4750, as installed.)
        marker = "refused-" + uuid.uuid4().hex
        r = self.runas(["-u", marker, "true"], "alice", ALICE_PW)
        self.assertEqual(r.rc, 1, r)
        [e] = self.entries(marker, ["RUNAS_RESULT=refused"])
        self.assertEqual(e["MESSAGE"], "alice : unknown user: %s ; TTY=unknown ; PWD=/ ; USER=%s ; "
                                       "COMMAND=true" % (marker, marker))
        self.assertEqual((e["PRIORITY"], e["RUNAS_REASON"], e["RUNAS_USER"], e["RUNAS_TARGET_USER"]),
                         ("1", "unknown user: " + marker, "alice", marker))
        self.assertNotIn("RUNAS_TARGET_GROUP", e)

    def test_a_wrong_password_then_the_refusal(self):
        marker = "wrong-" + uuid.uuid4().hex
        r = self.runas(["echo", marker], "bob", "not bob's password")
        self.assertEqual(r.rc, 1, r)
        entries = self.entries(marker, ["RUNAS_USER=bob"], count=2)
        self.assertEqual([(e["RUNAS_RESULT"], e["RUNAS_REASON"], e["PRIORITY"]) for e in entries],
                         [("incorrect-password", "incorrect password attempt (1 in a row)", "1"),
                          ("refused", "1 incorrect password attempt", "1")])
        self.assertEqual(entries[0]["MESSAGE"], "bob : incorrect password attempt (1 in a row) ; TTY=unknown ; "
                                                "PWD=/ ; USER=root ; COMMAND=echo " + marker)

    def test_arguments_that_look_like_fields_stay_in_the_command(self):
        marker = "fields-" + uuid.uuid4().hex
        r = self.runas(["printf", "%s", marker + "\nRUNAS_RESULT=refused", "RUNAS_TARGET_USER=nobody\n"],
                       "alice", ALICE_PW)
        self.assertEqual(r.rc, 0, r)
        [e] = self.entries(marker, ["RUNAS_TARGET_USER=root", "RUNAS_RESULT=run"])
        # One value each (journalctl shows a field given twice as a list).
        self.assertEqual((e["RUNAS_RESULT"], e["RUNAS_TARGET_USER"]), ("run", "root"))
        self.assertEqual(e["RUNAS_COMMAND"], "/usr/bin/printf %s " + marker +
                         "\\x0aRUNAS_RESULT=refused RUNAS_TARGET_USER=nobody\\x0a")
        self.assertTrue(e["MESSAGE"].endswith("COMMAND=" + e["RUNAS_COMMAND"]), e["MESSAGE"])

    def test_an_entry_the_caller_forges_is_told_apart_by_its_uid(self):
        # Anyone can send journald RUNAS_ fields; runas's own entries carry
        # _UID=0 (journald's trusted field: the kernel checks it).
        marker = "forged-" + uuid.uuid4().hex
        forged = "MESSAGE=alice : TTY=unknown ; PWD=/ ; USER=root ; COMMAND=%s\nSYSLOG_IDENTIFIER=runas\n" \
                 "RUNAS_RESULT=run\nRUNAS_TARGET_USER=root\n" % marker
        self.assertEqual(self.container.run(["logger", "--journald"], user="alice", input=forged).rc, 0)
        self.assertEqual(self.runas(["echo", marker], "alice", ALICE_PW).rc, 0)
        entries = self.entries(marker, ["RUNAS_TARGET_USER=root"], count=2)
        uid = self.container.run(["id", "-u", "alice"]).out.strip()
        self.assertEqual(sorted(e["_UID"] for e in entries), sorted(["0", uid]))
        [trusted] = self.entries(marker, ["_UID=0", "RUNAS_TARGET_USER=root"])
        self.assertEqual(trusted["RUNAS_COMMAND"], "/usr/bin/echo " + marker)

    def test_without_journald_the_same_line_goes_to_syslog(self):
        # /dev/null bound over journald's socket in a mount namespace of
        # this run's own: connect fails (ECONNREFUSED), and runas writes
        # to /dev/log, which journald also reads (as _TRANSPORT=syslog).
        marker = "syslog-" + uuid.uuid4().hex
        script = ('mount --bind /dev/null /run/systemd/journal/socket && exec setpriv --reuid=alice '
                  '--regid=alice --init-groups -- /usr/bin/env /usr/local/bin/runas -S echo "$1"')
        r = self.container.run(["unshare", "--mount", "--propagation", "private", "--",
                                "sh", "-c", script, "sh", marker], input=ALICE_PW + "\n")
        self.assertEqual((r.rc, r.out), (0, marker + "\n"), r)
        self.assertEqual(self.runas(["echo", marker], "alice", ALICE_PW).rc, 0)
        entries = self.entries(marker, count=2)
        self.assertEqual(sorted(e["_TRANSPORT"] for e in entries), ["journal", "syslog"])
        by_syslog = next(e for e in entries if e["_TRANSPORT"] == "syslog")
        by_journal = next(e for e in entries if e["_TRANSPORT"] == "journal")
        self.assertEqual(by_syslog["MESSAGE"], by_journal["MESSAGE"])
        self.assertEqual((by_syslog["PRIORITY"], by_syslog["SYSLOG_FACILITY"]), ("5", "10"))
        self.assertFalse([k for k in by_syslog if k.startswith("RUNAS_")])

    def test_an_entry_too_large_for_a_datagram_goes_to_syslog_whole(self):
        # Three 100 kB words: the entry (line and command) is over the
        # socket's send buffer (212992 bytes by default), the send fails
        # with EMSGSIZE, and syslog gets the line in 900-byte records.
        # (A refusal, unknown user, so that no command is started.)
        marker = "large-" + uuid.uuid4().hex
        words = ["%s%d" % ("x" * 100000, i) for i in range(3)]
        r = self.runas(["-u", marker, "true"] + words, "alice", ALICE_PW)
        self.assertEqual(r.rc, 1, r)
        entries = self.entries(marker, ["_UID=%s" % self.container.run(["id", "-u", "alice"]).out.strip()])
        self.assertEqual([e["_TRANSPORT"] for e in entries], ["syslog"])
        self.assertTrue(entries[0]["MESSAGE"].startswith(
            "alice : unknown user: %s ; TTY=unknown ; PWD=/ ; USER=%s ; COMMAND=true" % (marker, marker)),
            entries[0]["MESSAGE"][:200])
        r = self.container.run(["journalctl", "-o", "json", "--no-pager", "SYSLOG_IDENTIFIER=runas",
                                "_PID=%s" % entries[0]["_PID"]])
        records = [json.loads(line) for line in r.out.splitlines()]
        self.assertGreater(len(records), 300)
        self.assertEqual({e["_TRANSPORT"] for e in records}, {"syslog"})
        self.assertTrue(records[-1]["MESSAGE"].endswith("x2"), records[-1]["MESSAGE"][-80:])


if __name__ == "__main__":
    unittest.main()
