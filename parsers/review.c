/* review.c - reviews out of HTML pages.
 *
 * The page is parsed once into a libxml2 HTML tree (XPath needs one).
 * Three readers share one record (struct rv_item) and one way out
 * (rv_emit): JSON-LD, microdata, and feeds.conf XPath selectors. */
#include "parsers/review.h"

#include <libxml/HTMLparser.h>
#include <libxml/HTMLtree.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/buf.h"
#include "core/xalloc.h"
#include "parsers/date.h"
#include "parsers/json.h"
#include "parsers/rating.h"
#include "parsers/text.h"
#include "parsers/url.h"

struct rv {
	struct emit *e;
	const struct parse_map *map;
	char *page;       /* the page's URL: <base href>, else base_url; may be NULL */
	htmlDocPtr doc;
	size_t emitted;
};

struct rv_item {
	char *id, *url, *title, *text, *author, *lang;
	char *about;      /* the name of what is reviewed: the title when none */
	int64_t published;
	double value, best, worst;
	bool aggregate;
	bool text_is_html;
	bool id_is_iri;   /* a JSON-LD @id: relative ones resolve against the page */
};

static void
rv_item_init(struct rv_item *it)
{
	memset(it, 0, sizeof(*it));
	it->value = it->best = it->worst = NAN;
}

static void
rv_item_free(struct rv_item *it)
{
	free(it->id);
	free(it->url);
	free(it->title);
	free(it->text);
	free(it->author);
	free(it->lang);
	free(it->about);
}

/* Sets *dst to s when *dst is empty; frees s otherwise. */
static void
rv_set(char **dst, char *s)
{
	if (!*dst && s && *s) {
		*dst = s;
		return;
	}
	free(s);
}

/* The guid of a review without its own: page URL + "#" + content hash. */
static char *
rv_guid(const struct rv *r, const struct rv_item *it)
{
	char h[33], date[24];
	const char *parts[] = { it->title ? it->title : "", it->text ? it->text : "",
				it->author ? it->author : "", date, NULL };

	snprintf(date, sizeof(date), "%lld", (long long)it->published);
	if (it->aggregate)
		parts[1] = "aggregateRating";
	emit_hash(parts, h);
	return xasprintf("%s#%.16s", r->page ? r->page : "review", h);
}

static void
rv_emit(struct rv *r, struct rv_item *it)
{
	struct mention m;
	double best = it->best, worst = it->worst;

	mention_init(&m);
	if (!it->title) {
		it->title = it->about;
		it->about = NULL;
	}
	m.title = it->title ? text_auto(it->title, strlen(it->title), MENTION_MAX_TITLE) : NULL;
	if (it->text)
		m.text = it->text_is_html ? text_html(it->text, strlen(it->text), MENTION_MAX_TEXT)
					  : text_auto(it->text, strlen(it->text), MENTION_MAX_TEXT);
	m.author = it->author ? text_auto(it->author, strlen(it->author), MENTION_MAX_FIELD) : NULL;
	m.lang = it->lang;
	it->lang = NULL;
	m.published = it->published;
	if (r->map && r->map->rating_scale)
		rating_scale_parse(r->map->rating_scale, &best, &worst);
	m.rating = rating_norm(it->value, best, worst);
	m.url = url_resolve(r->page, it->url);
	if (it->id)
		m.guid = it->id_is_iri ? url_resolve(r->page, it->id) : xstrdup(it->id);
	if (!m.url)
		m.url = xstrdup(r->page);
	if (!m.guid && !it->url)
		m.guid = rv_guid(r, it);
	if (m.title || m.text || !isnan(m.rating))
		r->emitted++;
	emit_mention(r->e, &m, NULL);
}

/* ---- JSON-LD ---- */

enum rv_kind { RK_OTHER, RK_REVIEW, RK_AGGREGATE };

/* Review, UserReview, CriticReview, EmployerReview; AggregateRating and
 * its kin; with or without a "https://schema.org/" or "schema:" prefix. */
static enum rv_kind
rv_type_name(const char *t)
{
	const char *slash = strrchr(t, '/'), *colon = strrchr(t, ':');
	const char *local = slash && slash > colon ? slash + 1 : colon ? colon + 1 : t;
	size_t n = strlen(local);

	if (n >= 15 && strcmp(local + n - 15, "AggregateRating") == 0)
		return RK_AGGREGATE;
	if (n >= 6 && strcmp(local + n - 6, "Review") == 0)
		return RK_REVIEW;
	return RK_OTHER;
}

