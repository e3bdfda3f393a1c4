/* parse.h - the one entry point from bytes to mentions.
 *
 * Parsers are pure: bytes, an optional base URL and an optional mapping
 * in; mentions out through a callback, one at a time; no network, no
 * SQLite, no globals beyond libxml2's process-wide initialisation. */
#ifndef ES_PARSE_H
#define ES_PARSE_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "parsers/mention.h"

#define PARSE_MAX_ITEMS 10000 /* mentions taken from one document */

enum parse_format {
	PARSE_AUTO,      /* sniff from the content */
	PARSE_RSS,       /* RSS 0.9x, 2.0 and RSS 1.0 / RDF */
	PARSE_ATOM,      /* Atom 0.3 and 1.0 */
	PARSE_JSONFEED,  /* JSON Feed 1.0 and 1.1 */
	PARSE_JSON,      /* any JSON, read through a parse_map */
	PARSE_HTML,      /* review pages: schema.org JSON-LD, microdata, XPath map */
	PARSE_UNKNOWN,
};

/* Where to find each field of a mention in a mapped JSON API (dotted paths
 * with [] or * for arrays) or an HTML page (XPath, relative to item).
 * Unset fields are NULL.  Same names as the feeds.conf keys. */
struct parse_map {
	const char *items, *item, *id, *title, *link, *text, *published, *author;
	const char *rating, *rating_scale;
};

struct parse_opts {
	enum parse_format format;     /* PARSE_AUTO to sniff */
	const char *base_url;         /* the fetch URL, for relative links; may be NULL */
	const char *charset;          /* from the Content-Type header; may be NULL */
	const struct parse_map *map;  /* may be NULL */
	size_t max_items;             /* 0: PARSE_MAX_ITEMS */
};

struct parse_result {
	enum parse_format format;     /* what was parsed */
	size_t mentions;              /* handed to the callback */
	size_t skipped;               /* items dropped (no usable content, over the cap) */
	int64_t ttl;                  /* RSS <ttl> (or sy:updatePeriod) in seconds; 0: none */
	int recovered;                /* 1 when the document was broken and parsed leniently */
};

/* Parses data (len bytes; need not be NUL-terminated) and calls fn for
 * each mention.  Returns ES_OK (also when there were no items), ES_EPARSE
 * when nothing could be read as the format, or the callback's failure.
 * res may be NULL; err gets detail on failure. */
enum es_err parse_document(const char *data, size_t len, const struct parse_opts *opts,
			   mention_fn fn, void *ctx, struct parse_result *res, char *err,
			   size_t errlen);

/* Guesses the format from the bytes alone (BOM and leading junk allowed). */
enum parse_format parse_sniff(const char *data, size_t len);

/* "rss", "atom", "jsonfeed", "json", "html", "auto", "unknown". */
const char *parse_format_name(enum parse_format f);
/* Reverse of parse_format_name; ES_EINVAL for an unknown name. */
enum es_err parse_format_from_name(const char *name, enum parse_format *f);

#endif
