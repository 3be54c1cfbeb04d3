"""test_no_password_matrix.py: nothing is gained without a password, over
every combination of the options the decision depends on.

A wheel member who does not type a password (-n) runs `runas -n ... id`
over the cross product of -u x -g x {none, -P, -b, -P -b, -s, -i, -E}, for
every backend and both authentication modes. Every run must end one of
two ways: refused with "a password is required" (and nothing run), or run
with only the caller's uid, a primary gid the caller already holds, and
groups the caller already holds. Which one is predicted here, from the
sandbox's accounts alone (the oracle below), and the prediction must
match exactly: so the test also fails if a harmless run starts asking.

systemd-run and run0 are this suite's stubs (no systemd runs here as PID
1); with -n they are never reached, since a service manager starts the
command outside the caller's session and so always needs the password.
"""
import json
import os
import subprocess
import unittest

from support.accounts import User, not_in_wheel, wheel_member
from support.sandbox import Sandbox

ALICE = wheel_member("alice", 2001, "correct horse battery", groups=("users",))
CAROL = not_in_wheel("carol", 2003, "not an admin", groups=("users",))   # another uid, not in wheel
# alice-ops: alice's uid and gid under another name, no password of its own, in proj
ALICE_OPS = User("alice-ops", 2001, 2001, shadow_override="*", groups=("proj",))
ACCOUNTS = (ALICE, CAROL)
PROJ = (("proj", 3000),)   # a group alice is not in (alice-ops is)

# alice holds these gids (setpriv --init-groups: her own and her groups).
HELD = {2001, 10, 100}
USERS_OPTION = [None, "alice", "#2001", "alice-ops", "carol", "root", "#0"]
GROUPS_OPTION = [None, "alice", "#2001", "users", "proj", "#0", "disk"]
MODES = [[], ["-P"], ["-b"], ["-P", "-b"], ["-s"], ["-i"], ["-E"]]
GROUP_IDS = {"alice": 2001, "#2001": 2001, "users": 100, "proj": 3000, "#0": 0, "disk": 6}

# The command: its ids, written once it has them (rename: all or nothing).
REPORT = """#!/bin/sh
{ id -u; id -g; id -G; } > "$1.tmp" && mv "$1.tmp" "$1"
"""

# Runs every case as alice inside one sandbox (one mount namespace for
# them all, not one each): argv in, exit status, stderr and the ids out.
DRIVER = r"""
import json, os, subprocess, sys, time
cases = json.load(open(sys.argv[1]))
results = []
for i, words in enumerate(cases):
    out = os.path.join(sys.argv[3], "ids.%d" % i)
    p = subprocess.run(["/usr/local/bin/runas"] + words + [sys.argv[2], out],
                       stdin=subprocess.DEVNULL, capture_output=True, timeout=60)
    ids = None
    if p.returncode == 0:
        # -b: runas has returned; the command writes its ids when it runs.
        deadline = time.monotonic() + 30
        while not os.path.exists(out) and time.monotonic() < deadline:
            time.sleep(0.01)
        if os.path.exists(out):
            ids = open(out).read().split("\n")
    results.append({"rc": p.returncode, "err": p.stderr.decode(errors="replace"), "ids": ids})
json.dump(results, open(sys.argv[4], "w"))
"""


def words(user, group, mode):
    w = ["-n"] + mode
    if user is not None:
        w += ["-u", user]
    if group is not None:
        w += ["-g", group]
    # -s and -i run the command through a shell (-c "REPORT OUT").
    return w + ["--"]


def gains_nothing(backend, user, group, mode):
    """The oracle: alice gains nothing only if the command stays alice's own
    child (scopex), runs as her own account (not the alias alice-ops, not
    another uid), and its primary gid is one she holds: without -P its
    other groups are alice's own (the group database: wheel, users), with
    -P the ones she holds. -g alone means -u alice, as in sudo."""
    if backend != "scopex":
        return False
    target = user if user is not None else ("alice" if group is not None else "root")
    if target not in ("alice", "#2001"):
        return False
    gid = GROUP_IDS[group] if group is not None else 2001
    return gid in HELD


