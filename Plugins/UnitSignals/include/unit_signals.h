/*
 * unit_signals.h: the signal side of the systemd-run and run0 backends
 * without a terminal (unit_signals.c); ServiceManagerKit uses it. Only
 * those two backends link it.
 */
#ifndef UNIT_SIGNALS_H
#define UNIT_SIGNALS_H

#include "backend_posix.h"

/* Blocks SIGCHLD (given its default disposition) and the signals passed
 * on to the unit (TERM, INT, HUP, QUIT, USR1, USR2, ALRM; not those ignored
 * on entry), old mask in *saved. */
void backend_unit_signals_block(sigset_t *saved);
void backend_unit_signals_restore(const sigset_t *saved);
/* The signals passed on to the unit (TERM, INT, HUP, QUIT, USR1, USR2,
 * ALRM; *count of them), which runas's children ignore: the client
 * (systemd-run/run0), which must live until the unit ends, and the
 * systemctl that passes one on, which is in runas's process group, so a
 * signal sent to the whole group (kill -TERM -PGID, a terminal's Ctrl-C)
 * reaches it too; had it died of one after passing the previous signal
 * on, runas would have sent that signal to the unit a second time.
 * (runas's mask blocks them until the child's plan ignores them: none
 * acts in between.) */
const int *backend_unit_signals_ignored_by_children(size_t *count);
/* The next blocked signal (one of the above, or SIGCHLD), waiting at most
 * timeout_ms (forever if < 0); 0 if none came. *from_kernel: a terminal
 * sent it (a key, a hangup), not kill(). */
int backend_unit_next_signal(int timeout_ms, int *from_kernel);
/* Takes whatever of those is pending and forgets it (the command ended). */
void backend_unit_signals_drain(void);
/* Waits for child `pid` at most timeout_ms (SIGCHLD blocked), then kills
 * and reaps it. 0 with *status, or -1 (timed out, or errno). */
int backend_wait_bounded(pid_t pid, int timeout_ms, int *status);

#endif
