"""test_cli.py: the sudo-like command line and the command's environment,
as a user sees them through the installed setuid runas (scopex backend
unless a test says otherwise): what the command gets, what runas prints,
exit statuses, log lines. --help and --version are pinned here.
"""
import os
import re
import subprocess
import time
import unittest

from support.legacy_accounts import ALICE, BOB, CAROL, USERS, user
from support.paths import REPO, RUNAS, support_file
from support.cases import SandboxTest
from support.sandbox import Sandbox
from support.terminal import Terminal
ROOT = USERS[0]
HINT = " (see 'runas --help')"
SAFE_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"


def env_of(text):
    return dict(line.split("=", 1) for line in text.splitlines() if "=" in line)


class HelpAndVersionTests(SandboxTest):
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


class UsageErrorTests(SandboxTest):
    CASES = [
        (["-x", "id"], "unknown option: -x"),
        (["--bogus", "id"], "unknown option: --bogus"),
        (["-u"], "option -u requires a value"),
        (["--user"], "option --user requires a value"),
        (["--chdir="], "option --chdir requires a value"),
        (["--"], "no command given"),
        (["-n"], "no command given"),
        (["A=1", "B=2"], "no command given"),
        (["-s", "-i"], "-s and -i cannot be used together"),
        (["-i", "-D", "/tmp"], "-i and -D cannot be used together (-i runs in the target's home)"),
        (["-A", "-S", "id"], "-A and -S cannot be used together"),
        (["-h", "id"], "-h takes no command"),
        (["--version", "id"], "--version takes no command"),
        (["--check", "id"], "--check takes no command"),
        (["-l", "--check"], "-l and --check cannot be used together"),
        (["-K", "id"], "-K takes no command"),
        (["--shell=yes"], "option --shell takes no value"),
        (["--env", "NOEQUALS", "id"], "--env wants VAR=VALUE, got 'NOEQUALS'"),
    ]

    def test_usage_errors_are_one_line_with_a_hint(self):
        for args, message in self.CASES:
            with self.subTest(args=args):
                self.assertRefused(self.box.run(ALICE, args), message + HINT)
        # Usage errors are not security events: nothing is logged.
        self.assertEqual(self.box.runas_log(), [])


class TimestampTests(SandboxTest):
    def test_k_and_K_alone_do_nothing(self):
        for args in (["-k"], ["-K"], ["--reset-timestamp"], ["--remove-timestamp"]):
            with self.subTest(args=args):
                r = self.box.run(ALICE, args)
                self.assertEqual((r.rc, r.out, r.err), (0, "", ""), r)

    def test_k_with_a_command_still_runs_it_and_still_asks(self):
        r = self.runas(ALICE, ["-k", "id", "-u"], password=ALICE.password)
        self.assertEqual((r.rc, r.out), (0, "0\n"), r)
        self.assertIn("password for alice", r.err)


class IdTests(SandboxTest):
    def test_numeric_uid(self):
        r = self.runas(ALICE, ["-u", "#2002", "id", "-un"], password=ALICE.password)
        self.assertEqual((r.rc, r.out), (0, "bob\n"), r)

    def test_option_spellings(self):
        # Combined flags with an attached value, --long=value, and -H.
        for args in (["-HSu#2002"], ["-S", "--user=bob", "--set-home"], ["-S", "--user", "bob", "-H"]):
            with self.subTest(args=args):
                r = self.box.run(ALICE, args + ["sh", "-c", "id -un; echo $HOME"], stdin=ALICE.password + "\n")
                self.assertEqual((r.rc, r.out), (0, "bob\n/home/bob\n"), r)

    def test_digit_name_is_a_name_first(self):
        # A user is called "65534" (uid 2030); nobody's uid is 65534.
        r = self.runas(ALICE, ["-u", "65534", "id", "-u"], password=ALICE.password)
        self.assertEqual((r.rc, r.out), (0, "2030\n"), r)

    def test_digits_that_name_nobody_are_a_uid(self):
        r = self.runas(ALICE, ["-u", "2002", "id", "-un"], password=ALICE.password)
        self.assertEqual((r.rc, r.out), (0, "bob\n"), r)

    def test_numeric_gid(self):
        r = self.runas(ALICE, ["-u", "nobody", "-g", "#3000", "id", "-gn"], password=ALICE.password)
        self.assertEqual((r.rc, r.out), (0, "proj\n"), r)

    def test_bad_ids_are_refused_before_any_prompt(self):
        for args, message in [
            (["-u", "#-1"], "invalid user id: #-1"),
            (["-u", "#4294967295"], "invalid user id: #4294967295"),
            (["-u", "#99999999999"], "invalid user id: #99999999999"),
            (["-u", "#+1"], "invalid user id: #+1"),
            (["-u", "# 1"], "invalid user id: # 1"),
            (["-u", "#0x10"], "invalid user id: #0x10"),
            (["-u", "#"], "invalid user id: #"),
            (["-g", "#-1"], "invalid group id: #-1"),
            (["-u", "#4242"], "unknown user: #4242"),
            (["-u", "4294967295"], "unknown user: 4294967295"),
            (["-u", "no-such-user"], "unknown user: no-such-user"),
            (["-g", "no-such-group"], "unknown group: no-such-group"),
            (["-g", "#4242"], "unknown group: #4242"),
        ]:
            with self.subTest(args=args):
                self.assertRefused(self.box.run(ALICE, ["-S"] + args + ["id"], stdin=ALICE.password + "\n"),
                                   message)


