/* posix.c: helpers behind backend_posix.h that Embedded Swift cannot
 * express directly (errno, sigaction, close_range). */
#define _GNU_SOURCE
#include <stdio.h>
#include <sys/syscall.h>
#include "backend_posix.h"

#ifndef RUNAS_SYSTEMD_RUN_PATH
#define RUNAS_SYSTEMD_RUN_PATH "/usr/bin/systemd-run"
#endif
#ifndef RUNAS_RUN0_PATH
#define RUNAS_RUN0_PATH "/usr/bin/run0"
#endif

int backend_errno(void) { return errno; }

const char *backend_systemd_run_path(void) { return RUNAS_SYSTEMD_RUN_PATH; }
const char *backend_run0_path(void) { return RUNAS_RUN0_PATH; }

void backend_close_from(int lowfd) {
#ifdef SYS_close_range
    if (syscall(SYS_close_range, (unsigned)lowfd, ~0u, 0) == 0)
        return;
#endif
    long max = sysconf(_SC_OPEN_MAX);
    if (max < 0 || max > 1048576)
        max = 1048576;
    for (long fd = lowfd; fd < max; fd++)
        close((int)fd);
}

static void close_between(int lo, int hi) {
    if (lo > hi)
        return;
#ifdef SYS_close_range
    if (syscall(SYS_close_range, (unsigned)lo, (unsigned)hi, 0) == 0)
        return;
#endif
    long max = sysconf(_SC_OPEN_MAX);
    if (max < 0 || max > 1048576)
        max = 1048576;
    for (long fd = lo; fd <= hi && fd < max; fd++)
        close((int)fd);
}

void backend_close_all_above_stdio_except(int keep) {
    if (keep < 3) {
        backend_close_from(3);
        return;
    }
    close_between(3, keep - 1);
    backend_close_from(keep + 1);
}

int backend_ids_are(uid_t uid, gid_t gid) {
    uid_t r, e, s;
    gid_t rg, eg, sg;
    if (getresuid(&r, &e, &s) != 0 || getresgid(&rg, &eg, &sg) != 0)
        return 0;
    return r == uid && e == uid && s == uid && rg == gid && eg == gid && sg == gid;
}

void backend_reset_signals(void) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = SIG_DFL;
    sigemptyset(&sa.sa_mask);
    for (int sig = 1; sig < NSIG; sig++)
        (void)sigaction(sig, &sa, NULL);   /* fails for KILL/STOP: fine */
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
}

static volatile pid_t relay_child = -1;

static void relay_handler(int sig) {
    int saved = errno;
    if (relay_child > 0)
        kill(relay_child, sig);
    errno = saved;
}

void backend_relay_signals_to(pid_t child) {
    relay_child = child;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sigemptyset(&sa.sa_mask);
    sa.sa_handler = SIG_IGN;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGQUIT, &sa, NULL);
    sa.sa_handler = relay_handler;
    sa.sa_flags = SA_RESTART;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
}

void backend_describe_errno(int err, char *buf, size_t len) {
    if (len == 0)
        return;
    const char *s = strerror_r(err, buf, len);
    if (s != buf)
        snprintf(buf, len, "%s", s);
}
