/* test_parse_cli.c - the `earshot parse` contract, by running the binary. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/test.h"

static const char *
feed(const char *name)
{
	static char ring[4][1024];
	static unsigned i;
	char rel[256];
	char *out = ring[i++ % 4];

	snprintf(rel, sizeof(rel), "feeds/%s", name);
	snprintf(out, 1024, "%s", t_data(rel));
	return out;
}

/* Line n (0-based) of s, in a static buffer; "" past the end. */
static const char *
line_of(const char *s, int n)
{
	static char buf[8192];
	const char *nl;

	while (n-- > 0 && s && (s = strchr(s, '\n')))
		s++;
	if (!s || !*s)
		return "";
	nl = strchr(s, '\n');
	snprintf(buf, sizeof(buf), "%.*s", (int)(nl ? nl - s : (long)strlen(s)), s);
	return buf;
}

static void
test_rss_lines(void)
{
	char *out = NULL, *err = NULL;
	int rc = t_earshot(NULL, &out, &err, "parse", feed("rss20_basic.xml"), NULL);

	T_EQ_INT(rc, 0);
	T_EQ_INT(t_count_lines(out), 2);
	T_EQ_STR(line_of(out, 0),
		 "{\"guid\":\"https://blog.example.com/?p=101\","
		 "\"url\":\"https://blog.example.com/2024/03/acme-cloud-europe\","
		 "\"title\":\"Acme Cloud launches in Europe\","
		 "\"text\":\"Acme Cloud is now available in Frankfurt and Dublin.\","
		 "\"author\":\"Ada Lovelace\",\"published\":\"2024-03-05T08:30:00Z\",\"rating\":null}");
	T_EQ_STR(line_of(out, 1),
		 "{\"guid\":\"acme-blog-102\",\"url\":\"https://blog.example.com/2024/03/maintenance\","
		 "\"title\":\"Scheduled maintenance\","
		 "\"text\":\"The dashboard will be read-only for an hour.\",\"author\":null,"
		 "\"published\":\"2024-03-06T22:00:00Z\",\"rating\":null}");
	T_EQ_STR(err, "");
	free(out);
	free(err);
}

static void
test_stdin_and_base(void)
{
	char *doc = t_read_file(feed("rss20_relative_links_no_channel_link.xml"), NULL);
	char *out = NULL, *err = NULL;
	int rc = t_earshot(doc, &out, &err, "parse", "--base", "https://fetch.example.com/f/", "-",
			   NULL);

	T_EQ_INT(rc, 0);
	T_CONTAINS(out, "\"url\":\"https://fetch.example.com/f/posts/7\"");
	free(out);
	free(err);
	rc = t_earshot(doc, &out, &err, "parse", "--base=https://b.example/", "-", NULL);
	T_CONTAINS(out, "\"url\":\"https://b.example/posts/7\"");
	free(out);
	free(err);
	free(doc);
}

static void
test_formats(void)
{
	char *out = NULL, *err = NULL;
	int rc;

	rc = t_earshot(NULL, &out, &err, "-v", "parse", feed("jsonfeed11.json"), NULL);
	T_EQ_INT(rc, 0);
	T_EQ_INT(t_count_lines(out), 2);
	T_CONTAINS(err, "format=jsonfeed mentions=2 skipped=2");
	free(out);
	free(err);

	/* JSON Feed read as plain JSON: the default field names still apply. */
	rc = t_earshot(NULL, &out, &err, "parse", "--format", "json", feed("jsonfeed11.json"), NULL);
	T_EQ_INT(rc, 0);
	T_CONTAINS(line_of(out, 0), "\"guid\":\"12345\"");
	free(out);
	free(err);

	rc = t_earshot(NULL, &out, &err, "parse", feed("review_jsonld_product.html"), NULL);
	T_EQ_INT(rc, 0);
	T_EQ_INT(t_count_lines(out), 3);
	T_CONTAINS(line_of(out, 1), "\"rating\":0.75}");
	T_CONTAINS(line_of(out, 0), "\"rating\":0.8}");
	free(out);
	free(err);
}

