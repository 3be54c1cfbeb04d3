/*
 * unprivileged_spawn.c: starts a program as the caller, with none of
 * runas's privilege: the -A askpass helper, and -e's editor.
 *
 * The child resets every signal, sets real, effective and saved group and
 * user ids to the caller's real ones (the supplementary groups are still
 * the caller's own: a setuid exec does not change them), checks that root
 * cannot be regained, gives the program /dev/null as stdin, a pipe to runas
 * as stdout, the caller's stderr, and no other descriptor, then execs it.
 * If it cannot, it writes errno into a close-on-exec pipe, so the parent
 * can say why (Permission denied, No such file or directory, ...).
 * Only async-signal-safe calls happen between fork and exec.
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
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include "runas_support.h"

/* In the child: report why it cannot go on through the error pipe, end. */
static void fail(int report_fd, int code) {
    ssize_t n;
    do
        n = write(report_fd, &code, sizeof code);
    while (n < 0 && errno == EINTR);
    _exit(127);
}

/* In the child: default signals, an empty mask, the caller's real ids
 * for good (checked), or the report and the end. */
static void become_caller(int report_fd, uid_t uid, gid_t gid) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = SIG_DFL;
    for (int sig = 1; sig < NSIG; sig++)
        (void)sigaction(sig, &sa, NULL);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);

    if (setresgid(gid, gid, gid) != 0 || setresuid(uid, uid, uid) != 0)
        fail(report_fd, errno);
    if (uid != 0 && (setuid(0) == 0 || seteuid(0) == 0))
        fail(report_fd, EPERM);
    if (geteuid() != uid || getegid() != gid)
        fail(report_fd, EPERM);
}

/* close_range(lo, hi), or one close at a time where the kernel (before
 * 5.9) or a seccomp filter refuses it. */
static void close_between(unsigned lo, unsigned hi) {
    if (lo > hi || syscall(SYS_close_range, lo, hi, 0u) == 0)
        return;
    long max = sysconf(_SC_OPEN_MAX);
    if (max < 0 || max > 1048576)
        max = 1048576;
    for (long fd = lo; fd <= (long)hi && fd < max; fd++)
        close((int)fd);
}

/* In the child: every descriptor above 2 closed but the report pipe,
 * which exec closes. */
static void close_all_but_stdio(int report_fd) {
    if (report_fd > 3)
        close_between(3u, (unsigned)report_fd - 1);
    close_between((unsigned)report_fd + 1, ~0u);
}

/* In the parent: the child's report (its errno, then reaped), or 0 when
 * its exec succeeded. Closes the read end. */
static int receive_report(int report_read, pid_t pid) {
    int code = 0;
    ssize_t n;
    do
        n = read(report_read, &code, sizeof code);
    while (n < 0 && errno == EINTR);
    close(report_read);
    if (n != (ssize_t)sizeof code)
        return 0;
    int status;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    return code;
}

pid_t runas_spawn_unprivileged(const char *path, char *const argv[], char *const envp[], int *read_fd,
                               int with_stderr) {
    uid_t uid = getuid();
    gid_t gid = getgid();
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
    pid_t pid = fork();
    if (pid != 0) {
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
    int out_fd = fds[1];
    int report_fd = report[1];

    become_caller(report_fd, uid, gid);

    int null_fd = open("/dev/null", O_RDONLY);
    if (null_fd < 0 || dup2(out_fd, 1) < 0 || dup2(null_fd, 0) < 0 || (with_stderr && dup2(out_fd, 2) < 0))
        fail(report_fd, errno);
    close_all_but_stdio(report_fd);
    execve(path, argv, envp);
    fail(report_fd, errno);
    return -1;
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
    uid_t uid = getuid();
    gid_t gid = getgid();
    arrange_for_editor();
    int report[2];
    if (pipe2(report, O_CLOEXEC) != 0)
        return no_editor(errno);
    pid_t pid = fork();
    if (pid != 0) {
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
    int report_fd = report[1];
    become_caller(report_fd, uid, gid);
    close_all_but_stdio(report_fd);
    /* execvp's rules: go on past a directory without it; remember that one
     * was there but not executable; stop at any other error. */
    int err = ENOENT, denied = 0;
    for (size_t i = 0; paths[i] != NULL; i++) {
        execve(paths[i], argv, envp);
        err = errno;
        if (err == EACCES)
            denied = 1;
        else if (err != ENOENT && err != ENOTDIR && err != ESTALE && err != ENODEV && err != ETIMEDOUT)
            break;
    }
    fail(report_fd, denied && (err == ENOENT || err == ENOTDIR) ? EACCES : err);
    return -1;
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