class ShellTests(SandboxTest):
    def test_s_runs_the_callers_shell_when_listed(self):
        r = self.runas(ALICE, ["-s", "echo", "$0", "$(id -u)"], password=ALICE.password,
                       env={"SHELL": "/bin/bash"})
        self.assertEqual((r.rc, r.out), (0, "/bin/bash 0\n"), r)

    def test_s_falls_back_to_the_targets_shell(self):
        for shell in ("/tmp/not-listed", "bash", ""):
            with self.subTest(shell=shell):
                r = self.runas(ALICE, ["-s", "echo $0"], password=ALICE.password, env={"SHELL": shell})
                self.assertEqual((r.rc, r.out), (0, "/bin/sh\n"), r)

    def test_s_without_a_command_is_an_interactive_shell(self):
        r = self.runas(ALICE, ["-s"], password=ALICE.password + "\necho from-stdin $(id -u)",
                       env={"SHELL": "/bin/bash"})
        self.assertEqual((r.rc, r.out), (0, "from-stdin 0\n"), r)

    def test_i_is_a_login_shell_in_the_targets_home(self):
        r = self.runas(ALICE, ["-i", "echo", "$0", "$PWD", "$HOME"], password=ALICE.password,
                       env={"SHELL": "/bin/bash"})
        self.assertEqual(r.rc, 0, r)
        # A login shell reads /etc/profile and ~/.profile first; our line is last.
        self.assertEqual(r.out.splitlines()[-1], "-sh /root /root", r)

    def test_i_into_a_missing_home_falls_back_to_root_dir_with_a_warning(self):
        r = self.runas(ALICE, ["-i", "-u", "nobody", "pwd"], password=ALICE.password)
        self.assertEqual((r.rc, r.out.splitlines()[-1:]), (0, ["/"]), r)
        self.assertIn("runas: warning: cannot enter /nonexistent, using /\n", r.err)

    def test_log_names_the_shell(self):
        r = self.runas(ALICE, ["-s", "true"], password=ALICE.password, env={"SHELL": "/bin/bash"})
        self.assertEqual(r.rc, 0, r)
        self.assertEqual(self.box.runas_log(),
                         ["alice : TTY=unknown ; PWD=/ ; USER=root ; COMMAND=/bin/bash -c true"])