static void
test_source_mapping(void)
{
	char conf[1024], *out = NULL, *err = NULL;
	int rc;

	snprintf(conf, sizeof(conf), "%s", feed("parse_sources.conf"));
	rc = t_earshot(NULL, &out, &err, "-c", conf, "parse", "--source", "appstore",
		       feed("appstore_customer_reviews.json"), NULL);
	T_EQ_INT(rc, 0);
	T_EQ_STR(line_of(out, 0),
		 "{\"guid\":\"10987654321\","
		 "\"url\":\"https://itunes.apple.com/us/review?id=618783545&type=Purple%20Software\","
		 "\"title\":\"Crashes on launch\","
		 "\"text\":\"Since the update the app crashes every time I open it.\","
		 "\"author\":\"FrustratedUser\",\"published\":\"2024-03-08T04:12:45Z\",\"rating\":0}");
	T_CONTAINS(line_of(out, 1), "\"rating\":1}");
	free(out);
	free(err);

	/* The source's URL is the base: Reddit permalinks are relative. */
	rc = t_earshot(NULL, &out, &err, "-c", conf, "parse", "--source", "reddit",
		       feed("reddit_listing.json"), NULL);
	T_CONTAINS(line_of(out, 1),
		   "\"url\":\"https://www.reddit.com/r/acme/comments/1b9bbbb/acme_cloud_now_supports_ipv6/\"");
	free(out);
	free(err);

	rc = t_earshot(NULL, &out, &err, "-c", conf, "parse", "--source", "somesite",
		       feed("review_xpath_selectors.html"), NULL);
	T_EQ_INT(rc, 0);
	T_EQ_STR(line_of(out, 0),
		 "{\"guid\":\"a-1\",\"url\":\"https://somesite.example/acme/review/a-1\","
		 "\"title\":\"Late delivery\",\"text\":\"Ordered in January. Arrived in March & broken.\","
		 "\"author\":\"Marvin M.\",\"published\":\"2024-03-03T00:00:00Z\",\"rating\":0.25}");
	free(out);
	free(err);

	rc = t_earshot(NULL, &out, &err, "-c", conf, "parse", "--source", "nope",
		       feed("reddit_listing.json"), NULL);
	T_EQ_INT(rc, 2);
	T_CONTAINS(err, "no [source nope]");
	free(out);
	free(err);
}

static void
test_bad_mapping_in_conf(void)
{
	const char *path = t_tmp("bad.conf");
	char *out = NULL, *err = NULL;
	int rc;

	t_write_file(path, "[source s]\nurl = https://x.example/\nformat = json\nitems = data..x\n\n"
			   "[source h]\nurl = https://y.example/\nformat = html\nitem = //div[\n");
	rc = t_earshot(NULL, &out, &err, "-c", path, "check", NULL);
	T_EQ_INT(rc, 2);
	T_CONTAINS(err, "bad.conf:4: items: empty key at column 6");
	T_CONTAINS(err, "bad.conf:9: item: bad XPath expression at column");
	free(out);
	free(err);
}

static void
test_exit_statuses(void)
{
	char *out = NULL, *err = NULL;
	int rc;

	rc = t_earshot(NULL, &out, &err, "parse", feed("not_a_feed.txt"), NULL);
	T_EQ_INT(rc, 1);
	T_CONTAINS(err, "not a feed");
	T_EQ_STR(out, "");
	free(out);
	free(err);

	rc = t_earshot(NULL, &out, &err, "parse", feed("json_truncated.json"), NULL);
	T_EQ_INT(rc, 1);
	free(out);
	free(err);

	rc = t_earshot(NULL, &out, &err, "parse", "/nonexistent/feed.xml", NULL);
	T_EQ_INT(rc, 1);
	T_CONTAINS(err, "/nonexistent/feed.xml");
	free(out);
	free(err);

	rc = t_earshot(NULL, &out, &err, "parse", NULL);
	T_EQ_INT(rc, 2);
	free(out);
	free(err);

	rc = t_earshot(NULL, &out, &err, "parse", "--format", "yaml", feed("rss20_basic.xml"), NULL);
	T_EQ_INT(rc, 2);
	T_CONTAINS(err, "unknown format 'yaml'");
	free(out);
	free(err);

	rc = t_earshot(NULL, &out, &err, "parse", "--bogus", feed("rss20_basic.xml"), NULL);
	T_EQ_INT(rc, 2);
	free(out);
	free(err);

	rc = t_earshot(NULL, &out, &err, "parse", "a.xml", "b.xml", NULL);
	T_EQ_INT(rc, 2);
	free(out);
	free(err);

	/* An empty feed parses: no lines, exit 0. */
	rc = t_earshot(NULL, &out, &err, "parse", feed("rss20_no_items.xml"), NULL);
	T_EQ_INT(rc, 0);
	T_EQ_STR(out, "");
	free(out);
	free(err);
}

static void
test_json_escaping(void)
{
	char *out = NULL, *err = NULL;
	int rc = t_earshot("<rss><channel><item><title>Quote \" back\\slash \xe2\x80\xa8 tab\t</title>"
			   "<link>https://e.example/1</link></item></channel></rss>",
			   &out, &err, "parse", "-", NULL);

	T_EQ_INT(rc, 0);
	T_CONTAINS(out, "\"title\":\"Quote \\\" back\\\\slash \\u2028 tab\"");
	free(out);
	free(err);
}

int
main(void)
{
	T_RUN(test_rss_lines);
	T_RUN(test_stdin_and_base);
	T_RUN(test_formats);
	T_RUN(test_source_mapping);
	T_RUN(test_bad_mapping_in_conf);
	T_RUN(test_exit_statuses);
	T_RUN(test_json_escaping);
	return t_report();
}
