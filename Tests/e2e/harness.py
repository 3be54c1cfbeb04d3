"""harness.py: the throw-away sandbox the end-to-end tests run runas in.

Each Sandbox is a temporary directory holding its own /etc/passwd, shadow,
group, shells and pam.d, a /usr/local tree with the staged runas (setuid
root, root:wheel) and one backend, and stub systemd-run/run0 programs.
Commands run in a private mount namespace where those files are mounted
over the real ones (enter-sandbox.sh), so the real machine's accounts and
files are never touched. runas is then run as a test user, dropped with
setpriv, with the password on stdin (-S) or typed on a real pseudo-terminal.

The staged builds come from Tests/run.sh (install.sh with DESTDIR) and are
found through RUNAS_TEST_STAGE.
"""
import ctypes
import errno
import json
import os
import pty
import select
import shutil
import signal
import subprocess
import tempfile
import time
from dataclasses import dataclass

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
STAGE = os.environ.get("RUNAS_TEST_STAGE", os.path.join(REPO, ".build", "e2e-stage"))
RUNAS = "/usr/local/bin/runas"

WHEEL_GID = 10


# --- password hashes, made by the system's libcrypt itself -----------------

_libcrypt = ctypes.CDLL("libcrypt.so.1")
_libcrypt.crypt_gensalt_rn.restype = ctypes.c_char_p
_libcrypt.crypt_gensalt_rn.argtypes = [ctypes.c_char_p, ctypes.c_ulong, ctypes.c_char_p,
                                      ctypes.c_int, ctypes.c_char_p, ctypes.c_int]
_libcrypt.crypt.restype = ctypes.c_char_p
_libcrypt.crypt.argtypes = [ctypes.c_char_p, ctypes.c_char_p]


def make_hash(password, prefix):
    """prefix: b"$y$" (yescrypt), b"$6$" (SHA-512), b"$1$" (MD5), ..."""
    out = ctypes.create_string_buffer(256)
    setting = _libcrypt.crypt_gensalt_rn(prefix, 0, None, 0, out, 256)
    assert setting, "crypt_gensalt_rn failed for %r" % prefix
    hashed = _libcrypt.crypt(password.encode(), setting)
    assert hashed and not hashed.startswith(b"*"), "crypt failed for %r" % prefix
    return hashed.decode()


@dataclass
class User:
    name: str
    uid: int
    gid: int
    password: str = None
    hash_prefix: bytes = b"$y$"
    groups: tuple = ()
    shadow_override: str = None  # "!" locks the real hash; any other value replaces it
    shadow_fields: str = "::"     # the last three fields: inactive:expire:reserved
    home: str = None


USERS = [
    User("root", 0, 0, password="root's own", home="/root"),
    User("alice", 2001, 2001, password="correct horse battery", groups=("wheel", "users")),
    User("bob", 2002, 2002, password="b0b's\tpass word", hash_prefix=b"$6$", groups=("wheel",)),
    User("carol", 2003, 2003, password="not an admin", groups=("users",)),
    User("nobody", 65534, 65534, shadow_override="*", home="/nonexistent"),
    User("dave", 2004, 2004, password="locked out", groups=("wheel",), shadow_override="!"),
    User("erin", 2005, 2005, password="expired account", groups=("wheel",), shadow_fields=":1:"),
    User("frank", 2006, 2006, password="old md5 hash", hash_prefix=b"$1$", groups=("wheel",)),
]
EXTRA_GROUPS = [("wheel", WHEEL_GID), ("users", 100), ("proj", 3000), ("nogroup", 65534)]

def user(name):
    return next(u for u in USERS if u.name == name)


ALICE = USERS[1]
BOB = USERS[2]
CAROL = USERS[3]


@dataclass
class Result:
    rc: int
    out: str
    err: str


def stage_dir(core):
    """core: "shadow" or "pam" (or "noexpand", the WithoutExpandEnv build)."""
    path = os.path.join(STAGE, core)
    if not os.path.exists(os.path.join(path, "usr/local/bin/runas")):
        raise RuntimeError("no staged build at %s: run Tests/run.sh" % path)
    return path


def backend_file(core, backend):
    lib = os.path.join(stage_dir(core), "usr/local/lib/runas")
    named = os.path.join(lib, "backend-%s.so" % backend)
    return named if os.path.exists(named) else os.path.join(lib, "backend.so")


