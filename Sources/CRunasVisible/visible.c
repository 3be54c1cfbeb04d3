/* visible.c: see runas_visible.h. Async-signal-safe (no allocation), so a
 * backend may use it between fork and exec. */
#include "runas_visible.h"

#include <stdint.h>

static const char hex[] = "0123456789abcdef";

/* Length of the well-formed UTF-8 sequence at in (RFC 3629: no overlong
 * forms, no surrogates, nothing above U+10FFFF), its scalar in *scalar;
 * 0 if the byte at in does not start one. */
static size_t sequence(const unsigned char *in, size_t len, uint32_t *scalar) {
    unsigned char b = in[0];
    size_t n;
    uint32_t v, min;
    if (b < 0x80) { *scalar = b; return 1; }
    if (b >= 0xc2 && b <= 0xdf) { n = 2; v = b & 0x1f; min = 0x80; }
    else if (b >= 0xe0 && b <= 0xef) { n = 3; v = b & 0x0f; min = 0x800; }
    else if (b >= 0xf0 && b <= 0xf4) { n = 4; v = b & 0x07; min = 0x10000; }
    else return 0;
    if (len < n) return 0;
    for (size_t i = 1; i < n; i++) {
        if ((in[i] & 0xc0) != 0x80) return 0;
        v = (v << 6) | (in[i] & 0x3f);
    }
    if (v < min || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff)) return 0;
    *scalar = v;
    return n;
}

size_t runas_visible_capacity(size_t len) { return 4 * len + 1; }

size_t runas_visible(const unsigned char *in, size_t len, char *out) {
    size_t o = 0, i = 0;
    while (i < len) {
        uint32_t v = 0;
        size_t n = sequence(in + i, len - i, &v);
        if (n == 0 || v < 0x20 || (v >= 0x7f && v <= 0x9f)) {
            unsigned char shown = n == 0 ? in[i] : (unsigned char)v;
            out[o++] = '\\'; out[o++] = 'x';
            out[o++] = hex[shown >> 4]; out[o++] = hex[shown & 15];
            i += n == 0 ? 1 : n;
        } else if ((v >= 0x202a && v <= 0x202e) || (v >= 0x2066 && v <= 0x2069)) {
            const char *p = "\\u{";
            while (*p) out[o++] = *p++;
            for (int shift = 12; shift >= 0; shift -= 4) out[o++] = hex[(v >> shift) & 15];
            out[o++] = '}';
            i += n;
        } else {
            for (size_t k = 0; k < n; k++) out[o++] = (char)in[i + k];
            i += n;
        }
    }
    out[o] = 0;
    return o;
}
