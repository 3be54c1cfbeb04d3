"""test_end_to_end.py: the installed setuid runas, run for real as test users
in the sandbox (harness.py), through each backend.

systemd is not PID 1 here, so systemd-run and run0 are STUBS mounted at
their real paths (stubs/): they record their argv and run the command the
way the real tools do. scopex runs the command itself, for real.
"""
import os
import re
import subprocess
import unittest

from support.markers import INSTALL_SH_BUILDS, release_build_only, shares
from support.artifacts import assert_hardened
from support.legacy_accounts import ALICE, BOB, CAROL, USERS, user
from support.paths import REPO, backend_file, stage_dir, support_file
from support.sandbox import Sandbox
ROOT = USERS[0]
NOBODY = USERS[4]


class BackendScenarios:
    """Scenarios every backend must pass. Subclasses set `backend`, and
    optionally `core` and `systemd_version`."""
    core = "shadow"
    backend = None
    systemd_version = 257

    def setUp(self):
        self.box = Sandbox(core=self.core, backend=self.backend, systemd_version=self.systemd_version)
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


class AccessTests(unittest.TestCase):
    """Who gets as far as a prompt, and which backend files are loaded."""

    def test_non_member_cannot_even_execute_the_installed_binary(self):
        with Sandbox() as box:  # installed mode: root:wheel 4750
            r = box.run(CAROL, ["-S", "id"], stdin="whatever\n")
            self.assertEqual(r.rc, 126, r)
            self.assertIn("Permission denied", r.err)
            self.assertNotIn("password", r.err)

    def test_non_member_is_refused_without_a_prompt(self):
        with Sandbox(runas_mode=0o4755) as box:  # a packager's 4755: runas's own check
            r = box.run(CAROL, ["-S", "id"], stdin=CAROL.password + "\n")
            self.assertEqual((r.rc, r.err), (1, "runas: carol is not in the wheel group\n"))
            self.assertEqual(r.out, "")

    def _refused_backend(self, expected, **sandbox):
        with Sandbox(**sandbox) as box:
            marker = os.path.join(box.shared, "ran")
            r = box.run(ALICE, ["-S", "/usr/bin/touch", marker], stdin=ALICE.password + "\n")
            self.assertEqual(r.rc, 1, r)
            self.assertIn(expected, r.err)
            self.assertEqual(len(r.err.strip().splitlines()), 1, r)
            self.assertNotIn("password", r.err)  # refused before any prompt
            self.assertFalse(os.path.exists(marker))
            return r

    def test_group_writable_backend_is_refused(self):
        self._refused_backend("backend /usr/local/lib/runas/backend.so is writable by group or others",
                              backend_mode=0o664)

    def test_world_writable_backend_is_refused(self):
        self._refused_backend("is writable by group or others", backend_mode=0o646)

    def test_backend_not_owned_by_root_is_refused(self):
        self._refused_backend("backend /usr/local/lib/runas/backend.so is not owned by root",
                              backend_owner=ALICE.uid)

    def _fixture(self, entry, marker_dir, source="wrong_abi_backend.c"):
        out = os.path.join(marker_dir, entry + ".so")
        subprocess.run(["cc", "-shared", "-fPIC", "-o", out, "-DENTRY=" + entry,
                        '-DMARKER="%s"' % os.path.join(marker_dir, "ran"),
                        "-I", os.path.join(REPO, "Sources/CRunasBackendABI/include"),
                        support_file("fixtures", source)], check=True)
        return out

    def test_backend_of_an_older_minor_version_still_runs(self):
        import tempfile
        with tempfile.TemporaryDirectory() as tmp:
            os.chmod(tmp, 0o755)
            so = self._fixture("old", tmp, source="abi_1_0_backend.c")
            with Sandbox(backend_path=so) as box:
                r = box.run(ROOT, ["--version"])
                self.assertIn("backend: old-one 1.0.0 (ABI 1.0)", r.out)
                r = box.run(ALICE, ["-S", "true"], stdin=ALICE.password + "\n")
                self.assertEqual(r.rc, 0, r)
                self.assertTrue(os.path.exists(os.path.join(tmp, "ran")))

    def test_backend_of_another_abi_major_is_refused(self):
        import tempfile
        with tempfile.TemporaryDirectory() as tmp:
            os.chmod(tmp, 0o755)
            so = self._fixture("runas_backend_v1", tmp)
            r = self._refused_backend("was built for ABI 2.0, this runas speaks ABI 1.5", backend_path=so)
            self.assertFalse(os.path.exists(os.path.join(tmp, "ran")))
            so = self._fixture("runas_backend_v2", tmp)
            self._refused_backend("was built for ABI 2, this runas speaks ABI 1.5", backend_path=so)
            self.assertFalse(os.path.exists(os.path.join(tmp, "ran")))

    def test_missing_backend_is_a_clear_error(self):
        with Sandbox() as box:
            os.unlink(os.path.join(box.dir, "usr-local/lib/runas/backend.so"))
            r = box.run(ROOT, ["true"])
            self.assertEqual((r.rc, r.err), (1, "runas: no usable backend: /usr/local/lib/runas/backend.so: "
                                                "No such file or directory\n"))


