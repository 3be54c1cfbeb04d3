/*
 * audit.c: one record to the Linux audit subsystem, on the audit netlink
 * socket, as the kernel's own user-space interface takes it (no libaudit in
 * the setuid core): a netlink message of the record's type whose payload is
 * the record's text. The kernel adds who sent it (pid, uid, auid, ses) and
 * hands it to the audit daemon, or to the kernel log when none runs.
 *
 * Best effort by design: a kernel without audit, audit switched off, or a
 * container without CAP_AUDIT_WRITE refuses or drops the record, and that
 * is not an error for the run. The socket is opened, used once and closed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/netlink.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "runas_support.h"

/* The kernel's limit on a user record's text (MAX_AUDIT_MESSAGE_LENGTH). */
#define RECORD_MAX 8970

int runas_audit_send(int type, const char *text) {
    size_t length = strlen(text) + 1;
    if (length > RECORD_MAX)
        return -1;
    struct {
        struct nlmsghdr header;
        char text[RECORD_MAX];
    } message;
    memset(&message.header, 0, sizeof message.header);
    message.header.nlmsg_len = (unsigned)NLMSG_LENGTH(length);
    message.header.nlmsg_type = (unsigned short)type;
    message.header.nlmsg_flags = NLM_F_REQUEST;
    message.header.nlmsg_seq = 1;
    memcpy(message.text, text, length);

    int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_AUDIT);
    if (fd < 0)
        return -1;
    struct sockaddr_nl kernel;
    memset(&kernel, 0, sizeof kernel);
    kernel.nl_family = AF_NETLINK;
    ssize_t sent;
    do
        sent = sendto(fd, &message, message.header.nlmsg_len, 0, (struct sockaddr *)&kernel, sizeof kernel);
    while (sent < 0 && errno == EINTR);
    int saved = errno;
    close(fd);
    errno = saved;
    return sent < 0 ? -1 : 0;
}
