#!/bin/sh
# enter-sandbox.sh SANDBOX -- COMMAND...
# Runs inside a fresh private mount namespace (the harness starts it with
# `unshare --mount --propagation private`); nothing here reaches the real
# machine. Mounts the sandbox's own account files, PAM configuration, a
# tmpfs /usr/local holding the staged runas (setuid root) and backend, and
# the stub service-manager programs over /usr/bin; then runs COMMAND.
set -eu
box=$1
shift
[ "$1" = "--" ] && shift

for f in passwd shadow group shells; do
    mount --bind "$box/etc/$f" "/etc/$f"
done
mount --bind "$box/etc/pam.d" /etc/pam.d

# /usr/local: a tmpfs we own (not nosuid), root-owned 0755 all the way.
mount -t tmpfs -o mode=0755,suid tmpfs /usr/local
cp -a "$box/usr-local/." /usr/local/

# Stubs for systemd-run and run0 at their real paths (see stubs/).
mount -t overlay overlay -o "lowerdir=$box/stubs:/usr/bin" /usr/bin

cd /
exec "$@"
