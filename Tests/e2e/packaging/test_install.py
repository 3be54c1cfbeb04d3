"""install.sh as a first-time user and a packager meet it (issue 17): which
traits `--pam` and `--backend` give, the systemd-run version check, missing
build dependencies (named, never apt-installed unasked), and a stage built
by a non-root user in another directory (no setuid file in it, the same
bytes as the suite's own stage).

Every case runs the real install.sh and the real toolchain; most only
build backends (--build-only --plugin-only: the trait choice happens before
any build, and a backend builds in seconds). Where install.sh asks this
machine's systemd-run for its version, SYSTEMD_RUN_PATH names a STUB that
prints a chosen version, so the case does not depend on the machine's
systemd (the path is also compiled into the build, which these runs never
install). apt-get is a STUB that records its arguments: the suite never
installs packages on the machine.
"""
import json
import os
import shutil
import stat
import subprocess
import tempfile
import unittest

from support.markers import INSTALL_SH_BUILDS, release_build_only, shares
from support.paths import REPO, backend_file, stage_dir
SWIFT_PATH = "/opt/swift/usr/bin:/usr/sbin:/usr/bin:/sbin:/bin"


def install(args, systemd_version=None, env=None, wrap=None, cwd=REPO, timeout=900):
    """Runs install.sh ARGS; returns the CompletedProcess. wrap: a shell
    snippet run first in a private mount namespace (then install.sh runs
    there too)."""
    tmp = tempfile.mkdtemp(prefix="runas-install-")
    try:
        e = {"PATH": SWIFT_PATH, "HOME": os.environ.get("HOME", "/root"), "LANG": "C.UTF-8"}
        if systemd_version is not None:
            stub = os.path.join(tmp, "systemd-run")
            with open(stub, "w") as f:
                f.write("#!/bin/sh\n# STUB: only --version, as systemd-run %d prints it\n"
                        "echo 'systemd %d (%d-1)'\necho '+PAM +AUDIT'\n" % ((systemd_version,) * 3))
            os.chmod(stub, 0o755)
            e["SYSTEMD_RUN_PATH"] = stub
        e.update(env or {})
        command = [os.path.join(cwd, "install.sh")] + list(args)
        if wrap:
            command = ["unshare", "--mount", "--propagation", "private", "--", "sh", "-c",
                       wrap + '\nexec "$@"', "sh"] + command
        return subprocess.run(command, capture_output=True, text=True, env=e, cwd=cwd, timeout=timeout)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def built_backend(traits, name):
    path = os.path.join(REPO, ".build", "install-" + traits.replace(",", "-"), "release",
                        "librunas-backend-%s.so" % name)
    with open(path, "rb") as f:
        return f.read()


@release_build_only("install.sh makes its own release builds")
@shares(INSTALL_SH_BUILDS)
class TraitChoiceTests(unittest.TestCase):
    def test_pam_alone_is_the_default_backend_with_pam(self):
        # Was: "install.sh: no backend trait in 'PAM'" although README
        # calls --pam a shortcut.
        p = install(["--pam", "--build-only", "--plugin-only"], systemd_version=257)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("building runas with traits PAM,SystemdRun (backends: systemd-run; "
                      "installed backend: systemd-run)", p.stdout)

    def test_an_unknown_backend_stops_the_install(self):
        # Was: the refusal came from inside $(...), which ended only that
        # subshell: install.sh went on (here to the toolchain, which
        # SWIFT_BIN points nowhere so the case stays fast; with a toolchain
        # it built and installed the default backend under the name asked).
        p = install(["--backend", "foo", "--build-only", "--plugin-only"], systemd_version=257,
                    env={"SWIFT_BIN": "/nonexistent"})
        self.assertEqual((p.returncode, p.stdout, p.stderr),
                         (1, "", "install.sh: unknown backend 'foo' (systemd-run, run0 or scopex)\n"))

    def test_backend_and_pam_still_check_the_systemd_version(self):
        # Was: --pam counted as explicit traits, so the check was skipped and
        # the backend passed --expand-environment=false to systemd-run 252.
        p = install(["--backend", "systemd-run", "--pam", "--build-only", "--plugin-only"], systemd_version=252)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("systemd 252 here has no systemd-run --expand-environment: adding trait WithoutExpandEnv",
                      p.stdout)
        self.assertIn("building runas with traits SystemdRun,PAM,WithoutExpandEnv", p.stdout)
        self.assertNotIn(b"--expand-environment", built_backend("SystemdRun,PAM,WithoutExpandEnv", "systemd-run"))

    def test_a_new_systemd_gets_the_plain_backend(self):
        p = install(["--backend", "systemd-run", "--pam", "--build-only", "--plugin-only"], systemd_version=257)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertNotIn("WithoutExpandEnv", p.stdout)
        self.assertIn(b"--expand-environment=false", built_backend("SystemdRun,PAM", "systemd-run"))

    def test_explicit_traits_are_obeyed_with_a_warning(self):
        p = install(["--traits", "SystemdRun", "--build-only", "--plugin-only"], systemd_version=252)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("building runas with traits SystemdRun (", p.stdout)
        self.assertIn("install.sh: warning: systemd-run 252 here does not know --expand-environment", p.stderr)

    def test_traits_without_a_backend_are_refused(self):
        p = install(["--traits", "PAM", "--build-only"], systemd_version=257)
        self.assertEqual((p.returncode, p.stderr),
                         (1, "install.sh: no backend trait in 'PAM': add SystemdRun, Run0 or Scopex\n"))


