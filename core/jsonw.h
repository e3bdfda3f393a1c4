/* jsonw.h - writing JSON text without building a tree: for output that is
 * streamed (earshot parse, export, query --json).  Strings are escaped and
 * always come out as valid UTF-8 (bad bytes become U+FFFD). */
#ifndef ES_JSONW_H
#define ES_JSONW_H

#include <stdint.h>
#include <stdio.h>

#include "core/buf.h"

/* Appends s (n bytes) as a quoted JSON string; NULL s appends null. */
enum es_err jsonw_str(struct buf *b, const char *s, size_t n);
/* jsonw_str with strlen; NULL appends null. */
enum es_err jsonw_cstr(struct buf *b, const char *s);
/* Appends a number; NaN and infinities append null. */
enum es_err jsonw_num(struct buf *b, double d);
enum es_err jsonw_int(struct buf *b, int64_t v);
/* Appends a comma-separated list ("a,b,c") as a JSON array of strings;
 * NULL or "" appends []. */
enum es_err jsonw_list(struct buf *b, const char *csv);
/* Appends "key": (with a leading comma unless *first, which it clears). */
enum es_err jsonw_key(struct buf *b, const char *key, int *first);

#endif
