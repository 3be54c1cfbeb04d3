/*
 * backend_posix.h: the plain helpers every backend may use (posix.c), on
 * top of the shared libc edge (runas_libc.h), the backend ABI and the
 * shared way to start a program (runas_spawn.h). What
 * belongs to one backend lives with it: scopex's signal relay and pty in
 * ScopexSupport, the service-manager backends' signal passing in
 * UnitSignals.
 */
#ifndef BACKEND_POSIX_H
#define BACKEND_POSIX_H

#include "runas_libc.h"
#include "runas_backend.h"
#include "runas_spawn.h"     /* starting a program: one routine, core and backends */

/* error->message = the first bytes of line that fit (NUL-terminated,
 * newlines made blanks). In C so that _FORTIFY_SOURCE checks the copy
 * against the size of the core's buffer. */
void backend_set_error_message(runas_error *error, const uint8_t *line, size_t length);

/* CLOCK_MONOTONIC in milliseconds. */
int64_t backend_monotonic_ms(void);
/* write() all of it, never dying of SIGPIPE. */
void backend_write_quietly(int fd, const void *buf, size_t len);
/* "TERM" for SIGTERM (sigabbrev_np). */
const char *backend_signal_abbrev(int sig);
/* 32 random bits (getrandom; clock and pid if that fails). */
uint32_t backend_random32(void);

#endif
