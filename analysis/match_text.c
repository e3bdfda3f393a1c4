/* match_text.c - the tokeniser and normaliser that queries and texts share,
 * so that a query word and a text word normalise alike by construction.
 *
 * ASCII is the fast path: a byte is classified and folded by arithmetic.
 * Anything else goes through utf8proc one code point at a time, into the
 * token's fixed buffers: nothing is allocated. */
#include "analysis/match_int.h"

#include <string.h>
#include <utf8proc.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "core/utf8.h"

/* Longest expansion of one code point by NFKD and case folding (U+FDFA
 * expands to 18). */
#define MT_DECOMP_MAX 32

#define MT_OPT_KEEP (UTF8PROC_DECOMPOSE | UTF8PROC_COMPAT | UTF8PROC_STRIPMARK)
#define MT_OPT_FOLD (MT_OPT_KEEP | UTF8PROC_CASEFOLD)

enum mt_class { MT_SEP, MT_LETTER, MT_CJK, MT_IGNORE };

static inline bool
mt_ascii_word(unsigned c)
{
	return (c | 0x20) - 'a' < 26u || c - '0' < 10u || c == '_';
}

static inline unsigned char
mt_ascii_lower(unsigned c)
{
	return (unsigned char)(c + ((c - 'A' < 26u) << 5));
}

#define L4(c) c, c + 1, c + 2, c + 3
#define L8(c) L4(c), L4(c + 4)
/* The lower-case form of each ASCII word byte; 0 for every other byte. */
/* clang-format off */
static const unsigned char mt_lower[256] = {
	['0'] = L8('0'), ['8'] = '8', '9',
	['A'] = L8('a'), L8('i'), L8('q'), 'y', 'z',
	['_'] = '_',
	['a'] = L8('a'), L8('i'), L8('q'), 'y', 'z',
};
/* clang-format on */

static bool
mt_is_cjk(int32_t cp)
{
	return (cp >= 0x3040 && cp <= 0x30ff) || /* hiragana, katakana */
	       (cp >= 0x31f0 && cp <= 0x31ff) || /* katakana extension */
	       (cp >= 0x3400 && cp <= 0x4dbf) || /* CJK extension A */
	       (cp >= 0x4e00 && cp <= 0x9fff) || /* CJK unified ideographs */
	       (cp >= 0xf900 && cp <= 0xfaff) || /* compatibility ideographs */
	       (cp >= 0xff66 && cp <= 0xff9f) || /* half-width katakana */
	       (cp >= 0x20000 && cp <= 0x3ffff); /* extensions B and later */
}

static enum mt_class
mt_classify(int32_t cp)
{
	utf8proc_category_t cat;

	if (mt_is_cjk(cp))
		return MT_CJK;
	cat = utf8proc_category(cp);
	if ((cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_NO) ||
	    cat == UTF8PROC_CATEGORY_PC)
		return MT_LETTER;
	if (cat == UTF8PROC_CATEGORY_CF && utf8proc_get_property(cp)->ignorable)
		return MT_IGNORE;
	return MT_SEP;
}

/* Appends the normalised form of cp to out (holding *len bytes); sets
 * *toolong and stops at a code point that would not fit. */
static void
mt_put(int32_t cp, utf8proc_option_t opt, unsigned char *out, size_t *len, bool *toolong)
{
	utf8proc_int32_t dec[MT_DECOMP_MAX];
	utf8proc_ssize_t k;
	int boundclass = 0;

	k = utf8proc_decompose_char(cp, dec, MT_DECOMP_MAX, opt, &boundclass);
	if (k < 0 || k > MT_DECOMP_MAX)
		return;
	for (utf8proc_ssize_t i = 0; i < k; i++) {
		unsigned char enc[4];
		utf8proc_ssize_t e = utf8proc_encode_char(dec[i], enc);

		if (*toolong || *len + (size_t)e > MATCH_MAX_WORD) {
			*toolong = true;
			return;
		}
		memcpy(out + *len, enc, (size_t)e);
		*len += (size_t)e;
	}
}

void
mt_init(struct mt_scan *sc, const char *s, size_t n, bool keep)
{
	sc->s = (const unsigned char *)s;
	sc->n = n;
	sc->pos = 0;
	sc->prev_word = false;
	sc->keep = keep;
	sc->scalar = false;
}

/* Skips separators up to the next token; returns its kind (a handle or a
 * hashtag when '@' or '#' opens it), or -1 at the end. */
