/* test_parse_rss.c - RSS 0.90 to 2.0 and RDF, field by field, on the
 * fixtures in tests/data/feeds/. */
#include "tests/parse_helpers.h"

static void
test_rss20_basic(void)
{
	struct got g;

	got_file(&g, "rss20_basic.xml", NULL);
	T_EQ_INT(g.rc, ES_OK);
	T_EQ_INT(g.res.format, PARSE_RSS);
	T_EQ_INT(g.n, 2);
	T_EQ_INT(g.res.recovered, 0);
	CHECK_MENTION(&g, 0, "https://blog.example.com/?p=101",
		      "https://blog.example.com/2024/03/acme-cloud-europe",
		      "Acme Cloud launches in Europe",
		      "Acme Cloud is now available in Frankfurt and Dublin.", "Ada Lovelace",
		      "2024-03-05T08:30:00Z");
	CHECK_MENTION(&g, 1, "acme-blog-102", "https://blog.example.com/2024/03/maintenance",
		      "Scheduled maintenance", "The dashboard will be read-only for an hour.", NULL,
		      "2024-03-06T22:00:00Z");
	T_EQ_STR(g.m[0].lang, "en-us");
	T_ASSERT(isnan(g.m[0].rating));
	got_free(&g);
}

static void
test_identity(void)
{
	struct got g;

	got_file(&g, "rss20_no_guid.xml", NULL);
	T_EQ_INT(g.n, 2);
	/* No guid: the canonical link (host lower-cased, utm_* and fragment gone). */
	CHECK_MENTION(&g, 0, "https://example.com/news/1?id=1", "https://example.com/news/1?id=1",
		      "First", "one", NULL, NULL);
	got_free(&g);

	got_file(&g, "rss20_no_guid_no_link.xml", NULL);
	T_EQ_INT(g.n, 3);
	/* Neither: a hash of the content; the same content twice is told apart. */
	T_EQ_STR(g.m[0].guid, "sha256:d0a8f2ddc873c1e66f6b25d6447e9ac8");
	T_EQ_STR(g.m[1].guid, "sha256:9e06fc8467dfbdd89fd03f3ac79d6b96");
	T_EQ_STR(g.m[2].guid, "sha256:d0a8f2ddc873c1e66f6b25d6447e9ac8#d0a8f2ddc873");
	T_EQ_STR(g.m[1].text, "Only a description");
	T_EQ_STR(g.m[1].title, NULL);
	got_free(&g);

	got_file(&g, "rss20_duplicate_guids.xml", NULL);
	T_EQ_INT(g.n, 3);
	T_EQ_STR(g.m[0].guid, "post-42");
	T_EQ_STR(g.m[1].guid, "post-42#853dea30b89f");
	T_EQ_STR(g.m[2].guid, "post-42#853dea30b89f-2");
	got_free(&g);
}

static void
test_guid_permalink(void)
{
	struct got g;

	got_file(&g, "rss20_guid_permalink.xml", NULL);
	T_EQ_INT(g.n, 4);
	CHECK_MENTION(&g, 0, "https://example.com/p/1", "https://example.com/p/1",
		      "Guid is the link", NULL, NULL, NULL);
	CHECK_MENTION(&g, 1, "https://example.com/p/2", NULL, "Guid says it is no link", NULL,
		      NULL, NULL);
	CHECK_MENTION(&g, 2, "https://example.com/p/3", "https://example.com/read/3",
		      "Link beats guid", NULL, NULL, NULL);
	CHECK_MENTION(&g, 3, "tag:example.com,2024:4", NULL, "Guid not a URL", NULL, NULL, NULL);
	got_free(&g);
}

static void
test_text_sources(void)
{
	struct got g;

	got_file(&g, "rss20_content_encoded.xml", NULL);
	CHECK_MENTION(&g, 0, "https://example.com/full", "https://example.com/full",
		      "Full content wins", "The whole article. Second paragraph with a link.", NULL,
		      NULL);
	CHECK_MENTION(&g, 1, "https://example.com/short", "https://example.com/short",
		      "Description only", "Just the teaser.", NULL, NULL);
	got_free(&g);

	got_file(&g, "rss20_cdata_description.xml", NULL);
	CHECK_MENTION(&g, 0, "https://example.com/1", "https://example.com/1", "Tom & Jerry <3 Acme",
		      "Heading Body & soul, 5 < 6. one two", NULL, NULL);
	got_free(&g);

	got_file(&g, "rss20_escaped_html_description.xml", NULL);
	T_EQ_STR(g.m[0].text, "Acme\xe2\x80\x99s support finally answered. Three days later.");
	got_free(&g);

	got_file(&g, "rss20_title_html.xml", NULL);
	T_EQ_STR(g.m[0].title, "Bold claim & more");
	T_EQ_STR(g.m[1].title, "If a < b then b > a");
	T_EQ_STR(g.m[2].title, "Folded across lines");
	got_free(&g);
}

