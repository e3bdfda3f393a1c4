/* xmlfeed.c - RSS, RDF and Atom through libxml2's SAX2 interface.
 *
 * No tree is built: elements are looked up in one table (xf_tags) that maps
 * (namespace, name, where it stands) to a field of the item or the feed,
 * and a field's row in the table is its priority -- earlier rows win, so
 * content:encoded beats description and pubDate beats updated.  The text
 * of a field element is captured (with its child elements as tags when it
 * is HTML) and turned into plain text when the element ends; each item
 * goes to the callback as soon as it ends. */
#include "parsers/xmlfeed.h"

#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/buf.h"
#include "core/xalloc.h"
#include "parsers/date.h"
#include "parsers/text.h"
#include "parsers/url.h"
#include "parsers/xmlclean.h"

#define XF_MAX_DEPTH (XMLCLEAN_MAX_DEPTH + 8)
#define XF_ROW_NONE INT_MAX
#define XF_ROW_PERMALINK 1000    /* a guid used as link ranks after every link */
#define XF_ROW_OTHER_TYPE 500    /* an alternate link that is not HTML */

enum xf_ns { XN_NONE, XN_RSS, XN_ATOM, XN_CONTENT, XN_DC, XN_DCTERMS, XN_ITUNES, XN_MEDIA,
	     XN_SY, XN_RDF, XN_XHTML, XN_XML, XN_OTHER };

static const struct {
	const char *uri, *prefix;
	enum xf_ns ns;
} xf_namespaces[] = {
	{ "http://purl.org/rss/1.0/", NULL, XN_RSS },
	{ "http://my.netscape.com/rdf/simple/0.9/", NULL, XN_RSS },
	{ "http://backend.userland.com/rss2", NULL, XN_RSS },
	{ "http://blogs.law.harvard.edu/tech/rss", NULL, XN_RSS },
	{ "http://www.w3.org/2005/Atom", "atom", XN_ATOM },
	{ "http://purl.org/atom/ns#", NULL, XN_ATOM },
	{ "http://purl.org/rss/1.0/modules/content/", "content", XN_CONTENT },
	{ "http://purl.org/dc/elements/1.1/", "dc", XN_DC },
	{ "http://purl.org/dc/terms/", "dcterms", XN_DCTERMS },
	{ "http://www.itunes.com/dtds/podcast-1.0.dtd", "itunes", XN_ITUNES },
	{ "http://search.yahoo.com/mrss/", "media", XN_MEDIA },
	{ "http://purl.org/rss/1.0/modules/syndication/", "sy", XN_SY },
	{ "http://www.w3.org/1999/02/22-rdf-syntax-ns#", "rdf", XN_RDF },
	{ "http://www.w3.org/1999/xhtml", "xhtml", XN_XHTML },
	{ "http://www.w3.org/XML/1998/namespace", "xml", XN_XML },
};

/* Where an element counts: its parent's kind (and grandparent's). */
enum xf_where { W_ITEM, W_ITEM_AUTHOR, W_ITEM_DEEP, W_FEED, W_FEED_AUTHOR, W_ANY };
/* What an element is once open. */
enum xf_kind { XK_OTHER, XK_ROOT, XK_CHANNEL, XK_ITEM, XK_AUTHOR, XK_SOURCE, XK_FIELD };

enum xf_field { F_GUID, F_LINK, F_TITLE, F_TEXT, F_AUTHOR, F_DATE, F_LANG,
		FF_LINK, FF_AUTHOR, FF_LANG, FF_TTL, FF_SYPERIOD, FF_SYFREQ, F_COUNT, F_NONE };

/* How an element's content reads. */
enum xf_read { R_PLAIN, R_HTML, R_AUTO, R_TYPED, R_XHTML, R_MEDIA, R_LINK, R_GUID, R_EMAILNAME,
	       R_DATE, R_CONTAINER };

struct xf_tag {
	enum xf_ns ns;
	const char *name;
	enum xf_where where;
	enum xf_field field;
	enum xf_read read;
	enum xf_kind kind;   /* for containers */
};

