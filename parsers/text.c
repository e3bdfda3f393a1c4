/* text.c - HTML to plain text through libxml2's HTML parser (SAX, no tree).
 *
 * The input is made valid UTF-8 first and handed to the parser as UTF-8,
 * so a <meta charset> inside the fragment cannot switch the decoding. */
#include "parsers/text.h"

#include <libxml/HTMLparser.h>
#include <libxml/parserInternals.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/utf8.h"
#include "core/xalloc.h"
#include "parsers/charset.h"

struct text_sink {
	char *out;         /* NUL-terminated when len > 0 */
	size_t len, cap;
	size_t max;
	int skip;          /* depth inside script, style, ... */
	bool space;        /* a space is due before the next word */
	bool full;         /* max reached */
	htmlParserCtxtPtr ctxt;
};

enum text_elem { TE_INLINE, TE_BLOCK, TE_SKIP };

/* Elements whose content is not text for a reader, and elements that
 * separate words, by name length (libxml2 hands names lower-cased). */
static const struct {
	const char *name;
	enum text_elem kind;
} text_elems[] = {
	{ "p", TE_BLOCK },        { "br", TE_BLOCK },       { "dd", TE_BLOCK },
	{ "dl", TE_BLOCK },       { "dt", TE_BLOCK },       { "h1", TE_BLOCK },
	{ "h2", TE_BLOCK },       { "h3", TE_BLOCK },       { "h4", TE_BLOCK },
	{ "h5", TE_BLOCK },       { "h6", TE_BLOCK },       { "hr", TE_BLOCK },
	{ "li", TE_BLOCK },       { "ol", TE_BLOCK },       { "td", TE_BLOCK },
	{ "th", TE_BLOCK },       { "tr", TE_BLOCK },       { "ul", TE_BLOCK },
	{ "div", TE_BLOCK },      { "img", TE_BLOCK },      { "nav", TE_BLOCK },
	{ "pre", TE_BLOCK },      { "svg", TE_SKIP },       { "form", TE_BLOCK },
	{ "main", TE_BLOCK },     { "aside", TE_BLOCK },    { "style", TE_SKIP },
	{ "table", TE_BLOCK },    { "tbody", TE_BLOCK },    { "tfoot", TE_BLOCK },
	{ "thead", TE_BLOCK },    { "figure", TE_BLOCK },   { "footer", TE_BLOCK },
	{ "header", TE_BLOCK },   { "script", TE_SKIP },    { "address", TE_BLOCK },
	{ "article", TE_BLOCK },  { "caption", TE_BLOCK },  { "section", TE_BLOCK },
	{ "noscript", TE_SKIP },  { "template", TE_SKIP },  { "blockquote", TE_BLOCK },
	{ "figcaption", TE_BLOCK },
};

static enum text_elem
text_elem(const char *name)
{
	size_t n = strlen(name);

	if (n > 10)
		return TE_INLINE;
	for (size_t i = 0; i < sizeof(text_elems) / sizeof(text_elems[0]); i++)
		if (text_elems[i].name[0] == name[0] && strlen(text_elems[i].name) == n &&
		    memcmp(text_elems[i].name, name, n) == 0)
			return text_elems[i].kind;
	return TE_INLINE;
}

/* Room for n more bytes and a NUL (never more than max + 2 in all). */
static void
text_reserve(struct text_sink *t, size_t n)
{
	if (t->len + n + 1 <= t->cap)
		return;
	while (t->cap < t->len + n + 1)
		t->cap = t->cap ? t->cap * 2 : 64;
	t->out = xrealloc(t->out, t->cap);
}

/* Appends n bytes of valid UTF-8 without whitespace, honouring max. */
static void
text_put(struct text_sink *t, const char *s, size_t n)
{
	if (t->full)
		return;
	if (t->space && t->len) {
		if (t->len + 1 >= t->max) {
			t->full = true;
			return;
		}
		text_reserve(t, 1);
		t->out[t->len++] = ' ';
	}
	t->space = false;
	if (t->len + n > t->max) {
		n = utf8_cut(s, n, t->max - t->len);
		t->full = true;
	}
	text_reserve(t, n);
	memcpy(t->out + t->len, s, n);
	t->len += n;
	t->out[t->len] = '\0';
	if (t->full && t->ctxt)
		xmlStopParser(t->ctxt);
}