static void
test_entities_and_ampersands(void)
{
	struct got g;

	got_file(&g, "rss20_html_entities.xml", NULL);
	T_EQ_INT(g.n, 1);
	T_EQ_STR(g.m[0].title, "Caf\xc3\xa9 cr\xc3\xa8me \xe2\x80\x94 na\xc3\xafve review");
	T_EQ_STR(g.m[0].text, "Price: \xe2\x82\xac" "5 \xc2\xa9 Acme\xe2\x84\xa2 \xe2\x80\xa6 &bogus; "
			      "\xe2\x80\x9cquoted\xe2\x80\x9d \xe2\x98\x83");
	T_EQ_INT(g.res.recovered, 1);
	got_free(&g);

	got_file(&g, "rss20_bare_ampersand.xml", NULL);
	CHECK_MENTION(&g, 0, "https://example.com/search?q=acme&page=2",
		      "https://example.com/search?q=acme&page=2", "AT&T & Acme: R&D deal",
		      "Q&A with the team & friends; & one escaped.", NULL, NULL);
	got_free(&g);

	got_file(&g, "rss20_entity_declarations.xml", NULL);
	T_EQ_STR(g.m[0].title, "Acme Corporation news");
	/* Nested and undefined references stay literal: never expanded. */
	T_EQ_STR(g.m[0].text, "From &nested; and &undefined;.");
	got_free(&g);
}

static void
test_broken_documents(void)
{
	struct got g;

	got_file(&g, "rss20_unclosed_tags.xml", NULL);
	T_EQ_INT(g.n, 3);
	CHECK_MENTION(&g, 0, "https://example.com/1", "https://example.com/1",
		      "Raw HTML in description", "First second bold", NULL, "2024-01-01T10:00:00Z");
	CHECK_MENTION(&g, 1, "https://example.com/2", "https://example.com/2",
		      "Unclosed link element", "Still parsed.", NULL, NULL);
	CHECK_MENTION(&g, 2, "https://example.com/3", "https://example.com/3", "After the damage",
		      "Third item intact.", NULL, NULL);
	T_EQ_INT(g.res.recovered, 1);
	got_free(&g);

	/* The cut item is dropped, the complete ones kept. */
	got_file(&g, "rss20_truncated.xml", NULL);
	T_EQ_INT(g.rc, ES_OK);
	T_EQ_INT(g.n, 2);
	T_EQ_INT(g.res.skipped, 1);
	T_EQ_STR(g.m[1].title, "Complete two");
	T_EQ_STR(g.m[1].text, "Also fine.");
	got_free(&g);

	got_file(&g, "rss20_junk_before_root.xml", NULL);
	T_EQ_INT(g.res.format, PARSE_RSS);
	CHECK_MENTION(&g, 0, "https://example.com/1", "https://example.com/1",
		      "Survives the PHP warning", NULL, NULL, NULL);
	got_free(&g);

	got_file(&g, "rss20_bom_whitespace.xml", NULL);
	T_EQ_INT(g.n, 1);
	T_EQ_STR(g.m[0].title, "After a BOM and blank lines");
	got_free(&g);

	got_file(&g, "rss20_control_chars.xml", NULL);
	T_EQ_STR(g.m[0].title, "Vertical tab and unit sep");
	T_EQ_STR(g.m[0].text, "bell here and refs");
	got_free(&g);

	got_file(&g, "rss20_undeclared_prefix.xml", NULL);
	CHECK_MENTION(&g, 0, "https://example.com/1", "https://example.com/1", "Prefix without xmlns",
		      "Full", "Katherine Johnson", "2020-02-24T08:00:00Z");
	got_free(&g);

	got_file(&g, "rss20_empty_items.xml", NULL);
	T_EQ_INT(g.n, 1);
	T_EQ_INT(g.res.skipped, 2);
	T_EQ_STR(g.m[0].title, "The only real one");
	got_free(&g);

	/* Unquoted values are quoted; a repeated attribute keeps its first value. */
	got_file(&g, "rss20_unquoted_attributes.xml", NULL);
	T_EQ_INT(g.n, 2);
	CHECK_MENTION(&g, 0, "unquoted-1", "https://example.com/1", "Attributes without quotes",
		      "Fine & dandy", NULL, NULL);
	CHECK_MENTION(&g, 1, "dup-2", NULL, "Duplicate and bare attributes", NULL, NULL, NULL);
	got_free(&g);

	got_file(&g, "rss20_no_items.xml", NULL);
	T_EQ_INT(g.rc, ES_OK);
	T_EQ_INT(g.n, 0);
	got_free(&g);
}

