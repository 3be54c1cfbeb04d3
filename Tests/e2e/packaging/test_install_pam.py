"""install.sh's PAM service file. Each case runs `install.sh --pam-config`
in a private mount namespace with a tmpfs over /etc/pam.d holding the files
a distribution would have, so the machine's own /etc/pam.d is never touched."""
import os
import subprocess
import tempfile
import unittest

from support.accounts import wheel_member
from support.markers import INSTALL_SH_BUILDS, release_build_only, shares
from support.paths import REPO
from support.sandbox import Sandbox

ALICE = wheel_member("alice", 2001, "correct horse battery", groups=("users",))
MARKER = "# /etc/pam.d/runas: written by runas's install.sh (edit freely; install.sh then leaves it alone)"


def install_in_namespace(existing, args=("--pam-config",)):
    """existing: {name: content} put in the namespace's /etc/pam.d first.
    Returns (exit status, stdout, stderr, content of /etc/pam.d/runas or None)."""
    setup = "".join("printf '%%s' '%s' > /etc/pam.d/%s\n" % (text, name) for name, text in existing.items())
    script = ("set -e\nmount -t tmpfs tmpfs /etc/pam.d\n" + setup +
              "set +e\n%s %s\nrc=$?\necho \"::rc=$rc\"\n"
              "if [ -e /etc/pam.d/runas ]; then echo '::file'; cat /etc/pam.d/runas; fi\n"
              % (os.path.join(REPO, "install.sh"), " ".join(args)))
    p = subprocess.run(["unshare", "--mount", "--propagation", "private", "--", "sh", "-c", script],
                       capture_output=True, text=True, timeout=60, env={"PATH": "/usr/sbin:/usr/bin:/sbin:/bin"})
    out, has_file, file_part = p.stdout.partition("::file\n")
    head, _, rc = out.rpartition("::rc=")
    return int(rc.strip()), head, p.stderr, (file_part if has_file else None)


@release_build_only("install.sh makes its own release builds")
@shares(INSTALL_SH_BUILDS)
class InstallPAMConfigTests(unittest.TestCase):
    def test_debian_family_gets_common_includes(self):
        rc, out, err, content = install_in_namespace({"common-auth": "x", "common-account": "x"})
        self.assertEqual(rc, 0, err)
        self.assertEqual(content, MARKER + "\n@include common-auth\n@include common-account\n"
                                           "@include common-password\n@include common-session-noninteractive\n")
        self.assertIn("wrote /etc/pam.d/runas", out)

    def test_the_debian_stack_works_with_this_machines_pam(self):
        # The sandbox's /etc/pam.d is a copy of this machine's, with the
        # written file as its runas service: real common-* stacks, pam_unix.
        _, _, _, content = install_in_namespace({"common-auth": "x"})
        with Sandbox(accounts=(ALICE,), core="pam", backend="scopex", pam_stack=content) as box:
            r = box.run(ALICE, ["-S", "id", "-u"], stdin=ALICE.password + "\n")
            self.assertEqual((r.rc, r.out), (0, "0\n"), r)
            r = box.run(ALICE, ["-S", "true"], stdin="wrong\n")
            self.assertEqual(r.rc, 1, r)

    def test_system_auth_family_gets_include_lines(self):
        rc, out, err, content = install_in_namespace({"system-auth": "x"})
        self.assertEqual(rc, 0, err)
        self.assertEqual(content, MARKER + "\nauth     include system-auth\naccount  include system-auth\n"
                                           "password include system-auth\nsession  include system-auth\n")

    def test_unknown_family_writes_nothing_and_says_what_to_write(self):
        rc, out, err, content = install_in_namespace({"other": "x"})
        self.assertEqual(rc, 0, err)
        self.assertIsNone(content)
        self.assertIn("write /etc/pam.d/runas yourself", err)
        self.assertIn("\"other\" service", err)

    def test_existing_file_is_left_byte_for_byte(self):
        custom = "auth required pam_deny.so\n# mine\n"
        rc, out, err, content = install_in_namespace({"common-auth": "x", "runas": custom})
        self.assertEqual(rc, 0, err)
        self.assertEqual(content, custom)
        self.assertIn("/etc/pam.d/runas exists: left as it is", out)

    def test_uninstall_removes_only_its_own_file(self):
        for text, removed in ((MARKER + "\n@include common-auth\n", True), ("auth required pam_deny.so\n", False)):
            with tempfile.TemporaryDirectory() as dest:
                os.makedirs(os.path.join(dest, "etc/pam.d"))
                path = os.path.join(dest, "etc/pam.d/runas")
                with open(path, "w") as f:
                    f.write(text)
                p = subprocess.run([os.path.join(REPO, "install.sh"), "--uninstall"], capture_output=True,
                                   text=True, env=dict(os.environ, DESTDIR=dest), timeout=60)
                self.assertEqual(p.returncode, 0, p.stderr)
                self.assertEqual(not os.path.exists(path), removed, p.stdout)


if __name__ == "__main__":
    unittest.main()
