#!/bin/sh
# Tests/run.sh: the whole test suite, the command README.md gives.
#   1. unit tests (swift test), 2. staged builds of every backend and both
#   authentication modes (install.sh with DESTDIR), 3. the end-to-end suite
#   (Tests/e2e, needs root: it runs the setuid binary in a private mount
#   namespace with the sandbox's own accounts; the machine is not changed).
# Not root: the end-to-end suite cannot run; that is reported loudly and the
# run fails (pass --unit-only to run only the unit tests on purpose).
set -eu
cd "$(dirname "$0")/.."
unit_only=false
[ "${1:-}" = "--unit-only" ] && unit_only=true

if ! command -v swift >/dev/null 2>&1; then PATH="/opt/swift/usr/bin:$PATH"; fi
python=/usr/bin/python3
[ -x "$python" ] || python=python3

echo "== unit tests"
swift test --scratch-path .build/unit

if $unit_only; then
    echo "== end-to-end tests NOT RUN (--unit-only)"
    exit 0
fi
if [ "$(id -u)" != 0 ]; then
    echo "!! END-TO-END TESTS SKIPPED: they need root (setuid binary, mount namespaces)." >&2
    echo "!! A skipped suite is not a passed suite: run as root, or pass --unit-only." >&2
    exit 1
fi

stage="$PWD/.build/e2e-stage"
export RUNAS_TEST_STAGE="$stage"
rm -rf "$stage"
echo "== staging builds in $stage"
DESTDIR="$stage/shadow" ./install.sh --traits SystemdRun,Run0,Scopex --backend scopex
DESTDIR="$stage/pam" ./install.sh --traits SystemdRun,Run0,Scopex,PAM --backend scopex
# Also the build-time choices: no pty by default (scopex built beside it).
DESTDIR="$stage/noexpand" ./install.sh --traits SystemdRun,Scopex,WithoutExpandEnv --backend systemd-run \
    --no-pty-default

echo "== end-to-end tests"
cd Tests/e2e
exec "$python" -m unittest -v ${RUNAS_E2E_TESTS:-}
