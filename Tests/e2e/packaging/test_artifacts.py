"""What install.sh produced, as a packager would inspect it: an Embedded
Swift core needing only libc, libm, libcrypt (and libpam), hardened
binaries, the pty code in scopex alone, one exported symbol per backend, a
backend swap that leaves the core untouched, the stage's modes, the man
page and the completions.
"""
import os
import re
import subprocess
import unittest

from support.artifacts import assert_hardened
from support.markers import INSTALL_SH_BUILDS, release_build_only, shares
from support.paths import REPO, backend_file, stage_dir


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