static enum rv_kind
rv_ld_kind(const cJSON *obj, enum rv_kind hint)
{
	const cJSON *t = json_get(obj, "@type"), *e;
	enum rv_kind k;

	if (!t)
		return hint;
	if (cJSON_IsString(t))
		return rv_type_name(t->valuestring);
	cJSON_ArrayForEach(e, t)
		if (cJSON_IsString(e) && (k = rv_type_name(e->valuestring)) != RK_OTHER)
			return k;
	return RK_OTHER;
}

/* A person, organisation or thing as text: a string, its name, or the
 * names of a list joined with ", ". */
static char *
rv_ld_text(const cJSON *v, int depth)
{
	struct buf b;
	const cJSON *e;
	char *s;

	if (!v || depth > 4)
		return NULL;
	if (cJSON_IsObject(v))
		return rv_ld_text(json_get(v, "name") ? json_get(v, "name") : json_get(v, "@value"),
				  depth + 1);
	if (!cJSON_IsArray(v))
		return json_scalar(v);
	buf_init(&b, 0);
	cJSON_ArrayForEach(e, v)
		if ((s = rv_ld_text(e, depth + 1))) {
			if (b.len)
				buf_puts(&b, ", ");
			buf_puts(&b, s);
			free(s);
		}
	return b.len ? buf_take(&b, NULL) : (buf_free(&b), NULL);
}

static void
rv_ld_rating(const cJSON *obj, struct rv_item *it)
{
	const cJSON *v = json_get(obj, "ratingValue");

	it->value = json_number(v);
	if (isnan(it->value) && cJSON_IsString(v))
		it->value = rating_from_text(v->valuestring, &it->best);
	if (!isnan(json_number(json_get(obj, "bestRating"))))
		it->best = json_number(json_get(obj, "bestRating"));
	if (!isnan(json_number(json_get(obj, "worstRating"))))
		it->worst = json_number(json_get(obj, "worstRating"));
}

static void
rv_ld_review(struct rv *r, const cJSON *obj, const char *about)
{
	struct rv_item it;
	const cJSON *rating = json_get(obj, "reviewRating");
	char *item_name = rv_ld_text(json_get(obj, "itemReviewed"), 0);

	rv_item_init(&it);
	rv_set(&it.id, json_scalar(json_get(obj, "@id")));
	it.id_is_iri = true;
	rv_set(&it.url, json_scalar(json_get(obj, "url")));
	rv_set(&it.title, json_scalar(json_get(obj, "name")));
	rv_set(&it.title, json_scalar(json_get(obj, "headline")));
	rv_set(&it.about, item_name ? item_name : xstrdup(about));
	rv_set(&it.text, json_scalar(json_get(obj, "reviewBody")));
	rv_set(&it.text, json_scalar(json_get(obj, "description")));
	rv_set(&it.text, json_scalar(json_get(obj, "text")));
	rv_set(&it.author, rv_ld_text(json_get(obj, "author"), 0));
	rv_set(&it.lang, json_scalar(json_get(obj, "inLanguage")));
	if (!(it.published = json_date(json_get(obj, "datePublished"))))
		it.published = json_date(json_get(obj, "dateCreated"));
	if (cJSON_IsObject(rating))
		rv_ld_rating(rating, &it);
	else
		it.value = json_number(rating);
	rv_emit(r, &it);
	rv_item_free(&it);
}

static void
rv_ld_aggregate(struct rv *r, const cJSON *obj, const char *about)
{
	struct rv_item it;

	rv_item_init(&it);
	it.aggregate = true;
	rv_set(&it.title, rv_ld_text(json_get(obj, "itemReviewed"), 0));
	rv_set(&it.title, xstrdup(about));
	rv_ld_rating(obj, &it);
	if (!isnan(it.value))
		rv_emit(r, &it);
	rv_item_free(&it);
}

