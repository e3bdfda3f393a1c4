/* test_conf.c - the feeds.conf reader: grammar, values, every error kind
 * with its line, all errors reported at once, ${VAR}. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/conf.h"
#include "core/units.h"
#include "tests/test.h"

/* Loads text and returns the diagnostics as "LINE: msg\n" lines (sorted). */
static char *
diags(const char *text, struct conf **out)
{
	struct conf *c = conf_load_string(text, "t.conf");
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	conf_diag_print(c, fp);
	fclose(fp);
	if (out)
		*out = c;
	else
		conf_free(c);
	return buf;
}

static const char valid[] =
	"# a comment\n"
	"[earshot]\n"
	"database = /var/lib/earshot/x.db\n"
	"interval = 10m   # inline comment\n"
	"concurrency = 8\n"
	"max_body = 512KiB\n"
	"host_delay = 250ms\n"
	"\n"
	"[brand acme]\n"
	"query = \"acme\" OR \"acme cloud\" OR @acme OR #acme NOT \"acme anvil\"\n"
	"case = sensitive\n"
	"\n"
	"[source news]\n"
	"url = https://news.example.com/rss?q=%22acme%22\n"
	"brands = acme\n"
	"\n"
	"[source hn]\n"
	"url = https://hn.example.com/api\n"
	"format = json\n"
	"items = hits\n"
	"title = title\n"
	"interval = 1h\n"
	"store_unmatched = yes\n"
	"\n"
	"[source reviews]\n"
	"url = https://reviews.example.com/acme\n"
	"format = html\n"
	"item = //article[@class='review']\n"
	"\n"
	"[webhook cx]\n"
	"type = slack\n"
	"url = \"https://hooks.slack.com/services/T0/B0/x\"\n"
	"\n"
	"[alert neg]\n"
	"brand = acme\n"
	"window = 30m\n"
	"threshold = 4.5\n"
	"notify = cx\n";

static void
test_valid_file(void)
{
	struct conf *c;
	char *d = diags(valid, &c);

	T_EQ_STR(d, "");
	T_EQ_INT(c->nbrands, 1);
	T_EQ_INT(c->nsources, 3);
	T_EQ_INT(c->nwebhooks, 1);
	T_EQ_INT(c->nalerts, 1);
	T_EQ_STR(c->global.database, "/var/lib/earshot/x.db");
	T_EQ_INT(c->global.interval, 600000);
	T_EQ_INT(c->global.concurrency, 8);
	T_EQ_INT(c->global.per_host, 2);          /* default */
	T_EQ_INT(c->global.max_body, 512 * 1024);
	T_EQ_INT(c->global.host_delay, 250);
	T_EQ_INT(c->global.retention, 180LL * 86400000);
	T_EQ_STR(c->brands[0].query, "\"acme\" OR \"acme cloud\" OR @acme OR #acme NOT \"acme anvil\"");
	T_EQ_INT(c->brands[0].case_sensitive, 1);
	T_EQ_INT(c->brands[0].query_line, 10);
	T_EQ_STR(c->sources[0].url, "https://news.example.com/rss?q=%22acme%22");
	T_EQ_INT(c->sources[0].interval, 600000);  /* inherited */
	T_EQ_INT(c->sources[0].nbrands, 1);
	T_EQ_STR(c->sources[0].brands[0], "acme");
	T_EQ_INT(c->sources[0].robots, 0);
	T_EQ_INT(c->sources[1].format, CONF_FMT_JSON);
	T_EQ_STR(c->sources[1].items, "hits");
	T_EQ_INT(c->sources[1].interval, 3600000);
	T_EQ_INT(c->sources[1].store_unmatched, 1);
	T_ASSERT(c->sources[1].brands == NULL);
	T_EQ_INT(c->sources[2].robots, 1);         /* html: robots.txt by default */
	T_EQ_STR(c->sources[2].item, "//article[@class='review']");
	T_EQ_STR(c->sources[2].user_agent, c->global.user_agent);
	T_EQ_INT(c->webhooks[0].type, CONF_WH_SLACK);
	T_EQ_STR(c->webhooks[0].url, "https://hooks.slack.com/services/T0/B0/x");
	T_EQ_INT(c->alerts[0].sentiment, CONF_SENT_NEGATIVE);
	T_EQ_INT(c->alerts[0].window, 1800000);
	T_EQ_INT(c->alerts[0].baseline, 7LL * 86400000);
	T_EQ_DBL(c->alerts[0].threshold, 4.5, 1e-9);
	T_EQ_INT(c->alerts[0].min_count, 5);
	T_EQ_STR(c->alerts[0].notify[0], "cx");
	T_ASSERT(conf_source_find(c, "hn") == &c->sources[1]);
	T_ASSERT(conf_webhook_find(c, "nope") == NULL);
	free(d);
	conf_free(c);
}

