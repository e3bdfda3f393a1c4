/* xmlfeed.h - RSS 0.90-0.94 and 2.0, RSS 1.0 (RDF), Atom 0.3 and 1.0. */
#ifndef ES_XMLFEED_H
#define ES_XMLFEED_H

#include <stddef.h>

#include "parsers/emit.h"
#include "parsers/parse.h"

#define XMLFEED_MAX_CAPTURE (1024 * 1024) /* bytes of one element's content read */

/* Parses len bytes of UTF-8 whose root element starts at offset root,
 * repairing them first (parsers/xmlclean.h), then streaming them through
 * libxml2's SAX2 parser; each item goes to emit as it ends.  format says
 * how elements without a namespace read (PARSE_ATOM: as Atom, else as
 * RSS); namespaced elements read as their namespace says whatever it is.
 * base_url (may be NULL) resolves relative links when no xml:base or feed
 * link does.  Fills res->ttl and res->recovered.  Returns ES_OK, ES_EPARSE
 * when there is no root element, or the callback's failure. */
enum es_err xmlfeed_parse(const char *data, size_t len, size_t root, enum parse_format format,
			  const char *base_url, struct emit *e, struct parse_result *res,
			  char *err, size_t errlen);

#endif
