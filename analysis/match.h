/* match.h - brand queries: which brands a mention is about.
 *
 * Every [brand NAME] of feeds.conf has a query (and maybe an exclude) in
 * the Boolean language of Brandwatch, Awario and Talkwalker:
 *
 *   acme                  the word, anywhere in the title or the text
 *   "acme cloud"          the words next to each other, in this order
 *                         (typographic quotes, as pasted, do as well)
 *   acme*                 any word starting with acme (3 letters at least)
 *   @acme  #acme          the handle @acme, the hashtag #acme
 *   a AND b, a b          both (adjacent terms mean AND)
 *   a OR b                either
 *   NOT a                 not a
 *   a NEAR/3 b            a and b with at most 3 words between them,
 *                         either order; NEAR/3f: a first
 *   ( ... )               grouping
 *
 * Operators are upper case; a lower-case "and", "or", "not" or "near/3"
 * outside quotes is an error (quote it to search the word).
 *
 * Precedence, tightest first: NEAR, NOT, AND (and adjacency), OR; so
 * "a OR b c" is "a OR (b AND c)".  One rule follows Brandwatch and
 * Lucene rather than school algebra: a NOT that follows a term excludes
 * its operand from the whole group it is in (the query, or the enclosing
 * parentheses), so "acme OR @acme NOT anvil" is "(acme OR @acme) AND NOT
 * anvil".  A NOT at the start of a group or after AND/OR negates only its
 * operand: "a OR NOT b" is "a OR (NOT b)".  The two sides of NEAR are
 * words, phrases, prefixes or OR groups of those (or another NEAR).
 *
 * Matching is on whole words over the title and the text (a phrase or a
 * NEAR never spans from one to the other).  Both sides are normalised the
 * same way: NFKD, Unicode case folding ("STRASSE" and "Straße" are one
 * word), marks stripped ("cafe" finds "café").  No locale rules: the
 * Turkish dotless ı stays apart from i, while İ folds to i.  With case =
 * sensitive the brand's query and exclude keep their case ("Gap" finds
 * "Gap", not "gap" or "GAP") but still ignore marks.
 *
 * Words are runs of letters, digits, marks and '_'; everything else
 * separates them, so "acme's", "acme-branded" and "acme.com" all hold the
 * word acme, and a query term with punctuation inside ("acme.com", "AT&T")
 * is the phrase of its words ("acme com", "at t").  Each CJK ideograph or
 * kana is a word of its own, so a CJK term is found inside a sentence.
 *
 * Handles and hashtags: @acme matches only "@acme" and #acme only
 * "#acme"; the plain term acme matches "acme", "@acme" and "#acme" alike
 * (but not "#acmecloud": use acme* for that).  An '@' after a word
 * character is an e-mail address, not a handle: "help@acme.com" holds the
 * words help, acme and com.
 *
 * Cost: matcher_run() reads the text once and looks each word up in one
 * table of every term of every brand, then evaluates only the brands one
 * of whose terms occurred; its time grows with the text, not with the
 * number of brands. */
#ifndef ES_MATCH_H
#define ES_MATCH_H

#include <stddef.h>

#include "core/conf.h"
#include "core/err.h"

#define MATCH_MAX_WORD 64    /* bytes of one normalised query word */
#define MATCH_NEAR_MAX 100   /* largest n of NEAR/n */
#define MATCH_MAX_DEPTH 32   /* nested parentheses, NOTs and NEARs */
#define MATCH_MAX_TERMS 1024 /* words in one query */
#define MATCH_MAX_SPANS 4096 /* pairs a NEAR inside a NEAR is tracked at per mention */
/* Places of query words kept per mention; past it a word still counts as
 * present, but phrases and NEAR see only the places before. */
#define MATCH_MAX_HITS (1 << 20)
#define MATCH_MIN_PREFIX 3 /* characters before a trailing '*' */

/* A compiled set of brands.  Immutable once built: one matcher may be
 * shared by any number of threads, each with its own match_ctx. */
struct matcher;
/* Scratch space for matcher_run(): owned by one thread at a time; it
 * grows to fit the largest mention seen and is then reused, so matching
 * allocates nothing in the steady state. */
struct match_ctx;

/* The feeds.conf check for CONF_T_QUERY values (conf_check_fn): compiles
 * query and throws it away.  Returns ES_OK, or ES_EPARSE with a message in
 * err and the 1-based column, counted in characters of query, in *col.
 * src is unused. */
enum es_err match_check_query(const char *query, const struct conf_source *src, char *err,
                              size_t errlen, int *col);

/* Compiles the query, exclude and case of every brand of c.  The matcher
 * copies what it needs: c may be freed first.  Returns NULL when a query
 * does not compile (c was loaded without the check), with "brand NAME:
 * query: MESSAGE at column N" in err.  Free with matcher_free(). */
struct matcher *matcher_new(const struct conf *c, char *err, size_t errlen);
void matcher_free(struct matcher *m);

/* Number of brands; brand i is c->brands[i] of the conf it was built from. */
size_t matcher_count(const struct matcher *m);
/* Name of brand i, owned by m. */
const char *matcher_name(const struct matcher *m, size_t i);

struct match_ctx *match_ctx_new(void);
void match_ctx_free(struct match_ctx *x);

/* Which brands title and text (UTF-8, NUL-terminated, either may be NULL)
 * are about: the brand's query matches and its exclude does not.  When
 * src limits itself to some brands (src->brands), only those are tried;
 * src may be NULL.  Returns the number of brands and points *brands at
 * their indices, in increasing order, in storage owned by x that is valid
 * until the next call with x. */
size_t matcher_run(const struct matcher *m, struct match_ctx *x, const char *title,
                   const char *text, const struct conf_source *src, const size_t **brands);

#endif
