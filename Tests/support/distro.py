"""distro.py: the platform tier's Debian roots and what its tests do in
them, on top of container.py (debootstrap cache, a booted
systemd in systemd-nspawn with a volatile overlay, nsenter).

Two roots, made once with debootstrap and cached under the clone's .build/:
  trixie  Debian 13 (glibc 2.41) with what README's "What you need first"
          has a user install, what the swift.org toolchain for Debian 12
          needs at run time, git, and the Debian packaging tools; the
          swift.org toolchain itself is bound read-only at /opt/swift;
  sid     Debian unstable with Debian's own swiftlang and the packaging
          tools; no swift.org toolchain anywhere in it.
Each container gets this repository's git directory read-only at
/srv/runas.git and clones the tree under test (HEAD: what is committed)
from it, as a user would. Everything a test does inside lives in the
container's tmpfs overlay and vanishes when it stops.
"""
import os
import shutil
import subprocess
import threading
import unittest

from support.container import Container, Root, ensure_rootfs
from support.paths import REPO

# A booted systemd, the default systemd-run backend's needs and PAM's
# session module; accounts made with passwd's tools; git for the clone.
BASE = ["systemd", "systemd-sysv", "dbus", "libpam-systemd", "passwd", "git"]
TRIXIE = Root("platform-trixie", "trixie", os.path.join(REPO, ".build", "platform-root-trixie"),
              "usr/bin/dpkg-buildpackage", ",".join(BASE + [
                  # README's "What you need first" (gcc: the C parts and the link)
                  "gcc", "libc6-dev", "binutils", "libcrypt-dev", "libpam0g-dev",
                  # what the swift.org toolchain's programs load (swift-build:
                  # sqlite, ncurses, Foundation's libxml2 and libcurl; clang's C++)
                  "libstdc++-14-dev", "libsqlite3-0", "libncurses6", "libxml2", "libcurl4t64",
                  # packaging/build.sh deb and the checks README names (debootstrap
                  # resolves neither virtual packages nor a dependency's second
                  # choice: devscripts's sopv | gpgv, libnet-ssleay-perl's
                  # perl-openssl-abi-3)
                  # (dpkg-buildpackage checks build-essential too)
                  "dpkg-dev", "build-essential", "debhelper", "fakeroot", "lintian", "devscripts", "gpgv",
                  "perl-openssl-defaults"]))
SID = Root("platform-sid", "sid", os.path.join(REPO, ".build", "platform-root-sid"),
           "usr/bin/dpkg-buildpackage", ",".join(BASE + [
               "swiftlang", "build-essential", "libcrypt-dev", "libpam0g-dev", "dpkg-dev", "debhelper",
               "fakeroot"]), unified=True)
GIT_INSIDE = "/srv/runas.git"
PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"


def skip_or_fail(message):
    """Outside CI a machine that cannot run the tier skips it, loudly;
    under CI that is a failure."""
    message = "!! the platform tier cannot run here: %s" % message
    if os.environ.get("CI") == "true":
        raise RuntimeError(message)
    raise unittest.SkipTest(message)


def require_tools():
    if os.geteuid() != 0:
        skip_or_fail("it needs root (debootstrap, systemd-nspawn)")
    for tool in ("debootstrap", "systemd-nspawn", "nsenter", "git"):
        if not shutil.which(tool):
            skip_or_fail("%s is missing (apt-get install debootstrap systemd-container git)" % tool)


_roots_lock = threading.Lock()
_root_errors = {}


def ensure_roots(wanted):
    """Makes the roots that are missing, both at the same time (debootstrap
    mostly waits for the mirror), then fails only if `wanted` could not be
    made: naming it and with debootstrap's output (a sid without
    swiftlang fails the sid tests, not trixie's)."""
    with _roots_lock:
        def make(root):
            try:
                ensure_rootfs(root)
            except Exception as e:  # reported to the module that wants it
                _root_errors[root.name] = e
        threads = [threading.Thread(target=make, args=(root,)) for root in (TRIXIE, SID)
                   if root.name not in _root_errors]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        if wanted.name in _root_errors:
            raise RuntimeError("the %s root: %s" % (wanted.name, _root_errors[wanted.name]))


def git_source():
    """(this clone's git directory, its HEAD commit): the worktree's own
    common directory when this is a git worktree."""
    def git(*args):
        return subprocess.run(["git", "-C", REPO] + list(args), capture_output=True, text=True,
                              check=True).stdout.strip()
    return os.path.join(REPO, git("rev-parse", "--git-common-dir")), git("rev-parse", "HEAD")


def start_box(root, src, prepare=None, swift_org=False):
    """A booted Box of `root` (made first when missing) with the tree under
    test cloned to `src` and then `prepare(box)` run; closed again if any of
    that fails."""
    require_tools()
    ensure_roots(root)
    box = Box(root, swift_org=swift_org)
    try:
        box.clone(src)
        if prepare:
            prepare(box)
    except BaseException:
        box.close()
        raise
    return box


def tail(text, n=4000):
    return text if len(text) <= n else "...\n" + text[-n:]


class Box:
    """A booted container of `root` with the repository bound in (and the
    swift.org toolchain, with swift_org=True)."""

    def __init__(self, root, swift_org=False):
        self.git_dir, self.head = git_source()
        binds = [(self.git_dir, GIT_INSIDE)]
        if swift_org:
            if not os.path.exists("/opt/swift/usr/bin/swift"):
                raise RuntimeError("no swift.org toolchain at /opt/swift (README: What you need first)")
            binds.append(("/opt/swift", "/opt/swift"))
        self.container = Container(root, boot_timeout=120, binds=binds)

    def close(self):
        self.container.close()

    def run(self, argv, user=None, input=None, env=None, timeout=60):
        return self.container.run(argv, user=user, input=input, env=env, timeout=timeout)

    def sh(self, script, user=None, input=None, env=None, timeout=60):
        """`script` by sh -e (as `user`); stdout and stderr as the Result's."""
        return self.run(["sh", "-ec", script], user=user, input=input, env=env, timeout=timeout)

    def must(self, what, script, timeout=60, env=None):
        """`script` as root; a failure says `what` failed, with the tail of
        its output. Returns its standard output."""
        r = self.sh("exec 2>&1\n" + script, env=env, timeout=timeout)
        if r.rc != 0:
            raise AssertionError("%s failed (exit %d) in the %s container:\n%s"
                                 % (what, r.rc, self.container.suite, tail(r.out + r.err)))
        return r.out

    def path(self, inside):
        return self.container.path(inside)

    def clone(self, dest):
        """`git clone` of the tree under test to `dest`, as a user would get
        the source (the commit checked out: this clone's HEAD)."""
        self.must("git clone of %s" % self.head,
                  "git -c safe.directory='*' clone -q --no-hardlinks --no-checkout %s %s\n"
                  "cd %s && git -c advice.detachedHead=false checkout -q %s"
                  % (GIT_INSIDE, dest, dest, self.head), timeout=300)

    def add_user(self, name, password, wheel=False):
        """An account made as an administrator would: useradd, chpasswd
        (the hash is the distribution's default, yescrypt)."""
        self.must("creating the user %s" % name,
                  "useradd -m %s %s\n" % ("-G wheel" if wheel else "", name), timeout=60)
        self.must("chpasswd for %s" % name, "printf '%%s:%%s\\n' %s '%s' | chpasswd" % (name, password))
