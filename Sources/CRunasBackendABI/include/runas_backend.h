/*
 * runas_backend.h: the one public header of the runas backend ABI.
 *
 * A backend is a shared object installed at a fixed, root-owned path (by
 * default $PREFIX/lib/runas/backend.so). The runas core opens it only after
 * checking its ownership and mode, then looks up exactly one symbol per ABI
 * major version:
 *
 *     const runas_backend *runas_backend_v1(void);
 *
 * and hands it one request after the caller has been authenticated.
 *
 * Versioning rules (the promise a backend built against 1.x may rely on):
 *  - Every versioned struct starts with magic, abi_major, abi_minor and
 *    struct_size. Fields are only ever appended; an existing field never
 *    changes meaning, type or position within a major version.
 *  - A new minor version may append fields. A reader must check struct_size
 *    before touching any field added after 1.0 (use RUNAS_HAS_FIELD).
 *  - An incompatible change bumps the major version and the entry symbol
 *    (runas_backend_v2, ...). The core refuses a backend of another major.
 *  - The core owns all memory it passes in; a backend never frees it, and
 *    must not keep pointers to it after run() returns. Strings are
 *    NUL-terminated bytes, not necessarily UTF-8 (arguments are passed byte
 *    for byte).
 *  - Errors are reported as a code (enum runas_backend_status) plus errno
 *    and a short message written into a buffer the core provides.
 */
#ifndef RUNAS_BACKEND_H
#define RUNAS_BACKEND_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* "RNAS": first field of every versioned struct of this ABI. */
#define RUNAS_BACKEND_MAGIC 0x524e4153u
#define RUNAS_BACKEND_ABI_MAJOR 1
#define RUNAS_BACKEND_ABI_MINOR 5

/* True when a struct of the given (reader-known) type, as reported by its
 * struct_size field, is large enough to contain `field`. */
#define RUNAS_HAS_FIELD(ptr, type, field) \
    ((ptr)->struct_size >= offsetof(type, field) + sizeof(((type *)0)->field))

/* A user account as the core resolved it from the password database. */
typedef struct runas_user {
    const char *name;   /* login name; never NULL */
    uint32_t uid;       /* numeric user id */
    uint32_t gid;       /* primary group id from the password database */
    const char *home;   /* home directory; never NULL, may be "" */
    const char *shell;  /* login shell; never NULL, "/bin/sh" if empty */
} runas_user;

/* Bits of runas_request.flags. */
enum runas_request_flag {
    /* The command is a shell started because of -s/--shell. */
    RUNAS_REQUEST_SHELL = 1u << 0,
    /* The command is a login shell (-i/--login; argv[0] starts with '-'). */
    RUNAS_REQUEST_LOGIN_SHELL = 1u << 1,
    /* stdin, stdout and stderr of runas are all terminals. */
    RUNAS_REQUEST_TTY = 1u << 2,
    /* The working directory was asked for with -D/--chdir (so failing to
     * enter it is an error, not something to fall back from). */
    RUNAS_REQUEST_CHDIR_EXPLICIT = 1u << 3,
    /* (ABI 1.2) Run the command on a new pseudo-terminal of its own: runas
     * is on a terminal, the target is not the caller, and neither --no-pty
     * nor the build's default turned it off. A backend that starts the
     * command itself must honour it (it closes the TIOCSTI hole); a
     * service-manager backend decides by RUNAS_REQUEST_TTY. */
    RUNAS_REQUEST_USE_PTY = 1u << 4,
    /* (ABI 1.3) Nothing has to happen in runas once the command has
     * started: no pseudo-terminal to serve, no PAM session or transaction
     * to close. A backend that starts the command itself may then switch
     * ids and exec it in this very process, as setpriv and doas do,
     * instead of forking and waiting: on success run() never returns. A
     * failure still returns its status and error; the ids may already be
     * the target's then, and the core only reports it and exits. */
    RUNAS_REQUEST_MAY_EXEC_IN_PLACE = 1u << 5,
    /* (ABI 1.4) -b: start the command in the background and return as
     * soon as it runs (RUNAS_BACKEND_OK, *wait_status 0) without waiting
     * for it; a failure to start it is still returned. The command runs in
     * a process group of its own. The core sends it only to a backend with
     * RUNAS_BACKEND_CAN_BACKGROUND, and never with USE_PTY or
     * MAY_EXEC_IN_PLACE. */
    RUNAS_REQUEST_BACKGROUND = 1u << 6,
    /* (ABI 1.4) -P: `groups` are the caller's supplementary groups, not
     * the target's; a backend that does not set the groups itself (a
     * service manager) must pass them on explicitly. Sent only to a
     * backend with RUNAS_BACKEND_CAN_PRESERVE_GROUPS. */
    RUNAS_REQUEST_PRESERVE_GROUPS = 1u << 7,
};

