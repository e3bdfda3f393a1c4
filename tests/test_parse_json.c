/* test_parse_json.c - JSON Feed 1.0/1.1, mapped JSON APIs, and the
 * dotted paths they are mapped with. */
#include "core/buf.h"
#include "parsers/json.h"
#include "parsers/jpath.h"
#include "tests/parse_helpers.h"

static void
test_jsonfeed10(void)
{
	struct got g;

	got_file(&g, "jsonfeed10.json", NULL);
	T_EQ_INT(g.rc, ES_OK);
	T_EQ_INT(g.res.format, PARSE_JSONFEED);
	T_EQ_INT(g.n, 2);
	CHECK_MENTION(&g, 0, "2", "https://example.org/second-item", NULL, "This is a second item.",
		      "Feed Author", "2024-01-02T15:00:00Z");
	/* content_html beats summary; date_modified when nothing else. */
	CHECK_MENTION(&g, 1, "1", "https://example.org/initial-post", "First & best", "Hello, world!",
		      "Item Author", "2024-01-01T09:00:00Z");
	got_free(&g);
}

static void
test_jsonfeed11(void)
{
	struct got g;

	got_file(&g, "jsonfeed11.json", NULL);
	T_EQ_INT(g.res.format, PARSE_JSONFEED);
	T_EQ_INT(g.n, 2);
	T_EQ_INT(g.res.skipped, 2);
	/* A numeric id, a url relative to home_page_url, authors joined. */
	CHECK_MENTION(&g, 0, "12345", "https://example.net/blog/posts/12345",
		      "Numeric id, relative url", "Only a summary here.", "Ana, Ben",
		      "2024-03-01T12:00:00Z");
	T_EQ_STR(g.m[0].lang, "pt-BR");
	CHECK_MENTION(&g, 1, "external", "https://elsewhere.example/article", NULL, "Links out.",
		      "Blog Team", NULL);
	T_EQ_STR(g.m[1].lang, "en-US");
	got_free(&g);
}

static const struct parse_map map_hn = {
	.items = "hits", .id = "objectID", .title = "title", .link = "url",
	.text = "comment_text", .published = "created_at_i", .author = "author",
};
static const struct parse_map map_reddit = {
	.items = "data.children[].data", .id = "name", .title = "title", .link = "permalink",
	.text = "selftext", .published = "created_utc", .author = "author",
};
static const struct parse_map map_mastodon = {
	.id = "id", .link = "url", .text = "content", .published = "created_at",
	.author = "account.acct",
};
static const struct parse_map map_appstore = {
	.items = "feed.entry", .id = "id.label", .title = "title.label", .text = "content.label",
	.author = "author.name.label", .rating = "im:rating.label", .published = "updated.label",
};
static const struct parse_map map_stack = {
	.items = "items", .id = "question_id", .title = "title", .link = "link",
	.published = "creation_date", .author = "owner.display_name",
};

static void
test_hacker_news(void)
{
	struct parse_opts o = { .format = PARSE_JSON, .map = &map_hn };
	struct got g;

	got_file(&g, "hn_algolia_search.json", &o);
	T_EQ_INT(g.n, 2);
	CHECK_MENTION(&g, 0, "39000123", NULL, NULL,
		      "I tried Acme Cloud last week and it was painfully slow. Support never answered.",
		      "pg", "2024-03-08T15:04:05Z");
	CHECK_MENTION(&g, 1, "39000000", "https://acme.example/launch", "Acme Cloud launches", NULL,
		      "dang", "2024-03-08T12:00:00Z");
	got_free(&g);
}

static void
test_reddit(void)
{
	struct parse_opts o = { .map = &map_reddit,
				.base_url = "https://www.reddit.com/r/acme/new.json" };
	struct got g;

	got_file(&g, "reddit_listing.json", &o);
	T_EQ_INT(g.res.format, PARSE_JSON);
	T_EQ_INT(g.n, 2);
	CHECK_MENTION(&g, 0, "t3_1b9aaaa",
		      "https://www.reddit.com/r/acme/comments/1b9aaaa/account_locked_for_no_reason/",
		      "Account locked for no reason",
		      "Has anyone else had their **account locked**? Support is useless & slow.",
		      "throwaway_123", "2024-03-08T12:13:20Z");
	got_free(&g);
}

static void
test_mastodon(void)
{
	struct parse_opts o = { .map = &map_mastodon };
	struct got g;

	got_file(&g, "mastodon_timeline.json", &o);
	T_EQ_INT(g.n, 2);
	CHECK_MENTION(&g, 0, "112055123456789012", "https://mastodon.social/@jane/112055123456789012",
		      NULL, "Third outage this month, #acme. Not impressed. Anyone else?", "jane",
		      "2024-03-08T14:12:03Z");
	CHECK_MENTION(&g, 1, "112055000000000001", "https://chaos.social/@max/1", NULL,
		      "Acme & Co. sind super <3", "max@chaos.social", "2024-03-08T13:00:00Z");
	T_EQ_STR(g.m[1].lang, "de");
	got_free(&g);
}

