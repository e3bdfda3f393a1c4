/* sentiment.c - VADER-style lexicon and rules; see sentiment.h.
 *
 * The rules and their constants follow VADER (C.J. Hutto and E. Gilbert,
 * "VADER: A Parsimonious Rule-based Model for Sentiment Analysis of Social
 * Media Text", ICWSM 2014; MIT licence, data/LICENSE.txt), with these
 * changes, each for a general reason rather than to fit a data set:
 *  - phrases of up to four words in any lexicon are matched as one unit
 *    (VADER's own multi-word entries, its idioms, our customer-experience
 *    phrases), longest first;
 *  - negation, boosters and "but" stay inside their sentence, and negation
 *    and boosters stop at a comma, colon or dash;
 *  - "but"/"however" at the start of a sentence weighs the previous sentence
 *    less; "hardly" and "scarcely" negate; "not only", "nothing but" do not;
 *  - ALL CAPS emphasis needs two letters or more, so "I" and "A" never count;
 *  - emoticons are matched case-sensitively first (":D", "XD");
 *  - typographic apostrophes count as apostrophes ("don’t").
 *
 * Scoring cost: one pass over the bytes for '!', '?' and lowercase letters,
 * then one pass that cuts words and looks each up once in an open-addressing
 * hash table; units of a sentence sit in a fixed array on the stack. */
#include "analysis/sentiment.h"

#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/data.h"
#include "core/utf8.h"
#include "core/xalloc.h"

/* VADER's empirically derived constants. */
#define B_INCR 0.293    /* a booster's push */
#define B_DECR -0.293   /* a dampener's pull */
#define C_INCR 0.733    /* a word in ALL CAPS among lowercase text */
#define N_SCALAR -0.74  /* a negation */
#define EXCL_INCR 0.292 /* per '!', at most EXCL_MAX of them */
#define EXCL_MAX 4
#define QM_INCR 0.18    /* per '?' when there are two or three */
#define QM_MAX 0.96     /* four '?' or more */
#define ALPHA 15.0      /* compound = sum / sqrt(sum^2 + ALPHA) */
#define CONTRAST_BEFORE 0.5
#define CONTRAST_AFTER 1.5
#define NEVER_SO 1.25   /* "never so good": emphasis, not negation */
#define SCOPE 3         /* words a negation or booster reaches */

#define MAX_PHRASE 4    /* words in one phrase */
#define SEG_UNITS 128   /* units of one sentence scored together; a longer one is cut */
#define MAX_WORD SENTI_MAX_KEY /* bytes of a word looked up; a longer one is in no lexicon */
#define MAX_FILE (16 * 1024 * 1024) /* bytes of an extra lexicon */
#define PAIR_BITS 16    /* filter over the first two words of every phrase */

enum {
	F_VALENCE = 1 << 0,  /* carries a valence */
	F_BOOSTER = 1 << 1,  /* scales the valence of a word after it */
	F_NEGATOR = 1 << 2,  /* flips the valence of a word after it */
	F_PHRASE = 1 << 3,   /* first word of at least one phrase */
	F_EMOJI = 1 << 4,    /* an emoji, read as the words of its description */
	F_FIXED = 1 << 5,    /* a negation does not flip it */
	F_CONTRAST = 1 << 6, /* "but": what comes before it counts less */
};

/* Words the rules name. */
enum role { R_NONE, R_NO, R_NEVER, R_SO, R_WITHOUT, R_DOUBT, R_LEAST, R_AT, R_OR, R_LIKE,
	    R_SIMILE };

struct entry {
	uint32_t hash;
	uint32_t key;        /* offset of the key in the arena */
	uint32_t desc;       /* F_EMOJI: offset of its description */
	uint16_t keylen;
	uint16_t desclen;
	uint8_t flags;       /* F_* */
	uint8_t role;        /* enum role */
	uint8_t phrase_max;  /* F_PHRASE: words in its longest phrase */
	float valence;       /* F_VALENCE */
	float booster;       /* F_BOOSTER */
};

struct senti {
	struct entry *ents;
	size_t nents, capents;
	uint32_t *slots;     /* entry index + 1; 0 is empty */
	size_t mask;         /* slots - 1, a power of two minus one */
	char *arena;         /* keys and descriptions, NUL-separated */
	size_t arenalen, arenacap;
	uint64_t pairs[(1u << PAIR_BITS) / 64];
};

/* ---- the table ---- */

static uint32_t
hash_bytes(const char *p, size_t n)
{
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)p[i]) * 16777619u;
	return h;
}

/* A slot holds the entry's index + 1 in its low SLOT_BITS and the high bits
 * of its hash above them, so that a word in no lexicon (most words) is
 * turned away by the slot array alone, without touching an entry. */
#define SLOT_BITS 20
#define SLOT_INDEX ((1u << SLOT_BITS) - 1)
#define MAX_ENTRIES (SLOT_INDEX - 1)

static const struct entry *
lookup(const struct senti *s, const char *key, size_t n, uint32_t h)
{
	size_t i = h & s->mask;
	uint32_t slot, tag = h & ~SLOT_INDEX;

	while ((slot = s->slots[i]) != 0) {
		if ((slot & ~SLOT_INDEX) == tag) {
			const struct entry *e = &s->ents[(slot & SLOT_INDEX) - 1];

			if (e->hash == h && e->keylen == n && memcmp(s->arena + e->key, key, n) == 0)
				return e;
		}
		i = (i + 1) & s->mask;
	}
	return NULL;
}

static void
slot_put(struct senti *s, size_t k)
{
	uint32_t h = s->ents[k].hash;
	size_t i = h & s->mask;

	while (s->slots[i])
		i = (i + 1) & s->mask;
	s->slots[i] = (h & ~SLOT_INDEX) | (uint32_t)(k + 1);
}

static uint32_t
arena_put(struct senti *s, const char *p, size_t n)
{
	size_t off = s->arenalen;

	if (off + n + 1 > s->arenacap) {
		s->arenacap = (off + n + 1) * 2;
		s->arena = xrealloc(s->arena, s->arenacap);
	}
	memcpy(s->arena + off, p, n);
	s->arena[off + n] = '\0';
	s->arenalen += n + 1;
	return (uint32_t)off;
}