/* NOTE: the order of rows is the priority among rows of one field. */
static const struct xf_tag xf_tags[] = {
	{ XN_RSS, "item", W_ANY, F_NONE, R_CONTAINER, XK_ITEM },
	{ XN_ATOM, "entry", W_ANY, F_NONE, R_CONTAINER, XK_ITEM },
	{ XN_RSS, "channel", W_ANY, F_NONE, R_CONTAINER, XK_CHANNEL },
	{ XN_ATOM, "feed", W_ANY, F_NONE, R_CONTAINER, XK_CHANNEL },
	{ XN_ATOM, "author", W_ITEM, F_NONE, R_CONTAINER, XK_AUTHOR },
	{ XN_ATOM, "author", W_FEED, F_NONE, R_CONTAINER, XK_AUTHOR },
	{ XN_ATOM, "source", W_ITEM, F_NONE, R_CONTAINER, XK_SOURCE },

	{ XN_ATOM, "id", W_ITEM, F_GUID, R_PLAIN, 0 },
	{ XN_RSS, "guid", W_ITEM, F_GUID, R_GUID, 0 },
	{ XN_DC, "identifier", W_ITEM, F_GUID, R_PLAIN, 0 },

	{ XN_ATOM, "link", W_ITEM, F_LINK, R_LINK, 0 },
	{ XN_RSS, "link", W_ITEM, F_LINK, R_PLAIN, 0 },

	{ XN_ATOM, "title", W_ITEM, F_TITLE, R_TYPED, 0 },
	{ XN_RSS, "title", W_ITEM, F_TITLE, R_AUTO, 0 },
	{ XN_DC, "title", W_ITEM, F_TITLE, R_AUTO, 0 },
	{ XN_ITUNES, "title", W_ITEM, F_TITLE, R_AUTO, 0 },
	{ XN_MEDIA, "title", W_ITEM_DEEP, F_TITLE, R_MEDIA, 0 },

	{ XN_CONTENT, "encoded", W_ITEM, F_TEXT, R_HTML, 0 },
	{ XN_ATOM, "content", W_ITEM, F_TEXT, R_TYPED, 0 },
	{ XN_XHTML, "body", W_ITEM, F_TEXT, R_XHTML, 0 },
	{ XN_RSS, "description", W_ITEM, F_TEXT, R_HTML, 0 },
	{ XN_ATOM, "summary", W_ITEM, F_TEXT, R_TYPED, 0 },
	{ XN_DC, "description", W_ITEM, F_TEXT, R_AUTO, 0 },
	{ XN_ITUNES, "summary", W_ITEM, F_TEXT, R_AUTO, 0 },
	{ XN_ITUNES, "subtitle", W_ITEM, F_TEXT, R_AUTO, 0 },
	{ XN_MEDIA, "description", W_ITEM_DEEP, F_TEXT, R_MEDIA, 0 },

	{ XN_ATOM, "name", W_ITEM_AUTHOR, F_AUTHOR, R_PLAIN, 0 },
	{ XN_DC, "creator", W_ITEM, F_AUTHOR, R_AUTO, 0 },
	{ XN_RSS, "author", W_ITEM, F_AUTHOR, R_EMAILNAME, 0 },
	{ XN_ATOM, "email", W_ITEM_AUTHOR, F_AUTHOR, R_PLAIN, 0 },
	{ XN_ITUNES, "author", W_ITEM, F_AUTHOR, R_AUTO, 0 },

	{ XN_RSS, "pubDate", W_ITEM, F_DATE, R_DATE, 0 },
	{ XN_RSS, "pubdate", W_ITEM, F_DATE, R_DATE, 0 },
	{ XN_ATOM, "published", W_ITEM, F_DATE, R_DATE, 0 },
	{ XN_DC, "date", W_ITEM, F_DATE, R_DATE, 0 },
	{ XN_ATOM, "issued", W_ITEM, F_DATE, R_DATE, 0 },
	{ XN_DCTERMS, "issued", W_ITEM, F_DATE, R_DATE, 0 },
	{ XN_DCTERMS, "created", W_ITEM, F_DATE, R_DATE, 0 },
	{ XN_ATOM, "created", W_ITEM, F_DATE, R_DATE, 0 },
	{ XN_DCTERMS, "date", W_ITEM, F_DATE, R_DATE, 0 },
	{ XN_ATOM, "updated", W_ITEM, F_DATE, R_DATE, 0 },
	{ XN_ATOM, "modified", W_ITEM, F_DATE, R_DATE, 0 },
	{ XN_DCTERMS, "modified", W_ITEM, F_DATE, R_DATE, 0 },

	{ XN_DC, "language", W_ITEM, F_LANG, R_PLAIN, 0 },

	{ XN_ATOM, "link", W_FEED, FF_LINK, R_LINK, 0 },
	{ XN_RSS, "link", W_FEED, FF_LINK, R_PLAIN, 0 },
	{ XN_ATOM, "name", W_FEED_AUTHOR, FF_AUTHOR, R_PLAIN, 0 },
	{ XN_ATOM, "email", W_FEED_AUTHOR, FF_AUTHOR, R_PLAIN, 0 },
	{ XN_RSS, "language", W_FEED, FF_LANG, R_PLAIN, 0 },
	{ XN_DC, "language", W_FEED, FF_LANG, R_PLAIN, 0 },
	{ XN_RSS, "ttl", W_FEED, FF_TTL, R_PLAIN, 0 },
	{ XN_SY, "updatePeriod", W_FEED, FF_SYPERIOD, R_PLAIN, 0 },
	{ XN_SY, "updateFrequency", W_FEED, FF_SYFREQ, R_PLAIN, 0 },
};

