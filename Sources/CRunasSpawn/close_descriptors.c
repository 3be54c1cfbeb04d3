/* close_descriptors.c: closing every inherited descriptor but the ones
 * kept, before a program starts (runas_spawn.h). close_range where the
 * kernel has it (5.9) and no seccomp filter refuses it; otherwise one
 * close at a time, up to the descriptor limit. */
#define _GNU_SOURCE
#include <sys/syscall.h>
#include "runas_spawn.h"

static void close_between(int lo, unsigned hi) {
    if (lo < 0 || (unsigned)lo > hi)
        return;
#ifdef SYS_close_range
    if (syscall(SYS_close_range, (unsigned)lo, hi, 0u) == 0)
        return;
#endif
    long max = sysconf(_SC_OPEN_MAX);
    if (max < 0 || max > 1048576)
        max = 1048576;
    for (long fd = lo; fd <= (long)hi && fd < max; fd++)
        close((int)fd);
}

void runas_close_from(int lowfd) { close_between(lowfd, ~0u); }

void runas_close_above_stdio_keeping(const int32_t *keep, size_t nkeep, int also) {
    /* Close the gap below each kept descriptor, in ascending order, then
     * everything above the highest. */
    int low = 3;
    for (;;) {
        int next = also >= low ? also : -1;   /* the lowest kept one >= low */
        for (size_t i = 0; i < nkeep; i++)
            if (keep[i] >= low && (next < 0 || keep[i] < next))
                next = keep[i];
        if (next < 0) {
            runas_close_from(low);
            return;
        }
        close_between(low, (unsigned)next - 1);
        low = next + 1;
    }
}