static void
test_appstore(void)
{
	struct parse_opts o = { .map = &map_appstore };
	struct got g;

	got_file(&g, "appstore_customer_reviews.json", &o);
	T_EQ_INT(g.n, 2);
	CHECK_MENTION(&g, 0, "10987654321", "https://itunes.apple.com/us/review?id=618783545&type=Purple%20Software",
		      "Crashes on launch", "Since the update the app crashes every time I open it.",
		      "FrustratedUser", "2024-03-08T04:12:45Z");
	T_EQ_DBL(g.m[0].rating, 0.0, 1e-9);
	T_EQ_DBL(g.m[1].rating, 1.0, 1e-9);
	got_free(&g);
}

static void
test_stackexchange(void)
{
	struct parse_opts o = { .map = &map_stack };
	struct got g;

	got_file(&g, "stackexchange_questions.json", &o);
	T_EQ_INT(g.n, 2);
	CHECK_MENTION(&g, 0, "78123456",
		      "https://stackoverflow.com/questions/78123456/acme-sdk-raises-timeouterror",
		      "Acme SDK raises TimeoutError on every call & retries don't help", NULL,
		      "Zo\xc3\xab Dev", "2024-03-08T15:18:31Z");
	got_free(&g);
}

static void
test_dates_and_ratings(void)
{
	static const struct parse_map map = {
		.items = "data.reviews[]", .id = "uid", .title = "headline", .text = "body",
		.published = "ts", .author = "who.login", .rating = "stars", .rating_scale = "0..10",
	};
	static const struct parse_map map_path_scale = {
		.items = "data.reviews", .id = "uid", .rating = "stars", .rating_scale = "max",
	};
	struct parse_opts o = { .map = &map };
	struct got g;

	got_file(&g, "json_api_dates_ratings.json", &o);
	T_EQ_INT(g.n, 4);
	CHECK_MENTION(&g, 0, "r1", NULL, "Milliseconds", "Epoch in milliseconds, rating as a string.",
		      "ms_user", "2024-03-08T12:13:20Z");
	T_EQ_DBL(g.m[0].rating, 0.4, 1e-9);
	T_EQ_STR(got_iso(g.m[1].published), "2024-03-08T12:13:20Z");
	T_EQ_DBL(g.m[1].rating, 0.25, 1e-9);
	T_EQ_STR(got_iso(g.m[2].published), "2024-03-08T08:03:20Z");
	T_EQ_DBL(g.m[2].rating, 0.9, 1e-9);
	T_ASSERT(isnan(g.m[3].rating));
	T_EQ_INT(g.m[3].published, 0);
	got_free(&g);

	/* rating_scale as a path: "max" of each item (10, then 5). */
	o.map = &map_path_scale;
	got_file(&g, "json_api_dates_ratings.json", &o);
	T_EQ_DBL(g.m[0].rating, 3.0 / 9.0, 1e-9);
	T_EQ_DBL(g.m[1].rating, 1.5 / 4.0, 1e-9);
	got_free(&g);
}

static void
test_unmapped_defaults(void)
{
	struct got g;

	/* No mapping at all: the usual field names still find the content. */
	got_file(&g, "hn_algolia_search.json", NULL);
	T_EQ_INT(g.n, 2);
	T_EQ_STR(g.m[0].guid, "39000123");
	T_EQ_STR(g.m[0].author, "pg");
	T_EQ_STR(g.m[1].url, "https://acme.example/launch");
	got_free(&g);

	got_file(&g, "appstore_customer_reviews.json", NULL);
	T_EQ_INT(g.n, 2);
	T_EQ_STR(g.m[0].author, "FrustratedUser");
	T_EQ_DBL(g.m[0].rating, 0.0, 1e-9);
	got_free(&g);

	got_file(&g, "json_xssi_prefix.json", NULL);
	CHECK_MENTION(&g, 0, "x1", "https://example.com/x1", "Behind an XSSI guard", NULL, NULL,
		      "2024-01-01T00:00:00Z");
	got_free(&g);
}

static void
test_invalid_json(void)
{
	struct got g;

	got_file(&g, "json_truncated.json", NULL);
	T_EQ_INT(g.rc, ES_EPARSE);
	T_EQ_INT(g.n, 0);
	T_CONTAINS(g.err, "invalid JSON");
	got_free(&g);
	/* The unterminated object at exactly the buffer's end (cJSON issue 800). */
	got_mem(&g, "{\"1\":1,", 7, NULL);
	T_EQ_INT(g.rc, ES_EPARSE);
	got_free(&g);
	got_mem(&g, "{\"items\":[]} trailing", 21, NULL);
	T_EQ_INT(g.rc, ES_EPARSE);
	got_free(&g);
}

