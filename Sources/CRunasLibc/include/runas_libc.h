/*
 * runas_libc.h: the one libc edge of runas, for the core and the backends.
 *
 * Embedded Swift has no Glibc overlay, so both sides import this module
 * instead: the system headers, plus inline helpers for what C spells as a
 * macro or a variadic function (errno, open, fcntl, the default signal
 * disposition, wait-status decoding, mode bits, environ). Nothing here keeps state;
 * the typed Swift layer on top (SystemEdge.swift, per side) is where
 * errors are captured and EINTR is retried.
 */
#ifndef RUNAS_LIBC_H
#define RUNAS_LIBC_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* pipe2, setresuid, clearenv, O_TMPFILE, close_range */
#endif

#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/types.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <linux/magic.h>
#include <syslog.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

static inline int libc_errno(void) { return errno; }
static inline void libc_set_errno(int value) { errno = value; }

static inline int libc_open(const char *path, int flags, mode_t mode) { return open(path, flags, mode); }
static inline int libc_openat(int dirfd, const char *path, int flags, mode_t mode) {
    return openat(dirfd, path, flags, mode);
}
static inline int libc_fcntl(int fd, int cmd, int arg) { return fcntl(fd, cmd, arg); }

/* The default disposition (SIG_DFL is a cast, not a value Swift sees). */
static inline int libc_signal_default(int sig) { return signal(sig, SIG_DFL) == SIG_ERR ? -1 : 0; }

/* Wait status (the W* macros). */
static inline int libc_wifexited(int status) { return WIFEXITED(status); }
static inline int libc_wexitstatus(int status) { return WEXITSTATUS(status); }
static inline int libc_wifsignaled(int status) { return WIFSIGNALED(status); }
static inline int libc_wtermsig(int status) { return WTERMSIG(status); }
static inline int libc_wifstopped(int status) { return WIFSTOPPED(status); }
static inline int libc_wstopsig(int status) { return WSTOPSIG(status); }
static inline int libc_wcoredump(int status) { return WCOREDUMP(status); }

/* Mode bits, typed as mode_t (the macros are plain ints). */
static inline mode_t libc_mode_type(mode_t mode) { return mode & S_IFMT; }
static const mode_t libc_s_ifreg = S_IFREG;
static const mode_t libc_s_ifdir = S_IFDIR;
static const mode_t libc_s_ifchr = S_IFCHR;
static const mode_t libc_s_iflnk = S_IFLNK;
static const mode_t libc_s_isuid = S_ISUID;

/* Why a setuid start may have given no root: no_new_privs (prctl is
 * variadic), and the nosuid mount flag of statvfs (an enum in glibc). */
static inline int libc_no_new_privs(void) { return prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0); }
static const unsigned long libc_st_nosuid = ST_NOSUID;

/* The name of a file system of kernel interfaces (statfs's f_type), whose
 * "files" are settings, not files: NULL for any other. */
static inline const char *libc_kernel_interface_filesystem(__fsword_t type) {
    switch (type) {
    case PROC_SUPER_MAGIC: return "proc";
    case SYSFS_MAGIC: return "sysfs";
    case CGROUP_SUPER_MAGIC: return "cgroup";
    case CGROUP2_SUPER_MAGIC: return "cgroup2";
    case DEBUGFS_MAGIC: return "debugfs";
    case TRACEFS_MAGIC: return "tracefs";
    case SECURITYFS_MAGIC: return "securityfs";
    case EFIVARFS_MAGIC: return "efivarfs";
    case BPF_FS_MAGIC: return "bpf";
    default: return NULL;
    }
}

/* The process environment (environ is a plain global in C). */
static inline char **libc_environ(void) { return environ; }

/* strerror into a caller-owned buffer, whichever strerror_r glibc gives. */
static inline void libc_describe_errno(int err, char *buf, size_t len) {
    if (len == 0) return;
    const char *s = strerror_r(err, buf, len);
    if (s != buf) { strncpy(buf, s, len - 1); buf[len - 1] = 0; }
}

#endif
