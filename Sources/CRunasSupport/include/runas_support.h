/*
 * runas_support.h: the few things the core needs from C.
 *  - build-time configuration baked into the binary (backend path),
 *  - openlog/syslog wrappers (Swift cannot call C variadic functions, and
 *    openlog keeps its ident pointer),
 *  - the process start-up scrub of Swift runtime variables (startup.c),
 *  - the signal handling around the password prompt (prompt_signals.c),
 *  - starting the askpass helper without privilege (unprivileged_spawn.c),
 *  - creating a password-try record whole (record_file.c).
 */
#ifndef RUNAS_SUPPORT_H
#define RUNAS_SUPPORT_H

#include <sys/types.h>

/* Absolute path of the backend shared object, fixed at build time from
 * PREFIX (-Xcc -DRUNAS_BACKEND_PATH=...). Never influenced at run time. */
const char *runas_config_backend_path(void);

/* 1 if commands run as another user on a terminal get a pseudo-terminal
 * of their own by default (--no-pty turns it off per run), else 0. */
int runas_config_use_pty(void);

/* /etc/runas.env: the administrator's environment overrides. */
const char *runas_config_env_file_path(void);

/* /run/runas: where the failed password tries of each caller are counted
 * (GuessThrottle.swift). */
const char *runas_config_tally_directory(void);

/* An unnamed regular file in dirfd (O_TMPFILE), and giving it a name
 * there (linkat AT_EMPTY_PATH; fails with EEXIST if the name is taken):
 * how a password-try record comes into being already written. */
int runas_record_open_unnamed(int dirfd, mode_t mode);
int runas_record_link(int fd, int dirfd, const char *name);

/* /etc/pam.d/runas (only --check looks at it). */
const char *runas_config_pam_config_path(void);

/* The program a service-manager backend runs ("systemd-run", "run0"), as
 * the backends are built to find it; NULL for other backends. Only
 * --check uses it. */
const char *runas_config_service_manager_path(const char *backend_name);

/* systemctl, which those backends run to pass signals on to the command's
 * unit (the backends have their own copy of the path). Only --check uses it. */
const char *runas_config_systemctl_path(void);

/* openlog("runas", LOG_PID, LOG_AUTHPRIV), with a static ident. */
void runas_openlog(void);

/* syslog(priority, "%s", message). */
void runas_syslog(int priority, const char *message);

struct termios;

/* Catch (record only) and block every signal whose default action ends or
 * stops the process (all but SIGKILL, SIGSTOP, SIGCHLD, SIGCONT, SIGURG,
 * SIGWINCH), except those the caller had ignored. */
void runas_prompt_signals_catch(void);

/* tcsetattr(fd, TCSAFLUSH, settings) with the caught signals open during
 * the call. Returns 0 done, -1 error (errno), and when a caught signal
 * arrived (*signal_out says which) 2 if the settings were not changed (a
 * background job's SIGTTOU), 3 if they were. */
int runas_prompt_set_terminal(int fd, const struct termios *settings, int *signal_out);

/* Waits up to timeout_ms for fd to be readable, with the caught signals
 * open only while waiting. Returns 1 readable, 0 timed out, 2 a caught
 * signal arrived (*signal_out says which), 3 another signal (wait again),
 * -1 error (errno). */
int runas_prompt_wait(int fd, int timeout_ms, int *signal_out);

/* Puts the old dispositions and mask back; if resend > 0, re-sends that
 * signal to this process first, so it takes effect as the mask opens. */
void runas_prompt_signals_release(int resend);

/* fork + exec of path as the caller (real ids); its stdout is a pipe whose
 * read end (close-on-exec) is stored in *read_fd; stdin /dev/null, stderr
 * kept, nothing else. Returns the child's pid, or -1 (errno): it could
 * not be started, or could not exec (errno is then the exec's). */
pid_t runas_spawn_unprivileged(const char *path, char *const argv[], char *const envp[], int *read_fd);

#endif
