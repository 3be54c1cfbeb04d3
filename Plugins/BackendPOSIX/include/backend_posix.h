/*
 * backend_posix.h: the POSIX surface the Embedded Swift backends use.
 *
 * Embedded Swift cannot import Glibc, so the backends import this module
 * instead. Besides the headers it has the few helpers that are macros or
 * awkward structs in C (errno, signal dispositions), and the build-time
 * paths of the service-manager programs (never looked up in PATH).
 */
#ifndef BACKEND_POSIX_H
#define BACKEND_POSIX_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* pipe2, setresuid, setresgid */
#endif

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/stat.h>
#include <termios.h>
#include <sys/wait.h>
#include <unistd.h>

#include "runas_backend.h"

int backend_errno(void);

/* Absolute paths fixed at build time (-Xcc -DRUNAS_SYSTEMD_RUN_PATH=...). */
const char *backend_systemd_run_path(void);
const char *backend_run0_path(void);

/* Close every descriptor >= lowfd (close_range, or a loop as fallback). */
void backend_close_from(int lowfd);

/* Close every descriptor >= 3 except `keep` (the exec-error pipe). */
void backend_close_all_above_stdio_except(int keep);

/* getresuid/getresgid, all three ids equal to the given ones? */
int backend_ids_are(uid_t uid, gid_t gid);

/* Give every signal its default disposition and empty the signal mask,
 * so the command starts with a clean signal state. */
void backend_reset_signals(void);

/* Blocks the signals backend_relay_signals_to() relays, so that none is
 * lost between fork() and the relay being in place (the child empties its
 * mask in backend_reset_signals()). */
void backend_block_relayed_signals(void);
/* Undoes it when there is no command after all (fork failed). */
void backend_unblock_relayed_signals(void);

/* While the command runs (unblocks them again): relay SIGTERM, SIGHUP, SIGINT, SIGQUIT,
 * SIGUSR1, SIGUSR2, SIGALRM, SIGCONT and SIGWINCH to it, except signals the
 * kernel generated (terminal keys, window changes, hangups: the command, in
 * runas's foreground process group, already got those) and signals sent by
 * the command itself, from its process group, or (pty_mode) from the
 * monitor's session, where the command and all it starts run. */
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

/* In the child: a new session with the slave as its controlling terminal
 * and as each of stdin/stdout/stderr that was a terminal (the others pass
 * through untouched); then forks. Returns 0 in the command's process (its
 * own process group, in the foreground of the pty), which goes on to
 * switch ids and exec; the other process stays as the monitor and never
 * returns (see pty.c). -1 (errno) if something failed. */
int backend_pty_attach(const backend_pty *p);

/* In runas, with `child` the monitor: puts the caller's terminal in raw
 * mode (when in the foreground), copies input to the command's terminal and
 * its output back, passes window-size changes on, stops and continues with
 * the command, and waits for the monitor, which ends with the command's
 * wait status; the caller's terminal settings are restored before it
 * returns. 0 with the wait status in *status, or -1 (errno). */
int backend_pty_run(backend_pty *p, pid_t child, int *status);

/* Closes what is still open. */
void backend_pty_close(backend_pty *p);

/* For the signal relay: a SIGWINCH or SIGCONT arrived (pty mode). */
void backend_pty_note_signal(int sig);

/* Waits for the command to end, as a job-control shell would expect: when
 * the command stops (Ctrl-Z, SIGSTOP, SIGTTIN/SIGTTOU), runas stops itself
 * with the same signal, and when it is continued, continues the command.
 * Returns 0 with the wait status in *status, or -1 (errno). */
int backend_wait_for_command(pid_t child, int *status);
/* After the command is reaped: stop relaying signals to its (now free) pid. */
void backend_forget_command(void);

/* The service-manager backends without a terminal (unit_signals.c). */
/* Blocks SIGCHLD (given its default disposition) and the signals passed
 * on to the unit (TERM, INT, HUP, QUIT, USR1, USR2, ALRM; not those ignored
 * on entry), old mask in *saved. */
void backend_unit_signals_block(sigset_t *saved);
void backend_unit_signals_restore(const sigset_t *saved);
/* In the client (systemd-run/run0) after fork: ignore those signals (the
 * client must live until the unit ends), then the mask of before. */
void backend_unit_client_signals(const sigset_t *saved);
/* The next blocked signal (one of the above, or SIGCHLD), waiting at most
 * timeout_ms (forever if < 0); 0 if none came. *from_kernel: a terminal
 * sent it (a key, a hangup), not kill(). */
int backend_unit_next_signal(int timeout_ms, int *from_kernel);
/* Takes whatever of those is pending and forgets it (the command ended). */
void backend_unit_signals_drain(void);
/* Waits for child `pid` at most timeout_ms (SIGCHLD blocked), then kills
 * and reaps it. 0 with *status, or -1 (timed out, or errno). */
int backend_wait_bounded(pid_t pid, int timeout_ms, int *status);
/* CLOCK_MONOTONIC in milliseconds. */
int64_t backend_monotonic_ms(void);
/* write() all of it, never dying of SIGPIPE. */
void backend_write_quietly(int fd, const void *buf, size_t len);
/* "TERM" for SIGTERM (sigabbrev_np). */
const char *backend_signal_abbrev(int sig);
/* 32 random bits (getrandom; clock and pid if that fails). */
uint32_t backend_random32(void);
/* systemctl's absolute path, fixed at build time (RUNAS_SYSTEMCTL_PATH). */
const char *backend_systemctl_path(void);
/* /dev/null as stdin, stdout and stderr. 0, or -1 (errno). */
int backend_null_stdio(void);

/* strerror into a caller-owned buffer (GNU strerror_r semantics hidden). */
void backend_describe_errno(int err, char *buf, size_t len);

#endif
