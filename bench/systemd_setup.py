"""systemd_setup.py: readies the booted Debian 13 container of
`bench/run.sh systemd` (Tests/support/container.py) for the benchmark.

Everything here lands in the container's volatile overlay and vanishes at
shutdown; the cached root is not changed. The peers are trixie's own
packages, installed with the container's apt; the .debs it fetched are kept
under WORK/debs-trixie and handed back to apt on the next run, so a rerun
downloads nothing that is already there.
"""
import os
import shutil

from peer_config import DOAS_CONF, RUNAS_PAM_SERVICE, SUDOERS
from support.accounts import YESCRYPT, make_hash
from support.paths import backend_file, stage_dir

PEERS = ["sudo", "sudo-rs", "opendoas", "hyperfine", "time"]
CALLER = "alice"                          # a wheel member with a yescrypt hash
PASSWORD = "correct horse battery"
PASSWORD_FILE = "/home/alice/password"    # the -S runs read it on stdin
BACKEND = "/usr/local/lib/runas/backend.so"
BACKENDS = ("scopex", "systemd-run", "run0")


def must(c, argv, **kw):
    r = c.run(argv, timeout=600, **kw)
    if r.rc != 0:
        raise SystemExit("bench: %s failed in the container (exit %d):\n%s%s"
                         % (argv, r.rc, r.out[-2000:], r.err[-2000:]))
    return r.out


def install_peers(c, work):
    cache = os.path.join(work, "debs-trixie")
    os.makedirs(cache, exist_ok=True)
    archives = "/var/cache/apt/archives"
    before = set(os.listdir(c.path(archives)))
    for deb in os.listdir(cache):
        c.put(os.path.join(cache, deb), os.path.join(archives, deb))
    install = ["apt-get", "install", "-y", "-q", "--no-install-recommends"] + PEERS
    if c.run(install, timeout=600).rc != 0:
        # The root's package lists date from its debootstrap; the archive
        # may have moved on since.
        must(c, ["apt-get", "update", "-q"])
        must(c, install)
    for deb in set(os.listdir(c.path(archives))) - before:
        if deb.endswith(".deb") and not os.path.exists(os.path.join(cache, deb)):
            shutil.copyfile(os.path.join(c.path(archives), deb), os.path.join(cache, deb))


def configure_peers(c):
    # sudo looks its host name up and waits on DNS when it is unknown.
    hosts = "127.0.0.1 localhost\n127.0.1.1 %s\n" % must(c, ["hostname"]).strip()
    for path, text, mode in (("/etc/hosts", hosts, 0o644), ("/etc/sudoers", SUDOERS, 0o440),
                             ("/etc/doas.conf", DOAS_CONF, 0o400), ("/etc/pam.d/runas", RUNAS_PAM_SERVICE, 0o644)):
        with open(c.path(path), "w") as f:
            f.write(text)
        os.chmod(c.path(path), mode)


def install_runas(c):
    """The shadow core at /usr/local/bin/runas, the PAM core beside it as
    runas-pam (both root:wheel 4750), every backend under its own name
    for use_backend(), and scopex as the one in use."""
    for core, name in (("shadow", "runas"), ("pam", "runas-pam")):
        path = "/usr/local/bin/" + name
        c.put(os.path.join(stage_dir(core), "usr/local/bin/runas"), path, 0o755)
        must(c, ["chown", "root:wheel", path])
        must(c, ["chmod", "4750", path])
    for backend in BACKENDS:
        c.put(backend_file("shadow", backend), "/usr/local/lib/runas/backend-%s.so" % backend)
    use_backend(c, "scopex")


def use_backend(c, backend):
    """Makes `backend` the one the installed cores load (a rename: no run
    ever sees a half-written file)."""
    c.put(c.path("/usr/local/lib/runas/backend-%s.so" % backend), BACKEND)


def add_caller(c):
    must(c, ["groupadd", "--system", "wheel"])
    must(c, ["useradd", "-m", "-G", "wheel", "-p", make_hash(PASSWORD, YESCRYPT), CALLER])
    uid = int(must(c, ["id", "-u", CALLER]))
    gid = int(must(c, ["id", "-g", CALLER]))
    with open(c.path(PASSWORD_FILE), "w") as f:
        f.write(PASSWORD + "\n")
    os.chown(c.path(PASSWORD_FILE), uid, gid)
    os.chmod(c.path(PASSWORD_FILE), 0o400)


def prepare(c, work):
    install_peers(c, work)
    configure_peers(c)
    add_caller(c)
    install_runas(c)
