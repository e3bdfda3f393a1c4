/* test_parse_safety.c - hostile and broken input: entity bombs, external
 * entities (with a canary server on 127.0.0.1), deep nesting, garbage;
 * and format sniffing. */
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/buf.h"
#include "tests/parse_helpers.h"

static void
test_billion_laughs(void)
{
	struct got g;
	int64_t t0 = when_mono_ms();

	got_file(&g, "billion_laughs.xml", NULL);
	/* Expanded, it would be 10^9 references: minutes, not seconds.
	 * Milliseconds here; the bound leaves room for a busy ASan run. */
	T_ASSERT(when_mono_ms() - t0 < 5000);
	T_EQ_INT(g.rc, ES_OK);
	T_EQ_INT(g.n, 1);
	/* Nothing expanded: the references stay as text. */
	T_EQ_STR(g.m[0].title, "&lol9;");
	T_EQ_STR(g.m[0].text, "&lol9;&lol9;&lol9;");
	got_free(&g);
}

/* A quadratic blow-up: one big entity referenced many times stays within
 * the expansion bound (input size + 1 MiB). */
static void
test_quadratic_blowup(void)
{
	struct buf doc;
	struct got g;
	int64_t t0;

	buf_init(&doc, 0);
	buf_puts(&doc, "<?xml version=\"1.0\"?><!DOCTYPE rss [<!ENTITY big \"");
	for (int i = 0; i < 1000; i++)
		buf_putc(&doc, 'x');
	buf_puts(&doc, "\">]><rss><channel><item><title>t</title><description>");
	for (int i = 0; i < 20000; i++)
		buf_puts(&doc, "&big;");
	buf_puts(&doc, "</description></item></channel></rss>");
	t0 = when_mono_ms();
	got_mem(&g, doc.data, doc.len, NULL);
	T_ASSERT(when_mono_ms() - t0 < 5000);
	T_EQ_INT(g.n, 1);
	/* 1000 bytes each: about (100 KiB + 1 MiB) / 1000 references expand. */
	T_ASSERT(g.m[0].text != NULL);
	T_ASSERT(strlen(g.m[0].text) == MENTION_MAX_TEXT || strstr(g.m[0].text, "&big;"));
	got_free(&g);
	buf_free(&doc);
}

static void
test_external_entities(void)
{
	struct got g;
	struct buf doc;
	int port = 0, fd = t_canary_listen(&port), conn;

	T_ASSERT(fd >= 0);
	got_file(&g, "xxe_file_entity.xml", NULL);
	T_EQ_INT(g.n, 1);
	T_EQ_STR(g.m[0].title, "Secret: &xxe;");
	T_EQ_STR(g.m[0].text, "Net: &net;");
	got_free(&g);

	/* Every way to make libxml2 fetch something, aimed at the canary. */
	buf_init(&doc, 0);
	buf_printf(&doc,
		   "<?xml version=\"1.0\"?>\n"
		   "<!DOCTYPE rss SYSTEM \"http://127.0.0.1:%d/dtd\" [\n"
		   "<!ENTITY %% p SYSTEM \"http://127.0.0.1:%d/param\"> %%p;\n"
		   "<!ENTITY e SYSTEM \"http://127.0.0.1:%d/entity\">]>\n"
		   "<rss xmlns:xi=\"http://www.w3.org/2001/XInclude\"><channel><item>"
		   "<title>a &e; b</title><xi:include href=\"http://127.0.0.1:%d/xi\"/>"
		   "</item></channel></rss>",
		   port, port, port, port);
	got_mem(&g, doc.data, doc.len, NULL);
	T_EQ_INT(g.n, 1);
	T_EQ_STR(g.m[0].title, "a &e; b");
	got_free(&g);
	buf_free(&doc);
	conn = accept(fd, NULL, NULL);
	T_EQ_INT(conn, -1); /* the canary heard nothing */
	if (conn >= 0)
		close(conn);
	close(fd);
}

