/* test_analyst_e2e.c - the analyst's side on a database that earshot once
 * filled from es_httpd, not on a fixture: an RSS feed and a mapped JSON
 * API about two brands (and items about neither, which are dropped), then
 * query, stats, search, export (CSV to a file, JSON lines), report --html
 * and every example query of doc/schema.md, each checked against what the
 * feeds held.  EARSHOT_NOW fixes the clock for every command. */
#include <cjson/cJSON.h>
#include <libxml/parser.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/buf.h"
#include "core/xalloc.h"
#include "tests/httpd_client.h"
#include "tests/test.h"

#define NOW "2026-11-20T12:00:00Z"
#define NOW_T 1795176000 /* NOW as a Unix time */
#define RSS_ITEMS 24     /* half acme, half globex; a third complaints */
#define API_HITS 6       /* all acme */
#define OFF_TOPIC 2      /* about neither brand */

static struct httpd srv;
static const char *conf, *db;

static const char *const says[] = { "Terrible, I want a refund, the app crashed again",
				    "I love it, great support", "It arrived on Tuesday" };

static void
write_sources(void)
{
	const char *rss = t_tmp("news.xml"), *api = t_tmp("api.json");
	struct buf b;
	char date[64];

	buf_init(&b, 0);
	buf_printf(&b, "<?xml version=\"1.0\"?>\n<rss version=\"2.0\"><channel><title>n</title>\n");
	for (int i = 0; i < RSS_ITEMS + OFF_TOPIC; i++) {
		t_rfc822(NOW_T - 3 * 86400 + i * 3 * 3600, date, sizeof(date));
		buf_printf(&b, "<item><guid>n-%d</guid><title>%s note %d</title>"
			       "<link>https://news.example/%d</link><pubDate>%s</pubDate>"
			       "<description>%s</description></item>\n",
			   i, i >= RSS_ITEMS ? "Weather" : i % 2 ? "Globex" : "Acme", i, i, date,
			   says[i % 3]);
	}
	buf_printf(&b, "</channel></rss>\n");
	t_write_file(rss, b.data);
	buf_free(&b);

	buf_init(&b, 0);
	buf_printf(&b, "{\"hits\":[");
	for (int i = 0; i < API_HITS; i++)
		buf_printf(&b, "%s{\"objectID\":\"%d\",\"title\":\"Acme thread %d\","
			       "\"url\":\"https://forum.example/t/%d\",\"author\":\"user%d\","
			       "\"comment_text\":\"Acme shipped version %d on Monday\","
			       "\"created_at_i\":%d}",
			   i ? "," : "", i, i, i, i, i, NOW_T - 86400 - i * 3600);
	buf_printf(&b, "]}");
	t_write_file(api, b.data);
	buf_free(&b);

	T_EQ_INT(httpd_routes(&srv, "route /news.xml\ntype application/rss+xml\nbody_file %s\n"
				    "route /search\ntype application/json\nbody_file %s\n",
			      rss, api), 0);
	conf = t_tmp("feeds.conf");
	db = t_tmp("analyst.db");
	t_write_filef(conf,
		      "[earshot]\ndatabase = %s\nallow_private = yes\n"
		      "[brand acme]\nquery = acme\n[brand globex]\nquery = globex\n"
		      "[source news]\nurl = %s\n"
		      "[source forum]\nurl = %s\nformat = json\nitems = hits\nid = objectID\n"
		      "title = title\nlink = url\ntext = comment_text\npublished = created_at_i\n"
		      "author = author\n",
		      db, httpd_url(&srv, "news.localhost", "/news.xml"),
		      httpd_url(&srv, "api.localhost", "/search?query=acme"));
}

/* earshot -c conf ARGS... with the clock at NOW; stdout in *out.  (CSV
 * lines end in CRLF, as RFC 4180 has them.) */