/* Half an emoji, as JavaScript writes it when it cuts a string between
 * the halves of a surrogate pair: cJSON refused the whole document, so one
 * truncated comment made the whole response unreadable.  Lone halves now
 * read as U+FFFD; pairs and an escaped backslash before "ud800" are kept. */
static void
test_lone_surrogates(void)
{
	static const char doc[] =
		"{\"version\":\"https://jsonfeed.org/version/1.1\",\"items\":["
		"{\"id\":\"1\",\"title\":\"cut \\ud83d\",\"content_text\":\"x\"},"
		"{\"id\":\"2\",\"title\":\"\\udc00 pair \\ud83d\\ude00 \\\\ud800\",\"content_text\":\"y\"}]}";
	struct got g;

	got_mem(&g, doc, sizeof(doc) - 1, NULL);
	T_EQ_INT(g.rc, ES_OK);
	T_EQ_INT(g.n, 2);
	T_EQ_STR(g.m[0].title, "cut \xef\xbf\xbd");
	T_EQ_STR(g.m[1].title, "\xef\xbf\xbd pair \xf0\x9f\x98\x80 \\ud800");
	got_free(&g);
}

static bool
count_values(const cJSON *v, void *ctx)
{
	char *s = json_scalar(v);

	if (s) {
		struct buf *b = ctx;

		if (b->len)
			buf_putc(b, '|');
		buf_puts(b, s);
		free(s);
	}
	return true;
}

static void
check_path(const cJSON *root, const char *path, const char *want)
{
	struct buf b;

	buf_init(&b, 0);
	jpath_each(root, path, count_values, &b);
	T_EQ_STR(buf_str(&b), want);
	buf_free(&b);
}

static void
test_jpath(void)
{
	static const char doc[] = "{\"a\":{\"b\":[{\"c\":1},{\"c\":2},{\"d\":3}]},"
				  "\"im:rating\":{\"label\":\"4\"},\"x.y\":5,\"arr\":[10,20,30],"
				  "\"Case\":\"upper\"}";
	cJSON *root = json_parse(doc, sizeof(doc) - 1, NULL, 0);
	char err[ES_ERRLEN];
	int col;

	T_ASSERT(root != NULL);
	check_path(root, "a.b[].c", "1|2");
	check_path(root, "a.b[*].c", "1|2");
	check_path(root, "a.b.*.d", "3");
	check_path(root, "a.b[1].c", "2");
	check_path(root, "a.b[7].c", "");
	check_path(root, "im:rating.label", "4");
	check_path(root, "arr[]", "10|20|30");
	check_path(root, "arr", "");
	check_path(root, "case", ""); /* keys are case-sensitive */
	check_path(root, "Case", "upper");
	cJSON_Delete(root);

	T_EQ_INT(jpath_check("data.children[].data", err, sizeof(err), &col), ES_OK);
	T_EQ_INT(jpath_check("im:rating.label", err, sizeof(err), &col), ES_OK);
	T_EQ_INT(jpath_check("a[0].b[*]", err, sizeof(err), &col), ES_OK);
	T_EQ_INT(jpath_check("*", err, sizeof(err), &col), ES_OK);
	T_EQ_INT(jpath_check("a..b", err, sizeof(err), &col), ES_EINVAL);
	T_EQ_INT(col, 3);
	T_EQ_STR(err, "empty key");
	T_EQ_INT(jpath_check("a[x]", err, sizeof(err), &col), ES_EINVAL);
	T_EQ_INT(col, 2);
	T_EQ_INT(jpath_check("a.", err, sizeof(err), &col), ES_EINVAL);
	T_EQ_INT(col, 2);
	T_EQ_INT(jpath_check("a]", err, sizeof(err), &col), ES_EINVAL);
	T_EQ_INT(jpath_check("", err, sizeof(err), &col), ES_EINVAL);
}

int
main(void)
{
	T_RUN(test_jsonfeed10);
	T_RUN(test_jsonfeed11);
	T_RUN(test_hacker_news);
	T_RUN(test_reddit);
	T_RUN(test_mastodon);
	T_RUN(test_appstore);
	T_RUN(test_stackexchange);
	T_RUN(test_dates_and_ratings);
	T_RUN(test_unmapped_defaults);
	T_RUN(test_invalid_json);
	T_RUN(test_lone_surrogates);
	T_RUN(test_jpath);
	return t_report();
}
