/* search.c - earshot search: FTS5 queries from people, with snippets. */
#include "store/search.h"

#include <ctype.h>
#include <string.h>

#include "store/store_int.h"

#define SEARCH_SYNTAX \
	"write words, \"a phrase\", prefix*, AND, OR, NOT, NEAR(a b, 10) or (groups)"

/* Both orders share the filter; ?1 query, ?2 since, ?3 brand, ?4/?5 marks,
 * ?6 limit.  Title hits weigh twice a text hit in the rank. */
#define SEARCH_SELECT                                                                   \
	"SELECT m.id, s.name, m.counted_at, m.url,\n"                                   \
	"  highlight(mentions_fts, 0, ?4, ?5),\n"                                       \
	"  snippet(mentions_fts, 1, ?4, ?5, '…', 24),\n"                                \
	"  (SELECT group_concat(brand, ',') FROM mention_brands WHERE mention_id = m.id),\n" \
	"  m.label, m.sentiment, bm25(mentions_fts, 2.0, 1.0) AS rank\n"
#define SEARCH_FROM_WHERE                                                               \
	"FROM mentions_fts JOIN mentions m ON m.id = mentions_fts.rowid\n"              \
	"JOIN sources s ON s.id = m.source_id\n"                                        \
	"WHERE mentions_fts MATCH ?1\n"                                                 \
	"  AND (?2 IS NULL OR m.counted_at >= ?2)\n"                                    \
	"  AND (?3 IS NULL OR EXISTS (SELECT 1 FROM mention_brands b\n"                 \
	"       WHERE b.mention_id = m.id AND b.brand = ?3))\n"

static const char sql_search_best[] =
	SEARCH_SELECT SEARCH_FROM_WHERE "ORDER BY rank, m.id DESC\nLIMIT ?6";
static const char sql_search_newest[] =
	SEARCH_SELECT SEARCH_FROM_WHERE "ORDER BY m.counted_at DESC, m.id DESC\nLIMIT ?6";
static const char sql_search_count[] = "SELECT count(*)\n" SEARCH_FROM_WHERE;

/* Characters FTS5 accepts in a bare word. */
static int
search_bare(unsigned char c)
{
	return c >= 0x80 || isalnum(c) || c == '_';
}

static int
search_is_keyword(const char *w, size_t n)
{
	static const char *const kw[] = { "AND", "OR", "NOT", "NEAR" };

	for (size_t i = 0; i < sizeof(kw) / sizeof(kw[0]); i++)
		if (n == strlen(kw[i]) && memcmp(w, kw[i], n) == 0)
			return 1;
	return 0;
}

/* Appends a "quoted string" starting at *p, with an optional '*' after
 * it, and advances *p past it. */
static enum es_err
search_string(const char **p, struct buf *out, char *err, size_t errlen)
{
	const char *s = *p + 1;

	for (;;) {
		const char *q = strchr(s, '"');

		if (!q)
			return es_error(ES_EPARSE, err, errlen,
					"a quote (\") is not closed: close it, or leave it out");
		if (q[1] != '"') {
			s = q + 1;
			break;
		}
		s = q + 2; /* "" is a quote inside the string */
	}
	if (*s == '*')
		s++;
	(void)buf_append(out, *p, (size_t)(s - *p));
	*p = s;
	return ES_OK;
}

/* Appends one word of n bytes: kept when FTS5 takes it as it is, else
 * quoted as a phrase.  *terms counts words that search for something. */
static enum es_err
search_word(const char *w, size_t n, struct buf *out, int *terms, char *err, size_t errlen)
{
	size_t i;
	int star = 0, bare = 1;

	if (w[0] == '-' && n > 1)
		return es_error(ES_EPARSE, err, errlen, "write NOT %.*s instead of %.*s",
				(int)(n - 1), w + 1, (int)n, w);
	if (search_is_keyword(w, n))
		return buf_append(out, w, n);
	if (w[0] == '^') {
		(void)buf_putc(out, '^');
		w++, n--;
	}
	for (i = 0; i < 2; i++) {
		const char *col = i ? "text:" : "title:";

		if (n >= strlen(col) && memcmp(w, col, strlen(col)) == 0) {
			(void)buf_append(out, w, strlen(col));
			w += strlen(col), n -= strlen(col);
		}
	}
	if (n > 0 && w[n - 1] == '*')
		star = 1, n--;
	if (n == 0)
		return star ? es_error(ES_EPARSE, err, errlen, "a * must follow a word (refund*)")
			    : ES_OK;
	for (i = 0; i < n; i++)
		bare &= search_bare((unsigned char)w[i]);
	if (!bare)
		(void)buf_putc(out, '"');
	(void)buf_append(out, w, n);
	if (!bare)
		(void)buf_putc(out, '"');
	if (star)
		(void)buf_putc(out, '*');
	(*terms)++;
	return ES_OK;
}

