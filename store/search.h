/* search.h - full-text search over stored mentions (SQLite FTS5).
 *
 * What people type is FTS5 query syntax with one courtesy: a word holding
 * punctuation FTS5 would choke on ("acme.com", "t-mobile", "@acme",
 * "it's") is searched as the phrase of its parts, as the index holds them.
 * Words, "quoted phrases", prefix*, AND, OR, NOT, NEAR(a b, 10), (groups),
 * title:word and text:word pass through unchanged.  A query FTS5 still
 * cannot parse is reported with ES_EPARSE and a sentence that says what
 * to write instead, never an SQLite error code. */
#ifndef ES_SEARCH_H
#define ES_SEARCH_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/err.h"
#include "store/store.h"

#define SEARCH_MAX_QUERY 1024  /* bytes of query text accepted */
#define SEARCH_MAX_LIMIT 10000 /* rows one search returns at most */
#define SEARCH_SNIPPET_TOKENS 24

enum search_order {
	SEARCH_BEST,    /* bm25 rank, title hits weighing twice a text hit */
	SEARCH_NEWEST,  /* counted_at, newest first */
};

struct search_opts {
	const char *query;      /* as typed */
	const char *brand;      /* only mentions of this brand; NULL: all */
	int64_t since;          /* only mentions counted at or after (Unix s); 0: all */
	size_t limit;           /* rows wanted, 1..SEARCH_MAX_LIMIT */
	enum search_order order;
	const char *mark_open;  /* put around each matched term in title and snippet */
	const char *mark_close;
};

/* One match.  Every pointer is valid only during the callback. */
struct search_hit {
	int64_t id;
	const char *source;
	const char *counted_at;  /* ISO 8601 UTC */
	const char *url;         /* may be NULL */
	const char *title;       /* with marks; may be NULL */
	const char *snippet;     /* text around the best match, with marks; "" when none */
	const char *brands;      /* comma-separated; NULL when none */
	const char *label;       /* negative | neutral | positive */
	double sentiment;
	double rank;             /* bm25: lower is better */
};

/* Returns ES_OK to go on; anything else stops the search and is returned. */
typedef enum es_err (*search_fn)(const struct search_hit *hit, void *ctx);

/* Rewrites what a person typed into an FTS5 query (see above), appending
 * it to out.  ES_EPARSE with a plain message for an unterminated quote, a
 * leading '-' (write NOT), or a query with no words. */
enum es_err search_fts_query(const char *typed, struct buf *out, char *err, size_t errlen);

/* Runs the search, calling fn for each hit in order; *total (when not
 * NULL) receives the number of matches before the limit.  ES_EPARSE with a
 * message for a query FTS5 cannot parse; ES_EINVAL for bad options. */
enum es_err search_run(struct store *s, const struct search_opts *o, search_fn fn, void *ctx,
		       size_t *total, char *err, size_t errlen);

#endif
