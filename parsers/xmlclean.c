/* xmlclean.c - one pass that turns a broken feed into well-formed XML.
 *
 * The scanner copies runs of plain text with memcpy and looks closely only
 * at '<', '&' and the bytes XML forbids.  It keeps the stack of open
 * element names (as offsets into the output) so that a mismatched end tag
 * closes what was left open, a stray one is dropped, and a truncated
 * document gets its end tags. */
#include "parsers/xmlclean.h"

#include <libxml/HTMLparser.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "core/buf.h"
#include "core/utf8.h"
#include "core/xalloc.h"

#define XC_EXPAND_BASE (1024 * 1024) /* entity bytes allowed beyond len */
#define XC_MAX_NAME 256              /* longer names are not tags */
#define XC_MAX_ATTRS 64              /* attributes checked for duplicates */
#define XC_INLINE 32                 /* shorter runs of text stay in the document */

struct xc_ent {
	const char *name, *val;
	size_t name_n, val_n;
};

struct xc_span {
	size_t off, len;
};

struct xc {
	const char *p, *end;
	struct buf out;
	struct xc_ent ents[XMLCLEAN_MAX_ENTITIES];
	size_t nents;
	size_t expanded, expand_max;
	struct xc_span open[XMLCLEAN_MAX_DEPTH];
	int depth;
	size_t repairs;
	bool done;
	struct buf *dst;          /* where text and references go: out or text */
	bool decode;              /* dst is text: references are decoded */
	struct buf text;          /* decoded text of content runs */
	size_t seg_start;         /* where the current run starts in text */
	struct xmlclean_seg *segs;
	size_t nsegs, capsegs;
};

static bool
xc_name_start(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' || c >= 0x80;
}

static bool
xc_name_char(unsigned char c)
{
	return xc_name_start(c) || (c >= '0' && c <= '9') || c == '.' || c == '-';
}

static bool
xc_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Bytes that need a look: markup, references and what XML forbids (C0
 * controls but tab, LF and CR; 0xef starts U+FFFE and U+FFFF). */
static const bool xc_specials[256] = {
	[0x00] = 1, [0x01] = 1, [0x02] = 1, [0x03] = 1, [0x04] = 1, [0x05] = 1, [0x06] = 1,
	[0x07] = 1, [0x08] = 1, [0x0b] = 1, [0x0c] = 1, [0x0e] = 1, [0x0f] = 1, [0x10] = 1,
	[0x11] = 1, [0x12] = 1, [0x13] = 1, [0x14] = 1, [0x15] = 1, [0x16] = 1, [0x17] = 1,
	[0x18] = 1, [0x19] = 1, [0x1a] = 1, [0x1b] = 1, [0x1c] = 1, [0x1d] = 1, [0x1e] = 1,
	[0x1f] = 1, ['&'] = 1, ['<'] = 1, [0xee] = 1, [0xef] = 1,
};

static bool
xc_special(unsigned char c)
{
	return xc_specials[c];
}

/* The first special byte at or after s (or end).  Eight bytes at a time
 * while a word has no byte below 0x20, no '&', no '<' and no high bit;
 * a word that has one is looked at byte by byte. */
static const char *
xc_scan(const char *s, const char *end)
{
	const uint64_t ones = 0x0101010101010101ULL, high = 0x8080808080808080ULL;
	const uint64_t amp = ones * '&', lt = ones * '<';

	while (end - s >= 8) {
		uint64_t v, a, l;

		memcpy(&v, s, 8);
		a = v ^ amp;
		l = v ^ lt;
		if (!((v | ((v - ones * 0x20) & ~v) | ((a - ones) & ~a) | ((l - ones) & ~l)) & high)) {
			s += 8;
			continue;
		}
		for (int i = 0; i < 8; i++, s++)
			if (xc_specials[(unsigned char)*s])
				return s;
	}
	while (s < end && !xc_specials[(unsigned char)*s])
		s++;
	return s;
}

static bool
xc_starts(const struct xc *x, const char *s)
{
	size_t n = strlen(s);

	return (size_t)(x->end - x->p) >= n && memcmp(x->p, s, n) == 0;
}

