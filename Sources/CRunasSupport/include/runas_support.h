/*
 * runas_support.h: the few things the core needs from C.
 *  - openlog/syslog wrappers (Swift cannot call C variadic functions, and
 *    openlog keeps its ident pointer), and the send to journald (journal.c),
 *  - the process start-up scrub of Swift runtime variables (startup.c),
 *  - the signal handling around the password prompt (prompt_signals.c),
 *    and Ctrl-C while PAM authenticates (auth_interrupt.c),
 *  - starting the askpass helper and -e's editor without privilege, and
 *    waiting for the editor (unprivileged_spawn.c),
 *  - the signals around -e's write-back (edit_signals.c),
 *  - creating a password-try record whole (record_file.c),
 *  - Linux audit records on the audit netlink socket (audit.c),
 *  - reading a loaded backend's record field by field (backend_record.c).
 */
#ifndef RUNAS_SUPPORT_H
#define RUNAS_SUPPORT_H

#include "runas_libc.h"     /* first: the same _GNU_SOURCE view of libc everywhere */
#include "runas_backend.h"

/* A loaded backend's record (backend_record.c): 1 if every 1.0 field is
 * there (by struct_size) and name and run are set; its flags (ABI 1.1),
 * or 0 when the record is too short to have them. */
int runas_backend_record_is_complete(const runas_backend *b);
uint32_t runas_backend_record_flags(const runas_backend *b);
/* Its program_options (ABI 1.5), or NULL when the record has none. */
const char *const *runas_backend_record_program_options(const runas_backend *b);

/* An unnamed regular file in dirfd (O_TMPFILE), and giving it a name
 * there (linkat AT_EMPTY_PATH; fails with EEXIST if the name is taken):
 * how a password-try record comes into being already written. */
int runas_record_open_unnamed(int dirfd, mode_t mode);
int runas_record_link(int fd, int dirfd, const char *name);

/* openlog("runas", LOG_PID, LOG_AUTHPRIV), with a static ident. */
void runas_openlog(void);

/* syslog(priority, "%s", message). */
void runas_syslog(int priority, const char *message);

/* One datagram (an entry in journald's native protocol) sent to
 * /run/systemd/journal/socket: 0 once sent whole, or -1 (errno: ENOENT or
 * ECONNREFUSED where no journald listens, EMSGSIZE for an entry too large
 * for one datagram, ...). */
int runas_journal_send(const void *entry, size_t length);

struct termios;

/* What a call of the password prompt's terminal handling ended with. */
typedef enum __attribute__((enum_extensibility(closed))) runas_prompt_event {
    RUNAS_PROMPT_READY,           /* begin: the settings are in place; wait: fd can be read */
    RUNAS_PROMPT_TIMED_OUT,       /* wait: nothing came in time */
    RUNAS_PROMPT_HELD_SIGNAL,     /* a held signal came (*signal_out); begin: settings unchanged */
    RUNAS_PROMPT_HELD_SIGNAL_AFTER_CHANGE, /* begin: a held signal came after the settings changed */
    RUNAS_PROMPT_OTHER_SIGNAL,    /* wait: another signal cut the wait short */
    RUNAS_PROMPT_FAILED,          /* errno says why */
} runas_prompt_event;

/* Holds (catches, records, blocks) every signal whose default action ends
 * or stops the process (all but SIGKILL, SIGSTOP, SIGCHLD, SIGCONT, SIGURG,
 * SIGWINCH), except those the caller had ignored; then tcsetattr(fd,
 * TCSAFLUSH, settings) with the held signals open during the call. On
 * anything but READY the signals are still held: runas_prompt_end. */
runas_prompt_event runas_prompt_begin(int fd, const struct termios *settings, int *signal_out);

/* Waits up to timeout_ms for fd to be readable, with the held signals
 * open only while waiting (without runas_prompt_begin: nothing held). */
runas_prompt_event runas_prompt_wait(int fd, int timeout_ms, int *signal_out);

/* Puts the old dispositions and mask back; if resend > 0, re-sends that
 * signal to this process first, so it takes effect as the mask opens. */
void runas_prompt_end(int resend);

/* Ctrl-C while PAM authenticates on the terminal (auth_interrupt.c):
 * begin before pam_authenticate catches SIGINT, noting it (a module's wait
 * returns EINTR); clear when PAM asks a later prompt; end after
 * pam_authenticate puts the old disposition back and, if a Ctrl-C is still
 * noted, re-raises it. A second Ctrl-C before a prompt clears the note
 * ends runas at once. */
void runas_auth_interrupt_begin(void);
int runas_auth_interrupt_noted(void);
void runas_auth_interrupt_clear(void);
void runas_auth_interrupt_end(void);

/* Sends one Linux audit record of `type` (AUDIT_USER_CMD, ...) with
 * `text` on the audit netlink socket (audit.c). 0, or -1 (errno) when the
 * kernel has no audit or refused it, which is not an error for the run. */
int runas_audit_send(int type, const char *text);

/* fork + exec of path as the caller (real ids); its stdout (and its
 * stderr too when with_stderr) is a pipe whose read end (close-on-exec)
 * is stored in *read_fd; stdin /dev/null, stderr otherwise kept, nothing
 * else. Returns the child's pid, or -1 (errno): it could not be started,
 * or could not exec (errno is then the exec's). */
pid_t runas_spawn_unprivileged(const char *path, char *const argv[], char *const envp[], int *read_fd,
                               int with_stderr);

/* fork + exec as the caller (real ids) of the first of the NULL-terminated
 * `paths` that runs (execvp's rules), keeping stdin, stdout and stderr and
 * nothing else. Returns the pid, or -1 (errno: fork's, or the exec's).
 * From before the fork until runas_wait_for_editor returns, runas ignores
 * SIGINT and SIGQUIT and blocks SIGTERM, SIGHUP and SIGCHLD (put back at
 * once if it returns -1). */
pid_t runas_spawn_editor(const char *const paths[], char *const argv[], char *const envp[]);

/* Waits for the editor, passing SIGTERM and SIGHUP on to it; when it
 * stops, runas stops itself and continues it afterwards. 0 with its
 * status (exited or killed), or -1 (errno). Returns with the write-back's
 * signals held (runas_edit_signals_hold_from); a SIGTERM or SIGHUP that came
 * too late to be passed on is held among them. */
int runas_wait_for_editor(pid_t pid, int *status);

/* -e: SIGXFSZ ignored from now on (a write past the caller's file size
 * limit fails with EFBIG instead of ending runas). */
void runas_edit_ignore_file_size_signal(void);

/* -e's write-back: blocks every signal whose default action ends or stops
 * the process (all but SIGKILL, SIGSTOP, SIGCHLD, SIGCONT, SIGURG,
 * SIGWINCH and SIGXFSZ), on top of `before`, the mask
 * runas_edit_signals_release puts back (runas's mask of before it blocked
 * anything for the editor). */
void runas_edit_signals_hold_from(const sigset_t *before);

/* While held: a signal that is waiting and asks runas to end (not a stop,
 * not SIGPIPE, not one the caller ignored or blocked), or 0. */
int runas_edit_signals_pending(void);

/* Puts the mask back: a held signal acts now (ends or stops runas). */
void runas_edit_signals_release(void);

#endif
