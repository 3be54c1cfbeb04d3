"""The scenarios every backend passes: BackendScenarios, run through
scopex, systemd-run (with and without --expand-environment) and run0, with
the installed setuid runas run for real as test users in the sandbox
(support/sandbox.py); then what each backend adds of its own (the argv it
gives systemd-run or run0, how a killed command is reported).

systemd is not PID 1 here, so systemd-run and run0 are STUBS mounted at
their real paths (support/stubs/): they record their argv and run the
command the way the real tools do. scopex runs the command itself, for real.
"""
import os
import re
import subprocess
import unittest

from support.accounts import ROOT, SHA512, wheel_member
from support.sandbox import Sandbox

ALICE = wheel_member("alice", 2001, "correct horse battery", groups=("users",))   # the caller
BOB = wheel_member("bob", 2002, "b0b's\tpass word", hash=SHA512)                  # a caller with a SHA-512 hash
PROJ = ("proj", 3000)   # a group for -g


class BackendScenarios:
    """Scenarios every backend must pass. Subclasses set `backend`, and
    optionally `core` and `systemd_version`."""
    accounts = (ALICE, BOB)
    core = "shadow"
    backend = None
    systemd_version = 257

    def setUp(self):
        self.box = Sandbox(accounts=self.accounts, groups=(PROJ,), core=self.core, backend=self.backend,
                           systemd_version=self.systemd_version)
        self.addCleanup(self.box.close)

    def runas(self, user, args, password=None, **kw):
        stdin = None if password is None else password + "\n"
        return self.box.run(user, (["-S"] if password is not None else []) + list(args), stdin=stdin, **kw)

    def marker(self):
        return os.path.join(self.box.shared, "ran")

    def test_wheel_member_runs_command_as_root(self):
        r = self.runas(ALICE, ["id"], password=ALICE.password)
        self.assertEqual(r.rc, 0, r)
        self.assertEqual(r.out, "uid=0(root) gid=0(root) groups=0(root)\n")
        self.assertIn("[runas] password for alice: ", r.err)

    def test_sha512_user_runs_command_as_another_user(self):
        r = self.runas(BOB, ["-u", "nobody", "id"], password=BOB.password)
        self.assertEqual(r.rc, 0, r)
        # The target's ids and groups only: none of bob's (wheel) leak.
        self.assertEqual(r.out, "uid=65534(nobody) gid=65534(nogroup) groups=65534(nogroup)\n")

    def test_wrong_password_is_refused_and_nothing_runs(self):
        r = self.runas(ALICE, ["/usr/bin/touch", self.marker()], password="not the password")
        self.assertEqual(r.rc, 1, r)
        self.assertIn("runas: sorry, try again.", r.err)
        self.assertIn("runas: 1 incorrect password attempt", r.err)
        self.assertFalse(os.path.exists(self.marker()))
        self.assertIsNone(self.box.stub_record("systemd-run"))
        self.assertIsNone(self.box.stub_record("run0"))

    def test_root_is_not_prompted(self):
        r = self.box.run(ROOT, ["-u", "nobody", "id", "-u"])
        self.assertEqual((r.rc, r.out, r.err), (0, "65534\n", ""))

    def test_exit_status_comes_back(self):
        r = self.runas(ALICE, ["sh", "-c", "exit 42"], password=ALICE.password)
        self.assertEqual(r.rc, 42, r)

    def test_dollar_in_arguments_reaches_command_unexpanded(self):
        r = self.runas(ALICE, ["printf", "%s|", "$HOME", "${USER}", "$$"], password=ALICE.password)
        self.assertEqual((r.rc, r.out), (0, "$HOME|${USER}|$$|"), r)

    def test_environment_is_built_from_an_allow_list(self):
        r = self.runas(ALICE, ["--env", "FOO=bar baz", "--preserve-env", "KEEPME,LD_PRELOAD", "-u", "nobody",
                               "env"], password=ALICE.password,
                       env={"KEEPME": "kept", "LD_PRELOAD": "/tmp/evil.so", "DROPME": "x",
                            "PATH": "/home/alice/bin:/usr/bin:/bin"})
        self.assertEqual(r.rc, 0, r)
        env = dict(line.split("=", 1) for line in r.out.splitlines() if "=" in line)
        self.assertEqual(env["FOO"], "bar baz")
        self.assertEqual(env["KEEPME"], "kept")
        self.assertNotIn("LD_PRELOAD", env)
        self.assertNotIn("DROPME", env)
        self.assertEqual(env["PATH"], "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin")
        self.assertEqual((env["HOME"], env["USER"], env["LOGNAME"]), ("/nonexistent", "nobody", "nobody"))
        self.assertEqual((env["SUDO_USER"], env["SUDO_UID"], env["SUDO_GID"]), ("alice", "2001", "2001"))
        self.assertEqual(env["RUNAS_USER"], "alice")
        self.assertEqual(env["SUDO_COMMAND"], "/usr/bin/env")

    def test_group_option_without_user_keeps_the_caller(self):
        r = self.runas(ALICE, ["-g", "proj", "id", "-un"], password=ALICE.password)
        self.assertEqual((r.rc, r.out), (0, "alice\n"), r)
        r = self.runas(ALICE, ["-g", "proj", "id", "-gn"], password=ALICE.password)
        self.assertEqual((r.rc, r.out), (0, "proj\n"), r)

    def test_chdir(self):
        r = self.runas(ALICE, ["-D", "/usr/share", "pwd"], password=ALICE.password)
        self.assertEqual((r.rc, r.out), (0, "/usr/share\n"), r)

    def test_command_from_the_safe_path_only(self):
        r = self.runas(ALICE, ["no-such-command-here"], password=ALICE.password)
        self.assertEqual(r.rc, 127, r)
        self.assertIn("runas: no-such-command-here: command not found", r.err)
        r = self.runas(ALICE, ["/etc/passwd"], password=ALICE.password)
        self.assertEqual(r.rc, 126, r)

    def test_non_interactive_refuses_when_a_password_is_needed(self):
        r = self.box.run(ALICE, ["-n", "id"])
        self.assertEqual(r.rc, 1, r)
        self.assertEqual(r.err, "runas: a password is required\n")

    def test_pseudo_terminal_prompt(self):
        r = self.box.run_on_terminal(ALICE, ["id", "-u"],
                                     answers=[("password for alice: ", ALICE.password + "\n")])
        self.assertEqual(r.rc, 0, r)
        self.assertIn("[runas] password for alice: ", r.out)
        self.assertNotIn(ALICE.password, r.out)  # echo was off
        self.assertTrue(r.out.rstrip().endswith("0"), r)

    def test_shell_option_runs_the_target_shell_with_the_command(self):
        r = self.runas(ALICE, ["-u", "nobody", "-s", "echo", "$0:", "$(id", "-un)"], password=ALICE.password)
        self.assertEqual((r.rc, r.out), (0, "/bin/sh: nobody\n"), r)

    def test_arguments_pass_byte_for_byte(self):
        args = [b"/usr/bin/printf", b"%s|", b"\xff\xfe", b"a\\b", b"-u", b" lead", b"tab\there"]
        cmd = self.box.command(ALICE, [b"-S"] + args)
        p = subprocess.run(cmd, input=(ALICE.password + "\n").encode(), capture_output=True,
                           env=self.box.environment(ALICE), timeout=60, cwd="/")
        self.assertEqual(p.returncode, 0, p)
        self.assertEqual(p.stdout, b"\xff\xfe|a\\b|-u| lead|tab\there|")

    def test_pseudo_terminal_prompt_for_another_user(self):
        r = self.box.run_on_terminal(BOB, ["-u", "nobody", "id", "-un"],
                                     answers=[("password for bob: ", BOB.password + "\n")])
        self.assertEqual(r.rc, 0, r)
        self.assertNotIn(BOB.password, r.out)
        self.assertTrue(r.out.rstrip().endswith("nobody"), r)

    def test_version_names_the_installed_backend(self):
        r = self.box.run(ALICE, ["--version"])
        self.assertEqual(r.rc, 0, r)
        self.assertIn("backend: %s " % self.backend, r.out)
        self.assertIn("(ABI 1.5) at /usr/local/lib/runas/backend.so", r.out)


