/*
 * startup.c: runs before the Swift runtime reads its environment.
 *
 * The Swift runtime honours some SWIFT_* variables even in a setuid process
 * (measured: SWIFT_DETERMINISTIC_HASHING, SWIFT_DEBUG_HELP). When the kernel
 * marks this process secure (AT_SECURE: started setuid/setgid or with
 * capabilities), drop every SWIFT_* variable before any Swift code runs, so
 * the caller cannot steer the runtime of a root process.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include "runas_support.h"

extern char **environ;

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
