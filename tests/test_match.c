/* test_match.c - the brand query language and the matcher. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/match.h"
#include "analysis/match_int.h"
#include "core/conf.h"
#include "tests/test.h"

/* Loads a feeds.conf text that must have no errors. */
static struct conf *
conf_of(const char *text)
{
	struct conf *c = conf_load_string(text, "feeds.conf");

	for (size_t i = 0; i < c->ndiags; i++)
		fprintf(stderr, "unexpected diagnostic: line %d: %s\n", c->diags[i].line,
		        c->diags[i].msg);
	T_EQ_INT(c->ndiags, 0);
	return c;
}

/* Names of the brands m finds in title and text, comma-separated. */
static const char *
found(const struct matcher *m, struct match_ctx *x, const char *title, const char *text,
      const struct conf_source *src)
{
	static char out[512];
	const size_t *b;
	size_t n = matcher_run(m, x, title, text, src, &b), len = 0;

	out[0] = '\0';
	for (size_t i = 0; i < n; i++)
		len += (size_t)snprintf(out + len, sizeof(out) - len, "%s%s", i ? "," : "",
		                        matcher_name(m, b[i]));
	return out;
}

/* 1 when query (one brand, case insensitive) matches text, else 0. */
static int
q(const char *query, const char *text)
{
	char conf[1024];
	char err[ES_ERRLEN] = "";
	struct conf *c;
	struct matcher *m;
	struct match_ctx *x;
	int r;

	snprintf(conf, sizeof(conf), "[brand b]\nquery = %s\n", query);
	c = conf_of(conf);
	m = matcher_new(c, err, sizeof(err));
	T_EQ_STR(err, "");
	if (!m) {
		conf_free(c);
		return -1;
	}
	x = match_ctx_new();
	r = strcmp(found(m, x, NULL, text, NULL), "b") == 0;
	match_ctx_free(x);
	matcher_free(m);
	conf_free(c);
	return r;
}

/* The error match_check_query gives for query, as "MESSAGE at column N". */
static const char *
qerr(const char *query)
{
	static char out[ES_ERRLEN + 32];
	char err[ES_ERRLEN] = "";
	int col = -1;
	enum es_err rc = match_check_query(query, NULL, err, sizeof(err), &col);

	if (rc == ES_OK)
		return "ok";
	T_EQ_INT(rc, ES_EPARSE);
	snprintf(out, sizeof(out), "%s at column %d", err, col);
	return out;
}

static void
test_whole_words(void)
{
	T_EQ_INT(q("acme", "I bought an Acme anvil"), 1);
	T_EQ_INT(q("acme", "acme's new phone"), 1);
	T_EQ_INT(q("acme", "an acme-branded anvil"), 1);
	T_EQ_INT(q("acme", "see acme.com today"), 1);
	T_EQ_INT(q("acme", "(ACME)"), 1);
	T_EQ_INT(q("acme", "acmecorp is not it"), 0);
	T_EQ_INT(q("acme", "nor is pacme"), 0);
	T_EQ_INT(q("acme", "acme_corp is one word"), 0);
	T_EQ_INT(q("acme", ""), 0);
	/* A term with punctuation inside is the phrase of its words. */
	T_EQ_INT(q("acme.com", "visit ACME.COM now"), 1);
	T_EQ_INT(q("acme.com", "visit acme com now"), 1);
	T_EQ_INT(q("acme.com", "com acme"), 0);
	T_EQ_INT(q("AT&T", "my at&t bill"), 1);
	/* Digits are word characters. */
	T_EQ_INT(q("acme 9000", "the Acme 9000 ships"), 1);
	T_EQ_INT(q("acme 9000", "the Acme 90000 ships"), 0);
}