static void
table_grow(struct senti *s)
{
	size_t nslots = (s->mask + 1) * 2;

	free(s->slots);
	s->slots = xcalloc(nslots, sizeof(*s->slots));
	s->mask = nslots - 1;
	for (size_t k = 0; k < s->nents; k++)
		slot_put(s, k);
}

/* Returns the entry for key (already normalised), adding an empty one. */
static struct entry *
upsert(struct senti *s, const char *key, size_t n)
{
	uint32_t h = hash_bytes(key, n);
	const struct entry *found = lookup(s, key, n, h);
	struct entry *e;

	if (found)
		return (struct entry *)found;
	if ((s->nents + 1) * 2 > s->mask + 1)
		table_grow(s);
	if (s->nents == s->capents) {
		s->capents = s->capents ? s->capents * 2 : 1024;
		s->ents = xreallocarray(s->ents, s->capents, sizeof(*s->ents));
	}
	e = &s->ents[s->nents];
	memset(e, 0, sizeof(*e));
	e->hash = h;
	e->key = arena_put(s, key, n);
	e->keylen = (uint16_t)n;
	slot_put(s, s->nents++);
	return e;
}

static size_t
pair_bit(uint32_t h1, uint32_t h2)
{
	return ((h1 ^ (h2 * 0x9e3779b1u)) * 0x85ebca6bu) >> (32 - PAIR_BITS);
}

static bool
pair_maybe(const struct senti *s, uint32_t h1, uint32_t h2)
{
	size_t b = pair_bit(h1, h2);

	return (s->pairs[b / 64] >> (b % 64)) & 1;
}

/* ---- normalising words ---- */

/* Writes the lookup form of the n bytes at p into out (MAX_WORD bytes):
 * ASCII lowercased, typographic apostrophes (U+2018, U+2019) as '.
 * Returns its length, or 0 when it does not fit. */
static size_t
word_fold(const char *p, size_t n, char *out)
{
	size_t o = 0;

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];

		if (o == MAX_WORD)
			return 0;
		if (c == 0xe2 && i + 2 < n && (unsigned char)p[i + 1] == 0x80 &&
		    ((unsigned char)p[i + 2] == 0x98 || (unsigned char)p[i + 2] == 0x99)) {
			out[o++] = '\'';
			i += 2;
			continue;
		}
		out[o++] = (char)((unsigned)(c - 'A') < 26u ? c + 32 : c);
	}
	return o;
}

/* Normalises a lexicon key into out: words folded, one space between them.
 * Returns its length and the number of words in *nwords; 0 when too long. */
static size_t
key_fold(const char *p, size_t n, char *out, int *nwords)
{
	size_t o = 0, i = 0;

	*nwords = 0;
	while (i < n) {
		size_t j = i, k;

		while (i < n && p[i] == ' ')
			i++;
		j = i;
		while (j < n && p[j] != ' ')
			j++;
		if (j == i)
			break;
		if (o && o < MAX_WORD)
			out[o++] = ' ';
		if (o + (j - i) > MAX_WORD || !(k = word_fold(p + i, j - i, out + o)))
			return 0;
		o += k;
		(*nwords)++;
		i = j;
	}
	return o;
}

/* ---- building the lexicon ---- */

/* VADER's boosters and dampeners, and a few phrases of our own. */
static const struct {
	const char *word;
	float scalar;
} boosters[] = {
	{ "absolutely", B_INCR }, { "amazingly", B_INCR }, { "awfully", B_INCR },
	{ "completely", B_INCR }, { "considerable", B_INCR }, { "considerably", B_INCR },
	{ "decidedly", B_INCR }, { "deeply", B_INCR }, { "effing", B_INCR },
	{ "enormous", B_INCR }, { "enormously", B_INCR }, { "entirely", B_INCR },
	{ "especially", B_INCR }, { "exceptional", B_INCR }, { "exceptionally", B_INCR },
	{ "extreme", B_INCR }, { "extremely", B_INCR }, { "fabulously", B_INCR },
	{ "flipping", B_INCR }, { "flippin", B_INCR }, { "frackin", B_INCR },
	{ "fracking", B_INCR }, { "fricking", B_INCR }, { "frickin", B_INCR },
	{ "frigging", B_INCR }, { "friggin", B_INCR }, { "fully", B_INCR },
	{ "fuckin", B_INCR }, { "fucking", B_INCR }, { "fuggin", B_INCR },
	{ "fugging", B_INCR }, { "greatly", B_INCR }, { "hella", B_INCR },
	{ "highly", B_INCR }, { "hugely", B_INCR }, { "incredible", B_INCR },
	{ "incredibly", B_INCR }, { "intensely", B_INCR }, { "major", B_INCR },
	{ "majorly", B_INCR }, { "more", B_INCR }, { "most", B_INCR },
	{ "particularly", B_INCR }, { "purely", B_INCR }, { "quite", B_INCR },
	{ "really", B_INCR }, { "remarkably", B_INCR }, { "so", B_INCR },
	{ "substantially", B_INCR }, { "thoroughly", B_INCR }, { "total", B_INCR },
	{ "totally", B_INCR }, { "tremendous", B_INCR }, { "tremendously", B_INCR },
	{ "uber", B_INCR }, { "unbelievably", B_INCR }, { "unusually", B_INCR },
	{ "utter", B_INCR }, { "utterly", B_INCR }, { "very", B_INCR },
	{ "almost", B_DECR }, { "barely", B_DECR }, { "just enough", B_DECR },
	{ "kind of", B_DECR }, { "kinda", B_DECR }, { "kindof", B_DECR },
	{ "kind-of", B_DECR }, { "less", B_DECR }, { "little", B_DECR },
	{ "marginal", B_DECR }, { "marginally", B_DECR }, { "occasional", B_DECR },
	{ "occasionally", B_DECR }, { "partly", B_DECR }, { "slight", B_DECR },
	{ "slightly", B_DECR }, { "somewhat", B_DECR }, { "sort of", B_DECR },
	{ "sorta", B_DECR }, { "sortof", B_DECR }, { "sort-of", B_DECR },
	/* ours */
	{ "a bit", B_DECR }, { "a little", B_DECR }, { "a little bit", B_DECR },
	{ "fairly", B_DECR }, { "rather", B_DECR }, { "reasonably", B_DECR },
	{ "pretty", B_DECR },
	{ "no doubt", B_INCR }, { "without doubt", B_INCR }, { "without a doubt", B_INCR },
};

