/* msg.c - an alert's content and its JSON form (alerts.details). */
#include "alerts/msg.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/jsonw.h"
#include "core/utf8.h"
#include "core/when.h"
#include "core/xalloc.h"

static const char *const msg_kind_names[MSG_KIND_COUNT] = {
	"spike", "source_failing", "source_silent", "source_recovered", "test",
};

const char *
msg_kind_name(enum msg_kind k)
{
	return k < MSG_KIND_COUNT ? msg_kind_names[k] : "?";
}

enum msg_kind
msg_kind_parse(const char *s)
{
	for (int k = 0; s && k < MSG_KIND_COUNT; k++)
		if (strcmp(s, msg_kind_names[k]) == 0)
			return (enum msg_kind)k;
	return MSG_KIND_COUNT;
}

void
msg_init(struct alert_msg *m)
{
	memset(m, 0, sizeof(*m));
	m->baseline = m->spread = m->score = NAN;
	m->share = m->baseline_share = NAN;
}

static void
terms_free(struct msg_term *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i].name);
	free(v);
}

void
msg_reset(struct alert_msg *m)
{
	if (!m)
		return;
	free(m->key);
	free(m->rule);
	free(m->brand);
	free(m->sentiment);
	free(m->source);
	free(m->summary);
	free(m->detail);
	for (size_t i = 0; i < m->nmentions; i++) {
		free(m->mentions[i].title);
		free(m->mentions[i].source);
		free(m->mentions[i].url);
	}
	free(m->mentions);
	terms_free(m->sources, m->nsources);
	terms_free(m->words, m->nwords);
	msg_init(m);
}

void
msg_set_text(char **dst, const char *s)
{
	struct buf b;
	size_t n;

	free(*dst);
	*dst = NULL;
	if (!s)
		return;
	n = strlen(s);
	buf_init(&b, 0);
	(void)utf8_append_clean(&b, s, utf8_cut(s, n, n < MSG_MAX_TEXT ? n : MSG_MAX_TEXT));
	for (size_t i = 0; i < b.len; i++)
		if (b.data[i] == '\n' || b.data[i] == '\t')
			b.data[i] = ' ';
	*dst = buf_take(&b, NULL);
}

void
msg_add_mention(struct alert_msg *m, const char *title, const char *source, const char *url,
		double sentiment, int64_t at)
{
	struct msg_mention *x;

	if (m->nmentions >= MSG_MAX_ITEMS)
		return;
	m->mentions = xreallocarray(m->mentions, m->nmentions + 1, sizeof(*m->mentions));
	x = &m->mentions[m->nmentions++];
	memset(x, 0, sizeof(*x));
	msg_set_text(&x->title, title);
	msg_set_text(&x->source, source);
	msg_set_text(&x->url, url);
	x->sentiment = sentiment;
	x->at = at;
}

void
msg_add_term(struct msg_term **v, size_t *n, const char *name, int64_t count, double usual)
{
	struct msg_term *x;

	if (*n >= MSG_MAX_ITEMS)
		return;
	*v = xreallocarray(*v, *n + 1, sizeof(**v));
	x = &(*v)[(*n)++];
	x->name = NULL;
	msg_set_text(&x->name, name);
	x->count = count;
	x->usual = usual;
}

void
msg_key(char out[MSG_KEYLEN], const char *kind, const char *scope, int64_t t)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char d[EVP_MAX_MD_SIZE];
	unsigned int dlen = 0;
	struct buf b;

	buf_init(&b, 0);
	buf_printf(&b, "%s%c%s%c%lld", kind, 0, scope ? scope : "", 0, (long long)t);
	if (!EVP_Digest(b.data, b.len, d, &dlen, EVP_sha256(), NULL))
		abort(); /* only out of memory */
	buf_free(&b);
	memcpy(out, "es1-", 4);
	for (int i = 0; i < 16; i++) {
		out[4 + 2 * i] = hex[d[i] >> 4];
		out[5 + 2 * i] = hex[d[i] & 15];
	}
	out[36] = '\0';
}

/* ---- writing ---- */

static void
put_str(struct buf *b, const char *key, const char *v, int *first)
{
	jsonw_key(b, key, first);
	jsonw_cstr(b, v);
}

static void
put_time(struct buf *b, const char *key, int64_t t, int *first)
{
	char iso[WHEN_ISOLEN];

	put_str(b, key, t ? when_fmt_iso(t, iso) : NULL, first);
}

/* Numbers are rounded to 4 decimals: enough for people and for diffing. */
static void
put_num(struct buf *b, const char *key, double v, int *first)
{
	jsonw_key(b, key, first);
	jsonw_num(b, isfinite(v) ? round(v * 1e4) / 1e4 : NAN);
}

static void
put_mentions(struct buf *b, const struct alert_msg *m)
{
	buf_putc(b, '[');
	for (size_t i = 0; i < m->nmentions; i++) {
		const struct msg_mention *x = &m->mentions[i];
		int first = 1;

		buf_puts(b, i ? ",{" : "{");
		put_str(b, "title", x->title, &first);
		put_str(b, "source", x->source, &first);
		put_str(b, "url", x->url, &first);
		put_num(b, "sentiment", x->sentiment, &first);
		put_time(b, "counted_at", x->at, &first);
		buf_putc(b, '}');
	}
	buf_putc(b, ']');
}

