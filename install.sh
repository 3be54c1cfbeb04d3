#!/bin/sh
# install.sh: build runas with the package traits asked for and install the
# setuid core and the chosen backend. Run as root for a real installation;
# packagers use --build-only, or DESTDIR=... to stage without being root.
#
#   ./install.sh [--create-wheel]                  default: systemd-run, shadow
#   ./install.sh --pam                             systemd-run, PAM
#   ./install.sh --backend scopex --pam            native executor, PAM
#   ./install.sh --traits Run0,PAM                 traits as SwiftPM names them
#   DESTDIR=/tmp/stage PREFIX=/usr ./install.sh    stage for a package
#   ./install.sh --backend run0 --plugin-only      swap the backend, core untouched
#   ./install.sh --pam-config                      only write /etc/pam.d/runas (if absent)
#   ./install.sh --uninstall                       remove what install.sh put
#
# The steps are functions, in the order main (at the bottom) runs them.
# They share their settings as global variables (POSIX sh has no others).
set -eu
self="$(cd "$(dirname "$0")" && pwd)/$(basename "$0")"
cd "$(dirname "$self")"

die() { echo "install.sh: $*" >&2; exit 1; }
say() { echo "install.sh: $*"; }

# The build-time constants are defined once, in runas_build_config.h;
# read_defaults takes the environment's values, else the header's.
config_h=Sources/CRunasBuildConfig/include/runas_build_config.h
build_value() { sed -n "s/^#define $1 \"\(.*\)\"\$/\1/p" "$config_h"; }
read_defaults() {
    PREFIX=${PREFIX:-$(build_value RUNAS_DEFAULT_PREFIX)}
    DESTDIR=${DESTDIR:-}
    SYSTEMD_RUN_PATH=${SYSTEMD_RUN_PATH:-$(build_value RUNAS_SYSTEMD_RUN_PATH)}
    RUN0_PATH=${RUN0_PATH:-$(build_value RUNAS_RUN0_PATH)}
    SYSTEMCTL_PATH=${SYSTEMCTL_PATH:-$(build_value RUNAS_SYSTEMCTL_PATH)}
    # -e's editor when the caller names none: Debian's alternatives link where
    # there is one (Debian-family systems), else the header's (vi).
    if [ -z "${DEFAULT_EDITOR:-}" ] && [ -e /etc/debian_version ]; then DEFAULT_EDITOR=/usr/bin/editor; fi
    DEFAULT_EDITOR=${DEFAULT_EDITOR:-$(build_value RUNAS_DEFAULT_EDITOR)}
    EDIT_TEMP_DIR=${EDIT_TEMP_DIR:-$(build_value RUNAS_EDIT_TEMP_DIR)}
}

