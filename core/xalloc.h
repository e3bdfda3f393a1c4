/* xalloc.h - allocation that cannot fail.
 *
 * Out-of-memory is the one fatal error: these log and abort() instead of
 * returning NULL, so callers never test their results.  Everything they
 * return is released with free(). */
#ifndef ES_XALLOC_H
#define ES_XALLOC_H

#include <stddef.h>

void *xmalloc(size_t size);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *ptr, size_t size);
/* realloc of nmemb * size with an overflow check. */
void *xreallocarray(void *ptr, size_t nmemb, size_t size);
/* xstrdup(NULL) returns NULL. */
char *xstrdup(const char *s);
/* Copies at most n bytes of s and NUL-terminates. */
char *xstrndup(const char *s, size_t n);
/* Copies n bytes and appends a NUL. */
char *xmemdup(const void *p, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
