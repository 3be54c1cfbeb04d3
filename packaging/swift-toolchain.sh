# packaging/swift-toolchain.sh: how runas's scripts find Swift (sourced by
# install.sh, Tests/run.sh, Fuzz/run.sh, bench/run.sh and .ci/run; the
# packaging builds all go through install.sh).
#   SWIFT_BIN    when set: the directory of the swift to use (the one name
#                for it everywhere: install.sh, debian/rules, the RPM specs,
#                the PKGBUILD, the tests)
#   otherwise    swift on PATH (Debian's swiftlang: /usr/bin), else the
#                swift.org toolchain's usual /opt/swift/usr/bin
# use_swift_toolchain puts that directory first on PATH, or says what is
# missing on stderr and returns 1.
use_swift_toolchain() {
    if [ -n "${SWIFT_BIN:-}" ]; then
        [ -x "$SWIFT_BIN/swift" ] || { echo "${0##*/}: SWIFT_BIN=$SWIFT_BIN: there is no swift in it" >&2; return 1; }
        PATH="$SWIFT_BIN:$PATH"
    elif ! command -v swift >/dev/null 2>&1; then
        [ -x /opt/swift/usr/bin/swift ] ||
            { echo "${0##*/}: swift not found on PATH or in /opt/swift/usr/bin (or name its directory with SWIFT_BIN)" >&2; return 1; }
        PATH="/opt/swift/usr/bin:$PATH"
    fi
    export PATH
}
