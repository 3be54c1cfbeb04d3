#!/bin/sh
# Tests/run.sh: the whole test suite, the command README.md gives.
#   1. unit tests (swift test), then the same under AddressSanitizer,
#   2. the libFuzzer targets in Fuzz/, each for a bounded time,
#   3. staged builds of every backend and both authentication modes
#      (install.sh with DESTDIR), and the packages: Debian (debian/), RPM
#      (packaging/rpm) and Arch (packaging/arch), through packaging/build.sh,
#   4. the end-to-end tests' sandbox tier (Tests/e2e, needs root: it runs
#      the setuid binary in private mount namespaces with each test's own
#      accounts; the machine is not changed), in parallel,
#   5. the real-systemd tier (Tests/e2e/backends/real_systemd: systemd-run
#      and run0 of a booted systemd 257, and systemd-run of Debian 12's
#      252, in systemd-nspawn containers),
#   6. the platform tier (Tests/e2e/packaging/platforms: install.sh, the
#      README's user steps and the Debian packages on Debian 13 with
#      swift.org's Swift, and on Debian sid with Debian's own swiftlang, in
#      systemd-nspawn containers),
#   7. the sandbox tier again against AddressSanitizer builds of the core
#      (any sanitizer report fails the test that caused it).
# Tests/support/runner.py runs each tier; RUNAS_E2E_TESTS names tests (a
# folder, module, class or test) to run only those in stages 4 and 7.
# As root it first checks the Debian packages it uses: missing ones are
# named, and with --install-test-deps (README's command) installed, so on a
# fresh machine README's two commands are all.
# Not root: the end-to-end suites cannot run; that is reported loudly and
# the run fails (pass --unit-only to run only stages 1 and 2 on purpose).
# RUNAS_FUZZ_SECONDS (default 12) is each fuzz target's time.
set -eu
cd "$(dirname "$0")/.."
unit_only=false
install_test_deps=false
for arg; do
    case "$arg" in
        --unit-only) unit_only=true ;;
        --install-test-deps) install_test_deps=true ;;
        *) echo "Tests/run.sh: unknown option $arg (--unit-only, --install-test-deps)" >&2; exit 1 ;;
    esac
done

. packaging/swift-toolchain.sh && use_swift_toolchain
python=/usr/bin/python3
[ -x "$python" ] || python=python3

# filtered COMMAND...: runs it, showing its output without the linker's
# noise about ASan's symbols, and keeps its exit status (sh has no pipefail).
filtered() {
    log=$(mktemp)
    if "$@" >"$log" 2>&1; then rc=0; else rc=$?; fi
    grep -v "Cannot export local symbol" "$log" || true
    rm -f "$log"
    return $rc
}

# The Debian packages the end-to-end stages use (as root): the missing ones
# are named, and installed only with --install-test-deps (README's command;
# apt-get may add packages, never remove one).
need="libcrypt-dev libpam0g-dev libpam-modules libpam-runtime python3 util-linux binutils gcc libc6-dev
groff-base strace debootstrap systemd-container acl dpkg-dev debhelper lintian devscripts zsh fish rpm
rpmlint makepkg pacman-package-manager libarchive-tools cpio"
missing=""
[ "$(id -u)" != 0 ] || $unit_only || for p in $need; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $p"
done
if [ -n "$missing" ]; then
    if ! $install_test_deps; then
        echo "Tests/run.sh: the tests need Debian packages this machine lacks:$missing" >&2
        echo "  apt-get install$missing   (or rerun with --install-test-deps)" >&2
        exit 1
    fi
    echo "== installing the Debian packages the tests need:$missing"
    apt-get update -q
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-remove $missing
fi

# The container roots of the systemd and platform tiers (debootstrap, made
# once and cached in .build/) are made in the background, beside the builds:
# stage 5 waits for them.
roots_pid=""
if [ "$(id -u)" = 0 ] && ! $unit_only; then
    mkdir -p .build
    (cd Tests && exec "$python" -m support.roots) >.build/roots.log 2>&1 &
    roots_pid=$!
fi

