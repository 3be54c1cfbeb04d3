/* pty.c: scopex's pseudo-terminal. When runas runs on a terminal and the
 * command runs as another user, the command gets a new pseudo-terminal of
 * its own (owned by the target, in a new session), and runas copies bytes
 * between it and the caller's terminal, which it keeps in raw mode
 * meanwhile. The command then cannot reach the caller's terminal at all:
 * no TIOCSTI keystroke injection into the caller's shell, no reading what
 * the caller types after runas ends.
 *
 *   before fork   backend_pty_open()    master, slave, the caller's tty
 *   in the child  backend_pty_attach()  new session, slave as controlling
 *                 (the spawn plan's     terminal and as the tty std fds;
 *                 prepare step)         forks the command, stays as monitor
 *   in runas      backend_pty_run()     raw mode, copy both ways, window
 *                                       size, stops, wait; terminal back
 *
 * Processes (as sudo does it):
 *   runas (root) ── monitor (root, session leader of the pty) ── command
 * The command runs in its own process group under the monitor, in the
 * monitor's session, so that Ctrl-Z on its terminal can stop it: stop
 * signals to a process group whose parent is in another session (an
 * orphaned group) are discarded by the kernel. The monitor forwards
 * signals from runas to the command, tells runas through a pipe when the
 * command stops (runas then stops the same way), and ends with exactly the
 * command's wait status, which runas then sees as its child's.
 */
#define _GNU_SOURCE
#include "scopex_support.h"

static int sigchld_pipe[2] = {-1, -1};
static void on_sigchld(int sig) {
    (void)sig;
    int saved = errno;
    if (sigchld_pipe[1] >= 0)
        (void)write(sigchld_pipe[1], "c", 1);
    errno = saved;
}

int backend_pty_open(backend_pty *p, uid_t owner, gid_t group) {
    p->master = p->slave = p->tty = p->stops[0] = p->stops[1] = -1;
    p->raw = 0;
    if (pipe2(p->stops, O_CLOEXEC) != 0)
        return -1;
    for (int fd = 0; fd < 3; fd++)
        p->std_is_tty[fd] = isatty(fd);
    p->tty = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
    for (int fd = 0; fd < 3 && p->tty < 0; fd++)
        if (p->std_is_tty[fd])
            p->tty = fcntl(fd, F_DUPFD_CLOEXEC, 3);
    if (p->tty < 0)
        return -1;
    p->master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (p->master < 0 || grantpt(p->master) != 0 || unlockpt(p->master) != 0)
        return -1;
    char name[128];
    if (ptsname_r(p->master, name, sizeof name) != 0)
        return -1;
    p->slave = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (p->slave < 0)
        return -1;
    if (fchown(p->slave, owner, group) != 0 || fchmod(p->slave, 0600) != 0)
        return -1;
    /* The command's terminal starts like the caller's: same modes, size. */
    if (tcgetattr(p->tty, &p->saved) == 0)
        (void)tcsetattr(p->slave, TCSANOW, &p->saved);
    struct winsize ws;
    if (ioctl(p->tty, TIOCGWINSZ, &ws) == 0)
        (void)ioctl(p->master, TIOCSWINSZ, &ws);
    return 0;
}

void backend_pty_close(backend_pty *p) {
    int *fds[] = {&p->slave, &p->master, &p->tty, &p->stops[0], &p->stops[1]};
    for (size_t i = 0; i < sizeof fds / sizeof fds[0]; i++) {
        if (*fds[i] >= 0)
            close(*fds[i]);
        *fds[i] = -1;
    }
}

/* The monitor: waits for the command, reports its stops to runas, and
 * leaves with its wait status. Never returns. */
static void monitor(pid_t command, int stops_fd) {
    backend_relay_signals_to(command, 0);
    for (;;) {
        int status;
        pid_t got = waitpid(command, &status, WUNTRACED);
        if (got < 0) {
            if (errno == EINTR)
                continue;
            _exit(1);
        }
        if (WIFSTOPPED(status)) {
            unsigned char sig = (unsigned char)WSTOPSIG(status);
            while (write(stops_fd, &sig, 1) < 0 && errno == EINTR)
                ;
            continue;
        }
        if (WIFSIGNALED(status)) {
            int sig = WTERMSIG(status);
            struct rlimit none = {0, 0};
            setrlimit(RLIMIT_CORE, &none);
            signal(sig, SIG_DFL);
            sigset_t set;
            sigemptyset(&set);
            sigaddset(&set, sig);
            sigprocmask(SIG_UNBLOCK, &set, NULL);
            kill(getpid(), sig);
            _exit(128 + sig);
        }
        _exit(WEXITSTATUS(status));
    }
}

