/* test_parse_atom.c - Atom 0.3 and 1.0, and the real feeds built on it. */
#include "tests/parse_helpers.h"

static void
test_atom10_basic(void)
{
	struct got g;

	got_file(&g, "atom10_basic.xml", NULL);
	T_EQ_INT(g.rc, ES_OK);
	T_EQ_INT(g.res.format, PARSE_ATOM);
	T_EQ_INT(g.n, 2);
	/* rel="alternate" wins over self and enclosure; published over updated. */
	CHECK_MENTION(&g, 0, "urn:uuid:1225c695-cfb8-4ebb-aaaa-80da344efa6a",
		      "https://example.org/2003/12/13/atom03", "Atom-Powered Robots Run Amok",
		      "Some text.", "John Doe", "2003-12-13T12:29:29Z");
	/* type="text" is literal; several authors are joined; a name beats an email. */
	CHECK_MENTION(&g, 1, "tag:example.org,2003:2", "https://example.org/2003/12/14/second",
		      "Second entry", "Plain <b>text</b> content is literal.", "Jane Roe, Richard Roe",
		      "2003-12-14T18:30:02Z");
	got_free(&g);
}

static void
test_content_types(void)
{
	struct got g;

	got_file(&g, "atom10_xhtml_content.xml", NULL);
	CHECK_MENTION(&g, 0, "tag:example.org,2024:1", "https://example.org/1", "The XHTML title",
		      "First & bold 1 < 2 item Last", NULL, "2024-01-01T00:00:00Z");
	got_free(&g);

	got_file(&g, "atom10_html_content.xml", NULL);
	T_EQ_INT(g.n, 2);
	CHECK_MENTION(&g, 0, "tag:example.org,2024:1", "https://example.org/1",
		      "Acme & friends: review", "The full story here.", NULL, "2024-01-01T00:00:00Z");
	T_EQ_STR(g.m[1].text, "Only the summary.");
	got_free(&g);

	got_file(&g, "atom10_content_src.xml", NULL);
	T_EQ_STR(g.m[0].text, "The summary is all we have.");
	got_free(&g);
}

static void
test_dates_authors_links(void)
{
	struct got g;

	got_file(&g, "atom10_updated_only.xml", NULL);
	T_EQ_STR(got_iso(g.m[0].published), "2024-05-06T05:08:09Z");
	T_EQ_STR(got_iso(g.m[1].published), "2024-05-01T00:00:00Z");
	got_free(&g);

	got_file(&g, "atom10_feed_author_inherited.xml", NULL);
	T_EQ_STR(g.m[0].author, "Feed Author");
	T_EQ_STR(g.m[1].author, "Entry Author");
	got_free(&g);

	got_file(&g, "atom10_multiple_alternate_links.xml", NULL);
	T_EQ_STR(g.m[0].url, "https://example.org/1.html");
	T_EQ_STR(g.m[1].url, "https://example.org/2.pdf");
	got_free(&g);

	got_file(&g, "atom10_source_element.xml", NULL);
	CHECK_MENTION(&g, 0, "tag:orig.example,2024:7", "https://orig.example/7", "Entry title wins",
		      NULL, NULL, "2024-01-03T00:00:00Z");
	got_free(&g);
}

static void
test_xml_base_and_lang(void)
{
	struct got g;

	got_file(&g, "atom10_xml_base.xml", NULL);
	T_EQ_STR(g.m[0].url, "https://example.org/blog/posts/1");
	T_EQ_STR(g.m[1].url, "https://example.org/archive/2023/post-2.html");
	T_EQ_STR(g.m[2].url, "https://cdn.example.net/b/post-3");
	got_free(&g);

	got_file(&g, "atom10_xml_lang.xml", NULL);
	T_EQ_STR(g.m[0].lang, "de");
	T_EQ_STR(g.m[1].lang, "fr");
	got_free(&g);
}

static void
test_versions_and_quirks(void)
{
	struct got g;

	got_file(&g, "atom03.xml", NULL);
	T_EQ_INT(g.res.format, PARSE_ATOM);
	T_EQ_INT(g.n, 2);
	CHECK_MENTION(&g, 0, "tag:diveintomark.org,2003:3.2397",
		      "http://diveintomark.org/2003/12/13/atom03", "Atom 0.3 snapshot",
		      "Escaped HTML content.", "Mark Pilgrim", "2003-12-13T12:29:29Z");
	/* mode="base64" content is skipped; created beats modified. */
	CHECK_MENTION(&g, 1, "tag:diveintomark.org,2003:3.2398",
		      "http://diveintomark.org/2003/12/14/b64", "Base64 content is skipped",
		      "Plain summary.", "Mark Pilgrim", "2003-12-14T01:00:00Z");
	T_EQ_STR(g.m[0].lang, "en");
	got_free(&g);

	got_file(&g, "atom10_no_namespace.xml", NULL);
	T_EQ_INT(g.res.format, PARSE_ATOM);
	CHECK_MENTION(&g, 0, "urn:x:1", "https://example.org/1", "Still Atom", "Read anyway.",
		      "Nobody", "2024-02-02T02:02:02Z");
	got_free(&g);
}

static void
test_forum_and_video(void)
{
	struct got g;

	got_file(&g, "forum_phpbb_atom.xml", NULL);
	T_EQ_INT(g.n, 2);
	CHECK_MENTION(&g, 0, "https://forum.example.com/viewtopic.php?t=1234&p=98765#p98765",
		      "https://forum.example.com/viewtopic.php?t=1234&p=98765",
		      "Support \xe2\x80\xa2 Re: Billing charged me twice",
		      "Same here, charged twice for March. bob wrote:Has anyone else seen this? "
		      "Support hasn't replied in 3 days. Statistics: Posted by angry_customer "
		      "\xe2\x80\x94 Sat Mar 09, 2024 10:14 am",
		      "angry_customer", "2024-03-09T10:14:02Z");
	T_EQ_STR(g.m[1].author, "bob");
	T_EQ_STR(got_iso(g.m[1].published), "2024-03-09T09:00:00Z");
	T_EQ_STR(g.m[0].lang, "en-gb");
	got_free(&g);

	got_file(&g, "youtube_atom_media.xml", NULL);
	T_EQ_INT(g.n, 1);
	CHECK_MENTION(&g, 0, "yt:video:abc123XYZ_-", "https://www.youtube.com/watch?v=abc123XYZ_-",
		      "Acme Cloud in 60 seconds", "Everything you need to know. Subscribe for more!",
		      "Acme Official", "2024-03-01T16:00:00Z");
	got_free(&g);
}

static void
test_forced_format(void)
{
	/* An Atom document read with --format rss still reads as Atom. */
	struct parse_opts o = { .format = PARSE_RSS };
	struct got g;

	got_file(&g, "atom10_basic.xml", &o);
	T_EQ_INT(g.n, 2);
	T_EQ_STR(g.m[0].url, "https://example.org/2003/12/13/atom03");
	got_free(&g);
}

int
main(void)
{
	T_RUN(test_atom10_basic);
	T_RUN(test_content_types);
	T_RUN(test_dates_authors_links);
	T_RUN(test_xml_base_and_lang);
	T_RUN(test_versions_and_quirks);
	T_RUN(test_forum_and_video);
	T_RUN(test_forced_format);
	return t_report();
}