/* Each kind of mistake, alone, with its exact message and line. */
static void
test_each_error(void)
{
	static const struct {
		const char *text, *want;
	} cases[] = {
		{ "[earshot]\nbogus = 1\n", "t.conf:2: unknown key 'bogus' in [earshot]\n" },
		{ "[earshot]\nintervall = 1m\n",
		  "t.conf:2: unknown key 'intervall' in [earshot]; did you mean 'interval'?\n" },
		{ "[source a]\nurl = http://a/\nnotify = x\n",
		  "t.conf:3: unknown key 'notify' in [source]; it belongs in [alert]\n" },
		{ "[feed x]\n", "t.conf:1: unknown section [feed] (expected earshot, brand, source, "
				"webhook or alert)\n" },
		{ "[earshot]\ninterval = 5x\n",
		  "t.conf:2: interval: '5x' is not a duration (like 90s, 15m, 6h, 7d)\n" },
		{ "[earshot]\nconcurrency = 0\n",
		  "t.conf:2: concurrency: '0' is out of range (1..1024)\n" },
		{ "[earshot]\nmax_body = 8 potatoes\n",
		  "t.conf:2: max_body: '8 potatoes' is not a size (like 512KiB, 8MiB)\n" },
		{ "[earshot]\nallow_private = maybe\n",
		  "t.conf:2: allow_private: 'maybe' is not yes or no\n" },
		{ "[source a]\nurl = ftp://a/\n",
		  "t.conf:2: url: 'ftp://a/' is not an http:// or https:// URL\n" },
		{ "[source a]\nurl = http://a/\nformat = yaml\n",
		  "t.conf:3: format: 'yaml' is not one of auto|rss|atom|jsonfeed|json|html\n" },
		{ "[brand a]\nquery = x\n[brand a]\nquery = y\n",
		  "t.conf:3: duplicate [brand a] (first at line 1)\n" },
		{ "[source a]\nurl = http://a/\nurl = http://b/\n",
		  "t.conf:3: duplicate key 'url' (first set at line 2)\n" },
		{ "[source a]\nurl = http://a/\nbrands = nope\n",
		  "t.conf:3: brands: no [brand nope] is defined\n" },
		{ "[alert a]\nnotify = gone\n", "t.conf:2: notify: no [webhook gone] is defined\n" },
		{ "[source a]\nformat = rss\n", "t.conf:1: [source a] is missing required key 'url'\n" },
		{ "interval = 1m\n", "t.conf:1: 'interval' is outside any section\n" },
		{ "[earshot]\njust words\n",
		  "t.conf:2: expected 'key = value' or a [section]\n" },
		{ "[brand]\n", "t.conf:1: [brand] needs a name: [brand NAME]\n" },
		{ "[brand a]\nquery = \"unterminated\n", "t.conf:2: query: unterminated quote\n" },
		{ "[webhook w]\ntype = slack\nurl = http://x/\nsecret = s\n",
		  "t.conf:4: secret: only a type = json webhook signs its messages\n" },
		{ "[webhook w]\ntype = json\nurl = http://x/\n[alert a]\nwindow = 1h\nbaseline = "
		  "90m\nnotify = w\n",
		  "t.conf:6: baseline must be at least twice the window\n" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *d = diags(cases[i].text, NULL);

		T_EQ_STR(d, cases[i].want);
		free(d);
	}
}

/* Five different mistakes: all five are reported, in line order. */
static void
test_five_errors(void)
{
	static const char text[] =
		"[earshot]\n"
		"concurrency = lots\n"          /* 2: bad value */
		"[brand acme]\n"
		"query = acme\n"
		"[source s1]\n"
		"url = https://a.example/\n"
		"brands = acme, ghost\n"        /* 7: unknown brand */
		"colour = blue\n"               /* 8: unknown key */
		"[source s2]\n"                 /* 9: missing url */
		"format = rss\n"
		"[alert x]\n"
		"threshold = 500\n"             /* 12: out of range */
		"notify = nowhere\n";           /* 13: unknown webhook */
	char *d = diags(text, NULL);

	T_EQ_STR(d, "t.conf:2: concurrency: 'lots' is not a whole number\n"
		    "t.conf:7: brands: no [brand ghost] is defined\n"
		    "t.conf:8: unknown key 'colour' in [source]\n"
		    "t.conf:9: [source s2] is missing required key 'url'\n"
		    "t.conf:12: threshold: '500' is out of range (0.5..100)\n"
		    "t.conf:13: notify: no [webhook nowhere] is defined\n");
	free(d);
}

static void
test_env(void)
{
	struct conf *c;
	char *d;

	setenv("ES_TEST_HOOK", "https://hooks.example/T/B/secret-token", 1);
	unsetenv("ES_TEST_UNSET");
	d = diags("[webhook w]\ntype = slack\nurl = ${ES_TEST_HOOK}\n", &c);
	T_EQ_STR(d, "");
	T_EQ_STR(c->webhooks[0].url, "https://hooks.example/T/B/secret-token");
	free(d);
	conf_free(c);

	/* Inside a quoted value, and part of a longer value. */
	d = diags("[source s]\nurl = \"https://api.example/?key=${ES_TEST_HOOK}&x=1\"\n", &c);
	T_EQ_STR(d, "");
	T_EQ_STR(c->sources[0].url, "https://api.example/?key=https://hooks.example/T/B/secret-token&x=1");
	free(d);
	conf_free(c);

	/* Unset: the error names the variable. */
	d = diags("[webhook w]\ntype = slack\nurl = ${ES_TEST_UNSET}\n", NULL);
	T_EQ_STR(d, "t.conf:3: environment variable ES_TEST_UNSET is not set\n");
	free(d);

	/* A fallback, and an empty fallback that disables a webhook. */
	d = diags("[earshot]\ndatabase = ${ES_TEST_UNSET:-fallback.db}\n"
		  "[webhook w]\ntype = slack\nurl = ${ES_TEST_UNSET:-}\n", &c);
	T_EQ_STR(d, "");
	T_EQ_STR(c->global.database, "fallback.db");
	T_EQ_STR(c->webhooks[0].url, "");
	free(d);
	conf_free(c);

	/* A bad value from the environment is reported without echoing it. */
	setenv("ES_TEST_BAD", "secret-not-a-number", 1);
	d = diags("[earshot]\nconcurrency = ${ES_TEST_BAD}\n", NULL);
	T_EQ_STR(d, "t.conf:2: concurrency: the value is not a whole number\n");
	T_NOT_CONTAINS(d, "secret");
	free(d);
	d = diags("[earshot]\ndatabase = ${ES_TEST\n", NULL);
	T_EQ_STR(d, "t.conf:2: malformed ${...} reference\n");
	free(d);
}

static void
test_syntax_details(void)
{
	struct conf *c;
	char *d;

	/* #hashtag in a query is not a comment; " # " is. Continuation lines. */
	d = diags("[brand b]\nquery = #acme OR @acme # a comment\n"
		  "exclude = \"x\" OR \\\n  \"y\"\n", &c);
	T_EQ_STR(d, "");
	T_EQ_STR(c->brands[0].query, "#acme OR @acme");
	T_EQ_STR(c->brands[0].exclude, "\"x\" OR    \"y\"");
	T_EQ_INT(c->brands[0].exclude_line, 3);
	free(d);
	conf_free(c);

	/* CRLF line ends, quoted section names, escapes in quotes. */
	d = diags("[source \"my-src\"]\r\nurl = https://x.example/\r\nuser_agent = \"a \\\"b\\\" c\"\r\n",
		  &c);
	T_EQ_STR(d, "");
	T_EQ_STR(c->sources[0].name, "my-src");
	T_EQ_STR(c->sources[0].user_agent, "a \"b\" c");
	free(d);
	conf_free(c);
}

static void
test_units(void)
{
	int64_t v;
	char out[32];

	T_EQ_INT(units_parse_duration("90s", &v), ES_OK);
	T_EQ_INT(v, 90000);
	T_EQ_INT(units_parse_duration("1h30m", &v), ES_OK);
	T_EQ_INT(v, 5400000);
	T_EQ_INT(units_parse_duration("7d", &v), ES_OK);
	T_EQ_INT(v, 604800000);
	T_EQ_INT(units_parse_duration("45", &v), ES_OK);
	T_EQ_INT(v, 45000);
	T_EQ_INT(units_parse_duration("200ms", &v), ES_OK);
	T_EQ_INT(v, 200);
	T_EQ_INT(units_parse_duration("1h 30", &v), ES_EPARSE);
	T_EQ_INT(units_parse_duration("", &v), ES_EPARSE);
	T_EQ_INT(units_parse_duration("-5s", &v), ES_EPARSE);
	T_EQ_INT(units_parse_duration("99999999999999999999s", &v), ES_EPARSE);
	T_EQ_INT(units_parse_size("8MiB", &v), ES_OK);
	T_EQ_INT(v, 8 * 1024 * 1024);
	T_EQ_INT(units_parse_size("512KiB", &v), ES_OK);
	T_EQ_INT(v, 512 * 1024);
	T_EQ_INT(units_parse_size("2 MB", &v), ES_OK);
	T_EQ_INT(v, 2000000);
	T_EQ_INT(units_parse_size("10", &v), ES_OK);
	T_EQ_INT(v, 10);
	T_EQ_INT(units_parse_size("10 bananas", &v), ES_EPARSE);
	T_EQ_STR(units_fmt_duration(5400000, out, sizeof(out)), "1h30m");
	T_EQ_STR(units_fmt_duration(180LL * 86400000, out, sizeof(out)), "180d");
	T_EQ_STR(units_fmt_size(8 * 1024 * 1024, out, sizeof(out)), "8MiB");
}

static void
test_file_errors(void)
{
	char err[ES_ERRLEN];
	struct conf *c = conf_load("/nonexistent/feeds.conf", err, sizeof(err));

	T_ASSERT(c == NULL);
	T_CONTAINS(err, "/nonexistent/feeds.conf");
	t_write_file(t_tmp("good.conf"), valid);
	c = conf_load(t_tmp("good.conf"), err, sizeof(err));
	T_ASSERT(c != NULL);
	T_EQ_INT(c->ndiags, 0);
	conf_free(c);
}

/* The shipped feeds.conf is valid. */
static void
test_shipped_conf(void)
{
	char err[ES_ERRLEN], path[1024];
	const char *src = getenv("ES_SRC");
	struct conf *c;

	snprintf(path, sizeof(path), "%s/feeds.conf", src ? src : ".");
	c = conf_load(path, err, sizeof(err));
	T_ASSERT(c != NULL);
	if (!c)
		return;
	if (c->ndiags)
		conf_diag_print(c, stderr);
	T_EQ_INT(c->ndiags, 0);
	T_ASSERT(c->nbrands >= 1 && c->nsources >= 3 && c->nwebhooks >= 1 && c->nalerts >= 1);
	conf_free(c);
}

int
main(void)
{
	T_RUN(test_valid_file);
	T_RUN(test_each_error);
	T_RUN(test_five_errors);
	T_RUN(test_env);
	T_RUN(test_syntax_details);
	T_RUN(test_units);
	T_RUN(test_file_errors);
	T_RUN(test_shipped_conf);
	return t_report();
}
