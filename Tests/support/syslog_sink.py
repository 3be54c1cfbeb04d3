"""syslog_sink.py: a sandbox's /dev/log. A datagram socket drained by a
thread all the time, as a syslog daemon would (the kernel queues only a few
datagrams, net.unix.max_dgram_qlen, before senders block), with every
message parsed as glibc's syslog(3) wrote it."""
import re
import select
import socket
import threading
from dataclasses import dataclass

LOG_AUTHPRIV = 10
LOG_ALERT = 1
LOG_NOTICE = 5


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


class SyslogSink:
    """Listens at `path` (a socket file other processes may send to)."""

    def __init__(self, path):
        self._socket = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self._socket.bind(path)
        self._socket.setblocking(False)
        self._seen = []
        self._lock = threading.Lock()
        self._open = True
        self._thread = threading.Thread(target=self._drain, daemon=True)
        self._thread.start()

    def close(self):
        self._open = False
        self._thread.join()
        self._socket.close()

    def _take_queued(self):
        """Moves every datagram queued on the socket to the list (the lock held)."""
        while True:
            try:
                data = self._socket.recv(65536)
            except (BlockingIOError, InterruptedError):
                return
            self._seen.append(SyslogMessage.parse(data))

    def _drain(self):
        while self._open:
            ready, _, _ = select.select([self._socket], [], [], 0.1)
            if ready:
                with self._lock:
                    self._take_queued()

    def messages(self):
        """Every message received so far. Called once the senders have
        ended: whatever they sent is in the list or still queued on the
        socket, and taken from there now (no waiting)."""
        with self._lock:
            self._take_queued()
            return list(self._seen)
