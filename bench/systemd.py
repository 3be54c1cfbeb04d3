"""systemd.py WORK: the host side of `bench/run.sh systemd`: runas side by
side with every peer on a booted systemd, in the real-systemd tier's
Debian 13 container (Tests/support/container.py; systemd_setup.py readies
it). Prints one Markdown table, the versions and the machine.

Every command runs in every round; the groups of a round, and the commands
inside each group, take turns in a rotating order, so slow drifts of the
machine (other load, frequency, caches) spread over all of them alike and
the ratios come from one interleaved run. One backend is installed at a
time, so each backend's runs form a group (systemd_setup.use_backend
switches between groups, never during one).

  root -> nobody, /bin/true, no password    hyperfine -N, as root
  a wheel member -> root, -S, yescrypt      hyperfine through sh (its
                                            start-up time subtracted)
  peak RSS of each command                  /usr/bin/time -v, once a round
"""
import json
import os
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
WORK = sys.argv[1]
os.environ["RUNAS_TEST_STAGE"] = os.path.join(WORK, "stage-systemd")
from peer_config import machine  # noqa: E402  (bench/ is sys.path[0])
from support.container import Container  # noqa: E402  (PYTHONPATH: Tests, bench/run.sh)
from systemd_setup import CALLER, PASSWORD_FILE, prepare, use_backend  # noqa: E402

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "5"))
# hyperfine runs per command and round: few, so that the rounds (not the
# runs inside one) carry the samples, and a burst of other load lands on
# every command alike.
RUNS_DIRECT = 10          # no service manager
RUNS_MANAGER = 5          # through systemd-run or run0 (~40 ms each)
RUNS_PASSWORD = 4         # -S (a yescrypt check each)

NOBODY = "65534"
# The options the systemd-run and run0 backends pass (Plugins/), for the
# bare programs: what runas adds is then only runas.
SYSTEMD_RUN = ("systemd-run --uid=%s --gid=%s --quiet --collect --send-sighup --service-type=exec --wait "
               "--pipe --working-directory=/ --expand-environment=false /bin/true" % (NOBODY, NOBODY))
RUN0 = "run0 --user=%s --group=%s --chdir=/ --background= --shell-prompt-prefix= /bin/true" % (NOBODY, NOBODY)
RUNAS = "/usr/local/bin/runas -u nobody /bin/true"

# Groups: (key, backend in use, caller (None: root), commands (name, command)).
GROUPS = [
    ("direct", "scopex", None, [
        ("setpriv", "setpriv --reuid=nobody --regid=nogroup --clear-groups /bin/true"),
        ("runas (scopex)", RUNAS),
        ("OpenDoas", "doas -u nobody /bin/true"),
        ("sudo-rs", "sudo-rs -u nobody /bin/true"),
        ("sudo", "sudo -u nobody /bin/true"),
    ]),
    ("systemd-run", "systemd-run", None, [
        ("systemd-run (bare)", SYSTEMD_RUN),
        ("runas (systemd-run)", RUNAS),
    ]),
    ("run0", "run0", None, [
        ("run0 (bare)", RUN0),
        ("runas (run0)", RUNAS),
    ]),
    ("password", "scopex", CALLER, [
        ("runas -S", "/usr/local/bin/runas -S /bin/true < " + PASSWORD_FILE),
        ("runas -S (PAM core)", "/usr/local/bin/runas-pam -S /bin/true < " + PASSWORD_FILE),
        ("sudo-rs -S", "sudo-rs -S /bin/true < " + PASSWORD_FILE),
        ("sudo -S", "sudo -S /bin/true < " + PASSWORD_FILE),
    ]),
]
RUNS = {"direct": RUNS_DIRECT, "systemd-run": RUNS_MANAGER, "run0": RUNS_MANAGER, "password": RUNS_PASSWORD}
CALLER_ENV = {"HOME": "/home/" + CALLER, "USER": CALLER, "LOGNAME": CALLER}
EXPORT = "/tmp/hyperfine.json"


def rotated(items, r):
    k = r % len(items)
    return items[k:] + items[:k]


def hyperfine(c, commands, runs, user):
    argv = ["hyperfine", "--style", "none", "--runs", str(runs), "--warmup", "1", "--export-json", EXPORT]
    argv += ["--shell", "sh"] if user else ["-N"]
    for name, command in commands:
        argv += ["-n", name, command]
    r = c.run(argv, user=user, env=CALLER_ENV if user else None, timeout=900)
    if r.rc != 0:
        raise SystemExit("bench: hyperfine failed (exit %d):\n%s" % (r.rc, r.err[-2000:]))
    with open(c.path(EXPORT)) as f:
        results = json.load(f)["results"]
    os.unlink(c.path(EXPORT))
    return {x["command"]: x["times"] for x in results}


def peak_rss_kb(c, command, user):
    """Maximum resident set size of one run (/usr/bin/time -v: the largest
    process of the command's tree that it waited for)."""
    argv = ["/usr/bin/time", "-v", "sh", "-c", command] if user else ["/usr/bin/time", "-v"] + command.split()
    r = c.run(argv, user=user, env=CALLER_ENV if user else None)
    for line in r.err.splitlines():
        if r.rc == 0 and "Maximum resident set size" in line:
            return int(line.split(":")[1])
    raise SystemExit("bench: %s failed under /usr/bin/time (exit %d):\n%s" % (command, r.rc, r.err[-1000:]))


