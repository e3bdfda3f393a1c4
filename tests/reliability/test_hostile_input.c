/* test_hostile_input.c - bad documents through the real binary: earshot
 * once fetching them from es_httpd, the results read back from the
 * database.  Entity bombs and external entities (with a canary server that
 * must hear nothing), nesting far past any sane depth, JSON cut off at the
 * buffer's end, charsets that disagree and bytes that are not UTF-8; then
 * the other doors strangers' text reaches: feeds.conf with every kind of
 * mistake, and search and query strings built to break FTS5 and SQL.
 *
 * The parsers' own tests (tests/test_parse_safety.c) call parse_document()
 * directly; these check what the whole pipeline makes of the same input:
 * what is stored, how the source is marked, how long it takes and how much
 * memory the process needed (peak RSS from wait4), with the sanitizers
 * watching every run. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "core/buf.h"
#include "parsers/mention.h"
#include "tests/reliability/rellib.h"

static struct httpd srv;
static long baseline_rss_kb; /* peak RSS of a pass over one small feed */

/* earshot -c CONF once --all; the exit status, the wall time in *ms and
 * the peak RSS in *rss_kb. */
static int
once_all(const char *conf, const char *log, int64_t *ms, long *rss_kb)
{
	struct rusage ru;
	int64_t t0 = rel_now_ms();
	pid_t pid = rel_spawn(log, NULL, "-c", conf, "once", "--all", (char *)NULL);
	int rc = rel_reap(pid, log, &ru);

	if (ms)
		*ms = rel_now_ms() - t0;
	if (rss_kb)
		*rss_kb = ru.ru_maxrss;
	return rc;
}

static char *
source_field(const char *db, const char *name, const char *field)
{
	char sql[256];

	snprintf(sql, sizeof(sql), "SELECT coalesce(%s, 'NULL') FROM sources WHERE name = '%s'",
		 field, name);
	return rel_db_text(db, sql);
}

#define T_SOURCE(db, name, field, want)                                       \
	do {                                                                  \
		char *v_ = source_field(db, name, field);                     \
		T_EQ_STR(v_, want);                                           \
		free(v_);                                                     \
	} while (0)

static long long
mentions_of(const char *db, const char *name)
{
	char sql[256];

	snprintf(sql, sizeof(sql), "SELECT count(*) FROM mentions m JOIN sources s "
				   "ON s.id = m.source_id WHERE s.name = '%s'", name);
	return rel_db_int(db, sql);
}

static void
test_baseline(void)
{
	const char *conf;

	httpd_routes(&srv, "route /base.xml\nbody_file %s\n", rel_feed("base.xml", "base", 0, 5, 100));
	conf = rel_conf("base", "[source base]\nurl = %s\n",
			httpd_url(&srv, "base.localhost", "/base.xml"));
	T_EQ_INT(once_all(conf, "base.log", NULL, &baseline_rss_kb), 0);
	T_EQ_INT(rel_db_int(rel_db("base"), "SELECT count(*) FROM mentions"), 5);
	fprintf(stderr, "  baseline peak RSS %ld KiB\n", baseline_rss_kb);
}

/* Billion laughs, a quadratic blow-up, and every way to make libxml2
 * fetch a file or a URL, aimed at a secret file and at a canary server:
 * nothing is expanded or fetched, the canary hears nothing, and the pass
 * is quick and small. */
