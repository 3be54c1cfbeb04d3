/*
 * prompt_signals.c: the signals that arrive while runas waits for a
 * password on the terminal.
 *
 * While echo is off, a signal must not end or stop the process before the
 * terminal settings are put back. So, during the prompt, the signals that
 * would (interrupt, terminate, hang up, quit, and the job-control stops)
 * are caught by a handler that only records them, and kept blocked except
 * inside ppoll(), so one can never slip in between "check" and "wait". The
 * prompt code then restores the terminal and calls
 * runas_prompt_signals_release(sig), which puts the old dispositions back
 * and re-sends the signal so it does what it would have done (end the
 * process, or stop it; after SIGCONT the prompt starts again).
 *
 * Signals the caller's shell had set to be ignored stay ignored.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "runas_support.h"

static const int watched[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGTSTP, SIGTTIN, SIGTTOU };
#define NWATCHED (sizeof watched / sizeof watched[0])

static volatile sig_atomic_t caught;
static struct sigaction saved[NWATCHED];
static int installed[NWATCHED];
static sigset_t saved_mask;
static sigset_t wait_mask;   /* the mask while in ppoll: watched ones open */
static int armed;

static void record(int sig) {
    caught = sig;
}

void runas_prompt_signals_catch(void) {
    if (armed)
        return;
    sigset_t block;
    sigemptyset(&block);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = record;
    sigfillset(&sa.sa_mask);     /* no SA_RESTART: ppoll returns EINTR */
    caught = 0;
    for (size_t i = 0; i < NWATCHED; i++) {
        installed[i] = 0;
        if (sigaction(watched[i], NULL, &saved[i]) != 0)
            continue;
        if (saved[i].sa_handler == SIG_IGN)
            continue;
        if (sigaction(watched[i], &sa, NULL) == 0) {
            installed[i] = 1;
            sigaddset(&block, watched[i]);
        }
    }
    sigprocmask(SIG_BLOCK, &block, &saved_mask);
    wait_mask = saved_mask;
    for (size_t i = 0; i < NWATCHED; i++)
        if (installed[i])
            sigdelset(&wait_mask, watched[i]);
    armed = 1;
}

int runas_prompt_wait(int fd, int timeout_ms, int *signal_out) {
    *signal_out = 0;
    if (caught) {
        *signal_out = caught;
        caught = 0;
        return 2;
    }
    struct pollfd p = { .fd = fd, .events = POLLIN, .revents = 0 };
    struct timespec limit = { .tv_sec = timeout_ms / 1000, .tv_nsec = (long)(timeout_ms % 1000) * 1000000L };
    int rc = ppoll(&p, 1, timeout_ms < 0 ? NULL : &limit, armed ? &wait_mask : NULL);
    if (rc < 0 && errno == EINTR) {
        if (caught) {
            *signal_out = caught;
            caught = 0;
            return 2;
        }
        return 3;   /* some other signal: wait again */
    }
    if (rc < 0)
        return -1;
    return rc == 0 ? 0 : 1;
}

void runas_prompt_signals_release(int resend) {
    if (!armed)
        return;
    for (size_t i = 0; i < NWATCHED; i++)
        if (installed[i])
            sigaction(watched[i], &saved[i], NULL);
    armed = 0;
    if (resend > 0)
        kill(getpid(), resend);
    caught = 0;
    sigprocmask(SIG_SETMASK, &saved_mask, NULL);   /* a re-sent signal lands here */
}