/* Length of the whitespace at s (ASCII space, tab, CR, LF, FF, VT, U+00A0),
 * 0 when none. */
static size_t
text_ws(const unsigned char *s, size_t n)
{
	if (*s == ' ' || (*s >= '\t' && *s <= '\r'))
		return 1;
	if (n >= 2 && s[0] == 0xc2 && s[1] == 0xa0)
		return 2;
	return 0;
}

/* Length of the run at s that needs no folding: printable ASCII and valid
 * multi-byte characters (not U+00A0), with single spaces between them. */
static size_t
text_run(const unsigned char *s, size_t n)
{
	size_t i = 0, k;

	for (;;) {
		while (i + 4 <= n && s[i] > ' ' && s[i] < 0x7f && s[i + 1] > ' ' && s[i + 1] < 0x7f &&
		       s[i + 2] > ' ' && s[i + 2] < 0x7f && s[i + 3] > ' ' && s[i + 3] < 0x7f)
			i += 4;
		while (i < n && s[i] > ' ' && s[i] < 0x7f)
			i++;
		if (i + 1 < n && i > 0 && s[i] == ' ' && s[i + 1] > ' ' && s[i + 1] < 0x7f) {
			i++;
			continue;
		}
		if (i < n && s[i] >= 0x80 && !(s[i] == 0xc2 && i + 1 < n && s[i + 1] == 0xa0) &&
		    (k = utf8_decode((const char *)s + i, n - i, NULL))) {
			i += k;
			continue;
		}
		return i;
	}
}

/* Appends s folding whitespace, dropping C0 controls and repairing UTF-8. */
static void
text_feed(struct text_sink *t, const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0, k;

	while (i < n && !t->full) {
		if ((k = text_run(s + i, n - i))) {
			text_put(t, str + i, k);
			i += k;
		} else if ((k = text_ws(s + i, n - i))) {
			t->space = true;
			i += k;
		} else if (s[i] < 0x20 || s[i] == 0x7f) {
			i++;
		} else {
			text_put(t, "\xef\xbf\xbd", 3);
			i++;
		}
	}
}

static void
text_sax_chars(void *ctx, const xmlChar *ch, int len)
{
	struct text_sink *t = ctx;

	if (!t->skip)
		text_feed(t, (const char *)ch, (size_t)len);
}

static void
text_sax_start(void *ctx, const xmlChar *name, const xmlChar **atts)
{
	struct text_sink *t = ctx;

	enum text_elem k = text_elem((const char *)name);

	(void)atts;
	if (k == TE_SKIP)
		t->skip++;
	else if (k == TE_BLOCK)
		t->space = true;
}

static void
text_sax_end(void *ctx, const xmlChar *name)
{
	struct text_sink *t = ctx;

	enum text_elem k = text_elem((const char *)name);

	if (k == TE_SKIP) {
		if (t->skip)
			t->skip--;
	} else if (k == TE_BLOCK) {
		t->space = true;
	}
}

static char *
text_finish(struct text_sink *t)
{
	if (!t->len) {
		free(t->out);
		return NULL;
	}
	return t->out;
}

/* An empty sink with room for about hint bytes, so that one fragment
 * costs one allocation. */
static void
text_sink_init(struct text_sink *t, size_t max, size_t hint)
{
	memset(t, 0, sizeof(*t));
	t->max = max;
	text_reserve(t, hint < max ? hint : max);
}

struct text_reader {
	htmlParserCtxtPtr ctxt; /* NULL until first used, or after a stopped parse */
	bool valid_utf8;        /* the caller's fragments need no check */
};

struct text_reader *
text_reader_new(bool valid_utf8)
{
	struct text_reader *r = xcalloc(1, sizeof(*r));

	r->valid_utf8 = valid_utf8;
	return r;
}

void
text_reader_free(struct text_reader *r)
{
	if (!r)
		return;
	if (r->ctxt)
		htmlFreeParserCtxt(r->ctxt);
	free(r);
}

/* One parse of s by ctxt, set up by hand rather than by htmlCtxtReadMemory()
 * so that the input is declared UTF-8 without an encoder (which would copy
 * it once more) while a <meta charset> inside is ignored. */
