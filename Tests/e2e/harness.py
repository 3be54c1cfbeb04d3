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
import fcntl
import json
import os
import re
import select
import shutil
import signal
import socket
import struct
import subprocess
import tempfile
import termios
import threading
import time
from dataclasses import dataclass

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
STAGE = os.environ.get("RUNAS_TEST_STAGE", os.path.join(REPO, ".build", "e2e-stage"))
RUNAS = "/usr/local/bin/runas"

WHEEL_GID = 10

# Signals a user's shell leaves at their defaults. The test runner itself
# may have been started with some ignored (nohup ignores SIGHUP; a
# background job of a non-interactive shell ignores SIGINT and SIGQUIT),
# and ignored signals survive exec, so every process a test starts gets
# them reset first: tests must not depend on how CI was launched.
USER_SIGNALS = (signal.SIGINT, signal.SIGQUIT, signal.SIGHUP, signal.SIGTERM,
                signal.SIGTSTP, signal.SIGTTIN, signal.SIGTTOU, signal.SIGPIPE)


def default_signals():
    for s in USER_SIGNALS:
        signal.signal(s, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_SETMASK, [])


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
    shadow_override: str = None  # "!"/"!!" prefix the real hash; "MISSING": no shadow line;
                                 # any other value (even "") replaces it
    shadow_fields: str = "::"     # the last three fields: inactive:expire:reserved
    home: str = None
    last_change: str = "19000"    # sp_lstchg (days since 1970); "0": must change now
    max_days: str = "99999"       # sp_max


USERS = [
    User("root", 0, 0, password="root's own", home="/root"),
    User("alice", 2001, 2001, password="correct horse battery", groups=("wheel", "users")),
    User("bob", 2002, 2002, password="b0b's\tpass word", hash_prefix=b"$6$", groups=("wheel",)),
    User("carol", 2003, 2003, password="not an admin", groups=("users",)),
    User("nobody", 65534, 65534, shadow_override="*", home="/nonexistent"),
    User("dave", 2004, 2004, password="locked out", groups=("wheel",), shadow_override="!"),
    User("erin", 2005, 2005, password="expired account", groups=("wheel",), shadow_fields=":1:"),
    User("frank", 2006, 2006, password="old md5 hash", hash_prefix=b"$1$", groups=("wheel",)),
    # 511 bytes: the longest password libcrypt hashes and runas keeps.
    User("gina", 2007, 2007, password="g" * 500 + "0123456789a", groups=("wheel",)),
    User("hank", 2008, 2008, password="", groups=("wheel",), shadow_override=""),
    User("ivy", 2009, 2009, password="change me now", groups=("wheel",), last_change="0"),
    User("jack", 2010, 2010, password="aged out", groups=("wheel",), last_change="10000", max_days="30"),
    User("kate", 2011, 2011, password="star locked", groups=("wheel",), shadow_override="*"),
    User("lena", 2012, 2012, password="double bang", groups=("wheel",), shadow_override="!!"),
    User("mike", 2013, 2013, password="no shadow line", groups=("wheel",), shadow_override="MISSING"),
    # A name made of digits, equal to nobody's uid: -u 65534 means this
    # user. (Not a caller's uid: setpriv --reuid=N, too, reads N as a name
    # first.)
    User("65534", 2030, 2030, shadow_override="*"),
    # A home that exists on every machine (for the working-directory fallback).
    User("pat", 2014, 2014, shadow_override="*", home="/tmp"),
]
EXTRA_GROUPS = [("wheel", WHEEL_GID), ("users", 100), ("proj", 3000), ("nogroup", 65534)]

def user(name):
    return next(u for u in USERS if u.name == name)


ALICE = USERS[1]
BOB = USERS[2]
CAROL = USERS[3]


@dataclass
class SyslogMessage:
    facility: int
    severity: int
    ident: str
    pid: int
    text: str
    raw: bytes

    # glibc's syslog(3): "<PRI>Mmm dd hh:mm:ss IDENT[PID]: TEXT"
    PATTERN = re.compile(rb"^<(\d+)>\w{3} [ \d]\d \d\d:\d\d:\d\d ([^\[:]+)\[(\d+)\]: (.*)$", re.S)

    @classmethod
    def parse(cls, data):
        m = cls.PATTERN.match(data)
        if not m:
            return cls(-1, -1, "", 0, data.decode(errors="replace"), data)
        pri = int(m.group(1))
        return cls(pri >> 3, pri & 7, m.group(2).decode(), int(m.group(3)),
                   m.group(4).decode(errors="replace"), data)