static void
test_entities(void)
{
	struct httpd canary;
	const char *secret = t_tmp("secret.txt"), *conf, *db = rel_db("ent");
	struct buf quad, xxe;
	int64_t ms;
	long rss;

	T_EQ_INT(httpd_start(&canary, NULL), 0);
	t_write_file(secret, "CANARY-SECRET-3f9a\n");
	buf_init(&quad, 0);
	buf_puts(&quad, "<?xml version=\"1.0\"?><!DOCTYPE rss [<!ENTITY big \"");
	for (int i = 0; i < 1000; i++)
		buf_putc(&quad, 'x');
	buf_puts(&quad, "\">]><rss><channel><item><guid>q</guid><title>quad</title><description>");
	for (int i = 0; i < 50000; i++)
		buf_puts(&quad, "&big;");
	buf_puts(&quad, "</description></item></channel></rss>");
	t_write_file(t_tmp("quad.xml"), quad.data);
	buf_init(&xxe, 0);
	buf_printf(&xxe,
		   "<?xml version=\"1.0\"?>\n"
		   "<!DOCTYPE rss SYSTEM \"http://127.0.0.1:%d/dtd\" [\n"
		   "<!ENTITY %% p SYSTEM \"http://127.0.0.1:%d/param\"> %%p;\n"
		   "<!ENTITY file SYSTEM \"file://%s\">\n"
		   "<!ENTITY net SYSTEM \"http://127.0.0.1:%d/entity\">]>\n"
		   "<rss xmlns:xi=\"http://www.w3.org/2001/XInclude\"><channel>"
		   "<item><guid>x1</guid><title>file: &file;</title>"
		   "<description>net: &net; <xi:include href=\"http://127.0.0.1:%d/xi\"/>"
		   "<xi:include href=\"file://%s\" parse=\"text\"/></description></item>"
		   "</channel></rss>",
		   canary.port, canary.port, secret, canary.port, canary.port, secret);
	t_write_file(t_tmp("xxe.xml"), xxe.data);
	httpd_routes(&srv, "route /laughs.xml\nbody_file %s\n"
			   "route /quad.xml\nbody_file %s\n"
			   "route /xxe.xml\nbody_file %s\n",
		     t_data("feeds/billion_laughs.xml"), t_tmp("quad.xml"), t_tmp("xxe.xml"));
	conf = rel_conf("ent", "[source laughs]\nurl = %s\n[source quad]\nurl = %s\n"
			       "[source xxe]\nurl = %s\n",
			httpd_url(&srv, "laughs.localhost", "/laughs.xml"),
			httpd_url(&srv, "quad.localhost", "/quad.xml"),
			httpd_url(&srv, "xxe.localhost", "/xxe.xml"));
	T_EQ_INT(once_all(conf, "ent.log", &ms, &rss), 0);
	fprintf(stderr, "  entities: %lld ms, peak RSS %ld KiB (baseline %ld)\n", (long long)ms,
		rss, baseline_rss_kb);
	/* "Under 1 s" on a quiet machine; this allows for ASan and a busy one. */
	T_ASSERT(ms < 5000);
	T_ASSERT(rss - baseline_rss_kb < 64 * 1024);
	/* Billion laughs: the references stay as they were written. */
	T_SOURCE(db, "laughs", "last_error", "NULL");
	T_EQ_INT(rel_db_int(db, "SELECT count(*) FROM mentions WHERE title = '&lol9;'"), 1);
	T_EQ_INT(rel_db_int(db, "SELECT count(*) FROM mentions WHERE title LIKE '%lollol%' "
				"OR text LIKE '%lollol%'"), 0);
	/* Quadratic: expansion stops within the text cap. */
	T_EQ_INT(rel_db_int(db, "SELECT max(length(CAST(text AS BLOB))) <= 65536 FROM mentions"), 1);
	T_EQ_INT(mentions_of(db, "quad"), 1);
	/* External entities: neither the file nor the network was read. */
	T_EQ_INT(rel_db_int(db, "SELECT count(*) FROM mentions WHERE title LIKE '%CANARY%' "
				"OR text LIKE '%CANARY%'"), 0);
	T_EQ_INT(mentions_of(db, "xxe"), 1);
	T_EQ_INT(httpd_count(&canary, NULL), 0);
	httpd_stop(&canary);
	buf_free(&quad);
	buf_free(&xxe);
}

/* Nesting 10,000 deep in XML, 100,000 deep in HTML and JSON: each a clean
 * verdict on its own source while a plain feed in the same pass is stored;
 * no stack overflow (ASan would say), memory bounded. */
