/*
 * runas_visible.h: how runas shows bytes it did not write (arguments,
 * paths, names) on a terminal or in the log, so none of them can move the
 * cursor, forge a line or hide text. One implementation for the core and
 * the backends.
 *
 * Well-formed UTF-8 stays as it is, except: C0 controls, DEL and the C1
 * range (U+0080-U+009F, which terminals such as xterm obey: U+009B is CSI)
 * become \xNN; the bidirectional overrides and isolates (U+202A-U+202E,
 * U+2066-U+2069) become \u{NNNN}; every byte that is not part of a
 * well-formed UTF-8 sequence becomes \xNN (escaped, never replaced, so the
 * log keeps what was really there).
 */
#ifndef RUNAS_VISIBLE_H
#define RUNAS_VISIBLE_H

#include <stddef.h>

/* The most bytes runas_visible writes for len input bytes, with the NUL:
 * 4 per byte (a byte as \xNN; U+202E's 3 bytes as \u{202e}), plus 1. */
size_t runas_visible_capacity(size_t len);

/* Writes the visible form of in[0..len) and a NUL to out, which must hold
 * runas_visible_capacity(len) bytes. Returns the length written (no NUL). */
size_t runas_visible(const unsigned char *in, size_t len, char *out);

#endif
