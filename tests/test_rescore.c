/* test_rescore.c - earshot rescore: mentions scored by an older scorer get
 * this version's scores; a second run finds nothing; --all redoes all. */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/sentiment.h"
#include "store/store.h"
#include "tests/test.h"

static const char *db;

static char *
sql_text(const char *sql)
{
	sqlite3 *d;
	sqlite3_stmt *st;
	char *out = NULL;

	sqlite3_open_v2(db, &d, SQLITE_OPEN_READONLY, NULL);
	if (sqlite3_prepare_v2(d, sql, -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
		out = strdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	sqlite3_close(d);
	return out;
}

static void
setup(void)
{
	static const char *const texts[] = {
		"I love this, it is wonderful", "This is terrible and I want a refund",
		"The package arrived on Tuesday", "Still waiting for my refund, charged twice",
	};
	char err[ES_ERRLEN];
	struct store *s;
	struct store_source src = { 0 };
	struct mention m[5];
	struct store_item items[5];
	struct store_fetch f;
	char guid[5][8];

	db = t_tmp("r.db");
	for (int i = 0; i < 5; i++) {
		mention_init(&m[i]);
		snprintf(guid[i], sizeof(guid[i]), "g%d", i);
		m[i].guid = guid[i];
		m[i].text = (char *)texts[i % 4];
		items[i] = (struct store_item){ .m = &m[i], .scorer = 0 };
	}
	/* A one-star review with a neutral text: the rating decides. */
	m[4].text = (char *)"It is a phone.";
	m[4].rating = 0.0;
	items[4].scorer = SENTI_VERSION; /* already current: left alone */
	items[4].label = 1;
	items[4].sentiment = 0.9;
	if (store_open(db, STORE_RW, &s, err, sizeof(err)) ||
	    store_source_sync(s, "s", "http://s/", &src, err, sizeof(err)))
		exit(99);
	f = (struct store_fetch){ .source_id = src.id, .ok = true };
	if (store_ingest(s, &f, items, 5, NULL, err, sizeof(err)))
		exit(99);
	store_source_reset(&src);
	store_close(s);
}

static void
test_rescore(void)
{
	char *out, *err, *v;

	T_EQ_INT(t_earshot(NULL, &out, &err, "-d", db, "rescore", NULL), 0);
	T_EQ_STR(out, "rescored 4 mentions with scorer version 1\n");
	free(out);
	free(err);
	v = sql_text("SELECT group_concat(label, ',') FROM (SELECT label FROM mentions ORDER BY id)");
	T_EQ_STR(v, "positive,negative,neutral,negative,positive");
	free(v);
	v = sql_text("SELECT count(*) FROM mentions WHERE scorer = 1");
	T_EQ_STR(v, "5");
	free(v);
	T_EQ_INT(t_earshot(NULL, &out, &err, "-d", db, "rescore", NULL), 0);
	T_EQ_STR(out, "rescored 0 mentions with scorer version 1\n");
	free(out);
	free(err);
	/* --all rescores everything, including the review: its one star wins. */
	T_EQ_INT(t_earshot(NULL, &out, &err, "-d", db, "rescore", "--all", NULL), 0);
	T_EQ_STR(out, "rescored 5 mentions with scorer version 1\n");
	free(out);
	free(err);
	v = sql_text("SELECT label FROM mentions WHERE guid = 'g4'");
	T_EQ_STR(v, "negative");
	free(v);
	T_EQ_INT(t_earshot(NULL, &out, &err, "-d", db, "rescore", "--bogus", NULL), 2);
	free(out);
	free(err);
}

int
main(void)
{
	setup();
	T_RUN(test_rescore);
	return t_report();
}
