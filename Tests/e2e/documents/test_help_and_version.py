"""test_help_and_version.py: --help (pinned here, and the same in README.md
and the man page), --version (pinned), and runas started with no
arguments at all."""
import os
import re
import subprocess
import unittest

from support.accounts import wheel_member
from support.cases import SandboxTest
from support.cli_checks import HINT
from support.paths import REPO, RUNAS

ALICE = wheel_member("alice", 2001, "correct horse battery", groups=("users",))


class HelpAndVersionTests(SandboxTest):
    accounts = (ALICE,)

    def test_help_is_pinned_and_matches_the_readme(self):
        r = self.box.run(ALICE, ["--help"])
        self.assertEqual((r.rc, r.err), (0, ""), r)
        self.assertEqual(r.out, HELP)
        self.assertEqual(self.box.run(ALICE, ["-h"]).out, HELP)
        # README.md shows the same text in its usage section.
        with open(os.path.join(REPO, "README.md")) as f:
            readme = f.read()
        self.assertIn("```\n$ runas --help\n" + HELP + "```", readme)

    def test_every_option_of_help_is_in_the_man_page(self):
        with open(os.path.join(REPO, "doc", "runas.1")) as f:
            man = f.read().replace("\\-", "-")
        options = set(re.findall(r"(?<![\w-])(--?[A-Za-z][\w-]*)", HELP.split("options:")[1]))
        self.assertGreater(len(options), 25)
        for option in sorted(options):
            self.assertIn(option, man, "the man page does not mention %s" % option)

    def test_version_is_pinned(self):
        r = self.box.run(ALICE, ["--version"])
        self.assertEqual((r.rc, r.err), (0, ""), r)
        self.assertRegex(r.out, r"\A"
                         r"runas \d+\.\d+\.\d+\n"
                         r"traits: SystemdRun,Run0,Scopex\n"
                         r"authentication: shadow file \(libcrypt\)\n"
                         r"backend ABI: 1\.5\n"
                         r"backend: scopex \d+\.\d+\.\d+ \(ABI 1\.5\) at /usr/local/lib/runas/backend\.so\n\Z")
        for spelling in (["-v"], ["-V"]):
            self.assertEqual(self.box.run(ALICE, spelling).out, r.out)

    def test_no_arguments_at_all(self):
        # The kernel (Linux >= 5.18) turns an empty argv into [""]; either
        # way runas must refuse with exit 1, not crash.
        prog = os.path.join(self.box.dir, "argv0")
        src = prog + ".c"
        with open(src, "w") as f:
            f.write('#include <unistd.h>\nint main(void){char *a[]={0};char *e[]={0};'
                    'execve("%s",a,e);return 99;}\n' % RUNAS)
        subprocess.run(["cc", "-o", prog, src], check=True)
        os.chmod(prog, 0o755)
        cmd = self.box.command(ALICE, [], program=prog)
        p = subprocess.run(cmd, capture_output=True, timeout=60, cwd="/")
        self.assertEqual(p.returncode, 1, p)
        self.assertEqual(p.stdout, b"")
        err = p.stderr.decode()
        self.assertTrue(err.startswith("usage: runas") or err == "runas: no command given" + HINT + "\n", err)


HELP = """\
usage: runas [options] [VAR=VALUE ...] [--] command [argument ...]
       runas [options] -s | -i [command [argument ...]]
       runas -e [-u USER] [-g GROUP] FILE ...   (or: runasedit FILE ...)
       runas -l [-U USER] [-u USER] [command]
       runas -h | -v | --check | -k | -K

Run a command as root (or another user) after asking for your own
password. Only root and members of the group wheel may use runas.

options:
  -u, --user USER          run as USER (a name or #UID); default root
  -g, --group GROUP        primary group GROUP (a name or #GID); alone,
                           you stay yourself with that group
  -s, --shell              run $SHELL if /etc/shells lists it, else the
                           target's shell (a command goes to -c)
  -i, --login              run the target's login shell in its home
                           (a command goes to -c)
  -E                       keep your environment (never LD_*, ...)
      --preserve-env LIST  keep these variables (comma separated)
      --env VAR=VALUE      set a variable (repeatable; so do VAR=VALUE
                           words before the command)
  -D, --chdir DIR          run the command in DIR (default: here)
  -e, --edit               edit FILEs as the target: your editor runs as
                           you on copies, which runas writes back
  -b, --background         start the command in the background and
                           return at once (no pty)
  -C, --close-from N       keep descriptors 3 to N-1 open for the
                           command (scopex only)
  -P, --preserve-groups    the command keeps your supplementary groups
      --pty, --no-pty      give the command a terminal of its own (the
                           default for another user on a terminal), or not
  -H, --set-home           HOME is the target's (always; accepted)
  -n, --non-interactive    never prompt; fail if a password is needed
  -S, --stdin              read the password from standard input
  -A, --askpass            read it from the helper named by RUNAS_ASKPASS
  -B, --bell               ring the bell before a prompt on the terminal
  -p, --prompt TEXT        password prompt (%u you, %U target, %h host,
                           %H full host, %p whose password, %% a %)
  -k, --reset-timestamp    accepted; runas keeps no credential cache
  -K, --remove-timestamp   accepted; same (and stands alone)
  -l, --list               may you use runas, and through which backend;
                           with a command, the full path that would run
  -U, --other-user USER    with -l: may USER use runas
  -h, --help               show this help and exit
  -v, -V, --version        show version, traits, backend and ABI
      --check              check the installation (no password needed)
      --                   end of options
"""


if __name__ == "__main__":
    unittest.main()