/* At a special byte that is not markup: drops a forbidden control or
 * U+FFFE/U+FFFF, turns our marker characters U+E000/U+E001 into U+FFFD,
 * copies anything else.  Returns bytes consumed. */
static size_t
xc_odd_byte(struct xc *x, const char *s)
{
	unsigned char c = (unsigned char)*s;

	if (c == 0xef && x->end - s >= 3 && (unsigned char)s[1] == 0xbf &&
	    ((unsigned char)s[2] == 0xbe || (unsigned char)s[2] == 0xbf)) {
		x->repairs++;
		return 3;
	}
	if (c == 0xee && x->end - s >= 3 && (unsigned char)s[1] == 0x80 &&
	    ((unsigned char)s[2] == 0x80 || (unsigned char)s[2] == 0x81)) {
		buf_append(x->dst, "\xef\xbf\xbd", 3);
		return 3;
	}
	if (c < 0x20) {
		/* Vertical tab and form feed separate words; other controls do not. */
		if (c == 0x0b || c == 0x0c)
			buf_putc(x->dst, ' ');
		x->repairs++;
		return 1;
	}
	buf_putc(x->dst, (char)c);
	return 1;
}

/* Copies s..e to dst dropping what XML forbids (CDATA content). */
static void
xc_copy_filtered(struct xc *x, const char *s, const char *e)
{
	while (s < e) {
		const char *run = s;

		while (s < e && (!xc_special((unsigned char)*s) || *s == '<' || *s == '&'))
			s++;
		buf_append(x->dst, run, (size_t)(s - run));
		if (s < e)
			s += xc_odd_byte(x, s);
	}
}

static bool
xc_xml_char(uint32_t c)
{
	return c == 9 || c == 10 || c == 13 || (c >= 0x20 && c <= 0xd7ff) ||
	       (c >= 0xe000 && c <= 0xfffd) || (c >= 0x10000 && c <= 0x10ffff);
}

/* Writes code point cp as text (decoding) or as a reference. */
static void
xc_put_char(struct xc *x, uint32_t cp)
{
	if (!x->decode)
		buf_printf(x->dst, "&#%u;", (unsigned)cp);
	else if (cp == 0xe000 || cp == 0xe001)
		buf_append(x->dst, "\xef\xbf\xbd", 3);
	else
		utf8_put(x->dst, (int32_t)cp);
}

/* Reads the digits of a character reference at s (after "&#"); returns
 * where they end and the code point in *cp (0 digits: returns s). */
static const char *
xc_charref_value(const char *s, const char *end, uint32_t *cp)
{
	bool hex = s < end && (*s == 'x' || *s == 'X');
	const char *d = s + hex;
	int digits = 0;

	*cp = 0;
	for (; d < end && digits < 9; d++, digits++) {
		int v = *d >= '0' && *d <= '9' ? *d - '0'
			: hex && (*d | 0x20) >= 'a' && (*d | 0x20) <= 'f' ? (*d | 0x20) - 'a' + 10
			: -1;

		if (v < 0)
			break;
		*cp = *cp * (hex ? 16 : 10) + (uint32_t)v;
	}
	return digits ? d : s;
}

/* "&#233;" or "&#xE9;" at x->p (s points after "&#").  A reference to a
 * character XML forbids is dropped; a missing ';' is added. */
static void
xc_charref(struct xc *x, const char *s)
{
	uint32_t cp;
	const char *d = xc_charref_value(s, x->end, &cp);

	if (d == s) {
		buf_puts(x->dst, x->decode ? "&" : "&amp;");
		x->repairs++;
		x->p++;
		return;
	}
	if (d < x->end && *d == ';') {
		d++;
		if (xc_xml_char(cp) && !x->decode) {
			buf_append(x->dst, x->p, (size_t)(d - x->p));
			x->p = d;
			return;
		}
	} else {
		x->repairs++;
	}
	if (xc_xml_char(cp))
		xc_put_char(x, cp);
	else
		x->repairs++;
	x->p = d;
}