#define XF_NTAGS (sizeof(xf_tags) / sizeof(xf_tags[0]))
_Static_assert(XF_NTAGS <= 64, "xf_find's cache holds the rows in a 64-bit mask");
#define XF_CACHE 64 /* element names remembered per document */

enum xf_content { C_PLAIN, C_HTML, C_AUTO, C_XHTML, C_SKIP };

struct xf_slot {
	char *s;
	int row;
};

/* A title or text candidate, kept raw until the item ends so that only
 * the winner is converted (HTML parsing is the dear part). */
#define XF_MAX_CANDIDATES 6
struct xf_raw {
	char *s;
	size_t n;
	int row;
	enum xf_content content;
};

struct xf_cands {
	struct xf_raw c[XF_MAX_CANDIDATES]; /* sorted by row */
	int n;
};

struct xf_frame {
	enum xf_kind kind;
	char *base;   /* xml:base set on this element (absolute), owned */
	char *lang;   /* xml:lang set on this element, owned */
};

struct xf_capture {
	int depth;              /* depth of the captured element; 0: none */
	int row;
	enum xf_field field;
	enum xf_content content;
	bool permalink;         /* an RSS guid that may be the link */
	bool emailname;         /* "jo@example.com (Jo)" to "Jo" */
	char *href;             /* an RSS <link href=...> */
	struct buf buf;
};

struct xf {
	xmlParserCtxtPtr ctxt;
	const struct xmlclean *clean; /* for the text behind markers */
	struct buf scratch;           /* expanded text, reused */
	struct text_reader *reader;   /* one HTML parser for every item */
	struct emit *emit;
	struct parse_result *res;
	const char *base_url;
	bool atom;              /* un-namespaced elements are Atom */
	size_t trunc_at;
	int depth;              /* open elements (frames used up to XF_MAX_DEPTH) */
	bool rooted;
	struct xf_frame frames[XF_MAX_DEPTH + 1];
	int item_depth;         /* depth of the open item; 0: none */
	struct xf_slot slots[F_COUNT];
	struct xf_cands cands[2]; /* F_TITLE, F_TEXT */
	int64_t date;
	char *rdf_about;        /* RSS 1.0 item identity */
	long ttl_min, sy_freq;  /* <ttl>, sy:updateFrequency */
	int64_t sy_period;      /* sy:updatePeriod in seconds */
	struct xf_capture cap;
	/* Element names come from libxml2's dictionary: the rows of each
	 * (name, namespace) are cached by pointer. */
	struct {
		const xmlChar *name;
		enum xf_ns ns;
		uint64_t rows;
	} names[XF_CACHE];
	/* Namespace URIs come from libxml2's dictionary: cache by pointer. */
	const xmlChar *ns_uri[8];
	enum xf_ns ns_val[8];
	unsigned ns_next;
};

static char *xf_cand_pick(struct xf *x, struct xf_cands *cs, size_t max);
static char *xf_convert_text(struct text_reader *r, const char *s, size_t n,
			     enum xf_content content, size_t max);

static bool
xf_uri_eq(const char *a, const char *b)
{
	size_t na = strlen(a), nb = strlen(b);

	/* A missing or extra trailing '/' is a common misspelling. */
	if (na && a[na - 1] == '/')
		na--;
	if (nb && b[nb - 1] == '/')
		nb--;
	return na == nb && strncasecmp(a, b, na) == 0;
}

static enum xf_ns
xf_ns_lookup(const char *uri, const char *prefix)
{
	for (size_t i = 0; i < sizeof(xf_namespaces) / sizeof(xf_namespaces[0]); i++) {
		if (uri && xf_uri_eq(uri, xf_namespaces[i].uri))
			return xf_namespaces[i].ns;
		/* An undeclared prefix: trust the name people always use. */
		if (!uri && prefix && xf_namespaces[i].prefix &&
		    strcmp(prefix, xf_namespaces[i].prefix) == 0)
			return xf_namespaces[i].ns;
	}
	return uri || prefix ? XN_OTHER : XN_NONE;
}

static enum xf_ns
xf_ns(struct xf *x, const xmlChar *uri, const xmlChar *prefix)
{
	enum xf_ns ns;

	if (!uri && !prefix)
		return x->atom ? XN_ATOM : XN_RSS;
	if (uri)
		for (int i = 0; i < 8; i++)
			if (x->ns_uri[i] == uri)
				return x->ns_val[i];
	ns = xf_ns_lookup((const char *)uri, (const char *)prefix);
	if (uri) {
		x->ns_uri[x->ns_next % 8] = uri;
		x->ns_val[x->ns_next++ % 8] = ns;
	}
	return ns;
}

/* The kind of the open element depth levels up (1: the parent). */
static enum xf_kind
xf_up(const struct xf *x, int levels)
{
	int d = x->depth - levels;

	return d >= 1 && d <= XF_MAX_DEPTH ? x->frames[d].kind : XK_OTHER;
}

