#!/bin/sh
# enter-sandbox.sh SANDBOX -- COMMAND...
# Runs inside a fresh private mount namespace (support/sandbox.py starts it with
# `unshare --mount --propagation private`); nothing here reaches the real
# machine. Mounts the sandbox's own account files, PAM configuration, a
# layer over /run (journald's socket hidden), a tmpfs /usr/local holding
# the staged runas (setuid root) and backend, its own /srv and /var/tmp,
# and the stub service-manager programs over /usr/bin; then runs COMMAND.
set -eu
box=$1
shift
[ "$1" = "--" ] && shift

# Extra files for /etc (a test's /etc/runas.env): a read-only overlay
# with them on top of the real /etc, mounted first so the binds below land
# on it.
if [ -d "$box/etc-extra" ]; then
    mount -t overlay overlay -o "lowerdir=$box/etc-extra:/etc" /etc
fi

for f in passwd shadow group shells; do
    mount --bind "$box/etc/$f" "/etc/$f"
done
mount --bind "$box/etc/pam.d" /etc/pam.d

# /usr/local: a tmpfs we own (not nosuid), root-owned 0755 all the way.
mount -t tmpfs -o mode=0755,suid tmpfs /usr/local
cp -a "$box/usr-local/." /usr/local/

# /dev: a tmpfs with just the nodes commands need, the caller's pseudo-
# terminals, and /dev/log bound to the test's own syslog listener (a socket
# in the sandbox), so every line runas logs is seen by the test and none
# reaches the machine's logger (or fails for want of one).
dev="$box/dev"
mount -t tmpfs -o mode=0755,nosuid tmpfs "$dev"
for n in null zero full random urandom tty; do
    touch "$dev/$n"
    mount --bind "/dev/$n" "$dev/$n"
done
mkdir "$dev/pts"
mount --bind /dev/pts "$dev/pts"
# /dev/ptmx as on a modern system: the devpts instance's own ptmx. (A
# bind of the machine's legacy /dev/ptmx node finds no devpts instance
# from inside this /dev, so new ptys would fail with ENOENT; only root
# opens ptys in here: scopex's pty for the command.)
ln -s pts/ptmx "$dev/ptmx"
ln -s /proc/self/fd "$dev/fd"
for i in 0 1 2; do ln -s "fd/$i" "$dev/$(echo stdin stdout stderr | cut -d' ' -f$((i + 1)))"; done
touch "$dev/log"
mount --bind "$box/syslog.sock" "$dev/log"
mount --move "$dev" /dev

# /run: the real one with the sandbox's own layer on top, so what runas
# writes there (the password-try records in /run/runas) lands in the
# sandbox and lasts from one run to the next within it.
mount -t overlay overlay -o "lowerdir=/run,upperdir=$box/run/upper,workdir=$box/run/work" /run
# journald's socket hidden, if the machine has one: runas logs there
# instead of /dev/log where it finds it, and the test's syslog listener
# must see every line (and the machine's journal none).
if [ -d /run/systemd/journal ]; then
    mount -t tmpfs -o mode=0755,nosuid,nodev tmpfs /run/systemd/journal
fi

# runas -e: the sandbox's own /srv (files to edit: root-owned 0755 all the
# way, so no directory on the path is a caller's) and /var/tmp (where the
# caller's copies are made), both seen from outside by the tests.
mount --bind "$box/srv" /srv
mount --bind "$box/vartmp" /var/tmp

# Stubs for systemd-run and run0 at their real paths (see stubs/).
mount -t overlay overlay -o "lowerdir=$box/stubs:/usr/bin" /usr/bin

cd /
exec "$@"
