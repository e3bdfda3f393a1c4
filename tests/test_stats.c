/* test_stats.c - earshot stats on the fixture database: the whole text
 * output, and the JSON numbers checked against plain SQL counts. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/fixture.h"
#include "tests/test.h"

static const char *db;

/* acme over 2026-11-05..18 (d = 35..48 of the fixture): 3 + d % 3 a day is
 * 56, the 9 spike mentions of 11-17 and the two forum posts naming both
 * brands (d = 38, 45) make 67; the 14 days before: 55 + 2 = 57.  The
 * sparkline's █ is 11-17 (14 mentions); a day of 5 is ▄ and of 3 is ▃. */
static const char expected_text[] =
	"14 days, 2026-11-05 to 2026-11-18 (UTC, today so far), against the 14 days before\n"
	"\n"
	"acme\n"
	"  mentions   ▄▃▃▄▃▃▄▃▃▄▃▃█▃  67  (previous 57, +18%)\n"
	"  negative   41.8% (28)  (previous 33.3%, +8.5 points)\n"
	"  sentiment  -0.06 average\n"
	"  sources    forum 25, appstore-acme 17, news-acme 17\n"
	"\n"
	"globex\n"
	"  mentions   ▇▅▇▇▇▅▇▅▇▅█▅▇▅  37  (previous 37, +0%)\n"
	"  negative   21.6% (8)  (previous 18.9%, +2.7 points)\n"
	"  sentiment  +0.20 average\n"
	"  sources    forum 16, reviews-globex 14, blog-globex 7\n"
	"\n"
	"source          status         failing since     failures  last error                    "
	"          mentions (7d)\n"
	"--------------  -------------  ----------------  --------  ------------------------------"
	"--------  -------------\n"
	"blog-globex     failing        2026-11-18 08:00         1  http_5xx: HTTP 503 Service Una"
	"vailable              4\n"
	"hn              failing        2026-11-17 06:00         2  timeout: no response within 30"
	"s                     4\n"
	"status-page     never fetched                                                            "
	"                      0\n"
	"appstore-acme   ok                                                                       "
	"                     11\n"
	"forum           ok                                                                       "
	"                     24\n"
	"news-acme       ok                                                                       "
	"                     10\n"
	"reviews-globex  ok                                                                       "
	"                      7\n";

static void
test_text(void)
{
	char *out, *err;

	T_EQ_INT(t_earshot(NULL, &out, &err, "-d", db, "stats", NULL), 0);
	T_EQ_STR(out, expected_text);
	T_EQ_STR(err, "");
	free(out);
	free(err);
}

static int64_t
brand_count(const char *brand, const char *from, const char *to, const char *label)
{
	char sql[512];

	snprintf(sql, sizeof(sql),
		 "SELECT count(*) FROM mentions m JOIN mention_brands b ON b.mention_id = m.id "
		 "WHERE b.brand = '%s' AND m.counted_at >= '%s' AND m.counted_at < '%s'%s%s%s",
		 brand, from, to, label ? " AND m.label = '" : "", label ? label : "",
		 label ? "'" : "");
	return fixture_int(db, sql);
}

static double
num(const cJSON *o, const char *k)
{
	return cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(o, k));
}