static void
test_deep_nesting(void)
{
	struct buf b;
	const char *conf, *db = rel_db("deep");
	long rss;

	buf_init(&b, 0);
	buf_puts(&b, "<rss><channel><item><guid>d0</guid><title>before the pit</title></item>"
		     "<item><guid>d1</guid><title>deep</title>");
	for (int i = 0; i < 10000; i++)
		buf_puts(&b, "<x>");
	buf_puts(&b, "</item></channel></rss>");
	t_write_file(t_tmp("deep.xml"), b.data);
	buf_reset(&b);
	buf_puts(&b, "<!DOCTYPE html><html><body>");
	for (int i = 0; i < 100000; i++)
		buf_puts(&b, "<div>");
	buf_puts(&b, "<article class=\"review\"><h2>deep</h2><p>inside</p></article></body></html>");
	t_write_file(t_tmp("deep.html"), b.data);
	buf_reset(&b);
	for (int i = 0; i < 100000; i++)
		buf_putc(&b, '[');
	t_write_file(t_tmp("deep.json"), b.data);
	buf_reset(&b);
	buf_puts(&b, "{\"version\":\"https://jsonfeed.org/version/1.1\",\"items\":[{\"id\":\"1\","
		     "\"content_text\":\"x\",\"_ext\":");
	for (int i = 0; i < 100000; i++)
		buf_puts(&b, "{\"a\":");
	t_write_file(t_tmp("deep-feed.json"), b.data);
	buf_free(&b);
	httpd_routes(&srv, "route /deep.xml\nbody_file %s\nroute /deep.html\ntype text/html\n"
			   "body_file %s\nroute /deep.json\ntype application/json\nbody_file %s\n"
			   "route /deep-feed.json\ntype application/feed+json\nbody_file %s\n"
			   "route /plain.xml\nbody_file %s\n",
		     t_tmp("deep.xml"), t_tmp("deep.html"), t_tmp("deep.json"),
		     t_tmp("deep-feed.json"), rel_feed("plain.xml", "plain", 0, 3, 80));
	conf = rel_conf("deep", "[source xml]\nurl = %s\n[source html]\nurl = %s\nformat = html\n"
				"robots = no\nitem = //article\ntitle = .//h2\ntext = .//p\n"
				"[source json]\nurl = %s\nformat = json\nitems = hits\n"
				"[source json-auto]\nurl = %s\n[source jsonfeed]\nurl = %s\n"
				"[source plain]\nurl = %s\n",
			 httpd_url(&srv, "deep.localhost", "/deep.xml"),
			 httpd_url(&srv, "deep.localhost", "/deep.html"),
			 httpd_url(&srv, "deep.localhost", "/deep.json"),
			 httpd_url(&srv, "deep2.localhost", "/deep.json"),
			 httpd_url(&srv, "deep.localhost", "/deep-feed.json"),
			 httpd_url(&srv, "plain.localhost", "/plain.xml"));
	T_EQ_INT(once_all(conf, "deep.log", NULL, &rss), 0);
	T_ASSERT(rss - baseline_rss_kb < 64 * 1024);
	/* XML: what came before the pit is kept; the document counts as read. */
	T_SOURCE(db, "xml", "last_error", "NULL");
	T_EQ_INT(rel_db_int(db, "SELECT count(*) FROM mentions WHERE guid = 'd0'"), 1);
	/* HTML: libxml2 stops at its depth limit; no review is found there. */
	T_SOURCE(db, "html", "coalesce(last_error, 'ok')", "ok");
	T_EQ_INT(mentions_of(db, "html"), 0);
	/* JSON: refused by cJSON's nesting limit, as a parse error. */
	T_SOURCE(db, "json", "last_error", "parse");
	T_SOURCE(db, "json-auto", "last_error", "parse");
	T_SOURCE(db, "jsonfeed", "last_error", "parse");
	T_EQ_INT(mentions_of(db, "jsonfeed"), 0);
	T_EQ_INT(mentions_of(db, "plain"), 3);
}

/* JSON cut off exactly at the end of the buffer (the body's
 * Content-Length ends there): a parse error, no read past the end. */