static const struct xc_ent *
xc_entity(const struct xc *x, const char *name, size_t n)
{
	for (size_t i = 0; i < x->nents; i++)
		if (x->ents[i].name_n == n && memcmp(x->ents[i].name, name, n) == 0)
			return &x->ents[i];
	return NULL;
}

/* An entity's value: copied, or with its character references decoded. */
static void
xc_entity_value(struct xc *x, const struct xc_ent *ent)
{
	const char *v = ent->val, *end = ent->val + ent->val_n;

	if (!x->decode) {
		buf_append(x->dst, v, ent->val_n);
		return;
	}
	while (v < end) {
		const char *amp = memchr(v, '&', (size_t)(end - v)), *d;
		uint32_t cp;

		buf_append(x->dst, v, (size_t)((amp ? amp : end) - v));
		if (!amp)
			break;
		d = xc_charref_value(amp + 2, end, &cp);
		if (d < end && *d == ';' && xc_xml_char(cp))
			xc_put_char(x, cp);
		v = d < end && *d == ';' ? d + 1 : d;
	}
}

/* "&name;": predefined kept (or decoded), declared substituted (within the
 * bound), an HTML entity replaced by its character, anything else made
 * literal. */
static void
xc_named_ref(struct xc *x, const char *name, size_t n)
{
	static const char predefined[][5] = { "amp", "lt", "gt", "quot", "apos" };
	static const char chars[] = "&<>\"'";
	const struct xc_ent *ent;
	const htmlEntityDesc *h;
	char tmp[40];

	for (size_t i = 0; i < 5; i++)
		if (strlen(predefined[i]) == n && memcmp(predefined[i], name, n) == 0) {
			if (x->decode)
				buf_putc(x->dst, chars[i]);
			else
				buf_append(x->dst, name - 1, n + 2);
			return;
		}
	x->repairs++;
	if ((ent = xc_entity(x, name, n)) && x->expanded + ent->val_n <= x->expand_max) {
		xc_entity_value(x, ent);
		x->expanded += ent->val_n;
		return;
	}
	memcpy(tmp, name, n);
	tmp[n] = '\0';
	if ((h = htmlEntityLookup((const xmlChar *)tmp)) && xc_xml_char(h->value)) {
		utf8_put(x->dst, (int32_t)h->value);
		return;
	}
	buf_puts(x->dst, x->decode ? "&" : "&amp;");
	buf_append(x->dst, name, n + 1);
}

/* At '&': a reference kept (or decoded), repaired, or a bare '&'. */
static void
xc_ref(struct xc *x)
{
	const char *s = x->p + 1, *name = s;

	if (s < x->end && *s == '#') {
		xc_charref(x, s + 1);
		return;
	}
	if (s < x->end && xc_name_start((unsigned char)*s))
		while (s < x->end && xc_name_char((unsigned char)*s) && s - name < 32)
			s++;
	if (s > name && s < x->end && *s == ';') {
		xc_named_ref(x, name, (size_t)(s - name));
		x->p = s + 1;
		return;
	}
	buf_puts(x->dst, x->decode ? "&" : "&amp;");
	x->repairs++;
	x->p++;
}

/* Skips to just past the terminator (or to the end). */
static void
xc_skip_past(struct xc *x, const char *term)
{
	const char *t = memmem(x->p, (size_t)(x->end - x->p), term, strlen(term));

	x->p = t ? t + strlen(term) : x->end;
}

/* The "]]>" that ends a CDATA section at or after s, or NULL.  memchr
 * for ']' runs faster than memmem here. */
static const char *
xc_cdata_end(const char *s, const char *end)
{
	while ((s = memchr(s, ']', (size_t)(end - s))) && end - s >= 3) {
		if (s[1] == ']' && s[2] == '>')
			return s;
		s++;
	}
	return NULL;
}

/* CDATA content is text like any other: it joins the current run. */
static void
xc_cdata(struct xc *x)
{
	const char *body = x->p + 9;
	const char *t = xc_cdata_end(body, x->end);

	xc_copy_filtered(x, body, t ? t : x->end);
	if (!t)
		x->repairs++;
	x->p = t ? t + 3 : x->end;
}

