/* signal_relay.c: scopex's signal relay. While the command runs, runas
 * passes the termination and job-control signals it gets on to the
 * command (not those the command already has), and waits for it as a
 * job-control shell expects: when the command stops, runas stops the same
 * way, and continues it when continued. In pty mode the relay also tells
 * pty.c's loop that a SIGWINCH or SIGCONT arrived, through the wake-up
 * descriptor pty.c registers (backend_relay_wake_on), so this file never
 * calls into pty.c. */
#define _GNU_SOURCE
#include "scopex_support.h"

static volatile sig_atomic_t winch_pending = 0;
static volatile sig_atomic_t cont_pending = 0;
static volatile int wake_fd = -1;

void backend_relay_wake_on(int fd) { wake_fd = fd; }

int backend_relay_take_pending(int sig) {
    volatile sig_atomic_t *flag = sig == SIGWINCH ? &winch_pending : sig == SIGCONT ? &cont_pending : 0;
    if (!flag || !*flag)
        return 0;
    *flag = 0;
    return 1;
}

static void note_for_pty(int sig) {
    if (sig == SIGWINCH)
        winch_pending = 1;
    if (sig == SIGCONT)
        cont_pending = 1;
    if (wake_fd >= 0)
        (void)write(wake_fd, "s", 1);
}

static volatile pid_t relay_child = -1;
static volatile int relay_pty_mode = 0;

/* SIGTSTP only without a pty: there runas shares the command's process
 * group, so a terminal's Ctrl-Z reaches both. runas must not stop on its
 * own then: it would stop before the command, be continued, and only then
 * see the command's stop and stop a second time. It stops when the command
 * has stopped (backend_wait_for_command), and passes on a SIGTSTP another
 * process sends it. With a pty, Ctrl-Z never reaches runas (raw mode). */
static const int relayed_signals[] = {
    SIGTERM, SIGHUP, SIGINT, SIGQUIT, SIGUSR1, SIGUSR2, SIGALRM, SIGCONT, SIGWINCH, SIGTSTP,
};

/* Did this signal come from the command, its process group (which is
 * runas's own), or the kernel? Then the command has it already. */
static int command_has_it(const siginfo_t *info) {
    /* Kernel-generated (terminal keys, hangup): without a pty the command
     * shares runas's terminal and foreground group and got it too; with a
     * pty it did not. */
    if (info->si_code > 0)
        return !relay_pty_mode;
    if (info->si_code == SI_USER || info->si_code == SI_QUEUE || info->si_code == SI_TKILL) {
        pid_t from = info->si_pid;
        if (from == relay_child)
            return 1;
        pid_t group = getpgid(from);
        if (group > 0 && (group == getpgrp() || group == relay_child))
            return 1;
        /* With a pty, runas's child is the monitor, and the command and
         * everything it starts live in the monitor's session. */
        pid_t session = getsid(from);
        if (relay_pty_mode && session > 0 && session == relay_child)
            return 1;
    }
    return 0;
}

static void relay_handler(int sig, siginfo_t *info, void *context) {
    (void)context;
    int saved = errno;
    if (relay_pty_mode && (sig == SIGWINCH || sig == SIGCONT))
        note_for_pty(sig);
    /* With a pty, a new window size reaches the command through the pty. */
    if (relay_child > 0 && !(relay_pty_mode && sig == SIGWINCH) && !command_has_it(info)) {
        /* A stopped job is a whole process group: continue all of it when
         * the command has a group of its own (under the pty monitor). A
         * hangup goes to all of it too, followed by SIGCONT, as the kernel
         * hangs up a process group orphaned with stopped members: under
         * runas the command's group is never orphaned (the monitor is its
         * parent), so nothing else would. It matters when a Ctrl-Z lands
         * while the command (dash, anything using vfork or posix_spawn)
         * is between vfork() and execve(): the vfork child, which has just
         * unblocked its signals, stops, while the command waits in vfork()
         * with every signal blocked until the child execs. The job never
         * stops (without runas neither), and a SIGHUP to the command alone
         * stayed blocked there: when the caller's shell died, runas, the
         * monitor and the command waited for ever. A stopped process acts
         * on SIGHUP only once continued; the child then dies of it, vfork()
         * returns, and the command takes its own. */
        pid_t group = getpgid(relay_child);
        if ((sig == SIGCONT || sig == SIGHUP) && group == relay_child && group != getpgrp()) {
            killpg(group, sig);
            if (sig == SIGHUP)
                killpg(group, SIGCONT);
        } else {
            kill(relay_child, sig);
        }
    }
    errno = saved;
}

