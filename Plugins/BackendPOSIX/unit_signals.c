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

int backend_unit_next_signal(int timeout_ms) {
    sigset_t set = waited_set();
    siginfo_t info;
    int sig;
    if (timeout_ms < 0) {
        sig = sigwaitinfo(&set, &info);
    } else {
        struct timespec ts = { timeout_ms / 1000, (long)(timeout_ms % 1000) * 1000000L };
        sig = sigtimedwait(&set, &info, &ts);
    }
    return sig > 0 ? sig : 0;
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