LOG_AUTHPRIV = 10
LOG_ALERT = 1
LOG_NOTICE = 5


@dataclass
class Result:
    rc: int
    out: str
    err: str


# An AddressSanitizer build of the core (Tests/run.sh's second pass) writes
# its reports to stderr; any report fails the test that caused it, whatever
# the test itself asserts.
SANITIZER_REPORT = re.compile(r"ERROR: (Address|Leak|Undefined\w*)Sanitizer|SUMMARY: \w+Sanitizer")


def check_sanitizer(text):
    m = SANITIZER_REPORT.search(text)
    if m:
        raise AssertionError("sanitizer report from runas:\n" + text[max(0, m.start() - 200):][:4000])


def sigchld_ignored(args):
    """Arguments for python3 that exec runas with `args` and SIGCHLD
    ignored (set after the sandbox's shell, which resets it)."""
    code = "import os, signal, sys; signal.signal(signal.SIGCHLD, signal.SIG_IGN); os.execv(sys.argv[1], sys.argv[1:])"
    return ["-c", code, RUNAS] + list(args)


def stub_text(name, log, systemd_version=257):
    """stubs/NAME made ready to run: recording into `log`, emulating that
    systemd version, finding stub_unit.py here."""
    with open(os.path.join(HERE, "stubs", name)) as f:
        text = f.read()
    return text.replace("@VERSION@", str(systemd_version)).replace("@LOG@", log).replace("@E2E@", HERE)


def assert_hardened(case, path, what=None):
    """hardening-check (devscripts) passes on the ELF file at path: PIE,
    stack protector, fortified C calls, full RELRO, BIND_NOW. Control-flow
    protection is not asked: Swift objects carry no IBT/SHSTK marks, and
    the linker sets the property only when every object has it. Returns
    what it printed."""
    p = subprocess.run(["hardening-check", "--nocfprotection", path], capture_output=True, text=True)
    case.assertEqual(p.returncode, 0, (what or path, p.stdout + p.stderr))
    return p.stdout


def shipped_elf_files(debs, tmp):
    """The ELF files (not links) in the .deb files `debs`, unpacked under
    the directory `tmp`, one subdirectory per package."""
    found = []
    for deb in debs:
        root = os.path.join(tmp, os.path.basename(deb))
        subprocess.run(["dpkg-deb", "-x", deb, root], check=True)
        for top, _, files in os.walk(root):
            for name in files:
                path = os.path.join(top, name)
                if os.path.islink(path):
                    continue
                with open(path, "rb") as f:
                    if f.read(4) == b"\x7fELF":
                        found.append(path)
    return found


def assert_debs_hardened(case, debs, count):
    """assert_hardened, with RELRO, immediate binding and fortified C calls
    each said, on every ELF file the .deb files `debs` ship (`count` of
    them)."""
    with tempfile.TemporaryDirectory() as tmp:
        checked = shipped_elf_files(debs, tmp)
        for path in checked:
            said = assert_hardened(case, path)
            case.assertIn("Read-only relocations: yes", said)
            case.assertIn("Immediate binding: yes", said)
            case.assertIn("Fortify Source functions: yes", said)
        case.assertEqual(len(checked), count, checked)


