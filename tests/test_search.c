/* test_search.c - earshot search on the fixture database: phrases,
 * prefixes, punctuation, filters, both orders, JSON, and malformed
 * queries that get a sentence instead of an SQLite error.  Match counts
 * are checked against plain LIKE counts over the same rows. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "store/search.h"
#include "tests/fixture.h"
#include "tests/test.h"

static const char *db;

/* Runs earshot search ARGS...; returns stdout (caller frees), status in *rc. */
#define SEARCH(rc, err, ...) search_run_((rc), (err), __VA_ARGS__, NULL)

static char *
search_run_(int *rc, char **err, ...)
{
	char *argv[24], *out = NULL, *e = NULL;
	const char *bin = getenv("ES_BIN");
	va_list ap;
	int n = 0;

	argv[n++] = (char *)(bin ? bin : "earshot");
	argv[n++] = (char *)"-d";
	argv[n++] = (char *)db;
	argv[n++] = (char *)"search";
	va_start(ap, err);
	while (n < 23 && (argv[n] = va_arg(ap, char *)) != NULL)
		n++;
	va_end(ap);
	argv[n] = NULL;
	*rc = t_run_argv(argv, NULL, &out, &e);
	if (err)
		*err = e;
	else
		free(e);
	return out;
}

/* "N of M matches" from the footer: M, or -1. */
static long
footer_total(const char *out)
{
	const char *p = out ? strstr(out, " of ") : NULL;
	const char *last = NULL;

	while (p) {
		last = p;
		p = strstr(p + 1, " of ");
	}
	return last ? strtol(last + 4, NULL, 10) : -1;
}

static void
test_phrase(void)
{
	int rc;
	char *out = SEARCH(&rc, NULL, "--limit", "3", "\"battery drain\"");

	T_EQ_INT(rc, 0);
	/* The phrase occurs in title and text of one template only. */
	T_EQ_INT(footer_total(out), fixture_int(db, "SELECT count(*) FROM mentions WHERE "
						    "title LIKE '%battery drain%' OR text LIKE '%battery drain%'"));
	T_EQ_INT(footer_total(out), 8);
	T_CONTAINS(out, "3 of 8 matches, best first\n");
	T_CONTAINS(out, "  **Battery drain** since Acme 2.3\n"
			"  The **battery drain** is real: my phone is empty by noon since the update.\n");
	free(out);
	/* Words in another order are not the phrase. */
	out = SEARCH(&rc, NULL, "\"drain battery\"");
	T_EQ_INT(rc, 0);
	T_EQ_STR(out, "no matches\n");
	free(out);
}

static void
test_prefix_and_filters(void)
{
	int rc;
	char *out = SEARCH(&rc, NULL, "--limit", "1", "refund*");

	T_EQ_INT(rc, 0);
	T_EQ_INT(footer_total(out), fixture_int(db, "SELECT count(*) FROM mentions WHERE "
						    "title LIKE '%refund%' OR text LIKE '%refund%'"));
	T_EQ_INT(footer_total(out), 43);
	free(out);
	out = SEARCH(&rc, NULL, "--brand", "globex", "--limit", "1", "refund*");
	T_EQ_INT(footer_total(out), fixture_int(db, "SELECT count(*) FROM mentions_view WHERE "
						    "brands LIKE '%globex%' AND text LIKE '%refund%'"));
	T_EQ_INT(footer_total(out), 10);
	free(out);
	/* 7d back from now (2026-11-11T10:30Z), newest first. */
	out = SEARCH(&rc, NULL, "--since", "7d", "--newest", "--limit", "2", "refund");
	T_EQ_INT(rc, 0);
	T_EQ_INT(footer_total(out), fixture_int(db, "SELECT count(*) FROM mentions WHERE "
						    "counted_at >= '2026-11-11T10:30:00Z' AND "
						    "(title || ' ' || text) LIKE '%refund%'"));
	T_EQ_STR(out, "2026-11-17 10:47  news-acme  negative -0.80  acme\n"
		      "  Acme charged me twice\n"
		      "  Double charge on my card this month; I want a **refund**, not a coupon.\n"
		      "  https://news.example.com/rss?q=acme/acme-47-0\n"
		      "\n"
		      "2026-11-16 12:57  forum  negative -0.80  acme\n"
		      "  Acme charged me twice\n"
		      "  Double charge on my card this month; I want a **refund**, not a coupon.\n"
		      "  https://forum.example.org/api/posts.json/acme-46-1\n"
		      "\n"
		      "2 of 8 matches, newest first\n");
	free(out);
	out = SEARCH(&rc, NULL, "--since", "2026-11-18", "refund");
	T_EQ_STR(out, "no matches\n");
	free(out);
}

