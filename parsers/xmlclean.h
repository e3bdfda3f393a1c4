/* xmlclean.h - rewrite a feed into XML that libxml2 can read straight.
 *
 * Real feeds are broken: bare '&' in links, HTML entities (&nbsp;
 * &eacute;) that XML does not define, unclosed or mismatched tags, a '<'
 * in text, unquoted attributes, junk before the root, a truncated end.
 * Rather than leaning on libxml2's recovery mode (which drops text at each
 * error and, in 2.9.14, pops only one element per mismatched end tag),
 * this pass repairs what it can in one scan and closes what is left open.
 *
 * It also removes the prolog: XML declaration, DOCTYPE (so no DTD, no
 * external entity and no entity expansion ever reaches libxml2),
 * comments and processing instructions.  Entities declared in the internal
 * subset with plain literal values are substituted here, within a bound;
 * any other reference is kept as literal text. */
#ifndef ES_XMLCLEAN_H
#define ES_XMLCLEAN_H

#include <stdbool.h>
#include <stddef.h>

#include "core/buf.h"

#define XMLCLEAN_MAX_DEPTH 200     /* open elements tracked (libxml2 stops at 256) */
#define XMLCLEAN_MAX_ENTITIES 64   /* internal entities honoured */
#define XMLCLEAN_MAX_ENTITY 1024   /* bytes of one entity's value */

/* Long runs of text (CDATA included) are not handed to libxml2 at all:
 * they are decoded here, kept aside, and stand in the document as a marker
 * U+E000 DIGITS U+E001 (private-use characters, which are made U+FFFD where
 * the input has them), so libxml2 reads little more than the tags.
 * xmlclean_expand() puts the text back into what a SAX handler gathered. */
#define XMLCLEAN_MARK_OPEN "\xee\x80\x80"
#define XMLCLEAN_MARK_CLOSE "\xee\x80\x81"

struct xmlclean_seg {
	size_t off, len;  /* in text */
};

struct xmlclean {
	char *data;       /* the repaired document, NUL-terminated */
	size_t len;
	size_t repairs;   /* how many things were fixed (0: the input was clean) */
	size_t trunc_at;  /* offset in data where closing tags were added at the
			   * end of a truncated input; SIZE_MAX when none were */
	char *text;       /* decoded runs of text, found through segs */
	struct xmlclean_seg *segs;
	size_t nsegs;
};

/* Repairs len bytes of valid UTF-8 whose root element starts at offset
 * root (the prolog before it is read only for entity declarations).  The
 * output is at most 2 * len + 1 MiB long.  Fills out (free it with
 * xmlclean_free); never fails. */
void xmlclean_run(const char *data, size_t len, size_t root, struct xmlclean *out);
void xmlclean_free(struct xmlclean *c);
/* Appends the n bytes of character data at s to out with every marker
 * replaced by its text ('<', '>' and '&' of that text escaped when escape
 * is set), stopping at max bytes of out (on a character boundary). */
void xmlclean_expand(const struct xmlclean *c, const char *s, size_t n, bool escape,
		     struct buf *out, size_t max);

#endif
