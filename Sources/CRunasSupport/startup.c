/*
 * startup.c: runs before the Swift runtime reads its environment.
 *
 * The Swift runtime honours some SWIFT_* variables even in a setuid process
 * (measured: SWIFT_DETERMINISTIC_HASHING, SWIFT_DEBUG_HELP). When the kernel
 * marks this process secure (AT_SECURE: started setuid/setgid or with
 * capabilities), drop every SWIFT_* variable before any Swift code runs, so
 * the caller cannot steer the runtime of a root process.
 *
 * Also makes the process not dumpable (PR_SET_DUMPABLE 0) before anything
 * else: it will hold a password and PAM state, and no core file, ptrace or
 * /proc/PID/mem of the caller's may see them. A setuid start already does
 * this; a start by root (or with equal ids) would not.
 *
 * And gives SIGCHLD its default disposition: an ignored SIGCHLD survives
 * exec, and with it the kernel reaps runas's children itself, so runas
 * (and PAM's helpers) could never wait for one and learn its status.
 */
#include "runas_support.h"   /* first: runas_libc.h sets _GNU_SOURCE */

#include <sys/auxv.h>

extern char **environ;

__attribute__((constructor(100)))
static void runas_not_dumpable(void) {
    (void)prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
}

__attribute__((constructor(100)))
static void runas_default_sigchld(void) {
    struct sigaction dfl;
    memset(&dfl, 0, sizeof dfl);
    dfl.sa_handler = SIG_DFL;
    sigemptyset(&dfl.sa_mask);
    (void)sigaction(SIGCHLD, &dfl, NULL);
}

__attribute__((constructor(101)))
static void runas_scrub_swift_environment(void) {
    if (getauxval(AT_SECURE) == 0 || environ == NULL)
        return;
    char **out = environ;
    for (char **in = environ; *in != NULL; in++) {
        if (strncmp(*in, "SWIFT_", 6) == 0)
            continue;
        *out++ = *in;
    }
    *out = NULL;
}