def build_commands(traits):
    """The argument lists of every compiler command in the last build of
    TRAITS (SwiftPM's llbuild manifest), as (tool, args) pairs."""
    path = os.path.join(REPO, ".build", "install-" + traits.replace(",", "-"), "release.yaml")
    commands = []
    with open(path) as f:
        for line in f:
            line = line.strip()
            if line.startswith("args: ["):
                args = json.loads(line[len("args: "):])
                commands.append((os.path.basename(args[0]), args))
    return commands


@release_build_only("install.sh makes its own release builds")
@shares(INSTALL_SH_BUILDS)
class ToolchainTests(unittest.TestCase):
    """Issue 24: fortification for the C parts only, whatever form the
    caller's flags give it in; the toolchain found through the compiler
    itself; SWIFT_BIN the one name for it."""

    def test_fortify_reaches_the_c_parts_only_at_the_callers_level(self):
        # Was: -Xcc -D_FORTIFY_SOURCE=2 (and the caller's CPPFLAGS) also
        # reached Swift's C importer, where glibc 2.40+ makes every optimised
        # build fail: "ambiguous use of 'read'" (shown on Debian 13 by the
        # platform tier). Debian's dpkg-buildflags form, then Fedora's.
        p = install(["--traits", "Scopex", "--build-only", "--plugin-only"],
                    env={"CPPFLAGS": "-Wdate-time -D_FORTIFY_SOURCE=2",
                         "CFLAGS": "-g -O2 -Wp,-U_FORTIFY_SOURCE,-D_FORTIFY_SOURCE=3 -Wp,-D_GLIBCXX_ASSERTIONS"})
        self.assertEqual(p.returncode, 0, p.stderr)
        commands = build_commands("Scopex")
        swift = [args for tool, args in commands if tool in ("swiftc", "swift-frontend")]
        c = [args for tool, args in commands if tool == "clang"]
        self.assertTrue(swift and c, [tool for tool, _ in commands])
        for args in swift:
            self.assertEqual([a for a in args if "FORTIFY" in a], [], "a Swift compile sees _FORTIFY_SOURCE")
        for args in c:
            self.assertEqual([a for a in args if "FORTIFY" in a], ["-D_FORTIFY_SOURCE=3"], args[-1])
            self.assertIn("-Wp,-D_GLIBCXX_ASSERTIONS", args)

    def test_an_unreadable_fortify_level_is_refused(self):
        p = install(["--traits", "Scopex", "--build-only", "--plugin-only"],
                    env={"CFLAGS": "-O2 -D_FORTIFY_SOURCE=high"})
        self.assertEqual((p.returncode, p.stderr, p.stdout),
                         (1, "install.sh: cannot read the _FORTIFY_SOURCE level in '-D_FORTIFY_SOURCE=high' "
                             "(CPPFLAGS/CFLAGS)\n", ""))

    def test_a_shim_on_path_still_finds_the_toolchains_libraries(self):
        # Was: the toolchain was dirname(dirname(command -v swift)), which a
        # swiftly-style shim directory fools ("no Embedded Swift libraries
        # in <shim>/lib/swift/embedded/..."); the compiler knows where they are.
        shims = tempfile.mkdtemp(prefix="runas-shims-")
        try:
            for tool in ("swift", "swiftc"):
                with open(os.path.join(shims, tool), "w") as f:
                    f.write('#!/bin/sh\nexec /opt/swift/usr/bin/%s "$@"\n' % tool)
                os.chmod(os.path.join(shims, tool), 0o755)
            p = install(["--traits", "Scopex", "--build-only", "--plugin-only"],
                        env={"PATH": shims + ":/usr/sbin:/usr/bin:/sbin:/bin"})
            self.assertEqual(p.returncode, 0, p.stderr)
        finally:
            shutil.rmtree(shims, ignore_errors=True)

    def test_swift_bin_names_the_toolchain(self):
        p = install(["--traits", "Scopex", "--build-only", "--plugin-only"],
                    env={"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "SWIFT_BIN": "/opt/swift/usr/bin"})
        self.assertEqual(p.returncode, 0, p.stderr)
        p = install(["--traits", "Scopex", "--build-only"], env={"SWIFT_BIN": "/nonexistent/bin"})
        self.assertEqual((p.returncode, p.stderr), (1, "install.sh: SWIFT_BIN=/nonexistent/bin: there is no swift in it\n"))


@release_build_only("install.sh makes its own release builds")
@shares(INSTALL_SH_BUILDS)
class BuildDependencyTests(unittest.TestCase):
    # The namespace hides libpam0g-dev's header directory behind an empty
    # tmpfs and puts a STUB apt-get first on PATH.
    def run_without_pam_headers(self, *extra):
        log = tempfile.mkdtemp(prefix="runas-apt-")
        try:
            with open(os.path.join(log, "apt-get"), "w") as f:
                f.write('#!/bin/sh\n# STUB: records its arguments, installs nothing\necho "$*" >> %s/calls\n' % log)
            os.chmod(os.path.join(log, "apt-get"), 0o755)
            p = install(["--pam", "--build-only", "--plugin-only"] + list(extra), systemd_version=257,
                        env={"PATH": log + ":" + SWIFT_PATH},
                        wrap="mount -t tmpfs tmpfs /usr/include/security")
            calls = open(os.path.join(log, "calls")).read() if os.path.exists(os.path.join(log, "calls")) else ""
            return p, calls
        finally:
            shutil.rmtree(log, ignore_errors=True)

    def test_a_missing_header_is_named_and_nothing_is_installed(self):
        # Was: as root, install.sh apt-installed libpam0g-dev without asking.
        p, calls = self.run_without_pam_headers()
        self.assertEqual((p.returncode, p.stderr),
                         (1, "install.sh: the build needs libpam0g-dev (headers missing): apt-get install "
                             "libpam0g-dev (or rerun as root with --install-build-deps)\n"))
        self.assertEqual(calls, "")

    def test_install_build_deps_asks_apt(self):
        p, calls = self.run_without_pam_headers("--install-build-deps")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("install.sh: installing libpam0g-dev", p.stdout)
        self.assertEqual(calls, "install -y -q libpam0g-dev\n")


@release_build_only("install.sh makes its own release builds")
@shares(INSTALL_SH_BUILDS)
class StageByAnotherUserTests(unittest.TestCase):
    """The suite's shadow stage rebuilt from a copy of the tree in another
    directory, by the unprivileged user nobody."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="runas-copy-")
        os.chmod(cls.tmp, 0o755)
        src = os.path.join(cls.tmp, "src")
        files = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=REPO,
                               capture_output=True, check=True).stdout.decode().split("\0")
        for rel in filter(None, files):
            if os.path.lexists(os.path.join(REPO, rel)):
                os.makedirs(os.path.dirname(os.path.join(src, rel)), exist_ok=True)
                shutil.copy2(os.path.join(REPO, rel), os.path.join(src, rel), follow_symlinks=False)
        os.makedirs(os.path.join(cls.tmp, "home"))
        subprocess.run(["chown", "-R", "nobody:nogroup", cls.tmp], check=True)
        cls.stage = os.path.join(cls.tmp, "stage")
        cls.p = subprocess.run(
            ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", "--",
             "./install.sh", "--traits", "SystemdRun,Run0,Scopex", "--backend", "scopex"],
            cwd=src, capture_output=True, text=True, timeout=900,
            env={"PATH": SWIFT_PATH, "HOME": os.path.join(cls.tmp, "home"), "DESTDIR": cls.stage})

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def test_the_build_succeeded(self):
        self.assertEqual(self.p.returncode, 0, self.p.stdout + self.p.stderr)

    def test_no_setuid_or_setgid_file_in_the_stage(self):
        # Was: a 4750 runas owned by the building user.
        found = []
        for top, dirs, files in os.walk(self.stage):
            for name in dirs + files:
                st = os.lstat(os.path.join(top, name))
                if st.st_mode & (stat.S_ISUID | stat.S_ISGID):
                    found.append(os.path.join(top, name))
        self.assertEqual(found, [])
        st = os.stat(os.path.join(self.stage, "usr/local/bin/runas"))
        self.assertEqual(stat.S_IMODE(st.st_mode), 0o755)
        self.assertIn("installed %s/usr/local/bin/runas (mode 0755)" % self.stage, self.p.stdout)

    def test_same_bytes_as_a_build_in_this_checkout(self):
        # Was: paths of the build directory inside the binaries (a backend's
        # SONAME, module hashes over debug information with paths).
        def read(path):
            with open(path, "rb") as f:
                return f.read()
        pairs = [("usr/local/bin/runas", os.path.join(stage_dir("shadow"), "usr/local/bin/runas"))]
        for b in ("systemd-run", "run0", "scopex"):
            mine = "usr/local/lib/runas/" + ("backend.so" if b == "scopex" else "backend-%s.so" % b)
            pairs.append((mine, backend_file("shadow", b)))
        for mine, theirs in pairs:
            with self.subTest(file=mine):
                self.assertTrue(read(os.path.join(self.stage, mine)) == read(theirs), mine)


if __name__ == "__main__":
    unittest.main()