/* VADER's negations, with "hardly" and "scarcely" (VADER's dampeners). */
static const char *const negators[] = {
	"aint", "arent", "cannot", "cant", "couldnt", "darent", "didnt", "doesnt", "dont",
	"hadnt", "hasnt", "havent", "isnt", "mightnt", "mustnt", "neither", "neednt", "never",
	"none", "nope", "nor", "not", "nothing", "nowhere", "oughtnt", "shant", "shouldnt",
	"uhuh", "wasnt", "werent", "without", "wont", "wouldnt", "rarely", "seldom",
	"despite", "uh-uh", "hardly", "scarcely",
};

static const struct {
	const char *word;
	enum role role;
} roles[] = {
	{ "no", R_NO }, { "never", R_NEVER }, { "so", R_SO }, { "this", R_SO },
	{ "without", R_WITHOUT }, { "doubt", R_DOUBT }, { "least", R_LEAST }, { "at", R_AT },
	{ "very", R_AT }, { "or", R_OR }, { "nor", R_OR }, { "like", R_LIKE },
	/* words after which "like" is the preposition, not the verb */
	{ "is", R_SIMILE }, { "was", R_SIMILE }, { "are", R_SIMILE }, { "were", R_SIMILE },
	{ "be", R_SIMILE }, { "been", R_SIMILE }, { "it's", R_SIMILE }, { "feel", R_SIMILE },
	{ "feels", R_SIMILE }, { "felt", R_SIMILE }, { "look", R_SIMILE }, { "looks", R_SIMILE },
	{ "looked", R_SIMILE }, { "seem", R_SIMILE }, { "seems", R_SIMILE },
	{ "seemed", R_SIMILE }, { "sound", R_SIMILE }, { "sounds", R_SIMILE },
	{ "sounded", R_SIMILE }, { "something", R_SIMILE }, { "nothing", R_SIMILE },
	{ "anything", R_SIMILE }, { "just", R_SIMILE }, { "much", R_SIMILE },
	{ "more", R_SIMILE }, { "less", R_SIMILE }, { "exactly", R_SIMILE },
};

static const char *const contrasts[] = { "but", "however", "nevertheless", "nonetheless" };

/* Phrases that would otherwise be read as negations: a unit without valence. */
static const char *const neutral_phrases[] = {
	"not only", "not just", "nothing but", "not to mention", "no matter",
};

/* VADER's special cases and idioms (the idioms were unused in VADER). */
static const struct {
	const char *phrase;
	float valence;
} idioms[] = {
	{ "the shit", 3 }, { "the bomb", 3 }, { "bad ass", 1.5f }, { "badass", 1.5f },
	{ "bus stop", 0 }, { "yeah right", -2 }, { "kiss of death", -1.5f },
	{ "to die for", 3 }, { "beating heart", 3.1f }, { "broken heart", -2.9f },
	{ "cut the mustard", 2 }, { "hand to mouth", -2 }, { "back handed", -2 },
	{ "blow smoke", -2 }, { "blowing smoke", -2 }, { "upper hand", 1 },
	{ "break a leg", 2 }, { "cooking with gas", 2 }, { "in the black", 2 },
	{ "in the red", -2 }, { "on the ball", 2 }, { "under the weather", -2 },
};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* Adds (or finds) the entry for a word or phrase; marks a phrase's first
 * word and its pair.  Returns NULL when the key is empty or too long. */
static struct entry *
add_key(struct senti *s, const char *raw, size_t n)
{
	char key[MAX_WORD + 1];
	int nwords;
	size_t len = key_fold(raw, n, key, &nwords);
	const char *sp, *sp2;
	struct entry *first;
	size_t b;

	if (!len || nwords > MAX_PHRASE)
		return NULL;
	if (nwords == 1)
		return upsert(s, key, len);
	sp = memchr(key, ' ', len);
	sp2 = memchr(sp + 1, ' ', len - (size_t)(sp + 1 - key));
	if (!sp2)
		sp2 = key + len;
	first = upsert(s, key, (size_t)(sp - key));
	first->flags |= F_PHRASE;
	if (first->phrase_max < nwords)
		first->phrase_max = (uint8_t)nwords;
	b = pair_bit(first->hash, hash_bytes(sp + 1, (size_t)(sp2 - sp - 1)));
	s->pairs[b / 64] |= 1ull << (b % 64);
	/* NOTE: first may have moved when the table grew; look the phrase up anew. */
	return upsert(s, key, len);
}

static void
add_rules(struct senti *s)
{
	struct entry *e;

	for (size_t i = 0; i < NELEM(boosters); i++) {
		e = add_key(s, boosters[i].word, strlen(boosters[i].word));
		e->flags |= F_BOOSTER;
		e->booster = boosters[i].scalar;
	}
	for (size_t i = 0; i < NELEM(negators); i++)
		add_key(s, negators[i], strlen(negators[i]))->flags |= F_NEGATOR;
	for (size_t i = 0; i < NELEM(roles); i++)
		add_key(s, roles[i].word, strlen(roles[i].word))->role = (uint8_t)roles[i].role;
	for (size_t i = 0; i < NELEM(contrasts); i++)
		add_key(s, contrasts[i], strlen(contrasts[i]))->flags |= F_CONTRAST;
	for (size_t i = 0; i < NELEM(neutral_phrases); i++)
		add_key(s, neutral_phrases[i], strlen(neutral_phrases[i]));
	for (size_t i = 0; i < NELEM(idioms); i++) {
		e = add_key(s, idioms[i].phrase, strlen(idioms[i].phrase));
		e->flags |= F_VALENCE;
		e->valence = idioms[i].valence;
	}
}