class ScopexTests(BackendScenarios, unittest.TestCase):
    backend = "scopex"

    def test_killed_command_kills_runas_with_the_same_signal(self):
        r = self.runas(ALICE, ["sh", "-c", "kill -TERM $$"], password=ALICE.password)
        self.assertEqual(r.rc, -15, r)


class SystemdRunTests(BackendScenarios, unittest.TestCase):
    backend = "systemd-run"

    def test_argv_given_to_systemd_run(self):
        r = self.runas(ALICE, ["-u", "nobody", "--env", "A=1", "true", "x y"], password=ALICE.password)
        self.assertEqual(r.rc, 0, r)
        rec = self.box.stub_record("systemd-run")
        argv = rec["argv"]
        self.assertEqual(argv[0], "/usr/bin/systemd-run")
        for flag in ["--uid=65534", "--gid=65534", "--quiet", "--collect", "--send-sighup",
                     "--service-type=exec", "--wait", "--pipe", "--working-directory=/",
                     "--setenv=A=1", "--expand-environment=false"]:
            self.assertIn(flag, argv)
        self.assertEqual(argv[argv.index("--"):], ["--", "/usr/bin/true", "x y"])
        # No terminal: runas names the unit, to pass signals on to it.
        self.assertEqual(len([a for a in argv if re.fullmatch(r"--unit=runas-\d+-[0-9a-f]{8}\.service", a)]), 1)
        # systemd-run itself gets a minimal environment, not the command's.
        self.assertEqual(sorted(rec["environ"]), ["PATH", "TERM"])

    def test_pty_on_a_terminal_pipe_otherwise(self):
        r = self.box.run_on_terminal(ALICE, ["true"], answers=[("password for alice: ", ALICE.password + "\n")])
        self.assertEqual(r.rc, 0, r)
        argv = self.box.stub_record("systemd-run")["argv"]
        self.assertIn("--pty", argv)
        self.assertNotIn("--pipe", argv)

    def test_killed_command_reports_what_systemd_reports(self):
        # systemd-run --wait turns a SIGTERM death into exit status 0
        # (measured, design.md §7); runas passes that on.
        r = self.runas(ALICE, ["sh", "-c", "kill -TERM $$"], password=ALICE.password)
        self.assertEqual(r.rc, 0, r)