static void
test_deep_nesting(void)
{
	struct buf doc;
	struct got g;

	buf_init(&doc, 0);
	buf_puts(&doc, "<rss><channel><item><title>before</title></item><item><title>deep</title>");
	for (int i = 0; i < 10000; i++)
		buf_puts(&doc, "<x>");
	buf_puts(&doc, "</item></channel></rss>");
	got_mem(&g, doc.data, doc.len, NULL);
	T_EQ_INT(g.rc, ES_OK);
	T_EQ_STR(g.m[0].title, "before");
	T_EQ_INT(g.res.recovered, 1);
	got_free(&g);

	/* HTML 100,000 deep. */
	buf_reset(&doc);
	buf_puts(&doc, "<!DOCTYPE html><html><body>");
	for (int i = 0; i < 100000; i++)
		buf_puts(&doc, "<div>");
	buf_puts(&doc, "deep</body></html>");
	got_mem(&g, doc.data, doc.len, NULL);
	T_EQ_INT(g.rc, ES_OK);
	T_EQ_INT(g.n, 0);
	got_free(&g);

	/* JSON 100,000 deep: cJSON's nesting limit refuses it. */
	buf_reset(&doc);
	for (int i = 0; i < 100000; i++)
		buf_putc(&doc, '[');
	got_mem(&g, doc.data, doc.len, NULL);
	T_EQ_INT(g.rc, ES_EPARSE);
	got_free(&g);
	buf_free(&doc);
}

static void
test_garbage(void)
{
#define DOC(s) { s, sizeof(s) - 1 }
	static const struct {
		const char *s;
		size_t n;
	} docs[] = {
		DOC(""), DOC("   \n\t "), DOC("\xef\xbb\xbf"), DOC("just words"), DOC("<"),
		DOC("<<<>>>"), DOC("&&&;"), DOC("{"), DOC("[1,2"), DOC("<rss"),
		DOC("<rss><channel><item><title>x"), DOC("<?xml version=\"1.0\"?>"),
		DOC("<!-- only -->"), DOC("\0\0\0\0"), DOC("<rss>\xff\xfe\xfd</rss>"),
		DOC("\xfe\xff\0<"), DOC("<feed><entry></feed>"), DOC("<rss></channel></item>"),
	};
#undef DOC
	struct got g;

	for (size_t i = 0; i < sizeof(docs) / sizeof(docs[0]); i++) {
		got_mem(&g, docs[i].s, docs[i].n, NULL);
		/* Whatever the verdict, it is one of these and nothing leaks. */
		T_ASSERT(g.rc == ES_OK || g.rc == ES_EPARSE);
		got_free(&g);
	}
	got_mem(&g, "just words", 10, NULL);
	T_EQ_INT(g.rc, ES_EPARSE);
	T_CONTAINS(g.err, "not a feed");
	got_free(&g);
	T_EQ_INT(parse_document(NULL, 0, NULL, got_take, &g, NULL, NULL, 0), ES_EINVAL);
}

