"""Everything the setuid core does before anyone is authenticated matches
the inventory in SECURITY.md, line for line, and nothing is written before
then but the caller's password-try record.

A refused run does only pre-authentication work, so the refused runs below
(wrong password on stdin and on a terminal, shadow and PAM cores, a caller
not in wheel, an unknown target user, the askpass helper) are traced with
strace and reduced to comparable events (normalize). The test fails when
an event is not in the inventory (a new side effect: justify it in
SECURITY.md) and when a listed event, not marked "?", appears in none of the
runs (a stale line). strace runs as root and starts runas as the caller
(`-u`), which keeps the setuid bit working.
"""
import fnmatch
import os
import re
import shutil
import unittest

from support.accounts import ROOT, not_in_wheel, wheel_member
from support.markers import release_build_only
from support.paths import REPO
from support.sandbox import Sandbox

ALICE = wheel_member("alice", 2001, "correct horse battery", groups=("users",))   # the caller of most runs
CAROL = not_in_wheel("carol", 2003, "not an admin", groups=("users",))            # a caller not in wheel
STRACE = shutil.which("strace") or "/usr/bin/strace"
# Files, processes, credentials, sockets, and calls that change process or
# terminal state.
TRACE = ("%file,%process,%creds,%network,prctl,umask,ioctl,setrlimit,prlimit64,"
         "mount,chmod,fchmod,chown,fchown,unlink,rename,mkdir,flock,ftruncate,pwrite64")
ASKPASS = "/bin/echo"   # prints its arguments (the prompt): a wrong password

CALL = re.compile(r"^(?:\d+\s+)?(\w+)\((.*)\)\s+=\s+(.*)$")
QUOTED = re.compile(r'"((?:[^"\\]|\\.)*)"')
CREDS = ("setuid", "setgid", "setresuid", "setresgid", "setreuid", "setregid",
         "setgroups", "setfsuid", "setfsgid")


def normalize(line, caller):
    """One strace line -> an event string, or None (fstat of an open
    descriptor says nothing new)."""
    m = CALL.match(line.strip())
    if not m:
        return None
    name, args, _ = m.groups()
    if "AT_EMPTY_PATH" in args and name != "linkat":
        return None
    words = [a.strip() for a in args.split(",")]
    quoted = QUOTED.search(args)
    path = quoted.group(1) if quoted else None
    if name in ("openat", "open"):
        flags = words[2] if name == "openat" else words[1]
        mode = next((f for f in flags.split("|") if f in ("O_RDONLY", "O_WRONLY", "O_RDWR")), "?")
        return "%s %s %s%s" % (name, path, mode, "|O_CREAT" if "O_CREAT" in flags else "")
    if name == "prctl":
        return "prctl " + words[0]
    if name == "ioctl":
        return "ioctl " + words[1].split(" or ")[-1]
    if name == "socket":
        kind = "|".join(f for f in words[1].split("|") if f not in ("SOCK_CLOEXEC", "SOCK_NONBLOCK"))
        return "socket %s %s" % (words[0], kind)
    if name == "prlimit64":
        return "prlimit64 %s %s" % (words[1], "get" if words[2] == "NULL" else "set")
    if name == "fchown":
        return "fchown(%s, %s)" % (words[1], words[2])     # to whom: the descriptor says nothing
    if name in CREDS or name == "umask":
        ids = ["caller" if w in (str(caller.uid), str(caller.gid)) else w for w in words]
        return "%s(%s)" % (name, ", ".join(ids))
    if name in ("getcwd", "sendto", "recvfrom", "sendmsg", "recvmsg", "pwrite64"):
        return name
    if name == "execve":
        return "execve " + path
    return "%s %s" % (name, path) if path is not None else name


