"""bench.py WORK: the host side of bench/run.sh.

Builds a sandbox with the end-to-end tests' support package (its own passwd,
shadow, group, PAM, a tmpfs /usr/local with the staged runas), lays the
unpacked Debian packages of the peers over /usr, gives sudo and doas their
configuration, runs measure.py inside that mount namespace as root, and
prints the Markdown table with the targets of README.md checked.
"""
import json
import os
import shutil
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
WORK = sys.argv[1]
os.environ["RUNAS_TEST_STAGE"] = os.path.join(WORK, "stage")
from support.accounts import SHA512, WHEEL_GID, wheel_member  # noqa: E402  (PYTHONPATH: Tests, bench/run.sh)
from support.paths import stage_dir, support_file  # noqa: E402
from support.sandbox import Sandbox  # noqa: E402
from peer_config import DOAS_CONF, RUNAS_PAM_SERVICE, SUDOERS, machine  # noqa: E402  (bench/ is sys.path[0])

# The two callers: a yescrypt and a SHA-512 hash.
ALICE = wheel_member("alice", 2001, "correct horse battery", groups=("users",))
BOB = wheel_member("bob", 2002, "b0b's\tpass word", hash=SHA512)

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "5"))


def prepare(box):
    peers = os.path.join(WORK, "root")
    os.symlink(os.path.join(peers, "usr"), os.path.join(box.dir, "usr-extra"))
    etc = os.path.join(box.dir, "etc-extra")
    os.makedirs(etc, exist_ok=True)
    for name, text, mode in (("sudoers", SUDOERS, 0o440), ("doas.conf", DOAS_CONF, 0o400)):
        with open(os.path.join(etc, name), "w") as f:
            f.write(text)
        os.chmod(os.path.join(etc, name), mode)
    shutil.copy(os.path.join(peers, "etc", "sudo.conf"), etc)
    for service in ("sudo", "doas"):
        shutil.copy(os.path.join(peers, "etc", "pam.d", service), os.path.join(box.dir, "etc", "pam.d"))
    # runas's PAM service as install.sh writes it on Debian.
    with open(os.path.join(box.dir, "etc", "pam.d", "runas"), "w") as f:
        f.write(RUNAS_PAM_SERVICE)
    pam_core = os.path.join(box.dir, "usr-local", "bin", "runas-pam")
    shutil.copyfile(os.path.join(stage_dir("pam"), "usr/local/bin/runas"), pam_core)
    os.chown(pam_core, 0, WHEEL_GID)
    os.chmod(pam_core, 0o4750)
    for u in (ALICE, BOB):
        path = os.path.join(box.shared, "password-" + u.name)
        with open(path, "w") as f:
            f.write(u.password + "\n")
        os.chown(path, u.uid, u.gid)
        os.chmod(path, 0o400)


def measure(box):
    argv = ["unshare", "--mount", "--propagation", "private", "--",
            os.path.join(HERE, "enter-bench.sh"), box.dir, "--",
            support_file("bin", "enter-sandbox.sh"), box.dir, "--",
            sys.executable, os.path.join(HERE, "measure.py"), box.shared, str(ROUNDS),
            os.path.join(WORK, "ref")]
    p = subprocess.run(argv, stdout=subprocess.PIPE, cwd="/")
    if p.returncode != 0:
        raise SystemExit("bench: measuring failed (exit %d)" % p.returncode)
    return json.loads(p.stdout)


def version(argv):
    try:
        out = subprocess.run(argv, capture_output=True, text=True).stdout
        return out.splitlines()[0] if out else "?"
    except OSError:
        return "?"


def report(data):
    ms = lambda xs: [x * 1000 for x in xs]  # noqa: E731
    t = {k: ms(v) for k, v in data["times"].items()}
    rss = {k: [x / 1024 for x in v] for k, v in data["rss_kb"].items()}
    med = lambda xs: statistics.median(xs)  # noqa: E731
    rows = []

    def section(title, table, keys, floor_key, runas_key):
        floor = med(table[floor_key]) if floor_key else None
        ref = med(table[runas_key])
        for key in keys:
            xs = table[key]
            m = med(xs)
            rows.append("| %s | %s | %.2f | %.2f | %.2f | %s | %.2f |" % (
                title, key.split("|")[-1], m, min(xs), max(xs),
                "%.2f" % (m / floor) if floor else "–", m / ref))
            title = ""

    case1 = ["1|" + n for n in ("setpriv", "runas", "doas", "sudo", "runuser", "su",
                                "ref: C exit(0)", "ref: Embedded Swift exit")]
    section("1. root → nobody, ms", t, case1, "1|setpriv", "1|runas")
    for kind in ("yescrypt", "SHA-512"):
        keys = ["2|%s|%s" % (kind, n) for n in ("runas", "runas (PAM)", "sudo -S")]
        section("2. wheel → root, -S, %s, ms" % kind, t, keys, None, keys[0])
    section("3. peak RSS, case 1, MB", rss, case1, "1|setpriv", "1|runas")
    keys = ["2|yescrypt|%s" % n for n in ("runas", "runas (PAM)", "sudo -S")]
    section("3. peak RSS, case 2, MB", rss, keys, None, keys[0])
    section("4. first prompt byte on a pty, ms", t, ["4|runas", "4|sudo"], None, "4|runas")

    print("| case | command | median | min | max | × floor | × runas |")
    print("|---|---|---:|---:|---:|---:|---:|")
    print("\n".join(rows))
    print()
    print("%s; %s; %d interleaved rounds (case 1: %d runs per command per round, case 2: %d, "
          "cases 3 and 4: 1)." % (time.strftime("%Y-%m-%d"), machine(), data["rounds"],
                                  data["runs"]["1"], data["runs"]["2"]))
    debs = os.listdir(os.path.join(WORK, "debs"))
    deb_version = lambda name: next((d.split("_")[1] for d in debs if d.startswith(name + "_")), "?")  # noqa: E731
    commit = subprocess.run(["git", "-C", REPO, "describe", "--always", "--dirty"],
                            capture_output=True, text=True).stdout.strip() or "?"
    print("runas at %s (scopex backend); peers (Debian packages): sudo %s, opendoas %s, hyperfine %s; "
          "setpriv, runuser and su from util-linux %s." % (commit,deb_version("sudo"), deb_version("opendoas"), deb_version("hyperfine"),
                                              version(["setpriv", "--version"]).split()[-1]))
    print()
    targets = [
        ("case 1: runas ≤ 1.25 × setpriv", med(t["1|runas"]) / med(t["1|setpriv"]), 1.25),
        ("case 1: runas ≤ 0.5 × sudo", med(t["1|runas"]) / med(t["1|sudo"]), 0.5),
        ("case 2 (yescrypt): runas ≤ 0.55 × sudo -S",
         med(t["2|yescrypt|runas"]) / med(t["2|yescrypt|sudo -S"]), 0.55),
        ("peak RSS case 1: runas ≤ 1.25 × setpriv", med(rss["1|runas"]) / med(rss["1|setpriv"]), 1.25),
        ("peak RSS case 1: runas < doas", med(rss["1|runas"]) / med(rss["1|doas"]), 0.9999),
    ]
    for name, ratio, limit in targets:
        print("- target %s: %.2f, %s" % (name, ratio, "met" if ratio <= limit else "MISSED"))


def main():
    with Sandbox(accounts=(ALICE, BOB), core="shadow", backend="scopex") as box:
        prepare(box)
        data = measure(box)
    report(data)


if __name__ == "__main__":
    main()