static void mask_relayed_signals(int how) {
    sigset_t set;
    sigemptyset(&set);
    for (size_t i = 0; i < sizeof relayed_signals / sizeof relayed_signals[0]; i++)
        sigaddset(&set, relayed_signals[i]);
    sigprocmask(how, &set, NULL);
}

void backend_block_relayed_signals(void) { mask_relayed_signals(SIG_BLOCK); }

void backend_unblock_relayed_signals(void) { mask_relayed_signals(SIG_UNBLOCK); }

void backend_relay_signals_to(pid_t child, int pty_mode) {
    relay_child = child;
    relay_pty_mode = pty_mode;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < sizeof relayed_signals / sizeof relayed_signals[0]; i++)
        sigaddset(&sa.sa_mask, relayed_signals[i]);
    sa.sa_sigaction = relay_handler;
    sa.sa_flags = SA_SIGINFO | SA_RESTART;
    for (size_t i = 0; i < sizeof relayed_signals / sizeof relayed_signals[0]; i++) {
        struct sigaction old;
        if (relayed_signals[i] == SIGTSTP && pty_mode)
            continue;
        /* A signal the caller's shell ignored (nohup) stays ignored. */
        if (sigaction(relayed_signals[i], NULL, &old) == 0 && old.sa_handler == SIG_IGN
            && relayed_signals[i] != SIGCONT && relayed_signals[i] != SIGWINCH)
            continue;
        sigaction(relayed_signals[i], &sa, NULL);
    }
    /* Anything that arrived since backend_block_relayed_signals() is
     * delivered now, to the handler, and reaches the command. */
    sigprocmask(SIG_UNBLOCK, &sa.sa_mask, NULL);
}

/* Stop runas itself with `sig`, the way the command was stopped. */
void backend_stop_self(int sig) {
    struct sigaction dfl, old;
    memset(&dfl, 0, sizeof dfl);
    dfl.sa_handler = SIG_DFL;
    sigemptyset(&dfl.sa_mask);
    if (sig == SIGSTOP) {
        kill(getpid(), SIGSTOP);
        return;
    }
    if (sigaction(sig, NULL, &old) == 0 && old.sa_handler == SIG_IGN)
        return;                      /* no job control above us: do not hang */
    sigaction(sig, &dfl, &old);
    sigset_t set, saved;
    sigemptyset(&set);
    sigaddset(&set, sig);
    sigprocmask(SIG_UNBLOCK, &set, &saved);
    kill(getpid(), sig);             /* stops here until SIGCONT */
    sigprocmask(SIG_SETMASK, &saved, NULL);
    sigaction(sig, &old, NULL);
}

/* A command stopped by SIGTTOU or SIGTTIN while runas is in the foreground
 * of its terminal (or has none) did not try to reach that terminal from
 * the background: it sent the signal itself, or someone did. Stopping
 * runas too would leave whatever waits for runas (a pipeline's shell, the
 * other end of a pipe) waiting for ever; the command is resumed instead,
 * as sudo does. */
int backend_stop_is_spurious(int sig) {
    if (sig != SIGTTOU && sig != SIGTTIN)
        return 0;
    int fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (fd < 0)
        return 1;
    pid_t foreground = tcgetpgrp(fd);
    close(fd);
    return foreground < 0 || foreground == getpgrp();
}

/* The command has been reaped: its pid may be reused at once, so nothing
 * may be relayed to it any more. */
void backend_forget_command(void) {
    relay_child = -1;
}

int backend_wait_for_command(pid_t child, int *status) {
    for (;;) {
        pid_t got = waitpid(child, status, WUNTRACED);
        if (got < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        if (WIFSTOPPED(*status)) {
            if (!backend_stop_is_spurious(WSTOPSIG(*status)))
                backend_stop_self(WSTOPSIG(*status));
            kill(child, SIGCONT);
            continue;
        }
        backend_forget_command();
        return 0;
    }
}