static void
rv_ld_walk(struct rv *r, const cJSON *v, const char *about, enum rv_kind hint, int depth)
{
	const cJSON *c;
	const char *name;

	if (depth > REVIEW_MAX_DEPTH / 4 || emit_stopped(r->e))
		return;
	if (cJSON_IsArray(v)) {
		cJSON_ArrayForEach(c, v)
			rv_ld_walk(r, c, about, hint, depth + 1);
		return;
	}
	if (!cJSON_IsObject(v))
		return;
	switch (rv_ld_kind(v, hint)) {
	case RK_REVIEW:
		rv_ld_review(r, v, about);
		return;
	case RK_AGGREGATE:
		rv_ld_aggregate(r, v, about);
		return;
	case RK_OTHER:
		break;
	}
	name = json_str(v, "name") ? json_str(v, "name") : about;
	cJSON_ArrayForEach(c, v) {
		enum rv_kind h = !c->string ? RK_OTHER
				 : strcmp(c->string, "review") == 0 || strcmp(c->string, "reviews") == 0
				     ? RK_REVIEW
				 : strcmp(c->string, "aggregateRating") == 0 ? RK_AGGREGATE
									      : RK_OTHER;

		if (cJSON_IsObject(c) || cJSON_IsArray(c))
			rv_ld_walk(r, c, name, h, depth + 1);
	}
}

/* The JSON inside a script element, without the HTML comment or CDATA
 * wrappers some pages put around it. */
static cJSON *
rv_ld_parse(const char *s)
{
	static const char *const wrappers[][2] = { { "<!--", "-->" },
						   { "//<![CDATA[", "//]]>" },
						   { "<![CDATA[", "]]>" } };
	size_t n;

	s += strspn(s, " \t\r\n");
	n = strlen(s);
	while (n && strchr(" \t\r\n;", s[n - 1]))
		n--;
	for (size_t i = 0; i < 3; i++) {
		size_t a = strlen(wrappers[i][0]), b = strlen(wrappers[i][1]);

		if (n >= a + b && strncmp(s, wrappers[i][0], a) == 0 &&
		    strncmp(s + n - b, wrappers[i][1], b) == 0) {
			s += a;
			n -= a + b;
		}
	}
	return json_parse(s, n, NULL, 0);
}

static bool
rv_is_ld_script(xmlNodePtr node)
{
	xmlChar *type = xmlGetProp(node, (const xmlChar *)"type");
	bool ok = type && strcasestr((const char *)type, "ld+json") != NULL;

	xmlFree(type);
	return ok;
}

static xmlXPathObjectPtr
rv_xpath(xmlXPathContextPtr xp, const char *expr, xmlNodePtr node)
{
	xp->node = node;
	return xmlXPathEvalExpression((const xmlChar *)expr, xp);
}

static void
rv_jsonld(struct rv *r, xmlXPathContextPtr xp)
{
	xmlXPathObjectPtr o = rv_xpath(xp, "//script[@type]", NULL);
	xmlNodeSetPtr set = o ? o->nodesetval : NULL;

	for (int i = 0; set && i < set->nodeNr && !emit_stopped(r->e); i++) {
		xmlChar *body;
		cJSON *root;

		if (!rv_is_ld_script(set->nodeTab[i]))
			continue;
		body = xmlNodeGetContent(set->nodeTab[i]);
		root = body ? rv_ld_parse((const char *)body) : NULL;
		if (root)
			rv_ld_walk(r, root, NULL, RK_OTHER, 0);
		cJSON_Delete(root);
		xmlFree(body);
	}
	xmlXPathFreeObject(o);
}

/* ---- microdata ---- */

static char *
rv_prop(xmlNodePtr n, const char *name)
{
	xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
	char *s = v ? xstrdup((const char *)v) : NULL;

	xmlFree(v);
	return s;
}

/* The microdata value of an element (HTML Living Standard, itemprop). */
static char *
rv_md_value(xmlNodePtr n)
{
	static const struct {
		const char *tag, *attr;
	} by_tag[] = { { "meta", "content" }, { "a", "href" },       { "link", "href" },
		       { "area", "href" },    { "img", "src" },       { "source", "src" },
		       { "time", "datetime" }, { "data", "value" },   { "meter", "value" } };
	char *v;
	xmlChar *txt;

	if ((v = rv_prop(n, "content")))
		return v;
	for (size_t i = 0; i < sizeof(by_tag) / sizeof(by_tag[0]); i++)
		if (strcasecmp((const char *)n->name, by_tag[i].tag) == 0 &&
		    (v = rv_prop(n, by_tag[i].attr)))
			return v;
	txt = xmlNodeGetContent(n);
	v = txt ? text_plain((const char *)txt, strlen((const char *)txt), MENTION_MAX_TEXT) : NULL;
	xmlFree(txt);
	return v;
}

