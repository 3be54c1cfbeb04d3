/* posix.c: the plain helpers every backend may use (backend_posix.h):
 * closing descriptors, checking ids, a clean signal state, quiet writes.
 * No state, and nothing here calls into another file. */
#define _GNU_SOURCE
#include <sys/random.h>
#include <sys/time.h>
#include <sys/syscall.h>
#include <stdio.h>
#include "backend_posix.h"

void backend_set_error_message(runas_error *error, const uint8_t *line, size_t length) {
    if (line == NULL) line = (const uint8_t *)"", length = 0;
    int n = length < sizeof error->message ? (int)length : (int)sizeof error->message;
    /* (snprintf: its fortified form checks the size given against the
     * field's own and refuses %n; it truncates and terminates.) */
    n = snprintf(error->message, sizeof error->message, "%.*s", n, (const char *)line);
    if (n < 0) n = 0, error->message[0] = 0;
    if ((size_t)n >= sizeof error->message) n = (int)sizeof error->message - 1;
    for (int i = 0; i < n; i++)
        if (error->message[i] == '\n' || error->message[i] == '\r') error->message[i] = ' ';
}

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
    backend_close_above_stdio_keeping(NULL, 0, keep);
}

void backend_close_above_stdio_keeping(const int32_t *keep, size_t nkeep, int also) {
    /* Close the gaps below each kept descriptor, in ascending order, then
     * everything above the highest. (No allocation: safe after fork.) */
    int low = 3;
    for (;;) {
        int next = also >= low ? also : -1;   /* the lowest kept one >= low */
        for (size_t i = 0; i < nkeep; i++)
            if (keep[i] >= low && (next < 0 || keep[i] < next))
                next = keep[i];
        if (next < 0) {
            backend_close_from(low);
            return;
        }
        close_between(low, next - 1);
        low = next + 1;
    }
}

int backend_ids_are(uid_t uid, gid_t gid) {
    uid_t r, e, s;
    gid_t rg, eg, sg;
    if (getresuid(&r, &e, &s) != 0 || getresgid(&rg, &eg, &sg) != 0)
        return 0;
    return r == uid && e == uid && s == uid && rg == gid && eg == gid && sg == gid;
}

void backend_default_dispositions(void) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = SIG_DFL;
    sigemptyset(&sa.sa_mask);
    for (int sig = 1; sig < NSIG; sig++)
        (void)sigaction(sig, &sa, NULL);   /* fails for KILL/STOP: fine */
}

void backend_reset_signals(void) {
    backend_default_dispositions();
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
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

void backend_clear_timers(void) {
    struct itimerval zero;
    memset(&zero, 0, sizeof zero);
    (void)setitimer(ITIMER_REAL, &zero, NULL);
    (void)setitimer(ITIMER_VIRTUAL, &zero, NULL);
    (void)setitimer(ITIMER_PROF, &zero, NULL);
}

void backend_stay_undumpable(void) { (void)prctl(PR_SET_DUMPABLE, 0, 0, 0, 0); }