static void
test_encodings(void)
{
	struct got g;

	got_file(&g, "rss20_iso8859_1.xml", NULL);
	T_EQ_STR(g.m[0].title, "Cr\xc3\xa8me br\xc3\xbbl\xc3\xa9" "e \xc3\xa0 Paris");
	T_EQ_STR(g.m[0].text, "Tr\xc3\xa8s bon, d\xc3\xa9\xc3\xa7u par le caf\xc3\xa9.");
	got_free(&g);

	got_file(&g, "rss20_windows1252.xml", NULL);
	T_EQ_STR(g.m[0].title, "\xe2\x80\x9c" "Acme\xe2\x80\x9d isn\xe2\x80\x99t cheap \xe2\x80\x93 \xe2\x82\xac" "100");
	got_free(&g);

	got_file(&g, "rss20_windows1251.xml", NULL);
	T_EQ_STR(g.m[0].title, "\xd0\x9e\xd1\x82\xd0\xbb\xd0\xb8\xd1\x87\xd0\xbd\xd1\x8b\xd0\xb9 "
			       "\xd1\x81\xd0\xb5\xd1\x80\xd0\xb2\xd0\xb8\xd1\x81 Acme");
	got_free(&g);

	got_file(&g, "rss20_utf16le_bom.xml", NULL);
	T_EQ_INT(g.n, 1);
	T_EQ_STR(g.m[0].title, "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e\xe3\x81\xae\xe3\x82\xbf\xe3\x82\xa4"
			       "\xe3\x83\x88\xe3\x83\xab");
	T_EQ_STR(g.m[0].text, "\xc3\x9cn\xc3\xaf" "c\xc3\xb6" "d\xc3\xa9");
	got_free(&g);

	got_file(&g, "rss20_invalid_utf8.xml", NULL);
	T_EQ_INT(g.n, 2);
	T_EQ_STR(g.m[0].title, "Bad \xef\xbf\xbd byte and caf\xc3\xa9");
	T_EQ_STR(g.m[1].title, "Next item fine");
	got_free(&g);

	got_file(&g, "rss20_mislabelled_latin1_is_utf8.xml", NULL);
	T_EQ_STR(g.m[0].title, "Sch\xc3\xb6ne Gr\xc3\xbc\xc3\x9f" "e");
	got_free(&g);
}

static void
test_header_charset(void)
{
	/* No declaration: the HTTP header's charset decides. */
	static const char doc[] = "<rss><channel><item><title>caf\xe9</title></item></channel></rss>";
	struct parse_opts o = { .charset = "iso-8859-1" };
	struct got g;

	got_mem(&g, doc, sizeof(doc) - 1, &o);
	T_EQ_STR(g.m[0].title, "caf\xc3\xa9");
	got_free(&g);
	/* Without it the bad byte is repaired, not guessed. */
	got_mem(&g, doc, sizeof(doc) - 1, NULL);
	T_EQ_STR(g.m[0].title, "caf\xef\xbf\xbd");
	got_free(&g);
}