int backend_pty_attach(const void *pty) {
    const backend_pty *p = pty;
    if (setsid() < 0)
        return -1;
    if (ioctl(p->slave, TIOCSCTTY, 0) != 0)
        return -1;
    for (int fd = 0; fd < 3; fd++)
        if (p->std_is_tty[fd] && dup2(p->slave, fd) < 0)
            return -1;
    pid_t command = fork();
    if (command < 0)
        return -1;
    if (command == 0) {
        /* The command: its own process group, in the foreground of its
         * terminal (SIGTTOU blocked: it asks from the background). */
        close(p->stops[0]);
        close(p->stops[1]);
        setpgid(0, 0);
        sigset_t ttou, saved;
        sigemptyset(&ttou);
        sigaddset(&ttou, SIGTTOU);
        sigprocmask(SIG_BLOCK, &ttou, &saved);
        (void)tcsetpgrp(p->slave, getpid());
        sigprocmask(SIG_SETMASK, &saved, NULL);
        return 0;
    }
    setpgid(command, command);
    (void)tcsetpgrp(p->slave, command);
    /* Only the stops pipe stays open; no terminal, no descriptor of runas's. */
    runas_close_above_stdio_keeping(NULL, 0, p->stops[1]);
    int null = open("/dev/null", O_RDWR);
    for (int fd = 0; fd < 3; fd++)
        if (null >= 0 && null != fd)
            dup2(null, fd);
    if (null > 2)
        close(null);
    monitor(command, p->stops[1]);
    _exit(1);
}

/* tcsetattr on the caller's terminal without being stopped by SIGTTOU when
 * runas happens to be in the background. */
static void set_terminal(int fd, const struct termios *t) {
    struct sigaction ign, old;
    memset(&ign, 0, sizeof ign);
    ign.sa_handler = SIG_IGN;
    sigemptyset(&ign.sa_mask);
    sigaction(SIGTTOU, &ign, &old);
    while (tcsetattr(fd, TCSADRAIN, t) != 0 && errno == EINTR)
        ;
    sigaction(SIGTTOU, &old, NULL);
}

static int in_foreground(const backend_pty *p) {
    return tcgetpgrp(p->tty) == getpgrp();
}

static void go_raw(backend_pty *p) {
    if (p->raw || !p->std_is_tty[0] || !in_foreground(p))
        return;
    struct termios raw = p->saved;
    cfmakeraw(&raw);
    set_terminal(p->tty, &raw);
    p->raw = 1;
}

static void go_cooked(backend_pty *p) {
    if (!p->raw)
        return;
    set_terminal(p->tty, &p->saved);
    p->raw = 0;
}

static void copy_window_size(const backend_pty *p) {
    struct winsize ws;
    if (ioctl(p->tty, TIOCGWINSZ, &ws) == 0)
        (void)ioctl(p->master, TIOCSWINSZ, &ws);
}

static int write_all(int fd, const char *buf, size_t len) {
    while (len > 0) {
        ssize_t n = write(fd, buf, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && errno == EAGAIN) {
            struct pollfd w = {fd, POLLOUT, 0};
            (void)poll(&w, 1, 1000);
            continue;
        }
        if (n <= 0)
            return -1;
        buf += n;
        len -= (size_t)n;
    }
    return 0;
}

/* Copies what the command wrote and is still buffered to the caller; at
 * most 1 MiB, so that a process the command left behind, still writing to
 * the pty, cannot keep runas (and the caller's terminal in raw mode) alive. */