/* Appends n bytes of text to out as XML character data. */
static void
xc_put_escaped(struct buf *out, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const char *run = s + i;

		while (i < n && s[i] != '&' && s[i] != '<' && s[i] != '>')
			i++;
		buf_append(out, run, (size_t)(s + i - run));
		if (i < n)
			buf_puts(out, s[i] == '&' ? "&amp;" : s[i] == '<' ? "&lt;" : "&gt;");
	}
}

static void
xc_put_marker(struct buf *out, size_t idx)
{
	char tmp[32];
	size_t n = sizeof(tmp);

	memcpy(tmp + (n -= 3), XMLCLEAN_MARK_CLOSE, 3);
	do
		tmp[--n] = (char)('0' + idx % 10);
	while ((idx /= 10));
	memcpy(tmp + (n -= 3), XMLCLEAN_MARK_OPEN, 3);
	buf_append(out, tmp + n, sizeof(tmp) - n);
}

/* Ends the current run of text: short or blank runs go into the document
 * as character data, longer ones become a marker for xmlclean_expand(). */
static void
xc_flush(struct xc *x)
{
	size_t n = x->text.len - x->seg_start;
	const char *s;

	if (!n)
		return;
	s = x->text.data + x->seg_start;
	if (n < XC_INLINE || strspn(s, " \t\r\n") == n) {
		xc_put_escaped(&x->out, s, n);
		buf_truncate(&x->text, x->seg_start);
		return;
	}
	if (x->nsegs == x->capsegs) {
		x->capsegs = x->capsegs ? x->capsegs * 2 : 256;
		x->segs = xreallocarray(x->segs, x->capsegs, sizeof(*x->segs));
	}
	x->segs[x->nsegs].off = x->seg_start;
	x->segs[x->nsegs].len = n;
	xc_put_marker(&x->out, x->nsegs++);
	x->seg_start = x->text.len;
}

/* Writes "</name>" for the innermost open element and pops it. */
static void
xc_close_top(struct xc *x)
{
	char tmp[XC_MAX_NAME + 3];
	struct xc_span *o = &x->open[--x->depth];

	tmp[0] = '<';
	tmp[1] = '/';
	memcpy(tmp + 2, x->out.data + o->off, o->len);
	tmp[o->len + 2] = '>';
	buf_append(&x->out, tmp, o->len + 3);
}

static bool
xc_same_name(const struct xc *x, int i, const char *name, size_t n, bool nocase)
{
	const struct xc_span *o = &x->open[i];
	const char *have = x->out.data + o->off;

	if (o->len != n)
		return false;
	return nocase ? strncasecmp(have, name, n) == 0 : memcmp(have, name, n) == 0;
}

/* Index of the innermost open element called name (exactly, else in any
 * case), or -1. */
static int
xc_find_open(const struct xc *x, const char *name, size_t n)
{
	for (int pass = 0; pass < 2; pass++)
		for (int i = x->depth - 1; i >= 0; i--)
			if (xc_same_name(x, i, name, n, pass == 1))
				return i;
	return -1;
}

static void
xc_end_tag(struct xc *x)
{
	const char *name = x->p + 2, *s = name, *gt;
	int i;

	xc_flush(x);
	while (s < x->end && xc_name_char((unsigned char)*s))
		s++;
	if (!(gt = memchr(s, '>', (size_t)(x->end - s)))) {
		x->p = x->end;
		return;
	}
	x->p = gt + 1;
	if ((i = xc_find_open(x, name, (size_t)(s - name))) < 0) {
		x->repairs++;
		return;
	}
	while (x->depth > i + 1) {
		xc_close_top(x);
		x->repairs++;
	}
	xc_close_top(x);
	if (x->depth == 0)
		x->done = true;
}

/* Items never nest: a new <item> or <entry> closes an open one. */
static void
xc_close_item(struct xc *x, const char *name, size_t n)
{
	const char *colon = memchr(name, ':', n);
	const char *local = colon ? colon + 1 : name;
	size_t ln = n - (size_t)(local - name);
	int i;

	if (!((ln == 4 && memcmp(local, "item", 4) == 0) || (ln == 5 && memcmp(local, "entry", 5) == 0)))
		return;
	if ((i = xc_find_open(x, name, n)) < 0)
		return;
	while (x->depth > i) {
		xc_close_top(x);
		x->repairs++;
	}
}