static void
put_terms(struct buf *b, const struct msg_term *v, size_t n)
{
	buf_putc(b, '[');
	for (size_t i = 0; i < n; i++) {
		int first = 1;

		buf_puts(b, i ? ",{" : "{");
		put_str(b, "name", v[i].name, &first);
		jsonw_key(b, "count", &first);
		jsonw_int(b, v[i].count);
		put_num(b, "usual", v[i].usual, &first);
		buf_putc(b, '}');
	}
	buf_putc(b, ']');
}

static void
put_window(struct buf *b, const struct alert_msg *m, int *first)
{
	int wfirst = 1;

	jsonw_key(b, "window", first);
	if (!m->window_end) {
		buf_puts(b, "null");
		return;
	}
	buf_putc(b, '{');
	put_time(b, "start", m->window_start, &wfirst);
	put_time(b, "end", m->window_end, &wfirst);
	jsonw_key(b, "seconds", &wfirst);
	jsonw_int(b, m->window_end - m->window_start);
	buf_putc(b, '}');
}

enum es_err
msg_to_json(const struct alert_msg *m, struct buf *out)
{
	int first = 1;

	buf_putc(out, '{');
	put_str(out, "kind", msg_kind_name(m->kind), &first);
	put_str(out, "idempotency_key", m->key, &first);
	put_str(out, "rule", m->rule, &first);
	put_str(out, "brand", m->brand, &first);
	put_str(out, "sentiment", m->sentiment, &first);
	put_str(out, "source", m->source, &first);
	put_time(out, "fired_at", m->fired_at, &first);
	put_window(out, m, &first);
	jsonw_key(out, "count", &first);
	if (m->window_end)
		jsonw_int(out, m->count);
	else
		buf_puts(out, "null");
	put_num(out, "baseline", m->baseline, &first);
	put_num(out, "spread", m->spread, &first);
	put_num(out, "score", m->score, &first);
	put_num(out, "share", m->share, &first);
	put_num(out, "baseline_share", m->baseline_share, &first);
	put_str(out, "summary", m->summary, &first);
	put_str(out, "detail", m->detail, &first);
	jsonw_key(out, "top_mentions", &first);
	put_mentions(out, m);
	jsonw_key(out, "top_sources", &first);
	put_terms(out, m->sources, m->nsources);
	jsonw_key(out, "top_words", &first);
	put_terms(out, m->words, m->nwords);
	return buf_putc(out, '}');
}

/* ---- reading ---- */

static const char *
get_str(const cJSON *o, const char *key)
{
	return cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, key));
}

static double
get_num(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsNumber(v) ? v->valuedouble : NAN;
}

static int64_t
get_time(const cJSON *o, const char *key)
{
	const char *s = get_str(o, key);
	int64_t t;

	return s && when_parse_iso(s, &t) == ES_OK ? t : 0;
}

static void
read_mentions(const cJSON *arr, struct alert_msg *m)
{
	const cJSON *x;

	cJSON_ArrayForEach(x, arr)
		msg_add_mention(m, get_str(x, "title"), get_str(x, "source"), get_str(x, "url"),
				get_num(x, "sentiment"), get_time(x, "counted_at"));
}

static void
read_terms(const cJSON *arr, struct msg_term **v, size_t *n)
{
	const cJSON *x;

	cJSON_ArrayForEach(x, arr) {
		double c = get_num(x, "count");

		if (get_str(x, "name"))
			msg_add_term(v, n, get_str(x, "name"), isfinite(c) ? (int64_t)c : 0,
				     get_num(x, "usual"));
	}
}

static void
read_window(const cJSON *o, struct alert_msg *m)
{
	const cJSON *w = cJSON_GetObjectItemCaseSensitive(o, "window");
	double c = get_num(o, "count");

	if (!cJSON_IsObject(w))
		return;
	m->window_start = get_time(w, "start");
	m->window_end = get_time(w, "end");
	m->count = isfinite(c) ? (int64_t)c : 0;
}

enum es_err
msg_from_json(const char *json, struct alert_msg *m, char *err, size_t errlen)
{
	cJSON *o;

	msg_init(m);
	o = json && strlen(json) <= MSG_MAX_JSON ? cJSON_ParseWithLength(json, strlen(json)) : NULL;
	if (!cJSON_IsObject(o) || msg_kind_parse(get_str(o, "kind")) == MSG_KIND_COUNT) {
		cJSON_Delete(o);
		return es_error(ES_EPARSE, err, errlen, "alert details are not an alert object");
	}
	m->kind = msg_kind_parse(get_str(o, "kind"));
	msg_set_text(&m->key, get_str(o, "idempotency_key"));
	msg_set_text(&m->rule, get_str(o, "rule"));
	msg_set_text(&m->brand, get_str(o, "brand"));
	msg_set_text(&m->sentiment, get_str(o, "sentiment"));
	msg_set_text(&m->source, get_str(o, "source"));
	msg_set_text(&m->summary, get_str(o, "summary"));
	msg_set_text(&m->detail, get_str(o, "detail"));
	m->fired_at = get_time(o, "fired_at");
	read_window(o, m);
	m->baseline = get_num(o, "baseline");
	m->spread = get_num(o, "spread");
	m->score = get_num(o, "score");
	m->share = get_num(o, "share");
	m->baseline_share = get_num(o, "baseline_share");
	read_mentions(cJSON_GetObjectItemCaseSensitive(o, "top_mentions"), m);
	read_terms(cJSON_GetObjectItemCaseSensitive(o, "top_sources"), &m->sources, &m->nsources);
	read_terms(cJSON_GetObjectItemCaseSensitive(o, "top_words"), &m->words, &m->nwords);
	cJSON_Delete(o);
	return ES_OK;
}
