/*
 * prompt_signals.c: the signals that arrive while runas waits for a
 * password on the terminal.
 *
 * While echo is off, a signal must not end or stop the process before the
 * terminal settings are put back. So, from before echo goes off until it is
 * back on, every signal whose default action ends the process (interrupt,
 * terminate, hang up, quit, alarm, the user signals, CPU and file limits,
 * profiling timers, the real-time signals, ...) or stops it (the job-control
 * stops) is caught by a handler that only records it, and kept blocked
 * except inside ppoll() and the tcsetattr() that turns echo off, so one can
 * never slip in between "check" and "wait". The prompt code then restores
 * the terminal and calls runas_prompt_end(sig), which puts the
 * old dispositions back and re-sends the signal so it does what it would
 * have done (end the process, or stop it; after SIGCONT the prompt starts
 * again). SIGKILL and SIGSTOP cannot be caught: after them echo stays off.
 *
 * Faults (SIGSEGV, SIGILL, ...) raised by runas's own code happen only
 * while they are blocked, so the kernel delivers them with their default
 * action, as without the handler.
 *
 * Signals the caller's shell had set to be ignored stay ignored.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>
#include "runas_support.h"

/* Signals whose default action is to continue or be ignored, and the two
 * that cannot be caught: everything else is watched. */
static int watched_signal(int sig) {
    switch (sig) {
    case SIGKILL: case SIGSTOP: case SIGCHLD: case SIGCONT: case SIGURG: case SIGWINCH:
        return 0;
    default:
        return 1;
    }
}

#define NWATCHED NSIG
static volatile sig_atomic_t caught;
static struct sigaction saved[NWATCHED];
static int installed[NWATCHED];   /* indexed by signal number */
static sigset_t saved_mask;
static sigset_t wait_mask;   /* the mask while in ppoll: watched ones open */
static int armed;

static void record(int sig) {
    caught = sig;
}

static void hold(void) {
    if (armed)
        return;
    sigset_t block;
    sigemptyset(&block);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = record;
    sigfillset(&sa.sa_mask);     /* no SA_RESTART: ppoll returns EINTR */
    caught = 0;
    for (int sig = 1; sig < NWATCHED; sig++) {
        installed[sig] = 0;
        /* 32 and 33 belong to glibc (threads); sigaction refuses them. */
        if (!watched_signal(sig) || (sig > SIGSYS && sig < SIGRTMIN))
            continue;
        if (sigaction(sig, NULL, &saved[sig]) != 0)
            continue;
        if (saved[sig].sa_handler == SIG_IGN)
            continue;
        if (sigaction(sig, &sa, NULL) == 0) {
            installed[sig] = 1;
            sigaddset(&block, sig);
        }
    }
    sigprocmask(SIG_BLOCK, &block, &saved_mask);
    wait_mask = saved_mask;
    for (int sig = 1; sig < NWATCHED; sig++)
        if (installed[sig])
            sigdelset(&wait_mask, sig);
    armed = 1;
}

runas_prompt_event runas_prompt_begin(int fd, const struct termios *settings, int *signal_out) {
    *signal_out = 0;
    hold();   /* before the settings change, so no signal finds echo off */
    sigset_t blocked;
    /* Open the held signals for the call: in a background job the kernel
     * answers with SIGTTOU (caught: EINTR, nothing changed) instead of
     * changing a terminal that belongs to someone else. */
    sigprocmask(SIG_SETMASK, &wait_mask, &blocked);
    int rc = tcsetattr(fd, TCSAFLUSH, settings);
    int saved_errno = errno;
    sigprocmask(SIG_SETMASK, &blocked, NULL);
    if (caught) {
        *signal_out = caught;
        caught = 0;
        return rc == 0 ? RUNAS_PROMPT_HELD_SIGNAL_AFTER_CHANGE : RUNAS_PROMPT_HELD_SIGNAL;
    }
    errno = saved_errno;
    return rc == 0 ? RUNAS_PROMPT_READY : RUNAS_PROMPT_FAILED;
}

runas_prompt_event runas_prompt_wait(int fd, int timeout_ms, int *signal_out) {
    *signal_out = 0;
    if (caught) {
        *signal_out = caught;
        caught = 0;
        return RUNAS_PROMPT_HELD_SIGNAL;
    }
    struct pollfd p = { .fd = fd, .events = POLLIN, .revents = 0 };
    struct timespec limit = { .tv_sec = timeout_ms / 1000, .tv_nsec = (long)(timeout_ms % 1000) * 1000000L };
    int rc = ppoll(&p, 1, timeout_ms < 0 ? NULL : &limit, armed ? &wait_mask : NULL);
    if (rc < 0 && errno == EINTR) {
        if (caught) {
            *signal_out = caught;
            caught = 0;
            return RUNAS_PROMPT_HELD_SIGNAL;
        }
        return RUNAS_PROMPT_OTHER_SIGNAL;
    }
    if (rc < 0)
        return RUNAS_PROMPT_FAILED;
    return rc == 0 ? RUNAS_PROMPT_TIMED_OUT : RUNAS_PROMPT_READY;
}

void runas_prompt_end(int resend) {
    if (!armed)
        return;
    for (int sig = 1; sig < NWATCHED; sig++)
        if (installed[sig])
            sigaction(sig, &saved[sig], NULL);
    armed = 0;
    if (resend > 0)
        kill(getpid(), resend);
    caught = 0;
    sigprocmask(SIG_SETMASK, &saved_mask, NULL);   /* a re-sent signal lands here */
}
