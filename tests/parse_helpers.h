/* parse_helpers.h - collecting the mentions of one document, for the
 * parser tests (header-only: each test_parse_*.c includes it). */
#ifndef ES_PARSE_HELPERS_H
#define ES_PARSE_HELPERS_H

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/when.h"
#include "parsers/parse.h"
#include "tests/test.h"

#define GOT_MAX 64
#define UNUSED __attribute__((unused))

struct got {
	size_t n;                 /* mentions the callback saw */
	struct mention m[GOT_MAX];
	struct parse_result res;
	enum es_err rc;
	char err[ES_ERRLEN];
};

/* Takes every field of the mention, as a store would. */
static UNUSED enum es_err
got_take(struct mention *m, void *ctx)
{
	struct got *g = ctx;

	if (g->n < GOT_MAX) {
		g->m[g->n] = *m;
		mention_init(m);
	}
	g->n++;
	return ES_OK;
}

static UNUSED void
got_mem(struct got *g, const char *data, size_t len, const struct parse_opts *opts)
{
	memset(g, 0, sizeof(*g));
	g->rc = parse_document(data, len, opts, got_take, g, &g->res, g->err, sizeof(g->err));
}

/* Parses tests/data/feeds/NAME with opts (may be NULL). */
static UNUSED void
got_file(struct got *g, const char *name, const struct parse_opts *opts)
{
	char rel[256];
	size_t len;
	char *data;

	snprintf(rel, sizeof(rel), "feeds/%s", name);
	if (!(data = t_read_file(t_data(rel), &len))) {
		t_fail(__FILE__, __LINE__, "cannot read %s", t_data(rel));
		memset(g, 0, sizeof(*g));
		g->rc = ES_EIO;
		return;
	}
	got_mem(g, data, len, opts);
	free(data);
}

static UNUSED void
got_free(struct got *g)
{
	for (size_t i = 0; i < g->n && i < GOT_MAX; i++)
		mention_reset(&g->m[i]);
}

/* published as ISO 8601, or NULL for 0; a ring of buffers. */
static UNUSED const char *
got_iso(int64_t t)
{
	static char ring[8][WHEN_ISOLEN];
	static unsigned i;

	if (!t)
		return NULL;
	return when_fmt_iso(t, ring[i++ % 8]);
}

static UNUSED void
got_check(const char *file, int line, struct got *g, size_t i, const char *guid, const char *url,
	  const char *title, const char *text, const char *author, const char *published)
{
	const struct mention *m = &g->m[i];
	const char *want[] = { guid, url, title, text, author, published };
	const char *have[] = { m->guid, m->url, m->title, m->text, m->author, got_iso(m->published) };
	static const char *const names[] = { "guid", "url", "title", "text", "author", "published" };

	t_checks++;
	if (i >= g->n) {
		t_fail(file, line, "mention %zu missing: only %zu", i, g->n);
		return;
	}
	for (int k = 0; k < 6; k++)
		if (!t_streq(have[k], want[k]))
			t_fail(file, line, "mention %zu %s:\n  got:      %s\n  expected: %s", i, names[k],
			       have[k] ? have[k] : "(null)", want[k] ? want[k] : "(null)");
}

/* CHECK_MENTION(g, i, guid, url, title, text, author, published) */
#define CHECK_MENTION(g, i, ...) got_check(__FILE__, __LINE__, g, i, __VA_ARGS__)

#endif
