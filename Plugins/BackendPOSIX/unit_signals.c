/* unit_signals.c: the signal side of a service-manager backend that stays
 * the parent of systemd-run/run0 (no terminal: --pipe). There the client
 * only waits for the unit; a signal that kills it leaves the command
 * running. So runas keeps the signals it would pass on blocked, takes them
 * with sigtimedwait() together with SIGCHLD, and sends them to the unit
 * (ServiceManagerClient.swift); the client ignores them. */
#define _GNU_SOURCE
#include <stdio.h>
#include <sys/random.h>
#include <time.h>
#include "backend_posix.h"

/* What kill(1), a timeout(1) or a closing session sends to end or poke a
 * command. No job-control signals: the unit has no terminal to stop on. */
static const int unit_signals[] = {
    SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGALRM,
};
#define N_UNIT_SIGNALS (sizeof unit_signals / sizeof unit_signals[0])

static int ignored_on_entry(int sig) {
    struct sigaction old;
    return sigaction(sig, NULL, &old) == 0 && old.sa_handler == SIG_IGN;
}

static sigset_t waited_set(void) {
    sigset_t set;
    sigemptyset(&set);
    /* A signal the caller's shell ignored (nohup) stays ignored: blocked,
     * it would be queued for sigtimedwait() after all. */
    for (size_t i = 0; i < N_UNIT_SIGNALS; i++)
        if (!ignored_on_entry(unit_signals[i]))
            sigaddset(&set, unit_signals[i]);
    sigaddset(&set, SIGCHLD);
    return set;
}

void backend_unit_signals_block(sigset_t *saved) {
    /* An ignored SIGCHLD (or SA_NOCLDWAIT) would let the kernel reap the
     * client unseen: no SIGCHLD to wake up for, no status to report. */
    struct sigaction dfl;
    memset(&dfl, 0, sizeof dfl);
    dfl.sa_handler = SIG_DFL;
    sigemptyset(&dfl.sa_mask);
    sigaction(SIGCHLD, &dfl, NULL);
    sigset_t set = waited_set();
    sigprocmask(SIG_BLOCK, &set, saved);
}

void backend_unit_signals_restore(const sigset_t *saved) {
    sigprocmask(SIG_SETMASK, saved, NULL);
}

void backend_unit_client_signals(const sigset_t *saved) {
    struct sigaction ign;
    memset(&ign, 0, sizeof ign);
    ign.sa_handler = SIG_IGN;
    sigemptyset(&ign.sa_mask);
    for (size_t i = 0; i < N_UNIT_SIGNALS; i++)
        sigaction(unit_signals[i], &ign, NULL);
    sigprocmask(SIG_SETMASK, saved, NULL);
}

int backend_unit_next_signal(int timeout_ms, int *from_kernel) {
    sigset_t set = waited_set();
    siginfo_t info;
    int sig;
    if (timeout_ms < 0) {
        sig = sigwaitinfo(&set, &info);
    } else {
        struct timespec ts = { timeout_ms / 1000, (long)(timeout_ms % 1000) * 1000000L };
        sig = sigtimedwait(&set, &info, &ts);
    }
    if (sig <= 0)
        return 0;
    if (from_kernel)
        *from_kernel = info.si_code > 0;   /* a terminal's key or hangup */
    return sig;
}

void backend_unit_signals_drain(void) {
    sigset_t set = waited_set();
    struct timespec zero = { 0, 0 };
    while (sigtimedwait(&set, NULL, &zero) > 0)
        ;
}

/* Waits for `pid` (SIGCHLD is blocked: taken with sigtimedwait) at most
 * timeout_ms, then kills it. Other signals stay pending. */
int backend_wait_bounded(pid_t pid, int timeout_ms, int *status) {
    int64_t deadline = backend_monotonic_ms() + timeout_ms;
    sigset_t chld;
    sigemptyset(&chld);
    sigaddset(&chld, SIGCHLD);
    for (;;) {
        pid_t got = waitpid(pid, status, WNOHANG);
        if (got == pid)
            return 0;
        if (got < 0 && errno != EINTR)
            return -1;
        int64_t left = deadline - backend_monotonic_ms();
        if (left <= 0) {
            kill(pid, SIGKILL);
            while (waitpid(pid, status, 0) < 0)
                if (errno != EINTR)
                    return -1;
            return -1;
        }
        struct timespec ts = { (time_t)(left / 1000), (long)(left % 1000) * 1000000L };
        (void)sigtimedwait(&chld, NULL, &ts);
    }
}

int64_t backend_monotonic_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* write(), without dying of SIGPIPE when the reader is gone (runas must
 * go on passing signals on even if its stderr is a closed pipe). */
void backend_write_quietly(int fd, const void *buf, size_t len) {
    sigset_t pipe_set, saved;
    sigemptyset(&pipe_set);
    sigaddset(&pipe_set, SIGPIPE);
    sigprocmask(SIG_BLOCK, &pipe_set, &saved);
    int was_pending = 0;
    sigset_t pending;
    if (sigpending(&pending) == 0)
        was_pending = sigismember(&pending, SIGPIPE);
    const char *p = buf;
    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        p += n;
        len -= (size_t)n;
    }
    if (!was_pending) {
        struct timespec zero = { 0, 0 };
        (void)sigtimedwait(&pipe_set, NULL, &zero);
    }
    sigprocmask(SIG_SETMASK, &saved, NULL);
}

const char *backend_signal_abbrev(int sig) {
    const char *name = sigabbrev_np(sig);
    return name ? name : "";
}

uint32_t backend_random32(void) {
    uint32_t value = 0;
    if (getrandom(&value, sizeof value, GRND_NONBLOCK) != (ssize_t)sizeof value) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        value = (uint32_t)ts.tv_nsec ^ (uint32_t)getpid() << 16;
    }
    return value;
}

#ifndef RUNAS_SYSTEMCTL_PATH
#define RUNAS_SYSTEMCTL_PATH "/usr/bin/systemctl"
#endif

const char *backend_systemctl_path(void) { return RUNAS_SYSTEMCTL_PATH; }

int backend_null_stdio(void) {
    int fd = open("/dev/null", O_RDWR | O_CLOEXEC);
    if (fd < 0)
        return -1;
    for (int i = 0; i < 3; i++)
        if (dup2(fd, i) < 0)
            return -1;
    if (fd > 2)
        close(fd);
    return 0;
}