# --help: the examples above, then the options and the environment.
usage() {
    sed -n '2,13s/^# \{0,1\}//p' "$self"
    cat <<EOF

options:
  --traits LIST     SwiftPM traits (SystemdRun, Run0, Scopex, PAM, WithoutExpandEnv;
                    "default" = SystemdRun); replaces the default set
  --backend NAME    systemd-run, run0 or scopex: build it and install it as the backend
  --pam             authenticate through PAM (adds the PAM trait, to --traits
                    too; alone it means the default backend with PAM)
  --build-only      build, install nothing
  --plugin-only     build and install only the backend(s); the installed core is untouched
  --pam-config      only install the PAM service file /etc/pam.d/runas (never
                    replaces one); a full install with PAM does this too
  --create-wheel    create the group wheel if it does not exist (it starts empty)
  --no-pty-default  commands run as another user on a terminal get no pseudo-terminal
                    of their own unless runas --pty is given (default: they do)
  --no-strip        install the binaries with their symbols (a packager's
                    tools then split them off into a debug package)
  --install-build-deps
                    apt-get install the missing -dev packages the build needs
                    (without it install.sh only names them)
  --uninstall       remove the installed runas files
  --sanitize NAME   for tests only: build the core with this sanitizer (address;
                    the backends stay plain: they cannot reach the core's ASan
                    runtime); refused without DESTDIR, so it never reaches a
                    real installation
environment: PREFIX (default /usr/local), DESTDIR, SYSTEMD_RUN_PATH, RUN0_PATH,
             SYSTEMCTL_PATH (passes signals on to the command's unit),
             DEFAULT_EDITOR (runas -e's editor when the caller names none),
             SWIFT_BIN (the directory of the swift to build with; default:
             swift on PATH, else /opt/swift/usr/bin),
             CPPFLAGS, CFLAGS (added to the C parts' flags), LDFLAGS (added to
             every link); the build is hardened either way (PIE, full RELRO,
             BIND_NOW, stack protector, and _FORTIFY_SOURCE for the C parts
             only: level 2, or the caller's level if higher)
EOF
}

# The options' defaults, then what the arguments say (--help exits there).
parse_args() {
    traits=""
    backend=""
    build_only=false
    plugin_only=false
    pam_config_only=false
    uninstall=false
    create_wheel=false
    pty_default=1
    sanitize=""
    strip=true
    install_build_deps=false
    explicit_traits=false
    want_pam=false
    while [ $# -gt 0 ]; do
        case "$1" in
            --traits) [ $# -ge 2 ] || die "--traits needs a value"; traits="$2"; explicit_traits=true; shift ;;
            --traits=*) traits="${1#--traits=}"; explicit_traits=true ;;
            --backend) [ $# -ge 2 ] || die "--backend needs a value"; backend="$2"; shift ;;
            --backend=*) backend="${1#--backend=}" ;;
            --pam) want_pam=true ;;
            --build-only) build_only=true ;;
            --plugin-only) plugin_only=true ;;
            --pam-config) pam_config_only=true ;;
            --create-wheel) create_wheel=true ;;
            --no-pty-default) pty_default=0 ;;
            --no-strip) strip=false ;;
            --install-build-deps) install_build_deps=true ;;
            --uninstall) uninstall=true ;;
            --sanitize) [ $# -ge 2 ] || die "--sanitize needs a value"; sanitize="$2"; shift ;;
            -h|--help) usage; exit 0 ;;
            *) die "unknown option: $1 (see ./install.sh --help)" ;;
        esac
        shift
    done
}