static void
test_unterminated_json(void)
{
	const char *conf, *db = rel_db("unterm");

	httpd_routes(&srv, "route /u1.json\ntype application/json\nbody {\"1\":1,\n"
			   "route /u2.json\ntype application/json\nbody {\"hits\":[{\"id\":\"a\",\"title\":\"Acme\n"
			   "route /u3.json\ntype application/feed+json\n"
			   "body {\"version\":\"https://jsonfeed.org/version/1\",\"items\":[{\"id\":\"1\",\"content_text\":\"x\\\\\n"
			   "route /u4.json\ntype application/json\nbody \"\\\\u12\n");
	conf = rel_conf("unterm", "[source u1]\nurl = %s\nformat = json\nitems = hits\n"
				  "[source u2]\nurl = %s\nformat = json\nitems = hits\ntitle = title\n"
				  "[source u3]\nurl = %s\n[source u4]\nurl = %s\nformat = json\n",
			httpd_url(&srv, "u.localhost", "/u1.json"),
			httpd_url(&srv, "u.localhost", "/u2.json"),
			httpd_url(&srv, "u.localhost", "/u3.json"),
			httpd_url(&srv, "u.localhost", "/u4.json"));
	T_EQ_INT(once_all(conf, "unterm.log", NULL, NULL), 1);  /* none could be read */
	T_EQ_INT(rel_db_int(db, "SELECT count(*) FROM sources WHERE last_error = 'parse'"), 4);
	T_EQ_INT(rel_db_int(db, "SELECT count(*) FROM mentions"), 0);
}

/* Charsets that disagree (BOM > XML declaration > Content-Type, as
 * newsboat orders them) and bytes that are not UTF-8: whatever arrives,
 * what is stored is valid UTF-8, and the right reading wins. */