/* RSS item fields that never hold elements: a start tag inside one, when
 * it is open right under an <item>, means its end tag is missing. */
static void
xc_close_leaf(struct xc *x)
{
	static const char *const leaves[] = { "title", "link", "guid", "pubDate", "author",
					      "comments", "category" };

	if (x->depth < 2 || !xc_same_name(x, x->depth - 2, "item", 4, false))
		return;
	for (size_t i = 0; i < sizeof(leaves) / sizeof(leaves[0]); i++)
		if (xc_same_name(x, x->depth - 1, leaves[i], strlen(leaves[i]), false)) {
			xc_close_top(x);
			x->repairs++;
			return;
		}
}

/* One character of a quoted attribute value (or a run of plain ones). */
static void
xc_attr_char(struct xc *x, char quote)
{
	unsigned char c = (unsigned char)*x->p;
	const char *run = x->p;

	if (c != '&' && c != '<' && c != '"' && c != '\'' && !xc_special(c)) {
		x->p++; /* the caller checked this one: it belongs to the value */
		while (x->p < x->end && *x->p != '&' && *x->p != '<' && *x->p != '"' &&
		       *x->p != '\'' && *x->p != quote && !xc_special((unsigned char)*x->p) &&
		       (quote || (!xc_space((unsigned char)*x->p) && *x->p != '>' && *x->p != '/')))
			x->p++;
		buf_append(&x->out, run, (size_t)(x->p - run));
		return;
	}

	if (c == '&') {
		xc_ref(x);
	} else if (c == '<') {
		buf_puts(&x->out, "&lt;");
		x->p++;
	} else if (c == '"' && quote != '"') {
		buf_puts(&x->out, "&quot;");
		x->p++;
	} else if (xc_special(c)) {
		x->p += xc_odd_byte(x, x->p);
	} else {
		buf_putc(&x->out, (char)c);
		x->p++;
	}
}

/* An attribute value after '=': quoted, or unquoted (then quoted here).
 * Returns false at the end of input. */
static bool
xc_attr_value(struct xc *x)
{
	char quote = *x->p;

	buf_putc(&x->out, '"');
	if (quote == '"' || quote == '\'') {
		x->p++;
		while (x->p < x->end && *x->p != quote)
			xc_attr_char(x, quote);
		if (x->p >= x->end)
			return false;
		x->p++;
	} else {
		x->repairs++;
		while (x->p < x->end && !xc_space((unsigned char)*x->p) && *x->p != '>' &&
		       !(*x->p == '/' && x->p + 1 < x->end && x->p[1] == '>'))
			xc_attr_char(x, 0);
	}
	buf_putc(&x->out, '"');
	return x->p < x->end;
}

struct xc_name {
	const char *p;
	size_t n;
};

static bool
xc_attr_seen(const struct xc_name *seen, int n, const char *name, size_t len)
{
	for (int i = 0; i < n; i++)
		if (seen[i].n == len && memcmp(seen[i].p, name, len) == 0)
			return true;
	return false;
}

/* name[=value]; a duplicate is parsed and dropped, a missing value is
 * given the attribute's name.  Returns false at the end of input. */
static bool
xc_attr(struct xc *x, struct xc_name *seen, int *nseen)
{
	size_t mark = x->out.len, n;
	const char *name = x->p;
	bool dup;

	while (x->p < x->end && xc_name_char((unsigned char)*x->p))
		x->p++;
	n = (size_t)(x->p - name);
	dup = xc_attr_seen(seen, *nseen, name, n);
	buf_putc(&x->out, ' ');
	buf_append(&x->out, name, n);
	while (x->p < x->end && xc_space((unsigned char)*x->p))
		x->p++;
	if (x->p < x->end && *x->p == '=') {
		x->p++;
		while (x->p < x->end && xc_space((unsigned char)*x->p))
			x->p++;
		buf_putc(&x->out, '=');
		if (x->p >= x->end || !xc_attr_value(x))
			return false;
	} else {
		buf_printf(&x->out, "=\"%.*s\"", (int)n, name);
		x->repairs++;
	}
	if (dup) {
		buf_truncate(&x->out, mark);
		x->repairs++;
	} else if (*nseen < XC_MAX_ATTRS) {
		seen[*nseen].p = name;
		seen[(*nseen)++].n = n;
	}
	return x->p < x->end;
}

