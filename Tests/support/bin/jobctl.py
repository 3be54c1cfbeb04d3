#!/usr/bin/python3
"""jobctl.py [--wait-go] -- COMMAND...: a minimal job-control "shell" for
the terminal tests, run as the test user on the test's pseudo-terminal.

It starts COMMAND as a foreground job in its own process group, like a
shell, but unlike a shell it never changes the terminal's settings. So the
state it reports after the job stops or ends is exactly what the job left:

  JOBCTL ready echo=on|off               before the job starts
  JOBCTL stopped sig=N echo=on|off       the job stopped; type a line to continue it
  JOBCTL exited status=N echo=on|off     N: exit code, or -SIGNAL
  JOBCTL next-line='...'                 the next line typed after the job ended

--wait-go: read one line ("go") before starting the job, so the test can
leave typeahead after it.
"""
import os
import signal
import sys
import termios


def echo():
    return "on" if termios.tcgetattr(0)[3] & termios.ECHO else "off"


def say(text):
    os.write(1, ("JOBCTL %s\r\n" % text).encode())


def read_line():
    data = b""
    while not data.endswith(b"\n"):
        chunk = os.read(0, 1024)   # canonical mode: at most one line
        if not chunk:
            break
        data += chunk
    return data.decode(errors="replace").rstrip("\n")


def main():
    args = sys.argv[1:]
    wait_go = args[:1] == ["--wait-go"]
    if wait_go:
        args = args[1:]
    if args[:1] == ["--"]:
        args = args[1:]
    signal.signal(signal.SIGTTOU, signal.SIG_IGN)   # so tcsetpgrp works from here
    say("ready echo=%s" % echo())
    if wait_go:
        read_line()
    pid = os.fork()
    if pid == 0:
        os.setpgid(0, 0)
        os.tcsetpgrp(0, os.getpid())
        signal.signal(signal.SIGTTOU, signal.SIG_DFL)
        os.execv(args[0], args)
    # Both sides set the process group, as a shell does; if the child has
    # already exec'd, the kernel refuses the parent's (EACCES), and the
    # child's own call has done it.
    try:
        os.setpgid(pid, pid)
    except PermissionError:
        pass
    os.tcsetpgrp(0, pid)
    while True:
        _, status = os.waitpid(pid, os.WUNTRACED)
        os.tcsetpgrp(0, os.getpgrp())
        if os.WIFSTOPPED(status):
            say("stopped sig=%d echo=%s" % (os.WSTOPSIG(status), echo()))
            read_line()
            os.tcsetpgrp(0, pid)
            os.killpg(pid, signal.SIGCONT)
            continue
        say("exited status=%d echo=%s" % (os.waitstatus_to_exitcode(status), echo()))
        say("next-line=%r" % read_line())
        return


main()
