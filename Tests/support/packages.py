"""packages.py: a copy-on-write view of the machine (bin/enter-overlay-root.sh:
the real / as the lower layer of an overlay) where a test installs runas's
packages as root with apt, dpkg, rpm or pacman and runs a script; the
machine itself is never changed."""
import os
import shutil
import subprocess
import tempfile

from support.accounts import make_hash
from support.paths import support_file
from support.sandbox import stub_text
from support.terminal import default_signals


class OverlayScript:
    """A shell script run as root chrooted into a copy-on-write view of the
    machine (enter-overlay-root.sh); its "@@ KEY VALUE" lines are facts."""

    def __init__(self, box, script, env):
        env = dict({"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "BOX": box, "LANG": "C.UTF-8"}, **env)
        p = subprocess.run(["unshare", "--mount", "--propagation", "private", "--",
                            support_file("bin", "enter-overlay-root.sh"), box, "--",
                            "/bin/sh", "-c", script], env=env, capture_output=True, text=True,
                           timeout=600, cwd="/", preexec_fn=default_signals)
        self.output = p.stdout + p.stderr
        self.status = p.returncode
        self.facts = {}
        for line in p.stdout.splitlines():
            if line.startswith("@@ "):
                key, _, value = line[3:].partition(" ")
                self.facts[key] = value


class InstalledPackagesCase:
    """Mixin for a TestCase class: SCRIPT (class attribute) run once in the
    overlay with the packages copied to $BOX/pkgs and a STUB systemd-run of
    the given version at $BOX/systemd-run (the script copies it over the
    real path where it needs one); facts and status are the script's."""
    PASSWORD = "package test pw"

    @classmethod
    def install_and_run(cls, packages, prefix, systemd_version):
        cls.box = tempfile.mkdtemp(prefix=prefix)
        os.chmod(cls.box, 0o755)
        log = os.path.join(cls.box, "log")
        os.mkdir(log)
        os.chmod(log, 0o777)
        os.mkdir(os.path.join(cls.box, "pkgs"))
        for path in packages:
            shutil.copy(path, os.path.join(cls.box, "pkgs"))
        with open(os.path.join(cls.box, "systemd-run"), "w") as f:
            f.write(stub_text("systemd-run", log, systemd_version))
        os.chmod(os.path.join(cls.box, "systemd-run"), 0o755)
        cls.prepare_box(cls.box)
        cls.overlay = OverlayScript(cls.box, cls.SCRIPT,
                                    {"PASSWORD": cls.PASSWORD, "HASH": make_hash(cls.PASSWORD, b"$y$")})

    @classmethod
    def prepare_box(cls, box):
        """More files for the script, before it runs."""

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.box, ignore_errors=True)

    def fact(self, key):
        self.assertIn(key, self.overlay.facts, self.overlay.output)
        return self.overlay.facts[key]

    def test_script_ran_to_the_end(self):
        self.assertEqual(self.overlay.status, 0, self.overlay.output)