static bool
xf_where_ok(const struct xf *x, enum xf_where w)
{
	enum xf_kind p = xf_up(x, 1), g = xf_up(x, 2);

	switch (w) {
	case W_ITEM:
		return p == XK_ITEM;
	case W_ITEM_AUTHOR:
		return p == XK_AUTHOR && g == XK_ITEM;
	case W_ITEM_DEEP:
		return x->item_depth && p != XK_SOURCE && p != XK_AUTHOR && p != XK_FIELD;
	case W_FEED:
		return !x->item_depth && p == XK_CHANNEL;
	case W_FEED_AUTHOR:
		return !x->item_depth && p == XK_AUTHOR && g == XK_CHANNEL;
	case W_ANY:
		return true;
	}
	return false;
}

/* The rows of the table for (ns, name), wherever they stand. */
static uint64_t
xf_rows(struct xf *x, enum xf_ns ns, const xmlChar *name)
{
	size_t h = ((uintptr_t)name >> 4 ^ (size_t)ns) % XF_CACHE;
	uint64_t rows = 0;

	if (x->names[h].name == name && x->names[h].ns == ns)
		return x->names[h].rows;
	for (size_t i = 0; i < XF_NTAGS; i++)
		if (xf_tags[i].ns == ns && strcmp(xf_tags[i].name, (const char *)name) == 0)
			rows |= 1ULL << i;
	x->names[h].name = name;
	x->names[h].ns = ns;
	x->names[h].rows = rows;
	return rows;
}

/* The table row for an element where it stands, or -1. */
static int
xf_find(struct xf *x, enum xf_ns ns, const xmlChar *name)
{
	uint64_t rows = xf_rows(x, ns, name);

	for (int i = 0; rows; i++, rows >>= 1)
		if ((rows & 1) && xf_where_ok(x, xf_tags[i].where))
			return i;
	return -1;
}

/* Attribute value by local name (and namespace, XN_NONE for none); a new
 * string or NULL.  NOTE: SAX2 hands '&' in attribute values over as
 * "&#38;" when entities are not substituted, so that is undone here. */
static char *
xf_attr(struct xf *x, int nb, const xmlChar **attrs, const char *name, enum xf_ns ns)
{
	for (int i = 0; i < nb; i++) {
		const xmlChar **a = attrs + 5 * i;
		struct buf b;
		const char *v, *end;

		if (strcmp((const char *)a[0], name) != 0)
			continue;
		if ((ns == XN_NONE) != (a[2] == NULL && a[1] == NULL))
			continue;
		if (ns != XN_NONE && xf_ns(x, a[2], a[1]) != ns)
			continue;
		buf_init(&b, 0);
		for (v = (const char *)a[3], end = (const char *)a[4]; v < end; v++) {
			if (end - v >= 5 && memcmp(v, "&#38;", 5) == 0) {
				buf_putc(&b, '&');
				v += 4;
			} else {
				buf_putc(&b, *v);
			}
		}
		return buf_take(&b, NULL);
	}
	return NULL;
}

/* The base for relative links here: the innermost xml:base, else the
 * feed's link, else the fetch URL. */
static const char *
xf_base(const struct xf *x)
{
	for (int d = x->depth < XF_MAX_DEPTH ? x->depth : XF_MAX_DEPTH; d >= 1; d--)
		if (x->frames[d].base)
			return x->frames[d].base;
	if (x->slots[FF_LINK].s)
		return x->slots[FF_LINK].s;
	return x->base_url;
}

static const char *
xf_lang(const struct xf *x)
{
	for (int d = x->depth < XF_MAX_DEPTH ? x->depth : XF_MAX_DEPTH; d >= 1; d--)
		if (x->frames[d].lang)
			return x->frames[d].lang;
	return NULL;
}

static void
xf_slot_set(struct xf *x, enum xf_field f, char *v, int row)
{
	struct xf_slot *s = &x->slots[f];

	if (!v)
		return;
	if (!*v || row > s->row || (row == s->row && f != F_AUTHOR && f != FF_AUTHOR)) {
		free(v);
		return;
	}
	if (row == s->row && s->s && (f == F_AUTHOR || f == FF_AUTHOR)) {
		/* Several authors at the same rank (dc:creator, atom:author). */
		if (!strstr(s->s, v)) {
			char *j = xasprintf("%s, %s", s->s, v);

			free(s->s);
			s->s = j;
		}
		free(v);
		return;
	}
	free(s->s);
	s->s = v;
	s->row = row;
}

