"""test_environment.py: the command's environment through the installed
setuid runas: what is always set, what is kept from the caller, -E and
--preserve-env and the variables they never pass, VAR=VALUE words, -g and
-D; then the same decisions reaching systemd-run and run0 as --setenv."""
import os
import unittest

from support.accounts import SHA512, wheel_member
from support.cases import SandboxTest
from support.cli_checks import env_of

ALICE = wheel_member("alice", 2001, "correct horse battery", groups=("users",))
BOB = wheel_member("bob", 2002, "b0b's\tpass word", hash=SHA512)
PROJ = ("proj", 3000)   # a group that is no account's own
SAFE_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"


class EnvironmentTests(SandboxTest):
    accounts = (ALICE, BOB)
    sandbox = {"groups": (PROJ,)}
    DANGEROUS = {
        "LD_PRELOAD": "/tmp/evil.so", "LD_LIBRARY_PATH": "/tmp", "GCONV_PATH": "/tmp", "GLIBC_TUNABLES": "x",
        "LOCPATH": "/tmp", "NLSPATH": "/tmp/%N", "HOSTALIASES": "/tmp/h", "RES_OPTIONS": "debug",
        "BASH_ENV": "/tmp/e", "ENV": "/tmp/e", "BASH_FUNC_ls%%": "() { id; }", "SHELLOPTS": "xtrace",
        "PS4": "$(id)", "IFS": "/", "CDPATH": "/tmp", "PYTHONPATH": "/tmp", "PERL5LIB": "/tmp",
        "RUBYOPT": "-r/tmp/x", "NODE_OPTIONS": "--require /tmp/x", "SWIFT_BACKTRACE": "enable=yes",
        "INNOCENT": "() { :; }", "PERLLIB": "/tmp", "RUBYLIB": "/tmp",
        "JAVA_TOOL_OPTIONS": "-javaagent:/tmp/a.jar", "TERMINFO": "/tmp/ti", "TERMINFO_DIRS": "/tmp/ti",
        "ZDOTDIR": "/tmp",
    }

    def test_always_set(self):
        r = self.runas(ALICE, ["-u", "bob", "env"], password=ALICE.password,
                       env={"HOME": "/home/alice", "PATH": "/home/alice/bin:/usr/bin", "TERM": "xterm"})
        self.assertEqual(r.rc, 0, r)
        e = env_of(r.out)
        self.assertEqual({k: e.get(k) for k in ("HOME", "USER", "LOGNAME", "SHELL", "PATH", "TERM", "SUDO_USER",
                                                "SUDO_UID", "SUDO_GID", "SUDO_COMMAND", "RUNAS_USER")},
                         {"HOME": "/home/bob", "USER": "bob", "LOGNAME": "bob", "SHELL": "/bin/sh",
                          "PATH": SAFE_PATH, "TERM": "xterm", "SUDO_USER": "alice", "SUDO_UID": "2001",
                          "SUDO_GID": "2001", "SUDO_COMMAND": "/usr/bin/env", "RUNAS_USER": "alice"})
        r = self.runas(ALICE, ["env"], password=ALICE.password, env={"TERM": ""})
        self.assertEqual(env_of(r.out)["TERM"], "unknown")

    def test_sudo_home_and_sudo_tty_without_a_terminal(self):
        """SUDO_HOME is the caller's home; without a terminal there is no
        SUDO_TTY, and the caller's own never passes, even with -E."""
        caller = {"SUDO_TTY": "/dev/pts/99", "SUDO_HOME": "/elsewhere"}
        for keep in ([], ["-E"], ["--preserve-env=SUDO_TTY,SUDO_HOME"]):
            r = self.runas(ALICE, keep + ["-u", "bob", "env"], password=ALICE.password, env=caller)
            self.assertEqual(r.rc, 0, r)
            e = env_of(r.out)
            self.assertEqual(e.get("SUDO_HOME"), "/home/alice", keep)
            self.assertNotIn("SUDO_TTY", e, keep)

    def test_sudo_tty_is_the_callers_terminal(self):
        t = self.box.terminal(ALICE, ["sh", "-c", "echo SUDO_TTY=$SUDO_TTY. SUDO_HOME=$SUDO_HOME."],
                              env={"SUDO_TTY": "/dev/pts/99"})
        self.addCleanup(t.close)
        t.expect("password for alice: ")
        t.send(ALICE.password + "\n")
        t.expect("SUDO_TTY=%s. SUDO_HOME=/home/alice." % t.slave_path)

    def test_kept_from_the_caller(self):
        caller = {"DISPLAY": ":0", "WAYLAND_DISPLAY": "wayland-0", "XAUTHORITY": "/home/alice/.Xauthority",
                  "COLORTERM": "truecolor", "LANG": "de_DE.UTF-8", "LANGUAGE": "de:en", "LC_TIME": "C",
                  "TZ": "Europe/Berlin", "SSH_AUTH_SOCK": "/tmp/ssh-x/agent.1", "COLORS": "/etc/DIR_COLORS",
                  "LS_COLORS": "di=01;34"}
        unsafe = {"LC_ALL": "../../tmp/x", "LC_MESSAGES": "de%n", "EDITOR": "vim"}
        r = self.runas(ALICE, ["env"], password=ALICE.password, env=dict(caller, **unsafe))
        e = env_of(r.out)
        for k, v in caller.items():
            self.assertEqual(e.get(k), v, k)
        for k in unsafe:
            self.assertNotIn(k, e)
        for tz in ("/etc/passwd", "../../../etc/shadow", ":/usr/share/zoneinfo/../../../etc/shadow"):
            r = self.runas(ALICE, ["env"], password=ALICE.password, env={"TZ": tz})
            self.assertNotIn("TZ", env_of(r.out), tz)
        r = self.runas(ALICE, ["env"], password=ALICE.password, env={"TZ": "/usr/share/zoneinfo/UTC"})
        self.assertEqual(env_of(r.out)["TZ"], "/usr/share/zoneinfo/UTC")

    def test_dash_E_keeps_everything_but_the_dangerous(self):
        r = self.runas(ALICE, ["-E", "env"], password=ALICE.password,
                       env=dict(self.DANGEROUS, EDITOR="vim", MY_VAR="x y", HOME="/home/alice"))
        self.assertEqual(r.rc, 0, r)
        e = env_of(r.out)
        self.assertEqual((e.get("EDITOR"), e.get("MY_VAR"), e["HOME"], e["PATH"]),
                         ("vim", "x y", "/root", SAFE_PATH))
        for name in self.DANGEROUS:
            self.assertNotIn(name, e)
        self.assertNotIn("() {", r.out)

    def test_preserve_env_list_has_the_same_exceptions(self):
        r = self.runas(ALICE, ["--preserve-env=EDITOR," + ",".join(n for n in self.DANGEROUS if "%" not in n),
                               "env"], password=ALICE.password, env=dict(self.DANGEROUS, EDITOR="vim"))
        self.assertEqual(r.rc, 0, r)
        e = env_of(r.out)
        self.assertEqual(e.get("EDITOR"), "vim")
        for name in self.DANGEROUS:
            self.assertNotIn(name, e)

    def test_explicit_assignments_may_set_anything_and_are_logged(self):
        r = self.runas(ALICE, ["--env", "LD_LIBRARY_PATH=/opt/lib", "-u", "bob", "PYTHONPATH=/opt/py",
                               "HOME=/srv", "env"], password=ALICE.password)
        self.assertEqual(r.rc, 0, r)
        e = env_of(r.out)
        self.assertEqual((e["LD_LIBRARY_PATH"], e["PYTHONPATH"], e["HOME"]), ("/opt/lib", "/opt/py", "/srv"))
        self.assertEqual(self.box.runas_log(), [
            "alice : TTY=unknown ; PWD=/ ; USER=bob ; ENV=LD_LIBRARY_PATH=/opt/lib PYTHONPATH=/opt/py HOME=/srv ; "
            "COMMAND=/usr/bin/env"])

    def test_assignment_words_stop_at_the_command(self):
        r = self.runas(ALICE, ["A=1", "printf", "%s\\n", "B=2"], password=ALICE.password)
        self.assertEqual((r.rc, r.out), (0, "B=2\n"), r)

    def test_group_is_logged(self):
        r = self.runas(ALICE, ["-u", "bob", "-g", "proj", "true"], password=ALICE.password)
        self.assertEqual(r.rc, 0, r)
        self.assertEqual(self.box.runas_log(),
                         ["alice : TTY=unknown ; PWD=/ ; USER=bob ; GROUP=proj ; COMMAND=/usr/bin/true"])

    def test_chdir_as_the_target(self):
        os.makedirs(os.path.join(self.box.shared, "dir with space"))
        private = os.path.join(self.box.dir, "private")
        os.mkdir(private, 0o700)
        r = self.runas(ALICE, ["-u", "bob", "-D", os.path.join(self.box.shared, "dir with space"), "pwd"],
                       password=ALICE.password)
        self.assertEqual((r.rc, r.out), (0, os.path.join(self.box.shared, "dir with space") + "\n"), r)
        r = self.runas(ALICE, ["-u", "bob", "-D", private, "pwd"], password=ALICE.password)
        self.assertEqual((r.rc, r.out), (1, ""), r)
        self.assertTrue(r.err.endswith("runas: scopex: cannot change directory to %s: Permission denied\n"
                                       % private), r)
        r = self.runas(ALICE, ["-D", "/no/such/dir", "pwd"], password=ALICE.password)
        self.assertEqual(r.rc, 1, r)
        self.assertTrue(r.err.endswith("runas: scopex: cannot change directory to /no/such/dir: "
                                       "No such file or directory\n"), r)


