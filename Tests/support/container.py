"""container.py: a booted systemd in a systemd-nspawn container, for the
tests that need the real systemd-run and run0 rather than the sandbox
tier's stubs: Debian trixie (systemd 257, with run0) or bookworm (systemd
252, Debian 12, the README's own platform).

The root filesystem is made once per suite with debootstrap and cached
under .build/systemd-root (trixie) or .build/systemd-root-bookworm (roots.py
makes them all early); each Container boots it with --volatile=overlay, so
everything a test installs or changes lives in a tmpfs and vanishes at
shutdown. Commands run inside with nsenter. Nothing on the machine changes
but two cgroup directories, removed again by close().

The platform tier (distro.py) uses the same machinery with roots of its
own (a Root with more packages) and host directories bound read-only into
the container.
"""
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time

from support.paths import REPO
from support.procfs import all_processes
from support.sandbox import Result

PACKAGES = "systemd,systemd-sysv,dbus,libpam-systemd"


class Root:
    """A root filesystem made with debootstrap: `release`'s minbase plus
    `packages`, cached in `cache`/rootfs; `marker` is a file that says it is
    whole (debootstrap's last steps made it). `unified`: its systemd needs
    the unified cgroup hierarchy (systemd >= 258 dropped cgroup v1), which
    systemd-nspawn 252 on a host with hybrid cgroups gives it only when
    asked (otherwise the container's systemd exits at once, status 255)."""

    def __init__(self, name, release, cache, marker, packages=PACKAGES, unified=False):
        self.name, self.release, self.cache, self.marker, self.packages = name, release, cache, marker, packages
        self.unified = unified


# The real-systemd tier's roots, by suite.
SUITES = {"trixie": Root("trixie", "trixie", os.path.join(REPO, ".build", "systemd-root"), "usr/bin/run0"),
          "bookworm": Root("bookworm", "bookworm", os.path.join(REPO, ".build", "systemd-root-bookworm"),
                           "usr/bin/systemd-run")}


def mirror():
    """The Debian mirror this machine's apt uses."""
    for d in ("/etc/apt/sources.list.d", "/etc/apt"):
        if not os.path.isdir(d):
            continue
        for name in sorted(os.listdir(d)):
            path = os.path.join(d, name)
            if not os.path.isfile(path) or not name.endswith((".list", ".sources")):
                continue
            with open(path) as f:
                text = f.read()
            m = re.search(r"^URIs:\s*(\S+/debian)\s*$", text, re.M) or \
                re.search(r"^deb\s+(?:\[[^]]*\]\s+)?(\S+/debian)\s", text, re.M)
            if m:
                return m.group(1)
    return "http://deb.debian.org/debian"


def ensure_rootfs(root):
    """The cached root filesystem of `root` (a Root, or a suite's name),
    made with debootstrap when missing or made with other packages (the
    list it was made with is kept beside it)."""
    if isinstance(root, str):
        root = SUITES[root]
    rootfs = os.path.join(root.cache, "rootfs")
    stamp = os.path.join(root.cache, "packages")
    try:
        with open(stamp) as f:
            made_with = f.read().strip()
    except FileNotFoundError:
        made_with = PACKAGES  # (made before the list was kept)
    if os.path.exists(os.path.join(rootfs, root.marker)) and made_with == root.packages:
        return rootfs
    os.makedirs(root.cache, exist_ok=True)
    tmp = rootfs + ".new"
    shutil.rmtree(tmp, ignore_errors=True)
    p = subprocess.run(["debootstrap", "--variant=minbase", "--include=" + root.packages, root.release, tmp,
                        mirror()], capture_output=True, text=True)
    if p.returncode != 0:
        raise RuntimeError("debootstrap of %s with %s failed:\n%s"
                           % (root.release, root.packages, (p.stdout + p.stderr)[-3000:]))
    shutil.rmtree(rootfs, ignore_errors=True)
    os.rename(tmp, rootfs)
    with open(stamp, "w") as f:
        f.write(root.packages + "\n")
    return rootfs