def stage_dir(core):
    """core: "shadow" or "pam" (or "noexpand": the WithoutExpandEnv build,
    made with install.sh --no-pty-default, scopex beside systemd-run)."""
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
                 systemd_version=257, pam_stack=None, env_file=None, extra_users=(), extra_groups=()):
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
        self._open_syslog()
        self.users = USERS + list(extra_users)
        self.groups = EXTRA_GROUPS + list(extra_groups)
        self._write_accounts()
        self._write_pam(pam_stack)
        self._write_usr_local(core, backend, runas_mode, backend_path, backend_mode, backend_owner)
        self._write_stubs(systemd_version)
        if env_file is not None:
            self.write_env_file(env_file)

    def close(self):
        self._syslog_open = False
        self._syslog_thread.join()
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
        passwd, shadow = [], []
        groups = {name: (gid, []) for name, gid in self.groups}
        groups["root"] = (0, [])
        for u in self.users:
            home = u.home or "/home/" + u.name
            shell = "/bin/sh"
            passwd.append("%s:x:%d:%d:%s:%s:%s" % (u.name, u.uid, u.gid, u.name, home, shell))
            if u.shadow_override == "MISSING":
                field = None
            elif u.shadow_override in ("!", "!!"):
                field = u.shadow_override + make_hash(u.password, u.hash_prefix)
            elif u.shadow_override is not None:
                field = u.shadow_override
            else:
                field = make_hash(u.password, u.hash_prefix)
            if field is not None:
                shadow.append("%s:%s:%s:0:%s:7:%s" % (u.name, field, u.last_change, u.max_days,
                                                     u.shadow_fields))
            if u.name not in groups:
                groups[u.name] = (u.gid, [])
            for g in u.groups:
                groups[g][1].append(u.name)
        self._write("etc/passwd", "\n".join(passwd) + "\n")
        self._write("etc/shadow", "\n".join(shadow) + "\n", 0o640)
        self._write("etc/group", "".join("%s:x:%d:%s\n" % (n, gid, ",".join(m))
                                         for n, (gid, m) in groups.items()))
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

    def _open_syslog(self):
        """The sandbox's /dev/log: a datagram socket (enter-sandbox.sh binds
        it over /dev/log) drained by a thread all the time, as a syslog
        daemon would: the kernel queues only a few datagrams
        (net.unix.max_dgram_qlen, 10 by default) before senders block."""
        path = os.path.join(self.dir, "syslog.sock")
        self._syslog = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self._syslog.bind(path)
        os.chmod(path, 0o666)
        self._syslog.settimeout(0.1)
        self._syslog_seen = []
        self._syslog_lock = threading.Lock()
        self._syslog_open = True
        self._syslog_thread = threading.Thread(target=self._drain_syslog, daemon=True)
        self._syslog_thread.start()

    def _drain_syslog(self):
        while self._syslog_open:
            try:
                data = self._syslog.recv(65536)
            except (socket.timeout, OSError):
                continue
            with self._syslog_lock:
                self._syslog_seen.append(SyslogMessage.parse(data))

    def syslog(self):
        """Every message logged in the sandbox so far, as SyslogMessage.
        Commands have ended when this is called; a datagram sent before
        then is already queued, so a short wait for the drain suffices."""
        deadline = time.monotonic() + 0.5
        while time.monotonic() < deadline:
            with self._syslog_lock:
                count = len(self._syslog_seen)
            time.sleep(0.05)
            with self._syslog_lock:
                if len(self._syslog_seen) == count:
                    break
        with self._syslog_lock:
            return list(self._syslog_seen)

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
               os.path.join(HERE, "enter-sandbox.sh"), self.dir, "--"]
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
            shutil.copyfile(os.path.join(HERE, "jobctl.py"), jobctl)
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


def process_stat(pid):
    """(comm, the fields after it) of /proc/PID/stat, or None if it is gone.
    fields[0] is the state, [1] the parent pid, [4] the controlling tty."""
    try:
        with open("/proc/%s/stat" % pid) as f:
            stat = f.read()
    except OSError:
        return None
    return stat[stat.index("(") + 1:stat.rindex(")")], stat[stat.rindex(")") + 2:].split()


def all_processes():
    """(pid, comm, fields) of every process, as process_stat gives them."""
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            found = process_stat(entry)
            if found:
                yield (int(entry),) + found


def descendants(pid):
    """(pid, comm, fields) of every process below `pid`, as all_processes
    gives them, parents first."""
    children = {}
    for process in all_processes():
        children.setdefault(int(process[2][1]), []).append(process)
    found, todo = [], list(children.get(pid, []))
    while todo:
        process = todo.pop(0)
        found.append(process)
        todo += children.get(process[0], [])
    return found