class ListTests(SandboxTest):
    sandbox = {"runas_mode": 0o4755}  # so that carol can run it at all

    def test_member(self):
        r = self.box.run(ALICE, ["-l"])
        self.assertEqual((r.rc, r.err), (0, ""), r)
        self.assertEqual(r.out, "alice may run any command as any user with runas (a member of the group wheel)\n"
                                "backend: scopex 0.6.0 (ABI 1.5) at /usr/local/lib/runas/backend.so\n")

    def test_root(self):
        r = self.box.run(ROOT, ["--list"])
        self.assertEqual(r.rc, 0, r)
        self.assertTrue(r.out.startswith("root may run any command as any user with runas (root)\n"), r)

    def test_non_member(self):
        r = self.box.run(CAROL, ["-l"])
        self.assertEqual((r.rc, r.out, r.err), (1, "carol may not use runas (not a member of the group wheel)\n", ""))
        r = self.box.run(CAROL, ["-l", "id"])
        self.assertEqual(r.rc, 1, r)

    def test_with_a_command_prints_its_path_and_asks_nothing(self):
        r = self.box.run(ALICE, ["-l", "id"])
        self.assertEqual((r.rc, r.out, r.err), (0, "/usr/bin/id\n", ""), r)
        r = self.box.run(ALICE, ["-l", "-u", "nobody", "no-such-command-here"])
        self.assertEqual((r.rc, r.out, r.err), (127, "", "runas: no-such-command-here: command not found\n"), r)
        r = self.box.run(ALICE, ["-l", "-u", "no-such-user", "id"])
        self.assertRefused(r, "unknown user: no-such-user")

    def test_with_a_command_tells_nothing_about_root_only_directories(self):
        # Found in review: the lookup ran as root before any password, so the
        # answer told which files exist where only root can look.
        secret = os.path.join(self.box.shared, "root-only")
        os.mkdir(secret, 0o700)
        with open(os.path.join(secret, "prog"), "w") as f:
            f.write("#!/bin/sh\n")
        os.chmod(os.path.join(secret, "prog"), 0o755)
        there = self.box.run(ALICE, ["-l", os.path.join(secret, "prog")])
        absent = self.box.run(ALICE, ["-l", os.path.join(secret, "absent")])
        self.assertEqual(there.out, "", there)
        self.assertEqual((there.rc, there.err.replace("/prog", "/X")),
                         (absent.rc, absent.err.replace("/absent", "/X")), (there, absent))
        # root itself still gets the answer.
        r = self.box.run(ROOT, ["-l", os.path.join(secret, "prog")])
        self.assertEqual((r.rc, r.out), (0, os.path.join(secret, "prog") + "\n"), r)


class CheckTests(SandboxTest):
    sandbox = {"runas_mode": 0o4755}

    def test_all_good_with_scopex(self):
        r = self.box.run(ALICE, ["--check"])
        self.assertEqual((r.rc, r.err), (0, ""), r)
        self.assertEqual(r.out, (
            "ok    /usr/local/bin/runas is setuid root (mode 4755)\n"
            "ok    /usr/local/bin/runas is writable only by root\n"
            "ok    runas runs as the machine's root (effective uid 0)\n"
            "ok    backend scopex 0.6.0 (ABI 1.5) at /usr/local/lib/runas/backend.so passes the loader's checks\n"
            "ok    the group wheel exists\n"
            "ok    you (alice) are a member of wheel\n"
            "all checks passed\n"))

    def test_non_member(self):
        r = self.box.run(CAROL, ["--check"])
        self.assertEqual(r.rc, 1, r)
        self.assertIn("FAIL  you (carol) are a member of wheel: as root: usermod -aG wheel carol, "
                      "then log in again\n", r.out)
        self.assertTrue(r.out.endswith("1 check(s) failed\n"), r)

    def test_nothing_is_logged_and_nothing_asked(self):
        self.box.run(ALICE, ["--check"])
        self.assertEqual(self.box.runas_log(), [])


