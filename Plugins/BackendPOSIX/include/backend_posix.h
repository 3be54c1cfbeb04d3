/*
 * backend_posix.h: the plain helpers every backend may use (posix.c), on
 * top of the shared libc edge (runas_libc.h) and the backend ABI. What
 * belongs to one backend lives with it: scopex's signal relay and pty in
 * ScopexSupport, the service-manager backends' signal passing in
 * UnitSignals.
 */
#ifndef BACKEND_POSIX_H
#define BACKEND_POSIX_H

#include "runas_libc.h"
#include "runas_backend.h"

/* error->message = the first bytes of line that fit (NUL-terminated,
 * newlines made blanks). In C so that _FORTIFY_SOURCE checks the copy
 * against the size of the core's buffer. */
void backend_set_error_message(runas_error *error, const uint8_t *line, size_t length);

/* Close every descriptor >= lowfd (close_range, or a loop as fallback). */
void backend_close_from(int lowfd);

/* Close every descriptor >= 3 except `keep` (the exec-error pipe). */
void backend_close_all_above_stdio_except(int keep);
/* The same, keeping also the nkeep descriptors in keep (-C): every
 * descriptor above 2 that is neither `also` nor listed is closed. */
void backend_close_above_stdio_keeping(const int32_t *keep, size_t nkeep, int also);

/* getresuid/getresgid, all three ids equal to the given ones? */
int backend_ids_are(uid_t uid, gid_t gid);

/* Give every signal its default disposition and empty the signal mask,
 * so the command starts with a clean signal state. */
void backend_reset_signals(void);
/* Only the first half of that: every disposition the default, the mask
 * left as it is. */
void backend_default_dispositions(void);

/* Disarm the interval timers (real, virtual, profiling): they survive
 * execve, so a caller's alarm must not reach a command exec'd in place
 * (fork clears them for a child). */
void backend_clear_timers(void);

/* PR_SET_DUMPABLE 0 again after the ids changed: with fs.suid_dumpable 1
 * the kernel would make the process dumpable, so the target could ptrace
 * it before execve (which sets dumpability for the new program). */
void backend_stay_undumpable(void);

/* CLOCK_MONOTONIC in milliseconds. */
int64_t backend_monotonic_ms(void);
/* write() all of it, never dying of SIGPIPE. */
void backend_write_quietly(int fd, const void *buf, size_t len);
/* "TERM" for SIGTERM (sigabbrev_np). */
const char *backend_signal_abbrev(int sig);
/* 32 random bits (getrandom; clock and pid if that fails). */
uint32_t backend_random32(void);
/* /dev/null as stdin, stdout and stderr. 0, or -1 (errno). */
int backend_null_stdio(void);

#endif
