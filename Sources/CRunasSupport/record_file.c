/* record_file.c: the two GNU calls GuessThrottle.swift needs to create a
 * password-try record whole (O_TMPFILE and linkat with AT_EMPTY_PATH are
 * not visible to Swift through Glibc). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <unistd.h>
#include "runas_support.h"

int runas_record_open_unnamed(int dirfd, mode_t mode) {
    return openat(dirfd, ".", O_TMPFILE | O_RDWR | O_CLOEXEC, mode);
}

int runas_record_link(int fd, int dirfd, const char *name) {
    return linkat(fd, "", dirfd, name, AT_EMPTY_PATH);
}