class CheckFailureTests(unittest.TestCase):
    def test_broken_backend(self):
        with Sandbox(backend_mode=0o666) as box:
            r = box.run(ALICE, ["--check"])
            self.assertEqual(r.rc, 1, r)
            self.assertIn("FAIL  backend at /usr/local/lib/runas/backend.so: backend "
                          "/usr/local/lib/runas/backend.so is writable by group or others, refusing to load it; "
                          "install one with ./install.sh --backend NAME (or a runas-backend-NAME package)\n", r.out)

    def test_systemd_run_backend_wants_systemd(self):
        with Sandbox(backend="systemd-run") as box:
            r = box.run(ALICE, ["--check"])
            self.assertIn("ok    systemd-run program /usr/bin/systemd-run exists\n", r.out)  # the stub
            self.assertIn("ok    systemctl /usr/bin/systemctl exists (passes signals on to the command)\n", r.out)
            if os.path.isdir("/run/systemd/system"):
                self.assertIn("ok    systemd is running (/run/systemd/system)\n", r.out)
            else:
                self.assertEqual(r.rc, 1, r)
                self.assertIn("FAIL  systemd is running (/run/systemd/system): the systemd-run backend needs "
                              "systemd as the service manager; install the scopex backend instead\n", r.out)

    CHECK_OPTIONS = "/usr/bin/%s accepts the options the %s backend passes"

    def test_a_backend_built_for_a_newer_systemd_run_fails_the_check(self):
        # Was: --check passed, and every command then failed with
        # "unrecognized option '--expand-environment=false'".
        with Sandbox(backend="systemd-run", systemd_version=252) as box:
            r = box.run(ALICE, ["--check"])
            self.assertEqual(r.rc, 1, r)
            self.assertIn("FAIL  " + self.CHECK_OPTIONS % ("systemd-run", "systemd-run") +
                          ": it said \"systemd-run: unrecognized option '--expand-environment'\": this backend was "
                          "built for a newer systemd; install the one built for this systemd (./install.sh --backend "
                          "systemd-run --plugin-only, which adds WithoutExpandEnv on systemd < 254, or your "
                          "distribution's runas-backend-systemd-run package)\n", r.out)
            # It ran as the caller, with nothing of the caller's environment.
            record = box.stub_record("systemd-run", caller=True)
            self.assertEqual(record["ids"][0], [ALICE.uid] * 3)
            self.assertEqual(record["environ"], {})
            self.assertEqual(record["argv"][-1], "--version")

    def test_the_right_builds_pass_the_check(self):
        for core, backend, version in (("shadow", "systemd-run", 257), ("noexpand", "systemd-run", 252),
                                       ("shadow", "run0", 257)):
            with self.subTest(core=core, backend=backend, systemd=version), \
                    Sandbox(core=core, backend=backend, systemd_version=version) as box:
                r = box.run(ALICE, ["--check"])
                self.assertIn("ok    " + self.CHECK_OPTIONS % (backend, backend) + "\n", r.out)

    def test_the_check_names_every_option_a_run_passes(self):
        # The list the backend gives --check against what it really passes.
        for backend in ("systemd-run", "run0"):
            with self.subTest(backend=backend), Sandbox(backend=backend) as box:
                r = box.run(ALICE, ["-S", "-P", "--env", "X=1", "-u", "bob", "true"], stdin=ALICE.password + "\n")
                self.assertEqual(r.rc, 0, r)
                argv = box.stub_record(backend)["argv"]
                used = {a.split("=")[0] for a in argv[1:argv.index("--")]}
                box.run(ALICE, ["--check"])
                argv = box.stub_record(backend, caller=True)["argv"]
                checked = {a.split("=")[0] for a in argv[1:-1]}
                self.assertEqual(used - checked, set(), (used, checked))

    def test_a_program_that_does_not_answer_is_cut_off(self):
        with Sandbox(backend="systemd-run") as box:
            # (the stub's file, which the sandbox mounts over the real path)
            with open(os.path.join(box.dir, "stubs/systemd-run"), "w") as f:
                f.write("#!/bin/sh\nexec sleep 60\n")
            started = time.monotonic()
            r = box.run(ALICE, ["--check"])
            self.assertLess(time.monotonic() - started, 30)
            self.assertEqual(r.rc, 1, r)
            self.assertIn("FAIL  " + self.CHECK_OPTIONS % ("systemd-run", "systemd-run") +
                          ": it did not answer within 5 seconds (/usr/bin/systemd-run OPTION... --version)\n", r.out)

    def test_scopex_has_no_program_to_ask(self):
        with Sandbox(backend="scopex") as box:
            r = box.run(ALICE, ["--check"])
            self.assertNotIn("accepts the options", r.out)

    def test_pam_build_looks_for_its_service_file(self):
        with Sandbox(core="pam") as box:
            r = box.run(ALICE, ["--check"])
            self.assertEqual(r.rc, 0, r)
            self.assertIn("ok    PAM service file /etc/pam.d/runas exists\n", r.out)

    def test_not_setuid(self):
        with Sandbox(runas_mode=0o755) as box:
            r = box.run(ALICE, ["--check"])
            self.assertEqual(r.rc, 1, r)
            self.assertIn("FAIL  /usr/local/bin/runas is setuid root (mode 755): chown root:wheel "
                          "/usr/local/bin/runas && chmod 4750 /usr/local/bin/runas (install.sh does this)\n", r.out)
            self.assertIn("FAIL  runas runs as the machine's root (effective uid 0): "
                          "runas must be owned by root and have the setuid bit\n", r.out)


