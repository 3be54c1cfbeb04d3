#!/bin/sh
# packaging/build.sh: Debian packages built with plain dpkg-deb from an
# install.sh DESTDIR stage (PREFIX=/usr). One core package and one package
# per backend; swapping backends is installing another backend package.
#
#   runas                      /usr/bin/runas (shipped 0755 root:root; postinst
#                              makes it root:wheel 4750 with dpkg-statoverride),
#                              man page, completions, /etc/pam.d/runas (PAM
#                              builds, a conffile). Depends: runas-backend.
#   runas-backend-systemd-run  } each ships /usr/lib/runas/backend.so,
#   runas-backend-run0         } Provides runas-backend and Conflicts/Replaces
#   runas-backend-scopex       } the other two, so exactly one is installed
#
# packaging/build.sh [--out DIR] [--no-pam] [--traits LIST]
#   --traits  SwiftPM traits of the build (default: SystemdRun,Run0,Scopex,
#             plus PAM unless --no-pam, plus WithoutExpandEnv when this
#             machine's systemd-run is older than 254, as install.sh does)
set -eu
umask 022    # directory and file modes in the packages must not follow the builder's
cd "$(dirname "$0")/.."
out="$PWD/.build/debs"
pam=true
traits=""
while [ $# -gt 0 ]; do
    case "$1" in
        --out) out=$2; shift ;;
        --no-pam) pam=false ;;
        --traits) traits=$2; shift ;;
        *) echo "packaging/build.sh: unknown option $1" >&2; exit 1 ;;
    esac
    shift
done
if [ -z "$traits" ]; then
    traits="SystemdRun,Run0,Scopex"
    ! $pam || traits="$traits,PAM"
    v=$(/usr/bin/systemd-run --version 2>/dev/null | sed -n '1s/^systemd \([0-9][0-9]*\).*/\1/p')
    if [ -n "$v" ] && [ "$v" -lt 254 ]; then traits="$traits,WithoutExpandEnv"; fi
fi
case ",$traits," in *,PAM,*) pam=true ;; *) pam=false ;; esac

arch=$(dpkg --print-architecture)
# Versions come from the one place every build-time constant is defined.
config_h=Sources/CRunasBuildConfig/include/runas_build_config.h
build_value() { sed -n "s/^#define $1 \"\(.*\)\"\$/\1/p" "$config_h"; }
version=$(build_value RUNAS_VERSION)
backend_version() { build_value "RUNAS_$(echo "$1" | tr 'a-z-' 'A-Z_')_BACKEND_VERSION"; }
[ -n "$version" ] && [ -n "$(backend_version scopex)" ] || { echo "packaging/build.sh: no versions in $config_h" >&2; exit 1; }
work="$PWD/.build/packaging"
rm -rf "$work"
mkdir -p "$work" "$out"

echo "== building runas $version with traits $traits"
DESTDIR="$work/stage" PREFIX=/usr ./install.sh --traits "$traits" --backend scopex >/dev/null
stage="$work/stage"

# control FILE FIELDS...: writes DEBIAN/control from "Field: value" lines.
control() { f=$1; shift; printf '%s\n' "$@" >"$f"; }

# --- the core ----------------------------------------------------------------
root="$work/runas"
mkdir -p "$root/DEBIAN" "$root/usr/bin" "$root/usr/share/doc/runas"
cp "$stage/usr/bin/runas" "$root/usr/bin/runas"
chmod 0755 "$root/usr/bin/runas"          # setuid only once configured (postinst)
ln -s runas "$root/usr/bin/runasedit"
cp -R "$stage/usr/share/." "$root/usr/share/"
gzip -9n "$root/usr/share/man/man1/runas.1"
cp README.md SECURITY.md "$root/usr/share/doc/runas/"
depends="libc6, libcrypt1, libstdc++6, libgcc-s1, passwd, runas-backend"
if $pam; then
    mkdir -p "$root/etc/pam.d"
    cp "$stage/etc/pam.d/runas" "$root/etc/pam.d/runas"
    echo /etc/pam.d/runas >"$root/DEBIAN/conffiles"
    depends="$depends, libpam0g, libpam-runtime"
fi
control "$root/DEBIAN/control" \
    "Package: runas" "Version: $version" "Architecture: $arch" \
    "Maintainer: runas maintainers <runas@localhost>" "Section: admin" "Priority: optional" \
    "Depends: $depends" \
    "Description: run a command as root after typing your own password" \
    " A small setuid-root program: members of the group wheel (and root) run a" \
    " command as root or another user after typing their own password." \
    " The command is handed to one backend, installed as its own package" \
    " (runas-backend-systemd-run, runas-backend-run0 or runas-backend-scopex)." \
    " Built with traits: $traits."
cp packaging/runas.postinst "$root/DEBIAN/postinst"
cp packaging/runas.postrm "$root/DEBIAN/postrm"
chmod 0755 "$root/DEBIAN/postinst" "$root/DEBIAN/postrm"
dpkg-deb --root-owner-group --build "$root" "$out/runas_${version}_$arch.deb" >/dev/null

# --- one package per backend ------------------------------------------------------
for b in systemd-run run0 scopex; do
    so="$stage/usr/lib/runas/backend-$b.so"
    [ -e "$so" ] || so="$stage/usr/lib/runas/backend.so"   # the one installed as backend.so
    root="$work/runas-backend-$b"
    mkdir -p "$root/DEBIAN" "$root/usr/lib/runas"
    cp "$so" "$root/usr/lib/runas/backend.so"
    chmod 0644 "$root/usr/lib/runas/backend.so"
    case "$b" in
        systemd-run) extra="systemd"; what="systemd-run --wait (a transient service of the system manager)" ;;
        run0) extra="systemd (>= 256)"; what="systemd's run0" ;;
        scopex) extra=""; what="runas's own executor (fork, switch ids, exec, wait; a pty of its own)" ;;
    esac
    # Conflicts/Replaces name the other backends: dpkg -i removes an
    # installed backend in favour of a new one only for a conflict by name
    # with a Replaces (a Conflicts on the virtual runas-backend makes dpkg
    # refuse the swap outright; measured with dpkg 1.21).
    others=$(for o in systemd-run run0 scopex; do [ "$o" = "$b" ] || printf 'runas-backend-%s, ' "$o"; done)
    others=${others%, }
    bversion=$(backend_version "$b")
    control "$root/DEBIAN/control" \
        "Package: runas-backend-$b" "Version: $bversion" "Architecture: $arch" \
        "Maintainer: runas maintainers <runas@localhost>" "Section: admin" "Priority: optional" \
        "Depends: libc6${extra:+, $extra}" \
        "Provides: runas-backend" "Conflicts: $others" "Replaces: $others" \
        "Description: runas backend: $b" \
        " Runs the commands runas has authorised through $what." \
        " Exactly one runas backend is installed at a time; installing another" \
        " one replaces it without touching the runas core."
    dpkg-deb --root-owner-group --build "$root" "$out/runas-backend-${b}_${bversion}_$arch.deb" >/dev/null
done
ls "$out"/*.deb
