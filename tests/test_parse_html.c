/* test_parse_html.c - review pages: JSON-LD, microdata and XPath selectors. */
#include "parsers/mapcheck.h"
#include "parsers/rating.h"
#include "parsers/review.h"
#include "tests/parse_helpers.h"

static void
test_jsonld_product(void)
{
	struct parse_opts o = { .base_url = "https://shop.example.com/anvil" };
	struct got g;

	got_file(&g, "review_jsonld_product.html", &o);
	T_EQ_INT(g.rc, ES_OK);
	T_EQ_INT(g.res.format, PARSE_HTML);
	T_EQ_INT(g.n, 3);
	/* The AggregateRating, then each Review (nested reviewRating). */
	CHECK_MENTION(&g, 0, "https://shop.example.com/anvil#6d3770ac53f6598e",
		      "https://shop.example.com/anvil", "Acme Anvil", NULL, NULL, NULL);
	T_EQ_DBL(g.m[0].rating, 0.8, 1e-9);
	CHECK_MENTION(&g, 1, "https://shop.example.com/anvil#fdb60399092ce5b3",
		      "https://shop.example.com/anvil", "Heavy but reliable",
		      "Dropped it from a cliff. Still works.", "Wile E. Coyote", "2024-02-11T00:00:00Z");
	T_EQ_DBL(g.m[1].rating, 0.75, 1e-9);
	/* No name: the reviewed item's; best 10, worst 0. */
	CHECK_MENTION(&g, 2, "https://shop.example.com/anvil#4521e040b417fe41",
		      "https://shop.example.com/anvil", "Acme Anvil",
		      "Missed me every time. 1/10 would not buy.", "Road Runner", "2024-02-12T08:00:00Z");
	T_EQ_DBL(g.m[2].rating, 0.2, 1e-9);
	got_free(&g);
}

static void
test_jsonld_graph_and_invalid_block(void)
{
	struct parse_opts o = { .base_url = "https://ignored.example/" };
	struct got g;

	got_file(&g, "review_jsonld_graph_invalid_block.html", &o);
	/* The broken block and the plain script are skipped; <base href> is the page. */
	T_EQ_INT(g.n, 2);
	CHECK_MENTION(&g, 0, "https://reviews.example.com/acme/r/981", "https://reviews.example.com/acme/",
		      "Rude staff", "Waited 40 minutes & nobody helped.", "Pat, Sam",
		      "2024-03-01T09:00:00Z");
	T_EQ_DBL(g.m[0].rating, 0.0, 1e-9);
	CHECK_MENTION(&g, 1, "https://reviews.example.com/acme/reviews/982",
		      "https://reviews.example.com/acme/reviews/982", "Great prices",
		      "Cheapest anvils in town.", NULL, NULL);
	T_EQ_DBL(g.m[1].rating, 1.0, 1e-9);
	got_free(&g);
}

static void
test_microdata(void)
{
	struct parse_opts o = { .base_url = "https://shop.example.com/skates" };
	struct got g;

	got_file(&g, "review_microdata.html", &o);
	T_EQ_INT(g.n, 3);
	CHECK_MENTION(&g, 0, "https://shop.example.com/skates#37d680a0b469df93",
		      "https://shop.example.com/skates", "Acme Rocket Skates", NULL, NULL, NULL);
	T_EQ_DBL(g.m[0].rating, 0.625, 1e-9);
	CHECK_MENTION(&g, 1, "https://shop.example.com/skates#cb4daa4e45a11683",
		      "https://shop.example.com/skates", "Too fast", "Could not stop. Hit a wall.",
		      "W. Coyote", "2024-01-15T00:00:00Z");
	T_EQ_DBL(g.m[1].rating, 0.25, 1e-9);
	CHECK_MENTION(&g, 2, "https://shop.example.com/reviews/skates/2",
		      "https://shop.example.com/reviews/skates/2", NULL, "Never caught me.", "Beep Beep",
		      "2024-01-20T12:00:00Z");
	T_EQ_DBL(g.m[2].rating, 1.0, 1e-9);
	got_free(&g);
}

