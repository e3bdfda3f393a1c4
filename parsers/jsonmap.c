/* jsonmap.c - mapped JSON APIs to mentions. */
#include "parsers/jsonmap.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/xalloc.h"
#include "parsers/jpath.h"
#include "parsers/json.h"
#include "parsers/rating.h"
#include "parsers/text.h"
#include "parsers/url.h"

#define JM_MAX_VALUES 32 /* values joined into one field */

/* Where items and fields are looked for when the map is silent. */
static const char *const jm_def_items[] = {
	"items", "hits", "data.children[].data", "data", "entries", "results", "posts",
	"statuses", "feed.entry", "entry", "articles", "reviews", "comments", "records", NULL
};
static const char *const jm_def_id[] = { "id", "guid", "objectID", "uuid", "question_id",
					 "answer_id", "comment_id", NULL };
static const char *const jm_def_title[] = { "title", "headline", "subject", NULL };
static const char *const jm_def_link[] = { "url", "link", "permalink", "html_url", "href",
					   "link.attributes.href", "story_url", "uri", NULL };
static const char *const jm_def_text[] = { "content_html", "content", "text", "body",
					   "selftext", "description", "summary", "comment_text",
					   "story_text", "body_markdown", "message", NULL };
static const char *const jm_def_date[] = {
	"date_published", "published", "published_at", "publishedAt", "created_at", "createdAt",
	"created_utc", "created_at_i", "created", "creation_date", "date", "pubDate",
	"timestamp", "time", "updated", "updated_at", "last_activity_date", NULL
};
static const char *const jm_def_author[] = { "author", "authors", "user", "account", "owner",
					     "by", "username", "creator", NULL };
static const char *const jm_def_rating[] = { "rating", "im:rating", "stars",
					     "reviewRating.ratingValue", NULL };
static const char *const jm_def_lang[] = { "language", "lang", NULL };

/* Keys that name an object when it stands where text is expected. */
static const char *const jm_name_keys[] = { "label", "display_name", "displayName", "name",
					    "username", "acct", "login", "screen_name", "title",
					    "value", "text", "href", NULL };

struct jm_collect {
	struct buf b;
	int n;
	const char *sep;
};

/* The text an object stands for, by jm_name_keys, one level down. */
static const cJSON *
jm_object_name(const cJSON *obj, int depth)
{
	for (const char *const *k = jm_name_keys; *k; k++) {
		const cJSON *v = json_get(obj, *k);

		if ((cJSON_IsString(v) && v->valuestring && *v->valuestring) || cJSON_IsNumber(v))
			return v;
		if (cJSON_IsObject(v) && depth < 2 && (v = jm_object_name(v, depth + 1)))
			return v;
	}
	return NULL;
}

static void jm_collect_one(struct jm_collect *c, const cJSON *v, int depth);

static bool
jm_collect_fn(const cJSON *v, void *ctx)
{
	struct jm_collect *c = ctx;

	jm_collect_one(c, v, 0);
	return c->n < JM_MAX_VALUES;
}

/* Adds a scalar, the scalars of an array, or an object's name. */
static void
jm_collect_one(struct jm_collect *c, const cJSON *v, int depth)
{
	char *s;
	const cJSON *e;

	if (cJSON_IsArray(v) && depth == 0) {
		cJSON_ArrayForEach(e, v)
			if (c->n < JM_MAX_VALUES)
				jm_collect_one(c, e, depth + 1);
		return;
	}
	if (cJSON_IsObject(v))
		v = jm_object_name(v, 0);
	if (!(s = json_scalar(v)))
		return;
	if (c->n++)
		buf_puts(&c->b, c->sep);
	buf_puts(&c->b, s);
	free(s);
}

/* The text at path (or at the first default that has some); NULL when none. */
static char *
jm_text(const cJSON *item, const char *path, const char *const *defs, const char *sep)
{
	struct jm_collect c = { .sep = sep };

	buf_init(&c.b, 0);
	if (path) {
		jpath_each(item, path, jm_collect_fn, &c);
	} else {
		for (; defs && *defs && !c.n; defs++)
			jpath_each(item, *defs, jm_collect_fn, &c);
	}
	if (!c.n) {
		buf_free(&c.b);
		return NULL;
	}
	return buf_take(&c.b, NULL);
}

/* The first value at path, or at the first default that is not null. */
static const cJSON *
jm_value(const cJSON *item, const char *path, const char *const *defs)
{
	const cJSON *v;

	if (path)
		return jpath_first(item, path);
	for (; *defs; defs++)
		if ((v = jpath_first(item, *defs)) && !cJSON_IsNull(v))
			return v;
	return NULL;
}