# check_path NAME VALUE [bare]: the paths compiled in as C strings (bare:
# a plain command name will do too).
check_path() {
    case "$2" in
        ""|*[!A-Za-z0-9/._+-]*) die "$1 may hold only letters, digits and / . _ + -, not '$2'" ;;
        /*) ;;
        *) [ "${3:-}" = bare ] || die "$1 must be an absolute path, not '$2'" ;;
    esac
}
# Refuses a PREFIX or a compiled-in path that is not a plain absolute path,
# and a sanitizer that could reach a real installation.
check_settings() {
    case "$PREFIX" in /*) ;; *) die "PREFIX must be an absolute path, not '$PREFIX'" ;; esac
    case "$PREFIX" in *[!A-Za-z0-9/._+-]*) die "PREFIX may hold only letters, digits and / . _ + -, not '$PREFIX'" ;; esac
    check_path SYSTEMD_RUN_PATH "$SYSTEMD_RUN_PATH"
    check_path RUN0_PATH "$RUN0_PATH"
    check_path SYSTEMCTL_PATH "$SYSTEMCTL_PATH"
    check_path EDIT_TEMP_DIR "$EDIT_TEMP_DIR"
    check_path DEFAULT_EDITOR "$DEFAULT_EDITOR" bare
    case "$sanitize" in
        "") ;;
        address)
            # Test builds only: ASan reads ASAN_OPTIONS before runas can clear
            # its environment, so a sanitized core must never be installed
            # setuid where a user can run it. It is staged 0755 (the tests make
            # their own setuid copy inside their sandbox).
            [ -n "$DESTDIR" ] && [ "$(cd "$DESTDIR" 2>/dev/null && pwd -P || echo "$DESTDIR")" != / ] ||
                die "--sanitize is for test builds: give a DESTDIR other than /" ;;
        *) die "--sanitize: only 'address' is supported, not '$sanitize'" ;;
    esac
}

# Where the files go: the core, the backends, the PAM service file, and the
# man page and the shell completions, where man, bash-completion, zsh and
# fish look under PREFIX (zsh: Debian's vendor directory for /usr).
set_install_paths() {
    libdir="$DESTDIR$PREFIX/lib/runas"
    bindir="$DESTDIR$PREFIX/bin"
    pamdir="$DESTDIR/etc/pam.d"
    pam_marker="# /etc/pam.d/runas: written by runas's install.sh (edit freely; install.sh then leaves it alone)"
    sharedir="$DESTDIR$PREFIX/share"
    if [ "$PREFIX" = /usr ]; then zshdir="$sharedir/zsh/vendor-completions"; else zshdir="$sharedir/zsh/site-functions"; fi
    docs="doc/runas.1:$sharedir/man/man1/runas.1
completions/runas.bash:$sharedir/bash-completion/completions/runas
completions/_runas:$zshdir/_runas
completions/runas.fish:$sharedir/fish/vendor_completions.d/runas.fish"
}

# The PAM service file. Never replaces an existing one. Its stack follows
# what this system's /etc/pam.d has: Debian's common-* files, or the
# system-auth of Fedora, Arch and friends; otherwise it says what to write.
pam_stack() {
    if [ -e /etc/pam.d/common-auth ]; then
        printf '%s\n' "$pam_marker" "@include common-auth" "@include common-account" \
            "@include common-password" "@include common-session-noninteractive"
    elif [ -e /etc/pam.d/system-auth ]; then
        printf '%s\n' "$pam_marker" "auth     include system-auth" "account  include system-auth" \
            "password include system-auth" "session  include system-auth"
    fi
}
install_pam_config() {
    target="$pamdir/runas"
    if [ -e "$target" ] || [ -L "$target" ]; then
        say "$target exists: left as it is"
        return 0
    fi
    stack=$(pam_stack)
    if [ -z "$stack" ]; then
        echo "install.sh: this system has neither /etc/pam.d/common-auth nor /etc/pam.d/system-auth," >&2
        echo "  so install.sh does not guess a PAM stack: write $target yourself, with the" >&2
        echo "  auth, account, password and session lines your distribution uses for su or sudo." >&2
        echo "  Until then PAM uses its \"other\" service for runas (often: deny everything)." >&2
        return 0
    fi
    install -d -m 0755 "$pamdir"
    tmp="$target.new.$$"
    printf '%s\n' "$stack" > "$tmp"
    chmod 0644 "$tmp"
    mv -f "$tmp" "$target"
    say "wrote $target"
}

# --uninstall: removes what install.sh put; the PAM service file only if
# install.sh wrote it (its first line says so).
uninstall_runas() {
    [ -n "$DESTDIR" ] || [ "$(id -u)" = 0 ] || die "run as root to uninstall"
    rm -f "$bindir/runas" "$bindir/runasedit" "$libdir/backend.so" "$libdir"/backend-*.so
    rm -f "$sharedir/man/man1/runasedit.1"
    echo "$docs" | while IFS=: read -r _ dest; do rm -f "$dest"; done
    rmdir "$libdir" 2>/dev/null || true
    if [ -f "$pamdir/runas" ] && [ "$(head -n 1 "$pamdir/runas")" = "$pam_marker" ]; then
        rm -f "$pamdir/runas"
        say "removed $pamdir/runas"
    elif [ -e "$pamdir/runas" ]; then
        say "$pamdir/runas was not written by install.sh: left as it is"
    fi
    say "removed runas from $DESTDIR$PREFIX (the group wheel is left as it is)"
}

# --pam-config: the PAM service file alone.
install_pam_config_alone() {
    [ -n "$DESTDIR" ] || [ "$(id -u)" = 0 ] || die "run as root to write /etc/pam.d/runas"
    install_pam_config
}

# Which backend: --backend adds its trait; without it, the one backend trait
# asked for (Run0 or Scopex override the default SystemdRun, as the
# original's cargo features did).
trait_of() {
    case "$1" in
        systemd-run) echo SystemdRun ;;
        run0) echo Run0 ;;
        scopex) echo Scopex ;;
        *) die "unknown backend '$1' (systemd-run, run0 or scopex)" ;;
    esac
}
add_trait() { case ",$traits," in *",$1,"*) ;; *) traits="${traits:+$traits,}$1" ;; esac; }
has_trait() { case ",$traits," in *",$1,"*) return 0 ;; *) return 1 ;; esac; }
# Settles traits (the set to build), built (the backends it makes) and
# backend (the one installed as backend.so), then adapts the traits to
# this machine's systemd (below). --traits is the whole set; --backend and
# --pam add to it. Without --traits the set starts empty and, when neither
# --backend nor --traits names a backend, gets the default one (so --pam
# alone is systemd-run+PAM).
choose_traits() {
    if [ -n "$backend" ]; then
        # (An assignment, so that trait_of's refusal ends install.sh, not
        # just the $(...) it runs in.)
        backend_trait=$(trait_of "$backend")
        add_trait "$backend_trait"
    fi
    ! $want_pam || add_trait PAM
    if ! $explicit_traits && ! has_trait SystemdRun && ! has_trait Run0 && ! has_trait Scopex; then
        add_trait SystemdRun
    fi
    [ -n "$traits" ] || traits=default
    for t in $(echo "$traits" | tr ',' ' '); do
        case "$t" in
            default|SystemdRun|Run0|Scopex|PAM|WithoutExpandEnv) ;;
            *) die "unknown trait '$t' (SystemdRun, Run0, Scopex, PAM, WithoutExpandEnv)" ;;
        esac
    done
    built=""
    if has_trait default || has_trait SystemdRun; then built="systemd-run"; fi
    if has_trait Run0; then built="$built run0"; fi
    if has_trait Scopex; then built="$built scopex"; fi
    built=$(echo $built)
    [ -n "$built" ] || die "no backend trait in '$traits': add SystemdRun, Run0 or Scopex"
    if [ -z "$backend" ]; then
        special=$(echo "$built" | tr ' ' '\n' | grep -v '^systemd-run$' || true)
        case "$(echo $special | wc -w)" in
            0) backend=systemd-run ;;
            1) backend=$special ;;
            *) die "traits '$traits' build several backends ($built): choose one with --backend NAME" ;;
        esac
    fi
    adapt_to_local_systemd
}

# Whenever the systemd-run backend is built, adapt it to this machine's
# systemd unless --traits said exactly what to build: before version 254
# systemd-run has no --expand-environment (and always expands $VAR), so it
# needs the WithoutExpandEnv build. Explicit --traits are obeyed as given
# (a packager builds for its target, not for the build machine), with a
# warning when they make a backend this machine's systemd-run rejects.
adapt_to_local_systemd() {
    case " $built " in *" systemd-run "*) with_systemd_run=true ;; *) with_systemd_run=false ;; esac
    if $with_systemd_run && ! has_trait WithoutExpandEnv && [ -x "$SYSTEMD_RUN_PATH" ]; then
        version=$("$SYSTEMD_RUN_PATH" --version 2>/dev/null | sed -n '1s/^systemd \([0-9][0-9]*\).*/\1/p')
        if [ -n "$version" ] && [ "$version" -lt 254 ]; then
            if $explicit_traits; then
                echo "install.sh: warning: systemd-run $version here does not know --expand-environment, which this" >&2
                echo "  systemd-run backend passes: it only works with systemd >= 254 (add WithoutExpandEnv to --traits" >&2
                echo "  for a backend that works with this machine's systemd)" >&2
            else
                add_trait WithoutExpandEnv
                say "systemd $version here has no systemd-run --expand-environment: adding trait WithoutExpandEnv"
            fi
        fi
    fi
}

