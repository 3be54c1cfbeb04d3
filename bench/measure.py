"""measure.py: the measurements of bench/run.sh, run as root inside the
sandbox's mount namespace (bench.py starts it there). Prints one JSON
object on stdout: raw samples per case and command, for bench.py to turn
into the table.

All cases run in every round, in a rotating order, so that slow drifts of
the machine (other load, frequency, caches) spread over every command
alike: the ratios come from one interleaved run.

  case 1  root -> nobody, no password, /bin/true            (hyperfine, -N)
  case 2  a wheel member -> root, password on stdin          (hyperfine, sh)
  case 3  peak RSS of case 1 and case 2                      (/usr/bin/time -v)
  case 4  time to the first byte of the prompt on a pty      (forkpty-style)
"""
import json
import os
import pty
import select
import signal
import subprocess
import sys
import termios
import time
import fcntl

SHARED = sys.argv[1]          # a directory every user may write in
ROUNDS = int(sys.argv[2])
RUNS_FAST = 20                # hyperfine runs per round, case 1
RUNS_AUTH = 6                 # hyperfine runs per round, case 2 (a hash each)

CASE1 = [
    ("setpriv", ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", "/bin/true"]),
    ("runas", ["/usr/local/bin/runas", "-u", "nobody", "/bin/true"]),
    ("doas", ["doas", "-u", "nobody", "/bin/true"]),
    ("sudo", ["sudo", "-u", "nobody", "/bin/true"]),
    ("runuser", ["runuser", "-u", "nobody", "--", "/bin/true"]),
    ("su", ["su", "-s", "/bin/true", "nobody"]),
]
# Not peers: start-up floors of the two languages (bench/reference), no
# user switch, no /bin/true.
REFERENCE = [
    ("ref: C exit(0)", [os.path.join(sys.argv[3], "c-exit")]),
    ("ref: Embedded Swift exit", [os.path.join(sys.argv[3], "swift-exit")]),
]
# Callers of case 2: alice has a yescrypt hash, bob a SHA-512 one.
CALLERS = [("yescrypt", "alice", 2001), ("SHA-512", "bob", 2002)]
CASE2 = [
    ("runas", "/usr/local/bin/runas -S /bin/true"),
    ("runas (PAM)", "/usr/local/bin/runas-pam -S /bin/true"),
    ("sudo -S", "sudo -S /bin/true"),
]
PROMPT = [
    ("runas", ["/usr/local/bin/runas", "/bin/true"], b"password for"),
    ("sudo", ["sudo", "/bin/true"], b"password for"),
]
ENV = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "LANG": "C.UTF-8", "TERM": "dumb"}


def drop(name, uid):
    """preexec: become the caller (uid = gid, plus its groups)."""
    def run():
        os.initgroups(name, uid)
        os.setresgid(uid, uid, uid)
        os.setresuid(uid, uid, uid)
    return run


def hyperfine(names_commands, runs, warmup, shell, user=None):
    out = os.path.join(SHARED, "hyperfine-%d.json" % os.getpid())
    argv = ["hyperfine", "--style", "none", "--runs", str(runs), "--warmup", str(warmup),
            "--export-json", out]
    argv += ["-N"] if not shell else ["--shell", "sh"]
    for name, command in names_commands:
        argv += ["-n", name, command]
    env = dict(ENV)
    if user:
        env.update(HOME="/tmp", USER=user[0])
    subprocess.run(argv, check=True, env=env, stdout=subprocess.DEVNULL,
                   preexec_fn=drop(*user) if user else None, cwd="/")
    with open(out) as f:
        results = json.load(f)["results"]
    os.unlink(out)
    for r in results:
        if any(code != 0 for code in r.get("exit_codes", [])):
            raise SystemExit("measure.py: %s failed under hyperfine" % r["command"])
    return {r["command"]: r["times"] for r in results}


def peak_rss_kb(argv, stdin_path=None, user=None):
    """Maximum resident set size of a run, as /usr/bin/time -v reports it."""
    stdin = open(stdin_path) if stdin_path else subprocess.DEVNULL
    p = subprocess.run(["/usr/bin/time", "-v"] + argv, stdin=stdin, capture_output=True, text=True,
                       env=ENV, preexec_fn=drop(*user) if user else None, cwd="/")
    if stdin_path:
        stdin.close()
    if p.returncode != 0:
        raise SystemExit("measure.py: %s failed: %s" % (argv, p.stderr[-500:]))
    for line in p.stderr.splitlines():
        if "Maximum resident set size" in line:
            return int(line.split(":")[1])
    raise SystemExit("measure.py: no RSS from /usr/bin/time for %s" % argv)


def first_prompt_byte(argv, expect, user):
    """Seconds from fork to the first byte the program writes on its new
    controlling terminal; the text must turn out to be the prompt."""
    master, slave = pty.openpty()
    start = time.perf_counter()
    pid = os.fork()
    if pid == 0:
        try:
            os.close(master)
            os.setsid()
            fcntl.ioctl(slave, termios.TIOCSCTTY, 0)
            for fd in (0, 1, 2):
                os.dup2(slave, fd)
            drop(*user)()
            os.execvpe(argv[0], argv, dict(ENV, HOME="/tmp", USER=user[0]))
        finally:
            os._exit(127)
    os.close(slave)
    select.select([master], [], [], 10)
    elapsed = time.perf_counter() - start
    seen = b""
    deadline = time.monotonic() + 5
    while expect not in seen and time.monotonic() < deadline:
        if select.select([master], [], [], 0.2)[0]:
            try:
                seen += os.read(master, 4096)
            except OSError:
                break
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    os.close(master)
    if expect not in seen:
        raise SystemExit("measure.py: %s showed %r, not its prompt" % (argv[0], seen))
    return elapsed


def rotated(items, r):
    k = r % len(items)
    return items[k:] + items[:k]


def main():
    times = {}
    rss = {}

    def add(table, key, values):
        table.setdefault(key, []).extend(values)

    for r in range(ROUNDS):
        print("round %d/%d" % (r + 1, ROUNDS), file=sys.stderr)
        case1 = rotated(CASE1 + REFERENCE, r)
        for name, t in hyperfine([(n, " ".join(a)) for n, a in case1], RUNS_FAST, 3, shell=False).items():
            add(times, "1|" + name, t)
        for kind, name, uid in rotated(CALLERS, r):
            pw = os.path.join(SHARED, "password-" + name)
            commands = [(n, "%s < %s" % (c, pw)) for n, c in rotated(CASE2, r)]
            for n, t in hyperfine(commands, RUNS_AUTH, 1, shell=True, user=(name, uid)).items():
                add(times, "2|%s|%s" % (kind, n), t)
        for name, argv in case1:
            add(rss, "1|" + name, [peak_rss_kb(argv)])
        for n, c in rotated(CASE2, r):
            add(rss, "2|yescrypt|" + n, [peak_rss_kb(c.split(), os.path.join(SHARED, "password-alice"),
                                                     user=("alice", 2001))])
        for n, argv, expect in rotated(PROMPT, r):
            add(times, "4|" + n, [first_prompt_byte(argv, expect, ("alice", 2001))])
    json.dump({"times": times, "rss_kb": rss, "rounds": ROUNDS,
               "runs": {"1": RUNS_FAST, "2": RUNS_AUTH}}, sys.stdout)


if __name__ == "__main__":
    main()
