/*
 * scopex_support.h: the C half of scopex (Plugins/scopex): its signal
 * relay and job control (signal_relay.c) and its pseudo-terminal (pty.c).
 * Only the scopex backend links it; pty.c uses the relay's functions, the
 * relay never calls into pty.c.
 */
#ifndef SCOPEX_SUPPORT_H
#define SCOPEX_SUPPORT_H

#include "backend_posix.h"

/* Blocks the signals backend_relay_signals_to() relays, so that none is
 * lost between fork() and the relay being in place (the child empties its
 * mask: runas_spawn.h). */
void backend_block_relayed_signals(void);
/* Undoes it when there is no command after all (fork failed). */
void backend_unblock_relayed_signals(void);

/* While the command runs (unblocks them again): relay SIGTERM, SIGHUP, SIGINT, SIGQUIT,
 * SIGUSR1, SIGUSR2, SIGALRM, SIGCONT and SIGWINCH to it, except signals the
 * kernel generated (terminal keys, window changes, hangups: the command, in
 * runas's foreground process group, already got those) and signals sent by
 * the command itself, from its process group, or (pty_mode) from the
 * monitor's session, where the command and all it starts run. When the
 * child leads a process group of its own (the command under the pty
 * monitor), SIGCONT goes to all of that group, and SIGHUP too, followed by
 * SIGCONT, as the kernel hangs up an orphaned process group. */
void backend_relay_signals_to(pid_t child, int pty_mode);

/* Stops this process with `sig` (SIGSTOP, or a stop signal taken with its
 * default action), returning once it is continued. */
void backend_stop_self(int sig);

/* 1 if a command stopped by `sig` should be resumed rather than runas
 * stopped too: SIGTTOU/SIGTTIN while runas is in the foreground of its
 * terminal, or has no terminal (see posix.c). */
int backend_stop_is_spurious(int sig);

/* The pseudo-terminal of scopex (pty.c). */
typedef struct backend_pty {
    int master;            /* runas's side */
    int slave;             /* the command's terminal (closed in runas after fork) */
    int tty;               /* the caller's terminal */
    int std_is_tty[3];     /* which of runas's stdin/stdout/stderr were terminals */
    int raw;               /* the caller's terminal is in raw mode now */
    int stops[2];          /* monitor -> runas: a byte per stop of the command */
    struct termios saved;  /* its settings before */
} backend_pty;

/* Before fork: a new pty whose slave belongs to owner:group (mode 0600),
 * with the caller's terminal modes and window size. 0, or -1 (errno). */
int backend_pty_open(backend_pty *p, uid_t owner, gid_t group);

/* In the child, on a backend_pty (the prepare step of the command's spawn
 * plan, runas_spawn.h): a new session with the slave as its controlling
 * terminal and as each of stdin/stdout/stderr that was a terminal (the
 * others pass through untouched); then forks. Returns 0 in the command's
 * process (its own process group, in the foreground of the pty), which
 * goes on to switch ids and exec; the other process stays as the monitor
 * and never returns (see pty.c). -1 (errno) if something failed. */
int backend_pty_attach(const void *pty);

/* In runas, with `child` the monitor: puts the caller's terminal in raw
 * mode (when in the foreground), copies input to the command's terminal and
 * its output back, passes window-size changes on, stops and continues with
 * the command, and waits for the monitor, which ends with the command's
 * wait status; the caller's terminal settings are restored before it
 * returns. 0 with the wait status in *status, or -1 (errno). */
int backend_pty_run(backend_pty *p, pid_t child, int *status);

/* Closes what is still open. */
void backend_pty_close(backend_pty *p);

/* For pty.c's loop (pty mode): the relay writes a byte to fd (-1: none)
 * when SIGWINCH or SIGCONT arrives, and backend_relay_take_pending(sig)
 * says (once) whether that signal came since it was last asked. */
void backend_relay_wake_on(int fd);
int backend_relay_take_pending(int sig);

/* Waits for the command to end, as a job-control shell would expect: when
 * the command stops (Ctrl-Z, SIGSTOP, SIGTTIN/SIGTTOU), runas stops itself
 * with the same signal, and when it is continued, continues the command.
 * Returns 0 with the wait status in *status, or -1 (errno). */
int backend_wait_for_command(pid_t child, int *status);
/* After the command is reaped: stop relaying signals to its (now free) pid. */
void backend_forget_command(void);

#endif