# Before building: an installation needs strip (unless --no-strip) and,
# without DESTDIR, root.
check_can_install() {
    if ! $build_only && $strip && ! command -v strip >/dev/null 2>&1; then
        die "strip (binutils) is missing: install binutils, or pass --no-strip"
    fi
    if ! $build_only && [ -z "$DESTDIR" ] && [ "$(id -u)" != 0 ]; then
        die "installing a setuid-root program needs root: run as root, or use --build-only / DESTDIR"
    fi
}

# Everything the build needs besides the sources: the toolchain, the
# caller's C flags, the -dev packages.
prepare_build() {
    find_toolchain
    read_caller_cflags
    check_build_deps
}

# The toolchain: $SWIFT_BIN, swift on PATH, or the usual /opt/swift (see
# packaging/swift-toolchain.sh). Where its libraries are and which
# architecture it builds for, the compiler says itself: swift.org's keeps
# them in <toolchain>/usr/lib/swift, Debian's in /usr/libexec/swift/lib/swift,
# Fedora's in /usr/lib64/swift.
find_toolchain() {
    . ./packaging/swift-toolchain.sh
    use_swift_toolchain || exit 1
    # (the swiftc beside that swift: the one swift build runs)
    swiftc="$(dirname "$(command -v swift)")/swiftc"
    [ -x "$swiftc" ] || die "there is no swiftc beside $(command -v swift): is it a whole toolchain?"
    target_info=$("$swiftc" -print-target-info) || die "$swiftc -print-target-info failed"
    swift_resources=$(target_value runtimeResourcePath)
    swift_arch=$(target_value arch)
    [ -d "$swift_resources" ] && [ -n "$swift_arch" ] || die "swiftc -print-target-info names no runtimeResourcePath or arch"
    # Embedded Swift's libraries exist for the vendor-neutral triple only
    # (Debian's swift defaults to x86_64-pc-linux-gnu): the Embedded builds name it.
    embedded_triple="$swift_arch-unknown-linux-gnu"
}
target_value() { echo "$target_info" | sed -n "s/^ *\"$1\": *\"\([^\"]*\)\".*/\1/p" | head -n 1; }