/* Parses one lexicon line (without its newline): KEY<TAB>VALENCE[<TAB>...].
 * Returns ES_OK, or ES_EPARSE with a message in msg. */
static enum es_err
lex_line(struct senti *s, const char *p, size_t n, char *msg, size_t msglen)
{
	const char *tab = memchr(p, '\t', n), *end = p + n, *t2;
	char num[32], *stop;
	double v;
	struct entry *e;

	if (!tab || tab == p)
		return es_error(ES_EPARSE, msg, msglen, "expected TOKEN<TAB>VALENCE");
	t2 = memchr(tab + 1, '\t', (size_t)(end - tab - 1));
	if (!t2)
		t2 = end;
	if ((size_t)(t2 - tab - 1) >= sizeof(num))
		return es_error(ES_EPARSE, msg, msglen, "valence is not a number");
	memcpy(num, tab + 1, (size_t)(t2 - tab - 1));
	num[t2 - tab - 1] = '\0';
	errno = 0;
	v = strtod(num, &stop);
	if (stop == num || *stop || errno || !(v >= -4.0 && v <= 4.0))
		return es_error(ES_EPARSE, msg, msglen, "valence '%s' is not a number in -4..4", num);
	if (s->nents + MAX_PHRASE > MAX_ENTRIES)
		return es_error(ES_ETOOBIG, msg, msglen, "more than %u entries", MAX_ENTRIES);
	if (!(e = add_key(s, p, (size_t)(tab - p))))
		return es_error(ES_EPARSE, msg, msglen,
				"token longer than %d bytes or %d words", MAX_WORD, MAX_PHRASE);
	e->flags |= F_VALENCE;
	e->valence = (float)v;
	if (t2 < end && (size_t)(end - t2 - 1) >= 5 && memcmp(t2 + 1, "fixed", 5) == 0 &&
	    (end - t2 - 1 == 5 || t2[6] == '\t'))
		e->flags |= F_FIXED;
	return ES_OK;
}

/* Loads every line of a lexicon; name is used in messages. */
static enum es_err
load_lexicon(struct senti *s, const char *name, const char *data, size_t len, char *err,
	     size_t errlen)
{
	const char *p = data, *end = data + len;
	char msg[ES_ERRLEN];
	int line = 0;
	enum es_err rc;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);

		line++;
		if (n && p[n - 1] == '\r')
			n--;
		if (n && p[0] != '#' && (rc = lex_line(s, p, n, msg, sizeof(msg))) != ES_OK)
			return es_error(rc, err, errlen, "%s:%d: %s", name, line, msg);
		p += n;
		while (p < end && (*p == '\r' || *p == '\n'))
			p++;
		if (!nl)
			break;
	}
	return ES_OK;
}

/* Loads the emoji lexicon: EMOJI<TAB>DESCRIPTION.  Emoji are looked up one
 * code point at a time, so a sequence is kept only when it is one code
 * point, or one followed by U+FE0F (emoji presentation). */
static void
load_emoji(struct senti *s, const char *data, size_t len)
{
	const char *p = data, *end = data + len;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p)), *tab;
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p), k;
		int32_t cp;

		if ((tab = memchr(p, '\t', n)) && (k = utf8_decode(p, (size_t)(tab - p), &cp)) &&
		    cp >= 0x80 &&
		    ((size_t)(tab - p) == k ||
		     ((size_t)(tab - p) == k + 3 && memcmp(p + k, "\xef\xb8\x8f", 3) == 0))) {
			struct entry *e = upsert(s, p, k);
			size_t dl = n - (size_t)(tab + 1 - p);

			if (dl && tab[dl] == '\r')
				dl--;
			if (!(e->flags & F_EMOJI) && dl > 0 && dl < 256) {
				e->flags |= F_EMOJI;
				e->desc = arena_put(s, tab + 1, dl);
				e->desclen = (uint16_t)dl;
			}
		}
		if (!nl)
			break;
		p = nl + 1;
	}
}

/* Adds word (NUL-terminated) with valence v unless some lexicon has it. */
static void
add_derived(struct senti *s, const char *word, size_t n, double v)
{
	struct entry *e = upsert(s, word, n);

	if (e->flags & (F_VALENCE | F_BOOSTER | F_NEGATOR))
		return;
	e->flags |= F_VALENCE;
	e->valence = (float)v;
}

/* Regular derivations of the single words in the lexicon that it lacks:
 * adverbs in -ly ("beautifully", "happily", "terribly"), plurals and verb
 * forms in -s, -ed, -ing, and "un-" prefixes, which negate
 * ("unconvincing").  Read only when no lexicon has the derived word. */
static void
derive_forms(struct senti *s)
{
	static const struct {
		const char *strip, *add;
		int negate;
	} rules[] = {
		{ "", "ly", 0 }, { "y", "ily", 0 }, { "le", "ly", 0 }, { "ic", "ically", 0 },
		{ "", "s", 0 }, { "", "ed", 0 }, { "e", "ed", 0 }, { "", "ing", 0 },
		{ "e", "ing", 0 }, { "", "un", 1 },
	};
	size_t nbase = s->nents;

	for (size_t i = 0; i < nbase && s->nents + NELEM(rules) < MAX_ENTRIES; i++) {
		struct entry base = s->ents[i];
		char w[MAX_WORD + 8];

		if (!(base.flags & F_VALENCE) || (base.flags & (F_BOOSTER | F_NEGATOR)) ||
		    base.keylen < 3 || base.keylen > MAX_WORD - 6 ||
		    memchr(s->arena + base.key, ' ', base.keylen) ||
		    strspn(s->arena + base.key, "abcdefghijklmnopqrstuvwxyz") != base.keylen)
			continue;
		for (size_t r = 0; r < NELEM(rules); r++) {
			size_t sl = strlen(rules[r].strip), al = strlen(rules[r].add), n;
			const char *key = s->arena + s->ents[i].key;

			if (sl > base.keylen || memcmp(key + base.keylen - sl, rules[r].strip, sl) != 0)
				continue;
			if (rules[r].negate) {
				memcpy(w, rules[r].add, al);
				memcpy(w + al, key, base.keylen);
			} else {
				memcpy(w, key, base.keylen - sl);
				memcpy(w + base.keylen - sl, rules[r].add, al);
			}
			n = base.keylen - sl + al;
			add_derived(s, w, n, rules[r].negate ? base.valence * N_SCALAR : base.valence);
		}
	}
}

