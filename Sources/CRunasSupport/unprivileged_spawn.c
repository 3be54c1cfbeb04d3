/*
 * unprivileged_spawn.c: starts a program as the caller, with none of
 * runas's privilege: the -A askpass helper, and -e's editor.
 *
 * The child resets every signal, sets real, effective and saved group and
 * user ids to the caller's real ones (the supplementary groups are still
 * the caller's own: a setuid exec does not change them), checks that root
 * cannot be regained, gives the program /dev/null as stdin, a pipe to runas
 * as stdout, the caller's stderr, and no other descriptor, then execs it:
 * a plan for the shared child routine (runas_spawn.h). If it cannot, its
 * report says why (Permission denied, No such file or directory, ...).
 *
 * The editor keeps stdin, stdout and stderr as they are, is found as
 * execvp would find it (the core works out the candidate paths from the
 * caller's PATH; only this child, already the caller, tries them), and is
 * waited for here with SIGINT and SIGQUIT ignored, as system() does,
 * SIGTERM and SIGHUP passed on to it, and its stops followed (runas stops
 * too, and continues it when continued). That arrangement is made before
 * the fork, and SIGTERM, SIGHUP and SIGCHLD are blocked and taken with
 * sigwaitinfo(), so a signal cannot slip in before runas waits (it would
 * have ended runas with the editor left running, or been noted by a
 * handler just before a waitpid that then waited for ever). When the
 * editor has ended, the signals are held for the write-back
 * (edit_signals.c) before those dispositions are put back, so none slips
 * in between.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "runas_spawn.h"
#include "runas_support.h"

/* The child side: the caller's real ids (its supplementary groups are
 * its own already), default signals and an empty mask, nothing open above
 * 2 (runas_spawn.h). */
static runas_spawn_plan as_caller(char *const argv[], char *const envp[]) {
    runas_spawn_plan plan = {
        .argv = (const char *const *)argv,
        .envp = (const char *const *)envp,
        .set_ids = 1,
        .uid = getuid(),
        .gid = getgid(),
    };
    return plan;
}

/* In the parent: the child's errno (then reaped), or 0 when its exec
 * succeeded. Closes the read end. */
static int receive_report(int report_read, pid_t pid) {
    runas_spawn_report report;
    if (!runas_spawn_report_receive(report_read, &report))
        return 0;
    int status;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    return report.error;
}

pid_t runas_spawn_unprivileged(const char *path, char *const argv[], char *const envp[], int *read_fd,
                               int with_stderr) {
    int fds[2], report[2];
    if (pipe2(fds, O_CLOEXEC) != 0)
        return -1;
    /* The child writes errno here if it cannot exec; a successful exec
     * closes it (close-on-exec), so the parent reads end of file. */
    if (pipe2(report, O_CLOEXEC) != 0) {
        int saved = errno;
        close(fds[0]);
        close(fds[1]);
        errno = saved;
        return -1;
    }
    runas_spawn_plan plan = as_caller(argv, envp);
    plan.path = path;
    plan.stdio_from[0] = RUNAS_SPAWN_DEV_NULL;
    plan.stdio_from[1] = fds[1];
    if (with_stderr)
        plan.stdio_from[2] = fds[1];
    pid_t pid = runas_spawn_fork(&plan, report[0], report[1]);
    int saved = errno;
    close(fds[1]);
    close(report[1]);
    if (pid < 0) {
        close(fds[0]);
        close(report[0]);
        errno = saved;
        return -1;
    }
    int code = receive_report(report[0], pid);
    if (code != 0) {
        close(fds[0]);
        errno = code;
        return -1;
    }
    *read_fd = fds[0];
    return pid;
}

/* While the editor runs: runas's SIGINT and SIGQUIT dispositions and mask
 * of before, and the signals it waits for. */
static struct sigaction before_int, before_quit;
static sigset_t before_editor;

static sigset_t editor_waited_set(void) {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGHUP);
    sigaddset(&set, SIGCHLD);
    return set;
}

static void arrange_for_editor(void) {
    struct sigaction ignore;
    memset(&ignore, 0, sizeof ignore);
    ignore.sa_handler = SIG_IGN;
    sigemptyset(&ignore.sa_mask);
    sigaction(SIGINT, &ignore, &before_int);
    sigaction(SIGQUIT, &ignore, &before_quit);
    sigset_t waited = editor_waited_set();
    sigprocmask(SIG_BLOCK, &waited, &before_editor);
}

static void put_back_dispositions(void) {
    sigaction(SIGINT, &before_int, NULL);
    sigaction(SIGQUIT, &before_quit, NULL);
}

/* No editor after all: everything as it was (a signal that came meanwhile
 * acts now, as it would have). */
static pid_t no_editor(int code) {
    sigprocmask(SIG_SETMASK, &before_editor, NULL);
    put_back_dispositions();
    errno = code;
    return -1;
}

pid_t runas_spawn_editor(const char *const paths[], char *const argv[], char *const envp[]) {
    runas_spawn_plan plan = as_caller(argv, envp);
    plan.paths = paths;   /* execvp's rules */
    arrange_for_editor();
    int report[2];
    if (pipe2(report, O_CLOEXEC) != 0)
        return no_editor(errno);
    pid_t pid = runas_spawn_fork(&plan, report[0], report[1]);
    int saved = errno;
    close(report[1]);
    if (pid < 0) {
        close(report[0]);
        return no_editor(saved);
    }
    int code = receive_report(report[0], pid);
    if (code != 0)
        return no_editor(code);
    return pid;
}

int runas_wait_for_editor(pid_t pid, int *status) {
    sigset_t waited = editor_waited_set();
    int rc;
    for (;;) {
        rc = waitpid(pid, status, WNOHANG | WUNTRACED);
        if (rc < 0 && errno == EINTR)
            continue;
        if (rc < 0)
            break;
        if (rc == 0) {
            /* Still running: wait for it to change (SIGCHLD) or for a
             * signal to pass on; each waits, blocked, until taken here. */
            int sig = sigwaitinfo(&waited, NULL);
            if (sig == SIGTERM || sig == SIGHUP)
                kill(pid, sig);
            continue;
        }
        if (!WIFSTOPPED(*status))
            break;
        /* Stopped on its own (Ctrl-Z to an editor that stops itself):
         * stop runas too, so the shell sees the job stop; when the shell
         * continues runas, continue the editor. */
        kill(getpid(), SIGSTOP);
        kill(pid, SIGCONT);
    }
    int saved = errno;
    /* A SIGTERM or SIGHUP still waiting came after the editor ended: it is
     * runas's now, held (still blocked) like any other until the end. */
    runas_edit_signals_hold_from(&before_editor);
    put_back_dispositions();
    errno = saved;
    return rc < 0 ? -1 : 0;
}