static void
test_precedence(void)
{
	/* AND (and adjacency) binds tighter than OR. */
	T_EQ_INT(q("a OR b c", "a"), 1);
	T_EQ_INT(q("a OR b c", "b"), 0);
	T_EQ_INT(q("a OR b c", "c b"), 1);
	T_EQ_INT(q("a b OR c", "c"), 1);
	T_EQ_INT(q("a AND b OR c", "a"), 0);
	T_EQ_INT(q("a AND (b OR c)", "a c"), 1);
	T_EQ_INT(q("a AND (b OR c)", "c"), 0);
	/* A NOT after a term excludes from its whole group (Brandwatch). */
	T_EQ_INT(q("acme OR @acme NOT anvil", "acme anvil"), 0);
	T_EQ_INT(q("acme OR @acme NOT anvil", "@acme anvil"), 0);
	T_EQ_INT(q("acme OR @acme NOT anvil", "acme rocket"), 1);
	T_EQ_INT(q("a NOT b OR c", "c b"), 0);
	T_EQ_INT(q("a NOT b OR c", "c"), 1);
	T_EQ_INT(q("a NOT b NOT c", "a c"), 0);
	T_EQ_INT(q("a NOT b NOT c", "a"), 1);
	/* ... and only from its group. */
	T_EQ_INT(q("x OR (a NOT b)", "x b"), 1);
	T_EQ_INT(q("x OR (a NOT b)", "a b"), 0);
	/* A NOT after an operator or at the start negates its operand only. */
	T_EQ_INT(q("a OR NOT b", "c"), 1);
	T_EQ_INT(q("a OR NOT b", "b"), 0);
	T_EQ_INT(q("a OR NOT b", "a b"), 1);
	T_EQ_INT(q("NOT b a", "a"), 1);
	T_EQ_INT(q("NOT b a", "a b"), 0);
	T_EQ_INT(q("a AND NOT b", "a"), 1);
	T_EQ_INT(q("NOT NOT a", "a"), 1);
	/* NEAR binds tighter than NOT: NOT a NEAR/1 b is NOT (a NEAR/1 b). */
	T_EQ_INT(q("x NOT a NEAR/1 b", "x a b"), 0);
	T_EQ_INT(q("x NOT a NEAR/1 b", "x a c c b"), 1);
	/* ... and than AND and OR. */
	T_EQ_INT(q("a OR b NEAR/0 c", "b x c"), 0);
	T_EQ_INT(q("a OR b NEAR/0 c", "c b"), 1);
	/* Lower-case words are words, inside quotes. */
	T_EQ_INT(q("\"marks and spencer\"", "Marks and Spencer plc"), 1);
	T_EQ_INT(q("\"marks and spencer\"", "Marks or Spencer plc"), 0);
}

/* Typographic quotes: U+201C, U+201D, U+201E. */
#define LQ "\xe2\x80\x9c"
#define RQ "\xe2\x80\x9d"
#define LOWQ "\xe2\x80\x9e"

static void
test_phrases(void)
{
	T_EQ_INT(q("\"acme cloud\"", "Acme Cloud is down"), 1);
	T_EQ_INT(q("\"acme cloud\"", "cloud acme"), 0);
	T_EQ_INT(q("\"acme cloud\"", "acme's cloud"), 0);
	T_EQ_INT(q("\"acme cloud\"", "acme big cloud"), 0);
	/* Punctuation between the words does not break a phrase. */
	T_EQ_INT(q("\"acme cloud\"", "acme, cloud"), 1);
	T_EQ_INT(q("\"acme cloud\"", "acme acme cloud"), 1);
	T_EQ_INT(q("\"a b c\"", "a b a b c"), 1);
	T_EQ_INT(q("\"a b c\"", "a b a c b c"), 0);
	T_EQ_INT(q("\"acme\"", "ACME"), 1);
	/* Punctuation inside a phrase is ignored as it is in texts. */
	T_EQ_INT(q("\"acme - cloud\"", "acme cloud"), 1);
	T_EQ_INT(q("\"acme clou*\"", "acme cloudy"), 1);
	T_EQ_INT(q("\"acme clou*\"", "acme cl"), 0);
	T_EQ_INT(q("\"@acme support\"", "thanks @acme support"), 1);
	T_EQ_INT(q("\"@acme support\"", "thanks acme support"), 0);
	/* Typographic quotes, as pasted from a word processor, quote too. */
	T_EQ_INT(q(LQ "acme cloud" RQ, "acme cloud"), 1);
	T_EQ_INT(q(LQ "acme cloud" RQ, "cloud acme"), 0);
	T_EQ_INT(q(LOWQ "acme cloud" LQ " OR x", "x"), 1);
	/* Operators inside quotes are words. */
	T_EQ_INT(q("\"rock AND roll\"", "rock and roll"), 1);
	T_EQ_INT(q("\"rock AND roll\"", "rock roll"), 0);
}

static void
test_title_text(void)
{
	char err[ES_ERRLEN] = "";
	struct conf *c = conf_of("[brand p]\nquery = \"acme cloud\"\n"
	                         "[brand n]\nquery = acme NEAR/5 outage\n"
	                         "[brand t]\nquery = acme\n");
	struct matcher *m = matcher_new(c, err, sizeof(err));
	struct match_ctx *x = match_ctx_new();

	T_ASSERT(m != NULL);
	T_EQ_STR(found(m, x, "Acme cloud", NULL, NULL), "p,t");
	T_EQ_STR(found(m, x, NULL, "about acme cloud", NULL), "p,t");
	T_EQ_STR(found(m, x, "acme", "cloud outage", NULL), "t");
	T_EQ_STR(found(m, x, "title", "acme outage", NULL), "n,t");
	T_EQ_STR(found(m, x, "nothing here", "", NULL), "");
	T_EQ_STR(found(m, x, NULL, NULL, NULL), "");
	match_ctx_free(x);
	matcher_free(m);
	conf_free(c);
}