static enum es_err
load_builtin(struct senti *s, const char *name, char *err, size_t errlen)
{
	size_t len;
	const char *data = data_find(name, &len);

	if (!data)
		return es_error(ES_ENOTFOUND, err, errlen, "%s: not compiled in", name);
	return load_lexicon(s, name, data, len, err, errlen);
}

static enum es_err
load_file(struct senti *s, const char *path, char *err, size_t errlen)
{
	FILE *fp = fopen(path, "rb");
	char *data;
	size_t len;
	enum es_err rc;

	if (!fp)
		return es_error(ES_EIO, err, errlen, "%s: %s", path, strerror(errno));
	data = xmalloc(MAX_FILE + 1);
	len = fread(data, 1, MAX_FILE + 1, fp);
	if (ferror(fp))
		rc = es_error(ES_EIO, err, errlen, "%s: %s", path, strerror(errno));
	else if (len > MAX_FILE)
		rc = es_error(ES_ETOOBIG, err, errlen, "%s: larger than %d bytes", path, MAX_FILE);
	else if (!utf8_valid(data, len))
		rc = es_error(ES_EPARSE, err, errlen, "%s: not UTF-8", path);
	else
		rc = load_lexicon(s, path, data, len, err, errlen);
	fclose(fp);
	free(data);
	return rc;
}

enum es_err
senti_new(const char *extra_lexicon, struct senti **out, char *err, size_t errlen)
{
	struct senti *s = xcalloc(1, sizeof(*s));
	const char *emoji;
	size_t len;
	enum es_err rc;

	*out = NULL;
	s->mask = 16384 - 1;
	s->slots = xcalloc(s->mask + 1, sizeof(*s->slots));
	add_rules(s);
	rc = load_builtin(s, "vader_lexicon.txt", err, errlen);
	if (rc == ES_OK && (emoji = data_find("emoji_utf8_lexicon.txt", &len)))
		load_emoji(s, emoji, len);
	if (rc == ES_OK)
		derive_forms(s);
	if (rc == ES_OK)
		rc = load_builtin(s, "cx_lexicon.txt", err, errlen);
	if (rc == ES_OK && extra_lexicon)
		rc = load_file(s, extra_lexicon, err, errlen);
	if (rc != ES_OK) {
		senti_free(s);
		return rc;
	}
	*out = s;
	return ES_OK;
}

void
senti_free(struct senti *s)
{
	if (!s)
		return;
	free(s->ents);
	free(s->slots);
	free(s->arena);
	free(s);
}

size_t
senti_size(const struct senti *s)
{
	return s->nents;
}

/* ---- scoring ---- */

enum {
	U_SHOUT = 1 << 0,  /* ALL CAPS, two letters or more */
	U_NT = 1 << 1,     /* contains "n't" */
	U_CLAUSE = 1 << 2, /* a comma, colon or dash follows: scopes stop here */
};

/* One word, emoticon or phrase of the sentence being read. */
struct unit {
	const struct entry *e; /* NULL: in no lexicon */
	const char *p;         /* its bytes in the text or an emoji description */
	uint32_t hash;         /* of its folded form */
	uint16_t len;
	uint8_t flags;         /* U_* */
};

/* Sums over units: VADER's sift of positive, negative and neutral. */
struct acc {
	double sum, pos, neg;
	unsigned npos, nneg, nneu;
};

struct scan {
	const struct senti *s;
	bool emph;           /* the text has lowercase letters, so ALL CAPS stands out */
	size_t n;
	struct unit u[SEG_UNITS];
	struct acc doc;      /* sentences already weighed */
	struct acc last;     /* the last sentence, waiting to see if the next opens with "but" */
	bool have_last;
};

static void
acc_add(struct acc *a, double v)
{
	a->sum += v;
	if (v > 0) {
		a->pos += v;
		a->npos++;
	} else if (v < 0) {
		a->neg += v;
		a->nneg++;
	} else {
		a->nneu++;
	}
}

static void
acc_fold(struct acc *dst, const struct acc *src, double w)
{
	dst->sum += w * src->sum;
	dst->pos += w * src->pos;
	dst->neg += w * src->neg;
	dst->npos += src->npos;
	dst->nneg += src->nneg;
	dst->nneu += src->nneu;
}

static bool
has_valence(const struct unit *u)
{
	return u->e && (u->e->flags & F_VALENCE);
}

static bool
is_role(const struct unit *u, enum role r)
{
	return u->e && u->e->role == r;
}

/* Whether u[j] is read as a booster: always when it is only one; when it
 * also has a valence ("incredible", "fucking"), only right before a word
 * with a valence ("incredible acting" is praise, "incredibly good" more so). */
static bool
as_booster(const struct unit *u, size_t n, size_t j)
{
	const struct entry *e = u[j].e;

	if (!e || !(e->flags & F_BOOSTER))
		return false;
	if (!(e->flags & F_VALENCE))
		return true;
	return j + 1 < n && !(u[j].flags & U_CLAUSE) && has_valence(&u[j + 1]);
}

/* Whether u[j] counts for its own valence. */
static bool
valent(const struct unit *u, size_t n, size_t j)
{
	return has_valence(&u[j]) && !as_booster(u, n, j);
}

static bool
is_negation(const struct unit *u)
{
	return (u->e && (u->e->flags & F_NEGATOR)) || (u->flags & U_NT);
}

/* The push of a booster at p on valence v (VADER's scalar_inc_dec). */
static double
booster(const struct unit *p, double v, bool emph)
{
	double b;

	if (!p->e || !(p->e->flags & F_BOOSTER))
		return 0;
	b = v < 0 ? -p->e->booster : p->e->booster;
	if (emph && (p->flags & U_SHOUT))
		b += v > 0 ? C_INCR : -C_INCR;
	return b;
}