static void
test_links_and_bases(void)
{
	struct got g;
	struct parse_opts o = { .base_url = "https://fetch.example.com/feeds/main.xml" };

	got_file(&g, "rss20_relative_links.xml", NULL);
	T_EQ_STR(g.m[0].url, "https://www.example.com/blog/2024/post-one");
	T_EQ_STR(g.m[1].url, "https://www.example.com/about/team");
	T_EQ_STR(g.m[2].url, "https://www.example.com/archive/old.html");
	T_EQ_STR(g.m[3].url, "https://cdn.example.net/p?id=9");
	got_free(&g);

	got_file(&g, "rss20_relative_links_no_channel_link.xml", &o);
	T_EQ_STR(g.m[0].url, "https://fetch.example.com/feeds/posts/7");
	got_free(&g);

	got_file(&g, "rss20_xml_base.xml", &o);
	T_EQ_STR(g.m[0].url, "https://base.example.org/root/a.html");
	T_EQ_STR(g.m[1].url, "https://base.example.org/root/sub/b.html");
	T_EQ_STR(g.m[2].url, "https://other.example.net/x/c.html");
	got_free(&g);

	/* <atom:link rel="self"> is not the channel's link. */
	got_file(&g, "rss20_atom_link_self.xml", NULL);
	T_EQ_STR(g.m[0].url, "https://www.example.com/news/item-1");
	got_free(&g);
}

static void
test_authors_and_dates(void)
{
	struct got g;

	got_file(&g, "rss20_dc_creator_multiple.xml", NULL);
	CHECK_MENTION(&g, 0, "https://example.com/1", "https://example.com/1", "Two authors", NULL,
		      "Grace Hopper, Alan Turing", "2024-03-01T04:59:59Z");
	T_EQ_STR(g.m[0].lang, "en-GB");
	T_EQ_STR(g.m[1].author, "Margaret Hamilton");
	got_free(&g);

	got_file(&g, "rss20_author_forms.xml", NULL);
	T_EQ_STR(g.m[0].author, "Jo Bloggs");
	T_EQ_STR(g.m[1].author, "Jo Bloggs");
	T_EQ_STR(g.m[2].author, "jo@example.com");
	T_EQ_STR(g.m[3].author, "Jo Bloggs");
	got_free(&g);

	got_file(&g, "rss20_dates_wild.xml", NULL);
	T_EQ_INT(g.n, 7);
	T_EQ_STR(got_iso(g.m[0].published), "2002-09-07T00:00:01Z");
	T_EQ_STR(got_iso(g.m[1].published), "2002-09-07T16:30:00Z");
	T_EQ_STR(got_iso(g.m[2].published), "2002-09-07T06:00:00Z");
	T_EQ_STR(got_iso(g.m[3].published), "2002-09-07T10:00:00Z");
	T_EQ_INT(g.m[4].published, 0);
	T_EQ_STR(got_iso(g.m[5].published), "2002-09-08T00:00:00Z");
	T_EQ_STR(got_iso(g.m[6].published), "2002-09-08T14:00:00Z");
	got_free(&g);
}

static void
test_ttl(void)
{
	struct got g;

	got_file(&g, "rss20_ttl.xml", NULL);
	T_EQ_INT(g.res.ttl, 45 * 60);
	got_free(&g);
	got_file(&g, "rss10_syndication_period.xml", NULL);
	T_EQ_INT(g.res.ttl, 86400 / 4);
	got_free(&g);
}

static void
test_old_versions(void)
{
	struct got g;

	got_file(&g, "rss091_netscape_doctype.xml", NULL);
	T_EQ_INT(g.n, 2);
	CHECK_MENTION(&g, 0, "http://writetheweb.com/read.php?item=24",
		      "http://writetheweb.com/read.php?item=24", "Giving the world a pluggable Gnutella",
		      "WorldOS is a framework on which to build programs that work like Freenet or "
		      "Gnutella -allowing distributed applications using peer-to-peer routing.",
		      NULL, NULL);
	got_free(&g);

	got_file(&g, "rss092_enclosure_no_title.xml", NULL);
	T_EQ_INT(g.n, 2);
	T_EQ_STR(g.m[0].title, NULL);
	T_EQ_STR(g.m[1].text, "Kevin Drennan started a Grateful Dead Weblog.");
	T_EQ_STR(g.m[1].guid, "sha256:bdc745d7b6307320a1ee99904650b603");
	got_free(&g);

	got_file(&g, "rss090_rdf.xml", NULL);
	T_EQ_INT(g.res.format, PARSE_RSS);
	T_EQ_INT(g.n, 2);
	CHECK_MENTION(&g, 1, "http://www.mozilla.org/bugs/", "http://www.mozilla.org/bugs/",
		      "Bugzilla Reorganized", NULL, NULL, NULL);
	got_free(&g);

	got_file(&g, "rss10_rdf.xml", NULL);
	T_EQ_INT(g.n, 2);
	CHECK_MENTION(&g, 0, "http://xml.com/pub/2000/08/09/xslt/xslt.html",
		      "http://xml.com/pub/2000/08/09/xslt/xslt.html", "Processing Inclusions with XSLT",
		      "Processing document inclusions with general XML tools.", "Bob DuCharme",
		      "2000-08-09T11:00:00Z");
	got_free(&g);
}

