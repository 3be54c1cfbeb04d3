#!/bin/sh
# bench/run.sh [sandbox|systemd]: the side-by-side benchmarks of README.md
# ("Benchmark"), as root. Each prints one Markdown table whose ratios come
# from one interleaved run, with the versions and the machine.
#
# sandbox (the default): runas against setpriv, doas, sudo, runuser and su,
# in the end-to-end tests' throw-away sandbox (the machine's users and
# config never change). Fetches the peers from Debian's archive (hyperfine,
# sudo, opendoas, time) with `apt-get download` and unpacks them under
# .build/bench; nothing is installed on the machine. Builds runas (scopex;
# shadow and PAM cores) with install.sh into a DESTDIR; bench/bench.py
# measures.
#
# systemd: on a booted systemd 257, in the real-systemd tier's Debian 13
# container (Tests/support/container.py): runas through scopex, systemd-run
# and run0 against setpriv, bare systemd-run, bare run0, OpenDoas, sudo and
# sudo-rs, and a wheel member's -S run against sudo -S and sudo-rs -S.
# Builds runas (shadow core with the three backends; PAM core) into a
# DESTDIR; bench/systemd.py installs it and trixie's own peers in the
# container (whose overlay vanishes at shutdown) and measures.
#
# BENCH_ROUNDS (default 5) sets the number of interleaved rounds.
set -eu
cd "$(dirname "$0")/.."
work="$PWD/.build/bench"

# The peers, as Debian ships them, unpacked (not installed) under $work/root.
unpack_peers() {
    peers="hyperfine sudo opendoas time"
    mkdir -p "$work/debs"
    have_all=true
    for p in $peers; do
        ls "$work/debs/${p}_"*.deb >/dev/null 2>&1 || have_all=false
    done
    if ! $have_all; then
        echo "== fetching $peers from the Debian archive"
        # apt runs downloads as _apt, which must be able to write here.
        chmod 0777 "$work/debs"
        (cd "$work/debs" && apt-get download $peers) ||
            { apt-get update -q && (cd "$work/debs" && apt-get download $peers); }
    fi
    rm -rf "$work/root"
    mkdir -p "$work/root"
    for deb in "$work/debs/"*.deb; do
        dpkg-deb -x "$deb" "$work/root"
    done
    # dpkg-deb, run as root, keeps the packages' owners and modes: sudo and
    # doas stay setuid root (a chown here would clear those bits).
    chmod 0755 "$work/root"
}

# Reference rows: what starting any C program, and any Swift program
# linked like the core, costs on this machine.
build_references() {
    mkdir -p "$work/ref"
    cc -O2 -o "$work/ref/c-exit" bench/reference/exit.c
    swiftc -enable-experimental-feature Embedded -wmo -Osize -o "$work/ref/swift-exit" bench/reference/exit.swift
}

sandbox() {
    unpack_peers
    echo "== building runas (scopex; shadow and PAM cores)"
    rm -rf "$work/stage"
    DESTDIR="$work/stage/shadow" ./install.sh --traits Scopex --backend scopex >/dev/null
    DESTDIR="$work/stage/pam" ./install.sh --traits Scopex,PAM --backend scopex >/dev/null
    build_references
    run_python bench/bench.py "$work"
}

systemd() {
    for tool in debootstrap systemd-nspawn nsenter; do
        command -v "$tool" >/dev/null ||
            { echo "bench/run.sh: $tool is missing (apt-get install debootstrap systemd-container)" >&2; exit 1; }
    done
    echo "== building runas (shadow core: scopex, systemd-run, run0; PAM core: scopex)"
    rm -rf "$work/stage-systemd"
    DESTDIR="$work/stage-systemd/shadow" ./install.sh --traits SystemdRun,Run0,Scopex --backend scopex >/dev/null
    DESTDIR="$work/stage-systemd/pam" ./install.sh --traits Scopex,PAM --backend scopex >/dev/null
    echo "== booting Debian 13 (systemd-nspawn) and measuring"
    run_python bench/systemd.py "$work"
}

run_python() {
    python=/usr/bin/python3
    [ -x "$python" ] || python=python3
    PYTHONPATH="$PWD/Tests" exec "$python" "$@"
}

if [ "$(id -u)" != 0 ]; then
    echo "bench/run.sh: run as root (it runs setuid programs in a private mount namespace or a container)" >&2
    exit 1
fi
. packaging/swift-toolchain.sh && use_swift_toolchain
mkdir -p "$work"
case "${1:-sandbox}" in
    sandbox) sandbox ;;
    systemd) systemd ;;
    *) echo "usage: bench/run.sh [sandbox|systemd]" >&2; exit 2 ;;
esac