# _FORTIFY_SOURCE: the C targets define it themselves in release builds
# (Package.swift), at level 2 or the highest level the caller's
# CPPFLAGS/CFLAGS ask for, passed as RUNAS_FORTIFY_SOURCE (whatever that
# variable held before: the flags are the one way to ask). The define
# itself is taken out of the flags passed on with -Xcc (caller_cflags),
# which also reach Swift's C importer, where glibc 2.40+ makes every
# optimised build fail ("ambiguous use of 'read'"). Forms:
# -D_FORTIFY_SOURCE=N, -U_FORTIFY_SOURCE, and Fedora's
# -Wp,-U_FORTIFY_SOURCE,-D_FORTIFY_SOURCE=3.
read_caller_cflags() {
    fortify_level=2
    caller_cflags=""
    set -f
    for w in ${CPPFLAGS:-} ${CFLAGS:-}; do
        case "$w" in
            *_FORTIFY_SOURCE*) ;;
            *) caller_cflags="$caller_cflags $w"; continue ;;
        esac
        case "$w" in -Wp,*) parts=$(printf '%s\n' "${w#-Wp,}" | tr ',' ' ') ;; *) parts=$w ;; esac
        kept=""
        for part in $parts; do
            case "$part" in
                -D_FORTIFY_SOURCE=[0123]) level=${part#-D_FORTIFY_SOURCE=}; [ "$level" -le "$fortify_level" ] || fortify_level=$level ;;
                -D_FORTIFY_SOURCE|-U_FORTIFY_SOURCE) ;;
                *_FORTIFY_SOURCE*) die "cannot read the _FORTIFY_SOURCE level in '$w' (CPPFLAGS/CFLAGS)" ;;
                *) kept="${kept:+$kept,}$part" ;;
            esac
        done
        [ -z "$kept" ] || caller_cflags="$caller_cflags -Wp,$kept"
    done
    set +f
    export RUNAS_FORTIFY_SOURCE=$fortify_level
}

# C libraries the build links against (Debian package names). Missing
# ones are named; only --install-build-deps installs them (never asked for,
# apt-get is not run on anyone's machine).
check_build_deps() {
    missing=""
    need_header crypt.h libcrypt-dev
    if has_trait PAM; then need_header security/pam_appl.h libpam0g-dev; fi
    if [ -n "$missing" ]; then
        if $install_build_deps && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
            say "installing $missing"
            # (unquoted: one word per package)
            DEBIAN_FRONTEND=noninteractive apt-get install -y -q $missing >/dev/null ||
                { apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q $missing >/dev/null; } ||
                die "could not install $missing"
        else
            die "the build needs $missing (headers missing): apt-get install $missing (or rerun as root with --install-build-deps)"
        fi
    fi
}
need_header() { [ -e "/usr/include/$1" ] || missing="${missing:+$missing }$2"; }

