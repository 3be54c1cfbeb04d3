"""test_check.py: --check, each of its lines for a good install, a caller not
in wheel, a broken backend, a setuid bit missing, and the backends'
programs asked whether they accept the options a run passes."""
import os
import time
import unittest

from support.accounts import SHA512, not_in_wheel, wheel_member
from support.cases import SandboxTest
from support.sandbox import Sandbox

ALICE = wheel_member("alice", 2001, "correct horse battery", groups=("users",))
BOB = wheel_member("bob", 2002, "b0b's\tpass word", hash=SHA512)
CAROL = not_in_wheel("carol", 2003, "not an admin", groups=("users",))  # not in wheel


class CheckTests(SandboxTest):
    accounts = (ALICE, CAROL)
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
        with Sandbox(accounts=(ALICE,), backend_mode=0o666) as box:
            r = box.run(ALICE, ["--check"])
            self.assertEqual(r.rc, 1, r)
            self.assertIn("FAIL  backend at /usr/local/lib/runas/backend.so: backend "
                          "/usr/local/lib/runas/backend.so is writable by group or others, refusing to load it; "
                          "install one with ./install.sh --backend NAME (or a runas-backend-NAME package)\n", r.out)

    def test_systemd_run_backend_wants_systemd(self):
        with Sandbox(accounts=(ALICE,), backend="systemd-run") as box:
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
        with Sandbox(accounts=(ALICE,), backend="systemd-run", systemd_version=252) as box:
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
                    Sandbox(accounts=(ALICE,), core=core, backend=backend, systemd_version=version) as box:
                r = box.run(ALICE, ["--check"])
                self.assertIn("ok    " + self.CHECK_OPTIONS % (backend, backend) + "\n", r.out)

    def test_the_check_names_every_option_a_run_passes(self):
        # The list the backend gives --check against what it really passes.
        for backend in ("systemd-run", "run0"):
            with self.subTest(backend=backend), Sandbox(accounts=(ALICE, BOB), backend=backend) as box:
                r = box.run(ALICE, ["-S", "-P", "--env", "X=1", "-u", "bob", "true"], stdin=ALICE.password + "\n")
                self.assertEqual(r.rc, 0, r)
                argv = box.stub_record(backend)["argv"]
                used = {a.split("=")[0] for a in argv[1:argv.index("--")]}
                box.run(ALICE, ["--check"])
                argv = box.stub_record(backend, caller=True)["argv"]
                checked = {a.split("=")[0] for a in argv[1:-1]}
                self.assertEqual(used - checked, set(), (used, checked))

    def test_a_program_that_does_not_answer_is_cut_off(self):
        with Sandbox(accounts=(ALICE,), backend="systemd-run") as box:
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
        with Sandbox(accounts=(ALICE,), backend="scopex") as box:
            r = box.run(ALICE, ["--check"])
            self.assertNotIn("accepts the options", r.out)

    def test_pam_build_looks_for_its_service_file(self):
        with Sandbox(accounts=(ALICE,), core="pam") as box:
            r = box.run(ALICE, ["--check"])
            self.assertEqual(r.rc, 0, r)
            self.assertIn("ok    PAM service file /etc/pam.d/runas exists\n", r.out)

    def test_not_setuid(self):
        with Sandbox(accounts=(ALICE,), runas_mode=0o755) as box:
            r = box.run(ALICE, ["--check"])
            self.assertEqual(r.rc, 1, r)
            self.assertIn("FAIL  /usr/local/bin/runas is setuid root (mode 755): chown root:wheel "
                          "/usr/local/bin/runas && chmod 4750 /usr/local/bin/runas (install.sh does this)\n", r.out)
            self.assertIn("FAIL  runas runs as the machine's root (effective uid 0): "
                          "runas must be owned by root and have the setuid bit\n", r.out)


if __name__ == "__main__":
    unittest.main()