def check(c):
    """Each command does what it is measured doing, once, before any
    timing: the target user runs it; a wrong password is refused, so no
    credential cache answers for the -S runs."""
    for key, backend, user, commands in GROUPS:
        use_backend(c, backend)
        for name, command in commands:
            probe = command.replace("/bin/true", "id -un")
            want = "root" if user else "nobody"
            r = c.run(["sh", "-c", probe], user=user, env=CALLER_ENV if user else None)
            if (r.rc, r.out.strip()) != (0, want):
                raise SystemExit("bench: %s: exit %d, %r, not %s:\n%s" % (name, r.rc, r.out, want, r.err[-1000:]))
            if user:
                wrong = c.run(["sh", "-c", probe.split(" < ")[0]], user=user, env=CALLER_ENV, input="wrong\n")
                if wrong.rc == 0:
                    raise SystemExit("bench: %s ran with a wrong password" % name)


def measure(c):
    times, rss = {}, {}
    for r in range(ROUNDS):
        print("bench: round %d/%d" % (r + 1, ROUNDS), file=sys.stderr)
        for key, backend, user, commands in rotated(GROUPS, r):
            use_backend(c, backend)
            order = rotated(commands, r)
            for name, samples in hyperfine(c, order, RUNS[key], user).items():
                times.setdefault(name, []).extend(x * 1000 for x in samples)
            for name, command in order:
                rss.setdefault(name, []).append(peak_rss_kb(c, command, user) / 1024)
    return times, rss


def versions(c):
    def first_line(argv):
        r = c.run(argv)
        return r.out.splitlines()[0] if r.rc == 0 and r.out else "?"
    packages = c.run(["dpkg-query", "-W", "-f", "${Package} ${Version}\n", "sudo", "sudo-rs", "opendoas",
                      "hyperfine", "systemd", "util-linux"]).out.splitlines()
    commit = subprocess.run(["git", "-C", REPO, "describe", "--always", "--dirty"],
                            capture_output=True, text=True).stdout.strip() or "?"
    return ("runas at %s (shadow core: scopex, systemd-run and run0 backends; PAM core: scopex). "
            "Debian 13 packages: %s; %s." % (commit, ", ".join(packages), first_line(["uname", "-sr"])))


def names(key):
    return next([name for name, _ in commands] for k, _, _, commands in GROUPS if k == key)


def report(times, rss, c):
    med = statistics.median
    rows = []

    def section(title, table, keys, ref, against_setpriv=True):
        for name in keys:
            xs = table[name]
            rows.append("| %s | %s | %.2f | %.2f | %.2f | %s | %.2f |" % (
                title, name, med(xs), min(xs), max(xs),
                "%.2f" % (med(xs) / med(table["setpriv"])) if against_setpriv else "–", med(xs) / med(table[ref])))
            title = ""

    direct, password = names("direct"), names("password")
    systemd_run, run0 = names("systemd-run"), names("run0")
    section("1. root → nobody, ms", times, direct, "runas (scopex)")
    section("2. root → nobody, through systemd-run, ms", times, systemd_run, systemd_run[0])
    section("2. root → nobody, through run0, ms", times, run0, run0[0])
    section("3. wheel → root, -S, yescrypt, ms", times, password, password[0], against_setpriv=False)
    section("4. peak RSS, root → nobody, MB", rss, direct + systemd_run + run0, "runas (scopex)")
    section("4. peak RSS, wheel → root, -S, MB", rss, password, password[0], against_setpriv=False)
    print("| case | command | median | min | max | × setpriv | × ref |")
    print("|---|---|---:|---:|---:|---:|---:|")
    print("\n".join(rows))
    print()
    print("× ref: against the section's first runas row, or in case 2 against the bare program.")
    print("%s; %s; host %s, in systemd-nspawn; %d interleaved rounds, per round and command %d runs "
          "(case 1), %d (case 2), %d (case 3), 1 (case 4)." % (
              time.strftime("%Y-%m-%d"), machine(), host_os(), ROUNDS, RUNS_DIRECT, RUNS_MANAGER, RUNS_PASSWORD))
    print(versions(c))
    ratio = lambda a, b: med(times[a]) / med(times[b])  # noqa: E731
    print("runas's own overhead: %.2f × bare systemd-run, %.2f × bare run0; runas (scopex) %.2f × setpriv." % (
        ratio(systemd_run[1], systemd_run[0]), ratio(run0[1], run0[0]), ratio("runas (scopex)", "setpriv")))


def host_os():
    with open("/etc/os-release") as f:
        fields = dict(line.rstrip("\n").split("=", 1) for line in f if "=" in line)
    return fields.get("PRETTY_NAME", "?").strip('"')


def main():
    c = Container("trixie")
    try:
        prepare(c, WORK)
        check(c)
        times, rss = measure(c)
        report(times, rss, c)
    finally:
        c.close()


if __name__ == "__main__":
    main()
