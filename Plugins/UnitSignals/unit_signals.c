/* unit_signals.c: the signal side of a service-manager backend that stays
 * the parent of systemd-run/run0 (no terminal: --pipe). There the client
 * only waits for the unit; a signal that kills it leaves the command
 * running. So runas keeps the signals it would pass on blocked, takes them
 * with sigtimedwait() together with SIGCHLD, and sends them to the unit
 * (ServiceManagerClient.swift); the client ignores them. */
#define _GNU_SOURCE
#include "unit_signals.h"

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

const int *backend_unit_signals_ignored_by_children(size_t *count) {
    *count = N_UNIT_SIGNALS;
    return unit_signals;
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