static void
test_near(void)
{
	T_EQ_INT(q("acme NEAR/0 outage", "acme outage"), 1);
	T_EQ_INT(q("acme NEAR/0 outage", "outage acme"), 1);
	T_EQ_INT(q("acme NEAR/0 outage", "acme big outage"), 0);
	T_EQ_INT(q("acme NEAR/2 outage", "acme has an outage"), 1);
	T_EQ_INT(q("acme NEAR/2 outage", "acme has a big outage"), 0);
	T_EQ_INT(q("acme NEAR/2 outage", "outage hit all of acme"), 0);
	T_EQ_INT(q("acme NEAR/3 outage", "outage hit all of acme"), 1);
	/* f: the left side first. */
	T_EQ_INT(q("acme NEAR/3f outage", "outage hit all of acme"), 0);
	T_EQ_INT(q("acme NEAR/3f outage", "acme had an outage"), 1);
	/* One word is not near itself. */
	T_EQ_INT(q("acme NEAR/3 acme*", "acme"), 0);
	T_EQ_INT(q("acme NEAR/3 acme*", "acme acmes"), 1);
	/* Groups and phrases on either side. */
	T_EQ_INT(q("(acme OR \"acme cloud\") NEAR/1 (down OR outage)", "acme cloud is down"), 1);
	T_EQ_INT(q("(acme OR \"acme cloud\") NEAR/1 (down OR outage)", "acme cloud was not down"),
	         0);
	T_EQ_INT(q("\"acme cloud\" NEAR/1f down", "acme cloud is down"), 1);
	T_EQ_INT(q("\"acme cloud\" NEAR/1f down", "down is acme cloud"), 0);
	T_EQ_INT(q("down NEAR/1 \"acme cloud\"", "down is acme cloud"), 1);
	/* A NEAR of a NEAR measures from the pair's span. */
	T_EQ_INT(q("(a NEAR/1 b) NEAR/1 c", "a x b y c"), 1);
	T_EQ_INT(q("(a NEAR/1 b) NEAR/1 c", "c y a x b"), 1);
	T_EQ_INT(q("(a NEAR/1 b) NEAR/1 c", "a x b y z c"), 0);
	T_EQ_INT(q("a NEAR/1 b NEAR/1 c", "b a x c"), 1);
	/* The closest pair is not the only one tried. */
	T_EQ_INT(q("(a NEAR/5 b) NEAR/0 c", "b a x x b c"), 1);
	T_EQ_INT(q("acme NEAR/100 outage", "acme outage"), 1);
}

static void
test_prefixes(void)
{
	T_EQ_INT(q("acme*", "acme"), 1);
	T_EQ_INT(q("acme*", "Acmes"), 1);
	T_EQ_INT(q("acme*", "ACMECLOUD"), 1);
	T_EQ_INT(q("acme*", "pacme"), 0);
	T_EQ_INT(q("acme*", "acm"), 0);
	T_EQ_INT(q("caf*", "CAFÉTÉRIA"), 1);
	T_EQ_INT(q("refund*", "refunds refunded"), 1);
	T_EQ_INT(q("refund* NOT refunded", "refunds refunded"), 0);
	T_EQ_INT(q("acm* AND clou*", "acme cloud"), 1);
	/* A prefix of a long word still matches. */
	T_EQ_INT(q("supercal*",
	           "supercalifragilisticexpialidocious-supercalifragilisticexpialidocious_"
	           "supercalifragilisticexpialidocious"),
	         1);
}

static void
test_handles_tags(void)
{
	T_EQ_INT(q("@acme", "thanks @acme!"), 1);
	T_EQ_INT(q("@acme", "thanks @ACME"), 1);
	T_EQ_INT(q("@acme", "thanks acme"), 0);
	T_EQ_INT(q("@acme", "love #acme"), 0);
	T_EQ_INT(q("@acme", "@acmecloud"), 0);
	T_EQ_INT(q("@acme", "mail help@acme.com"), 0);
	T_EQ_INT(q("#acme", "love #acme"), 1);
	T_EQ_INT(q("#acme", "love @acme"), 0);
	T_EQ_INT(q("#acme", "love acme"), 0);
	/* The plain term finds the handle and the hashtag too. */
	T_EQ_INT(q("acme", "thanks @acme"), 1);
	T_EQ_INT(q("acme", "love #acme"), 1);
	T_EQ_INT(q("acme", "mail help@acme.com"), 1);
	T_EQ_INT(q("acme", "love #acmecloud"), 0);
	T_EQ_INT(q("@acme*", "@acmecloud"), 1);
	T_EQ_INT(q("@acme*", "acmecloud"), 0);
	T_EQ_INT(q("#acme*", "#AcmeCloud"), 1);
	T_EQ_INT(q("@acme_help", "ask @Acme_Help"), 1);
	T_EQ_INT(q("@acme OR #acme", "x @acme"), 1);
	T_EQ_INT(q("@acme NEAR/1 down", "@acme is down"), 1);
}

