/* emit.h - what every parser does with a finished item: make its link
 * absolute and canonical, give it an identity, cap its fields and hand it
 * to the caller's callback.  Internal to parsers/. */
#ifndef ES_EMIT_H
#define ES_EMIT_H

#include <stdbool.h>
#include <stddef.h>

#include "parsers/parse.h"

struct emit_seen;

struct emit {
	mention_fn fn;
	void *ctx;
	size_t max_items;
	size_t mentions;         /* handed to fn */
	size_t skipped;          /* no usable content, or past max_items */
	enum es_err rc;          /* ES_OK until fn stops or fails */
	struct emit_seen *seen;  /* guids given out in this document */
};

void emit_init(struct emit *e, const struct parse_opts *opts, mention_fn fn, void *ctx);
/* Frees what emit_init made. */
void emit_reset(struct emit *e);
/* True once the callback stopped or failed: the parser should end. */
bool emit_stopped(const struct emit *e);
/* Finishes m and calls fn with it; m is reset afterwards whatever happens.
 * m->url is resolved against base (may be NULL) and made canonical; a
 * missing guid becomes the URL, else "sha256:" and a hash of title and
 * text; a guid already given out in this document gets "#" and a hash of
 * the content (and "-N" when even that repeats).  An item with no title,
 * text or URL, or one past max_items, is counted in skipped instead.
 * Returns e->rc. */
enum es_err emit_mention(struct emit *e, struct mention *m, const char *base);

/* Writes into out the first 32 hex digits of SHA-256 over the
 * NULL-terminated list of strings, each followed by a newline. */
void emit_hash(const char *const *parts, char out[33]);

#endif