# --sanitize address: the core only, with ASan's runtime as a shared
# library found through an absolute RPATH (honoured for setuid programs).
# Linked statically, ASan's malloc/free would stay private to the core
# (-static-stdlib links with --exclude-libs ALL), so libpam would free the
# core's ASan allocations with glibc's free and crash.
sanitize_flags() {
    asan_dir="$swift_resources/clang/lib/linux"
    [ -e "$asan_dir/libclang_rt.asan-$swift_arch.so" ] || die "no shared ASan runtime in $asan_dir"
    echo "--sanitize=$sanitize -Xswiftc -Xclang-linker -Xswiftc -shared-libasan -Xlinker -rpath -Xlinker $asan_dir"
}
# Embedded Swift (trait Embedded): optimised for size, each function in a
# section of its own so that the linker drops what nothing calls, and the
# toolchain's Unicode tables for String comparison.
embedded_flags() {
    embedded_lib="$swift_resources/embedded/$embedded_triple"
    [ -e "$embedded_lib/libswiftUnicodeDataTables.a" ] || die "no Embedded Swift libraries in $embedded_lib"
    echo "--triple $embedded_triple -Xswiftc -Osize -Xswiftc -Xfrontend -Xswiftc -function-sections -Xcc -ffunction-sections" \
        "-Xcc -fdata-sections -Xlinker --gc-sections -Xlinker -L$embedded_lib"
}
# Hardening, always: full RELRO and immediate binding for every link, the
# stack protector for the C parts (PIE is SwiftPM's default for
# executables; shared objects are position-independent anyway), and the
# fortified C above. Then the caller's other CPPFLAGS/CFLAGS (to the C
# compiler) and LDFLAGS (to the compiler driver that links, so -Wl,...
# works), a word each. Paths of this checkout are mapped to "." in debug
# information and #file, and the
# compiler's own module hashes (which cover those paths; only for its
# incremental builds) are left out, so that where the tree sits does not
# change the binaries.
build_flags() {
    echo "-Xlinker -z -Xlinker relro -Xlinker -z -Xlinker now" \
        "-Xcc -fstack-protector-strong -Xcc -fstack-clash-protection" \
        "-Xswiftc -file-prefix-map -Xswiftc $PWD=. -Xcc -ffile-prefix-map=$PWD=." \
        "-Xswiftc -Xfrontend -Xswiftc -disable-incremental-llvm-codegen -Xswiftc -Xfrontend -Xswiftc -no-clang-module-breadcrumbs"
    set -f
    for w in $caller_cflags; do printf ' -Xcc %s' "$w"; done
    for w in ${LDFLAGS:-}; do printf ' -Xswiftc -Xclang-linker -Xswiftc %s' "$w"; done
}
# build PRODUCT: every product is Embedded Swift, except a sanitized core
# (ASan cannot instrument Embedded Swift): that is the full-runtime build of
# the same sources, in a scratch of its own, with the Swift runtime linked
# statically (no shared Swift runtime whose constructor would read SWIFT_*
# before runas's start-up scrub) and ASan's shared (test builds only).
build() {
    if [ "$1" = runas ] && [ -n "$sanitize" ]; then
        mode="--scratch-path $scratch-$sanitize --traits $traits $(sanitize_flags) -Xswiftc -static-stdlib"
    else
        mode="--scratch-path $scratch --traits $traits,Embedded $(embedded_flags)"
    fi
    # (A backend's SONAME is its own name, not the path SwiftPM built it at.)
    case "$1" in runas-backend-*) mode="$mode -Xlinker -soname=lib$1.so" ;; esac
    # (unquoted on purpose: one word per flag; no globbing of them)
    set -f
    swift build -c release --disable-local-rpath $mode $(build_flags) \
        -Xcc "-DRUNAS_BACKEND_PATH=\"$PREFIX/lib/runas/backend.so\"" \
        -Xcc "-DRUNAS_SYSTEMD_RUN_PATH=\"$SYSTEMD_RUN_PATH\"" \
        -Xcc "-DRUNAS_RUN0_PATH=\"$RUN0_PATH\"" \
        -Xcc "-DRUNAS_SYSTEMCTL_PATH=\"$SYSTEMCTL_PATH\"" \
        -Xcc "-DRUNAS_USE_PTY_DEFAULT=$pty_default" \
        -Xcc "-DRUNAS_DEFAULT_EDITOR=\"$DEFAULT_EDITOR\"" \
        -Xcc "-DRUNAS_EDIT_TEMP_DIR=\"$EDIT_TEMP_DIR\"" \
        --product "$1"
    set +f
}
# Builds the core (unless --plugin-only) and every backend in $built, in
# the scratch directory of these traits; out and core name the results.
build_products() {
    scratch=".build/install-$(echo "$traits" | tr ',' '-')"
    say "building runas with traits $traits (backends: $built; installed backend: $backend)"
    case "$PWD" in *[!A-Za-z0-9/._+-]*) die "the checkout's path ($PWD) may hold only letters, digits and / . _ + -: the build flags carry it" ;; esac
    $plugin_only || build runas
    for b in $built; do build "runas-backend-$b"; done
    out="$scratch/release"
    core="$out/runas"
    [ -z "$sanitize" ] || core="$scratch-$sanitize/release/runas"
    say "built $($plugin_only || echo "$core and ")$(for b in $built; do printf '%s ' "$out/librunas-backend-$b.so"; done)"
}