static void
test_case_and_marks(void)
{
	T_EQ_INT(q("cafe", "Café Nero"), 1);
	T_EQ_INT(q("cafe", "CAFÉ"), 1);
	T_EQ_INT(q("café", "cafe"), 1);
	/* A combining accent (e + U+0301) is the same as é. */
	T_EQ_INT(q("café", "cafe\xcc\x81"), 1);
	T_EQ_INT(q("cafe", "caf\xc3\xa9s"), 0);
	T_EQ_INT(q("Nestle", "Nestlé"), 1);
	T_EQ_INT(q("zurich", "Zürich"), 1);
	T_EQ_INT(q("Ålesund", "AALESUND"), 0);
	T_EQ_INT(q("Ålesund", "alesund"), 1);
	/* Compatibility forms: full-width letters, ligatures. */
	T_EQ_INT(q("acme", "\xef\xbc\xa1\xef\xbc\xa3\xef\xbc\xad\xef\xbc\xa5"), 1);
	T_EQ_INT(q("finance", "\xef\xac\x81nance"), 1);
	/* A soft hyphen inside a word does not split it. */
	T_EQ_INT(q("acmecloud", "acme\xc2\xad"
	                        "cloud"),
	         1);
}

static void
test_unicode_folding(void)
{
	/* Full case folding: ß is ss. */
	T_EQ_INT(q("straße", "STRASSE"), 1);
	T_EQ_INT(q("straße", "strasse"), 1);
	T_EQ_INT(q("STRASSE", "Straße"), 1);
	T_EQ_INT(q("strase", "Straße"), 0);
	/* Turkish: İ folds to i (dot stripped as a mark), but the dotless ı
	 * is its own letter: no locale-specific folding. */
	T_EQ_INT(q("istanbul", "İstanbul"), 1);
	T_EQ_INT(q("istanbul", "ISTANBUL"), 1);
	T_EQ_INT(q("istanbul", "ıstanbul"), 0);
	T_EQ_INT(q("ıstanbul", "ıstanbul"), 1);
	/* Greek: final sigma folds like sigma; tonos is a mark. */
	T_EQ_INT(q("ΟΔΟΣ", "οδός"), 1);
	T_EQ_INT(q("Ωμέγα", "ΩΜΕΓΑ"), 1);
	/* Cyrillic. */
	T_EQ_INT(q("Яндекс", "ЯНДЕКС запустил"), 1);
	/* CJK: every ideograph is a word, so a name is found in a sentence. */
	T_EQ_INT(q("索尼", "我喜欢索尼的产品"), 1);
	T_EQ_INT(q("索尼", "我喜欢索的尼产品"), 0);
	T_EQ_INT(q("ソニー", "新しいソニーのカメラ"), 1);
}

static void
test_errors(void)
{
	T_EQ_STR(qerr("(acme OR cloud"), "unbalanced parentheses: '(' is never closed at column 1");
	T_EQ_STR(qerr("acme OR cloud)"), "unbalanced parentheses: ')' has no '(' at column 14");
	T_EQ_STR(qerr("acme AND"), "AND needs a term after it at column 6");
	T_EQ_STR(qerr("acme OR AND cloud"), "OR needs a term after it at column 6");
	T_EQ_STR(qerr("OR acme"), "OR needs a term before it at column 1");
	T_EQ_STR(qerr("acme NOT"), "NOT needs a term after it at column 6");
	T_EQ_STR(qerr("acme \"\""), "empty phrase: \"\" has no words to match at column 6");
	T_EQ_STR(qerr("acme \"  !! \""),
	         "empty phrase: \"  !! \" has no words to match at column 6");
	T_EQ_STR(qerr("acme \"cloud"), "unterminated phrase: '\"' is never closed at column 6");
	T_EQ_STR(qerr("\xe2\x80\x9c"
	              "acme cloud"),
	         "unterminated phrase: '\xe2\x80\x9c' is never closed at column 1");
	T_EQ_STR(qerr("a \xe2\x80\x9c  \xe2\x80\x9d"),
	         "empty phrase: \"  \" has no words to match at column 3");
	T_EQ_STR(qerr("acme NEAR cloud"),
	         "NEAR needs a distance in words, like NEAR/3 at column 6");
	T_EQ_STR(qerr("acme NEAR/x cloud"),
	         "NEAR needs a distance in words, like NEAR/3 at column 6");
	T_EQ_STR(qerr("acme NEAR/3x cloud"),
	         "NEAR/n takes only a number and an optional f at column 12");
	T_EQ_STR(qerr("acme NEAR/101 cloud"), "NEAR/n: n must be 0 to 100 at column 6");
	T_EQ_STR(qerr("acme NEAR/3"), "NEAR/3 needs a term after it at column 6");
	T_EQ_STR(qerr("(a AND b) NEAR/3 c"),
	         "NEAR takes words, phrases or (... OR ...) groups on each side at column 11");
	T_EQ_STR(qerr("ac*"), "'*' needs at least 3 letters before it at column 1");
	T_EQ_STR(qerr("acme a*me"), "'*' may only end a word at column 7");
	T_EQ_STR(qerr("*acme"), "'*' may only end a word at column 1");
	T_EQ_STR(qerr("acme ()"), "empty parentheses at column 6");
	T_EQ_STR(qerr(""), "empty query at column 1");
	T_EQ_STR(qerr("   "), "empty query at column 1");
	T_EQ_STR(qerr("acme !!!"), "'!!!' has no letters or digits to match at column 6");
	T_EQ_STR(qerr("acme or cloud"),
	         "'or' is not an operator: write OR, or \"or\" for the word at column 6");
	T_EQ_STR(qerr("acme near/2 cloud"),
	         "'near/2' is not an operator: write NEAR/n in capitals at column 6");
	T_EQ_STR(qerr("acme -anvil"), "'-' does not exclude here: write NOT anvil at column 6");
	T_EQ_STR(qerr("\"acme cloud\"~3"),
	         "'~n' proximity is not supported: use NEAR/n at column 13");
	T_EQ_STR(qerr("@"), "'@' has no letters or digits to match at column 1");
	T_EQ_STR(qerr("a - b"), "'-' has no letters or digits to match at column 3");
	/* Columns count characters, not bytes. */
	T_EQ_STR(qerr("café AND"), "AND needs a term after it at column 6");
	T_EQ_STR(qerr("acme \xff"), "invalid UTF-8 at column 6");
	T_EQ_STR(qerr("acme (b OR (c AND"), "AND needs a term after it at column 15");
	T_EQ_STR(qerr("acme OR (b OR (c)"),
	         "unbalanced parentheses: '(' is never closed at column 9");
	/* Good ones. */
	T_EQ_STR(qerr("\"acme\" OR \"acme cloud\" OR @acme OR #acme NOT \"acme anvil\""), "ok");
	T_EQ_STR(qerr("((a OR b) NEAR/2f (c OR \"d e\")) NOT f*oo*"),
	         "'*' may only end a word at column 38");
}