static void
test_xpath_selectors(void)
{
	static const struct parse_map map = {
		.item = "//article[@class='review']", .id = "@data-id", .title = ".//h2",
		.text = ".//p[@class='body']", .link = ".//a[@class='permalink']/@href",
		.author = ".//span[@class='who']", .published = ".//span[@class='when']",
		.rating = "@data-rating",
	};
	struct parse_opts o = { .map = &map, .base_url = "https://somesite.example/acme/reviews" };
	struct got g;

	got_file(&g, "review_xpath_selectors.html", &o);
	T_EQ_INT(g.n, 2);
	CHECK_MENTION(&g, 0, "a-1", "https://somesite.example/acme/review/a-1", "Late delivery",
		      "Ordered in January. Arrived in March & broken.", "Marvin M.",
		      "2024-03-03T00:00:00Z");
	T_EQ_DBL(g.m[0].rating, 0.25, 1e-9);
	CHECK_MENTION(&g, 1, "a-2", "https://somesite.example/acme/review/a-2", "Perfect",
		      "Exactly as described.", "Daffy D.", "2024-03-04T00:00:00Z");
	T_EQ_DBL(g.m[1].rating, 1.0, 1e-9);
	got_free(&g);

	/* Without selectors the page has no schema.org reviews: nothing. */
	got_file(&g, "review_xpath_selectors.html", NULL);
	T_EQ_INT(g.rc, ES_OK);
	T_EQ_INT(g.n, 0);
	got_free(&g);
}

static void
test_ratings(void)
{
	double best = NAN, worst = NAN;

	T_EQ_DBL(rating_norm(3, NAN, NAN), 0.5, 1e-12);
	T_EQ_DBL(rating_norm(9, 5, 1), 1.0, 1e-12);
	T_EQ_DBL(rating_norm(0, 5, 1), 0.0, 1e-12);
	T_ASSERT(isnan(rating_norm(NAN, 5, 1)));
	T_ASSERT(isnan(rating_norm(3, 1, 1)));
	T_ASSERT(rating_scale_parse("10", &best, &worst));
	T_EQ_DBL(best, 10, 0);
	T_EQ_DBL(worst, 1, 0);
	T_ASSERT(rating_scale_parse("100", &best, &worst));
	T_EQ_DBL(worst, 0, 0);
	T_ASSERT(rating_scale_parse("0..10", &best, &worst));
	T_EQ_DBL(worst, 0, 0);
	T_EQ_DBL(best, 10, 0);
	T_ASSERT(rating_scale_parse("1-7", &best, &worst));
	T_EQ_DBL(best, 7, 0);
	T_ASSERT(!rating_scale_parse("stars.max", &best, &worst));
	T_ASSERT(!rating_scale_parse("5..1", &best, &worst));
	best = NAN;
	T_EQ_DBL(rating_from_text("4.5 out of 5", &best), 4.5, 0);
	T_EQ_DBL(best, 5, 0);
	T_EQ_DBL(rating_from_text("Rated 8/10", &best), 8, 0);
	T_EQ_DBL(best, 10, 0);
	T_EQ_DBL(rating_from_text("80%", &best), 80, 0);
	T_EQ_DBL(best, 100, 0);
	T_EQ_DBL(rating_from_text("\xe2\x98\x85\xe2\x98\x85\xe2\x98\x85\xe2\x98\x86", &best), 3, 0);
	T_ASSERT(isnan(rating_from_text("great", &best)));
}

static void
test_mapping_checks(void)
{
	struct conf_source html = { .format = CONF_FMT_HTML }, json = { .format = CONF_FMT_JSON };
	struct conf_source autof = { .format = CONF_FMT_AUTO };
	char err[ES_ERRLEN];
	int col;

	T_EQ_INT(mapcheck_path("//article[@class='review']", &html, err, sizeof(err), &col), ES_OK);
	T_EQ_INT(mapcheck_path("//article[@class='review'", &html, err, sizeof(err), &col), ES_EINVAL);
	T_CONTAINS(err, "bad XPath");
	T_ASSERT(col > 0);
	T_EQ_INT(mapcheck_path("data.children[].data", &json, err, sizeof(err), &col), ES_OK);
	T_EQ_INT(mapcheck_path("data..x", &json, err, sizeof(err), &col), ES_EINVAL);
	T_EQ_INT(col, 6);
	T_EQ_INT(mapcheck_path("0..10", &json, err, sizeof(err), &col), ES_OK);
	T_EQ_INT(mapcheck_path(".//h2", &autof, err, sizeof(err), &col), ES_OK);
	T_EQ_INT(mapcheck_path("//h2[", &autof, err, sizeof(err), &col), ES_EINVAL);
	T_EQ_INT(mapcheck_path("hits", &autof, err, sizeof(err), &col), ES_OK);
	T_EQ_INT(review_xpath_check("count(//p) > 1", err, sizeof(err), &col), ES_OK);
}

int
main(void)
{
	T_RUN(test_jsonld_product);
	T_RUN(test_jsonld_graph_and_invalid_block);
	T_RUN(test_microdata);
	T_RUN(test_xpath_selectors);
	T_RUN(test_ratings);
	T_RUN(test_mapping_checks);
	return t_report();
}
