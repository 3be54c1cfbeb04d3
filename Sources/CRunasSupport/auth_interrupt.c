/*
 * auth_interrupt.c: Ctrl-C while PAM authenticates on the terminal (PAM
 * builds only).
 *
 * A module may wait for something other than the password runas asks for:
 * a fingerprint reader, a security key's touch, a code sent elsewhere.
 * Ctrl-C there gives up that method and lets the stack go on to the next
 * one, as sudo and sudo-rs do, instead of ending runas half-way through
 * PAM. So while pam_authenticate runs, SIGINT is caught by a handler that
 * only notes it; without SA_RESTART the module's wait returns EINTR, the
 * module fails, and PAM moves on. Ctrl-C at one of runas's own prompts is
 * taken by the prompt (prompt_signals.c), which gives the terminal back and
 * re-sends it here: that prompt's method fails the same way.
 *
 * When PAM asks a later prompt, the note is cleared: the caller moved on.
 * A Ctrl-C that nothing followed (at the last prompt, during the checking
 * itself) ends runas as Ctrl-C always did, once pam_authenticate returns:
 * the old disposition back, the signal re-raised. So does a second Ctrl-C
 * before anything else is asked, at once, so that a module that waits on
 * through EINTR cannot keep runas from being ended. A caller who ignored
 * SIGINT keeps it ignored.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <string.h>
#include "runas_support.h"

static volatile sig_atomic_t noted;
static struct sigaction saved;
static int armed;

static void note(int sig) {
    if (noted) {
        /* Twice with nothing asked between: end now. The handler's own
         * mask holds the re-raised signal until it returns. */
        struct sigaction dfl;
        memset(&dfl, 0, sizeof dfl);
        dfl.sa_handler = SIG_DFL;
        sigaction(sig, &dfl, NULL);
        raise(sig);
    }
    noted = 1;
}

void runas_auth_interrupt_begin(void) {
    if (armed)
        return;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = note;
    sigemptyset(&sa.sa_mask);   /* no SA_RESTART: a module's wait returns EINTR */
    if (sigaction(SIGINT, NULL, &saved) != 0 || saved.sa_handler == SIG_IGN)
        return;
    noted = 0;
    if (sigaction(SIGINT, &sa, NULL) == 0)
        armed = 1;
}

int runas_auth_interrupt_noted(void) {
    return noted;
}

void runas_auth_interrupt_clear(void) {
    noted = 0;
}

void runas_auth_interrupt_end(void) {
    if (!armed)
        return;
    armed = 0;
    sigaction(SIGINT, &saved, NULL);
    if (noted) {
        noted = 0;
        raise(SIGINT);
    }
}
