"""test_real_systemd.py: runas through the REAL systemd-run and run0 of a
booted systemd (support/container.py), not the sandbox tier's stubs: systemd 257
(trixie) for systemd-run, run0 and the WithoutExpandEnv build, and
systemd 252 (bookworm, Debian 12) for the WithoutExpandEnv build, the one
Debian 12 gets, and for the plain build's failure there.

One container per suite for the module; each class installs the staged
core and one backend into its suite's container (the container's root is
a volatile overlay) and runs the scenarios as the container's own users.
"""
import os
import shutil
import signal
import subprocess
import time
import unittest

from support.accounts import make_hash
from support.container import Container
from support.paths import stage_dir
from support.procfs import all_processes
from support.terminal import Terminal, default_signals

ALICE_PW = "correct horse battery"
CONTAINERS = {}


def setUpModule():
    try:
        for tool in ("debootstrap", "systemd-nspawn", "nsenter"):
            if not shutil.which(tool):
                raise RuntimeError("%s is missing (apt-get install debootstrap systemd-container)" % tool)
        for suite in ("trixie", "bookworm"):
            CONTAINERS[suite] = Container(suite)
            prepare(CONTAINERS[suite])
    except Exception as e:
        message = "!! the systemd container cannot boot here: %s" % e
        if os.environ.get("CI") == "true":
            raise RuntimeError(message)
        raise unittest.SkipTest(message)


def prepare(c):
    for argv in (["groupadd", "--system", "wheel"],
                 ["useradd", "-m", "-G", "wheel", "-p", make_hash(ALICE_PW, b"$y$"), "alice"],
                 ["useradd", "-m", "carol"],
                 ["mkdir", "-p", "/tmp/a dir with spaces"],
                 ["chmod", "1777", "/tmp/a dir with spaces"]):
        r = c.run(argv)
        if r.rc != 0:
            raise RuntimeError("%s: %s" % (argv, r.err))


def tearDownModule():
    for c in CONTAINERS.values():
        c.close()