static void
test_charsets(void)
{
	const char *conf, *db = rel_db("cs");
	char *v;

	/* BOM says UTF-8, the declaration windows-1251, the header latin-1. */
	t_write_file(t_tmp("cs-bom.xml"),
		     "\xef\xbb\xbf<?xml version=\"1.0\" encoding=\"windows-1251\"?><rss><channel>"
		     "<item><guid>bom</guid><title>caf\xc3\xa9</title></item></channel></rss>");
	/* The declaration (windows-1251) beats the header (utf-8). */
	t_write_file(t_tmp("cs-decl.xml"),
		     "<?xml version=\"1.0\" encoding=\"windows-1251\"?><rss><channel>"
		     "<item><guid>decl</guid><title>\xcf\xf0\xe8\xe2\xe5\xf2</title></item></channel></rss>");
	/* Only the header says: latin-1. */
	t_write_file(t_tmp("cs-header.xml"),
		     "<rss><channel><item><guid>hdr</guid><title>na\xefve caf\xe9</title></item>"
		     "</channel></rss>");
	/* Says UTF-8, is not: stray bytes, an overlong '/', a surrogate, a
	 * sequence cut short, and 0xff. */
	t_write_file(t_tmp("cs-bad.xml"),
		     "<?xml version=\"1.0\" encoding=\"utf-8\"?><rss><channel><item><guid>bad</guid>"
		     "<title>a\xc0\xaf" "b\xed\xa0\x80" "c\xe2\x82" "d\xff" "e</title>"
		     "<description>\x80\x81 text \xf8\x88\x80\x80\x80 more</description></item>"
		     "<item><guid>bad\xfe" "guid</guid><title>ok</title><link>http://x.example/\xff</link>"
		     "</item></channel></rss>");
	/* JSON with raw bad bytes and a lone surrogate escape. */
	t_write_file(t_tmp("cs-bad.json"),
		     "{\"hits\":[{\"id\":\"j\\ud800\",\"title\":\"x\xff\xfey \\udc00 z\","
		     "\"author\":\"\xc3\"}]}");
	httpd_routes(&srv, "route /cs-bom.xml\ntype application/rss+xml; charset=iso-8859-1\nbody_file %s\n"
			   "route /cs-decl.xml\ntype application/rss+xml; charset=utf-8\nbody_file %s\n"
			   "route /cs-header.xml\ntype text/xml; charset=\"ISO-8859-1\"\nbody_file %s\n"
			   "route /cs-bad.xml\ntype application/rss+xml\nbody_file %s\n"
			   "route /cs-bad.json\ntype application/json; charset=utf-8\nbody_file %s\n"
			   "route /cs-utf16.xml\ntype text/xml; charset=utf-8\n"
			   "body \\xff\\xfe<\\x00r\\x00s\\x00s\\x00>\\x00<\\x00c\\x00h\\x00a\\x00n\\x00n\\x00e\\x00l\\x00>"
			   "\\x00<\\x00i\\x00t\\x00e\\x00m\\x00>\\x00<\\x00t\\x00i\\x00t\\x00l\\x00e\\x00>\\x00\\xe9\\x00"
			   "\\x3d\\xd8\\x00\\xde<\\x00/\\x00t\\x00i\\x00t\\x00l\\x00e\\x00>\\x00<\\x00/\\x00i\\x00t\\x00e"
			   "\\x00m\\x00>\\x00<\\x00/\\x00c\\x00h\\x00a\\x00n\\x00n\\x00e\\x00l\\x00>\\x00<\\x00/\\x00r"
			   "\\x00s\\x00s\\x00>\\x00\n",
		     t_tmp("cs-bom.xml"), t_tmp("cs-decl.xml"), t_tmp("cs-header.xml"),
		     t_tmp("cs-bad.xml"), t_tmp("cs-bad.json"));
	conf = rel_conf("cs", "[source bom]\nurl = %s\n[source decl]\nurl = %s\n"
			      "[source header]\nurl = %s\n[source bad]\nurl = %s\n"
			      "[source json]\nurl = %s\nformat = json\nitems = hits\nid = id\n"
			      "title = title\nauthor = author\n[source utf16]\nurl = %s\n",
			httpd_url(&srv, "cs.localhost", "/cs-bom.xml"),
			httpd_url(&srv, "cs.localhost", "/cs-decl.xml"),
			httpd_url(&srv, "cs.localhost", "/cs-header.xml"),
			httpd_url(&srv, "cs.localhost", "/cs-bad.xml"),
			httpd_url(&srv, "cs.localhost", "/cs-bad.json"),
			httpd_url(&srv, "cs.localhost", "/cs-utf16.xml"));
	T_EQ_INT(once_all(conf, "cs.log", NULL, NULL), 0);
	T_EQ_INT(rel_db_int(db, "SELECT count(*) FROM sources WHERE last_error IS NOT NULL"), 0);
	T_ASSERT(rel_db_utf8_valid(db, "mentions"));
	T_ASSERT(rel_db_utf8_valid(db, "mentions_fts"));
	T_ASSERT(rel_db_utf8_valid(db, "sources"));
	v = rel_db_text(db, "SELECT title FROM mentions WHERE guid = 'bom'");
	T_EQ_STR(v, "caf\xc3\xa9");
	free(v);
	v = rel_db_text(db, "SELECT title FROM mentions WHERE guid = 'decl'");
	T_EQ_STR(v, "\xd0\x9f\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5\xd1\x82");  /* Привет */
	free(v);
	v = rel_db_text(db, "SELECT title FROM mentions WHERE guid = 'hdr'");
	T_EQ_STR(v, "na\xc3\xafve caf\xc3\xa9");
	free(v);
	/* Every bad sequence became one U+FFFD; the letters around survive. */
	v = rel_db_text(db, "SELECT title FROM mentions WHERE guid = 'bad'");
	T_ASSERT(v && strstr(v, "\xef\xbf\xbd") && v[0] == 'a' && strchr(v, 'e'));
	free(v);
	T_EQ_INT(rel_db_int(db, "SELECT count(*) FROM mentions m JOIN sources s ON s.id = m.source_id "
				"WHERE s.name = 'bad'"), 2);
	T_EQ_INT(rel_db_int(db, "SELECT count(*) FROM mentions m JOIN sources s ON s.id = m.source_id "
				"WHERE s.name = 'json'"), 1);
	v = rel_db_text(db, "SELECT title FROM mentions m JOIN sources s ON s.id = m.source_id "
			    "WHERE s.name = 'utf16'");
	T_EQ_STR(v, "\xc3\xa9\xf0\x9f\x98\x80");  /* é😀 from UTF-16LE with a surrogate pair */
	free(v);
}

/* One feeds.conf with one of every kind of mistake: earshot check lists
 * all of them, each with its line, and refuses to run; so do once and run. */
