"""stub_unit.py: what the STUB systemd-run and run0 (stubs/) share: running
the command the way systemd runs a unit's main process, and a registry of
the running "units" for the STUB systemctl.

systemd starts the main process itself, in a session of its own with no
controlling terminal and default signal dispositions (whatever the client
ignores); signals sent to the client never reach it, only `systemctl kill`
does; when the main process ends, the rest of the unit is stopped. Exit status as systemd-run/run0 report it (measured,
design.md §7): a death by SIGTERM/SIGINT/SIGHUP/SIGPIPE counts as a clean
end (0), by another signal 255. With --pty the real tools give the command
a new terminal; the stubs leave it on the caller's (no new session).
A test can hold the start back (a file LOG/start-delay with the seconds),
as a busy systemd would, to send a signal before the unit exists.
"""
import os
import signal
import sys
import time


def units_dir(log):
    return os.path.join(log, "units")


def run(command, pw, gid, cwd, env, log, unit=None, own_session=True, cwd_missing_status=203, extra_groups=None):
    """Runs `command` as `pw` (a pwd entry) with `gid` and the user's
    groups in `cwd` with exactly `env`; returns the client's exit status.
    extra_groups: SupplementaryGroups= (added to the user's groups, or for
    gid 0 the only ones: systemd looks up no groups for root)."""
    try:
        with open(os.path.join(log, "start-delay")) as f:
            time.sleep(float(f.read()))
    except FileNotFoundError:
        pass
    pid = os.fork()
    if pid == 0:
        try:
            if own_session:
                os.setsid()
            for s in signal.valid_signals():
                if s not in (signal.SIGKILL, signal.SIGSTOP):
                    signal.signal(s, signal.SIG_DFL)
            signal.pthread_sigmask(signal.SIG_SETMASK, [])
            os.initgroups(pw.pw_name, gid)
            if extra_groups is not None:
                os.setgroups(list(extra_groups) + ([] if gid == 0 else os.getgroups()))
            os.setresgid(gid, gid, gid)
            os.setresuid(pw.pw_uid, pw.pw_uid, pw.pw_uid)
            os.chdir(cwd)
            os.execve(command[0], command, env)
        except OSError as e:
            sys.stderr.write(f"stub {os.path.basename(sys.argv[0])}: {e}\n")
            os._exit(cwd_missing_status if isinstance(e, FileNotFoundError) and e.filename == cwd else 203)
    registered = None
    if unit:
        os.makedirs(units_dir(log), exist_ok=True)
        registered = os.path.join(units_dir(log), unit)
        with open(registered, "w") as f:
            f.write(str(pid))
    if not own_session:
        # On the caller's terminal (standing in for --pty, where the real
        # client has the terminal in raw mode), Ctrl-C must not end the stub.
        for s in (signal.SIGINT, signal.SIGQUIT):
            signal.signal(s, signal.SIG_IGN)
    _, status = os.waitpid(pid, 0)
    if own_session:
        # The main process ended, so systemd stops the unit: what is left
        # of it gets SIGTERM (KillMode=control-group; here, the session).
        try:
            os.killpg(pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
    if registered:
        os.unlink(registered)
    if os.WIFSIGNALED(status):
        return 0 if os.WTERMSIG(status) in (1, 2, 13, 15) else 255
    return os.WEXITSTATUS(status)