/* VADER's negation check for the word k + 1 places before u[i]. */
static double
negate(const struct unit *u, size_t i, size_t k, double v)
{
	const struct unit *p = &u[i - k - 1];

	if (k >= 1 && is_role(p, R_NEVER) && is_role(&u[i - k], R_SO))
		return v * NEVER_SO;
	if (k >= 1 && is_role(p, R_WITHOUT) &&
	    (is_role(&u[i - 1], R_DOUBT) || is_role(&u[i - k], R_DOUBT)))
		return v;
	return is_negation(p) ? v * N_SCALAR : v;
}

/* "no" up to three words before u[i] ("no good", "no X or good"). */
static bool
no_before(const struct unit *u, size_t i)
{
	if (i > 0 && is_role(&u[i - 1], R_NO) && !(u[i - 1].flags & U_CLAUSE))
		return true;
	if (i > 1 && is_role(&u[i - 2], R_NO) && !((u[i - 2].flags | u[i - 1].flags) & U_CLAUSE))
		return true;
	return i > 2 && is_role(&u[i - 3], R_NO) && is_role(&u[i - 1], R_OR) &&
	       !((u[i - 3].flags | u[i - 2].flags | u[i - 1].flags) & U_CLAUSE);
}

/* "least" before u[i] negates, except in "at least" and "very least". */
static double
least(const struct unit *u, size_t i, double v)
{
	if (i == 0 || !is_role(&u[i - 1], R_LEAST) || (u[i - 1].flags & U_CLAUSE))
		return v;
	if (i > 1 && is_role(&u[i - 2], R_AT))
		return v;
	return v * N_SCALAR;
}

/* The valence of u[i] after the rules that look back at its sentence. */
static double
unit_valence(const struct unit *u, size_t n, size_t i, bool emph)
{
	static const double dist[SCOPE] = { 1.0, 0.95, 0.9 };
	const struct entry *e = u[i].e;
	bool fixed = e->flags & F_FIXED;
	double v = e->valence;

	if (e->role == R_LIKE && i > 0 && is_role(&u[i - 1], R_SIMILE))
		return 0; /* "it feels like a chore": a comparison, no liking */
	if (e->role == R_NO && i + 1 < n && has_valence(&u[i + 1]))
		v = 0; /* "no" that negates the next word has none of its own */
	else if (!fixed && no_before(u, i))
		v *= N_SCALAR;
	if (emph && (u[i].flags & U_SHOUT) && v != 0)
		v += v > 0 ? C_INCR : -C_INCR;
	for (size_t k = 0; k < SCOPE && k < i; k++) {
		const struct unit *p = &u[i - k - 1];

		if (p->flags & U_CLAUSE)
			break;
		if (valent(u, n, i - k - 1))
			continue;
		v += booster(p, v, emph) * dist[k];
		if (!fixed)
			v = negate(u, i, k, v);
	}
	return fixed ? v : least(u, i, v);
}

/* Builds the folded key of the words u[r .. r+len-1] into key.
 * Returns its length, or 0 when it does not fit. */
static size_t
phrase_key(const struct unit *u, size_t r, size_t len, char *key)
{
	char w[MAX_WORD];
	size_t o = 0;

	for (size_t k = 0; k < len; k++) {
		size_t wl = word_fold(u[r + k].p, u[r + k].len, w);

		if (!wl || o + wl + 1 > MAX_WORD)
			return 0;
		if (k)
			key[o++] = ' ';
		memcpy(key + o, w, wl);
		o += wl;
	}
	return o;
}

/* The longest phrase starting at u[r]: its entry in *pe and its length in
 * words, or 1 when none starts there. */
static size_t
phrase_at(const struct senti *s, const struct unit *u, size_t n, size_t r,
	  const struct entry **pe)
{
	size_t max = u[r].e->phrase_max, len;
	char key[MAX_WORD];

	if (r + 1 >= n || !pair_maybe(s, u[r].hash, u[r + 1].hash))
		return 1;
	if (max > n - r)
		max = n - r;
	for (size_t k = r; k + 1 < r + max; k++)
		if (u[k].flags & U_CLAUSE)
			max = k - r + 1;
	for (; max >= 2; max--) {
		const struct entry *e;

		if ((len = phrase_key(u, r, max, key)) &&
		    (e = lookup(s, key, len, hash_bytes(key, len)))) {
			*pe = e;
			return max;
		}
	}
	return 1;
}

/* Replaces the words of every phrase in u[] by one unit; returns the count. */
static size_t
merge_phrases(const struct senti *s, struct unit *u, size_t n)
{
	size_t w = 0, r = 0;

	while (r < n) {
		const struct entry *pe = NULL;
		size_t len = 1;

		if (u[r].e && (u[r].e->flags & F_PHRASE))
			len = phrase_at(s, u, n, r, &pe);
		u[w] = u[r + len - 1];
		if (len > 1) {
			bool shout = true;

			for (size_t k = r; k < r + len; k++)
				shout = shout && (u[k].flags & U_SHOUT);
			u[w].e = pe;
			u[w].flags = (uint8_t)((u[w].flags & U_CLAUSE) | (shout ? U_SHOUT : 0));
		}
		r += len;
		w++;
	}
	return w;
}

/* Scores the sentence held in st->u and folds it into the document. */
static void
sentence_end(struct scan *st)
{
	struct acc a = { 0 };
	size_t n, but = SIZE_MAX;

	if (!st->n)
		return;
	n = merge_phrases(st->s, st->u, st->n);
	st->n = 0;
	for (size_t i = 0; i < n && but == SIZE_MAX; i++)
		if (st->u[i].e && (st->u[i].e->flags & F_CONTRAST))
			but = i;
	for (size_t i = 0; i < n; i++) {
		double v = 0;

		if (valent(st->u, n, i))
			v = unit_valence(st->u, n, i, st->emph);
		if (but != SIZE_MAX && i != but)
			v *= i < but ? CONTRAST_BEFORE : CONTRAST_AFTER;
		acc_add(&a, v);
	}
	if (st->have_last)
		acc_fold(&st->doc, &st->last, but == 0 ? CONTRAST_BEFORE : 1.0);
	st->last = a;
	st->have_last = true;
}

