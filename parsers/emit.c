/* emit.c - identity, caps and the callback, shared by every parser. */
#include "parsers/emit.h"

#include <openssl/evp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/utf8.h"
#include "core/xalloc.h"
#include "parsers/charset.h"
#include "parsers/url.h"

#define EMIT_HASH_HEX 32 /* hex digits of SHA-256 kept in a guid (128 bits) */

/* An open-addressing set of the guids handed out, to tell repeats apart. */
struct emit_seen {
	char **slot;
	size_t cap, n;
};

void
emit_init(struct emit *e, const struct parse_opts *opts, mention_fn fn, void *ctx)
{
	memset(e, 0, sizeof(*e));
	e->fn = fn;
	e->ctx = ctx;
	e->max_items = opts && opts->max_items ? opts->max_items : PARSE_MAX_ITEMS;
	e->seen = xcalloc(1, sizeof(*e->seen));
}

void
emit_reset(struct emit *e)
{
	if (!e->seen)
		return;
	for (size_t i = 0; i < e->seen->cap; i++)
		free(e->seen->slot[i]);
	free(e->seen->slot);
	free(e->seen);
	e->seen = NULL;
}

bool
emit_stopped(const struct emit *e)
{
	return e->rc != ES_OK;
}

static uint64_t
emit_fnv(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

static size_t
emit_seen_find(const struct emit_seen *set, const char *s)
{
	size_t i = emit_fnv(s) & (set->cap - 1);

	while (set->slot[i] && strcmp(set->slot[i], s) != 0)
		i = (i + 1) & (set->cap - 1);
	return i;
}

static void
emit_seen_grow(struct emit_seen *set)
{
	struct emit_seen old = *set;

	set->cap = old.cap ? old.cap * 2 : 64;
	set->slot = xcalloc(set->cap, sizeof(char *));
	for (size_t i = 0; i < old.cap; i++)
		if (old.slot[i])
			set->slot[emit_seen_find(set, old.slot[i])] = old.slot[i];
	free(old.slot);
}

/* Adds s; returns false when it was there already. */
static bool
emit_seen_add(struct emit_seen *set, const char *s)
{
	size_t i;

	if ((set->n + 1) * 2 > set->cap)
		emit_seen_grow(set);
	i = emit_seen_find(set, s);
	if (set->slot[i])
		return false;
	set->slot[i] = xstrdup(s);
	set->n++;
	return true;
}

void
emit_hash(const char *const *parts, char out[EMIT_HASH_HEX + 1])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	EVP_MD_CTX *c = EVP_MD_CTX_new();

	if (!c)
		abort();
	EVP_DigestInit_ex(c, EVP_sha256(), NULL);
	for (; *parts; parts++) {
		EVP_DigestUpdate(c, *parts, strlen(*parts));
		EVP_DigestUpdate(c, "\n", 1);
	}
	EVP_DigestFinal_ex(c, md, &mdlen);
	EVP_MD_CTX_free(c);
	for (int i = 0; i < EMIT_HASH_HEX / 2; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
}

/* Makes *s valid UTF-8 no longer than max bytes; NULL when empty. */
static void
emit_cap(char **s, size_t max)
{
	size_t n;

	if (!*s)
		return;
	n = strlen(*s);
	if (!utf8_valid(*s, n)) {
		struct buf b;

		buf_init(&b, 0);
		utf8_append_clean(&b, *s, n);
		free(*s);
		*s = buf_take(&b, &n);
	}
	if (n > max)
		(*s)[utf8_cut(*s, n, max)] = '\0';
	if (!**s) {
		free(*s);
		*s = NULL;
	}
}

static void
emit_url(struct mention *m, const char *base)
{
	char *abs, *canon;

	if (!m->url)
		return;
	abs = url_resolve(base, m->url);
	canon = url_canonical(abs);
	free(abs);
	free(m->url);
	m->url = canon;
}

/* The guid: the feed's own (trimmed), else the URL, else a content hash;
 * repeats within the document made distinct. */
static void
emit_identity(struct emit *e, struct mention *m)
{
	char h[EMIT_HASH_HEX + 1];
	const char *parts[] = { m->title ? m->title : "", m->text ? m->text : "",
				m->url ? m->url : "", NULL };

	if (m->guid) {
		char *t = m->guid + strspn(m->guid, " \t\r\n");
		size_t n = strlen(t);

		while (n && strchr(" \t\r\n", t[n - 1]))
			n--;
		t = xstrndup(t, n);
		free(m->guid);
		m->guid = n ? t : (free(t), NULL);
	}
	if (!m->guid && m->url)
		m->guid = xstrdup(m->url);
	if (!m->guid) {
		parts[2] = NULL;
		emit_hash(parts, h);
		m->guid = xasprintf("sha256:%s", h);
	}
	if (emit_seen_add(e->seen, m->guid))
		return;
	emit_hash(parts, h);
	for (int i = 1;; i++) {
		char *g = i == 1 ? xasprintf("%s#%.12s", m->guid, h)
				 : xasprintf("%s#%.12s-%d", m->guid, h, i);

		if (emit_seen_add(e->seen, g)) {
			free(m->guid);
			m->guid = g;
			return;
		}
		free(g);
	}
}

enum es_err
emit_mention(struct emit *e, struct mention *m, const char *base)
{
	enum es_err rc;

	if (e->rc) {
		mention_reset(m);
		return e->rc;
	}
	emit_url(m, base);
	emit_cap(&m->url, MENTION_MAX_FIELD);
	emit_cap(&m->title, MENTION_MAX_TITLE);
	emit_cap(&m->text, MENTION_MAX_TEXT);
	emit_cap(&m->author, MENTION_MAX_FIELD);
	emit_cap(&m->lang, MENTION_MAX_FIELD);
	emit_cap(&m->guid, MENTION_MAX_FIELD);
	if ((!m->title && !m->text && !m->url) || e->mentions >= e->max_items) {
		e->skipped++;
		mention_reset(m);
		return ES_OK;
	}
	emit_identity(e, m);
	rc = e->fn(m, e->ctx);
	mention_reset(m);
	e->mentions++;
	if (rc != ES_OK)
		e->rc = rc;
	return e->rc;
}