static void
test_conf_every_mistake(void)
{
	static const struct {
		int line;
		const char *says;
	} want[] = {
		{ 2, "unknown key 'bogus' in [earshot]" },
		{ 3, "did you mean 'interval'?" },
		{ 4, "'5x' is not a duration" },
		{ 5, "'0' is out of range (1..1024)" },
		{ 6, "'8 potatoes' is not a size" },
		{ 7, "'maybe' is not yes or no" },
		{ 8, "'lots' is not a whole number" },
		{ 9, "expected 'key = value' or a [section]" },
		{ 10, "unknown section [feed]" },
		{ 11, "[brand] needs a name" },
		{ 13, "query: unterminated quote" },
		{ 15, "duplicate [brand a]" },
		{ 18, "'ftp://a/' is not an http:// or https:// URL" },
		{ 19, "'yaml' is not one of auto|rss|atom|jsonfeed|json|html" },
		{ 20, "brands: no [brand ghost] is defined" },
		{ 21, "unknown key 'notify' in [source]; it belongs in [alert]" },
		{ 22, "duplicate key 'format'" },
		{ 23, "[source c] is missing required key 'url'" },
		{ 26, "secret: only a type = json webhook signs its messages" },
		{ 27, "type" },
		{ 29, "unknown key 'notify' in [webhook]; it belongs in [alert]" },
		{ 31, "threshold: '500' is out of range" },
		{ 32, "notify: no [webhook gone] is defined" },
		{ 33, "malformed ${...} reference" },
	};
	const char *conf = t_tmp("mistakes.conf");
	char *out = NULL, *err = NULL, line[32];
	int rc, n = 0;

	t_write_file(conf,
		     "[earshot]\n"                              /* 1 */
		     "bogus = 1\n"                              /* 2 */
		     "intervall = 1m\n"                         /* 3 */
		     "host_delay = 5x\n"                        /* 4 */
		     "concurrency = 0\n"                        /* 5 */
		     "max_body = 8 potatoes\n"                  /* 6 */
		     "allow_private = maybe\n"                  /* 7 */
		     "per_host = lots\n"                        /* 8 */
		     "just words\n"                             /* 9 */
		     "[feed x]\n"                               /* 10 */
		     "[brand]\n"                                /* 11 */
		     "[brand a]\n"                              /* 12 */
		     "query = \"unterminated\n"                 /* 13 */
		     "\n"                                       /* 14 */
		     "[brand a]\n"                              /* 15 */
		     "query = y\n"                              /* 16 */
		     "[source b]\n"                             /* 17 */
		     "url = ftp://a/\n"                         /* 18 */
		     "format = yaml\n"                          /* 19 */
		     "brands = ghost\n"                         /* 20 */
		     "notify = x\n"                             /* 21 */
		     "format = rss\n"                           /* 22 */
		     "[source c]\n"                             /* 23 */
		     "format = rss\n"                           /* 24 */
		     "[webhook w]\n"                            /* 25 */
		     "secret = s\n"                             /* 26 */
		     "type = pager\nurl = http://hook.example/x\n" /* 27, 28 */
		     "notify = gone\n"                          /* 29 */
		     "[alert r]\nthreshold = 500\nnotify = gone\n" /* 30..32 */
		     "brand = ${UNCLOSED\n");                   /* 33 */
	rc = t_earshot(NULL, &out, &err, "-c", conf, "check", (char *)NULL);
	T_EQ_INT(rc, 2);
	T_EQ_STR(out, "");
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		snprintf(line, sizeof(line), "mistakes.conf:%d: ", want[i].line);
		t_checks++;
		if (!strstr(err, line) || !strstr(err, want[i].says)) {
			t_fail(__FILE__, __LINE__, "no \"%s\" at line %d", want[i].says, want[i].line);
			continue;
		}
		n++;
	}
	T_EQ_INT(n, (int)(sizeof(want) / sizeof(want[0])));
	fprintf(stderr, "%s", err);
	free(out);
	free(err);
	T_EQ_INT(t_earshot(NULL, &out, &err, "-c", conf, "once", (char *)NULL), 2);
	T_CONTAINS(err, "mistakes.conf:2: ");
	free(out);
	free(err);
}

/* What a person (or a script pasting strangers' text) may type at earshot
 * search and earshot query: FTS5 syntax errors, SQL injection attempts,
 * very long and very nested queries, and SQL that tries to write, attach,
 * load code or build values of gigabytes.  Each gets a plain answer (exit
 * 0 or a message), never an SQLite error code or a crash, within bounded
 * time and memory, and the database is unchanged.  (The refused writes,
 * PRAGMAs and ATTACH one by one are in tests/test_query.c, the FTS5
 * messages in tests/test_search.c.) */