static void
xf_clear_item(struct xf *x)
{
	for (int f = F_GUID; f <= F_LANG; f++) {
		free(x->slots[f].s);
		x->slots[f].s = NULL;
		x->slots[f].row = XF_ROW_NONE;
	}
	x->date = 0;
	free(x->rdf_about);
	x->rdf_about = NULL;
	for (int k = 0; k < 2; k++) {
		for (int i = 0; i < x->cands[k].n; i++)
			free(x->cands[k].c[i].s);
		x->cands[k].n = 0;
	}
}

/* Byte offset of the parser in the document. */
static size_t
xf_pos(const struct xf *x)
{
	xmlParserInputPtr in = x->ctxt->input;

	return in ? (size_t)in->consumed + (size_t)(in->cur - in->base) : 0;
}

static void
xf_item_end(struct xf *x)
{
	struct mention m;
	const char *lang;

	mention_init(&m);
	/* Closed by the repair of a truncated file, or past the cap (counted,
	 * not converted). */
	if ((x->trunc_at != SIZE_MAX && xf_pos(x) > x->trunc_at) ||
	    x->emit->mentions >= x->emit->max_items) {
		x->emit->skipped++;
		xf_clear_item(x);
		return;
	}
	m.guid = x->slots[F_GUID].s ? x->slots[F_GUID].s : x->rdf_about;
	if (m.guid == x->rdf_about)
		x->rdf_about = NULL;
	x->slots[F_GUID].s = NULL;
	m.url = x->slots[F_LINK].s;
	m.title = xf_cand_pick(x, &x->cands[0], MENTION_MAX_TITLE);
	m.text = xf_cand_pick(x, &x->cands[1], MENTION_MAX_TEXT);
	m.author = x->slots[F_AUTHOR].s ? x->slots[F_AUTHOR].s : xstrdup(x->slots[FF_AUTHOR].s);
	m.lang = x->slots[F_LANG].s;
	x->slots[F_LINK].s = NULL;
	x->slots[F_AUTHOR].s = x->slots[F_LANG].s = NULL;
	if (!m.lang && (lang = xf_lang(x) ? xf_lang(x) : x->slots[FF_LANG].s))
		m.lang = xstrdup(lang);
	m.published = x->date;
	xf_clear_item(x);
	if (emit_mention(x->emit, &m, NULL) != ES_OK)
		xmlStopParser(x->ctxt);
}

/* "jo@example.com (Jo Smith)" and "Jo Smith <jo@example.com>" name Jo Smith. */
static char *
xf_author_name(char *s)
{
	char *open, *close, *name = NULL;

	if (!s)
		return NULL;
	if ((open = strchr(s, '(')) && (close = strrchr(s, ')')) && close > open + 1 &&
	    memchr(s, '@', (size_t)(open - s)))
		name = xstrndup(open + 1, (size_t)(close - open - 1));
	else if ((open = strchr(s, '<')) && open > s && strchr(open, '@'))
		name = xstrndup(s, (size_t)(open - s));
	if (!name)
		return s;
	free(s);
	s = text_plain(name, strlen(name), MENTION_MAX_FIELD);
	free(name);
	return s;
}

/* Plain text of s (n bytes, with markers) read as content says; NULL
 * when empty. */
static char *
xf_convert(struct xf *x, const char *s, size_t n, enum xf_content content, size_t max)
{
	buf_reset(&x->scratch);
	xmlclean_expand(x->clean, s, n, content == C_XHTML, &x->scratch, XMLFEED_MAX_CAPTURE);
	return xf_convert_text(x->reader, buf_str(&x->scratch), x->scratch.len, content, max);
}

/* Plain text of s (n bytes, no markers) read as content says. */
static char *
xf_convert_text(struct text_reader *r, const char *s, size_t n, enum xf_content content,
		size_t max)
{
	switch (content) {
	case C_HTML:
	case C_XHTML:
		return text_html_r(r, s, n, max);
	case C_AUTO:
		return text_auto_r(r, s, n, max);
	case C_PLAIN:
		return text_plain(s, n, max);
	case C_SKIP:
		break;
	}
	return NULL;
}

/* The captured text as a plain string for its field. */
static char *
xf_cap_text(struct xf *x)
{
	struct xf_capture *c = &x->cap;

	return xf_convert(x, buf_str(&c->buf), c->buf.len, c->content, MENTION_MAX_FIELD);
}

/* Keeps the capture as a raw candidate for the title or text, in row
 * order; past XF_MAX_CANDIDATES the worst is dropped. */
static void
xf_cand_add(struct xf *x, struct xf_cands *cs)
{
	struct xf_capture *c = &x->cap;
	int i;

	if (c->content == C_SKIP || c->buf.len == strspn(buf_str(&c->buf), " \t\r\n"))
		return;
	if (cs->n == XF_MAX_CANDIDATES) {
		if (cs->c[cs->n - 1].row <= c->row)
			return;
		free(cs->c[--cs->n].s);
	}
	for (i = cs->n; i > 0 && cs->c[i - 1].row > c->row; i--)
		cs->c[i] = cs->c[i - 1];
	cs->c[i].n = c->buf.len;
	cs->c[i].s = xmemdup(buf_str(&c->buf), c->buf.len);
	cs->c[i].row = c->row;
	cs->c[i].content = c->content;
	cs->n++;
}

