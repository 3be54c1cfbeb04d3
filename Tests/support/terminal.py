"""terminal.py: a process on its own pseudo-terminal, driven like a person
at a keyboard, and the signal state every process a test starts gets."""
import errno
import fcntl
import os
import select
import signal
import struct
import termios
import time

from support.procfs import all_processes
from support.sanitizer import check_sanitizer

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