static char *
jm_clean(char *s, size_t max)
{
	char *t;

	if (!s)
		return NULL;
	t = text_auto(s, strlen(s), max);
	free(s);
	return t;
}

static int64_t
jm_date(const cJSON *v)
{
	if (cJSON_IsObject(v))
		v = jm_object_name(v, 0);
	return json_date(v);
}

/* The rating at map->rating, on the scale of map->rating_scale (a number,
 * "MIN..MAX", or a path to the best rating). */
static double
jm_rating(const cJSON *item, const struct parse_map *map)
{
	const cJSON *v = jm_value(item, map ? map->rating : NULL, jm_def_rating);
	double best = NAN, worst = NAN, r;
	char *s = NULL;

	if (cJSON_IsObject(v))
		v = jm_object_name(v, 0);
	if (isnan(r = json_number(v)) && cJSON_IsString(v))
		r = rating_from_text(v->valuestring, &best);
	if (isnan(r))
		return NAN;
	if (map && map->rating_scale && !rating_scale_parse(map->rating_scale, &best, &worst)) {
		s = jm_text(item, map->rating_scale, NULL, "");
		if (!rating_scale_parse(s, &best, &worst))
			best = worst = NAN;
	}
	free(s);
	return rating_norm(r, best, worst);
}

static void
jm_item(const cJSON *item, const struct parse_map *map, const char *base, struct emit *e)
{
	static const struct parse_map none;
	const struct parse_map *mp = map ? map : &none;
	struct mention m;
	char *link;

	mention_init(&m);
	m.guid = jm_text(item, mp->id, jm_def_id, ",");
	m.title = jm_clean(jm_text(item, mp->title, jm_def_title, " "), MENTION_MAX_TITLE);
	m.text = jm_clean(jm_text(item, mp->text, jm_def_text, " "), MENTION_MAX_TEXT);
	m.author = jm_clean(jm_text(item, mp->author, jm_def_author, ", "), MENTION_MAX_FIELD);
	m.published = jm_date(jm_value(item, mp->published, jm_def_date));
	m.rating = jm_rating(item, map);
	m.lang = jm_text(item, NULL, jm_def_lang, ",");
	if ((link = jm_text(item, mp->link, jm_def_link, "")))
		m.url = url_resolve(base, link);
	free(link);
	emit_mention(e, &m, NULL);
}

struct jm_items {
	const cJSON **v;
	size_t n, cap, max;
};

static bool
jm_items_add(const cJSON *v, void *ctx)
{
	struct jm_items *it = ctx;
	const cJSON *e;

	if (cJSON_IsArray(v)) {
		cJSON_ArrayForEach(e, v)
			if (!jm_items_add(e, ctx))
				return false;
		return true;
	}
	if (it->n == it->cap) {
		it->cap = it->cap ? it->cap * 2 : 64;
		it->v = xreallocarray(it->v, it->cap, sizeof(*it->v));
	}
	it->v[it->n++] = v;
	return it->n < it->max;
}

/* True when path reaches an array holding an object. */
static bool
jm_has_objects(const cJSON *root, const char *path)
{
	struct jm_items it = { .max = 1 };
	bool ok;

	if (!cJSON_IsArray(jpath_first(root, path)) && !strstr(path, "[]"))
		return false;
	jpath_each(root, path, jm_items_add, &it);
	ok = it.n && cJSON_IsObject(it.v[0]);
	free(it.v);
	return ok;
}

static void
jm_find_items(const cJSON *root, const struct parse_map *map, struct jm_items *it)
{
	if (map && map->items) {
		jpath_each(root, map->items, jm_items_add, it);
		return;
	}
	if (cJSON_IsArray(root)) {
		jm_items_add(root, it);
		return;
	}
	for (const char *const *p = jm_def_items; *p; p++)
		if (jm_has_objects(root, *p)) {
			jpath_each(root, *p, jm_items_add, it);
			return;
		}
	jm_items_add(root, it);
}

enum es_err
jsonmap_parse(const cJSON *root, const struct parse_map *map, const char *base_url,
	      struct emit *e, char *err, size_t errlen)
{
	/* Items beyond the cap are only counted, so collect a few more. */
	struct jm_items it = { .max = e->max_items * 4 + 16 };

	jm_find_items(root, map, &it);
	for (size_t i = 0; i < it.n && !emit_stopped(e); i++) {
		if (cJSON_IsObject(it.v[i]))
			jm_item(it.v[i], map, base_url, e);
		else
			e->skipped++;
	}
	free(it.v);
	if (ES_FAILED(e->rc))
		return es_error(e->rc, err, errlen, "the callback failed: %s", es_strerror(e->rc));
	return ES_OK;
}
