/*
 * unprivileged_spawn.c: starts a program as the caller, with none of
 * runas's privilege (used for the -A askpass helper).
 *
 * The child resets every signal, sets real, effective and saved group and
 * user ids to the caller's real ones (the supplementary groups are still
 * the caller's own: a setuid exec does not change them), checks that root
 * cannot be regained, gives the program /dev/null as stdin, a pipe to runas
 * as stdout, the caller's stderr, and no other descriptor, then execs it.
 * Only async-signal-safe calls happen between fork and exec.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "runas_support.h"

pid_t runas_spawn_unprivileged(const char *path, char *const argv[], char *const envp[], int *read_fd) {
    uid_t uid = getuid();
    gid_t gid = getgid();
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0)
        return -1;
    pid_t pid = fork();
    if (pid != 0) {
        int saved = errno;
        close(fds[1]);
        if (pid < 0)
            close(fds[0]);
        else
            *read_fd = fds[0];
        errno = saved;
        return pid;
    }
    int out_fd = fds[1];

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = SIG_DFL;
    for (int sig = 1; sig < NSIG; sig++)
        (void)sigaction(sig, &sa, NULL);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);

    if (setresgid(gid, gid, gid) != 0 || setresuid(uid, uid, uid) != 0)
        _exit(127);
    if (uid != 0 && (setuid(0) == 0 || seteuid(0) == 0))
        _exit(127);
    if (geteuid() != uid || getegid() != gid)
        _exit(127);

    int null_fd = open("/dev/null", O_RDONLY);
    if (null_fd < 0 || dup2(out_fd, 1) < 0 || dup2(null_fd, 0) < 0)
        _exit(127);
    syscall(SYS_close_range, 3u, ~0u, 0u);
    execve(path, argv, envp);
    _exit(127);
}