/* A number property (ratingValue and its scale): sets *dst when unset. */
static void
rv_md_number(double *dst, char *v, double *best)
{
	double scale = NAN, d = rating_from_text(v, best ? best : &scale);

	if (isnan(*dst))
		*dst = d;
	free(v);
}

/* Puts one property into the review record; takes v. */
static void
rv_md_assign(struct rv_item *it, const char *prop, char *v)
{
	if (!v)
		return;
	if (!strcmp(prop, "reviewBody") || !strcmp(prop, "description")) {
		rv_set(&it->text, v);
	} else if (!strcmp(prop, "name") || !strcmp(prop, "headline")) {
		rv_set(&it->title, v);
	} else if (!strcmp(prop, "author")) {
		rv_set(&it->author, v);
	} else if (!strcmp(prop, "url")) {
		rv_set(&it->url, v);
	} else if (!strcmp(prop, "inLanguage")) {
		rv_set(&it->lang, v);
	} else if (!strcmp(prop, "datePublished")) {
		if (!it->published)
			it->published = date_parse(v);
		free(v);
	} else if (!strcmp(prop, "ratingValue")) {
		rv_md_number(&it->value, v, &it->best);
	} else if (!strcmp(prop, "bestRating")) {
		rv_md_number(&it->best, v, NULL);
	} else if (!strcmp(prop, "worstRating")) {
		rv_md_number(&it->worst, v, NULL);
	} else {
		free(v);
	}
}

static void rv_md_walk(xmlNodePtr node, struct rv_item *it, int depth);

/* A nested itemscope under itemprop: its rating or name, nothing else. */
static void
rv_md_nested(xmlNodePtr n, const char *prop, struct rv_item *it, int depth)
{
	struct rv_item sub;

	if (strcmp(prop, "reviewRating") != 0 && strcmp(prop, "author") != 0 &&
	    strcmp(prop, "itemReviewed") != 0)
		return;
	rv_item_init(&sub);
	rv_md_walk(n, &sub, depth + 1);
	if (!strcmp(prop, "reviewRating")) {
		it->value = sub.value;
		it->best = isnan(sub.best) ? it->best : sub.best;
		it->worst = isnan(sub.worst) ? it->worst : sub.worst;
	} else if (!strcmp(prop, "author")) {
		rv_set(&it->author, sub.title);
		sub.title = NULL;
	} else {
		rv_set(&it->about, sub.title);
		sub.title = NULL;
	}
	rv_item_free(&sub);
}

/* Collects the itemprops under node that belong to its itemscope. */
static void
rv_md_walk(xmlNodePtr node, struct rv_item *it, int depth)
{
	if (depth > REVIEW_MAX_DEPTH)
		return;
	for (xmlNodePtr c = node->children; c; c = c->next) {
		char *props;
		bool scope;

		if (c->type != XML_ELEMENT_NODE)
			continue;
		scope = xmlHasProp(c, (const xmlChar *)"itemscope") != NULL;
		if ((props = rv_prop(c, "itemprop"))) {
			/* itemprop may hold several names separated by spaces. */
			for (char *p = props; *p; ) {
				size_t n = strcspn(p, " \t\r\n");
				char save = p[n];

				p[n] = '\0';
				if (n && scope)
					rv_md_nested(c, p, it, depth);
				else if (n)
					rv_md_assign(it, p, rv_md_value(c));
				p += n + (save != '\0');
			}
			free(props);
		}
		if (!scope)
			rv_md_walk(c, it, depth + 1);
	}
}

/* The name property of the itemscope that holds n, for an aggregate. */
static char *
rv_md_owner_name(xmlNodePtr n)
{
	struct rv_item owner;
	char *name;

	for (n = n->parent; n && n->type == XML_ELEMENT_NODE; n = n->parent)
		if (xmlHasProp(n, (const xmlChar *)"itemscope"))
			break;
	if (!n || n->type != XML_ELEMENT_NODE)
		return NULL;
	rv_item_init(&owner);
	rv_md_walk(n, &owner, 0);
	name = owner.title;
	owner.title = NULL;
	rv_item_free(&owner);
	return name;
}