static void
test_search_and_query_attacks(void)
{
	static const char *const searches[] = {
		"'; DROP TABLE mentions; --", "\"unterminated", "NEAR(", "NEAR(acme item, 99999999999)",
		"{title text}: acme", "title:acme OR rank:1", "mentions_fts:x", "acme*item*",
		"NOT NOT NOT", "^acme", ")))(((", "\x01\x02", "a\"b\"c\"", "\xff\xfe broken utf-8",
		"acme AND (item OR (great AND (support OR (terrible AND crashed))))",
	};
	static const char *const queries[] = {
		"SELECT 1; DROP TABLE mentions",
		"SELECT * FROM sqlite_master; ATTACH 'x.db' AS x",
		"PRAGMA writable_schema = 1",
		"SELECT fts3_tokenizer('simple', x'00')",
		"INSERT INTO mentions_fts(mentions_fts) VALUES('delete-all')",
		"SELECT length(randomblob(900000000))",
		"SELECT length(zeroblob(900000000))",
		"WITH RECURSIVE r(n, s) AS (SELECT 1, 'x' UNION ALL SELECT n + 1, s || s FROM r "
		"WHERE n < 40) SELECT max(length(s)) FROM r",
	};
	const char *db = rel_db("base");
	long long before = rel_db_int(db, "SELECT count(*) FROM mentions");
	struct buf big;
	char *out, *err;
	int rc;

	for (size_t i = 0; i < sizeof(searches) / sizeof(searches[0]); i++) {
		rc = t_earshot(NULL, &out, &err, "-d", db, "search", "--", searches[i], (char *)NULL);
		t_checks++;
		if (rc != 0 && rc != 2)
			t_fail(__FILE__, __LINE__, "search %s: exit %d: %s", searches[i], rc, err);
		T_NOT_CONTAINS(err, "fts5");
		T_NOT_CONTAINS(err, "Sanitizer");
		free(out);
		free(err);
	}
	/* Longer than SEARCH_MAX_QUERY, and nested 5,000 deep. */
	buf_init(&big, 0);
	for (int i = 0; i < 5000; i++)
		buf_putc(&big, '(');
	buf_puts(&big, "acme");
	for (int i = 0; i < 5000; i++)
		buf_putc(&big, ')');
	T_EQ_INT(t_earshot(NULL, &out, &err, "-d", db, "search", "--", big.data, (char *)NULL), 2);
	T_NOT_CONTAINS(err, "Sanitizer");
	free(out);
	free(err);
	for (size_t i = 0; i < sizeof(queries) / sizeof(queries[0]); i++) {
		int64_t t0 = rel_now_ms();
		struct rusage ru;
		pid_t pid = rel_spawn("query.log", NULL, "-d", db, "query", "--timeout", "5s", queries[i],
				      (char *)NULL);

		rc = rel_reap(pid, "query.log", &ru);
		err = rel_log("query.log");
		t_checks++;
		if (rc != 1 || !strstr(err, "earshot query: "))
			t_fail(__FILE__, __LINE__, "query %s: exit %d: %s", queries[i], rc, err);
		/* Bounded: well inside the budget and far below the gigabytes
		 * asked for (QUERY_MAX_VALUE caps one value). */
		T_ASSERT(rel_now_ms() - t0 < 10000);
		T_ASSERT(ru.ru_maxrss - baseline_rss_kb < 256 * 1024);
		free(err);
	}
	T_EQ_INT(rel_db_int(db, "SELECT count(*) FROM mentions"), before);
	T_EQ_INT(rel_db_int(db, "SELECT count(*) FROM mentions_fts"), before);
	T_EQ_INT(rel_db_int(db, "SELECT count(*) FROM pragma_integrity_check WHERE "
				"integrity_check = 'ok'"), 1);
	buf_free(&big);
}

int
main(void)
{
	signal(SIGPIPE, SIG_IGN);
	if (httpd_start(&srv, NULL) < 0)
		return 1;
	REL_RUN(test_baseline);
	REL_RUN(test_entities);
	REL_RUN(test_deep_nesting);
	REL_RUN(test_unterminated_json);
	REL_RUN(test_charsets);
	REL_RUN(test_conf_every_mistake);
	REL_RUN(test_search_and_query_attacks);
	httpd_stop(&srv);
	return t_report();
}