static int
mt_skip(struct mt_scan *sc)
{
	int mark = MT_WORD;

	while (sc->pos < sc->n) {
		unsigned c = sc->s[sc->pos];
		int32_t cp;
		size_t l;

		if (mt_lower[c])
			return mark;
		if (c < 0x80) {
			mark = sc->prev_word ? MT_WORD
			       : c == '@'    ? MT_HANDLE
			       : c == '#'    ? MT_TAG
			                     : MT_WORD;
			sc->prev_word = false;
			sc->pos++;
			continue;
		}
		l = utf8_decode((const char *)sc->s + sc->pos, sc->n - sc->pos, &cp);
		switch (l ? mt_classify(cp) : MT_SEP) {
		case MT_LETTER:
		case MT_CJK: return mark;
		case MT_IGNORE: break;
		case MT_SEP:
			mark = MT_WORD;
			sc->prev_word = false;
			break;
		}
		sc->pos += l ? l : 1;
	}
	return -1;
}

/* Adds the ASCII word character c to t.  NOTE: the two forms differ in
 * length after some non-ASCII letters ("ß" folds to "ss"), and a form
 * once cut must stay cut, or it would skip a character. */
static inline void
mt_add_ascii(struct mt_tok *t, unsigned c)
{
	if (t->flen < MATCH_MAX_WORD && !t->ftoolong)
		t->fold[t->flen++] = mt_ascii_lower(c);
	else
		t->ftoolong = true;
	if (t->klen < MATCH_MAX_WORD && !t->ktoolong)
		t->keep[t->klen++] = (unsigned char)c;
	else
		t->ktoolong = true;
	t->nchars++;
}

/* Adds the non-ASCII code point cp to t. */
static void
mt_add(struct mt_scan *sc, struct mt_tok *t, int32_t cp)
{
	mt_put(cp, MT_OPT_FOLD, t->fold, &t->flen, &t->ftoolong);
	if (sc->keep)
		mt_put(cp, MT_OPT_KEEP, t->keep, &t->klen, &t->ktoolong);
	t->nchars++;
}

/* The rest of a token that is not pure ASCII, one code point at a time;
 * the ASCII fast path in mt_next() has filled t up to pos. */
static size_t
mt_slow(struct mt_scan *sc, struct mt_tok *t, size_t pos)
{
	const unsigned char *s = sc->s;
	size_t n = sc->n;

	while (pos < n) {
		unsigned c = s[pos];
		int32_t cp;
		size_t l;

		if (c < 0x80) {
			if (!mt_ascii_word(c))
				break;
			mt_add_ascii(t, c);
			pos++;
			continue;
		}
		if (!(l = utf8_decode((const char *)s + pos, n - pos, &cp)))
			break;
		switch (mt_classify(cp)) {
		case MT_CJK:
			if (t->nchars == 0) {
				mt_add(sc, t, cp);
				pos += l;
			}
			return pos;
		case MT_IGNORE: break;
		case MT_SEP: return pos;
		case MT_LETTER: mt_add(sc, t, cp); break;
		}
		pos += l;
	}
	return pos;
}

#ifdef __SSE2__
/* mt_mask[n]: the low n bytes of a 64-bit word. */
static const uint64_t mt_mask[9] = {
        0,
        0xff,
        0xffff,
        0xffffff,
        0xffffffff,
        0xffffffffffull,
        0xffffffffffffull,
        0xffffffffffffffull,
        ~0ull,
};

/* The SSE2 path.  Bytes of c that are ASCII word characters, as a bit
 * mask; *letter gets those that are letters. */
static inline unsigned
mt_word_mask(__m128i c, __m128i *letter)
{
	__m128i lc = _mm_or_si128(c, _mm_set1_epi8(0x20));
	/* NOTE: the compares are signed, so bytes >= 0x80 are in no range. */
	__m128i digit = _mm_and_si128(_mm_cmpgt_epi8(c, _mm_set1_epi8('0' - 1)),
	                              _mm_cmplt_epi8(c, _mm_set1_epi8('9' + 1)));

	*letter = _mm_and_si128(_mm_cmpgt_epi8(lc, _mm_set1_epi8('a' - 1)),
	                        _mm_cmplt_epi8(lc, _mm_set1_epi8('z' + 1)));
	return (unsigned)_mm_movemask_epi8(
	        _mm_or_si128(_mm_or_si128(*letter, digit), _mm_cmpeq_epi8(c, _mm_set1_epi8('_'))));
}

