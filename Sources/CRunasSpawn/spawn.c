/* spawn.c: the child side of starting a program, in one routine, and the
 * {step, errno} report it sends back (runas_spawn.h says what a plan does
 * and in which order). Every call here is async-signal-safe: it runs
 * between fork and exec in a setuid process. */
#define _GNU_SOURCE
#include <sys/time.h>
#include "runas_spawn.h"

static runas_spawn_report failed(int32_t step, int error) {
    runas_spawn_report report = {step, error};
    return report;
}

/* Default dispositions (unless kept), the plan's ignored signals, its
 * mask; no interval timer left armed (they survive execve). */
static void reset_signals(const runas_spawn_plan *plan) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sigemptyset(&sa.sa_mask);
    sa.sa_handler = SIG_DFL;
    if (!plan->keep_dispositions)
        for (int sig = 1; sig < NSIG; sig++)
            (void)sigaction(sig, &sa, NULL);   /* fails for KILL, STOP: fine */
    sa.sa_handler = SIG_IGN;
    for (size_t i = 0; i < plan->nignored; i++)
        (void)sigaction(plan->ignored[i], &sa, NULL);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, plan->mask ? plan->mask : &none, NULL);
    struct itimerval zero;
    memset(&zero, 0, sizeof zero);
    (void)setitimer(ITIMER_REAL, &zero, NULL);
    (void)setitimer(ITIMER_VIRTUAL, &zero, NULL);
    (void)setitimer(ITIMER_PROF, &zero, NULL);
}

/* All three uids and gids the plan's, and (for another user than root)
 * no way back to root. */
static int ids_took(uid_t uid, gid_t gid) {
    uid_t r, e, s;
    gid_t rg, eg, sg;
    if (getresuid(&r, &e, &s) != 0 || getresgid(&rg, &eg, &sg) != 0)
        return 0;
    if (r != uid || e != uid || s != uid || rg != gid || eg != gid || sg != gid)
        return 0;
    return uid == 0 || (setuid(0) != 0 && seteuid(0) != 0);
}

static void say(const char *line) {
    if (line != NULL)
        (void)write(2, line, strlen(line));
}

/* The plan's directory, or its fallbacks; 0, or -1 (errno). */
static int enter_directory(const runas_spawn_plan *plan) {
    if (plan->cwd == NULL || chdir(plan->cwd) == 0)
        return 0;
    if (plan->home == NULL)
        return -1;
    if (strcmp(plan->home, plan->cwd) != 0 && chdir(plan->home) == 0) {
        say(plan->home_warning);
    } else {
        (void)chdir("/");
        say(plan->root_warning);
    }
    return 0;
}

static int set_stdio(const runas_spawn_plan *plan) {
    int wants_null = 0, null_fd = -1;
    for (int fd = 0; fd < 3; fd++)
        if (plan->stdio_from[fd] == RUNAS_SPAWN_DEV_NULL)
            wants_null |= 1 << fd;
    if (wants_null) {
        null_fd = open("/dev/null", (wants_null == 1 ? O_RDONLY : O_RDWR) | O_CLOEXEC);
        if (null_fd < 0)
            return -1;
    }
    for (int fd = 0; fd < 3; fd++) {
        int from = plan->stdio_from[fd] == RUNAS_SPAWN_DEV_NULL ? null_fd : plan->stdio_from[fd];
        if (from != 0 && from != fd && dup2(from, fd) < 0)
            return -1;
    }
    if (null_fd > 2)
        close(null_fd);
    return 0;
}

/* execve of the plan's program; of its candidates by execvp's rules: go
 * on past a directory without it, remember that one was there but not
 * executable, stop at any other error. Returns the errno to report. */
static int exec_program(const runas_spawn_plan *plan) {
    char *const *argv = (char *const *)plan->argv;
    char *const *envp = (char *const *)plan->envp;
    if (plan->path != NULL) {
        execve(plan->path, argv, envp);
        return errno;
    }
    int err = ENOENT, denied = 0;
    for (size_t i = 0; plan->paths[i] != NULL; i++) {
        execve(plan->paths[i], argv, envp);
        err = errno;
        if (err == EACCES)
            denied = 1;
        else if (err != ENOENT && err != ENOTDIR && err != ESTALE && err != ENODEV && err != ETIMEDOUT)
            break;
    }
    return denied && (err == ENOENT || err == ENOTDIR) ? EACCES : err;
}

runas_spawn_report runas_spawn_become(const runas_spawn_plan *plan, int report_fd) {
    reset_signals(plan);
    if (plan->new_session)
        (void)setsid();
    if (plan->prepare != NULL && plan->prepare(plan->prepare_context) != 0)
        return failed(RUNAS_SPAWN_STEP_PREPARE, errno);
    if (plan->set_ids) {
        if (plan->set_groups && setgroups(plan->ngroups, plan->groups) != 0)
            return failed(RUNAS_SPAWN_STEP_GROUPS, errno);
        if (setresgid(plan->gid, plan->gid, plan->gid) != 0)
            return failed(RUNAS_SPAWN_STEP_GID, errno);
        if (setresuid(plan->uid, plan->uid, plan->uid) != 0)
            return failed(RUNAS_SPAWN_STEP_UID, errno);
        if (!ids_took(plan->uid, plan->gid))
            return failed(RUNAS_SPAWN_STEP_VERIFY, EPERM);
        /* With fs.suid_dumpable 1 the id change made the process dumpable:
         * the new user could ptrace it before execve. */
        (void)prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
    }
    /* Entered with the new ids, so their permissions decide. */
    if (enter_directory(plan) != 0)
        return failed(RUNAS_SPAWN_STEP_CHDIR, errno);
    if (plan->tighten_umask)
        umask(umask(022) | 022);   /* sudo's rule: never looser than 022 */
    if (set_stdio(plan) != 0)
        return failed(RUNAS_SPAWN_STEP_STDIO, errno);
    if (!plan->keep_descriptors) {
        closelog();   /* its socket is closed next; a later failure logs on a fresh one */
        runas_close_above_stdio_keeping(plan->keep, plan->nkeep, report_fd);
    }
    return failed(RUNAS_SPAWN_STEP_EXEC, exec_program(plan));
}

pid_t runas_spawn_fork(const runas_spawn_plan *plan, int report_read, int report_write) {
    pid_t pid = fork();
    if (pid != 0)
        return pid;
    if (report_read >= 0)
        close(report_read);
    runas_spawn_report report = runas_spawn_become(plan, report_write);
    if (report_write >= 0) {
        ssize_t n;
        do
            n = write(report_write, &report, sizeof report);
        while (n < 0 && errno == EINTR);
    }
    _exit(127);
}

int runas_spawn_report_receive(int report_read, runas_spawn_report *report) {
    size_t got = 0;
    while (got < sizeof *report) {
        ssize_t n = read(report_read, (char *)report + got, sizeof *report - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        got += (size_t)n;
    }
    int saved = errno;
    close(report_read);
    errno = saved;
    return got == sizeof *report;
}
