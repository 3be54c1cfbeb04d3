"""sandbox.py: the throw-away sandbox the end-to-end tests run runas in.

Each Sandbox is a temporary directory holding its own /etc/passwd, shadow,
group, shells and pam.d (the accounts a test declares, accounts.py), a
/usr/local tree with the staged runas (setuid root, root:wheel) and one
backend, stub systemd-run/run0 programs, a layer over /run, its own /srv
and /var/tmp, and a /dev/log the test reads (syslog_sink.py). Commands run
in a private mount namespace where those are mounted over the real ones
(bin/enter-sandbox.sh), so the real machine's accounts and files are never
touched, and sandboxes never see each other's: tests run in parallel.
runas is then run as a test user, dropped with setpriv, with the password
on stdin (-S) or typed on a real pseudo-terminal (terminal.py).

The staged builds come from Tests/run.sh (install.sh with DESTDIR) and are
found through RUNAS_TEST_STAGE (paths.py).
"""
import json
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass

from support.accounts import BASE_GROUPS, NOBODY, ROOT, WHEEL_GID, passwd_group_shadow
from support.paths import RUNAS, backend_file, stage_dir, support_file
from support.sanitizer import check_sanitizer
from support.syslog_sink import SyslogSink
from support.terminal import Terminal, default_signals


@dataclass
class Result:
    rc: int
    out: str
    err: str


def sigchld_ignored(args):
    """Arguments for python3 that exec runas with `args` and SIGCHLD
    ignored (set after the sandbox's shell, which resets it)."""
    code = "import os, signal, sys; signal.signal(signal.SIGCHLD, signal.SIG_IGN); os.execv(sys.argv[1], sys.argv[1:])"
    return ["-c", code, RUNAS] + list(args)


def stub_text(name, log, systemd_version=257):
    """stubs/NAME made ready to run: recording into `log`, emulating that
    systemd version, finding stub_unit.py beside it."""
    with open(support_file("stubs", name)) as f:
        text = f.read()
    return (text.replace("@VERSION@", str(systemd_version)).replace("@LOG@", log)
            .replace("@STUBS@", support_file("stubs")))


