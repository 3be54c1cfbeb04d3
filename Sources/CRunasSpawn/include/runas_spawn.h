/*
 * runas_spawn.h: the one way runas starts a program, for the core (the -A
 * askpass helper, -e's editor) and the backends (scopex's command, the
 * systemd-run/run0 client, the systemctl that passes a signal on to a
 * unit). Linked statically into the core and into each backend that
 * starts something; no state.
 *
 * A plan says all the child side does, always in this order:
 *   signals  every disposition the default (unless kept), some ignored,
 *            then the mask (empty unless given); interval timers disarmed
 *   session  setsid(), if asked (its failure ignored: already a leader)
 *   prepare  the caller's own step, if any (scopex: its pseudo-terminal)
 *   ids      supplementary groups (if asked), then real, effective and
 *            saved gid and uid; checked (and root not regainable), then
 *            the process made undumpable again
 *   chdir    the working directory, entered with the new ids
 *   umask    the current one, never looser than 022 (if asked)
 *   stdio    /dev/null or another descriptor made 0, 1 or 2
 *   close    every descriptor above 2 not kept (close_range, or a loop)
 *   exec     the program (or the first of several that runs)
 * runas_spawn_become does it in the calling process (scopex's exec in
 * place) and returns only if a step failed; runas_spawn_fork does it in a
 * child that writes that {step, errno} report into a close-on-exec pipe
 * and exits 127, so the parent reads nothing when execve succeeded. Only
 * async-signal-safe calls happen between fork and exec.
 */
#ifndef RUNAS_SPAWN_H
#define RUNAS_SPAWN_H

#include "runas_libc.h"

/* Which step of a plan failed. */
#define RUNAS_SPAWN_STEP_PREPARE 1
#define RUNAS_SPAWN_STEP_GROUPS 2
#define RUNAS_SPAWN_STEP_GID 3
#define RUNAS_SPAWN_STEP_UID 4
#define RUNAS_SPAWN_STEP_VERIFY 5   /* the ids did not take; errno EPERM */
#define RUNAS_SPAWN_STEP_CHDIR 6
#define RUNAS_SPAWN_STEP_STDIO 7
#define RUNAS_SPAWN_STEP_EXEC 8

/* What a child that could not become its program tells its parent. */
typedef struct runas_spawn_report {
    int32_t step;    /* RUNAS_SPAWN_STEP_... */
    int32_t error;   /* errno of the failing call */
} runas_spawn_report;

/* In stdio_from: /dev/null. */
#define RUNAS_SPAWN_DEV_NULL (-1)

/* A plan. All zero is the strictest plan: default signals, empty mask,
 * same ids, same directory, stdio as it is, every other descriptor
 * closed. */
typedef struct runas_spawn_plan {
    const char *path;                /* the program, or NULL when paths: */
    const char *const *paths;        /* NULL-terminated candidates, tried
                                        by execvp's rules */
    const char *const *argv;         /* NULL-terminated */
    const char *const *envp;         /* NULL-terminated; all it gets */

    int keep_dispositions;           /* 1: no signal set to its default */
    const int *ignored;              /* then these ignored, */
    size_t nignored;
    const sigset_t *mask;            /* then this mask (NULL: empty) */

    int new_session;                 /* 1: setsid() */
    int (*prepare)(const void *context);   /* 0, or -1 (errno) */
    const void *prepare_context;

    int set_ids;                     /* 1: become uid and gid */
    uid_t uid;
    gid_t gid;
    int set_groups;                  /* 1: and take these groups */
    const gid_t *groups;
    size_t ngroups;

    const char *cwd;                 /* NULL: stay */
    const char *home;                /* when cwd cannot be entered: this
                                        (unless it is cwd), else "/", each
                                        saying so on stderr with the line
                                        below; NULL: the step fails */
    const char *home_warning;
    const char *root_warning;
    int tighten_umask;               /* 1: umask |= 022 */

    int stdio_from[3];               /* for 0, 1, 2: 0 leaves it as it is,
                                        RUNAS_SPAWN_DEV_NULL, or a
                                        descriptor above 2 to dup2 there */
    int keep_descriptors;            /* 1: close nothing */
    const int32_t *keep;             /* else these stay open too */
    size_t nkeep;
} runas_spawn_plan;

/* Carries out the plan in this process; report_fd (or -1) is left open,
 * as a kept descriptor. Returns only when a step failed: which, and why. */
runas_spawn_report runas_spawn_become(const runas_spawn_plan *plan, int report_fd);

/* fork(); the child closes report_read, carries out the plan and, when a
 * step fails, writes the report to report_write (unless it is -1) and
 * exits 127. The parent gets the pid (or -1, errno) and closes nothing. */
pid_t runas_spawn_fork(const runas_spawn_plan *plan, int report_read, int report_write);

/* In the parent, after closing its copy of the write end: reads the
 * child's report and closes report_read. 1 with *report filled (the child
 * failed and is exiting; not reaped), or 0 when its exec succeeded (the
 * pipe closed with nothing in it). */
int runas_spawn_report_receive(int report_read, runas_spawn_report *report);

/* Closes every descriptor >= lowfd: close_range, or one close at a time
 * where the kernel (before 5.9) or a seccomp filter refuses it. */
void runas_close_from(int lowfd);

/* Closes every descriptor above 2 except the nkeep in keep and `also`
 * (-1: none). No allocation: safe after fork. */
void runas_close_above_stdio_keeping(const int32_t *keep, size_t nkeep, int also);

#endif