echo "== unit tests"
swift test --scratch-path .build/unit
echo "== unit tests under AddressSanitizer"
# (--disable-xctest: the tests use swift-testing; XCTest's empty runner
# leaks a few objects of its own, which LeakSanitizer would report.)
filtered swift test --scratch-path .build/unit-asan --sanitize=address --disable-xctest
echo "== fuzzing"
Fuzz/run.sh "${RUNAS_FUZZ_SECONDS:-12}"

if $unit_only; then
    echo "== end-to-end tests NOT RUN (--unit-only)"
    exit 0
fi
if [ "$(id -u)" != 0 ]; then
    echo "!! END-TO-END TESTS SKIPPED: they need root (setuid binary, mount namespaces)." >&2
    echo "!! A skipped suite is not a passed suite: run as root, or pass --unit-only." >&2
    exit 1
fi

# stage DIR [install.sh options...]: the three staged builds the suite uses.
stage() {
    dir=$1
    shift
    rm -rf "$dir"
    echo "== staging builds in $dir"
    # (|| return: set -e does not apply inside a function run by `filtered`.)
    DESTDIR="$dir/shadow" ./install.sh --traits SystemdRun,Run0,Scopex --backend scopex "$@" || return 1
    DESTDIR="$dir/pam" ./install.sh --traits SystemdRun,Run0,Scopex,PAM --backend scopex "$@" || return 1
    # Also the build-time choices: no pty by default (scopex built beside it).
    DESTDIR="$dir/noexpand" ./install.sh --traits SystemdRun,Scopex,WithoutExpandEnv --backend systemd-run \
        --no-pty-default "$@" || return 1
}
stage "$PWD/.build/e2e-stage"
echo "== Debian packages (packaging/build.sh deb: debian/ through dpkg-buildpackage)"
packaging/build.sh deb --out "$PWD/.build/packages"
echo "== RPM packages (packaging/build.sh rpm: packaging/rpm through rpmbuild)"
packaging/build.sh rpm --out "$PWD/.build/packages"
echo "== Arch packages (packaging/build.sh arch: packaging/arch/PKGBUILD through makepkg)"
packaging/build.sh arch --out "$PWD/.build/packages"
filtered stage "$PWD/.build/e2e-stage-asan" --sanitize address

# The end-to-end tests (Tests/e2e, by feature; support/runner.py runs a
# tier's tests side by side, each in its own sandbox, on every core).
cd Tests
echo "== end-to-end tests (sandbox tier)"
RUNAS_TEST_STAGE="$PWD/../.build/e2e-stage" "$python" -m support.runner --tier sandbox ${RUNAS_E2E_TESTS:-}

# The real systemd-run and run0 of a booted systemd 257 and systemd-run of
# Debian 12's own systemd 252 (systemd-nspawn containers, root filesystems
# made once with debootstrap and cached).
if [ -n "$roots_pid" ]; then
    wait "$roots_pid" || true   # a root that failed: the tier needing it says why
    cat ../.build/roots.log
fi
echo "== real systemd tier (Tests/e2e/backends/real_systemd)"
RUNAS_TEST_STAGE="$PWD/../.build/e2e-stage" "$python" -m support.runner --tier systemd --jobs 1

# Where people run it: Debian 13 (glibc 2.41) with the swift.org toolchain,
# and sid with Debian's own swiftlang (no swift.org), each from a git clone
# in a booted container (roots made once with debootstrap and cached).
echo "== platform tier (Tests/e2e/packaging/platforms)"
"$python" -m support.runner --tier platform --jobs 1

# The same scenarios against the ASan core, but for the classes marked
# release_build_only (support/markers.py: the release artifacts, install.sh's
# own builds, the packages, the pre-authentication inventory). This core
# links the Swift runtime statically, so runas's start-up scrub drops
# SWIFT_* before the runtime reads them (the installed, Embedded core has no
# runtime at all; the ASan core is never installed setuid).
echo "== end-to-end tests against the AddressSanitizer core"
RUNAS_TEST_STAGE="$PWD/../.build/e2e-stage-asan" exec "$python" -m support.runner --tier sandbox --asan \
    ${RUNAS_E2E_TESTS:-}