/* The best candidate that has any text once converted. */
static char *
xf_cand_pick(struct xf *x, struct xf_cands *cs, size_t max)
{
	char *v = NULL;

	for (int i = 0; i < cs->n && !v; i++)
		v = xf_convert(x, cs->c[i].s, cs->c[i].n, cs->c[i].content, max);
	return v;
}

static int64_t
xf_period(const char *s)
{
	static const struct {
		const char *name;
		int64_t secs;
	} periods[] = { { "hourly", 3600 },   { "daily", 86400 },      { "weekly", 604800 },
			{ "monthly", 2592000 }, { "yearly", 31536000 } };

	for (size_t i = 0; s && i < sizeof(periods) / sizeof(periods[0]); i++)
		if (strcasecmp(s, periods[i].name) == 0)
			return periods[i].secs;
	return 0;
}

/* <ttl> minutes, or sy:updatePeriod divided by sy:updateFrequency. */
static void
xf_feed_number(struct xf *x, enum xf_field f, char *v)
{
	long n = v ? strtol(v, NULL, 10) : 0;

	if (f == FF_TTL && n > 0 && n < 1000000)
		x->ttl_min = n;
	else if (f == FF_SYPERIOD)
		x->sy_period = xf_period(v);
	else if (f == FF_SYFREQ && n > 0 && n < 100000)
		x->sy_freq = n;
	free(v);
}

static void
xf_cap_end(struct xf *x)
{
	struct xf_capture *c = &x->cap;
	char *v;

	c->depth = 0;
	if (c->field == F_DATE) {
		struct buf full;
		int64_t t;

		buf_init(&full, 0);
		xmlclean_expand(x->clean, buf_str(&c->buf), c->buf.len, false, &full, 256);
		t = date_parse_len(buf_str(&full), full.len);
		buf_free(&full);

		if (t && c->row < x->slots[F_DATE].row) {
			x->date = t;
			x->slots[F_DATE].row = c->row;
		}
		return;
	}
	if (c->field == F_TITLE || c->field == F_TEXT) {
		xf_cand_add(x, &x->cands[c->field == F_TEXT]);
		return;
	}
	v = xf_cap_text(x);
	if (!v && c->href) {
		v = c->href;
		c->href = NULL;
	}
	if (c->field == FF_TTL || c->field == FF_SYPERIOD || c->field == FF_SYFREQ) {
		xf_feed_number(x, c->field, v);
		return;
	}
	if (c->emailname)
		v = xf_author_name(v);
	if (c->field == F_LINK || c->field == FF_LINK || c->permalink) {
		char *abs = url_resolve(xf_base(x), v);

		if (c->permalink && abs && strncasecmp(abs, "http", 4) == 0)
			xf_slot_set(x, F_LINK, xstrdup(abs), XF_ROW_PERMALINK);
		if (!c->permalink) {
			free(v);
			v = abs;
		} else {
			free(abs);
		}
	}
	xf_slot_set(x, c->field, v, c->row);
}

/* How typed content (Atom type/mode, media type) reads. */
static enum xf_content
xf_typed(struct xf *x, int nb, const xmlChar **attrs, enum xf_read r)
{
	char *type = xf_attr(x, nb, attrs, "type", XN_NONE);
	char *mode = xf_attr(x, nb, attrs, "mode", XN_NONE);
	char *src = xf_attr(x, nb, attrs, "src", XN_NONE);
	enum xf_content c;

	if (src || (mode && strcmp(mode, "base64") == 0))
		c = C_SKIP;
	else if (!type)
		c = r == R_MEDIA || !mode || strcmp(mode, "escaped") != 0 ? C_PLAIN : C_HTML;
	else if (strcmp(type, "html") == 0 || strcmp(type, "text/html") == 0)
		c = C_HTML;
	else if (strcmp(type, "xhtml") == 0 || strcmp(type, "application/xhtml+xml") == 0)
		c = C_XHTML;
	else if (strcmp(type, "text") == 0 || strcmp(type, "plain") == 0 ||
		 strncmp(type, "text/", 5) == 0)
		c = mode && strcmp(mode, "escaped") == 0 ? C_HTML : C_PLAIN;
	else
		c = C_SKIP;
	free(type);
	free(mode);
	free(src);
	return c;
}

