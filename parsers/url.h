/* url.h - absolute, canonical links for mentions. */
#ifndef ES_URL_H
#define ES_URL_H

#include <stdbool.h>
#include <stddef.h>

/* True when s starts with a scheme ("https:", "tag:", "mailto:"). */
bool url_is_absolute(const char *s);
/* Resolves ref against base as RFC 3986 section 5.2 says (surrounding
 * whitespace trimmed, dot segments removed).  base may be NULL or relative,
 * in which case ref comes back trimmed but unresolved.  Returns a new
 * string (caller frees), or NULL when ref is NULL or blank. */
char *url_resolve(const char *base, const char *ref);
/* The canonical form of an http(s) URL: scheme and host lower-cased, the
 * default port and the fragment dropped, utm_* query parameters removed,
 * an empty path made "/".  Other URLs come back trimmed.  Returns a new
 * string (caller frees), or NULL when url is NULL or blank. */
char *url_canonical(const char *url);

#endif