def runas_events(raw, caller):
    """The events of runas's own processes: once a process has exec'd the
    caller's askpass program, what it does is the caller's program running
    with the caller's ids, not runas's."""
    events, foreign = [], set()
    for line in raw.splitlines():
        pid = line.split(None, 1)[0]
        if pid in foreign:
            continue
        e = normalize(line, caller)
        if e:
            events.append(e)
        if e == "execve " + ASKPASS:
            foreign.add(pid)
    return events


def inventory():
    """SECURITY.md's ```preauth-inventory block: [(pattern, optional)]."""
    with open(os.path.join(REPO, "SECURITY.md")) as f:
        text = f.read()
    block = text.split("```preauth-inventory\n", 1)[1].split("```", 1)[0]
    entries = []
    for line in block.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        pattern = line.split(" | ", 1)[0].strip()
        optional = pattern.startswith("? ")
        entries.append((pattern[2:] if optional else pattern, optional))
    return entries


LISTED = "/bin/true"    # the command of the -l scenario

# The one thing written before authentication: the caller's password-try
# record, /run/runas/UID (GuessThrottle.swift: the directory opened first,
# the record through it, made whole as an unnamed file the first time;
# both given to root's group). Nothing else may be.
TRY_RECORD = {"mkdir /run/runas", "openat %d O_RDWR" % ALICE.uid, "openat . O_RDWR", "flock", "pwrite64",
              "fchown(0, 0)"}


EDITED = ("/etc/shadow", "/new-file", "/")   # the -e scenario's files ("/": new-file does not exist)


def matches(event, pattern):
    pattern = pattern.replace("<askpass>", ASKPASS).replace("<listed>", LISTED)
    return any(fnmatch.fnmatchcase(event, pattern.replace("<edited>", e)) for e in EDITED)


# (name, core, sandbox options, caller, runas arguments, environment,
#  stdin text or terminal answers, what the output or the terminal must show)
SCENARIOS = [
    ("wrong password on stdin", "shadow", {}, ALICE, ["-S", "/bin/true"], None, "wrong\n",
     "1 incorrect password attempt"),
    ("wrong password on stdin, PAM", "pam", {}, ALICE, ["-S", "/bin/true"], None, "wrong\n",
     "1 incorrect password attempt"),
    ("not in wheel", "shadow", {"runas_mode": 0o4755}, CAROL, ["-S", "/bin/true"], None, "x\n",
     "carol is not in the wheel group"),
    ("unknown target user", "shadow", {}, ALICE, ["-S", "-u", "nosuchuser", "/bin/true"], None, "x\n",
     "unknown user: nosuchuser"),
    ("askpass helper", "shadow", {}, ALICE, ["-A", "/bin/true"], {"RUNAS_ASKPASS": ASKPASS}, "",
     "incorrect password"),
    # -e: the paths and the editor are only parsed before the password, and
    # each file's filesystem looked at as the caller (statfs): no file is
    # opened, nothing is copied, no editor runs.
    ("edit, wrong password", "shadow", {}, ALICE, ["-S", "-e", "/etc/shadow", "new-file"], {"EDITOR": "/bin/true"},
     "wrong\n", "1 incorrect password attempt"),
    # -l never authenticates: all it does is pre-authentication work.
    ("list a command", "shadow", {}, ALICE, ["-l", LISTED], None, "", LISTED),
    ("wrong password on a terminal", "shadow", {}, ALICE, ["/bin/true"], None,
     [("password for alice: ", "wrong\n")] * 3, "3 incorrect password attempts"),
    ("wrong password on a terminal, PAM", "pam", {}, ALICE, ["/bin/true"], None,
     [("password for alice: ", "wrong\n")] * 3, "3 incorrect password attempts"),
    # stdin, stdout and stderr redirected: the prompt is on the controlling
    # terminal, whose name (for the log and PAM_TTY) comes from /proc/self/stat.
    ("wrong password on a terminal, stdio redirected", "pam", {}, ALICE, ["/bin/true"], None,
     [("password for alice: ", "wrong\n")] * 3, "rc=1"),
]
REDIRECTED = "</dev/null >/dev/null 2>&1; echo rc=$?"