/* The ASCII word at s, looked at 16 bytes at once (all of them readable).
 * Stores the 16 bytes folded and kept into t, whether or not the word is
 * that long, and returns its length; when that is under 16, sets *h to
 * the hash of its folded bytes (mt_hash()).  No branch per byte: a word's
 * end is found by a mask, not by a mispredicted loop exit. */
static inline size_t
mt_block(const unsigned char *s, struct mt_tok *t, uint64_t *h)
{
	__m128i c = _mm_loadu_si128((const __m128i *)(const void *)s), letter;
	unsigned word = mt_word_mask(c, &letter);
	__m128i fold = _mm_or_si128(c, _mm_and_si128(letter, _mm_set1_epi8(0x20)));
	size_t len = (size_t)__builtin_ctz(~word | 0x10000u);
	uint64_t lo = (uint64_t)_mm_cvtsi128_si64(fold);
	uint64_t hi = (uint64_t)_mm_cvtsi128_si64(_mm_srli_si128(fold, 8));
	/* NOTE: masks from a table and arithmetic, not "len > 8 ?": word
	 * lengths straddle 8 at random, and a branch on them mispredicts. */
	size_t over = (len - 8) & (0 - (size_t)(len > 8));
	uint64_t second = 0 - (uint64_t)(len > 8);

	_mm_storeu_si128((__m128i *)(void *)t->fold, fold);
	_mm_storeu_si128((__m128i *)(void *)t->keep, c);
	*h = mt_chunk(lo & mt_mask[len - over], 0) ^ (mt_chunk(hi & mt_mask[over], 1) & second);
	return len;
}

/* Reads the token at sc->pos with mt_block() when 16 bytes are left, and
 * returns true when that was the whole of it: shorter than 16 bytes and
 * ending on an ASCII byte. */
static bool
mt_simd(struct mt_scan *sc, struct mt_tok *t)
{
	size_t len, pos = sc->pos;
	uint64_t h;

	if (sc->scalar || sc->n - pos < 16)
		return false;
	len = mt_block(sc->s + pos, t, &h);
	if (len == 16 || sc->s[pos + len] >= 0x80)
		return false;
	t->flen = t->klen = t->nchars = len;
	t->fhash = mt_hash_end(h, len);
	t->end = sc->pos = pos + len;
	return true;
}
#endif

/* The scalar path: the ASCII part of the token at sc->pos, up to its end,
 * its first non-ASCII byte or MATCH_MAX_WORD bytes.  Sets the lengths and
 * the hash (valid when the token ends here) and returns where it stopped.
 * NOTE: counters stay in locals: stores through t->fold could alias t's
 * other members and pin them to memory.  The hash is built as the bytes
 * go by (see mt_hash()). */
static size_t
mt_ascii(struct mt_scan *sc, struct mt_tok *t)
{
	const unsigned char *s = sc->s;
	size_t pos = sc->pos, len = 0, n = sc->n;
	uint64_t h = 0, v = 0;

	while (pos < n && len < MATCH_MAX_WORD) {
		unsigned char f = mt_lower[s[pos]];

		if (!f)
			break;
		t->fold[len] = f;
		t->keep[len] = s[pos];
		v |= (uint64_t)f << (8 * (len & 7));
		len++;
		pos++;
		if (!(len & 7)) {
			h ^= mt_chunk(v, len / 8 - 1);
			v = 0;
		}
	}
	t->flen = t->klen = t->nchars = len;
	t->fhash = mt_hash_end(len & 7 ? h ^ mt_chunk(v, len / 8) : h, len);
	return pos;
}

bool
mt_next(struct mt_scan *sc, struct mt_tok *t)
{
	int kind = mt_skip(sc);
	size_t pos;

	if (kind < 0)
		return false;
	t->kind = (unsigned)kind;
	t->start = sc->pos;
	t->ftoolong = t->ktoolong = false;
	t->ascii = true;
	sc->prev_word = true;
#ifdef __SSE2__
	if (mt_simd(sc, t))
		return true;
#endif
	pos = mt_ascii(sc, t);
	if (pos < sc->n && (sc->s[pos] >= 0x80 || mt_lower[sc->s[pos]])) {
		pos = mt_slow(sc, t, pos);
		t->ascii = false;
		t->fhash = mt_hash(t->fold, t->flen);
	}
	t->end = sc->pos = pos;
	return true;
}