/* An Atom <link>: rel="alternate" (or none) offers its href. */
static void
xf_link(struct xf *x, int row, enum xf_field f, int nb, const xmlChar **attrs)
{
	char *rel = xf_attr(x, nb, attrs, "rel", XN_NONE);
	char *href = xf_attr(x, nb, attrs, "href", XN_NONE);
	char *type = xf_attr(x, nb, attrs, "type", XN_NONE);

	if (href && (!rel || strcmp(rel, "alternate") == 0)) {
		if (type && strcmp(type, "text/html") != 0 && strcmp(type, "application/xhtml+xml") != 0)
			row += XF_ROW_OTHER_TYPE;
		xf_slot_set(x, f, url_resolve(xf_base(x), href), row);
	}
	free(rel);
	free(href);
	free(type);
}

static void
xf_cap_start(struct xf *x, int row, int nb, const xmlChar **attrs)
{
	const struct xf_tag *t = &xf_tags[row];
	struct xf_capture *c = &x->cap;
	char *perma;

	c->depth = x->depth;
	c->row = row;
	c->field = t->field;
	c->permalink = false;
	c->emailname = t->read == R_EMAILNAME;
	free(c->href);
	c->href = t->field == F_LINK || t->field == FF_LINK ? xf_attr(x, nb, attrs, "href", XN_NONE)
							     : NULL;
	buf_reset(&c->buf);
	c->content = t->read == R_HTML ? C_HTML
		     : t->read == R_AUTO ? C_AUTO
		     : t->read == R_XHTML ? C_XHTML
		     : t->read == R_TYPED || t->read == R_MEDIA ? xf_typed(x, nb, attrs, t->read)
								 : C_PLAIN;
	if (t->read == R_GUID) {
		perma = xf_attr(x, nb, attrs, "isPermaLink", XN_NONE);
		c->permalink = !perma || strcasecmp(perma, "false") != 0;
		free(perma);
	}
}

/* xml:base and xml:lang on a new element. */
static void
xf_frame_attrs(struct xf *x, struct xf_frame *fr, int nb, const xmlChar **attrs)
{
	char *base = xf_attr(x, nb, attrs, "base", XN_XML);
	char *lang = xf_attr(x, nb, attrs, "lang", XN_XML);

	fr->base = NULL;
	fr->lang = lang && *lang ? lang : (free(lang), NULL);
	if (base) {
		fr->base = url_resolve(xf_base(x), base);
		free(base);
	}
}

/* Inside a captured HTML field, child elements become tags again. */
static void
xf_cap_child(struct xf *x, const xmlChar *name, bool end)
{
	struct xf_capture *c = &x->cap;

	if (c->content != C_HTML && c->content != C_XHTML && c->content != C_AUTO)
		return;
	buf_printf(&c->buf, end ? "</%s>" : "<%s>", (const char *)name);
	if (c->content == C_AUTO)
		c->content = C_HTML;
}

static void
xf_start_row(struct xf *x, int row, int nb, const xmlChar **attrs)
{
	const struct xf_tag *t = &xf_tags[row];

	if (t->read == R_CONTAINER) {
		x->frames[x->depth].kind = t->kind;
		if (t->kind == XK_ITEM) {
			x->item_depth = x->depth;
			xf_clear_item(x);
			x->rdf_about = xf_attr(x, nb, attrs, "about", XN_RDF);
		}
		return;
	}
	x->frames[x->depth].kind = XK_FIELD;
	if (t->read == R_LINK)
		xf_link(x, row, t->field, nb, attrs);
	else if (row < x->slots[t->field].row || t->field == F_AUTHOR || t->field == FF_AUTHOR ||
		 t->field == F_TITLE || t->field == F_TEXT)
		xf_cap_start(x, row, nb, attrs);
}

static void
xf_sax_start(void *ctx, const xmlChar *local, const xmlChar *prefix, const xmlChar *uri,
	     int nb_ns, const xmlChar **ns, int nb_attrs, int nb_def, const xmlChar **attrs)
{
	struct xf *x = ctx;
	struct xf_frame *fr;
	int row;

	(void)nb_ns, (void)ns, (void)nb_def;
	x->depth++;
	if (x->depth > XF_MAX_DEPTH)
		return;
	fr = &x->frames[x->depth];
	fr->kind = x->depth == 1 ? XK_ROOT : XK_OTHER;
	xf_frame_attrs(x, fr, nb_attrs, attrs);
	x->rooted = true;
	if (x->cap.depth) {
		xf_cap_child(x, local, false);
		return;
	}
	row = xf_find(x, xf_ns(x, uri, prefix), local);
	if (row >= 0 && !(xf_tags[row].kind == XK_ITEM && x->item_depth))
		xf_start_row(x, row, nb_attrs, attrs);
}

static void
xf_sax_end(void *ctx, const xmlChar *local, const xmlChar *prefix, const xmlChar *uri)
{
	struct xf *x = ctx;

	(void)prefix, (void)uri;
	if (x->depth <= XF_MAX_DEPTH) {
		if (x->cap.depth == x->depth)
			xf_cap_end(x);
		else if (x->cap.depth)
			xf_cap_child(x, local, true);
		if (x->item_depth == x->depth) {
			xf_item_end(x);
			x->item_depth = 0;
		}
		free(x->frames[x->depth].base);
		free(x->frames[x->depth].lang);
		x->frames[x->depth].base = x->frames[x->depth].lang = NULL;
	}
	x->depth--;
}

