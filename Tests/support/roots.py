"""roots.py: makes every container root the systemd and platform tiers
boot (debootstrap: mostly waiting for the mirror and the disk), all at
once, so Tests/run.sh can start it early in the background beside the
builds. python3 -m support.roots; a root that cannot be made is reported
here and again, with debootstrap's output, by the tier that needs it."""
import sys
import threading

from support.container import SUITES, ensure_rootfs
from support.distro import SID, TRIXIE


def main():
    failed = []

    def make(root):
        try:
            ensure_rootfs(root)
            print("roots: %s ready" % root.name, flush=True)
        except Exception as e:  # the tier that boots it says so again
            failed.append(root.name)
            print("roots: %s failed: %s" % (root.name, str(e)[-500:]), flush=True)

    threads = [threading.Thread(target=make, args=(root,)) for root in list(SUITES.values()) + [TRIXIE, SID]]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
