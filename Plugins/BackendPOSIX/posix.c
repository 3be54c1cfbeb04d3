/* posix.c: the plain helpers every backend may use (backend_posix.h):
 * error messages, the clock, quiet writes, signal names, random bits.
 * No state, and nothing here calls into another file. */
#define _GNU_SOURCE
#include <sys/random.h>
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
