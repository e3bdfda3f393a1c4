/* evidence.c - top mentions, and the sources and words that stand out in a
 * window against its baseline; see evidence.h. */
#include "alerts/evidence.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "core/buf.h"
#include "core/xalloc.h"

#define EVIDENCE_WORD_MAX 48   /* bytes of one word; longer ones are skipped */
#define EVIDENCE_TEXT_MAX 2000 /* bytes of a mention's text looked at */

/* Words too common to say anything (English, and the web's own). */
static const char *const stop_words[] = {
	"about", "after", "again", "all", "also", "and", "any", "are", "because", "been",
	"before", "being", "but", "can", "com", "could", "did", "does", "doing", "don",
	"down", "each", "even", "for", "from", "get", "got", "had", "has", "have", "her",
	"here", "him", "his", "how", "http", "https", "into", "its", "just", "like", "more",
	"most", "much", "new", "not", "now", "off", "one", "only", "other", "our", "out",
	"over", "own", "same", "she", "should", "some", "such", "than", "that", "the",
	"their", "them", "then", "there", "these", "they", "this", "those", "through", "too",
	"under", "until", "very", "was", "way", "were", "what", "when", "where", "which",
	"while", "who", "why", "will", "with", "would", "www", "you", "your",
};

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static bool
is_stop(const char *w)
{
	return bsearch(&w, stop_words, sizeof(stop_words) / sizeof(stop_words[0]),
		       sizeof(stop_words[0]), cmp_str) != NULL;
}

static bool
is_word_char(int32_t cp)
{
	utf8proc_category_t c = utf8proc_category(cp);

	return (c >= UTF8PROC_CATEGORY_LU && c <= UTF8PROC_CATEGORY_LO) ||
	       c == UTF8PROC_CATEGORY_ND || c == UTF8PROC_CATEGORY_MN;
}

static void
emit(struct buf *w, size_t letters, void (*fn)(const char *, void *), void *arg)
{
	if (letters >= 3 && w->len <= EVIDENCE_WORD_MAX && !is_stop(buf_str(w)))
		fn(buf_str(w), arg);
	buf_reset(w);
}

void
evidence_words(const char *text, void (*fn)(const char *word, void *arg), void *arg)
{
	utf8proc_uint8_t *folded = NULL;
	utf8proc_ssize_t n;
	struct buf w;
	size_t letters = 0;

	if (!text || !*text)
		return;
	n = utf8proc_map((const utf8proc_uint8_t *)text, 0, &folded,
			 UTF8PROC_NULLTERM | UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_COMPAT |
				 UTF8PROC_CASEFOLD | UTF8PROC_IGNORE);
	if (n < 0)
		return; /* not UTF-8: the parsers never store such text */
	buf_init(&w, 0);
	for (utf8proc_ssize_t i = 0; i < n;) {
		int32_t cp;
		utf8proc_ssize_t k = utf8proc_iterate(folded + i, n - i, &cp);

		if (k <= 0)
			break;
		if (is_word_char(cp)) {
			buf_append(&w, folded + i, (size_t)k);
			letters++;
		} else if (w.len) {
			emit(&w, letters, fn, arg);
			letters = 0;
		}
		i += k;
	}
	if (w.len)
		emit(&w, letters, fn, arg);
	buf_free(&w);
	free(folded);
}

/* ---- counting words per mention ---- */

struct word {
	char *w;
	int64_t win, base;   /* mentions holding it */
	int64_t last_doc;    /* so a word counts once per mention */
};

struct words {
	struct word *v;      /* open addressing, cap a power of two */
	size_t cap, n;
	int64_t doc;
	int64_t win_docs, base_docs;
	bool in_window;
	struct buf brand;    /* the brand's words, folded, "\n"-separated */
};

static uint64_t
hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

static struct word *
words_slot(struct words *ws, const char *w)
{
	size_t i = hash_str(w) & (ws->cap - 1);

	while (ws->v[i].w && strcmp(ws->v[i].w, w) != 0)
		i = (i + 1) & (ws->cap - 1);
	return &ws->v[i];
}

static void
on_word(const char *w, void *arg)
{
	struct words *ws = arg;
	struct word *x;
	char needle[EVIDENCE_WORD_MAX + 3];

	snprintf(needle, sizeof(needle), "\n%s\n", w);
	if (strstr(buf_str(&ws->brand), needle))
		return;
	x = words_slot(ws, w);
	if (!x->w) {
		if (ws->n >= EVIDENCE_MAX_WORDS)
			return;
		x->w = xstrdup(w);
		x->last_doc = -1;
		ws->n++;
	}
	if (x->last_doc == ws->doc)
		return;
	x->last_doc = ws->doc;
	if (ws->in_window)
		x->win++;
	else
		x->base++;
}