/* The attributes and end of a start tag.  Returns 1 for '>', 0 for '/>',
 * -1 when the input ends inside the tag. */
static int
xc_tag_rest(struct xc *x)
{
	struct xc_name seen[XC_MAX_ATTRS];
	int nseen = 0;

	for (;;) {
		while (x->p < x->end && xc_space((unsigned char)*x->p))
			x->p++;
		if (x->p >= x->end)
			return -1;
		if (*x->p == '>') {
			x->p++;
			buf_putc(&x->out, '>');
			return 1;
		}
		if (*x->p == '/' && x->p + 1 < x->end && x->p[1] == '>') {
			x->p += 2;
			buf_puts(&x->out, "/>");
			return 0;
		}
		if (*x->p == '<') { /* the tag never ended: end it here */
			buf_putc(&x->out, '>');
			x->repairs++;
			return 1;
		}
		if (!xc_name_start((unsigned char)*x->p)) {
			x->p++;
			x->repairs++;
			continue;
		}
		if (!xc_attr(x, seen, &nseen))
			return -1;
	}
}

static void
xc_start_tag(struct xc *x)
{
	const char *name = x->p + 1, *s = name;
	size_t mark, n;
	int r;

	while (s < x->end && xc_name_char((unsigned char)*s))
		s++;
	n = (size_t)(s - name);
	if (n > XC_MAX_NAME || (x->depth >= XMLCLEAN_MAX_DEPTH)) {
		x->done = true; /* past the depth cap: end the document here */
		x->repairs++;
		return;
	}
	xc_flush(x);
	xc_close_item(x, name, n);
	xc_close_leaf(x);
	mark = x->out.len;
	buf_putc(&x->out, '<');
	buf_append(&x->out, name, n);
	x->p = s;
	x->dst = &x->out; /* attribute values stay escaped for libxml2 */
	x->decode = false;
	r = xc_tag_rest(x);
	x->dst = &x->text;
	x->decode = true;
	if (r < 0) {
		buf_truncate(&x->out, mark);
		x->p = x->end;
		return;
	}
	if (r == 1) {
		x->open[x->depth].off = mark + 1;
		x->open[x->depth].len = n;
		x->depth++;
	} else if (x->depth == 0) {
		x->done = true;
	}
}

static void
xc_markup(struct xc *x)
{
	unsigned char c = x->p + 1 < x->end ? (unsigned char)x->p[1] : 0;

	if (xc_starts(x, "<!--")) {
		xc_skip_past(x, "-->");
	} else if (xc_starts(x, "<![CDATA[")) {
		xc_cdata(x);
	} else if (c == '?') {
		xc_skip_past(x, "?>");
	} else if (c == '!') {
		xc_skip_past(x, ">");
		x->repairs++;
	} else if (c == '/') {
		xc_end_tag(x);
	} else if (xc_name_start(c)) {
		xc_start_tag(x);
	} else {
		buf_putc(x->dst, '<');
		x->repairs++;
		x->p++;
	}
}

/* Records <!ENTITY name "value"> declarations whose value is plain text
 * (character references allowed; no markup, no other references). */