class Sandbox:
    def __init__(self, core="shadow", backend="scopex", runas_mode=0o4750,
                 backend_path=None, backend_mode=0o644, backend_owner=0,
                 systemd_version=257, pam_stack=None):
        self.dir = tempfile.mkdtemp(prefix="runas-e2e-")
        os.chmod(self.dir, 0o755)
        self.shared = os.path.join(self.dir, "shared")   # writable by the commands
        os.mkdir(self.shared)
        os.chmod(self.shared, 0o1777)
        self.log = os.path.join(self.dir, "log")
        os.mkdir(self.log, 0o700)
        self._write_accounts()
        self._write_pam(pam_stack)
        self._write_usr_local(core, backend, runas_mode, backend_path, backend_mode, backend_owner)
        self._write_stubs(systemd_version)

    def close(self):
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
        passwd, shadow = [], []
        groups = {name: (gid, []) for name, gid in EXTRA_GROUPS}
        groups["root"] = (0, [])
        for u in USERS:
            home = u.home or "/home/" + u.name
            shell = "/bin/sh"
            passwd.append("%s:x:%d:%d:%s:%s:%s" % (u.name, u.uid, u.gid, u.name, home, shell))
            if u.shadow_override == "!":
                field = "!" + make_hash(u.password, u.hash_prefix)
            else:
                field = u.shadow_override or make_hash(u.password, u.hash_prefix)
            shadow.append("%s:%s:19000:0:99999:7:%s" % (u.name, field, u.shadow_fields))
            if u.name not in groups:
                groups[u.name] = (u.gid, [])
            for g in u.groups:
                groups[g][1].append(u.name)
        self._write("etc/passwd", "\n".join(passwd) + "\n")
        self._write("etc/shadow", "\n".join(shadow) + "\n", 0o640)
        self._write("etc/group", "".join("%s:x:%d:%s\n" % (n, gid, ",".join(m))
                                         for n, (gid, m) in groups.items()))
        self._write("etc/shells", "/bin/sh\n/bin/bash\n/usr/bin/bash\n")

    def _write_pam(self, stack):
        shutil.copytree("/etc/pam.d", os.path.join(self.dir, "etc/pam.d"), symlinks=True)
        self._write("etc/pam.d/runas", stack or (
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
        so = os.path.join(lib, "backend.so")
        shutil.copyfile(backend_path or backend_file(core, backend), so)
        os.chown(so, owner, 0)
        os.chmod(so, backend_mode)

    def _write_stubs(self, systemd_version):
        for name in ("systemd-run", "run0"):
            with open(os.path.join(HERE, "stubs", name)) as f:
                text = f.read()
            text = text.replace("@VERSION@", str(systemd_version)).replace("@LOG@", self.log)
            self._write("stubs/" + name, text, 0o755)

    def stub_record(self, name):
        """What the stub systemd-run/run0 recorded, or None if it never ran."""
        path = os.path.join(self.log, name + ".json")
        if not os.path.exists(path):
            return None
        with open(path) as f:
            return json.load(f)

    # -- running -----------------------------------------------------------

    def command(self, user, args):
        cmd = ["unshare", "--mount", "--propagation", "private", "--",
               os.path.join(HERE, "enter-sandbox.sh"), self.dir, "--"]
        if user.uid != 0:
            # setpriv execs with its capabilities still raised, which would
            # let it run a mode 4750 file the user cannot; env in between
            # makes the final exec an ordinary unprivileged one.
            cmd += ["setpriv", "--reuid=%d" % user.uid, "--regid=%d" % user.gid,
                    "--init-groups", "--", "/usr/bin/env"]
        return cmd + [RUNAS] + list(args)  # str or bytes words

    def environment(self, user, extra=None):
        env = {"PATH": "/usr/bin:/bin", "TERM": "dumb", "LANG": "C.UTF-8",
               "HOME": user.home or "/home/" + user.name, "USER": user.name}
        env.update(extra or {})
        return env

    def run(self, user, args, stdin=None, env=None, timeout=60):
        """Runs runas as `user` with pipes for stdin/stdout/stderr."""
        p = subprocess.run(self.command(user, args), input=(stdin or "").encode(),
                           capture_output=True, env=self.environment(user, env),
                           timeout=timeout, cwd="/")
        return Result(p.returncode, p.stdout.decode(errors="replace"),
                      p.stderr.decode(errors="replace"))

    def run_on_terminal(self, user, args, answers=(), env=None, timeout=60):
        """Runs runas as `user` on a new pseudo-terminal (its controlling
        terminal). `answers` is a list of (text to wait for, text to type).
        Returns Result with everything the terminal showed in `out`."""
        pid, master = pty.fork()
        if pid == 0:
            try:
                os.chdir("/")
                os.execvpe(self.command(user, args)[0], self.command(user, args),
                           self.environment(user, env))
            finally:
                os._exit(127)
        seen = b""
        deadline = time.monotonic() + timeout
        pending = list(answers)

        def read_some(wait):
            nonlocal seen
            r, _, _ = select.select([master], [], [], wait)
            if not r:
                return True
            try:
                chunk = os.read(master, 4096)
            except OSError as e:
                if e.errno == errno.EIO:
                    return False
                raise
            if not chunk:
                return False
            seen += chunk
            return True

        alive = True
        search_from = 0  # an answered prompt is not matched twice
        while alive and time.monotonic() < deadline:
            if pending and seen.find(pending[0][0].encode(), search_from) >= 0:
                _, typed = pending.pop(0)
                search_from = len(seen)
                os.write(master, typed.encode())
                continue
            alive = read_some(0.2)
        if alive:
            os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
        os.close(master)
        rc = os.waitstatus_to_exitcode(status)
        return Result(rc, seen.decode(errors="replace"), "")