static int
run(char **out, const char *a1, const char *a2, const char *a3, const char *a4, const char *a5)
{
	char *err = NULL;
	int rc;

	rc = t_earshot(NULL, out, &err, "-c", conf, a1, a2, a3, a4, a5, (char *)NULL);
	if (rc != 0)
		fprintf(stderr, "earshot %s %s: exit %d\n%s\n", a1, a2 ? a2 : "", rc, err);
	T_NOT_CONTAINS(err, "Sanitizer");
	free(err);
	return rc;
}

static char *
query(const char *sql)
{
	char *out = NULL;

	T_EQ_INT(run(&out, "query", "--csv", sql, NULL, NULL), 0);
	return out;
}

static void
test_once_fills(void)
{
	char *out = NULL;

	write_sources();
	T_EQ_INT(run(&out, "once", "--all", NULL, NULL, NULL), 0);
	free(out);
	out = query("SELECT count(*) AS n FROM mentions");
	T_EQ_STR(out, "n\r\n30\r\n");
	free(out);
	out = query("SELECT brand, sum(mentions) AS n, sum(negative) AS neg FROM brand_daily "
		    "GROUP BY brand ORDER BY brand");
	T_EQ_STR(out, "brand,n,neg\r\nacme,18,4\r\nglobex,12,4\r\n");
	free(out);
	out = query("SELECT s.name, count(*) AS n FROM mentions m JOIN sources s "
		    "ON s.id = m.source_id GROUP BY s.name ORDER BY s.name");
	T_EQ_STR(out, "name,n\r\nforum,6\r\nnews,24\r\n");
	free(out);
	/* The JSON API's epoch dates became ISO 8601 text. */
	out = query("SELECT published_at FROM mentions WHERE guid = '0'");
	T_EQ_STR(out, "published_at\r\n2026-11-19T12:00:00Z\r\n");
	free(out);
}

static void
test_stats(void)
{
	char *out = NULL;

	T_EQ_INT(run(&out, "stats", "--json", NULL, NULL, NULL), 0);
	{
		cJSON *j = cJSON_Parse(out);

		const cJSON *b;
		int seen = 0;

		T_ASSERT(j != NULL);
		cJSON_ArrayForEach(b, cJSON_GetObjectItem(j, "brands")) {
			const char *name = cJSON_GetStringValue(cJSON_GetObjectItem(b, "brand"));
			const cJSON *cur = cJSON_GetObjectItem(b, "current");

			T_EQ_INT(cJSON_GetObjectItem(cur, "mentions")->valueint,
				 t_streq(name, "acme") ? 18 : 12);
			T_EQ_INT(cJSON_GetObjectItem(cur, "negative")->valueint, 4);
			seen++;
		}
		T_EQ_INT(seen, 2);
		cJSON_Delete(j);
	}
	free(out);
	T_EQ_INT(run(&out, "stats", NULL, NULL, NULL, NULL), 0);
	T_CONTAINS(out, "acme");
	T_CONTAINS(out, "globex");
	T_CONTAINS(out, "news");
	T_CONTAINS(out, "forum");
	free(out);
}

static void
test_search(void)
{
	char *out = NULL;
	int n = 0;

	T_EQ_INT(run(&out, "search", "--json", "--brand", "globex", "refund"), 0);
	for (const char *p = out; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : "") {
		cJSON *j = cJSON_ParseWithOpts(p, NULL, 0);

		T_ASSERT(j != NULL);
		if (!j)
			break;
		T_CONTAINS(cJSON_GetStringValue(cJSON_GetObjectItem(j, "title")), "Globex");
		cJSON_Delete(j);
		n++;
	}
	T_EQ_INT(n, 4);
	free(out);
}