static void
rv_microdata(struct rv *r, xmlXPathContextPtr xp)
{
	xmlXPathObjectPtr o = rv_xpath(xp, "//*[@itemscope][@itemtype]", NULL);
	xmlNodeSetPtr set = o ? o->nodesetval : NULL;

	for (int i = 0; set && i < set->nodeNr && !emit_stopped(r->e); i++) {
		xmlNodePtr n = set->nodeTab[i];
		char *type = rv_prop(n, "itemtype");
		enum rv_kind k = type ? rv_type_name(type) : RK_OTHER;
		struct rv_item it;

		free(type);
		if (k == RK_OTHER)
			continue;
		rv_item_init(&it);
		it.aggregate = k == RK_AGGREGATE;
		rv_md_walk(n, &it, 0);
		if (it.aggregate)
			rv_set(&it.title, rv_md_owner_name(n));
		if (!it.aggregate || !isnan(it.value))
			rv_emit(r, &it);
		rv_item_free(&it);
	}
	xmlXPathFreeObject(o);
}

/* ---- XPath selectors ---- */

/* The HTML of a node, for text_html. */
static void
rv_node_html(xmlDocPtr doc, xmlNodePtr n, struct buf *out)
{
	xmlBufferPtr b = xmlBufferCreate();

	if (!b)
		return;
	if (n->type == XML_ATTRIBUTE_NODE || n->type == XML_TEXT_NODE) {
		xmlChar *t = xmlNodeGetContent(n);

		if (t) {
			/* Text, not markup: escape it so the HTML reader keeps it. */
			for (const xmlChar *p = t; *p; p++) {
				if (*p == '<')
					buf_puts(out, "&lt;");
				else if (*p == '&')
					buf_puts(out, "&amp;");
				else
					buf_putc(out, (char)*p);
			}
		}
		xmlFree(t);
	} else {
		htmlNodeDump(b, doc, n);
		buf_append(out, xmlBufferContent(b), (size_t)xmlBufferLength(b));
	}
	buf_putc(out, ' ');
	xmlBufferFree(b);
}

/* The value of expr evaluated at node: the markup of every node it
 * selects (all for text, else the first), or a string result. */
static char *
rv_select(struct rv *r, xmlXPathContextPtr xp, const char *expr, xmlNodePtr node, bool all,
	  bool *html)
{
	xmlXPathObjectPtr o;
	struct buf b;
	char *s = NULL;

	*html = false;
	if (!expr || !(o = rv_xpath(xp, expr, node)))
		return NULL;
	buf_init(&b, 0);
	if (o->type == XPATH_NODESET && o->nodesetval) {
		for (int i = 0; i < o->nodesetval->nodeNr && (all || i == 0); i++)
			rv_node_html(r->doc, o->nodesetval->nodeTab[i], &b);
		*html = true;
	} else if (o->type != XPATH_NODESET) {
		xmlChar *str = xmlXPathCastToString(o);

		buf_puts(&b, (const char *)str);
		xmlFree(str);
	}
	xmlXPathFreeObject(o);
	if (b.len)
		s = buf_take(&b, NULL);
	buf_free(&b);
	return s;
}

/* A selected field as plain text. */
static char *
rv_select_text(struct rv *r, xmlXPathContextPtr xp, const char *expr, xmlNodePtr node, bool all)
{
	bool html;
	char *s = rv_select(r, xp, expr, node, all, &html), *t;

	if (!s)
		return NULL;
	t = html ? text_html(s, strlen(s), MENTION_MAX_TEXT) : text_plain(s, strlen(s), MENTION_MAX_TEXT);
	free(s);
	return t;
}