static void
test_limits(void)
{
	char deep[200], many[MATCH_MAX_TERMS * 3 + 16], longw[100];
	size_t n = 0;

	for (int i = 0; i < 33; i++)
		deep[n++] = '(';
	deep[n++] = 'a';
	for (int i = 0; i < 33; i++)
		deep[n++] = ')';
	deep[n] = '\0';
	T_EQ_STR(qerr(deep), "nested too deeply (more than 32 levels) at column 33");
	deep[1] = ' '; /* 32 levels are fine */
	deep[n - 1] = '\0';
	T_EQ_STR(qerr(deep), "ok");
	n = 0;
	for (int i = 0; i <= MATCH_MAX_TERMS; i++) {
		many[n++] = 'a';
		many[n++] = ' ';
	}
	many[n] = '\0';
	T_EQ_STR(qerr(many), "too many words (more than 1024) at column 2049");
	memset(longw, 'x', 65);
	longw[65] = '\0';
	T_EQ_STR(qerr(longw), "word longer than 64 bytes at column 1");
	longw[64] = '\0';
	T_EQ_STR(qerr(longw), "ok");
}

static void
test_case_sensitive(void)
{
	char err[ES_ERRLEN] = "";
	struct conf *c = conf_of("[brand gap]\nquery = Gap OR \"Old Navy\"\ncase = sensitive\n"
	                         "[brand apple]\nquery = Apple NOT pie\ncase = sensitive\n"
	                         "[brand words]\nquery = gap\n");
	struct matcher *m = matcher_new(c, err, sizeof(err));
	struct match_ctx *x = match_ctx_new();

	T_ASSERT(m != NULL);
	T_EQ_STR(found(m, x, "Gap opens a store", NULL, NULL), "gap,words");
	T_EQ_STR(found(m, x, "mind the gap", NULL, NULL), "words");
	T_EQ_STR(found(m, x, "GAP STORES", NULL, NULL), "words");
	T_EQ_STR(found(m, x, NULL, "Old Navy sale", NULL), "gap");
	T_EQ_STR(found(m, x, NULL, "old navy sale", NULL), "");
	T_EQ_STR(found(m, x, NULL, "the new Apple watch", NULL), "apple");
	T_EQ_STR(found(m, x, NULL, "an apple a day", NULL), "");
	T_EQ_STR(found(m, x, NULL, "Apple pie", NULL), "");
	/* Marks are still ignored when case is kept. */
	T_EQ_STR(found(m, x, NULL, "Gáp", NULL), "gap,words");
	match_ctx_free(x);
	matcher_free(m);
	conf_free(c);
}

