/* syslog.c: openlog with a static ident (openlog keeps the pointer, so it
 * must not be a temporary from Swift) and a non-variadic syslog for Swift. */
#include "runas_support.h"   /* first: runas_libc.h sets _GNU_SOURCE */

void runas_openlog(void) {
    static const char ident[] = "runas";
    openlog(ident, LOG_PID, LOG_AUTHPRIV);
}

void runas_syslog(int priority, const char *message) {
    syslog(priority, "%s", message);
}