class EnvironmentTests(SandboxTest):
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


class EnvFileTests(SandboxTest):
    TEXT = ("# overrides for every command\n"
            "*    EDITOR=vim\n"
            "*    FROM_FILE=${USER}:${UID}:${GROUP}:${GID}\n"
            "bob  ONLY_BOB=yes\n"
            "*    TWICE=first\n"
            "*    TWICE=second\n"
            "this line is wrong\n")

    def run_env(self, *extra):
        r = self.runas(ALICE, list(extra) + ["-u", "bob", "env"], password=ALICE.password)
        self.assertEqual(r.rc, 0, r)
        return r, env_of(r.out)

    def test_applied_last_for_the_target(self):
        self.box.write_env_file(self.TEXT)
        r, e = self.run_env("--env", "EDITOR=nano", "-g", "proj")
        self.assertEqual((e["EDITOR"], e["FROM_FILE"], e["ONLY_BOB"], e["TWICE"]),
                         ("vim", "bob:2002:proj:3000", "yes", "second"))
        self.assertEqual(r.out.count("TWICE="), 1)
        self.assertEqual(r.err.splitlines()[-1],
                         "runas: warning: /etc/runas.env:7: not 'USER NAME=VALUE', ignored")
        r = self.runas(ALICE, ["env"], password=ALICE.password)
        self.assertNotIn("ONLY_BOB", env_of(r.out))

    def test_ignored_unless_root_owned_and_not_writable_by_others(self):
        for mode, owner, why in [(0o644, ALICE.uid, "not owned by root"),
                                 (0o664, 0, "writable by group or others"),
                                 (0o646, 0, "writable by group or others")]:
            with self.subTest(why=why):
                self.box.write_env_file(self.TEXT, mode=mode, owner=owner)
                r, e = self.run_env()
                self.assertNotIn("EDITOR", e)
                self.assertIn("runas: warning: ignoring /etc/runas.env: %s\n" % why, r.err)

    def test_symlink_is_not_followed(self):
        target = self.box.write_env_file(self.TEXT)
        real = os.path.join(self.box.dir, "real.env")
        os.rename(target, real)
        os.symlink(real, target)
        r, e = self.run_env()
        self.assertNotIn("EDITOR", e)
        self.assertIn("runas: warning: ignoring /etc/runas.env: Too many levels of symbolic links\n", r.err)

    def test_read_only_after_authentication(self):
        self.box.write_env_file(self.TEXT, owner=ALICE.uid)
        r = self.runas(ALICE, ["env"], password="wrong")
        self.assertNotIn("runas.env", r.err)


class ServiceManagerEnvironmentTests(SandboxTest):
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
    backend = "run0"

    def test_login_shell_and_setenv(self):
        r = self.runas(ALICE, ["-i", "B=2", "true"], password=ALICE.password)
        self.assertEqual(r.rc, 0, r)
        argv = self.box.stub_record("run0")["argv"]
        self.assertIn("--chdir=/root", argv)
        self.assertIn("--setenv=B=2", argv)
        self.assertEqual(argv[argv.index("--"):], ["--", "/bin/sh", "-l", "-c", "true"])


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
        with Sandbox() as box:
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
        cls.box = Sandbox()
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


class ManPageTests(unittest.TestCase):
    def test_renders_without_warnings(self):
        p = subprocess.run(["groff", "-ww", "-man", "-Tutf8", os.path.join(REPO, "doc", "runas.1")],
                           capture_output=True, timeout=60)
        self.assertEqual(p.returncode, 0, p)
        self.assertEqual(p.stderr, b"")
        text = re.sub(".\x08", "", p.stdout.decode())  # no overstriking
        for section in ("NAME", "SYNOPSIS", "DESCRIPTION", "OPTIONS", "ENVIRONMENT", "EXIT STATUS", "FILES",
                        "SECURITY", "SEE ALSO"):
            self.assertIn(section, text)


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
