/* review.h - review pages: schema.org Review and AggregateRating in JSON-LD
 * or microdata, or any page through XPath selectors from feeds.conf. */
#ifndef ES_REVIEW_H
#define ES_REVIEW_H

#include <stddef.h>

#include "parsers/emit.h"
#include "parsers/parse.h"

#define REVIEW_MAX_DEPTH 256 /* element and JSON levels walked */

/* Parses len bytes of UTF-8 HTML with libxml2's HTML parser.  With
 * map->item set, each node it selects is one review and the other map
 * fields are XPath expressions relative to it; otherwise reviews come from
 * JSON-LD (invalid blocks skipped) and, when that has none, microdata.
 * Ratings are normalised with bestRating/worstRating (default 5 and 1) or
 * map->rating_scale.  A review without its own URL or id gets the page's
 * URL and, as guid, that URL plus "#" and a hash of its content.  Returns
 * ES_OK, ES_EPARSE when the page cannot be read, ES_EINVAL for an XPath
 * that does not compile, or the callback's failure. */
enum es_err review_parse(const char *html, size_t len, const struct parse_map *map,
			 const char *base_url, struct emit *e, char *err, size_t errlen);
/* Checks that expr compiles as XPath: ES_OK, or ES_EINVAL with a message
 * in err and, when libxml2 says where, the 1-based column in *col (else 0). */
enum es_err review_xpath_check(const char *expr, char *err, size_t errlen, int *col);

#endif