def wait_for_exit(pids, timeout=30):
    """Waits until every process in `pids` has ended, children of the test
    or not (through pidfds); returns the pids still there at the timeout."""
    waiting = {}
    for pid in pids:
        try:
            waiting[os.pidfd_open(pid)] = pid
        except ProcessLookupError:
            pass
    deadline = time.monotonic() + timeout
    try:
        while waiting and time.monotonic() < deadline:
            ended, _, _ = select.select(list(waiting), [], [], max(0, deadline - time.monotonic()))
            for fd in ended:
                del waiting[fd]
                os.close(fd)
        return sorted(waiting.values())
    finally:
        for fd in waiting:
            os.close(fd)


class Terminal:
    """A process on its own pseudo-terminal (session leader, controlling
    terminal), driven like a person at a keyboard."""

    def __init__(self, argv, env):
        self.master, slave = os.openpty()
        self.slave_path = os.ttyname(slave)
        self.pid = os.fork()
        if self.pid == 0:
            try:
                os.close(self.master)
                default_signals()
                os.setsid()
                fcntl.ioctl(slave, termios.TIOCSCTTY, 0)
                for fd in (0, 1, 2):
                    os.dup2(slave, fd)
                if slave > 2:
                    os.close(slave)
                os.chdir("/")
                os.execvpe(argv[0], argv, env)
            finally:
                os._exit(127)
        os.close(slave)
        self.seen = b""
        self.mark = 0       # expect() searches from here
        self.status = None

    @property
    def output(self):
        return self.seen.decode(errors="replace")

    def _read(self, wait):
        r, _, _ = select.select([self.master], [], [], wait)
        if not r:
            return True
        try:
            chunk = os.read(self.master, 4096)
        except OSError as e:
            if e.errno == errno.EIO:
                return False
            raise
        if not chunk:
            return False
        self.seen += chunk
        return True

    def expect(self, text, timeout=30):
        """Waits until `text` appears (after what earlier expects matched);
        returns everything shown between."""
        wanted = text.encode() if isinstance(text, str) else text
        deadline = time.monotonic() + timeout
        while True:
            at = self.seen.find(wanted, self.mark)
            if at >= 0:
                between = self.seen[self.mark:at]
                self.mark = at + len(wanted)
                return between.decode(errors="replace")
            if time.monotonic() > deadline or not self._read(0.1):
                raise AssertionError("terminal never showed %r; it showed:\n%s" % (text, self.output))

    def send(self, text):
        os.write(self.master, text.encode() if isinstance(text, str) else text)

    def settle(self, seconds=0.3):
        """Reads whatever arrives for a moment."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline and self._read(0.05):
            pass

    def resize(self, rows, cols):
        """Sets the terminal's window size, as a terminal emulator does when
        its window changes (the kernel sends SIGWINCH to the foreground job)."""
        fcntl.ioctl(self.master, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))

    def echo_is_on(self):
        """The terminal's ECHO flag, as any program on it would see it."""
        fd = os.open(self.slave_path, os.O_RDONLY | os.O_NOCTTY | os.O_NONBLOCK)
        try:
            return bool(termios.tcgetattr(fd)[3] & termios.ECHO)
        finally:
            os.close(fd)

    def processes(self, name):
        """pids of processes called `name` whose controlling terminal is this one."""
        rdev = os.stat(self.slave_path).st_rdev
        return [pid for pid, comm, fields in all_processes() if comm == name and int(fields[4]) == rdev]

    def wait_for_process(self, name, timeout=30):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            pids = self.processes(name)
            if pids:
                return pids[0]
            self._read(0.05)
        raise AssertionError("no %s process appeared on the terminal" % name)

    def wait(self, timeout=60):
        """Reads until the process ends; returns its exit code (-N: signal N)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self._read(0.2):
            pass
        if self.status is None:
            if time.monotonic() >= deadline:
                os.kill(self.pid, signal.SIGKILL)
            _, status = os.waitpid(self.pid, 0)
            self.status = os.waitstatus_to_exitcode(status)
        check_sanitizer(self.output)
        return self.status

    def close(self):
        if self.status is None:
            try:
                os.kill(self.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            _, status = os.waitpid(self.pid, 0)
            self.status = os.waitstatus_to_exitcode(status)
        try:
            os.close(self.master)
        except OSError:
            pass
