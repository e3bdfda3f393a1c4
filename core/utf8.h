/* utf8.h - UTF-8 checks and repairs for text that strangers wrote. */
#ifndef ES_UTF8_H
#define ES_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"

/* Length of the valid UTF-8 sequence at s (1..4), or 0 when the bytes at s
 * (n available) are not one (overlong, surrogate, truncated, > U+10FFFF).
 * Stores the code point in *cp when cp is not NULL. */
size_t utf8_decode(const char *s, size_t n, int32_t *cp);
/* True when all n bytes are valid UTF-8. */
bool utf8_valid(const char *s, size_t n);
/* Appends s to out with every invalid sequence replaced by U+FFFD and NUL
 * and other C0 controls except tab and newline dropped. */
enum es_err utf8_append_clean(struct buf *out, const char *s, size_t n);
/* The largest length <= max that does not cut a UTF-8 sequence of s (whose
 * length is n). */
size_t utf8_cut(const char *s, size_t n, size_t max);
/* Number of code points in s (n bytes); invalid bytes count one each. */
size_t utf8_count(const char *s, size_t n);
/* Columns s takes on a terminal (wide characters count two). */
size_t utf8_width(const char *s, size_t n);
/* Appends the UTF-8 encoding of cp to out. */
enum es_err utf8_put(struct buf *out, int32_t cp);

#endif
