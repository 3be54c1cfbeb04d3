/*
 * unprivileged_spawn.c: starts a program as the caller, with none of
 * runas's privilege (used for the -A askpass helper).
 *
 * The child resets every signal, sets real, effective and saved group and
 * user ids to the caller's real ones (the supplementary groups are still
 * the caller's own: a setuid exec does not change them), checks that root
 * cannot be regained, gives the program /dev/null as stdin, a pipe to runas
 * as stdout, the caller's stderr, and no other descriptor, then execs it.
 * If it cannot, it writes errno into a close-on-exec pipe, so the parent
 * can say why (Permission denied, No such file or directory, ...).
 * Only async-signal-safe calls happen between fork and exec.
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

pid_t runas_spawn_unprivileged(const char *path, char *const argv[], char *const envp[], int *read_fd) {
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
        int code = 0;
        ssize_t n;
        do
            n = read(report[0], &code, sizeof code);
        while (n < 0 && errno == EINTR);
        close(report[0]);
        if (n == (ssize_t)sizeof code) {
            int status;
            while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
                ;
            close(fds[0]);
            errno = code;
            return -1;
        }
        *read_fd = fds[0];
        return pid;
    }
    int out_fd = fds[1];
    int report_fd = report[1];

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

    int null_fd = open("/dev/null", O_RDONLY);
    if (null_fd < 0 || dup2(out_fd, 1) < 0 || dup2(null_fd, 0) < 0)
        fail(report_fd, errno);
    /* Everything above 2 but the report pipe, which exec closes. */
    if (report_fd > 3)
        syscall(SYS_close_range, 3u, (unsigned)report_fd - 1, 0u);
    syscall(SYS_close_range, (unsigned)report_fd + 1, ~0u, 0u);
    execve(path, argv, envp);
    fail(report_fd, errno);
    return -1;
}