# A real installation: runas is root:wheel 4750, so only wheel can run it.
# Sets group (wheel, or empty for a stage or --plugin-only); creates wheel
# with --create-wheel, else stops when it is missing.
choose_group() {
    group=""
    if [ -z "$DESTDIR" ] && ! $plugin_only; then
        if ! getent group wheel >/dev/null; then
            if $create_wheel; then
                groupadd --system wheel
                say "created the group wheel (empty). Its members may run any command as root"
                say "with runas after typing their own password: add one with: usermod -aG wheel NAME"
            else
                cat >&2 <<EOF
install.sh: there is no group wheel on this system.
  runas lets exactly the members of wheel (and root) run commands as root,
  after they type their own password. Create the group and add yourself:
      groupadd --system wheel && usermod -aG wheel YOURNAME
  or rerun with --create-wheel to have install.sh create the (empty) group.
EOF
                exit 1
            fi
        fi
        group=wheel
    fi
}

# Copy to a temporary name in the same directory, then rename over the old
# file, so no running runas ever sees a half-written file.
put() { # put SRC DEST MODE [GROUP]
    tmp="$2.new.$$"
    install -m 0600 "$1" "$tmp"
    if $strip; then strip --strip-unneeded "$tmp"; fi
    if [ -n "${4:-}" ]; then chown "root:$4" "$tmp"; fi
    chmod "$3" "$tmp"
    mv -f "$tmp" "$2"
}

# The chosen backend as backend.so, the others built beside it as
# backend-NAME.so; with --plugin-only that is all (and it says so).
install_backends() {
    owner_group=""
    [ -n "$DESTDIR" ] || owner_group=root
    install -d -m 0755 "$bindir" "$libdir"
    for b in $built; do
        if [ "$b" = "$backend" ]; then
            put "$out/librunas-backend-$b.so" "$libdir/backend.so" 0644 $owner_group
        else
            put "$out/librunas-backend-$b.so" "$libdir/backend-$b.so" 0644 $owner_group
        fi
    done
    if $plugin_only; then
        say "installed $libdir/backend.so ($backend); $bindir/runas left as it is"
    fi
}

# The core and runasedit, the man page and the completions, and (with PAM)
# the PAM service file.
install_core() {
    # Setuid only in a real installation: a DESTDIR stage gets 0755, and the
    # package makes it root:wheel 4750. (Built by another user, or under
    # fakeroot, a setuid file would be the builder's: anyone could run as them.)
    core_mode=4750
    if [ -n "$sanitize" ] || [ -n "$DESTDIR" ] || [ "$(id -u)" != 0 ]; then core_mode=0755; fi
    put "$core" "$bindir/runas" $core_mode $group
    # runasedit: runas -e by another name (a relative link, so a staged tree
    # stays right wherever it is unpacked).
    ln -sfn runas "$bindir/runasedit"
    # The man page names the files where this PREFIX puts them.
    echo "$docs" | while IFS=: read -r src dest; do
        install -d -m 0755 "$(dirname "$dest")"
        case "$src" in
            *.1) sed -e "s|/usr/local/bin/runas|$PREFIX/bin/runas|g" \
                     -e "s|/usr/local/lib/runas/|$PREFIX/lib/runas/|g" "$src" >"$dest.new.$$"
                 chmod 0644 "$dest.new.$$"
                 mv -f "$dest.new.$$" "$dest" ;;
            *) install -m 0644 "$src" "$dest" ;;
        esac
    done
    ln -sfn runas.1 "$sharedir/man/man1/runasedit.1"
    say "installed $bindir/runas (mode $core_mode${group:+, root:wheel}), $bindir/runasedit (a link to it) and $libdir/backend.so ($backend)"
    say "installed the man page and bash, zsh and fish completions under $sharedir"
    if has_trait PAM; then install_pam_config; fi
    if [ -n "$DESTDIR" ]; then
        say "staged under DESTDIR: the package must make $PREFIX/bin/runas root:wheel 4750 and $PREFIX/lib/runas/*.so root:root 0644"
    fi
}

main() {
    read_defaults
    parse_args "$@"
    check_settings
    set_install_paths
    if $uninstall; then uninstall_runas; exit 0; fi
    if $pam_config_only; then install_pam_config_alone; exit 0; fi
    choose_traits
    check_can_install
    prepare_build
    build_products
    if $build_only; then exit 0; fi
    choose_group
    install_backends
    if $plugin_only; then exit 0; fi
    install_core
}

main "$@"