@release_build_only("the inventory is the release core's: the ASan runtime opens files of its own")
class PreAuthenticationInventoryTests(unittest.TestCase):
    maxDiff = None
    traces = None

    @classmethod
    def setUpClass(cls):
        if not os.path.exists(STRACE):
            message = "!! strace is missing: the pre-authentication inventory is NOT checked (apt-get install strace)"
            if os.environ.get("CI") == "true":
                raise RuntimeError(message)
            raise unittest.SkipTest(message)
        cls.traces = {}
        for name, core, options, caller, args, env, feed, shown in SCENARIOS:
            with Sandbox(accounts=(caller,), core=core, backend="scopex", **options) as box:
                out = os.path.join(box.shared, "trace")
                words = ["-f", "-qq", "-e", "trace=" + TRACE, "-o", out, "-u", caller.name, "--",
                         "/usr/local/bin/runas"] + args
                if isinstance(feed, str):
                    r = box.run(ROOT, words, stdin=feed, env=env, program=STRACE)
                    said = r.err + r.out
                elif "stdio redirected" in name:
                    line = " ".join("'%s'" % w for w in [STRACE] + words) + " " + REDIRECTED
                    r = box.run_on_terminal(ROOT, ["-c", line], answers=feed, env=env, program="/bin/sh")
                    said = r.out
                    r.rc = 1 if "rc=1" in said else r.rc
                else:
                    r = box.run_on_terminal(ROOT, words, answers=feed, env=env, program=STRACE)
                    said = r.out
                with open(out) as f:
                    raw = f.read()
            events = runas_events(raw, caller)
            cls.traces[name] = (r.rc, said, shown, events, raw)

    def test_every_traced_run_was_refused(self):
        for name, (rc, said, shown, events, _) in self.traces.items():
            with self.subTest(name):
                self.assertEqual(rc, 0 if name == "list a command" else 1, said)
                self.assertIn(shown, said)
                self.assertIn("execve /usr/local/bin/runas", events)

    def test_every_side_effect_is_in_the_inventory(self):
        entries = inventory()
        unlisted = {}
        for name, (_, _, _, events, _) in self.traces.items():
            for e in events:
                if not any(matches(e, p) for p, _ in entries):
                    unlisted.setdefault(e, name)
        self.assertEqual(unlisted, {}, "pre-authentication events missing from SECURITY.md's "
                         "inventory (event: first run it appeared in)")

    def test_every_inventory_line_still_happens(self):
        seen = [e for (_, _, _, events, _) in self.traces.values() for e in events]
        stale = [p for p, optional in inventory()
                 if not optional and not any(matches(e, p) for e in seen)]
        self.assertEqual(stale, [], "inventory lines no refused run produces any more")

    def test_nothing_is_written_or_changed_before_authentication(self):
        # Independent of the inventory's wording: no write opens, no file
        # changes (but the try record), no exec but runas and the caller's
        # askpass helper, and credential changes only in the askpass child
        # and for the lookups of -l and -e, towards the caller (and back).
        for name, (_, _, _, events, _) in self.traces.items():
            with self.subTest(name):
                for e in events:
                    if e in TRY_RECORD:
                        continue
                    self.assertNotRegex(e, r"O_WRONLY|O_RDWR|O_CREAT" if "/dev/tty" not in e else "O_CREAT")
                    self.assertNotRegex(e, r"^(unlink|rename|mkdir|chmod|fchmod|chown|fchown|mount)")
                    if e.startswith("execve "):
                        self.assertIn(e, ("execve /usr/local/bin/runas", "execve " + ASKPASS))
                    if e.startswith(("setresuid(", "setresgid(", "setuid(", "setgid(")):
                        self.assertIn(name, ("askpass helper", "list a command", "edit, wrong password"), e)


if __name__ == "__main__":
    unittest.main()