static void
test_real_world_shapes(void)
{
	struct got g;

	got_file(&g, "news_search_google_rss.xml", NULL);
	T_EQ_INT(g.n, 2);
	CHECK_MENTION(&g, 0, "CBMiSWh0dHBzOi8vZGFpbHlwbGFuZXQuZXhhbXBsZS9hY21lLXJlY2FsbNIBAA",
		      "https://news.google.com/rss/articles/"
		      "CBMiSWh0dHBzOi8vZGFpbHlwbGFuZXQuZXhhbXBsZS9hY21lLXJlY2FsbNIBAA?oc=5",
		      "Acme recalls 10,000 anvils after customer complaints - The Daily Planet",
		      "Acme recalls 10,000 anvils after customer complaints The Daily Planet", NULL,
		      "2024-03-08T13:05:00Z");
	T_EQ_STR(g.m[1].text,
		 "Is Acme Cloud worth it? Our review Tech Weekly Acme Cloud pricing explained Money Daily");
	got_free(&g);

	got_file(&g, "podcast_itunes.xml", NULL);
	T_EQ_INT(g.n, 2);
	CHECK_MENTION(&g, 0, "acme-talks-12", NULL, "Episode 12: Customer support at scale",
		      "We talk to the support team about the March outage.", "Dana Scully",
		      "2024-03-11T13:00:00Z");
	CHECK_MENTION(&g, 1, "https://podcast.example.com/11", "https://podcast.example.com/11",
		      "Episode 11: Pricing", "How the new plans work", NULL, "2024-03-04T13:00:00Z");
	got_free(&g);
}

static void
test_max_items_and_stop(void)
{
	struct parse_opts o = { .max_items = 3 };
	struct got g;

	got_file(&g, "rss20_dates_wild.xml", &o);
	T_EQ_INT(g.n, 3);
	T_EQ_INT(g.res.mentions, 3);
	T_EQ_INT(g.res.skipped, 4);
	got_free(&g);
}

static enum es_err
stop_after_one(struct mention *m, void *ctx)
{
	(void)m;
	(*(int *)ctx)++;
	return ES_STOP;
}

static enum es_err
fail_at_once(struct mention *m, void *ctx)
{
	(void)m, (void)ctx;
	return ES_EDB;
}

static void
test_callback_outcomes(void)
{
	size_t len;
	char *doc = t_read_file(t_data("feeds/rss20_dates_wild.xml"), &len);
	struct parse_result res;
	char err[ES_ERRLEN];
	int calls = 0;

	T_EQ_INT(parse_document(doc, len, NULL, stop_after_one, &calls, &res, err, sizeof(err)), ES_OK);
	T_EQ_INT(calls, 1);
	T_EQ_INT(res.mentions, 1);
	T_EQ_INT(parse_document(doc, len, NULL, fail_at_once, NULL, &res, err, sizeof(err)), ES_EDB);
	T_EQ_INT(res.mentions, 1);
	free(doc);
}

int
main(void)
{
	T_RUN(test_rss20_basic);
	T_RUN(test_identity);
	T_RUN(test_guid_permalink);
	T_RUN(test_text_sources);
	T_RUN(test_entities_and_ampersands);
	T_RUN(test_broken_documents);
	T_RUN(test_encodings);
	T_RUN(test_header_charset);
	T_RUN(test_links_and_bases);
	T_RUN(test_authors_and_dates);
	T_RUN(test_ttl);
	T_RUN(test_old_versions);
	T_RUN(test_real_world_shapes);
	T_RUN(test_max_items_and_stop);
	T_RUN(test_callback_outcomes);
	return t_report();
}
