/* jsonfeed.c - JSON Feed items to mentions. */
#include "parsers/jsonfeed.h"

#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/xalloc.h"
#include "parsers/json.h"
#include "parsers/text.h"
#include "parsers/url.h"

bool
jsonfeed_is(const cJSON *root)
{
	const char *v = json_str(root, "version");

	return v && strstr(v, "jsonfeed.org/version/") != NULL;
}

/* Names of an "authors" array (1.1) or an "author" object (1.0), joined
 * with ", "; NULL when none. */
static char *
jf_authors(const cJSON *obj)
{
	const cJSON *list = json_get(obj, "authors"), *a;
	struct buf b;
	const char *name;

	buf_init(&b, 0);
	if (cJSON_IsArray(list)) {
		cJSON_ArrayForEach(a, list)
			if ((name = json_str(a, "name"))) {
				if (b.len)
					buf_puts(&b, ", ");
				buf_puts(&b, name);
			}
	}
	if (!b.len && (name = json_str(json_get(obj, "author"), "name")))
		buf_puts(&b, name);
	if (!b.len) {
		buf_free(&b);
		return NULL;
	}
	return buf_take(&b, NULL);
}

/* The item's text: content_html, else content_text, else summary. */
static char *
jf_text(struct text_reader *r, const cJSON *item)
{
	const char *s;

	if ((s = json_str(item, "content_html")))
		return text_html_r(r, s, strlen(s), MENTION_MAX_TEXT);
	if ((s = json_str(item, "content_text")))
		return text_plain(s, strlen(s), MENTION_MAX_TEXT);
	if ((s = json_str(item, "summary")))
		return text_auto_r(r, s, strlen(s), MENTION_MAX_TEXT);
	return NULL;
}

static void
jf_item(struct text_reader *r, const cJSON *item, const char *base, const char *feed_author,
	const char *feed_lang, struct emit *e)
{
	struct mention m;
	const char *s;

	mention_init(&m);
	m.guid = json_scalar(json_get(item, "id"));
	if (!(s = json_str(item, "url")))
		s = json_str(item, "external_url");
	m.url = url_resolve(base, s);
	if ((s = json_str(item, "title")))
		m.title = text_auto_r(r, s, strlen(s), MENTION_MAX_TITLE);
	m.text = jf_text(r, item);
	if (!(m.author = jf_authors(item)))
		m.author = xstrdup(feed_author);
	if (!(m.published = json_date(json_get(item, "date_published"))))
		m.published = json_date(json_get(item, "date_modified"));
	m.lang = xstrdup((s = json_str(item, "language")) ? s : feed_lang);
	emit_mention(e, &m, NULL);
}

enum es_err
jsonfeed_parse(const cJSON *root, const char *base_url, struct emit *e, char *err, size_t errlen)
{
	const cJSON *items = json_get(root, "items"), *item;
	const char *home = json_str(root, "home_page_url");
	char *base = home ? url_resolve(base_url, home) : NULL;
	struct text_reader *r;
	char *author;

	if (!cJSON_IsObject(root))
		return es_error(ES_EPARSE, err, errlen, "a JSON Feed is an object");
	author = jf_authors(root);
	r = text_reader_new(false);
	if (cJSON_IsArray(items))
		cJSON_ArrayForEach(item, items) {
			if (emit_stopped(e))
				break;
			if (cJSON_IsObject(item))
				jf_item(r, item, base ? base : base_url, author, json_str(root, "language"), e);
			else
				e->skipped++;
		}
	text_reader_free(r);
	free(author);
	free(base);
	if (ES_FAILED(e->rc))
		return es_error(e->rc, err, errlen, "the callback failed: %s", es_strerror(e->rc));
	return ES_OK;
}
