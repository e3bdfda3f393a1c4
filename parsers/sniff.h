/* sniff.h - the format of a document from its first bytes. */
#ifndef ES_SNIFF_H
#define ES_SNIFF_H

#include <stddef.h>

#include "parsers/parse.h"

#define SNIFF_MAX_JUNK (64 * 1024) /* bytes of junk searched for a feed root */

/* Looks at ASCII-compatible data (any BOM already skipped): PARSE_JSON for
 * a JSON object or array (JSON Feed is told apart after parsing), PARSE_RSS
 * for a root rss, rdf:RDF or channel, PARSE_ATOM for feed, PARSE_HTML for
 * a page, PARSE_UNKNOWN otherwise.  Leading whitespace, comments,
 * processing instructions, a DOCTYPE and junk (a PHP warning, stray HTML)
 * before a feed root are skipped.  *root gets the offset of the root
 * element ('<') of XML, else of the first element or JSON value, else 0. */
enum parse_format sniff_format(const char *data, size_t len, size_t *root);
/* Offset of the first element ('<' followed by a name) at or after from,
 * skipping comments, processing instructions and DOCTYPEs; len when none. */
size_t sniff_first_element(const char *data, size_t len, size_t from);

#endif