class SystemdRunWithoutExpandEnvTests(BackendScenarios, unittest.TestCase):
    """The WithoutExpandEnv build against a systemd-run that has no
    --expand-environment and always expands (systemd 252, Debian 12)."""
    core = "noexpand"
    backend = "systemd-run"
    systemd_version = 252

    def test_no_expand_environment_flag(self):
        r = self.runas(ALICE, ["true"], password=ALICE.password)
        self.assertEqual(r.rc, 0, r)
        argv = self.box.stub_record("systemd-run")["argv"]
        self.assertFalse(any(a.startswith("--expand-environment") for a in argv))


class Run0Tests(BackendScenarios, unittest.TestCase):
    backend = "run0"

    def test_argv_given_to_run0(self):
        r = self.runas(ALICE, ["-u", "nobody", "-g", "users", "-D", "/tmp", "true"], password=ALICE.password)
        self.assertEqual(r.rc, 0, r)
        argv = self.box.stub_record("run0")["argv"]
        self.assertEqual(argv[0], "/usr/bin/run0")
        for flag in ["--user=65534", "--group=100", "--chdir=/tmp", "--background=",
                     "--shell-prompt-prefix="]:
            self.assertIn(flag, argv)
        self.assertEqual(len([a for a in argv if re.fullmatch(r"--unit=runas-\d+-[0-9a-f]{8}\.service", a)]), 1)
        self.assertEqual(argv[argv.index("--"):], ["--", "/usr/bin/true"])


if __name__ == "__main__":
    unittest.main()
