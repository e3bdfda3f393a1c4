/* test_robots.c - robots.txt parsing and matching (RFC 9309), with cases in
 * the spirit of google/robotstxt's robots_test.cc. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crawler/robots.h"
#include "tests/test.h"

/* Parses txt for agent "earshot" and asks about path. */
static int
allowed(const char *txt, const char *path)
{
	struct robots *r = robots_parse(txt, strlen(txt), "earshot");
	int ok = robots_allowed(r, path);

	robots_free(r);
	return ok;
}

static void
test_empty_and_garbage(void)
{
	T_ASSERT(allowed("", "/x"));
	T_ASSERT(allowed("this is not robots.txt\n<html>\n", "/x"));
	/* Rules before any user-agent line belong to no group. */
	T_ASSERT(allowed("disallow: /\n", "/x"));
	T_ASSERT(!allowed("user-agent: *\ndisallow: /\n", "/x"));
	/* An empty Disallow allows everything. */
	T_ASSERT(allowed("user-agent: *\ndisallow:\n", "/x"));
}

static void
test_groups(void)
{
	const char *txt = "user-agent: *\ndisallow: /\n\n"
			  "user-agent: Earshot/1.2\nallow: /public\ndisallow: /private\n";

	/* Our own group replaces "*": "/other" is allowed for us. */
	T_ASSERT(allowed(txt, "/other"));
	T_ASSERT(!allowed(txt, "/private/x"));
	T_ASSERT(allowed(txt, "/public/x"));
	/* Other bots' groups do not apply. */
	T_ASSERT(allowed("user-agent: googlebot\ndisallow: /\n", "/x"));
	/* Consecutive user-agent lines share one group. */
	T_ASSERT(!allowed("user-agent: foo\nuser-agent: earshot\ndisallow: /a\n", "/a"));
	/* Two groups for us are merged. */
	txt = "user-agent: earshot\ndisallow: /a\n\nuser-agent: bar\ndisallow: /b\n\n"
	      "user-agent: EARSHOT\ndisallow: /c\n";
	T_ASSERT(!allowed(txt, "/a"));
	T_ASSERT(allowed(txt, "/b"));
	T_ASSERT(!allowed(txt, "/c"));
	/* A group naming us with no rules still shadows "*". */
	T_ASSERT(allowed("user-agent: *\ndisallow: /\nuser-agent: earshot\n", "/x"));
}

static void
test_longest_match(void)
{
	const char *txt = "user-agent: *\nallow: /folder/page\ndisallow: /folder/\n";

	T_ASSERT(allowed(txt, "/folder/page"));
	T_ASSERT(!allowed(txt, "/folder/other"));
	/* Ties go to Allow. */
	T_ASSERT(allowed("user-agent: *\nallow: /page\ndisallow: /page\n", "/page"));
	/* Longer Disallow beats shorter Allow whatever the order. */
	T_ASSERT(!allowed("user-agent: *\ndisallow: /a/b\nallow: /a\n", "/a/b/c"));
	T_ASSERT(allowed("user-agent: *\nallow: /$\ndisallow: /\n", "/"));
	T_ASSERT(!allowed("user-agent: *\nallow: /$\ndisallow: /\n", "/page"));
}

static void
test_wildcards(void)
{
	const char *txt = "user-agent: *\ndisallow: /*.php$\ndisallow: /fish*.html\n"
			  "disallow: /*?sid=\n";

	T_ASSERT(!allowed(txt, "/index.php"));
	T_ASSERT(!allowed(txt, "/dir/x.php"));
	T_ASSERT(allowed(txt, "/index.php?x=1"));
	T_ASSERT(allowed(txt, "/index.php5"));
	T_ASSERT(!allowed(txt, "/fish.html"));
	T_ASSERT(!allowed(txt, "/fishheads/catfish.html"));
	T_ASSERT(allowed(txt, "/Fish.html"));  /* paths are case-sensitive */
	T_ASSERT(!allowed(txt, "/a?sid=3"));
	T_ASSERT(allowed(txt, "/a?id=3"));
	/* Many stars cost polynomial time, not exponential. */
	T_ASSERT(allowed("user-agent: *\ndisallow: /*a*a*a*a*a*a*a*a*a*a*a*a*b\n",
			 "/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"));
}