class ServiceManagerEnvironmentTests(SandboxTest):
    accounts = (ALICE,)
    backend = "systemd-run"

    def test_the_same_decisions_reach_systemd_run_as_setenv(self):
        self.box.write_env_file("* FROM_FILE=1\n")
        r = self.runas(ALICE, ["-E", "A=1", "true"], password=ALICE.password,
                       env={"LD_PRELOAD": "/tmp/x.so", "MY_VAR": "kept"})
        self.assertEqual(r.rc, 0, r)
        argv = self.box.stub_record("systemd-run")["argv"]
        setenv = [a for a in argv[:argv.index("--")] if a.startswith("--setenv=")]
        names = [a.split("=", 2)[1] for a in setenv]
        self.assertEqual(len(names), len(set(names)))
        for wanted in ("--setenv=A=1", "--setenv=MY_VAR=kept", "--setenv=FROM_FILE=1",
                       "--setenv=PATH=" + SAFE_PATH, "--setenv=SUDO_USER=alice"):
            self.assertIn(wanted, setenv)
        self.assertNotIn("LD_PRELOAD", names)

    def test_login_shell_gets_dash_l(self):
        r = self.runas(ALICE, ["-i", "true"], password=ALICE.password)
        self.assertEqual(r.rc, 0, r)
        argv = self.box.stub_record("systemd-run")["argv"]
        self.assertIn("--working-directory=/root", argv)
        self.assertEqual(argv[argv.index("--"):], ["--", "/bin/sh", "-l", "-c", "true"])


class Run0EnvironmentTests(SandboxTest):
    accounts = (ALICE,)
    backend = "run0"

    def test_login_shell_and_setenv(self):
        r = self.runas(ALICE, ["-i", "B=2", "true"], password=ALICE.password)
        self.assertEqual(r.rc, 0, r)
        argv = self.box.stub_record("run0")["argv"]
        self.assertIn("--chdir=/root", argv)
        self.assertIn("--setenv=B=2", argv)
        self.assertEqual(argv[argv.index("--"):], ["--", "/bin/sh", "-l", "-c", "true"])


if __name__ == "__main__":
    unittest.main()