static void
test_sniff(void)
{
	static const struct {
		const char *doc;
		enum parse_format want;
	} cases[] = {
		{ "<rss version=\"2.0\"><channel/></rss>", PARSE_RSS },
		{ "\xef\xbb\xbf  <?xml version=\"1.0\"?>\n<!-- c --><rss/>", PARSE_RSS },
		{ "<rdf:RDF xmlns:rdf=\"x\"><channel/></rdf:RDF>", PARSE_RSS },
		{ "<?xml version=\"1.0\"?><feed xmlns=\"http://www.w3.org/2005/Atom\"/>", PARSE_ATOM },
		{ "<atom:feed xmlns:atom=\"http://www.w3.org/2005/Atom\"/>", PARSE_ATOM },
		{ "<!DOCTYPE rss [<!ENTITY x \"<feed>\">]><rss/>", PARSE_RSS },
		{ "<br />\n<b>Warning</b>: x<?xml version=\"1.0\"?><rss/>", PARSE_RSS },
		{ "Warning: junk\n<rss/>", PARSE_RSS },
		{ "  {\"version\": \"https://jsonfeed.org/version/1.1\", \"items\": []}", PARSE_JSONFEED },
		{ "{\"hits\": []}", PARSE_JSON },
		{ "[{\"id\": 1}]", PARSE_JSON },
		{ "<!DOCTYPE html><html><body><feed/></body></html>", PARSE_HTML },
		{ "<html><head><title>x</title></head></html>", PARSE_HTML },
		{ "<div>fragment</div>", PARSE_HTML },
		{ "plain text", PARSE_UNKNOWN },
		{ "", PARSE_UNKNOWN },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		enum parse_format f = parse_sniff(cases[i].doc, strlen(cases[i].doc));

		t_checks++;
		if (f != cases[i].want)
			t_fail(__FILE__, __LINE__, "sniff(%s) = %s, expected %s", cases[i].doc,
			       parse_format_name(f), parse_format_name(cases[i].want));
	}
	/* UTF-16 with a BOM is converted before sniffing. */
	T_EQ_INT(parse_sniff("\xff\xfe<\0r\0s\0s\0/\0>\0", 14), PARSE_RSS);
}

static void
test_format_names(void)
{
	enum parse_format f;

	for (int i = PARSE_AUTO; i < PARSE_UNKNOWN; i++) {
		T_EQ_INT(parse_format_from_name(parse_format_name((enum parse_format)i), &f), ES_OK);
		T_EQ_INT(f, i);
	}
	T_EQ_STR(parse_format_name(PARSE_JSONFEED), "jsonfeed");
	T_EQ_INT(parse_format_from_name("yaml", &f), ES_EINVAL);
	T_EQ_INT(parse_format_from_name("RSS", &f), ES_OK);
}

static void
test_charset_precedence(void)
{
	/* BOM (UTF-8) beats the declaration (windows-1251) beats the header. */
	static const char bom[] = "\xef\xbb\xbf<?xml version=\"1.0\" encoding=\"windows-1251\"?>"
				  "<rss><channel><item><title>\xc3\xa9</title></item></channel></rss>";
	static const char decl[] = "<?xml version=\"1.0\" encoding=\"windows-1251\"?>"
				   "<rss><channel><item><title>\xcf\xf0</title></item></channel></rss>";
	struct parse_opts o = { .charset = "iso-8859-1" };
	struct got g;

	got_mem(&g, bom, sizeof(bom) - 1, &o);
	T_EQ_STR(g.m[0].title, "\xc3\xa9");
	got_free(&g);
	got_mem(&g, decl, sizeof(decl) - 1, &o);
	T_EQ_STR(g.m[0].title, "\xd0\x9f\xd1\x80");
	got_free(&g);
}

static void
test_text_cap(void)
{
	struct buf doc;
	struct got g;

	buf_init(&doc, 0);
	buf_puts(&doc, "<rss><channel><item><title>big</title><description>");
	for (int i = 0; i < 20000; i++)
		buf_puts(&doc, "word&#233; ");
	buf_puts(&doc, "</description></item></channel></rss>");
	got_mem(&g, doc.data, doc.len, NULL);
	T_EQ_INT(g.n, 1);
	T_ASSERT(strlen(g.m[0].text) <= MENTION_MAX_TEXT);
	T_ASSERT(strlen(g.m[0].text) > MENTION_MAX_TEXT - 8);
	got_free(&g);
	buf_free(&doc);
}

int
main(void)
{
	T_RUN(test_billion_laughs);
	T_RUN(test_quadratic_blowup);
	T_RUN(test_external_entities);
	T_RUN(test_deep_nesting);
	T_RUN(test_garbage);
	T_RUN(test_sniff);
	T_RUN(test_format_names);
	T_RUN(test_charset_precedence);
	T_RUN(test_text_cap);
	return t_report();
}
