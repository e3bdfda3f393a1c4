/* match_int.h - what the three files of analysis/match share: the
 * tokeniser (match_text.c) and the query parser (match_query.c).  Not for
 * use outside analysis/match*.c; the public interface is match.h. */
#ifndef ES_MATCH_INT_H
#define ES_MATCH_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "analysis/match.h"
#include "core/err.h"

/* ---- tokens (match_text.c) ----
 *
 * A token is a run of word characters: Unicode letters, marks, numbers and
 * connector punctuation ('_').  Default-ignorable characters (soft hyphen,
 * zero-width joiners) are skipped without ending a word.  Each Han, kana
 * or other CJK ideograph is a token of its own, since those scripts do not
 * put spaces between words.  A token right after '@' or '#' that does not
 * itself follow a word character ("@acme", not "me@acme.com") is a handle
 * or a hashtag.  Everything else separates tokens. */

enum mt_kind { MT_WORD = 0, MT_HANDLE = 1, MT_TAG = 2 };

struct mt_scan {
	const unsigned char *s;
	size_t n, pos;
	bool prev_word;  /* the character before pos belongs to a word */
	bool keep;       /* also fill mt_tok.keep for non-ASCII tokens */
};

struct mt_tok {
	size_t start, end;     /* the token's bytes in the input */
	unsigned kind;         /* enum mt_kind */
	size_t flen, klen;     /* bytes in fold and keep, at most MATCH_MAX_WORD */
	size_t nchars;         /* code points as written */
	bool ftoolong, ktoolong; /* the form was cut at MATCH_MAX_WORD bytes */
	bool ascii;            /* all ASCII: keep is fold but for case */
	/* Folded: NFKD, case-folded, marks stripped ("Café" -> "cafe").  Kept:
	 * the same without case folding ("Café" -> "Cafe").  NOTE: 8 spare
	 * bytes so that hashing may load a whole word past the end. */
	unsigned char fold[MATCH_MAX_WORD + 8];
	unsigned char keep[MATCH_MAX_WORD + 8];
};

/* Starts scanning n bytes of s.  keep: fill the kept form of non-ASCII
 * tokens too (ASCII tokens always get it: it is their bytes). */
void mt_init(struct mt_scan *sc, const char *s, size_t n, bool keep);
/* Fills t with the next token; false at the end of the input.  Invalid
 * UTF-8 separates tokens.  Allocates nothing. */
bool mt_next(struct mt_scan *sc, struct mt_tok *t);

/* ---- query trees (match_query.c) ---- */

enum mq_op { MQ_LEAF, MQ_PHRASE, MQ_NEAR, MQ_AND, MQ_OR, MQ_NOT };

struct mq_node {
	unsigned char op;       /* enum mq_op */
	unsigned char kind;     /* LEAF: enum mt_kind */
	bool prefix;            /* LEAF: any word that starts with str */
	bool ordered;           /* NEAR/nf: left before right */
	unsigned dist;          /* NEAR: most words between the two sides */
	int kid, next;          /* first child, next sibling; -1: none */
	size_t len;             /* LEAF: bytes of str */
	unsigned char str[MATCH_MAX_WORD]; /* LEAF: normalised as in mt_tok */
};

struct mq_tree {
	struct mq_node *nodes;
	size_t n, cap;
	int root;
};

/* Parses query into t (emptied first; t zeroed before the first use).
 * cs: leaves hold the kept form, else the folded one.  Returns ES_OK, or
 * ES_EPARSE with a message in err and the 1-based column (in characters)
 * in *col. */
enum es_err mq_parse(const char *query, bool cs, struct mq_tree *t, char *err, size_t errlen,
		     int *col);
/* Frees the nodes; t may be reused.  NULL is a no-op. */
void mq_tree_free(struct mq_tree *t);

#endif
