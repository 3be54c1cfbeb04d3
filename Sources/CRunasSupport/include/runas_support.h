/*
 * runas_support.h: the few things the core needs from C.
 *  - build-time configuration baked into the binary (backend path),
 *  - a syslog() wrapper (Swift cannot call C variadic functions),
 *  - the process start-up scrub of Swift runtime variables (startup.c).
 */
#ifndef RUNAS_SUPPORT_H
#define RUNAS_SUPPORT_H

/* Absolute path of the backend shared object, fixed at build time from
 * PREFIX (-Xcc -DRUNAS_BACKEND_PATH=...). Never influenced at run time. */
const char *runas_config_backend_path(void);

/* syslog(priority, "%s", message). */
void runas_syslog(int priority, const char *message);

#endif
