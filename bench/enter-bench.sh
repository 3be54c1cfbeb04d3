#!/bin/sh
# enter-bench.sh SANDBOX -- COMMAND...: the benchmark's additions to the
# test sandbox, inside the private mount namespace, before
# Tests/support/bin/enter-sandbox.sh (the COMMAND) sets up the rest:
#  - the unpacked peers (sudo, doas, hyperfine, time) laid over /usr
#    (read-only overlay: the machine's /usr is not changed);
#  - /run and /var as copy-on-write overlays on a tmpfs, since sudo writes
#    timestamps and lecture marks there; those writes vanish with the
#    namespace.
set -eu
box=$1
shift
[ "$1" = "--" ] && shift
mount -t overlay overlay -o "lowerdir=$box/usr-extra:/usr" /usr
mkdir -p "$box/cow"
mount -t tmpfs -o mode=0700 tmpfs "$box/cow"
for d in run var; do
    mkdir -p "$box/cow/$d-upper" "$box/cow/$d-work"
    mount -t overlay overlay -o "lowerdir=/$d,upperdir=$box/cow/$d-upper,workdir=$box/cow/$d-work" "/$d"
done
exec "$@"