class NoPasswordMatrix:
    core = "shadow"
    backend = "scopex"
    maxDiff = None

    def test_nothing_is_gained_without_a_password(self):
        box = Sandbox(accounts=ACCOUNTS + (ALICE_OPS,), groups=PROJ + (("disk", 6),), core=self.core,
                      backend=self.backend)
        self.addCleanup(box.close)
        report = box.write_script("report", REPORT)
        driver = box.write_script("driver.py", DRIVER)
        combos = [(u, g, m) for u in USERS_OPTION for g in GROUPS_OPTION for m in MODES]
        cases = box._write("cases.json", json.dumps([words(*c) for c in combos]))
        results = os.path.join(box.shared, "results.json")
        r = box.run(ALICE, [driver, cases, report, box.shared, results], program="/usr/bin/python3",
                    timeout=600)
        self.assertEqual(r.rc, 0, r)
        with open(results) as f:
            outcomes = json.load(f)
        self.assertEqual(len(outcomes), len(combos))
        ran, wrong = 0, []
        for (u, g, m), o in zip(combos, outcomes):
            case = "runas %s id -> %r" % (" ".join(words(u, g, m)[:-1]), o)
            if not gains_nothing(self.backend, u, g, m):
                if (o["rc"], o["err"], o["ids"]) != (1, "runas: a password is required\n", None):
                    wrong.append("should ask: " + case)
                continue
            ran += 1
            # -i starts in the target's home, which the sandbox lacks.
            warning = "runas: warning: cannot enter /home/alice, using /\n" if "-i" in m else ""
            if (o["rc"], o["err"]) != (0, warning) or o["ids"] is None:
                wrong.append("should run: " + case)
                continue
            uid, gid, groups = o["ids"][0], o["ids"][1], o["ids"][2]
            if uid != "2001" or int(gid) not in HELD or not {int(x) for x in groups.split()} <= HELD:
                wrong.append("gains ids: " + case)
        self.assertEqual(wrong, [], "%d of %d runs:\n%s" % (len(wrong), len(combos), "\n".join(wrong)))
        # The harmless runs really ran (so the checks above were not vacuous).
        self.assertEqual(ran, 77 if self.backend == "scopex" else 0)
        # One log line per run: success or "a password is required".
        log = box.runas_log()
        self.assertEqual(len([l for l in log if l.startswith("alice : a password is required")]), len(combos) - ran)


class BorrowedGroupTests(unittest.TestCase):
    """An effective gid the caller only borrows (runas started from a
    setgid program) is not held for good: without a password it must not
    become the command's real, effective and saved gid."""

    def test_an_effective_gid_alone_is_not_held(self):
        with Sandbox(accounts=ACCOUNTS, groups=PROJ) as box:
            cmd = box.command(ALICE, ["-n", "-g", "proj", "id", "-g"])
            cmd = [w if not str(w).startswith("--regid=") else "--rgid=2001" for w in cmd]
            cmd.insert(cmd.index("--rgid=2001") + 1, "--egid=3000")
            p = subprocess.run(cmd, capture_output=True, text=True, timeout=60, cwd="/",
                               env=box.environment(ALICE))
            self.assertEqual((p.returncode, p.stdout, p.stderr), (1, "", "runas: a password is required\n"), p)
            # Control: the same start with her own gid as effective too.
            r = box.run(ALICE, ["-n", "-g", "users", "id", "-g"])
            self.assertEqual((r.rc, r.out, r.err), (0, "100\n", ""), r)


class ShadowScopexTests(NoPasswordMatrix, unittest.TestCase):
    pass


class ShadowSystemdRunTests(NoPasswordMatrix, unittest.TestCase):
    backend = "systemd-run"


class ShadowRun0Tests(NoPasswordMatrix, unittest.TestCase):
    backend = "run0"


class PAMScopexTests(NoPasswordMatrix, unittest.TestCase):
    core = "pam"


class PAMSystemdRunTests(NoPasswordMatrix, unittest.TestCase):
    core = "pam"
    backend = "systemd-run"


class PAMRun0Tests(NoPasswordMatrix, unittest.TestCase):
    core = "pam"
    backend = "run0"


if __name__ == "__main__":
    unittest.main()
