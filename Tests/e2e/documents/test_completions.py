"""test_completions.py: the bash, zsh and fish completions, inside a sandbox
so that they offer its users and groups: the bash function called
directly, then each real shell completing a typed line."""
import re
import subprocess
import unittest

from support.accounts import ROOT, SHA512, wheel_member
from support.paths import REPO
from support.sandbox import Sandbox
from support.terminal import Terminal

ALICE = wheel_member("alice", 2001, "correct horse battery", groups=("users",))
BOB = wheel_member("bob", 2002, "b0b's\tpass word", hash=SHA512)
PROJ = ("proj", 3000)   # a group that is no account's own


class CompletionTests(unittest.TestCase):
    """The bash completion, sourced into a plain bash (no bash-completion
    package needed) inside the sandbox, so -u offers the sandbox's users."""

    def complete(self, box, words):
        script = ('source %s/completions/runas.bash\n'
                  'COMP_WORDS=(%s); COMP_CWORD=%d; COMP_LINE="${COMP_WORDS[*]}"; COMP_POINT=${#COMP_LINE}\n'
                  '_runas runas "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"\n'
                  'printf "%%s\\n" "${COMPREPLY[@]}"\n') % (
                      REPO, " ".join("'%s'" % w for w in words), len(words) - 1)
        cmd = box.command(ROOT, ["--norc", "--noprofile", "-c", script], program="/bin/bash")
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=60, cwd="/",
                           env={"PATH": "/usr/bin:/bin"})
        self.assertEqual(p.returncode, 0, p)
        return sorted(p.stdout.split())

    def test_bash(self):
        with Sandbox(accounts=(ALICE, BOB), groups=(PROJ,)) as box:
            self.assertIn("--preserve-env", self.complete(box, ["runas", "--pre"]))
            self.assertEqual(self.complete(box, ["runas", "--l"]), ["--list", "--login"])
            self.assertEqual(self.complete(box, ["runas", "-u", "al"]), ["alice"])
            self.assertEqual(self.complete(box, ["runas", "--user", "bo"]), ["bob"])
            self.assertEqual(self.complete(box, ["runas", "-g", "pro"]), ["proj"])
            self.assertIn("ls", self.complete(box, ["runas", "-u", "bob", "l"]))
            self.assertIn("--env", self.complete(box, ["runas", "-u", "bob", "--e"]))
            self.assertEqual(self.complete(box, ["runas", "-l", "-U", "al"]), ["alice"])
            self.assertEqual(self.complete(box, ["runas", "-C", "5", "-u", "bo"]), ["bob"])
            # With -e, and as runasedit, the words are files, not commands.
            self.assertIn("/etc/passwd", self.complete(box, ["runas", "-e", "/etc/passw"]))
            self.assertIn("/etc/passwd", self.complete(box, ["runasedit", "-u", "bob", "/etc/passw"]))
            self.assertNotIn("ls", self.complete(box, ["runas", "-e", "l"]))