static void
push_unit(struct scan *st, const char *p, size_t len, const struct entry *e, uint32_t h,
	  unsigned flags)
{
	struct unit *u;

	if (st->n == SEG_UNITS)
		sentence_end(st);
	u = &st->u[st->n++];
	u->e = e;
	u->p = p;
	u->len = (uint16_t)(len > UINT16_MAX ? UINT16_MAX : len);
	u->hash = h;
	u->flags = (uint8_t)flags;
}

/* Pushes the word p[0..len): folded and hashed in one pass, as word_fold()
 * and hash_bytes() would (this is the hot loop of scoring). */
static void
push_word(struct scan *st, const char *p, size_t len)
{
	char w[MAX_WORD];
	unsigned upper = 0, lower = 0, apos = 0, flags = 0;
	uint32_t h = 2166136261u;
	size_t n = 0;

	if (len > MAX_WORD) {
		push_unit(st, p, len, NULL, 0, 0);
		return;
	}
	for (size_t i = 0; i < len; i++) {
		unsigned c = (unsigned char)p[i];

		if (c == 0xe2 && i + 2 < len && (unsigned char)p[i + 1] == 0x80 &&
		    ((unsigned char)p[i + 2] | 1) == 0x99) {
			c = '\'';
			i += 2;
		} else if (c - 'A' < 26u) {
			upper++;
			c += 32;
		} else if (c - 'a' < 26u) {
			lower++;
		}
		apos |= c == '\'';
		w[n++] = (char)c;
		h = (h ^ c) * 16777619u;
	}
	if (upper >= 2 && !lower)
		flags |= U_SHOUT;
	if (apos && n >= 3 && memmem(w, n, "n't", 3))
		flags |= U_NT;
	push_unit(st, p, len, lookup(st->s, w, n, h), h, flags);
}

static void
mark_clause(struct scan *st)
{
	if (st->n)
		st->u[st->n - 1].flags |= U_CLAUSE;
}

/* What a code point is to the word cutter. */
enum cp_class { CP_LETTER, CP_APOS, CP_SYMBOL, CP_IGNORE, CP_DASH, CP_PUNCT };

static enum cp_class
cp_class(int32_t cp)
{
	if (cp == 0x2019 || cp == 0x2018)
		return CP_APOS;
	if (cp == 0x200d || (cp >= 0xfe00 && cp <= 0xfe0f) || (cp >= 0x1f3fb && cp <= 0x1f3ff))
		return CP_IGNORE; /* joiners, variation selectors, skin tones */
	if (cp == 0x2013 || cp == 0x2014)
		return CP_DASH;
	if (cp == 0xa9 || cp == 0xae || (cp >= 0x2000 && cp <= 0x2bff) ||
	    (cp >= 0x3000 && cp <= 0x303f) || (cp >= 0x1f000 && cp <= 0x1faff))
		return CP_SYMBOL;
	if ((cp >= 0x80 && cp <= 0xbf) || cp == 0xd7 || cp == 0xf7)
		return CP_PUNCT;
	return CP_LETTER;
}

static bool
is_digit(char c)
{
	return (unsigned)(c - '0') < 10u;
}

static bool
ascii_word(unsigned char c)
{
	return (unsigned)(c - '0') < 10u || (unsigned)((c | 32) - 'a') < 26u;
}

/* The class of the character at p[i], its length in *k. */
static enum cp_class
char_class(const char *p, size_t n, size_t i, size_t *k, int32_t *cp)
{
	unsigned char c = (unsigned char)p[i];

	*cp = c;
	*k = 1;
	if (c < 0x80)
		return ascii_word(c) ? CP_LETTER : c == '\'' ? CP_APOS : c == '-' ? CP_DASH : CP_PUNCT;
	if (!(*k = utf8_decode(p + i, n - i, cp))) {
		*k = 1;
		return CP_PUNCT;
	}
	return cp_class(*cp);
}

/* Whether the character at p[i] is a letter or digit. */
static bool
letter_at(const char *p, size_t n, size_t i)
{
	size_t k;
	int32_t cp;

	if ((unsigned char)p[i] < 0x80)
		return ascii_word((unsigned char)p[i]);
	return char_class(p, n, i, &k, &cp) == CP_LETTER;
}

/* The end of the word starting at p[i]: letters and digits, with single
 * apostrophes and hyphens inside, and '.' or ',' between two digits. */
static size_t
word_end(const char *p, size_t n, size_t i)
{
	while (i < n) {
		unsigned char c = (unsigned char)p[i];
		size_t k = 1;
		int32_t cp = c;
		enum cp_class cl;

		if (c < 0x80 && ascii_word(c)) {
			i++;
			continue;
		}
		cl = c < 0x80 ? (c == '\'' ? CP_APOS : c == '-' ? CP_DASH : CP_PUNCT)
			      : char_class(p, n, i, &k, &cp);
		if (cl == CP_LETTER) {
			i += k;
			continue;
		}
		if (i + k >= n || !letter_at(p, n, i + k))
			break;
		if (cl == CP_APOS || cl == CP_DASH ||
		    ((cp == '.' || cp == ',') && is_digit(p[i - 1]) && is_digit(p[i + k])))
			i += k;
		else
			break;
	}
	return i;
}

static void scan_text(struct scan *st, const char *p, size_t n, bool desc);

/* Handles the punctuation or symbol at p[i]; returns its length. */
static size_t
scan_other(struct scan *st, const char *p, size_t n, size_t i, bool desc)
{
	size_t k;
	int32_t cp;
	enum cp_class c = char_class(p, n, i, &k, &cp);

	if (c == CP_SYMBOL) {
		const struct entry *e = lookup(st->s, p + i, k, hash_bytes(p + i, k));

		if (e && (e->flags & F_EMOJI) && !desc)
			scan_text(st, st->s->arena + e->desc, e->desclen, true);
		else if (cp == 0x2026 && !desc)
			sentence_end(st); /* ellipsis */
	} else if (c == CP_DASH) {
		mark_clause(st);
	} else if (cp == '.' || cp == '!' || cp == '?') {
		if (!desc)
			sentence_end(st);
	} else if (cp == ',' || cp == ';' || cp == ':') {
		mark_clause(st);
	}
	return k;
}