static void
rv_xpath_item(struct rv *r, xmlXPathContextPtr xp, xmlNodePtr node)
{
	const struct parse_map *m = r->map;
	struct rv_item it;
	char *s;

	rv_item_init(&it);
	it.id = rv_select_text(r, xp, m->id, node, false);
	it.url = rv_select_text(r, xp, m->link, node, false);
	it.title = rv_select_text(r, xp, m->title, node, false);
	it.text = rv_select_text(r, xp, m->text, node, true);
	it.author = rv_select_text(r, xp, m->author, node, false);
	if ((s = rv_select_text(r, xp, m->published, node, false)))
		it.published = date_parse(s);
	free(s);
	if ((s = rv_select_text(r, xp, m->rating, node, false)))
		it.value = rating_from_text(s, &it.best);
	free(s);
	rv_emit(r, &it);
	rv_item_free(&it);
}

static enum es_err
rv_selectors(struct rv *r, xmlXPathContextPtr xp, char *err, size_t errlen)
{
	xmlXPathObjectPtr o = rv_xpath(xp, r->map->item, NULL);

	if (!o)
		return es_error(ES_EINVAL, err, errlen, "item: XPath %s does not evaluate",
				r->map->item);
	for (int i = 0; o->nodesetval && i < o->nodesetval->nodeNr && !emit_stopped(r->e); i++)
		rv_xpath_item(r, xp, o->nodesetval->nodeTab[i]);
	xmlXPathFreeObject(o);
	return ES_OK;
}

/* <base href> resolved against the fetch URL. */
static char *
rv_page_url(xmlXPathContextPtr xp, const char *base_url)
{
	xmlXPathObjectPtr o = rv_xpath(xp, "string(//head/base/@href)", NULL);
	char *page = NULL;

	if (o && o->type == XPATH_STRING && o->stringval && *o->stringval)
		page = url_resolve(base_url, (const char *)o->stringval);
	xmlXPathFreeObject(o);
	return page ? page : xstrdup(base_url);
}

static void
rv_xpath_silent(void *ctx, xmlErrorPtr error)
{
	(void)ctx, (void)error;
}

enum es_err
review_parse(const char *html, size_t len, const struct parse_map *map, const char *base_url,
	     struct emit *e, char *err, size_t errlen)
{
	struct rv r = { .e = e, .map = map };
	xmlXPathContextPtr xp;
	enum es_err rc = ES_OK;

	if (len > INT32_MAX)
		return es_error(ES_ETOOBIG, err, errlen, "page too large");
	r.doc = htmlReadMemory(html, (int)len, NULL, "UTF-8",
			       HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
				       HTML_PARSE_NONET | HTML_PARSE_COMPACT);
	if (!r.doc || !(xp = xmlXPathNewContext(r.doc))) {
		xmlFreeDoc(r.doc);
		return es_error(ES_EPARSE, err, errlen, "not an HTML page");
	}
	xp->error = rv_xpath_silent;
	r.page = rv_page_url(xp, base_url);
	if (map && map->item) {
		rc = rv_selectors(&r, xp, err, errlen);
	} else {
		rv_jsonld(&r, xp);
		if (!r.emitted)
			rv_microdata(&r, xp);
	}
	xmlXPathFreeContext(xp);
	xmlFreeDoc(r.doc);
	free(r.page);
	if (!rc && ES_FAILED(e->rc))
		rc = es_error(e->rc, err, errlen, "the callback failed: %s", es_strerror(e->rc));
	return rc;
}

/* Keeps where the first XPath error of a compile was.  NOTE: libxml2
 * 2.9.14 hands the offset in int1 but leaves message NULL here. */
static void
rv_xpath_keep(void *ctx, xmlErrorPtr error)
{
	int *at = ctx;

	if (*at < 0 && error)
		*at = error->int1;
}

enum es_err
review_xpath_check(const char *expr, char *err, size_t errlen, int *col)
{
	xmlXPathContextPtr xp = xmlXPathNewContext(NULL);
	xmlXPathCompExprPtr c;
	int at = -1;

	*col = 0;
	if (!xp)
		return es_error(ES_EINVAL, err, errlen, "cannot check XPath");
	xp->error = rv_xpath_keep;
	xp->userData = &at;
	c = xmlXPathCtxtCompile(xp, (const xmlChar *)expr);
	xmlXPathFreeContext(xp);
	if (c) {
		xmlXPathFreeCompExpr(c);
		return ES_OK;
	}
	if (at >= 0)
		*col = at + 1;
	return es_error(ES_EINVAL, err, errlen, "bad XPath expression");
}