static void
test_exclude_and_sources(void)
{
	char err[ES_ERRLEN] = "";
	struct conf *c = conf_of("[brand acme]\nquery = acme OR @acme\n"
	                         "exclude = \"acme anvil\" OR coyote\n"
	                         "[brand globex]\nquery = globex\n"
	                         "[brand initech]\nquery = initech OR acme\n"
	                         "[source only-acme]\nurl = https://example.org/a\nbrands = acme\n"
	                         "[source two]\nurl = https://example.org/b\n"
	                         "brands = initech, globex\n"
	                         "[source all]\nurl = https://example.org/c\n");
	struct matcher *m = matcher_new(c, err, sizeof(err));
	struct match_ctx *x = match_ctx_new();
	const struct conf_source *only = conf_source_find(c, "only-acme");
	const struct conf_source *two = conf_source_find(c, "two");
	const struct conf_source *all = conf_source_find(c, "all");

	T_ASSERT(m != NULL);
	T_EQ_INT(matcher_count(m), 3);
	T_EQ_STR(matcher_name(m, 1), "globex");
	T_ASSERT(matcher_name(m, 3) == NULL);
	T_EQ_STR(found(m, x, NULL, "acme and globex", NULL), "acme,globex,initech");
	T_EQ_STR(found(m, x, NULL, "the acme anvil and globex", NULL), "globex,initech");
	T_EQ_STR(found(m, x, "Coyote", "acme", NULL), "initech");
	T_EQ_STR(found(m, x, NULL, "acme and globex", only), "acme");
	T_EQ_STR(found(m, x, NULL, "acme and globex", two), "globex,initech");
	T_EQ_STR(found(m, x, NULL, "acme and globex", all), "acme,globex,initech");
	T_EQ_STR(found(m, x, NULL, "nothing", only), "");
	match_ctx_free(x);
	matcher_free(m);
	conf_free(c);
}

static void
test_negative_only(void)
{
	char err[ES_ERRLEN] = "";
	struct conf *c = conf_of("[brand quiet]\nquery = NOT spam\n"
	                         "[brand acme]\nquery = acme\n");
	struct matcher *m = matcher_new(c, err, sizeof(err));
	struct match_ctx *x = match_ctx_new();

	T_EQ_STR(found(m, x, NULL, "hello", NULL), "quiet");
	T_EQ_STR(found(m, x, NULL, "acme spam", NULL), "acme");
	T_EQ_STR(found(m, x, NULL, "", NULL), "quiet");
	match_ctx_free(x);
	matcher_free(m);
	conf_free(c);
}

/* Case-sensitive prefixes, handles and phrases; shared words; an exclude
 * that is only a NOT; a source naming a brand that is not there. */
static void
test_mixed_brands(void)
{
	char err[ES_ERRLEN] = "";
	struct conf *c =
	        conf_of("[brand cs]\nquery = Acme* OR @AcmeHelp OR \"Acme Cloud\"\n"
	                "case = sensitive\n"
	                "[brand ci]\nquery = acme* OR @café\n"
	                "[brand en]\nquery = acme\nexclude = NOT english\n"
	                "[brand x1]\nquery = shared\n[brand x2]\nquery = shared OR other\n");
	struct matcher *m = matcher_new(c, err, sizeof(err));
	struct match_ctx *x = match_ctx_new();
	struct conf_source src = {.name = "s"};
	char *names[] = {"nope", "x2", NULL};

	T_ASSERT(m != NULL);
	T_EQ_STR(found(m, x, NULL, "AcmeCloud", NULL), "cs,ci");
	T_EQ_STR(found(m, x, NULL, "acmecloud", NULL), "ci");
	T_EQ_STR(found(m, x, NULL, "ACMECLOUD", NULL), "ci");
	T_EQ_STR(found(m, x, NULL, "ask @AcmeHelp", NULL), "cs,ci");
	T_EQ_STR(found(m, x, NULL, "ask @acmehelp", NULL), "ci");
	T_EQ_STR(found(m, x, NULL, "the Acme Cloud", NULL), "cs,ci");
	T_EQ_STR(found(m, x, NULL, "the acme cloud, in english", NULL), "ci,en");
	T_EQ_STR(found(m, x, NULL, "hi @CAFE", NULL), "ci");
	T_EQ_STR(found(m, x, NULL, "hi café", NULL), "");
	T_EQ_STR(found(m, x, NULL, "shared other", NULL), "x1,x2");
	src.brands = names;
	src.nbrands = 2;
	T_EQ_STR(found(m, x, NULL, "shared acme english", &src), "x2");
	match_ctx_free(x);
	matcher_free(m);
	conf_free(c);
	/* No brands at all: nothing matches. */
	c = conf_of("[source a]\nurl = https://example.org/\n");
	m = matcher_new(c, err, sizeof(err));
	x = match_ctx_new();
	T_EQ_INT(matcher_count(m), 0);
	T_EQ_STR(found(m, x, "acme", "acme", NULL), "");
	match_ctx_free(x);
	matcher_free(m);
	conf_free(c);
}

