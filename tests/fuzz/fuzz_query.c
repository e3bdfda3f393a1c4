/* fuzz_query.c - the brand query language on arbitrary bytes: compile a
 * query, match it against arbitrary text.
 *
 * Input: one flag byte (bit 0: case = sensitive; bit 1: the second line is
 * an exclude), the query up to the first newline, the exclude up to the
 * next when bit 1 is set, then the text; a 0x1e byte in it separates the
 * title from the body.  Besides memory errors it checks that a query the
 * feeds.conf check accepts always compiles, that matching twice gives one
 * answer, and that the SIMD and scalar tokenisers agree. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/match.h"
#include "analysis/match_int.h"
#include "core/xalloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Takes bytes up to the next newline (or all) from *p as a new string. */
static char *
take_line(const char **p, size_t *n)
{
	const char *nl = memchr(*p, '\n', *n);
	size_t len = nl ? (size_t)(nl - *p) : *n;
	char *s = xmemdup(*p, len);

	*p += nl ? len + 1 : len;
	*n -= nl ? len + 1 : len;
	return s;
}

/* The SIMD and scalar tokenisers give the same tokens for s. */
static void
check_paths(const char *s)
{
	struct mt_scan a, b;
	struct mt_tok ta, tb;

	mt_init(&a, s, strlen(s), true);
	mt_init(&b, s, strlen(s), true);
	b.scalar = true;
	for (;;) {
		bool more = mt_next(&a, &ta);

		if (more != mt_next(&b, &tb))
			abort();
		if (!more)
			return;
		if (ta.start != tb.start || ta.end != tb.end || ta.flen != tb.flen ||
		    ta.klen != tb.klen || ta.kind != tb.kind || ta.ascii != tb.ascii ||
		    memcmp(ta.fold, tb.fold, ta.flen) != 0 ||
		    memcmp(ta.keep, tb.keep, ta.klen) != 0 ||
		    (!ta.ftoolong && ta.fhash != tb.fhash))
			abort();
	}
}

static void
run(const struct conf *c, const char *title, const char *text)
{
	char err[ES_ERRLEN];
	struct matcher *m = matcher_new(c, err, sizeof(err));
	struct match_ctx *x = match_ctx_new();
	const size_t *b;
	size_t n1, n2;

	if (!m)
		abort(); /* the check accepted what the compiler refuses */
	n1 = matcher_run(m, x, title, text, NULL, &b);
	n2 = matcher_run(m, x, title, text, NULL, &b);
	if (n1 != n2 || n1 > 1)
		abort();
	match_ctx_free(x);
	matcher_free(m);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data + (size ? 1 : 0);
	size_t n = size ? size - 1 : 0;
	unsigned flags = size ? data[0] : 0;
	char *query = take_line(&p, &n), *exclude = flags & 2 ? take_line(&p, &n) : NULL;
	char *text = xmemdup(p, n), *sep, err[ES_ERRLEN];
	const char *title = NULL, *body = text;
	int col;
	struct conf_brand brand = {
	        .name = "fuzz", .query = query, .exclude = exclude, .case_sensitive = flags & 1};
	struct conf c = {.brands = &brand, .nbrands = 1};

	if ((sep = strchr(text, 0x1e))) {
		*sep = '\0';
		title = text;
		body = sep + 1;
	}
	check_paths(title ? title : "");
	check_paths(body);
	if (match_check_query(query, NULL, err, sizeof(err), &col) == ES_OK &&
	    (!exclude || match_check_query(exclude, NULL, err, sizeof(err), &col) == ES_OK))
		run(&c, title, body);
	free(query);
	free(exclude);
	free(text);
	return 0;
}
