/* journal.c: hands one log entry, already encoded in journald's native
 * protocol (JournalEntry.swift), to systemd-journald. The socket's path is
 * systemd's fixed one, never taken from the environment; no libsystemd. */
#include "runas_support.h"   /* first: runas_libc.h sets _GNU_SOURCE */
#include <sys/socket.h>
#include <sys/un.h>

/* Where journald listens for native entries (sd_journal_send's socket). */
static const char journal_socket[] = "/run/systemd/journal/socket";

int runas_journal_send(const void *entry, size_t length) {
    int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    struct sockaddr_un address = { .sun_family = AF_UNIX };
    memcpy(address.sun_path, journal_socket, sizeof journal_socket);
    /* The credentials journald records as the trusted _PID, _UID, _GID:
     * left to the kernel they would be the real ids, the caller's, the
     * same as any entry the caller sends with forged RUNAS_ fields (and
     * journald would file it in the caller's own journal). Given as the
     * effective ids instead, the entry says _UID=0, which only a root
     * process can claim (the kernel checks them). */
    struct ucred credentials = { .pid = getpid(), .uid = geteuid(), .gid = getegid() };
    union {
        struct cmsghdr header;
        char space[CMSG_SPACE(sizeof credentials)];
    } control;
    memset(&control, 0, sizeof control);
    struct iovec data = { .iov_base = (void *)entry, .iov_len = length };
    struct msghdr message = {
        .msg_iov = &data, .msg_iovlen = 1,
        .msg_control = control.space, .msg_controllen = sizeof control.space,
    };
    struct cmsghdr *header = CMSG_FIRSTHDR(&message);
    header->cmsg_level = SOL_SOCKET;
    header->cmsg_type = SCM_CREDENTIALS;
    header->cmsg_len = CMSG_LEN(sizeof credentials);
    memcpy(CMSG_DATA(header), &credentials, sizeof credentials);
    ssize_t sent = -1;
    /* connect, then send: connect's ENOENT says at once that no journald
     * listens here (and strace shows which path was tried). A datagram is
     * sent whole or not at all, so a retry after EINTR cannot log twice. */
    if (connect(fd, (const struct sockaddr *)&address, sizeof address) == 0) {
        do {
            sent = sendmsg(fd, &message, MSG_NOSIGNAL);
        } while (sent < 0 && errno == EINTR);
    }
    int saved = errno;
    close(fd);
    errno = saved;
    return sent == (ssize_t)length ? 0 : -1;
}
