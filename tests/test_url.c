/* test_url.c - RFC 3986 resolution (its own examples) and canonical URLs. */
#include <stdlib.h>
#include <string.h>

#include "parsers/url.h"
#include "tests/test.h"

static void
check_resolve(const char *base, const char *ref, const char *want)
{
	char *got = url_resolve(base, ref);

	t_checks++;
	if (!t_streq(got, want))
		t_fail(__FILE__, __LINE__, "resolve(%s, %s): got %s, expected %s", base ? base : "NULL",
		       ref, got ? got : "NULL", want ? want : "NULL");
	free(got);
}

static void
check_canon(const char *in, const char *want)
{
	char *got = url_canonical(in);

	t_checks++;
	if (!t_streq(got, want))
		t_fail(__FILE__, __LINE__, "canonical(%s): got %s, expected %s", in,
		       got ? got : "NULL", want ? want : "NULL");
	free(got);
}

static void
test_rfc3986_normal(void)
{
	static const char *const cases[][2] = {
		{ "g:h", "g:h" },          { "g", "http://a/b/c/g" },
		{ "./g", "http://a/b/c/g" }, { "g/", "http://a/b/c/g/" },
		{ "/g", "http://a/g" },    { "//g", "http://g" },
		{ "?y", "http://a/b/c/d;p?y" }, { "g?y", "http://a/b/c/g?y" },
		{ "#s", "http://a/b/c/d;p?q#s" }, { "g#s", "http://a/b/c/g#s" },
		{ "g?y#s", "http://a/b/c/g?y#s" }, { ";x", "http://a/b/c/;x" },
		{ "g;x", "http://a/b/c/g;x" }, { "g;x?y#s", "http://a/b/c/g;x?y#s" },
		{ ".", "http://a/b/c/" },  { "./", "http://a/b/c/" },
		{ "..", "http://a/b/" },   { "../", "http://a/b/" },
		{ "../g", "http://a/b/g" }, { "../..", "http://a/" },
		{ "../../", "http://a/" }, { "../../g", "http://a/g" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		check_resolve("http://a/b/c/d;p?q", cases[i][0], cases[i][1]);
}

static void
test_rfc3986_abnormal(void)
{
	static const char *const cases[][2] = {
		{ "../../../g", "http://a/g" }, { "../../../../g", "http://a/g" },
		{ "/./g", "http://a/g" },      { "/../g", "http://a/g" },
		{ "g.", "http://a/b/c/g." },   { ".g", "http://a/b/c/.g" },
		{ "g..", "http://a/b/c/g.." }, { "..g", "http://a/b/c/..g" },
		{ "./../g", "http://a/b/g" },  { "./g/.", "http://a/b/c/g/" },
		{ "g/./h", "http://a/b/c/g/h" }, { "g/../h", "http://a/b/c/h" },
		{ "g;x=1/./y", "http://a/b/c/g;x=1/y" }, { "g;x=1/../y", "http://a/b/c/y" },
		{ "g?y/./x", "http://a/b/c/g?y/./x" }, { "g#s/../x", "http://a/b/c/g#s/../x" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		check_resolve("http://a/b/c/d;p?q", cases[i][0], cases[i][1]);
}

static void
test_resolve_feeds(void)
{
	check_resolve("https://example.com", "post/1", "https://example.com/post/1");
	check_resolve("https://example.com/blog/", "  \n post/1 \t", "https://example.com/blog/post/1");
	check_resolve("https://example.com/blog/feed.xml", "/a b", "https://example.com/a%20b");
	check_resolve(NULL, "post/1", "post/1");
	check_resolve("not a url", "post/1", "post/1");
	check_resolve("https://example.com/", "   ", NULL);
	check_resolve("https://example.com/", "HTTPS://Other.example/x/../y",
		      "HTTPS://Other.example/y");
	check_resolve("https://example.com/a/", "//cdn.example/x", "https://cdn.example/x");
	T_ASSERT(url_is_absolute("tag:example.com,2003:1"));
	T_ASSERT(!url_is_absolute("/relative"));
	T_ASSERT(!url_is_absolute("1http://x"));
	T_ASSERT(!url_is_absolute(NULL));
}

static void
test_canonical(void)
{
	check_canon("HTTPS://Example.COM/Path?a=1#frag", "https://example.com/Path?a=1");
	check_canon("https://example.com", "https://example.com/");
	check_canon("http://example.com:80/x", "http://example.com/x");
	check_canon("https://example.com:443/x", "https://example.com/x");
	check_canon("https://example.com:8443/x", "https://example.com:8443/x");
	check_canon("http://example.com:/x", "http://example.com/x");
	check_canon("https://User@Example.com/x", "https://User@example.com/x");
	check_canon("https://[2001:DB8::1]/x", "https://[2001:db8::1]/x");
	check_canon("https://e.com/a?utm_source=rss&utm_medium=feed", "https://e.com/a");
	check_canon("https://e.com/a?id=7&utm_campaign=x&b=2", "https://e.com/a?id=7&b=2");
	check_canon("https://e.com/a?UTM_Source=x&id=7", "https://e.com/a?id=7");
	check_canon("https://e.com/a?utmost=1", "https://e.com/a?utmost=1");
	check_canon("https://e.com/#!/post/7", "https://e.com/#!/post/7");
	check_canon("  https://e.com/x  ", "https://e.com/x");
	check_canon("mailto:Jo@Example.com", "mailto:Jo@Example.com");
	check_canon("tag:example.com,2003:3.2397", "tag:example.com,2003:3.2397");
	check_canon("", NULL);
	check_canon(NULL, NULL);
}

int
main(void)
{
	T_RUN(test_rfc3986_normal);
	T_RUN(test_rfc3986_abnormal);
	T_RUN(test_resolve_feeds);
	T_RUN(test_canonical);
	return t_report();
}