class Container:
    def __init__(self, suite="trixie", boot_timeout=90, binds=()):
        """`suite`: a Root or a suite's name; `binds`: (host path, path
        inside) pairs, bound read-only."""
        spec = SUITES[suite] if isinstance(suite, str) else suite
        root = ensure_rootfs(spec)
        self.suite = spec.name
        self.cgroup = "runas-systemd-test-%d-%s" % (os.getpid(), self.suite)
        self.cgroups = []
        for hierarchy in ("unified", "systemd"):
            base = os.path.join("/sys/fs/cgroup", hierarchy)
            if os.path.isdir(base):
                path = os.path.join(base, self.cgroup)
                os.makedirs(path, exist_ok=True)
                self.cgroups.append(path)
        procs = [os.path.join(p, "cgroup.procs") for p in self.cgroups]

        def into_cgroup():
            os.setsid()
            for p in procs:
                with open(p, "w") as f:
                    f.write(str(os.getpid()))
        self.pid = None
        self.log = tempfile.TemporaryFile()
        self.nspawn = subprocess.Popen(
            ["systemd-nspawn", "-q", "-D", root, "--register=no", "--keep-unit", "-b",
             "--console=pipe", "--volatile=overlay"] + ["--bind-ro=%s:%s" % b for b in binds],
            stdin=subprocess.DEVNULL, stdout=self.log, stderr=subprocess.STDOUT, preexec_fn=into_cgroup,
            env=dict(os.environ, SYSTEMD_NSPAWN_UNIFIED_HIERARCHY="1") if spec.unified else None)
        try:
            self.pid = self._wait_for_systemd(boot_timeout)
            self._wait_until_running(boot_timeout)
        except BaseException:
            self.close()
            raise

    def _wait_until_running(self, timeout):
        # Early on, systemctl cannot reach the manager yet: retry until it
        # answers; "degraded" (a unit failed) is up as well.
        deadline = time.monotonic() + timeout
        while True:
            r = self.run(["systemctl", "is-system-running", "--wait"], timeout=timeout)
            if r.out.strip() in ("running", "degraded"):
                return
            if time.monotonic() > deadline:
                raise RuntimeError("the container did not come up: %r %r\n%s" % (r.out, r.err, self.boot_log()))
            time.sleep(0.2)

    def _wait_for_systemd(self, timeout):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.nspawn.poll() is not None:
                raise RuntimeError("systemd-nspawn exited %d:\n%s" % (self.nspawn.returncode, self.boot_log()))
            for pid, comm, fields in all_processes():
                if comm == "systemd" and int(fields[1]) == self.nspawn.pid:
                    return pid
            time.sleep(0.1)
        raise RuntimeError("no systemd inside the container after %ds:\n%s" % (timeout, self.boot_log()))

    def boot_log(self):
        self.log.seek(0)
        return self.log.read().decode(errors="replace")[-4000:]

    def command(self, argv, user=None):
        """argv as nsenter runs it in the container; with `user`, dropped to
        that user first (setpriv, then env so the last exec is an ordinary
        unprivileged one that honours the setuid bit)."""
        cmd = ["nsenter", "-t", str(self.pid), "-a", "--"]
        if user:
            cmd += ["setpriv", "--reuid=" + user, "--regid=" + user, "--init-groups", "--", "/usr/bin/env"]
        return cmd + list(argv)

    def run(self, argv, user=None, input=None, env=None, timeout=60):
        environment = {"PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                       "LANG": "C.UTF-8", "TERM": "dumb", "SYSTEMD_COLORS": "0"}
        environment.update(env or {})
        p = subprocess.run(self.command(argv, user), input=(input or "").encode(), capture_output=True,
                           env=environment, timeout=timeout, cwd="/")
        return Result(p.returncode, p.stdout.decode(errors="replace"), p.stderr.decode(errors="replace"))

    def path(self, inside):
        """The container's file `inside`, seen from the host."""
        return "/proc/%d/root%s" % (self.pid, inside)

    def put(self, src, inside, mode=0o644, owner=(0, 0)):
        dest = self.path(inside)
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        tmp = dest + ".new"
        shutil.copyfile(src, tmp)
        os.chown(tmp, *owner)
        os.chmod(tmp, mode)
        os.rename(tmp, dest)

    def close(self):
        if self.nspawn.poll() is None:
            self.nspawn.send_signal(signal.SIGTERM)
            try:
                self.nspawn.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.nspawn.kill()
                self.nspawn.wait()
        for path in self.cgroups:
            for dirpath, _, _ in sorted(os.walk(path), key=lambda w: -w[0].count("/")):
                try:
                    os.rmdir(dirpath)
                except OSError:
                    pass
        self.log.close()