/* One scratch context across matchers and many calls. */
static void
test_ctx_reuse(void)
{
	char err[ES_ERRLEN] = "";
	struct conf *c1 = conf_of("[brand a]\nquery = alpha\n");
	struct conf *c2 = conf_of("[brand x]\nquery = xray\n[brand y]\nquery = \"yankee zulu\"\n"
	                          "[brand z]\nquery = alpha\n");
	struct matcher *m1 = matcher_new(c1, err, sizeof(err));
	struct matcher *m2 = matcher_new(c2, err, sizeof(err));
	struct match_ctx *x = match_ctx_new();
	int ok = 0;

	conf_free(c1); /* the matcher keeps what it needs */
	for (int i = 0; i < 1000; i++) {
		ok += strcmp(found(m1, x, NULL, i % 2 ? "alpha" : "beta", NULL),
		             i % 2 ? "a" : "") == 0;
		ok += strcmp(found(m2, x, NULL, i % 3 ? "xray yankee zulu alpha" : "zulu yankee",
		                   NULL),
		             i % 3 ? "x,y,z" : "") == 0;
	}
	T_EQ_INT(ok, 2000);
	match_ctx_free(x);
	matcher_free(m1);
	matcher_free(m2);
	conf_free(c2);
	matcher_free(NULL);
	match_ctx_free(NULL);
}

/* Many occurrences: the span caps hold and the answer is still right. */
static void
test_long_text(void)
{
	size_t n = 60000, len = 0;
	char *text = malloc(n * 8 + 64);

	for (size_t i = 0; i < n; i++)
		len += (size_t)snprintf(text + len, 16, i % 2 ? "acme " : "cloud ");
	snprintf(text + len, 32, "outage zeta");
	T_EQ_INT(q("\"acme cloud\"", text), 1);
	T_EQ_INT(q("\"cloud acme\"", text), 1);
	T_EQ_INT(q("(acme OR cloud) NEAR/0 outage", text), 1);
	T_EQ_INT(q("(acme OR cloud) NEAR/0 zeta", text), 0);
	T_EQ_INT(q("outage NEAR/0f zeta", text), 1);
	T_EQ_INT(q("\"acme acme\"", text), 0);
	free(text);
	/* Past MATCH_MAX_HITS places, words still count but places do not. */
	n = MATCH_MAX_HITS + 10;
	text = malloc(n * 2 + 64);
	for (size_t i = 0; i < n; i++)
		memcpy(text + 2 * i, "a ", 2);
	snprintf(text + 2 * n, 64, "b c");
	T_EQ_INT(q("b AND c AND a", text), 1);
	T_EQ_INT(q("\"b c\" AND a", text), 0);
	T_EQ_INT(q("\"b c\"", text), 1);
	T_EQ_INT(q("\"a a\"", text), 1);
	free(text);
}

/* A query that does not compile makes matcher_new fail with its place. */
static void
test_matcher_new_error(void)
{
	char err[ES_ERRLEN] = "";
	struct conf *c;
	struct matcher *m;

	conf_set_check(CONF_T_QUERY, NULL);
	c = conf_load_string("[brand good]\nquery = acme\n[brand bad]\nquery = acme AND\n",
	                     "feeds.conf");
	T_EQ_INT(c->ndiags, 0);
	m = matcher_new(c, err, sizeof(err));
	T_ASSERT(m == NULL);
	T_EQ_STR(err, "brand bad: query: AND needs a term after it at column 6");
	conf_free(c);
	conf_set_check(CONF_T_QUERY, match_check_query);
}

/* The check registered for feeds.conf reports FILE:LINE and the column. */
static void
test_conf_check(void)
{
	struct conf *c = conf_load_string("[brand acme]\n"
	                                  "query = (acme OR \"acme cloud\"\n"
	                                  "exclude = anvil NEAR cloud\n"
	                                  "[brand ok]\nquery = \"acme cloud\"\n",
	                                  "feeds.conf");
	struct matcher *m;
	char err[ES_ERRLEN] = "";
	struct match_ctx *x = match_ctx_new();

	T_EQ_INT(c->ndiags, 2);
	T_EQ_INT(c->diags[0].line, 2);
	T_EQ_STR(c->diags[0].msg, "query: unbalanced parentheses: '(' is never closed at column 1");
	T_EQ_INT(c->diags[1].line, 3);
	T_EQ_STR(c->diags[1].msg,
	         "exclude: NEAR needs a distance in words, like NEAR/3 at column 7");
	conf_free(c);
	/* A query that is one quoted phrase stays a phrase. */
	c = conf_of("[brand ok]\nquery = \"acme cloud\"\n");
	T_EQ_STR(c->brands[0].query, "\"acme cloud\"");
	m = matcher_new(c, err, sizeof(err));
	T_EQ_STR(found(m, x, NULL, "cloud acme", NULL), "");
	T_EQ_STR(found(m, x, NULL, "acme cloud", NULL), "ok");
	matcher_free(m);
	match_ctx_free(x);
	conf_free(c);
}

