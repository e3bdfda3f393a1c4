/* match_int.h - what the three files of analysis/match share: the
 * tokeniser (match_text.c) and the query parser (match_query.c).  Not for
 * use outside analysis/match*.c; the public interface is match.h. */
#ifndef ES_MATCH_INT_H
#define ES_MATCH_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

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

/* ---- word hashes ----
 *
 * 64-bit hashes of normalised words, 8 bytes at a time in little-endian
 * order.  Each 8-byte chunk is multiplied on its own (the multiplies of a
 * word run in parallel) and the results are combined and mixed once, so
 * the tokeniser can build the hash in registers as it reads the word:
 * reading back bytes just stored would stall on store forwarding.  For
 * words of one chunk the hash is a bijection: no two collide. */

#define MT_K1 0x9e3779b97f4a7c15ull
#define MT_K2 0xff51afd7ed558ccdull
#define MT_K3 0xc4ceb9fe1a85ec53ull

static inline uint64_t
mt_mix(uint64_t h, uint64_t v)
{
	h = (h ^ v) * MT_K2;
	return h ^ (h >> 32);
}

/* Chunk i (from 0) of a word, bytes past the word zeroed. */
static inline uint64_t
mt_chunk(uint64_t v, size_t i)
{
	return (v + (uint64_t)i * MT_K3) * MT_K1;
}

/* The hash of a word of n bytes whose chunks xor to h. */
static inline uint64_t
mt_hash_end(uint64_t h, size_t n)
{
	h ^= (uint64_t)n * MT_K2;
	h ^= h >> 29;
	h *= MT_K2;
	return h ^ (h >> 32);
}

/* The n (<= 8) bytes at p as a little-endian number.  NOTE: may read up to
 * 8 bytes at p, which every caller's buffer has to spare. */
static inline uint64_t
mt_load_tail(const unsigned char *p, size_t n)
{
	uint64_t v = 0;

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	memcpy(&v, p, 8);
	v &= n ? ~0ull >> (64 - 8 * n) : 0;
#else
	for (size_t i = 0; i < n; i++)
		v |= (uint64_t)p[i] << (8 * i);
#endif
	return v;
}

/* Hash of n bytes of p (n <= MATCH_MAX_WORD). */
static inline uint64_t
mt_hash(const unsigned char *p, size_t n)
{
	uint64_t h = 0;
	size_t i = 0;

	for (; i + 8 <= n; i += 8)
		h ^= mt_chunk(mt_load_tail(p + i, 7) | (uint64_t)p[i + 7] << 56, i / 8);
	if (i < n)
		h ^= mt_chunk(mt_load_tail(p + i, n - i), i / 8);
	return mt_hash_end(h, n);
}

struct mt_scan {
	const unsigned char *s;
	size_t n, pos;
	bool prev_word; /* the character before pos belongs to a word */
	bool keep;      /* also fill mt_tok.keep for non-ASCII tokens */
	bool scalar;    /* no SIMD (tests compare the two paths) */
};

struct mt_tok {
	size_t start, end;       /* the token's bytes in the input */
	unsigned kind;           /* enum mt_kind */
	size_t flen, klen;       /* bytes in fold and keep, at most MATCH_MAX_WORD */
	size_t nchars;           /* code points as written */
	bool ftoolong, ktoolong; /* the form was cut at MATCH_MAX_WORD bytes */
	bool ascii;              /* all ASCII: keep is fold but for case */
	uint64_t fhash;          /* mt_hash() of fold, when !ftoolong */
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
	unsigned char op;                  /* enum mq_op */
	unsigned char kind;                /* LEAF: enum mt_kind */
	bool prefix;                       /* LEAF: any word that starts with str */
	bool ordered;                      /* NEAR/nf: left before right */
	unsigned dist;                     /* NEAR: most words between the two sides */
	int kid, next;                     /* first child, next sibling; -1: none */
	size_t len;                        /* LEAF: bytes of str */
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