static void drain_output(backend_pty *p) {
    char buf[4096];
    for (size_t total = 0; total < (1u << 20);) {
        ssize_t n = read(p->master, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return;
        if (write_all(p->tty, buf, (size_t)n) != 0)
            return;
        total += (size_t)n;
    }
}

int backend_pty_run(backend_pty *p, pid_t child, int *status) {
    close(p->slave);
    p->slave = -1;
    close(p->stops[1]);
    p->stops[1] = -1;
    if (pipe2(sigchld_pipe, O_CLOEXEC | O_NONBLOCK) != 0)
        return -1;
    struct sigaction sa, old_chld;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigchld;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;     /* stops are wanted: no SA_NOCLDSTOP */
    sigaction(SIGCHLD, &sa, &old_chld);
    /* The relay wakes this loop for SIGWINCH and SIGCONT (signal_relay.c). */
    backend_relay_wake_on(sigchld_pipe[1]);
    /* The command may have ended or stopped already: look once at once. */
    (void)write(sigchld_pipe[1], "c", 1);
    int flags = fcntl(p->master, F_GETFL);
    fcntl(p->master, F_SETFL, flags | O_NONBLOCK);

    go_raw(p);
    char in[4096];
    size_t in_len = 0;
    int master_open = 1, input_open = p->std_is_tty[0];
    int result = 0;
    for (;;) {
        struct pollfd fds[4];
        int n = 0, i_sig = n++, i_stops = n++, i_master = -1, i_in = -1;
        fds[i_sig] = (struct pollfd){sigchld_pipe[0], POLLIN, 0};
        fds[i_stops] = (struct pollfd){p->stops[0], POLLIN, 0};
        if (master_open) {
            i_master = n++;
            fds[i_master] = (struct pollfd){p->master, (short)(POLLIN | (in_len ? POLLOUT : 0)), 0};
        }
        /* Read the caller's terminal only in the foreground: a background
         * read would stop runas with SIGTTIN for a command that may never
         * want input. (SIGCONT wakes this loop when the job moves.) */
        if (input_open && in_len == 0 && in_foreground(p)) {
            i_in = n++;
            fds[i_in] = (struct pollfd){0, POLLIN, 0};
        }
        if (poll(fds, (nfds_t)n, -1) < 0) {
            if (errno != EINTR) {
                result = -1;
                break;
            }
            /* Interrupted by a relayed signal: nothing is ready (each
             * revents is still 0), but look at the child as if SIGCHLD's
             * pipe were readable. */
            fds[i_sig].revents = POLLIN;
        }
        if (fds[i_stops].revents & POLLIN) {
            /* The command stopped (Ctrl-Z on its terminal, SIGSTOP...):
             * give the caller their terminal back and stop the same way;
             * once continued, continue the command (through the monitor). */
            unsigned char sig;
            if (read(p->stops[0], &sig, 1) == 1) {
                if (!backend_stop_is_spurious(sig)) {
                    /* What the command wrote before it stopped comes first. */
                    drain_output(p);
                    go_cooked(p);
                    backend_stop_self(sig);
                    go_raw(p);
                    copy_window_size(p);
                }
                kill(child, SIGCONT);
            }
        }
        if (i_master >= 0 && fds[i_master].revents & (POLLIN | POLLHUP | POLLERR)) {
            char buf[4096];
            ssize_t got = read(p->master, buf, sizeof buf);
            if (got > 0)
                (void)write_all(p->tty, buf, (size_t)got);
            else if (got == 0 || (errno != EINTR && errno != EAGAIN))
                master_open = 0;   /* EIO: no process has the slave open */
        }
        if (i_master >= 0 && master_open && in_len && fds[i_master].revents & POLLOUT) {
            ssize_t put = write(p->master, in, in_len);
            if (put > 0) {
                memmove(in, in + put, in_len - (size_t)put);
                in_len -= (size_t)put;
            }
        }
        if (i_in >= 0 && fds[i_in].revents & (POLLIN | POLLHUP | POLLERR)) {
            ssize_t got = read(0, in, sizeof in);
            if (got > 0)
                in_len = (size_t)got;
            else if (got == 0 || (errno != EINTR && errno != EAGAIN))
                input_open = 0;
        }
        if (!(fds[i_sig].revents & POLLIN))
            continue;
        {
            char junk[64];
            while (read(sigchld_pipe[0], junk, sizeof junk) > 0)
                ;
        }
        if (backend_relay_take_pending(SIGWINCH))
            copy_window_size(p);
        if (backend_relay_take_pending(SIGCONT))
            go_raw(p);
        pid_t got = waitpid(child, status, WNOHANG);   /* the monitor never stops */
        if (got < 0 && errno != EINTR) {
            result = -1;
            break;
        }
        if (got == child) {
            backend_forget_command();
            drain_output(p);
            break;
        }
    }
    go_cooked(p);
    sigaction(SIGCHLD, &old_chld, NULL);
    backend_relay_wake_on(-1);
    close(sigchld_pipe[0]);
    close(sigchld_pipe[1]);
    sigchld_pipe[0] = sigchld_pipe[1] = -1;
    if (result != 0) {
        int saved = errno;
        while (waitpid(child, status, 0) < 0 && errno == EINTR)
            ;
        backend_forget_command();
        errno = saved;
    }
    return result;
}
