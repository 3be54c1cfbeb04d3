"""edit_fixture.py: what the tests of runas -e (Tests/e2e/editing) share:
the stub editor and the base class whose sandbox has it.

The editor is a stub shell script (no real editor runs without a person at
it): steered by variables in the caller's environment, which the editor
gets unchanged, it records what it sees into the sandbox's shared
directory, appends to each file, waits for the test, fails or dies. The
files edited live in the sandbox's own /srv (root-owned 0755, like /etc),
the copies in its own /var/tmp, both visible here.
"""
import os
import unittest

from support.paths import RUNAS
from support.sandbox import Sandbox

EDITOR = r"""#!/bin/sh
# The stub editor: records what it sees, then edits as told.
rec=${EDIT_RECORD:-}
if [ -n "$rec" ]; then
    id -u >"$rec/uid"; id -g >"$rec/gid"; id -G >"$rec/groups"
    env >"$rec/env"
    : >"$rec/args"
    for f; do printf '%s\n' "$f" >>"$rec/args"; done
    stat -c '%u %a' "$1" >"$rec/copy"; stat -c '%u %a' "$(dirname "$1")" >"$rec/dir"
    cat "$1" >"$rec/seen" 2>/dev/null
    echo "${EDIT_NAME:-stub}" >"$rec/name"
fi
if [ -n "${EDIT_WAIT:-}" ]; then
    : >"$EDIT_WAIT/ready"
    while [ ! -e "$EDIT_WAIT/go" ]; do sleep 0.05; done
fi
if [ -n "${EDIT_APPEND:-}" ]; then for f; do printf '%s\n' "$EDIT_APPEND" >>"$f"; done; fi
if [ -n "${EDIT_BIG:-}" ]; then head -c "$EDIT_BIG" /dev/zero | tr '\0' x >>"$1"; fi
if [ -n "${EDIT_REMOVE:-}" ]; then rm -f "$1"; fi
if [ -n "${EDIT_KILL:-}" ]; then kill -"$EDIT_KILL" $$; fi
exit "${EDIT_EXIT:-0}"
"""


class EditTest(unittest.TestCase):
    """A test of runas -e with a fresh sandbox (self.box) holding the stub
    editor. The class declares its accounts (accounts.py) and the one that
    edits unless a test says otherwise (caller)."""
    accounts = ()       # the accounts besides root and nobody
    caller = None       # who edit() runs runas as by default
    core = "shadow"
    backend = "scopex"
    runas_mode = 0o4750

    def setUp(self):
        self.box = Sandbox(accounts=self.accounts, core=self.core, backend=self.backend, runas_mode=self.runas_mode)
        self.addCleanup(self.box.close)
        self.editor = self.box.write_script("editor.sh", EDITOR)
        self.rec = os.path.join(self.box.shared, "rec")
        os.mkdir(self.rec)
        os.chmod(self.rec, 0o777)

    def srv(self, name, text=None, mode=0o644, owner=0, group=0):
        """A file in the sandbox's /srv; returns its path as seen here."""
        path = os.path.join(self.box.srv, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        if text is not None:
            with open(path, "wb") as f:
                f.write(text.encode() if isinstance(text, str) else text)
            os.chown(path, owner, group)
            os.chmod(path, mode)
        return path

    def edit(self, files, who=None, env=None, extra=(), password=None, program=RUNAS):
        who = who or self.caller
        e = {"EDITOR": self.editor, "EDIT_RECORD": self.rec}
        e.update(env or {})
        stdin = None
        if who.uid != 0:
            stdin = (who.password if password is None else password) + "\n"
            extra = ["-S"] + list(extra)
        args = list(extra) + ([] if program != RUNAS else ["-e"]) + list(files)
        return self.box.run(who, args, stdin=stdin, env=e, program=program)

    def recorded(self, name):
        path = os.path.join(self.rec, name)
        if not os.path.exists(path):
            return None
        with open(path, "rb") as f:
            return f.read().decode(errors="surrogateescape")

    def leftovers(self):
        """Everything left in the sandbox's /var/tmp."""
        found = []
        for top, dirs, files in os.walk(self.box.vartmp):
            found += [os.path.join(top, n) for n in dirs + files]
        return found

    def assertRefused(self, r, message):
        self.assertEqual((r.rc, r.err.splitlines()[-1] if r.err else ""), (1, "runas: " + message))
        self.assertIsNone(self.recorded("uid"), "the editor ran")
        self.assertEqual(self.leftovers(), [])
