#!/bin/sh
# packaging/build.sh: builds runas's packages from this tree, in a copy of
# it under .build/packaging (so the checkout gets no build litter and the
# packaging's own path never matters), and copies them to --out.
#
#   packaging/build.sh deb [--out DIR]   Debian: dpkg-buildpackage -us -uc -b
#                                        with the profile pkg.runas.swiftorg
#                                        (Swift from swift.org, see debian/rules)
#   packaging/build.sh rpm [--out DIR]   Fedora/openSUSE: rpmbuild -bb of
#                                        packaging/rpm/runas.spec and of
#                                        runas-backend.spec once per backend
#   packaging/build.sh arch [--out DIR]  Arch: makepkg of packaging/arch/PKGBUILD
#                                        (as nobody when run as root)
#
# Extra arguments after -- go to the package tool (e.g. -- -d).
set -eu
umask 022
cd "$(dirname "$0")/.."
format=${1:-}
[ $# -eq 0 ] || shift
out="$PWD/.build/packages"
while [ $# -gt 0 ]; do
    case "$1" in
        --out) [ $# -ge 2 ] || { echo "packaging/build.sh: --out needs a directory" >&2; exit 1; }; out=$2; shift ;;
        --) shift; break ;;
        *) echo "packaging/build.sh: unknown option $1" >&2; exit 1 ;;
    esac
    shift
done
version=$(sed -n 's/^#define RUNAS_VERSION "\(.*\)"$/\1/p' Sources/CRunasBuildConfig/include/runas_build_config.h)
work="$PWD/.build/packaging/$format"
# copy_tree DIR: the files git knows of (committed or not, minus ignored ones).
copy_tree() {
    rm -rf "$work"
    mkdir -p "$1"
    git ls-files -z -co --exclude-standard >"$work/files" ||
        { echo "packaging/build.sh: git cannot list this tree's files (not a git checkout, or not yours?)" >&2; exit 1; }
    xargs -0 cp -P --parents -t "$1" <"$work/files"
}
mkdir -p "$out"
case "$format" in
    deb)
        src="$work/runas-$version"
        copy_tree "$src"
        (cd "$src" && dpkg-buildpackage -us -uc -b -Ppkg.runas.swiftorg "$@")
        rm -f "$out"/runas_*.deb "$out"/runas-*.deb
        cp "$work"/*.deb "$out"/
        ls "$out"/*.deb ;;
    rpm)
        top="$work/rpmbuild"
        copy_tree "$work/src/runas-$version"
        mkdir -p "$top/SOURCES"
        tar -C "$work/src" -czf "$top/SOURCES/runas-$version.tar.gz" "runas-$version"
        cp packaging/runas-system-auth.pam packaging/rpm/runas-suse.pam "$top/SOURCES/"
        # On a machine whose packages are not RPMs (Debian: the rpm
        # package), rpm's database knows none of the build dependencies.
        nodeps=""
        if ! rpm -q rpm >/dev/null 2>&1; then
            echo "packaging/build.sh: this is not an RPM system: rpmbuild --nodeps (BuildRequires not checked)"
            nodeps=--nodeps
        fi
        rpmbuild -bb $nodeps --define "_topdir $top" "$@" packaging/rpm/runas.spec
        for b in systemd-run run0 scopex; do
            rpmbuild -bb $nodeps --define "_topdir $top" --define "backend $b" "$@" packaging/rpm/runas-backend.spec
        done
        rm -f "$out"/runas-*.rpm
        cp "$top"/RPMS/*/*.rpm "$out"/
        ls "$out"/*.rpm ;;
    arch)
        # makepkg refuses to run as root: as root, the build runs as a uid
        # that no account has (so nothing else runs as it, unlike nobody),
        # in its own session (off root's terminal), with a clean
        # environment, in a copy it owns.
        src="$work/build"
        copy_tree "$work/src/runas-$version"
        mkdir -p "$src"
        tar -C "$work/src" -czf "$src/runas-$version.tar.gz" "runas-$version"
        cp packaging/arch/PKGBUILD packaging/arch/runas.install packaging/runas-system-auth.pam "$src/"
        # (Not an Arch system: pacman's database knows none of the
        # dependencies, so makepkg --nodeps.)
        nodeps=""
        pacman -Q glibc >/dev/null 2>&1 || nodeps=--nodeps
        if [ "$(id -u)" = 0 ]; then
            builder=2100000000
            while getent passwd "$builder" >/dev/null || getent group "$builder" >/dev/null; do
                builder=$((builder + 1))
            done
            mkdir -p "$work/home" "$work/tmp"
            chown -hR "$builder:$builder" "$work"
            (cd "$src" && setsid -w setpriv --reuid="$builder" --regid="$builder" --clear-groups -- \
                env -i HOME="$work/home" TMPDIR="$work/tmp" PATH="$PATH" ${SWIFT_BIN:+SWIFT_BIN="$SWIFT_BIN"} LANG=C.UTF-8 \
                makepkg --noconfirm $nodeps "$@" </dev/null)
            pkill -KILL -U "$builder" 2>/dev/null || true
        else
            (cd "$src" && makepkg --noconfirm $nodeps "$@")
        fi
        rm -f "$out"/runas-*.pkg.tar.*
        cp -P "$src"/*.pkg.tar.* "$out"/   # (-P: a link the build left is copied as a link)
        ls "$out"/*.pkg.tar.* ;;
    *) echo "usage: packaging/build.sh deb|rpm|arch [--out DIR] [-- TOOL-OPTIONS]" >&2; exit 1 ;;
esac