class Sandbox:
    """accounts: the users besides root and nobody (accounts.py); groups:
    (name, gid) pairs besides root, wheel, users and nogroup."""

    def __init__(self, accounts=(), groups=(), core="shadow", backend="scopex", runas_mode=0o4750,
                 backend_path=None, backend_mode=0o644, backend_owner=0,
                 systemd_version=257, pam_stack=None, env_file=None):
        self.dir = tempfile.mkdtemp(prefix="runas-e2e-")
        os.chmod(self.dir, 0o755)
        self.shared = os.path.join(self.dir, "shared")   # writable by the commands
        os.mkdir(self.shared)
        os.chmod(self.shared, 0o1777)
        self.log = os.path.join(self.dir, "log")
        os.mkdir(self.log, 0o700)
        os.mkdir(self.log + "-caller")          # a stub run as the caller records here
        os.chmod(self.log + "-caller", 0o1777)
        os.mkdir(os.path.join(self.dir, "dev"))
        for d in ("run", "run/upper", "run/work"):
            os.mkdir(os.path.join(self.dir, d), 0o755)
        # /srv and /var/tmp inside the sandbox (enter-sandbox.sh).
        self.srv = os.path.join(self.dir, "srv")
        os.mkdir(self.srv)
        os.chmod(self.srv, 0o755)
        self.vartmp = os.path.join(self.dir, "vartmp")
        os.mkdir(self.vartmp)
        os.chmod(self.vartmp, 0o1777)
        path = os.path.join(self.dir, "syslog.sock")
        self._syslog = SyslogSink(path)
        os.chmod(path, 0o666)
        self.users = [ROOT, NOBODY] + list(accounts)
        self.groups = list(BASE_GROUPS) + list(groups)
        self._write_accounts()
        self._write_pam(pam_stack)
        self._write_usr_local(core, backend, runas_mode, backend_path, backend_mode, backend_owner)
        self._write_stubs(systemd_version)
        if env_file is not None:
            self.write_env_file(env_file)

    def close(self):
        self._syslog.close()
        shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # -- files -------------------------------------------------------------

    def _write(self, rel, text, mode=0o644):
        path = os.path.join(self.dir, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            f.write(text)
        os.chmod(path, mode)
        return path

    def _write_accounts(self):
        passwd, shadow, group = passwd_group_shadow(self.users, self.groups)
        self._write("etc/passwd", passwd)
        self._write("etc/shadow", shadow, 0o640)
        self._write("etc/group", group)
        self._write("etc/shells", "/bin/sh\n/bin/bash\n/usr/bin/bash\n")

    def write_env_file(self, text, mode=0o644, owner=0):
        """The sandbox's /etc/runas.env. etc-extra/ is laid over the real
        /etc (a read-only overlay inside the namespace) by enter-sandbox.sh,
        so the file exists there even though the machine has none."""
        path = self._write("etc-extra/runas.env", text, mode)
        os.chown(path, owner, owner)
        return path

    def _write_pam(self, stack):
        shutil.copytree("/etc/pam.d", os.path.join(self.dir, "etc/pam.d"), symlinks=True)
        # "@BOX@" in a test's stack stands for the sandbox directory.
        self._write("etc/pam.d/runas", (stack or "").replace("@BOX@", self.dir) or (
            "# test stack: real pam_unix against the sandbox's /etc/shadow\n"
            "auth     required pam_unix.so\n"
            "account  required pam_unix.so\n"
            "session  required pam_unix.so\n"))

    def _write_usr_local(self, core, backend, runas_mode, backend_path, backend_mode, owner):
        root = os.path.join(self.dir, "usr-local")
        lib = os.path.join(root, "lib/runas")
        os.makedirs(lib)
        os.makedirs(os.path.join(root, "bin"))
        for d in (root, os.path.join(root, "lib"), lib, os.path.join(root, "bin")):
            os.chmod(d, 0o755)
        runas = os.path.join(root, "bin/runas")
        shutil.copyfile(os.path.join(stage_dir(core), "usr/local/bin/runas"), runas)
        os.chown(runas, 0, WHEEL_GID)
        os.chmod(runas, runas_mode)
        os.symlink("runas", os.path.join(root, "bin/runasedit"))  # as install.sh makes it
        so = os.path.join(lib, "backend.so")
        shutil.copyfile(backend_path or backend_file(core, backend), so)
        os.chown(so, owner, 0)
        os.chmod(so, backend_mode)

    def _write_stubs(self, systemd_version):
        for name in ("systemd-run", "run0", "systemctl"):
            self._write("stubs/" + name, stub_text(name, self.log, systemd_version), 0o755)

    # -- syslog ------------------------------------------------------------

    def syslog(self):
        """Every message logged in the sandbox so far, as SyslogMessage."""
        return self._syslog.messages()

    def runas_messages(self):
        """runas's own syslog lines ("user : ..."), not its PAM modules'."""
        return [m for m in self.syslog() if m.ident == "runas" and re.match(r"^\S+ : ", m.text)]

    def runas_log(self):
        return [m.text for m in self.runas_messages()]

    def tally_dir(self):
        """/run/runas as runas sees it in this sandbox (the password-try records)."""
        return os.path.join(self.dir, "run/upper/runas")

    def stub_record(self, name, caller=False):
        """What the stub systemd-run/run0 recorded, or None if it never ran
        (caller: its run as the caller, by runas --check)."""
        path = os.path.join(self.log + ("-caller" if caller else ""), name + ".json")
        if not os.path.exists(path):
            return None
        with open(path) as f:
            return json.load(f)

    # -- running -----------------------------------------------------------

    def command(self, user, args, program=RUNAS):
        cmd = ["unshare", "--mount", "--propagation", "private", "--",
               support_file("bin", "enter-sandbox.sh"), self.dir, "--"]
        if user.uid != 0:
            # setpriv execs with its capabilities still raised, which would
            # let it run a mode 4750 file the user cannot; env in between
            # makes the final exec an ordinary unprivileged one.
            cmd += ["setpriv", "--reuid=%d" % user.uid, "--regid=%d" % user.gid,
                    "--init-groups", "--", "/usr/bin/env"]
        return cmd + [program] + list(args)  # str or bytes words

    def environment(self, user, extra=None):
        env = {"PATH": "/usr/bin:/bin", "TERM": "dumb", "LANG": "C.UTF-8",
               "HOME": user.home or "/home/" + user.name, "USER": user.name}
        env.update(extra or {})
        return env

    def run(self, user, args, stdin=None, env=None, timeout=60, program=RUNAS):
        """Runs runas (or `program`) as `user` with pipes for stdin/stdout/stderr."""
        p = subprocess.run(self.command(user, args, program), input=(stdin or "").encode(),
                           capture_output=True, env=self.environment(user, env),
                           timeout=timeout, cwd="/", preexec_fn=default_signals)
        err = p.stderr.decode(errors="replace")
        check_sanitizer(err)
        return Result(p.returncode, p.stdout.decode(errors="replace"), err)

    def terminal(self, user, args, env=None, program=RUNAS):
        """runas (or `program`) as `user` on a new pseudo-terminal."""
        return Terminal(self.command(user, args, program), self.environment(user, env))

    def shell_on_terminal(self, user, env=None):
        """An interactive bash as `user` on a new pseudo-terminal, with job
        control: the test types at it as a person would."""
        extra = {"PS1": "bash$ "}
        extra.update(env or {})
        t = self.terminal(user, ["--norc", "--noprofile", "-i"], env=extra, program="/bin/bash")
        t.expect("bash$ ")
        return t

    def job_on_terminal(self, user, args, env=None, wait_go=False):
        """runas as a foreground job of jobctl.py (a job-control parent that
        never touches the terminal settings) on a new pseudo-terminal."""
        jobctl = os.path.join(self.dir, "jobctl.py")
        if not os.path.exists(jobctl):
            shutil.copyfile(support_file("bin", "jobctl.py"), jobctl)
            os.chmod(jobctl, 0o755)
        words = [jobctl] + (["--wait-go"] if wait_go else []) + ["--", RUNAS] + list(args)
        t = self.terminal(user, words, env=env, program="/usr/bin/python3")
        t.expect("JOBCTL ready echo=on")
        return t

    def write_script(self, name, text):
        """An executable file in the sandbox that every user can run."""
        return self._write(name, text, 0o755)

    def run_on_terminal(self, user, args, answers=(), env=None, timeout=60, program=RUNAS):
        """Runs runas (or `program`) as `user` on a new pseudo-terminal (its
        controlling terminal). `answers` is a list of (text to wait for,
        text to type). Returns Result with everything the terminal showed
        in `out`."""
        t = self.terminal(user, args, env=env, program=program)
        try:
            for wanted, typed in answers:
                t.expect(wanted, timeout=timeout)
                t.send(typed)
            rc = t.wait(timeout=timeout)
        finally:
            t.close()
        return Result(rc, t.output, "")