static void
text_run_parser(htmlParserCtxtPtr ctxt, const char *s, size_t n)
{
	xmlParserInputBufferPtr buf;
	xmlParserInputPtr in;

	htmlCtxtReset(ctxt);
	if (!(buf = xmlParserInputBufferCreateMem(s, (int)n, XML_CHAR_ENCODING_NONE)))
		return;
	if (!(in = xmlNewIOInputStream(ctxt, buf, XML_CHAR_ENCODING_NONE))) {
		xmlFreeParserInputBuffer(buf);
		return;
	}
	inputPush(ctxt, in);
	ctxt->charset = XML_CHAR_ENCODING_UTF8; /* NOTE: s is valid UTF-8 */
	htmlCtxtUseOptions(ctxt, HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
					 HTML_PARSE_NONET | HTML_PARSE_NOIMPLIED |
					 HTML_PARSE_IGNORE_ENC);
	htmlParseDocument(ctxt);
	/* Our handlers build no tree; a doc here would be libxml2's own. */
	if (ctxt->myDoc) {
		xmlFreeDoc(ctxt->myDoc);
		ctxt->myDoc = NULL;
	}
}

/* Runs the HTML parser over valid UTF-8 s into t, with r's context when
 * there is one (kept for the next call unless the parse was stopped). */
static void
text_parse_html(struct text_reader *r, struct text_sink *t, const char *s, size_t n)
{
	htmlSAXHandler sax;
	htmlParserCtxtPtr ctxt;
	htmlSAXHandler *old;

	memset(&sax, 0, sizeof(sax));
	sax.characters = text_sax_chars;
	sax.cdataBlock = text_sax_chars;
	sax.startElement = text_sax_start;
	sax.endElement = text_sax_end;
	ctxt = r && r->ctxt ? r->ctxt : htmlNewParserCtxt();
	if (!ctxt)
		return;
	old = (htmlSAXHandler *)ctxt->sax;
	ctxt->sax = &sax;
	ctxt->userData = t; /* NOTE: htmlCtxtReset() leaves userData alone */
	t->ctxt = ctxt;
	text_run_parser(ctxt, s, n);
	ctxt->sax = old;
	t->ctxt = NULL;
	if (r && !t->full) {
		r->ctxt = ctxt;
	} else {
		htmlFreeParserCtxt(ctxt);
		if (r)
			r->ctxt = NULL;
	}
}

char *
text_html(const char *s, size_t n, size_t max)
{
	return text_html_r(NULL, s, n, max);
}

char *
text_html_r(struct text_reader *r, const char *s, size_t n, size_t max)
{
	struct text_sink t;
	struct buf clean;

	if (!s || !n)
		return NULL;
	if (!memchr(s, '<', n) && !memchr(s, '&', n))
		return text_plain(s, n, max);
	if (n > INT32_MAX)
		n = INT32_MAX;
	text_sink_init(&t, max, n);
	if ((r && r->valid_utf8) || utf8_valid(s, n)) {
		text_parse_html(r, &t, s, n);
	} else {
		buf_init(&clean, 0);
		utf8_append_clean(&clean, s, n);
		text_parse_html(r, &t, buf_str(&clean), clean.len);
		buf_free(&clean);
	}
	return text_finish(&t);
}

char *
text_plain(const char *s, size_t n, size_t max)
{
	struct text_sink t;

	if (!s || !n)
		return NULL;
	text_sink_init(&t, max, n);
	text_feed(&t, s, n);
	return text_finish(&t);
}

/* An entity reference at s: "&name;" or "&#123;" or "&#x1F;". */
static bool
text_entity_at(const char *s, size_t n)
{
	size_t i = 1;

	if (i < n && s[i] == '#') {
		i++;
		if (i < n && (s[i] == 'x' || s[i] == 'X'))
			i++;
	}
	while (i < n && i < 40 && ((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
				   (s[i] >= '0' && s[i] <= '9')))
		i++;
	return i > 1 && i < n && s[i] == ';';
}

bool
text_looks_html(const char *s, size_t n)
{
	for (size_t i = 0; i + 1 < n; i++) {
		char c = s[i + 1];

		if (s[i] == '<' && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '/' ||
				    c == '!'))
			return true;
		if (s[i] == '&' && text_entity_at(s + i, n - i))
			return true;
	}
	return false;
}

char *
text_auto(const char *s, size_t n, size_t max)
{
	return text_auto_r(NULL, s, n, max);
}

char *
text_auto_r(struct text_reader *r, const char *s, size_t n, size_t max)
{
	return text_looks_html(s, n) ? text_html_r(r, s, n, max) : text_plain(s, n, max);
}