/* earshot check prints FILE:LINE: query: MESSAGE at column N. */
static void
test_earshot_check(void)
{
	const char *path = t_tmp("feeds.conf");
	char *out = NULL, *err = NULL;
	int rc;

	t_write_file(path,
	             "[earshot]\ndatabase = x.db\n\n"
	             "[brand acme]\n"
	             "query = \"acme\" OR \"acme cloud\" OR @acme OR #acme NOT \"acme anvil\"\n"
	             "[brand globex]\n"
	             "query = globex AND (widgets OR\n");
	rc = t_earshot(NULL, &out, &err, "-c", path, "check", (char *)NULL);
	T_EQ_INT(rc, 2);
	T_CONTAINS(err, "feeds.conf:7: query: OR needs a term after it at column 21\n");
	T_NOT_CONTAINS(err, ":5:");
	free(out);
	free(err);
	t_write_file(path, "[brand acme]\nquery = acme NOT \"acme anvil\"\ncase = sensitive\n");
	rc = t_earshot(NULL, &out, &err, "-c", path, "check", (char *)NULL);
	T_EQ_INT(rc, 0);
	T_CONTAINS(out, "ok: 1 brand");
	free(out);
	free(err);
}

/* The SIMD and the scalar tokeniser agree on every token of random text
 * made of word bytes, separators, marks, accents, CJK and broken UTF-8,
 * and each token's hash is mt_hash() of its folded form. */
static void
test_tokeniser_paths(void)
{
	static const char *const parts[] = {
	        "a",
	        "Z",
	        "_",
	        "9",
	        "q",
	        " ",
	        ",",
	        "@",
	        "#",
	        "-",
	        "\xc3\xa9",
	        "\xc3\x89",
	        "\xc3\x9f",
	        "\xc4\xb0",
	        "\xc4\xb1",
	        "\xe7\xb4\xa2",
	        "\xff",
	        "\xc3",
	        "\xc2\xad",
	        "\xcc\x81",
	        "Acme",
	        "abcdefgh",
	        "ABCDEFGHIJKLMNOP",
	        "\t",
	        "\xef\xac\x81",
	};
	uint64_t seed = 42;
	int bad = 0, tokens = 0;

	for (int round = 0; round < 3000; round++) {
		char text[1024];
		size_t len = 0, nparts = 1 + (size_t)(round % 97);
		struct mt_scan a, b;
		struct mt_tok ta, tb;

		for (size_t i = 0; i < nparts; i++) {
			const char *p;

			seed = seed * 6364136223846793005ull + 1442695040888963407ull;
			p = parts[(seed >> 33) % (sizeof(parts) / sizeof(parts[0]))];
			if (len + strlen(p) + 1 < sizeof(text)) {
				memcpy(text + len, p, strlen(p));
				len += strlen(p);
			}
		}
		text[len] = '\0';
		mt_init(&a, text, len, true);
		mt_init(&b, text, len, true);
		b.scalar = true;
		for (;;) {
			bool more = mt_next(&a, &ta);

			if (more != mt_next(&b, &tb)) {
				bad++;
				break;
			}
			if (!more)
				break;
			tokens++;
			bad += ta.start != tb.start || ta.end != tb.end || ta.kind != tb.kind ||
			       ta.flen != tb.flen || ta.klen != tb.klen || ta.nchars != tb.nchars ||
			       ta.ascii != tb.ascii || ta.ftoolong != tb.ftoolong ||
			       ta.ktoolong != tb.ktoolong ||
			       memcmp(ta.fold, tb.fold, ta.flen) != 0 ||
			       memcmp(ta.keep, tb.keep, ta.klen) != 0;
			memset(ta.fold + ta.flen, 0, 8);
			bad += !ta.ftoolong &&
			       (ta.fhash != tb.fhash || ta.fhash != mt_hash(ta.fold, ta.flen));
		}
	}
	T_EQ_INT(bad, 0);
	T_ASSERT(tokens > 30000);
}

int
main(void)
{
	conf_set_check(CONF_T_QUERY, match_check_query);
	T_RUN(test_whole_words);
	T_RUN(test_precedence);
	T_RUN(test_phrases);
	T_RUN(test_title_text);
	T_RUN(test_near);
	T_RUN(test_prefixes);
	T_RUN(test_handles_tags);
	T_RUN(test_case_and_marks);
	T_RUN(test_unicode_folding);
	T_RUN(test_errors);
	T_RUN(test_limits);
	T_RUN(test_case_sensitive);
	T_RUN(test_exclude_and_sources);
	T_RUN(test_negative_only);
	T_RUN(test_mixed_brands);
	T_RUN(test_ctx_reuse);
	T_RUN(test_long_text);
	T_RUN(test_matcher_new_error);
	T_RUN(test_conf_check);
	T_RUN(test_earshot_check);
	T_RUN(test_tokeniser_paths);
	return t_report();
}
