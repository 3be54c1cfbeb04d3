#!/bin/sh
# bench/run.sh: the side-by-side benchmark of README.md ("Speed"), as root:
# runas against setpriv, doas, sudo, runuser and su, in the end-to-end
# tests' throw-away sandbox (the machine's users and config never change).
#
# Fetches the peers from Debian's archive (hyperfine, sudo, opendoas, time)
# with `apt-get download` and unpacks them under .build/bench; nothing is
# installed on the machine. Builds runas (scopex; shadow and PAM cores) with
# install.sh into a DESTDIR. Then bench/bench.py measures and prints one
# Markdown table. BENCH_ROUNDS (default 5) sets the number of interleaved
# rounds.
set -eu
cd "$(dirname "$0")/.."
if [ "$(id -u)" != 0 ]; then
    echo "bench/run.sh: run as root (it runs setuid programs in a private mount namespace)" >&2
    exit 1
fi
. packaging/swift-toolchain.sh && use_swift_toolchain
work="$PWD/.build/bench"
mkdir -p "$work/debs"

# The peers, as Debian ships them, unpacked (not installed).
peers="hyperfine sudo opendoas time"
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

echo "== building runas (scopex; shadow and PAM cores)"
rm -rf "$work/stage"
DESTDIR="$work/stage/shadow" ./install.sh --traits Scopex --backend scopex >/dev/null
DESTDIR="$work/stage/pam" ./install.sh --traits Scopex,PAM --backend scopex >/dev/null

# Reference rows: what starting any C program, and any Swift program
# linked like the core, costs on this machine.
mkdir -p "$work/ref"
cc -O2 -o "$work/ref/c-exit" bench/reference/exit.c
swiftc -enable-experimental-feature Embedded -wmo -Osize -o "$work/ref/swift-exit" bench/reference/exit.swift

python=/usr/bin/python3
[ -x "$python" ] || python=python3
PYTHONPATH="$PWD/Tests" exec "$python" bench/bench.py "$work"
