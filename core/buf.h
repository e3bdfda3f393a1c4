/* buf.h - a growable byte buffer with a cap.
 *
 * The struct is visible so that callers can embed it; touch its members
 * only to read data and len.  The data is always NUL-terminated (when
 * non-NULL), so it may be used as a C string when it holds no NULs.
 * Appending past max fails with ES_ETOOBIG and leaves the buffer as it was. */
#ifndef ES_BUF_H
#define ES_BUF_H

#include <stdarg.h>
#include <stddef.h>

#include "core/err.h"

struct buf {
	char *data;   /* NULL until the first append */
	size_t len;   /* bytes in use, excluding the NUL */
	size_t cap;   /* bytes allocated */
	size_t max;   /* cap on len; 0 means SIZE_MAX */
};

/* Prepares an empty buffer that may grow to max bytes (0: unbounded). */
void buf_init(struct buf *b, size_t max);
/* Frees the storage; the buffer is empty and usable again. NULL is a no-op. */
void buf_free(struct buf *b);
/* Empties the buffer but keeps its storage. */
void buf_reset(struct buf *b);
enum es_err buf_append(struct buf *b, const void *p, size_t n);
enum es_err buf_puts(struct buf *b, const char *s);
enum es_err buf_putc(struct buf *b, char c);
enum es_err buf_printf(struct buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
enum es_err buf_vprintf(struct buf *b, const char *fmt, va_list ap);
/* Hands the data to the caller (who frees it) and leaves the buffer empty.
 * Never returns NULL: an untouched buffer yields "". */
char *buf_take(struct buf *b, size_t *len);
/* Drops trailing bytes so that len becomes n (n <= len). */
void buf_truncate(struct buf *b, size_t n);
/* The buffer as a C string: "" when empty. */
const char *buf_str(const struct buf *b);

#endif
