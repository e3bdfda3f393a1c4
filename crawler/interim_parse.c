/* interim_parse.c - NOTE: TEMPORARY.  A minimal parse_document() so that
 * the crawler can be tested end to end before the real parsers (issue of
 * the parsers engineer) are on main.  It reads RSS 2.0 items, Atom entries
 * and JSON Feed items, nothing else.  Delete this file when parsers/parse.c
 * lands: it defines the same symbols, so the link fails until one goes. */
#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/when.h"
#include "core/xalloc.h"
#include "parsers/parse.h"

static char *
node_text(xmlNode *n)
{
	xmlChar *t = xmlNodeGetContent(n);
	char *s = xstrdup(t ? (const char *)t : "");

	xmlFree(t);
	return s;
}

static int64_t
date_of(const char *s)
{
	int64_t t;
	time_t c;

	if (when_parse_iso(s, &t) == ES_OK)
		return t;
	c = curl_getdate(s, NULL);
	return c == -1 ? 0 : (int64_t)c;
}

static void
field(struct mention *m, xmlNode *c)
{
	const char *name = (const char *)c->name;
	char **slot = NULL;

	if (!strcmp(name, "guid") || !strcmp(name, "id"))
		slot = &m->guid;
	else if (!strcmp(name, "title"))
		slot = &m->title;
	else if (!strcmp(name, "description") || !strcmp(name, "summary") ||
		 !strcmp(name, "content"))
		slot = &m->text;
	else if (!strcmp(name, "author") || !strcmp(name, "creator"))
		slot = &m->author;
	if (slot && !*slot)
		*slot = node_text(c);
	if (!strcmp(name, "link") && !m->url) {
		xmlChar *href = xmlGetProp(c, (const xmlChar *)"href");

		m->url = href ? xstrdup((const char *)href) : node_text(c);
		xmlFree(href);
	}
	if ((!strcmp(name, "pubDate") || !strcmp(name, "published") ||
	     !strcmp(name, "updated")) && !m->published) {
		char *d = node_text(c);

		m->published = date_of(d);
		free(d);
	}
}

static enum es_err
emit_item(xmlNode *item, mention_fn fn, void *ctx, struct parse_result *res)
{
	struct mention m;
	enum es_err rc;

	mention_init(&m);
	for (xmlNode *c = item->children; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE)
			field(&m, c);
	if (!m.guid)
		m.guid = xstrdup(m.url ? m.url : m.title ? m.title : "");
	rc = fn(&m, ctx);
	mention_reset(&m);
	if (res)
		res->mentions++;
	return rc;
}

static enum es_err
walk(xmlNode *n, mention_fn fn, void *ctx, struct parse_result *res)
{
	for (; n; n = n->next) {
		enum es_err rc;

		if (n->type != XML_ELEMENT_NODE)
			continue;
		if (!strcmp((const char *)n->name, "ttl") && res) {
			char *t = node_text(n);

			res->ttl = strtoll(t, NULL, 10) * 60;
			free(t);
		}
		if (!strcmp((const char *)n->name, "item") || !strcmp((const char *)n->name, "entry"))
			rc = emit_item(n, fn, ctx, res);
		else
			rc = walk(n->children, fn, ctx, res);
		if (rc != ES_OK)
			return rc;
	}
	return ES_OK;
}

static enum es_err
parse_jsonfeed(const char *data, size_t len, mention_fn fn, void *ctx, struct parse_result *res)
{
	cJSON *doc = cJSON_ParseWithLength(data, len), *it;
	enum es_err rc = ES_OK;

	if (!doc)
		return ES_EPARSE;
	cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(doc, "items")) {
		struct mention m;
		const cJSON *v;

		mention_init(&m);
		if (cJSON_IsString(v = cJSON_GetObjectItemCaseSensitive(it, "id")))
			m.guid = xstrdup(v->valuestring);
		if (cJSON_IsString(v = cJSON_GetObjectItemCaseSensitive(it, "url")))
			m.url = xstrdup(v->valuestring);
		if (cJSON_IsString(v = cJSON_GetObjectItemCaseSensitive(it, "title")))
			m.title = xstrdup(v->valuestring);
		if (cJSON_IsString(v = cJSON_GetObjectItemCaseSensitive(it, "content_text")))
			m.text = xstrdup(v->valuestring);
		if (cJSON_IsString(v = cJSON_GetObjectItemCaseSensitive(it, "date_published")))
			m.published = date_of(v->valuestring);
		if (!m.guid)
			m.guid = xstrdup(m.url ? m.url : "");
		rc = fn(&m, ctx);
		mention_reset(&m);
		if (res)
			res->mentions++;
		if (rc != ES_OK)
			break;
	}
	cJSON_Delete(doc);
	return rc == ES_STOP ? ES_OK : rc;
}

enum es_err
parse_document(const char *data, size_t len, const struct parse_opts *opts, mention_fn fn,
	       void *ctx, struct parse_result *res, char *err, size_t errlen)
{
	xmlDoc *doc;
	enum es_err rc;

	(void)opts;
	if (res)
		memset(res, 0, sizeof(*res));
	while (len && (*data == ' ' || *data == '\n' || *data == '\r' || *data == '\t'))
		data++, len--;
	if (len && (*data == '{' || *data == '[')) {
		if (res)
			res->format = PARSE_JSONFEED;
		if ((rc = parse_jsonfeed(data, len, fn, ctx, res)) == ES_EPARSE)
			return es_error(rc, err, errlen, "not JSON");
		return rc;
	}
	doc = xmlReadMemory(data, (int)len, NULL, NULL,
			    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (!doc)
		return es_error(ES_EPARSE, err, errlen, "not well-formed XML");
	if (res)
		res->format = PARSE_RSS;
	rc = walk(xmlDocGetRootElement(doc), fn, ctx, res);
	xmlFreeDoc(doc);
	return rc == ES_STOP ? ES_OK : rc;
}