static void
xc_prolog(struct xc *x, const char *s, const char *e)
{
	while (x->nents < XMLCLEAN_MAX_ENTITIES &&
	       (s = memmem(s, (size_t)(e - s), "<!ENTITY", 8))) {
		const char *name, *val, *q;
		char quote;

		s += 8;
		while (s < e && xc_space((unsigned char)*s))
			s++;
		for (name = s; s < e && xc_name_char((unsigned char)*s); s++)
			;
		if (s == name)
			continue;
		x->ents[x->nents].name = name;
		x->ents[x->nents].name_n = (size_t)(s - name);
		while (s < e && xc_space((unsigned char)*s))
			s++;
		if (s >= e || (*s != '"' && *s != '\''))
			continue; /* a parameter entity, SYSTEM or PUBLIC: never loaded */
		quote = *s++;
		val = s;
		if (!(q = memchr(s, quote, (size_t)(e - s))) || (size_t)(q - val) > XMLCLEAN_MAX_ENTITY)
			continue;
		s = q + 1;
		if (memchr(val, '<', (size_t)(q - val)) || memchr(val, '%', (size_t)(q - val)))
			continue;
		for (const char *a = val; (a = memchr(a, '&', (size_t)(q - a))); a++)
			if (a + 1 >= q || a[1] != '#')
				goto next;
		x->ents[x->nents].val = val;
		x->ents[x->nents].val_n = (size_t)(q - val);
		x->nents++;
next:;
	}
}

void
xmlclean_run(const char *data, size_t len, size_t root, struct xmlclean *out)
{
	struct xc x;

	memset(&x, 0, sizeof(x));
	buf_init(&x.out, 0);
	buf_init(&x.text, 0);
	x.dst = &x.text;
	x.decode = true;
	x.p = data + (root < len ? root : len);
	x.end = data + len;
	x.expand_max = len + XC_EXPAND_BASE;
	xc_prolog(&x, data, x.p);
	while (x.p < x.end && !x.done) {
		const char *run = x.p;

		x.p = xc_scan(x.p, x.end);
		buf_append(x.dst, run, (size_t)(x.p - run));
		if (x.p >= x.end)
			break;
		if (*x.p == '<')
			xc_markup(&x);
		else if (*x.p == '&')
			xc_ref(&x);
		else
			x.p += xc_odd_byte(&x, x.p);
	}
	xc_flush(&x);
	out->trunc_at = x.depth ? x.out.len : SIZE_MAX;
	if (x.depth)
		x.repairs++;
	while (x.depth)
		xc_close_top(&x);
	out->repairs = x.repairs;
	out->data = buf_take(&x.out, &out->len);
	out->text = buf_take(&x.text, NULL);
	out->segs = x.segs;
	out->nsegs = x.nsegs;
}

void
xmlclean_free(struct xmlclean *c)
{
	free(c->data);
	free(c->text);
	free(c->segs);
	c->data = c->text = NULL;
	c->segs = NULL;
}

/* The segment index of a marker at s (n bytes), and its length in *len;
 * SIZE_MAX when s holds no complete marker. */
static size_t
xc_marker(const char *s, size_t n, size_t *len)
{
	size_t i = 3, idx = 0;

	if (n < 7 || memcmp(s, XMLCLEAN_MARK_OPEN, 3) != 0)
		return SIZE_MAX;
	while (i < n && i < 24 && s[i] >= '0' && s[i] <= '9')
		idx = idx * 10 + (size_t)(s[i++] - '0');
	if (i == 3 || n - i < 3 || memcmp(s + i, XMLCLEAN_MARK_CLOSE, 3) != 0)
		return SIZE_MAX;
	*len = i + 3;
	return idx;
}

static void
xc_append_capped(struct buf *out, const char *s, size_t n, size_t max, bool escape)
{
	if (out->len >= max)
		return;
	if (n > max - out->len)
		n = utf8_cut(s, n, max - out->len);
	if (escape)
		xc_put_escaped(out, s, n);
	else
		buf_append(out, s, n);
}

void
xmlclean_expand(const struct xmlclean *c, const char *s, size_t n, bool escape, struct buf *out,
		size_t max)
{
	const char *end = s + n;

	while (s < end) {
		const char *m = memchr(s, 0xee, (size_t)(end - s));
		size_t k = 0, idx;

		xc_append_capped(out, s, (size_t)((m ? m : end) - s), max, false);
		if (!m)
			return;
		idx = xc_marker(m, (size_t)(end - m), &k);
		if (idx < c->nsegs)
			xc_append_capped(out, c->text + c->segs[idx].off, c->segs[idx].len, max, escape);
		else
			xc_append_capped(out, m, 1, max, false); /* 0xee starting another character */
		s = m + (idx == SIZE_MAX ? 1 : k);
	}
}
