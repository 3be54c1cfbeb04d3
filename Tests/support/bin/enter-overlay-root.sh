#!/bin/sh
# enter-overlay-root.sh BOX -- COMMAND...: runs COMMAND chrooted into a
# copy-on-write view of the whole machine: an overlay whose lower layer is
# the real / and whose upper layer is a tmpfs, inside the private mount
# namespace the caller started (unshare --mount). dpkg, useradd and the
# packages' maintainer scripts write only to the tmpfs, which vanishes with
# the namespace: the machine's packages, accounts and files never change.
set -eu
box=$1
shift
[ "$1" = "--" ] && shift
mkdir -p "$box/cow" "$box/root"
mount -t tmpfs -o mode=0755 tmpfs "$box/cow"
mkdir "$box/cow/upper" "$box/cow/work"
mount -t overlay overlay -o "lowerdir=/,upperdir=$box/cow/upper,workdir=$box/cow/work" "$box/root"
mount -t proc proc "$box/root/proc"
mount --rbind /dev "$box/root/dev"
mount -t tmpfs -o mode=0755 tmpfs "$box/root/run"
exec chroot "$box/root" "$@"