static void
test_leniency(void)
{
	/* Typos, odd case, spaces, CR line ends, a BOM and comments. */
	T_ASSERT(!allowed("\xEF\xBB\xBFUser-Agent: *\r\nDisalow: /a # no\r\n", "/a"));
	T_ASSERT(!allowed("useragent : *\n   DISALLOW   :   /b   \n", "/b"));
	T_ASSERT(!allowed("user-agent: *\rdisallow: /c\r", "/c"));
	T_ASSERT(allowed("user-agent: *\n# disallow: /d\n", "/d"));
	/* Percent-encoding: a rule with a raw UTF-8 byte matches the escaped path. */
	T_ASSERT(!allowed("user-agent: *\ndisallow: /caf\xC3\xA9\n", "/caf%c3%a9"));
	T_ASSERT(!allowed("user-agent: *\ndisallow: /a%3cb\n", "/a%3Cb"));
}

static void
test_robots_txt_always_allowed(void)
{
	struct robots *r = robots_new_disallow_all();

	T_ASSERT(robots_allowed(r, "/robots.txt"));
	T_ASSERT(!robots_allowed(r, "/"));
	robots_free(r);
	r = robots_new_allow_all();
	T_ASSERT(robots_allowed(r, "/anything"));
	T_EQ_INT(robots_crawl_delay_ms(r), -1);
	robots_free(r);
	T_ASSERT(allowed("user-agent: *\ndisallow: /\n", "/robots.txt"));
}

static void
test_crawl_delay(void)
{
	const char *txt = "user-agent: *\ncrawl-delay: 7\n\nuser-agent: earshot\ncrawl-delay: 2.5\n"
			  "disallow: /x\n";
	struct robots *r = robots_parse(txt, strlen(txt), "earshot");

	T_EQ_INT(robots_crawl_delay_ms(r), 2500);
	T_EQ_INT(robots_rules(r), 1);
	robots_free(r);
	r = robots_parse(txt, strlen(txt), "other");
	T_EQ_INT(robots_crawl_delay_ms(r), 7000);
	T_EQ_INT(robots_rules(r), 0);
	robots_free(r);
	txt = "user-agent: *\ncrawl-delay: soon\n";
	r = robots_parse(txt, strlen(txt), "earshot");
	T_EQ_INT(robots_crawl_delay_ms(r), -1);
	robots_free(r);
}

static void
test_size_cap(void)
{
	/* A rule past ROBOTS_MAX_BYTES is not read. */
	size_t pad = ROBOTS_MAX_BYTES + 100;
	char *txt = malloc(pad + 64);
	struct robots *r;
	size_t n;

	n = (size_t)snprintf(txt, 64, "user-agent: *\ndisallow: /a\n");
	memset(txt + n, '#', pad - n);
	n = pad;
	n += (size_t)snprintf(txt + n, 64, "\ndisallow: /b\n");
	r = robots_parse(txt, n, "earshot");
	T_ASSERT(!robots_allowed(r, "/a"));
	T_ASSERT(robots_allowed(r, "/b"));
	T_EQ_INT(robots_rules(r), 1);
	robots_free(r);
	free(txt);
}

static void
test_agent_token(void)
{
	char tok[ROBOTS_MAX_AGENT];

	robots_agent_token("earshot/0.1 (+https://example.org)", tok, sizeof(tok));
	T_EQ_STR(tok, "earshot");
	robots_agent_token("Listen_Bot-2/1", tok, sizeof(tok));
	T_EQ_STR(tok, "Listen_Bot-");
	robots_agent_token("/1.0", tok, sizeof(tok));
	T_EQ_STR(tok, "");
}

int
main(void)
{
	T_RUN(test_empty_and_garbage);
	T_RUN(test_groups);
	T_RUN(test_longest_match);
	T_RUN(test_wildcards);
	T_RUN(test_leniency);
	T_RUN(test_robots_txt_always_allowed);
	T_RUN(test_crawl_delay);
	T_RUN(test_size_cap);
	T_RUN(test_agent_token);
	return t_report();
}
