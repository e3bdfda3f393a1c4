/* html.h - writing scraped text into HTML (and SVG inside it) safely.
 *
 * Everything written is valid UTF-8 with & < > " ' escaped and the
 * characters XML forbids (C0 controls but tab and newline, U+FFFE/FFFF)
 * dropped, so the page is well-formed as XHTML too. */
#ifndef ES_HTML_H
#define ES_HTML_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Writes s (NULL writes nothing) escaped for text or attribute values;
 * at most max code points (0: all), then "…". */
void html_put(FILE *fp, const char *s, size_t max);
/* True when url may be a link: http:// or https:// without spaces or
 * control characters (html_put escapes the rest).  Anything else
 * (javascript:, data:, relative) is shown as text, never linked. */
bool html_url_ok(const char *url);

#endif
