/* syslog.c: a non-variadic syslog entry point for Swift. */
#include <syslog.h>
#include "runas_support.h"

void runas_syslog(int priority, const char *message) {
    syslog(priority, "%s", message);
}
