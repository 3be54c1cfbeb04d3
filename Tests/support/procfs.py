"""procfs.py: processes as /proc shows them (state, parent, controlling
terminal), the processes below one, and waiting for processes to end."""
import os
import select
import time


def process_stat(pid):
    """(comm, the fields after it) of /proc/PID/stat, or None if it is gone.
    fields[0] is the state, [1] the parent pid, [4] the controlling tty."""
    try:
        with open("/proc/%s/stat" % pid) as f:
            stat = f.read()
    except OSError:
        return None
    return stat[stat.index("(") + 1:stat.rindex(")")], stat[stat.rindex(")") + 2:].split()


def all_processes():
    """(pid, comm, fields) of every process, as process_stat gives them."""
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            found = process_stat(entry)
            if found:
                yield (int(entry),) + found


def descendants(pid):
    """(pid, comm, fields) of every process below `pid`, as all_processes
    gives them, parents first."""
    children = {}
    for process in all_processes():
        children.setdefault(int(process[2][1]), []).append(process)
    found, todo = [], list(children.get(pid, []))
    while todo:
        process = todo.pop(0)
        found.append(process)
        todo += children.get(process[0], [])
    return found


def wait_for_exit(pids, timeout=30):
    """Waits until every process in `pids` has ended, children of the test
    or not (through pidfds); returns the pids still there at the timeout."""
    waiting = {}
    for pid in pids:
        try:
            waiting[os.pidfd_open(pid)] = pid
        except ProcessLookupError:
            pass
    deadline = time.monotonic() + timeout
    try:
        while waiting and time.monotonic() < deadline:
            ended, _, _ = select.select(list(waiting), [], [], max(0, deadline - time.monotonic()))
            for fd in ended:
                del waiting[fd]
                os.close(fd)
        return sorted(waiting.values())
    finally:
        for fd in waiting:
            os.close(fd)