class RealShellCompletionTests(unittest.TestCase):
    """The three completions in the real shells, inside the sandbox (its
    users and groups): bash and zsh interactive on a pseudo-terminal,
    driven by keystrokes (a word, TAB, then Ctrl-A and "echo @@ " so that
    Enter prints the line as the shell completed it); fish through its own
    completion engine, `complete -C`."""

    @classmethod
    def setUpClass(cls):
        cls.box = Sandbox(accounts=(ALICE, BOB), groups=(PROJ,))
        cls.box.__enter__()

    @classmethod
    def tearDownClass(cls):
        cls.box.__exit__(None, None, None)

    def completed_line(self, program, args, setup, typed):
        env = {"PATH": "/usr/bin:/bin", "TERM": "dumb", "HOME": "/root", "LANG": "C.UTF-8"}
        t = Terminal(self.box.command(ROOT, args, program=program), env)
        try:
            for line in setup:
                t.send(line + "\r")
            t.send("echo RE''ADY\r")
            t.expect("\nREADY")
            t.send(typed + "\t")
            t.settle(0.5)
            t.send("\x01echo @@ \r")
            t.send("echo DO''NE\r")
            t.expect("\nDONE")
            t.send("exit\r")
            t.wait(timeout=30)
        finally:
            t.close()
        lines = [l for l in t.output.split("\r\n") if re.fullmatch(r"@@ [^\x00-\x1f]*", l)]
        self.assertTrue(lines, t.output)
        return lines[-1][3:].rstrip()

    def bash(self, typed):
        return self.completed_line("/bin/bash", ["--norc", "--noprofile", "-i"],
                                   ["PS1='$ '", "source %s/completions/runas.bash" % REPO], typed)

    def zsh(self, typed):
        return self.completed_line("/usr/bin/zsh", ["-f", "-i"],
                                   ["PROMPT='%% '", "bindkey -e", "fpath=(%s/completions $fpath)" % REPO,
                                    "autoload -Uz compinit", "compinit -u -D"], typed)

    def fish(self, line):
        script = "source %s/completions/runas.fish; complete -C %s" % (REPO, shlex_quote(line))
        cmd = self.box.command(ROOT, ["-c", script], program="/usr/bin/fish")
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=60, cwd="/",
                           env={"PATH": "/usr/bin:/bin", "HOME": self.box.dir, "XDG_CONFIG_HOME": self.box.dir,
                                "LANG": "C.UTF-8"})
        self.assertEqual((p.returncode, p.stderr), (0, ""), p)
        return sorted(l.split("\t")[0] for l in p.stdout.splitlines())

    def test_bash(self):
        self.assertEqual(self.bash("runas --list-o"), "runas --list-o")  # no such option: unchanged
        self.assertEqual(self.bash("runas --logi"), "runas --login")
        self.assertEqual(self.bash("runas -u ali"), "runas -u alice")
        # Was: commands instead of users.
        self.assertEqual(self.bash("runas --user=ali"), "runas --user=alice")
        self.assertEqual(self.bash("runas --user=alice -g pro"), "runas --user=alice -g proj")
        self.assertEqual(self.bash("runas --user=alice whoam"), "runas --user=alice whoami")
        self.assertEqual(self.bash("runas -e /etc/passw"), "runas -e /etc/passwd")

    def test_zsh(self):
        self.assertEqual(self.zsh("runas --logi"), "runas --login")
        self.assertEqual(self.zsh("runas -u ali"), "runas -u alice")
        self.assertEqual(self.zsh("runas --user=ali"), "runas --user=alice")
        self.assertEqual(self.zsh("runas -u alice -g pro"), "runas -u alice -g proj")
        self.assertEqual(self.zsh("runas -u alice whoam"), "runas -u alice whoami")
        self.assertEqual(self.zsh("runas -e /etc/passw"), "runas -e /etc/passwd")

    def test_fish(self):
        self.assertEqual(self.fish("runas --l"), ["--list", "--login"])
        self.assertEqual(self.fish("runas -u ali"), ["alice"])
        self.assertEqual(self.fish("runas --user=ali"), ["--user=alice"])
        self.assertEqual(self.fish("runas -g pro"), ["proj"])
        self.assertIn("--env", self.fish("runas -u bob --e"))
        # Was: "completion reached maximum recursion depth", no commands.
        self.assertEqual(self.fish("runas -u bob whoam"), ["whoami"])
        self.assertEqual(self.fish("runas FOO=1 whoam"), ["whoami"])
        self.assertIn("--groups", self.fish("runas -u bob id --gr"))
        self.assertIn("/etc/passwd", self.fish("runas -e /etc/passw"))
        self.assertIn("/etc/passwd", self.fish("runasedit /etc/passw"))


def shlex_quote(s):
    return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'"


if __name__ == "__main__":
    unittest.main()