static void
check_brand(const cJSON *b, const char *name)
{
	const cJSON *cur = cJSON_GetObjectItemCaseSensitive(b, "current");
	const cJSON *prev = cJSON_GetObjectItemCaseSensitive(b, "previous");
	const cJSON *daily = cJSON_GetObjectItemCaseSensitive(b, "daily");
	int64_t c = brand_count(name, "2026-11-05", "2026-11-19", NULL);
	int64_t cn = brand_count(name, "2026-11-05", "2026-11-19", "negative");
	int64_t p = brand_count(name, "2026-10-22", "2026-11-05", NULL);
	int64_t pn = brand_count(name, "2026-10-22", "2026-11-05", "negative");

	T_EQ_STR(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(b, "brand")), name);
	T_EQ_INT(num(cur, "mentions"), c);
	T_EQ_INT(num(cur, "negative"), cn);
	T_EQ_INT(num(prev, "mentions"), p);
	T_EQ_INT(num(prev, "negative"), pn);
	T_EQ_DBL(num(cur, "negative_share"), (double)cn / (double)c, 0.00006);
	T_EQ_DBL(num(b, "negative_share_change"), (double)cn / (double)c - (double)pn / (double)p,
		 0.0001);
	T_EQ_INT(cJSON_GetArraySize(daily), 14);
	T_EQ_INT(num(cJSON_GetArrayItem(daily, 12), "mentions"),
		 brand_count(name, "2026-11-17", "2026-11-18", NULL));
	T_EQ_STR(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(daily, 0),
								       "day")),
		 "2026-11-05");
}

static void
test_json(void)
{
	char *out, *err;
	cJSON *j, *brands, *sources, *top;

	T_EQ_INT(t_earshot(NULL, &out, &err, "-d", db, "stats", "--json", NULL), 0);
	j = cJSON_Parse(out);
	T_ASSERT(j != NULL);
	if (!j)
		goto done;
	T_EQ_STR(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(j, "from")), "2026-11-05");
	T_EQ_STR(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(j, "to")), "2026-11-18");
	brands = cJSON_GetObjectItemCaseSensitive(j, "brands");
	T_EQ_INT(cJSON_GetArraySize(brands), 2);
	check_brand(cJSON_GetArrayItem(brands, 0), "acme");
	check_brand(cJSON_GetArrayItem(brands, 1), "globex");
	top = cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(brands, 0), "top_sources");
	T_EQ_INT(cJSON_GetArraySize(top), 3);
	T_EQ_STR(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(top, 0),
								       "source")), "forum");
	T_EQ_INT(num(cJSON_GetArrayItem(top, 0), "mentions"),
		 fixture_int(db, "SELECT count(*) FROM mentions_view WHERE source = 'forum' AND "
				 "brands LIKE '%acme%' AND counted_at >= '2026-11-05'"));
	sources = cJSON_GetObjectItemCaseSensitive(j, "sources");
	T_EQ_INT(cJSON_GetArraySize(sources), 7);
	T_EQ_STR(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(sources, 1),
								       "failing_since")),
		 "2026-11-17T06:00:00Z");
	T_EQ_INT(num(cJSON_GetArrayItem(sources, 1), "failures"), 2);
	cJSON_Delete(j);
done:
	free(out);
	free(err);
}

static void
test_one_brand_and_errors(void)
{
	char *out, *err;

	T_EQ_INT(t_earshot(NULL, &out, &err, "-d", db, "stats", "--brand", "globex", "--days", "3",
			   NULL), 0);
	T_CONTAINS(out, "3 days, 2026-11-16 to 2026-11-18 (UTC, today so far)");
	/* d = 46, 47, 48: 2 + 3 + 2; before: 3 + 2 + 3 and the post naming both. */
	T_CONTAINS(out, "\nglobex\n  mentions   ▆█▆  7  (previous 9, -22%)\n");
	T_NOT_CONTAINS(out, "acme\n");
	free(out);
	free(err);
	T_EQ_INT(t_earshot(NULL, &out, &err, "-d", db, "stats", "--days", "0", NULL), 2);
	T_CONTAINS(err, "--days takes 1 to 366");
	free(out);
	free(err);
	T_EQ_INT(t_earshot(NULL, &out, &err, "-d", t_tmp("none.db"), "stats", NULL), 1);
	T_EQ_STR(out, "");
	T_CONTAINS(err, "earshot stats: ");
	T_CONTAINS(err, "no database there");
	free(out);
	free(err);
}

int
main(void)
{
	db = fixture_db("stats.db", -1);
	T_RUN(test_text);
	T_RUN(test_json);
	T_RUN(test_one_brand_and_errors);
	return t_report();
}