static void
test_export(void)
{
	char *out = NULL, *csv;
	int lines = 0, neg = 0;
	size_t len;

	T_EQ_INT(run(&out, "export", "--format", "jsonl", NULL, NULL), 0);
	for (const char *p = out; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : "") {
		cJSON *j = cJSON_ParseWithOpts(p, NULL, 0);
		const cJSON *brands = cJSON_GetObjectItem(j, "brands");

		T_ASSERT(j != NULL && cJSON_IsArray(brands) && cJSON_GetArraySize(brands) == 1);
		neg += t_streq(cJSON_GetStringValue(cJSON_GetObjectItem(j, "label")), "negative");
		cJSON_Delete(j);
		lines++;
	}
	T_EQ_INT(lines, 30);
	T_EQ_INT(neg, 8);
	free(out);

	T_EQ_INT(run(&out, "export", "--format", "csv", "-o", t_tmp("all.csv")), 0);
	free(out);
	csv = t_read_file(t_tmp("all.csv"), &len);
	T_ASSERT(csv != NULL);
	if (csv) {
		lines = 0;
		for (const char *p = csv; (p = strchr(p, '\n')); p++)
			lines++;
		T_EQ_INT(lines, 31); /* the header, then one line each: no text has a newline */
		T_ASSERT(!strncmp(csv, "id,source,counted_at,", 21));
	}
	free(csv);
}

static void
test_report(void)
{
	const char *path = t_tmp("report.html");
	char *out = NULL, *html;
	xmlDocPtr doc;
	size_t len;

	T_EQ_INT(run(&out, "report", "--html", path, "--days", "7"), 0);
	free(out);
	html = t_read_file(path, &len);
	T_ASSERT(html != NULL);
	if (!html)
		return;
	T_CONTAINS(html, "acme");
	T_CONTAINS(html, "globex");
	T_CONTAINS(html, "Globex note 3");   /* among the most negative mentions */
	T_CONTAINS(html, "https://news.example/3");
	T_NOT_CONTAINS(html, "<script");
	doc = xmlReadMemory(html, (int)len, path, "UTF-8", XML_PARSE_NONET);
	T_ASSERT(doc != NULL);
	if (doc) {
		xmlXPathContextPtr x = xmlXPathNewContext(doc);
		xmlXPathObjectPtr o;

		xmlXPathRegisterNs(x, BAD_CAST "h", BAD_CAST "http://www.w3.org/1999/xhtml");
		o = xmlXPathEvalExpression(BAD_CAST "//*[local-name()='svg']", x);
		T_ASSERT(o && o->nodesetval && o->nodesetval->nodeNr >= 2); /* a chart per brand */
		xmlXPathFreeObject(o);
		xmlXPathFreeContext(x);
		xmlFreeDoc(doc);
	}
	free(html);
}

/* Every example of doc/schema.md answers on this database too. */
static void
test_schema_examples(void)
{
	const char *src = getenv("ES_SRC");
	char *path = xasprintf("%s/doc/schema.md", src ? src : "."), *md;
	const char *p;
	size_t len;

	md = t_read_file(path, &len);
	free(path);
	p = md;
	int n = 0;

	T_ASSERT(md != NULL);
	while (p && (p = strstr(p, "```sql\n"))) {
		const char *end = strstr(p + 7, "```\n");
		char *sql = strndup(p + 7, (size_t)(end - p - 7)), *out = NULL, *err = NULL;

		T_EQ_INT(t_earshot(sql, &out, &err, "-c", conf, "query", "-", (char *)NULL), 0);
		T_ASSERT(out && strchr(out, '\n'));
		n++;
		free(sql);
		free(out);
		free(err);
		p = end + 4;
	}
	fprintf(stderr, "  %d examples of doc/schema.md ran\n", n);
	T_ASSERT(n >= 10);
	free(md);
}

int
main(void)
{
	setenv("EARSHOT_NOW", NOW, 1);
	T_ASSERT(httpd_start(&srv, NULL) == 0);
	T_RUN(test_once_fills);
	T_RUN(test_stats);
	T_RUN(test_search);
	T_RUN(test_export);
	T_RUN(test_report);
	T_RUN(test_schema_examples);
	httpd_stop(&srv);
	return t_report();
}