/* What the core asks the backend to run. Built and owned by the core. */
typedef struct runas_request {
    uint32_t magic;          /* RUNAS_BACKEND_MAGIC */
    uint16_t abi_major;      /* RUNAS_BACKEND_ABI_MAJOR of the core */
    uint16_t abi_minor;      /* RUNAS_BACKEND_ABI_MINOR of the core */
    uint32_t struct_size;    /* sizeof(runas_request) as the core knows it */
    uint32_t flags;          /* OR of enum runas_request_flag */

    runas_user invoking;     /* who ran runas (real uid), authenticated */
    runas_user target;       /* whom the command runs as */

    uint32_t target_gid;            /* primary group for the command (-g, or
                                       target.gid) */
    const char *target_group_name;  /* its name; never NULL */
    const uint32_t *groups;         /* supplementary groups for the command:
                                       the target's groups from the group
                                       database, plus target_gid */
    size_t ngroups;                 /* number of entries in groups */

    const char *command_path;       /* absolute path of the program to run,
                                       resolved by the core in a fixed safe
                                       PATH; never NULL */
    const char *const *argv;        /* NULL-terminated; argv[0] is the name
                                       the program sees */
    const char *const *envp;        /* NULL-terminated "NAME=VALUE" list:
                                       the whole environment the command
                                       gets (already filtered by the core) */
    const char *cwd;                /* absolute working directory for the
                                       command; never NULL */
    const char *const *pam_env;     /* NULL-terminated "NAME=VALUE" list from
                                       the PAM stack (already merged into
                                       envp), or NULL without PAM */

    /* Added in ABI 1.4 (check RUNAS_HAS_FIELD): -C. The descriptors above
     * 2 the command keeps (the caller's, below -C's number, as runas got
     * them); every other one above 2 is closed. None without -C. Sent
     * only to a backend with RUNAS_BACKEND_KEEPS_DESCRIPTORS. */
    const int32_t *keep_fds;
    size_t nkeep_fds;
} runas_request;

/* Return value of runas_backend.run. */
enum runas_backend_status {
    /* The command ran; *wait_status holds its waitpid() status. */
    RUNAS_BACKEND_OK = 0,
    /* exec of the program failed; error.errno_value says why
     * (ENOENT: not found, EACCES/ENOEXEC: not executable, ...). */
    RUNAS_BACKEND_EXEC_FAILED = 1,
    /* The request is malformed or uses something this backend cannot do. */
    RUNAS_BACKEND_INVALID_REQUEST = 2,
    /* Switching user, groups or directory failed. */
    RUNAS_BACKEND_CREDENTIALS_FAILED = 3,
    /* Any other system failure (fork, pipe, wait, ...). */
    RUNAS_BACKEND_SYSTEM_ERROR = 4,
};

/* Filled in by a backend when run() does not return RUNAS_BACKEND_OK. */
typedef struct runas_error {
    int32_t errno_value;     /* errno of the failing call, or 0 */
    char message[256];       /* NUL-terminated, one line, no trailing
                                newline, e.g. "setresuid: Operation not
                                permitted"; the core prefixes "runas: " */
} runas_error;

/* Bits of runas_backend.flags (ABI 1.1). */
enum runas_backend_flag {
    /* run() never replaces the process: it starts the command as a child,
     * waits for it and returns its status, so runas stays the command's
     * parent. The core then holds a PAM session open around the command
     * (PAM builds) and closes it when run() returns. */
    RUNAS_BACKEND_WAITS_FOR_COMMAND = 1u << 0,
    /* (ABI 1.4) What the backend can do beyond a plain run; the core
     * refuses an option whose flag is missing, before any password.
     * -b (RUNAS_REQUEST_BACKGROUND): */
    RUNAS_BACKEND_CAN_BACKGROUND = 1u << 1,
    /* -P (RUNAS_REQUEST_PRESERVE_GROUPS): */
    RUNAS_BACKEND_CAN_PRESERVE_GROUPS = 1u << 2,
    /* -C (keep_fds): the command can inherit descriptors from runas. */
    RUNAS_BACKEND_KEEPS_DESCRIPTORS = 1u << 3,
};

/* What a backend exports, through runas_backend_v1(). Static, read-only. */
typedef struct runas_backend {
    uint32_t magic;          /* RUNAS_BACKEND_MAGIC */
    uint16_t abi_major;      /* RUNAS_BACKEND_ABI_MAJOR it was built with */
    uint16_t abi_minor;      /* RUNAS_BACKEND_ABI_MINOR it was built with */
    uint32_t struct_size;    /* sizeof(runas_backend) as it knows it */

    const char *name;        /* e.g. "systemd-run"; never NULL */
    const char *version;     /* the backend's own version, e.g. "0.1.0" */

    /*
     * Run the command described by request. Called at most once, after
     * authentication, in the runas process (euid 0, real uid the caller).
     * Either replaces the process (execve, never returns on success), or
     * runs the command, stores its waitpid() status in *wait_status and
     * returns RUNAS_BACKEND_OK. On failure returns another status and fills
     * *error. Must not write to stdout/stderr itself on failure paths that
     * return; the core reports the error.
     */
    int32_t (*run)(const runas_request *request, int32_t *wait_status,
                   runas_error *error);

    /* Added in ABI 1.1 (check RUNAS_HAS_FIELD; a 1.0 backend has none):
     * OR of enum runas_backend_flag. */
    uint32_t flags;

    /* Added in ABI 1.5 (check RUNAS_HAS_FIELD): NULL, or a NULL-terminated
     * list of the options the backend may pass to its service-manager
     * program (the one the build configuration names for the backend),
     * each one argv word as the backend writes it, a value included where
     * the option needs one. runas --check runs PROGRAM OPTION... --version
     * as the caller and fails when the program rejects one: a backend
     * built for a newer systemd than the installed one. */
    const char *const *program_options;
} runas_backend;

/* The entry point of ABI major version 1. */
const runas_backend *runas_backend_v1(void);
typedef const runas_backend *(*runas_backend_entry_v1)(void);

#ifdef __cplusplus
}
#endif

#endif /* RUNAS_BACKEND_H */