static void
test_operators(void)
{
	int rc;
	char *out = SEARCH(&rc, NULL, "--limit", "1", "login", "NOT", "outage");

	/* login: 9 spike + 24 globex "login every single time"; minus the 3
	 * titles and 3 texts that say outage. */
	T_EQ_INT(footer_total(out),
		 fixture_int(db, "SELECT count(*) FROM mentions WHERE (title || ' ' || text) LIKE "
				 "'%login%' AND (title || ' ' || text) NOT LIKE '%outage%'"));
	free(out);
	out = SEARCH(&rc, NULL, "--limit", "1", "NEAR(login outage, 1)");
	T_EQ_INT(rc, 0);
	T_EQ_INT(footer_total(out), 3);
	free(out);
	out = SEARCH(&rc, NULL, "--limit", "1", "title:\"login outage\"");
	T_EQ_INT(footer_total(out), 3);
	free(out);
	/* Punctuation inside a word: "2.3" is the phrase "2 3". */
	out = SEARCH(&rc, NULL, "--limit", "1", "acme", "2.3");
	T_EQ_INT(rc, 0);
	T_EQ_INT(footer_total(out), fixture_int(db, "SELECT count(*) FROM mentions WHERE "
						    "(title || ' ' || text) LIKE '%2.3%'"));
	free(out);
	out = SEARCH(&rc, NULL, "--limit", "1", "@acme");
	T_EQ_INT(footer_total(out), fixture_int(db, "SELECT count(*) FROM mentions WHERE "
						    "(title || ' ' || text) LIKE '%acme%'"));
	free(out);
}

static void
test_malformed(void)
{
	static const struct {
		const char *query, *says;
	} bad[] = {
		{ "\"unterminated", "a quote (\") is not closed" },
		{ "refund OR", "it ends too early" },
		{ "NEAR(refund", "a ( is not closed" },
		{ "refund)", "a ) has no ( before it" },
		{ "-refund", "write NOT refund instead of -refund" },
		{ "AND", "nothing to search for" },
		{ "refund AND AND coupon", "unexpected \"AND\"" },
		{ "*", "a * must follow a word" },
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int rc;
		char *err, *out = SEARCH(&rc, &err, "--", bad[i].query);

		T_EQ_INT(rc, 2);
		T_EQ_STR(out, "");
		T_CONTAINS(err, "earshot search: ");
		T_CONTAINS(err, bad[i].says);
		T_NOT_CONTAINS(err, "fts5");
		T_NOT_CONTAINS(err, "SQL");
		free(out);
		free(err);
	}
}

static void
test_json(void)
{
	int rc, lines = 0, marked = 0;
	char *out = SEARCH(&rc, NULL, "--json", "--limit", "100", "\"battery drain\"");
	char *line = out, *nl;

	T_EQ_INT(rc, 0);
	T_EQ_INT(t_count_lines(out), 8);
	while (line && (nl = strchr(line, '\n'))) {
		cJSON *j;

		*nl = '\0';
		j = cJSON_Parse(line);
		T_ASSERT(j != NULL);
		if (j) {
			const cJSON *t = cJSON_GetObjectItemCaseSensitive(j, "title");
			const cJSON *b = cJSON_GetObjectItemCaseSensitive(j, "brands");

			marked += cJSON_IsString(t) && strstr(t->valuestring, "**Battery drain**");
			T_ASSERT(cJSON_IsArray(b) && cJSON_GetArraySize(b) == 1);
			T_EQ_STR(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(j, "label")),
				 "negative");
			T_ASSERT(cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(j, "rank")));
			cJSON_Delete(j);
		}
		lines++;
		line = nl + 1;
	}
	T_EQ_INT(lines, 8);
	T_EQ_INT(marked, 8);
	free(out);
}

static void
test_rewrite(void)
{
	static const struct {
		const char *typed, *fts;
	} cases[] = {
		{ "refund", "refund" },
		{ "refund*", "refund*" },
		{ "acme.com", "\"acme.com\"" },
		{ "t-mobile*", "\"t-mobile\"*" },
		{ "\"battery drain\" OR login", "\"battery drain\" OR login" },
		{ "title:login", "title:login" },
		{ "title:\"a b\"", "title:\"a b\"" },
		{ "NEAR(a b, 5)", "NEAR (a b , 5 )" },
		{ "café", "café" },
		{ "it's", "\"it's\"" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct buf b;

		buf_init(&b, 0);
		T_EQ_INT(search_fts_query(cases[i].typed, &b, NULL, 0), ES_OK);
		T_EQ_STR(buf_str(&b), cases[i].fts);
		buf_free(&b);
	}
}

int
main(void)
{
	db = fixture_db("search.db", -1);
	T_RUN(test_rewrite);
	T_RUN(test_phrase);
	T_RUN(test_prefix_and_filters);
	T_RUN(test_operators);
	T_RUN(test_malformed);
	T_RUN(test_json);
	return t_report();
}