class RealServiceManagerScenarios:
    core = "shadow"
    backend = None
    suite = "trixie"

    @property
    def container(self):
        return CONTAINERS[self.suite]

    @classmethod
    def setUpClass(cls):
        c = CONTAINERS[cls.suite]
        stage = stage_dir(cls.core)
        c.put(os.path.join(stage, "usr/local/bin/runas"), "/usr/local/bin/runas", 0o755)
        lib = os.path.join(stage, "usr/local/lib/runas")
        so = os.path.join(lib, "backend-%s.so" % cls.backend)
        c.put(so if os.path.exists(so) else os.path.join(lib, "backend.so"), "/usr/local/lib/runas/backend.so")
        for argv in (["chown", "root:wheel", "/usr/local/bin/runas"], ["chmod", "4750", "/usr/local/bin/runas"]):
            assert c.run(argv).rc == 0

    def runas(self, args, user="alice", password=ALICE_PW, **kw):
        words = (["-S"] if password is not None else []) + list(args)
        stdin = (password + "\n" if password is not None else "") + kw.pop("input", "")
        return self.container.run(["/usr/local/bin/runas"] + words, user=user, input=stdin, **kw)

    def terminal(self, argv, user="alice"):
        """argv as `user` in the container on a new pseudo-terminal. TERM=dumb
        and SYSTEMD_COLORS=0: systemd 257 sends colour queries to a capable
        terminal and waits for the answer."""
        return Terminal(self.container.command(argv, user=user),
                        {"PATH": "/usr/bin:/bin", "TERM": "dumb", "SYSTEMD_COLORS": "0", "LANG": "C.UTF-8"})

    def test_version_names_the_backend(self):
        r = self.container.run(["/usr/local/bin/runas", "--version"])
        self.assertIn("backend: %s" % self.backend, r.out)

    def test_check_finds_every_option_the_backend_passes_known(self):
        # runas --check asks the real program to parse every option the
        # backend may pass (then --version).
        r = self.container.run(["/usr/local/bin/runas", "--check"], user="alice")
        program = "run0" if self.backend == "run0" else "systemd-run"
        self.assertIn("ok    /usr/bin/%s accepts the options the %s backend passes\n" % (program, self.backend),
                      r.out)

    def test_right_password_runs_as_root(self):
        r = self.runas(["id", "-un"])
        self.assertEqual((r.rc, r.out), (0, "root\n"), r)

    def test_wrong_password_runs_nothing(self):
        r = self.runas(["touch", "/tmp/should-not-exist"], password="wrong")
        self.assertEqual(r.rc, 1, r)
        self.assertFalse(os.path.exists(self.container.path("/tmp/should-not-exist")))

    def test_another_user(self):
        r = self.runas(["-u", "carol", "id", "-un"])
        self.assertEqual((r.rc, r.out), (0, "carol\n"), r)

    def test_group(self):
        r = self.runas(["-g", "nogroup", "id", "-gn"])
        self.assertEqual((r.rc, r.out), (0, "nogroup\n"), r)

    def test_env_and_preserve_env(self):
        r = self.runas(["--env", "FOO=bar baz", "--preserve-env=KEEP", "sh", "-c", 'echo "$FOO|$KEEP"'],
                       env={"KEEP": "kept"})
        self.assertEqual((r.rc, r.out), (0, "bar baz|kept\n"), r)

    def test_directory_with_spaces(self):
        r = self.runas(["-D", "/tmp/a dir with spaces", "pwd"])
        self.assertEqual((r.rc, r.out), (0, "/tmp/a dir with spaces\n"), r)

    def test_dollar_is_not_expanded(self):
        r = self.runas(["printf", "%s|", "$HOME", "${USER}", "$$", "a$"])
        self.assertEqual((r.rc, r.out), (0, "$HOME|${USER}|$$|a$|"), r)

    def test_exit_statuses(self):
        for status in (0, 42, 255):
            r = self.runas(["sh", "-c", "exit %d" % status])
            self.assertEqual(r.rc, status, r)

    def test_stdin_stdout_stderr(self):
        r = self.runas(["sh", "-c", "cat; echo to-stderr >&2"], input="piped in\n")
        self.assertEqual((r.rc, r.out), (0, "piped in\n"), r)
        self.assertIn("to-stderr", r.err)

    def test_shell_option(self):
        r = self.runas(["-s", "echo", "from-shell"])
        self.assertEqual((r.rc, r.out), (0, "from-shell\n"), r)

    def test_preserve_groups(self):
        # -P: alice's groups reach the command as SupplementaryGroups=;
        # systemd adds carol's own (README says so).
        r = self.runas(["-P", "-u", "carol", "id", "-Gn"])
        self.assertEqual(r.rc, 0, r)
        self.assertTrue({"alice", "wheel", "carol"} <= set(r.out.split()), r)
        r = self.runas(["-u", "carol", "id", "-Gn"])
        self.assertNotIn("wheel", r.out.split(), r)

    def test_background(self):
        # -b: runas exits 0 once the client runs; the command goes on and
        # ends by itself.
        r = self.runas(["-b", "sh", "-c", "sleep 1; echo done >/tmp/bg-%s" % self.backend])
        self.assertEqual(r.rc, 0, r)
        path = self.container.path("/tmp/bg-%s" % self.backend)
        deadline = time.monotonic() + 30
        while not os.path.exists(path) and time.monotonic() < deadline:
            time.sleep(0.2)
        with open(path) as f:
            self.assertEqual(f.read(), "done\n")

    def test_close_from_is_refused(self):
        r = self.runas(["-C", "5", "true"], password=None)
        self.assertEqual(r.rc, 1, r)
        self.assertIn("cannot keep descriptors open for the command (-C)", r.err)

    def test_signal_death_is_reported_as_systemd_reports_it(self):
        # README's rule for the service-manager backends: systemd reports a
        # command killed by SIGTERM/SIGINT/SIGHUP/SIGPIPE as 0 and by other
        # signals (SIGKILL, SIGSEGV) as 255; runas passes that on.
        for sig, status in (("TERM", 0), ("HUP", 0), ("KILL", 255), ("SEGV", 255)):
            r = self.runas(["sh", "-c", "kill -%s $$" % sig])
            self.assertEqual(r.rc, status, (sig, r))

    def test_on_a_terminal_the_command_gets_a_pty(self):
        t = self.terminal(["/usr/local/bin/runas", "sh", "-c", "tty; echo on-pty"])
        try:
            t.expect("password for alice: ")
            t.send(ALICE_PW + "\n")
            t.expect("on-pty")
            self.assertEqual(t.wait(), 0, t.output)
        finally:
            t.close()
        self.assertRegex(t.output, r"/dev/pts/\d+")
        self.assertNotIn(ALICE_PW, t.output)

    # -- signals sent to runas: the command in its unit must end too --------

    def child_called(self, parent, names, timeout=30):
        """pid of `parent`'s child once it is called one of `names`
        (nsenter's child execs setpriv, env, then runas)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for pid, comm, fields in all_processes():
                if comm in names and int(fields[1]) == parent:
                    return pid
            time.sleep(0.05)
        raise AssertionError("no %s under pid %d" % ("/".join(names), parent))

    def units_running(self, marker):
        r = self.container.run(["systemctl", "list-units", "--all", "--no-legend", "--plain", "--full"])
        return [line for line in r.out.splitlines() if marker in line]

    def assert_unit_ends(self, marker, timeout=15):
        deadline = time.monotonic() + timeout
        while self.units_running(marker):
            if time.monotonic() > deadline:
                self.fail("the command's unit is still there: %s" % self.units_running(marker))
            time.sleep(0.2)

    @staticmethod
    def finish(p):
        if p.poll() is None:
            p.kill()
        p.wait()
        p.stdout.close()
        p.stderr.close()

    def start_without_terminal(self, script):
        env = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "TERM": "dumb"}
        p = subprocess.Popen(self.container.command(["/usr/local/bin/runas", "-S", "sh", "-c", script], user="alice"),
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             env=env, cwd="/", preexec_fn=default_signals, start_new_session=True)
        self.addCleanup(self.finish, p)
        p.stdin.write(ALICE_PW + "\n")
        p.stdin.close()
        self.assertEqual(p.stdout.readline(), "ready\n")
        # (runas stays, with the client as its child; were it replaced by
        # the client, the client would be the one signalled.)
        return p, self.child_called(p.pid, ("runas", self.backend))

    def test_without_a_terminal_a_signal_to_runas_ends_the_command(self):
        # runas passes SIGTERM on to the unit (systemctl kill); the command
        # dies of it, systemd reports 0, and runas dies of SIGTERM as well.
        for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
            marker = "sleep %d" % (300 + sig)
            p, runas = self.start_without_terminal("echo ready; exec %s" % marker)
            self.assertTrue(self.units_running(marker))
            os.kill(runas, sig)
            # (The unit first: its command holds runas's stdout and stderr
            # open while it lives.)
            self.assert_unit_ends(marker)
            self.assertEqual(p.wait(timeout=30), -sig, (sig, p.stderr.read()))

    def test_without_a_terminal_a_command_that_handles_the_signal_keeps_its_status(self):
        p, runas = self.start_without_terminal(
            "trap 'echo got TERM; exit 3' TERM; echo ready; i=0; while [ $i -lt 300 ]; do sleep 0.1; i=$((i+1)); done")
        os.kill(runas, signal.SIGTERM)
        out, err = p.stdout.read(), p.stderr.read()
        self.assertEqual((p.wait(timeout=30), out), (3, "got TERM\n"), err)

    def test_ctrl_c_with_the_output_piped_ends_the_command(self):
        # stdout a pipe: no pty, the client merely waits, and the terminal's
        # SIGINT reaches runas, which passes it on to the unit. (run0 puts
        # the command's processes in a logind session scope, outside the
        # unit: a child the command leaves behind there is not reached;
        # README says so. Hence a command without children here.)
        marker = "sleep 334"
        script = "/usr/local/bin/runas sh -c 'echo ready; exec %s' | cat" % marker
        t = self.terminal(["/bin/sh", "-c", script])
        try:
            t.expect("password for alice: ")
            t.send(ALICE_PW + "\n")
            t.expect("ready")
            self.assertTrue(self.units_running(marker))
            t.send("\x03")
            self.assert_unit_ends(marker)
            t.wait()
        finally:
            t.close()

    def test_on_a_terminal_a_signal_to_runas_ends_the_command(self):
        # There runas has become the client, whose pseudo-terminal hangs up
        # when it dies: systemd ends the unit.
        marker = "sleep 333"
        t = self.terminal(["/usr/local/bin/runas", "sh", "-c", "echo ready; exec " + marker])
        try:
            t.expect("password for alice: ")
            t.send(ALICE_PW + "\n")
            t.expect("ready")
            client = self.child_called(t.pid, (self.backend,))
            os.kill(client, signal.SIGTERM)
            t.wait()
        finally:
            t.close()
        self.assert_unit_ends(marker)


class RealSystemdRunTests(RealServiceManagerScenarios, unittest.TestCase):
    backend = "systemd-run"


class RealRun0Tests(RealServiceManagerScenarios, unittest.TestCase):
    backend = "run0"


class RealSystemdRunWithoutExpandEnvTests(RealServiceManagerScenarios, unittest.TestCase):
    """The WithoutExpandEnv build (for systemd < 254) on systemd 257: runas
    doubles every $ and passes no --expand-environment, 257 expands by
    default, and the command still gets exactly the words typed."""
    core = "noexpand"
    backend = "systemd-run"


class RealBookwormSystemdRunTests(RealServiceManagerScenarios, unittest.TestCase):
    """Debian 12's own systemd 252 with the build Debian 12 gets (install.sh
    there, debian/rules for bookworm): WithoutExpandEnv."""
    core = "noexpand"
    backend = "systemd-run"
    suite = "bookworm"


class RealBookwormPlainSystemdRunTests(unittest.TestCase):
    """The plain systemd-run build (for systemd >= 254) on systemd 252: what
    the issue saw, every command refused by systemd-run itself, and what
    runas --check now says about it."""

    @classmethod
    def setUpClass(cls):
        c = CONTAINERS["bookworm"]
        stage = stage_dir("shadow")
        c.put(os.path.join(stage, "usr/local/bin/runas"), "/usr/local/bin/runas", 0o755)
        c.put(os.path.join(stage, "usr/local/lib/runas/backend-systemd-run.so"), "/usr/local/lib/runas/backend.so")
        for argv in (["chown", "root:wheel", "/usr/local/bin/runas"], ["chmod", "4750", "/usr/local/bin/runas"]):
            assert c.run(argv).rc == 0

    def test_systemd_run_252_rejects_the_plain_build(self):
        r = CONTAINERS["bookworm"].run(["/usr/local/bin/runas", "-S", "true"], user="alice",
                                       input=ALICE_PW + "\n")
        self.assertNotEqual(r.rc, 0, r)
        self.assertIn("unrecognized option '--expand-environment=false'", r.err)

    def test_check_says_so_with_the_fix(self):
        r = CONTAINERS["bookworm"].run(["/usr/local/bin/runas", "--check"], user="alice")
        self.assertEqual(r.rc, 1, r)
        self.assertRegex(r.out, r"FAIL  /usr/bin/systemd-run accepts the options the systemd-run backend passes: "
                                r"it said \".*unrecognized option '--expand-environment=false'\": this backend was "
                                r"built for a newer systemd; install the one built for this systemd")


if __name__ == "__main__":
    unittest.main()