static void
xf_sax_chars(void *ctx, const xmlChar *ch, int len)
{
	struct xf *x = ctx;
	struct xf_capture *c = &x->cap;

	if (!c->depth || c->content == C_SKIP)
		return;
	if (c->content != C_XHTML) {
		buf_append(&c->buf, ch, (size_t)len);
		return;
	}
	for (int i = 0; i < len; i++) {
		const char *esc = ch[i] == '<' ? "&lt;" : ch[i] == '&' ? "&amp;" : NULL;

		if (esc)
			buf_puts(&c->buf, esc);
		else
			buf_putc(&c->buf, (char)ch[i]);
	}
}

static void
xf_sax_error(void *ctx, xmlErrorPtr error)
{
	(void)ctx, (void)error;
}

static void
xf_init(struct xf *x, struct emit *e, struct parse_result *res, enum parse_format format,
	const char *base_url)
{
	memset(x, 0, sizeof(*x));
	x->emit = e;
	x->res = res;
	x->atom = format == PARSE_ATOM;
	x->base_url = base_url;
	for (int f = 0; f < F_COUNT; f++)
		x->slots[f].row = XF_ROW_NONE;
	buf_init(&x->cap.buf, XMLFEED_MAX_CAPTURE);
	buf_init(&x->scratch, 0);
}

static void
xf_free(struct xf *x)
{
	xf_clear_item(x);
	for (int f = 0; f < F_COUNT; f++)
		free(x->slots[f].s);
	for (int d = 0; d <= XF_MAX_DEPTH; d++) {
		free(x->frames[d].base);
		free(x->frames[d].lang);
	}
	free(x->cap.href);
	buf_free(&x->cap.buf);
	buf_free(&x->scratch);
}

/* Runs libxml2's SAX2 parser over the repaired document. */
static bool
xf_run(struct xf *x, const char *xml, size_t len)
{
	xmlSAXHandler sax;
	xmlSAXHandlerPtr old;
	bool well;

	memset(&sax, 0, sizeof(sax));
	sax.initialized = XML_SAX2_MAGIC;
	sax.startElementNs = xf_sax_start;
	sax.endElementNs = xf_sax_end;
	sax.characters = xf_sax_chars;
	sax.cdataBlock = xf_sax_chars;
	sax.ignorableWhitespace = xf_sax_chars;
	sax.serror = xf_sax_error;
	if (len > INT_MAX || !(x->ctxt = xmlCreateMemoryParserCtxt(xml, (int)len)))
		return false;
	old = x->ctxt->sax;
	x->ctxt->sax = &sax;
	x->ctxt->userData = x;
	xmlCtxtUseOptions(x->ctxt, XML_PARSE_RECOVER | XML_PARSE_NONET | XML_PARSE_NOERROR |
					   XML_PARSE_NOWARNING | XML_PARSE_NOCDATA);
	xmlParseDocument(x->ctxt);
	well = x->ctxt->wellFormed;
	x->ctxt->sax = old;
	if (x->ctxt->myDoc)
		xmlFreeDoc(x->ctxt->myDoc);
	xmlFreeParserCtxt(x->ctxt);
	x->ctxt = NULL;
	return well;
}

enum es_err
xmlfeed_parse(const char *data, size_t len, size_t root, enum parse_format format,
	      const char *base_url, struct emit *e, struct parse_result *res, char *err,
	      size_t errlen)
{
	struct xmlclean clean;
	struct xf x;
	bool well;

	xmlclean_run(data, len, root, &clean);
	if (!clean.len) {
		xmlclean_free(&clean);
		return es_error(ES_EPARSE, err, errlen, "no root element");
	}
	xf_init(&x, e, res, format, base_url);
	x.trunc_at = clean.trunc_at;
	x.clean = &clean;
	/* What libxml2 hands over, and the repair pass keeps aside, is UTF-8. */
	x.reader = text_reader_new(true);
	well = xf_run(&x, clean.data, clean.len);
	res->recovered = clean.repairs > 0 || !well;
	res->ttl = x.ttl_min ? (int64_t)x.ttl_min * 60
		   : x.sy_period ? x.sy_period / (x.sy_freq > 0 ? x.sy_freq : 1) : 0;
	xf_free(&x);
	text_reader_free(x.reader);
	xmlclean_free(&clean);
	if (!x.rooted)
		return es_error(ES_EPARSE, err, errlen, "no root element");
	if (ES_FAILED(e->rc))
		return es_error(e->rc, err, errlen, "the callback failed: %s", es_strerror(e->rc));
	return ES_OK;
}