enum es_err
search_fts_query(const char *typed, struct buf *out, char *err, size_t errlen)
{
	const char *p = typed;
	enum es_err rc;
	int terms = 0, depth = 0;

	if (strlen(typed) > SEARCH_MAX_QUERY)
		return es_error(ES_ETOOBIG, err, errlen, "the search is longer than %d bytes",
				SEARCH_MAX_QUERY);
	while (*p) {
		size_t n;

		if (isspace((unsigned char)*p)) {
			p++;
			continue;
		}
		if (out->len && !strchr("(:", out->data[out->len - 1]))
			(void)buf_putc(out, ' ');
		if (strchr("(),", *p)) {
			depth += *p == '(' ? 1 : *p == ')' ? -1 : 0;
			if (depth < 0)
				return es_error(ES_EPARSE, err, errlen, "a ) has no ( before it");
			(void)buf_putc(out, *p++);
			continue;
		}
		if (*p == '"') {
			if ((rc = search_string(&p, out, err, errlen)))
				return rc;
			terms++;
			continue;
		}
		n = strcspn(p, " \t\r\n\v\f(),\"");
		if ((rc = search_word(p, n, out, &terms, err, errlen)))
			return rc;
		p += n;
	}
	if (depth > 0)
		return es_error(ES_EPARSE, err, errlen, "a ( is not closed: add a )");
	if (!terms)
		return es_error(ES_EPARSE, err, errlen, "nothing to search for: %s", SEARCH_SYNTAX);
	return ES_OK;
}

/* Turns an error FTS5 raised about the query into a sentence. */
static enum es_err
search_syntax_error(struct store *s, int rc, const char *typed, char *err, size_t errlen)
{
	const char *msg = sqlite3_errmsg(s->db);
	const char *near = strstr(msg, "syntax error near \"");

	if ((rc & 0xff) != SQLITE_ERROR)
		return store_fail(s, rc, err, errlen, "search");
	if (near && strcmp(near, "syntax error near \"\"") == 0)
		return es_error(ES_EPARSE, err, errlen,
				"cannot search for '%s': it ends too early; %s", typed, SEARCH_SYNTAX);
	if (near)
		return es_error(ES_EPARSE, err, errlen, "cannot search for '%s': unexpected %s; %s",
				typed, near + strlen("syntax error near "), SEARCH_SYNTAX);
	if (strncmp(msg, "fts5:", 5) == 0 || strstr(msg, "no such column") ||
	    strstr(msg, "unterminated string"))
		return es_error(ES_EPARSE, err, errlen, "cannot search for '%s' (%s); %s", typed,
				msg, SEARCH_SYNTAX);
	return store_fail(s, rc, err, errlen, "search");
}

static void
search_bind(sqlite3_stmt *st, const struct search_opts *o, const char *fts)
{
	sqlite3_bind_text(st, 1, fts, -1, SQLITE_STATIC);
	store_bind_time(st, 2, o->since);
	store_bind_text(st, 3, o->brand);
}

static enum es_err
search_count(struct store *s, const struct search_opts *o, const char *fts, size_t *total,
	     char *err, size_t errlen)
{
	sqlite3_stmt *st = store_stmt(s, sql_search_count, err, errlen);
	int rc;

	if (!st)
		return ES_EDB;
	search_bind(st, o, fts);
	if ((rc = sqlite3_step(st)) != SQLITE_ROW) {
		enum es_err erc = search_syntax_error(s, rc, o->query, err, errlen);

		sqlite3_reset(st);
		return erc;
	}
	*total = (size_t)sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return ES_OK;
}

static void
search_read(sqlite3_stmt *st, struct search_hit *h)
{
	const char *snip = (const char *)sqlite3_column_text(st, 5);

	h->id = sqlite3_column_int64(st, 0);
	h->source = (const char *)sqlite3_column_text(st, 1);
	h->counted_at = (const char *)sqlite3_column_text(st, 2);
	h->url = (const char *)sqlite3_column_text(st, 3);
	h->title = (const char *)sqlite3_column_text(st, 4);
	h->snippet = snip ? snip : "";
	h->brands = (const char *)sqlite3_column_text(st, 6);
	h->label = (const char *)sqlite3_column_text(st, 7);
	h->sentiment = sqlite3_column_double(st, 8);
	h->rank = sqlite3_column_double(st, 9);
}

static enum es_err
search_rows(struct store *s, const struct search_opts *o, const char *fts, search_fn fn,
	    void *ctx, char *err, size_t errlen)
{
	const char *sql = o->order == SEARCH_NEWEST ? sql_search_newest : sql_search_best;
	sqlite3_stmt *st = store_stmt(s, sql, err, errlen);
	enum es_err rc = ES_OK;
	int src;

	if (!st)
		return ES_EDB;
	search_bind(st, o, fts);
	sqlite3_bind_text(st, 4, o->mark_open ? o->mark_open : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, o->mark_close ? o->mark_close : "", -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 6, (sqlite3_int64)o->limit);
	while ((src = sqlite3_step(st)) == SQLITE_ROW) {
		struct search_hit h;

		search_read(st, &h);
		if ((rc = fn(&h, ctx)) != ES_OK)
			break;
	}
	if (rc == ES_OK && src != SQLITE_DONE)
		rc = search_syntax_error(s, src, o->query, err, errlen);
	sqlite3_reset(st);
	return rc;
}

enum es_err
search_run(struct store *s, const struct search_opts *o, search_fn fn, void *ctx, size_t *total,
	   char *err, size_t errlen)
{
	struct buf fts;
	enum es_err rc;

	if (!o->query || o->limit < 1 || o->limit > SEARCH_MAX_LIMIT)
		return es_error(ES_EINVAL, err, errlen, "the limit must be 1 to %d",
				SEARCH_MAX_LIMIT);
	buf_init(&fts, SEARCH_MAX_QUERY * 2 + 16);
	if ((rc = search_fts_query(o->query, &fts, err, errlen)) == ES_OK && total)
		rc = search_count(s, o, buf_str(&fts), total, err, errlen);
	if (rc == ES_OK)
		rc = search_rows(s, o, buf_str(&fts), fn, ctx, err, errlen);
	buf_free(&fts);
	return rc;
}
