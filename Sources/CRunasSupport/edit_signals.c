/*
 * edit_signals.c: the signals around runas -e's write-back.
 *
 * A file written back must end up exactly as it was or exactly as edited,
 * never its old beginning with part of the new end; and a copy that was
 * not written must be named. A signal that ends runas in the middle of a
 * write gives neither. So:
 *  - SIGXFSZ (a write beyond the caller's file size limit) is ignored for
 *    the whole session: the write then fails with EFBIG after a short one,
 *    and the write-back undoes it as after a full disk;
 *  - from the moment the editor has ended until runas exits, every signal
 *    whose default action ends or stops the process (the ones the prompt
 *    watches, prompt_signals.c) is blocked. One that arrives waits: the
 *    file being written is finished, runas writes no further file
 *    (runas_edit_signals_pending says one is waiting) but names its copy,
 *    and the signal does what it would have done when runas unblocks it
 *    at the end (runas_edit_signals_release): it ends or stops runas.
 * Signals the caller had ignored or blocked stay so.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <string.h>
#include "runas_support.h"

static sigset_t saved_mask;
static int holding;

/* Ends or stops the process by default, and can be blocked. SIGXFSZ is
 * ignored instead; 32 and 33 belong to glibc (threads). */
static int held_signal(int sig) {
    switch (sig) {
    case SIGKILL: case SIGSTOP: case SIGCHLD: case SIGCONT: case SIGURG: case SIGWINCH: case SIGXFSZ:
        return 0;
    default:
        return sig < NSIG && (sig <= SIGSYS || sig >= SIGRTMIN);
    }
}

void runas_edit_ignore_file_size_signal(void) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = SIG_IGN;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGXFSZ, &sa, NULL);
}

void runas_edit_signals_hold_from(const sigset_t *before) {
    if (holding)
        return;
    sigset_t block = *before;
    for (int sig = 1; sig < NSIG; sig++)
        if (held_signal(sig))
            sigaddset(&block, sig);
    saved_mask = *before;
    sigprocmask(SIG_SETMASK, &block, NULL);
    holding = 1;
}

int runas_edit_signals_pending(void) {
    sigset_t pending;
    if (!holding || sigpending(&pending) != 0)
        return 0;
    for (int sig = 1; sig < NSIG; sig++) {
        /* A stop only delays runas; SIGPIPE comes from runas's own message
         * to a closed stderr (the log still has it): neither is a reason
         * to leave the other files unwritten. */
        if (!held_signal(sig) || sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU || sig == SIGPIPE)
            continue;
        if (!sigismember(&pending, sig) || sigismember(&saved_mask, sig))
            continue;
        struct sigaction now;
        if (sigaction(sig, NULL, &now) == 0 && now.sa_handler == SIG_IGN)
            continue;
        return sig;
    }
    return 0;
}

void runas_edit_signals_release(void) {
    if (!holding)
        return;
    holding = 0;
    sigprocmask(SIG_SETMASK, &saved_mask, NULL);   /* a held signal acts here */
}