/* Whether the whitespace-delimited chunk is an emoticon in the lexicon
 * (":)", ":-D", "<3"); pushes it when so. */
static bool
scan_emoticon(struct scan *st, const char *p, size_t n)
{
	char w[MAX_WORD];
	size_t len;
	uint32_t h;
	const struct entry *e;

	if (n < 2 || n > 8 || (ascii_word((unsigned char)p[0]) && ascii_word((unsigned char)p[n - 1])))
		return false;
	if (!(len = word_fold(p, n, w)))
		return false;
	h = hash_bytes(w, len);
	if (!(e = lookup(st->s, w, len, h)) || !(e->flags & F_VALENCE))
		return false;
	push_unit(st, p, n, e, h, 0);
	return true;
}

static bool
is_space(unsigned char c)
{
	return c == ' ' || (unsigned)(c - '\t') < 5u; /* \t \n \v \f \r */
}

static void
scan_chunk(struct scan *st, const char *p, size_t n, bool desc)
{
	size_t i = 0;

	while (i < n) {
		size_t k;
		int32_t cp;

		if (char_class(p, n, i, &k, &cp) == CP_LETTER) {
			size_t j = word_end(p, n, i);

			push_word(st, p + i, j - i);
			i = j;
		} else {
			i += scan_other(st, p, n, i, desc);
		}
	}
}

static void
scan_text(struct scan *st, const char *p, size_t n, bool desc)
{
	size_t i = 0;

	while (i < n) {
		size_t j;

		while (i < n && is_space((unsigned char)p[i]))
			i++;
		for (j = i; j < n && !is_space((unsigned char)p[j]); j++)
			;
		if (j > i && (desc || !scan_emoticon(st, p + i, j - i)))
			scan_chunk(st, p + i, j - i, desc);
		i = j;
	}
}

/* Counts what the rules need of the whole text before it is read. */
struct prepass {
	unsigned excl, qm;
	bool lower;
};

static void
prepass(struct prepass *pp, const char *p, size_t n)
{
	unsigned excl = 0, qm = 0, lower = 0;

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];

		excl += c == '!';
		qm += c == '?';
		lower |= (unsigned)(c - 'a') < 26u;
	}
	pp->excl += excl;
	pp->qm += qm;
	pp->lower = pp->lower || lower;
}

static void
scan_init(struct scan *st, const struct senti *s, const struct prepass *pp)
{
	st->s = s;
	st->emph = pp->lower;
	st->n = 0;
	memset(&st->doc, 0, sizeof(st->doc));
	st->have_last = false;
}

static void
scan_finish(struct scan *st, const struct prepass *pp, struct senti_score *out)
{
	unsigned excl = pp->excl < EXCL_MAX ? pp->excl : EXCL_MAX;
	double amp = excl * EXCL_INCR, sum, pos, neg, total;
	const struct acc *d = &st->doc;

	sentence_end(st);
	if (st->have_last)
		acc_fold(&st->doc, &st->last, 1.0);
	memset(out, 0, sizeof(*out));
	out->label = SENTI_NEUTRAL;
	if (d->npos + d->nneg + d->nneu == 0)
		return;
	amp += pp->qm > 3 ? QM_MAX : pp->qm > 1 ? pp->qm * QM_INCR : 0;
	sum = d->sum;
	if (sum > 0)
		sum += amp;
	else if (sum < 0)
		sum -= amp;
	out->compound = sum / sqrt(sum * sum + ALPHA);
	pos = d->pos + d->npos;
	neg = d->neg - d->nneg;
	if (pos > -neg)
		pos += amp;
	else if (pos < -neg)
		neg -= amp;
	total = pos - neg + d->nneu;
	out->pos = pos / total;
	out->neg = -neg / total;
	out->neu = d->nneu / total;
	out->label = senti_label_of(out->compound);
}

void
senti_score(const struct senti *s, const char *text, size_t len, struct senti_score *out)
{
	struct prepass pp = { 0 };
	struct scan st;

	prepass(&pp, text, len);
	scan_init(&st, s, &pp);
	scan_text(&st, text, len, false);
	scan_finish(&st, &pp, out);
}

void
senti_score_mention(const struct senti *s, const char *title, const char *text, double rating,
		    struct senti_score *out)
{
	struct prepass pp = { 0 };
	size_t tlen = title ? strlen(title) : 0, xlen = text ? strlen(text) : 0;
	struct scan st;
	double stars, r;

	prepass(&pp, title ? title : "", tlen);
	prepass(&pp, text ? text : "", xlen);
	scan_init(&st, s, &pp);
	if (title)
		scan_text(&st, title, tlen, false);
	sentence_end(&st);
	if (text)
		scan_text(&st, text, xlen, false);
	scan_finish(&st, &pp, out);
	if (isnan(rating))
		return;
	/* rating is (stars - worst) / (best - worst): on 1..5 stars, 1 is 0,
	 * 3 is 0.5 and 5 is 1; r puts it on the compound's -1..1. */
	stars = rating < 0 ? 0 : rating > 1 ? 1 : rating;
	r = 2.0 * stars - 1.0;
	out->compound = 0.75 * r + 0.25 * out->compound;
	out->label = stars < SENTI_RATING_NEGATIVE ? SENTI_NEGATIVE
		     : stars > SENTI_RATING_POSITIVE ? SENTI_POSITIVE : SENTI_NEUTRAL;
}

enum senti_label
senti_label_of(double compound)
{
	if (compound > SENTI_THRESHOLD)
		return SENTI_POSITIVE;
	if (compound < -SENTI_THRESHOLD)
		return SENTI_NEGATIVE;
	return SENTI_NEUTRAL;
}

const char *
senti_label_name(enum senti_label label)
{
	switch (label) {
	case SENTI_POSITIVE:
		return "positive";
	case SENTI_NEGATIVE:
		return "negative";
	default:
		return "neutral";
	}
}