static void
on_text(const char *title, const char *text, bool in_window, void *arg)
{
	struct words *ws = arg;
	char *cut = text ? xstrndup(text, EVIDENCE_TEXT_MAX) : NULL;

	ws->doc++;
	ws->in_window = in_window;
	if (in_window)
		ws->win_docs++;
	else
		ws->base_docs++;
	evidence_words(title, on_word, ws);
	evidence_words(cut, on_word, ws);
	free(cut);
}

static void
on_brand_word(const char *w, void *arg)
{
	buf_printf(arg, "%s\n", w);
}

/* ---- picking what stands out ---- */

struct pick {
	const char *name;
	int64_t count;
	double usual;
};

static int
cmp_pick(const void *a, const void *b)
{
	const struct pick *x = a, *y = b;
	double dx = (double)x->count - x->usual, dy = (double)y->count - y->usual;

	if (dx != dy)
		return dx > dy ? -1 : 1;
	return strcmp(x->name, y->name);
}

static bool
stands_out(int64_t count, double usual)
{
	return count >= 2 && (double)count >= 2 * usual;
}

static void
keep_top(struct pick *p, size_t n, struct msg_term **v, size_t *nv)
{
	qsort(p, n, sizeof(*p), cmp_pick);
	for (size_t i = 0; i < n && *nv < EVIDENCE_TERMS; i++)
		msg_add_term(v, nv, p[i].name, p[i].count, p[i].usual);
}

static enum es_err
top_words(struct store *s, const struct store_count_spec *q, int64_t win_from,
	  struct alert_msg *m, char *err, size_t errlen)
{
	struct words ws = { 0 };
	struct pick *p;
	size_t np = 0;
	enum es_err rc;

	ws.cap = 2 * EVIDENCE_MAX_WORDS;
	ws.v = xcalloc(ws.cap, sizeof(*ws.v));
	buf_init(&ws.brand, 0);
	buf_putc(&ws.brand, '\n');
	evidence_words(q->brand, on_brand_word, &ws.brand);
	rc = store_alert_texts(s, q, win_from, EVIDENCE_WIN_TEXTS, EVIDENCE_BASE_TEXTS, on_text, &ws,
			       err, errlen);
	p = xcalloc(ws.n + 1, sizeof(*p));
	for (size_t i = 0; rc == ES_OK && i < ws.cap; i++) {
		const struct word *x = &ws.v[i];
		double usual = x->w ? (x->base + 0.5) / (ws.base_docs + 1.0) * ws.win_docs : 0;

		if (x->w && stands_out(x->win, usual))
			p[np++] = (struct pick){ x->w, x->win, usual };
	}
	keep_top(p, np, &m->words, &m->nwords);
	free(p);
	for (size_t i = 0; i < ws.cap; i++)
		free(ws.v[i].w);
	free(ws.v);
	buf_free(&ws.brand);
	return rc;
}

static enum es_err
top_sources(struct store *s, const struct store_count_spec *q, int64_t win_from,
	    struct alert_msg *m, char *err, size_t errlen)
{
	struct store_source_count *c;
	struct pick *p;
	size_t n, np = 0;
	double scale = win_from > q->from ? (double)(q->to - win_from) / (double)(win_from - q->from)
					  : 0;
	enum es_err rc = store_alert_source_counts(s, q, win_from, &c, &n, err, errlen);

	if (rc)
		return rc;
	p = xcalloc(n + 1, sizeof(*p));
	for (size_t i = 0; i < n; i++)
		if (stands_out(c[i].window, (double)c[i].base * scale))
			p[np++] = (struct pick){ c[i].source, c[i].window, (double)c[i].base * scale };
	keep_top(p, np, &m->sources, &m->nsources);
	free(p);
	store_source_counts_free(c, n);
	return ES_OK;
}

static enum es_err
top_mentions(struct store *s, const struct store_count_spec *q, int64_t win_from,
	     struct alert_msg *m, char *err, size_t errlen)
{
	struct store_count_spec w = *q;
	struct store_top_mention *t;
	size_t n;
	enum es_err rc;

	w.from = win_from;
	if ((rc = store_alert_top_mentions(s, &w, EVIDENCE_MENTIONS, &t, &n, err, errlen)))
		return rc;
	for (size_t i = 0; i < n; i++)
		msg_add_mention(m, t[i].title, t[i].source, t[i].url, t[i].sentiment,
				t[i].counted_at);
	store_top_mentions_free(t, n);
	return ES_OK;
}

enum es_err
evidence_collect(struct store *s, const struct store_count_spec *q, int64_t win_from,
		 struct alert_msg *m, char *err, size_t errlen)
{
	enum es_err rc;

	if ((rc = top_mentions(s, q, win_from, m, err, errlen)) ||
	    (rc = top_sources(s, q, win_from, m, err, errlen)))
		return rc;
	return top_words(s, q, win_from, m, err, errlen);
}