class SetuidHygieneTests(unittest.TestCase):
    def test_swift_runtime_variables_are_dropped_when_setuid(self):
        # Without the start-up scrub the Swift runtime prints its debug help
        # (measured: it honours SWIFT_DEBUG_HELP even in a setuid process).
        # The installed core is Embedded and has no runtime to read it; this
        # counts in Tests/run.sh's ASan pass, whose core links the full
        # runtime statically (a shared one would read SWIFT_* in its own
        # constructor, before runas's scrub).
        with Sandbox() as box:
            r = box.run(ALICE, ["--help"], env={"SWIFT_DEBUG_HELP": "1", "SWIFT_DETERMINISTIC_HASHING": "1"})
            self.assertEqual(r.rc, 0, r)
            self.assertEqual(r.err, "")
            self.assertTrue(r.out.startswith("usage: runas"), r)


@release_build_only("checks the release artifacts: size, NEEDED, symbols")
@shares(INSTALL_SH_BUILDS)
class ArtifactTests(unittest.TestCase):
    """What install.sh produced, as a packager would inspect it."""

    def needed(self, path):
        out = subprocess.run(["readelf", "-d", "-W", path], capture_output=True, text=True, check=True).stdout
        return sorted(re.findall(r"\(NEEDED\)\s+Shared library: \[([^]]+)\]", out))

    def test_core_is_embedded_swift_with_nothing_but_libc_libm_libcrypt(self):
        # No Swift runtime, libstdc++ or libgcc_s: the core is Embedded Swift.
        for core, extra in (("shadow", []), ("pam", ["libpam.so.0"])):
            with self.subTest(core=core):
                path = os.path.join(stage_dir(core), "usr/local/bin/runas")
                self.assertEqual(self.needed(path), sorted(["libc.so.6", "libcrypt.so.1", "libm.so.6"] + extra))
                size = os.stat(path).st_size
                self.assertLessEqual(size, 500 * 1024, "stripped core of %d bytes" % size)

    def test_hardened(self):
        # Full RELRO, BIND_NOW, PIE, stack protector, fortified C calls
        # (hardening-check from devscripts; control-flow protection is not
        # asked: Swift objects carry no IBT/SHSTK marks).
        paths = [os.path.join(stage_dir(core), "usr/local/bin/runas") for core in ("shadow", "pam")]
        paths += [backend_file("shadow", b) for b in ("systemd-run", "run0", "scopex")]
        for path in paths:
            with self.subTest(path=path):
                assert_hardened(self, path)

    def test_only_scopex_carries_the_pty_code(self):
        # The pty and the signal relay live in ScopexSupport, which only
        # scopex links: the service-manager backends do not even import
        # the libc functions the pty needs (what nm shows of a stripped file).
        pty_functions = {"posix_openpt", "grantpt", "unlockpt", "ptsname_r", "cfmakeraw"}
        for backend in ("systemd-run", "run0", "scopex"):
            with self.subTest(backend=backend):
                out = subprocess.run(["nm", "-D", "--undefined-only", backend_file("shadow", backend)],
                                     capture_output=True, text=True, check=True).stdout
                imported = {line.split()[-1].split("@")[0] for line in out.splitlines() if line.strip()}
                if backend == "scopex":
                    self.assertTrue(pty_functions & imported, imported)
                else:
                    self.assertEqual(pty_functions & imported, set(), backend)
                self.assertEqual(self.needed(backend_file("shadow", backend)), ["libc.so.6"])

    def test_each_backend_exports_only_the_abi_entry(self):
        for backend in ("systemd-run", "run0", "scopex"):
            path = backend_file("shadow", backend)
            out = subprocess.run(["readelf", "--dyn-syms", "-W", path],
                                 capture_output=True, text=True, check=True).stdout
            exported = [line.split()[-1] for line in out.splitlines()
                        if " GLOBAL " in line and " UND " not in line]
            self.assertEqual(exported, ["runas_backend_v1"], (path, exported))
            needed = subprocess.run(["readelf", "-d", path], capture_output=True, text=True).stdout
            self.assertNotIn("libswift", needed)

    def test_swapping_the_backend_leaves_the_core_untouched(self):
        import hashlib
        import tempfile
        with tempfile.TemporaryDirectory() as dest:
            def install(*args):
                subprocess.run([os.path.join(REPO, "install.sh")] + list(args), check=True,
                               env=dict(os.environ, DESTDIR=dest), capture_output=True)

            def digest(rel):
                with open(os.path.join(dest, "usr/local", rel), "rb") as f:
                    return hashlib.sha256(f.read()).hexdigest()
            install("--traits", "SystemdRun,Run0,Scopex", "--backend", "systemd-run")
            core, backend = digest("bin/runas"), digest("lib/runas/backend.so")
            install("--traits", "SystemdRun,Run0,Scopex", "--backend", "scopex", "--plugin-only")
            self.assertEqual(digest("bin/runas"), core)
            self.assertNotEqual(digest("lib/runas/backend.so"), backend)
            with open(os.path.join(dest, "usr/local/lib/runas/backend.so"), "rb") as f:
                self.assertIn(b"scopex", f.read())  # the descriptor's name

    def test_staged_modes(self):
        # A DESTDIR stage is never setuid, even built by root (or under
        # fakeroot): the package sets root:wheel 4750.
        st = os.stat(os.path.join(stage_dir("shadow"), "usr/local/bin/runas"))
        self.assertEqual(st.st_mode & 0o7777, 0o755)
        st = os.stat(os.path.join(stage_dir("shadow"), "usr/local/lib/runas/backend.so"))
        self.assertEqual(st.st_mode & 0o7777, 0o644)

    def test_man_page_and_completions_are_installed(self):
        for rel, src in [("usr/local/share/man/man1/runas.1", "doc/runas.1"),
                         ("usr/local/share/bash-completion/completions/runas", "completions/runas.bash"),
                         ("usr/local/share/zsh/site-functions/_runas", "completions/_runas"),
                         ("usr/local/share/fish/vendor_completions.d/runas.fish", "completions/runas.fish")]:
            path = os.path.join(stage_dir("shadow"), rel)
            self.assertEqual(os.stat(path).st_mode & 0o7777, 0o644, rel)
            with open(path) as f, open(os.path.join(REPO, src)) as g:
                self.assertEqual(f.read(), g.read(), rel)
        self.assertEqual(os.readlink(os.path.join(stage_dir("shadow"), "usr/local/share/man/man1/runasedit.1")),
                         "runas.1")


if __name__ == "__main__":
    unittest.main()
