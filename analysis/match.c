/* match.c - compiling the brands of feeds.conf into one matcher, and
 * matching mentions against it.
 *
 * Compiling: every word of every query becomes an atom, a (form, string)
 * pair interned in one open-addressing hash table; the form says whether
 * the atom is a plain word, a handle or a hashtag, a prefix, and whether it
 * keeps case.  Each brand's query and exclude become trees of small nodes
 * over atom numbers, and each atom lists the brands whose query uses it.
 *
 * Matching: the title and the text are tokenised once; each token is
 * tested against two small bitmaps, and only when they let it through is
 * it looked up in the table (once as a word, once more when it is a handle
 * or a hashtag, once per prefix length in use); every hit is recorded with
 * its word position.  Only the brands that one of the hit atoms
 * names, plus the few whose query is true of an empty text ("NOT x"), are
 * then evaluated, over the hits.  Per-call state lives in a match_ctx,
 * stamped with a generation number so that nothing is cleared per call. */
#include "analysis/match.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/match_int.h"
#include "core/xalloc.h"

#define M_NONE UINT32_MAX

/* Atom forms: the low two bits are an enum mt_kind. */
#define MF_PREFIX 4u
#define MF_CS 8u

/* A compiled query node: struct mq_node without its text. */
struct mnode {
	uint8_t op; /* enum mq_op */
	uint8_t ordered;
	uint16_t dist;
	int32_t kid, next;
	uint32_t atom; /* MQ_LEAF */
};

struct atom {
	unsigned char *str; /* len bytes and 8 spare zero bytes for hashing */
	uint32_t len;
	uint8_t flags;
};

struct slot {
	uint64_t hash;
	uint32_t atom; /* M_NONE: empty */
	uint16_t len;
	uint8_t flags;
};

struct mbrand {
	char *name;
	int32_t query, exclude; /* roots; exclude -1: none */
};

struct mname {
	const char *name; /* owned by brands[i] */
	size_t i;
};

struct matcher {
	struct mnode *nodes;
	size_t nnodes;
	struct mbrand *brands;
	size_t nbrands;
	struct mname *byname; /* the brands sorted by name */
	size_t *always;       /* brands whose query is true of an empty text */
	size_t nalways;
	struct atom *atoms;
	size_t natoms, acap;
	struct slot *slots;
	size_t mask;           /* slots - 1, a power of two minus one */
	uint32_t *ab_off, *ab; /* atom a's brands: ab[ab_off[a] .. ab_off[a + 1]) */
	/* Two Bloom-style bitmaps that rule most words out before any probe:
	 * the hashes of whole words, and the first pkey bytes of prefixes. */
	uint64_t *words, *prefixes;
	unsigned fshift;  /* 64 - log2(bits in each) */
	size_t pkey;      /* bytes of the prefix filter's key; 0: no prefixes */
	unsigned forms;   /* bit f set: some atom has form f */
	uint64_t plen[2]; /* bit L-1 set: a prefix of L bytes, folded / kept */
	bool has_cs;
};

struct hit {
	uint32_t pos, next;
};

struct span {
	uint32_t s, e; /* first and last word position */
};

struct astate {
	uint32_t seen;       /* generation of the last call that hit the atom */
	uint32_t head, tail; /* its hits in this call */
};

struct match_ctx {
	uint32_t gen;
	struct astate *atoms;
	size_t natoms;
	uint32_t *cand, *allow; /* per brand: generation when a candidate, allowed */
	size_t *list, *out;
	size_t nbrands, nlist;
	struct hit *hits;
	size_t nhits, hcap;
	struct span *spans;
	size_t stop, scap;
	struct mt_tok tok;
};

/* ---- hashing ---- */

/* The table's hash of a word of hash h in form f. */
static inline uint64_t
m_fhash(uint64_t h, unsigned f)
{
	return mt_mix(h, f + 1);
}

/* ---- the filters ----
 *
 * Both are keyed on words with ASCII letters in lower case, so that a
 * case-sensitive atom ("Gap") and the folded form of an ASCII token
 * ("gap") meet: an ASCII token needs one test for both of its forms.  The
 * prefix filter is keyed on the first pkey bytes, the length of the
 * shortest prefix (at most 8): every word a prefix matches shares them.
 * NOTE: every prefix is at least MATCH_MIN_PREFIX characters, so pkey is
 * at least 3 bytes. */

static inline uint64_t
m_pkey(const unsigned char *w, size_t pkey)
{
	return mt_load_tail(w, pkey) * MT_K1;
}

static inline bool
m_bit(const uint64_t *bits, uint64_t h, unsigned shift)
{
	uint64_t b = h >> shift;

	return (bits[b >> 6] >> (b & 63)) & 1;
}

static inline void
m_bit_set(uint64_t *bits, uint64_t h, unsigned shift)
{
	uint64_t b = h >> shift;

	bits[b >> 6] |= 1ull << (b & 63);
}

/* Copies len bytes of w to out with ASCII letters in lower case. */
static void
m_ascii_lower(const unsigned char *w, size_t len, unsigned char *out)
{
	for (size_t i = 0; i < len; i++) {
		unsigned c = w[i];

		out[i] = (unsigned char)(c | (unsigned)(c - 'A' < 26u) << 5);
	}
}

/* Sizes the filters at 64 bits per atom or more, and fills them. */
static void
m_filter_build(struct matcher *m)
{
	unsigned lg = 15;

	while (lg < 24 && (1ull << lg) < 64 * (uint64_t)m->natoms)
		lg++;
	m->fshift = 64 - lg;
	for (size_t i = 0; i < m->natoms; i++)
		if ((m->atoms[i].flags & MF_PREFIX) && (!m->pkey || m->atoms[i].len < m->pkey))
			m->pkey = m->atoms[i].len;
	if (m->pkey > 8)
		m->pkey = 8;
	m->words = xcalloc((1ull << lg) / 64, sizeof(*m->words));
	m->prefixes = xcalloc((1ull << lg) / 64, sizeof(*m->prefixes));
	for (size_t i = 0; i < m->natoms; i++) {
		const struct atom *a = &m->atoms[i];
		unsigned char low[MATCH_MAX_WORD + 8] = {0};

		m_ascii_lower(a->str, a->len, low);
		if (a->flags & MF_PREFIX)
			m_bit_set(m->prefixes, m_pkey(low, m->pkey), m->fshift);
		else
			m_bit_set(m->words, mt_hash(low, a->len), m->fshift);
	}
}

/* ---- compiling ---- */

static void
m_slots_grow(struct matcher *m)
{
	size_t n = m->slots ? (m->mask + 1) * 2 : 64;
	struct slot *s = xmalloc(n * sizeof(*s));

	for (size_t i = 0; i < n; i++)
		s[i].atom = M_NONE;
	for (size_t i = 0; m->slots && i <= m->mask; i++) {
		size_t j = m->slots[i].hash & (n - 1);

		if (m->slots[i].atom == M_NONE)
			continue;
		while (s[j].atom != M_NONE)
			j = (j + 1) & (n - 1);
		s[j] = m->slots[i];
	}
	free(m->slots);
	m->slots = s;
	m->mask = n - 1;
}

/* The atom for len bytes of str in form f, added when new. */
static uint32_t
m_intern(struct matcher *m, const unsigned char *str, size_t len, unsigned f)
{
	uint64_t h = m_fhash(mt_hash(str, len), f);
	size_t i;
	struct atom *a;

	if (!m->slots || (m->natoms + 1) * 4 > m->mask + 1)
		m_slots_grow(m);
	for (i = h & m->mask; m->slots[i].atom != M_NONE; i = (i + 1) & m->mask) {
		const struct slot *s = &m->slots[i];

		if (s->hash == h && s->len == len && s->flags == f &&
		    memcmp(m->atoms[s->atom].str, str, len) == 0)
			return s->atom;
	}
	if (m->natoms == m->acap) {
		m->acap = m->acap ? m->acap * 2 : 64;
		m->atoms = xreallocarray(m->atoms, m->acap, sizeof(*m->atoms));
	}
	a = &m->atoms[m->natoms];
	a->str = xcalloc(1, len + 8);
	memcpy(a->str, str, len);
	a->len = (uint32_t)len;
	a->flags = (uint8_t)f;
	m->slots[i] = (struct slot){h, (uint32_t)m->natoms, (uint16_t)len, (uint8_t)f};
	m->forms |= 1u << f;
	if (f & MF_PREFIX)
		m->plen[(f & MF_CS) != 0] |= 1ull << (len - 1);
	return (uint32_t)m->natoms++;
}

/* (atom, brand) pairs of the query atoms, for the atom -> brands index. */
struct m_pairs {
	uint32_t (*v)[2];
	size_t n, cap;
};

/* Copies tree t into m's nodes; returns the root's index. */
static int32_t
m_copy(struct matcher *m, const struct mq_tree *t, bool cs, uint32_t brand, struct m_pairs *pairs)
{
	int32_t base = (int32_t)m->nnodes;

	m->nodes = xreallocarray(m->nodes, m->nnodes + t->n, sizeof(*m->nodes));
	for (size_t i = 0; i < t->n; i++) {
		const struct mq_node *q = &t->nodes[i];
		struct mnode *nd = &m->nodes[m->nnodes++];

		nd->op = q->op;
		nd->ordered = q->ordered;
		nd->dist = (uint16_t)q->dist;
		nd->kid = q->kid < 0 ? -1 : q->kid + base;
		nd->next = q->next < 0 ? -1 : q->next + base;
		nd->atom = M_NONE;
		if (q->op != MQ_LEAF)
			continue;
		nd->atom = m_intern(m, q->str, q->len,
		                    q->kind | (q->prefix ? MF_PREFIX : 0) | (cs ? MF_CS : 0));
		if (pairs) {
			if (pairs->n == pairs->cap) {
				pairs->cap = pairs->cap ? pairs->cap * 2 : 64;
				pairs->v = xreallocarray(pairs->v, pairs->cap, sizeof(*pairs->v));
			}
			pairs->v[pairs->n][0] = nd->atom;
			pairs->v[pairs->n++][1] = brand;
		}
	}
	return t->root + base;
}

static int
m_pair_cmp(const void *a, const void *b)
{
	const uint32_t *x = a, *y = b;

	if (x[0] != y[0])
		return x[0] < y[0] ? -1 : 1;
	return (x[1] > y[1]) - (x[1] < y[1]);
}

/* Builds ab_off/ab from the pairs (sorted, duplicates dropped). */
static void
m_index_atoms(struct matcher *m, struct m_pairs *pairs)
{
	size_t n = 0;

	if (pairs->n)
		qsort(pairs->v, pairs->n, sizeof(*pairs->v), m_pair_cmp);
	m->ab_off = xcalloc(m->natoms + 1, sizeof(*m->ab_off));
	m->ab = xcalloc(pairs->n + 1, sizeof(*m->ab));
	for (size_t i = 0; i < pairs->n; i++) {
		if (i && m_pair_cmp(pairs->v[i], pairs->v[i - 1]) == 0)
			continue;
		m->ab[n++] = pairs->v[i][1];
		m->ab_off[pairs->v[i][0] + 1]++;
	}
	for (size_t a = 0; a < m->natoms; a++)
		m->ab_off[a + 1] += m->ab_off[a];
}

/* True when node k holds of a text with no words at all. */
static bool
m_empty_true(const struct matcher *m, int32_t k)
{
	const struct mnode *nd = &m->nodes[k];
	int32_t c;

	switch (nd->op) {
	case MQ_AND:
		for (c = nd->kid; c >= 0; c = m->nodes[c].next)
			if (!m_empty_true(m, c))
				return false;
		return true;
	case MQ_OR:
		for (c = nd->kid; c >= 0; c = m->nodes[c].next)
			if (m_empty_true(m, c))
				return true;
		return false;
	case MQ_NOT: return !m_empty_true(m, nd->kid);
	default: return false;
	}
}

static int
m_name_cmp(const void *a, const void *b)
{
	return strcmp(((const struct mname *)a)->name, ((const struct mname *)b)->name);
}

/* Compiles one query of brand b into m; returns its root, or -1. */
static int32_t
m_compile(struct matcher *m, struct mq_tree *t, const struct conf_brand *b, const char *key,
          const char *query, uint32_t bi, struct m_pairs *pairs, char *err, size_t errlen)
{
	char msg[ES_ERRLEN];
	int col;
	bool cs = b->case_sensitive == 1;

	if (!query) {
		es_error(ES_EINVAL, err, errlen, "brand %s: no %s", b->name, key);
		return -1;
	}
	if (mq_parse(query, cs, t, msg, sizeof(msg), &col) != ES_OK) {
		es_error(ES_EPARSE, err, errlen, "brand %s: %s: %s at column %d", b->name, key, msg,
		         col);
		return -1;
	}
	return m_copy(m, t, cs, bi, pairs);
}

static bool
m_compile_brands(struct matcher *m, const struct conf *c, struct m_pairs *pairs, char *err,
                 size_t errlen)
{
	struct mq_tree t = {0};
	bool ok = true;

	for (size_t i = 0; ok && i < c->nbrands; i++) {
		const struct conf_brand *b = &c->brands[i];
		struct mbrand *mb = &m->brands[i];

		mb->name = xstrdup(b->name);
		mb->exclude = -1;
		m->has_cs |= b->case_sensitive == 1;
		mb->query = m_compile(m, &t, b, "query", b->query, (uint32_t)i, pairs, err, errlen);
		ok = mb->query >= 0;
		if (ok && b->exclude) {
			mb->exclude = m_compile(m, &t, b, "exclude", b->exclude, (uint32_t)i, NULL,
			                        err, errlen);
			ok = mb->exclude >= 0;
		}
		if (ok && m_empty_true(m, mb->query))
			m->always[m->nalways++] = i;
	}
	mq_tree_free(&t);
	return ok;
}

struct matcher *
matcher_new(const struct conf *c, char *err, size_t errlen)
{
	struct matcher *m = xcalloc(1, sizeof(*m));
	struct m_pairs pairs = {NULL, 0, 0};

	m->nbrands = c->nbrands;
	m->brands = xcalloc(c->nbrands + 1, sizeof(*m->brands));
	m->always = xcalloc(c->nbrands + 1, sizeof(*m->always));
	m->byname = xcalloc(c->nbrands + 1, sizeof(*m->byname));
	m_slots_grow(m);
	if (!m_compile_brands(m, c, &pairs, err, errlen)) {
		free(pairs.v);
		matcher_free(m);
		return NULL;
	}
	m_index_atoms(m, &pairs);
	m_filter_build(m);
	free(pairs.v);
	for (size_t i = 0; i < m->nbrands; i++)
		m->byname[i] = (struct mname){m->brands[i].name, i};
	if (m->nbrands)
		qsort(m->byname, m->nbrands, sizeof(*m->byname), m_name_cmp);
	return m;
}

void
matcher_free(struct matcher *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->nbrands; i++)
		free(m->brands[i].name);
	for (size_t i = 0; i < m->natoms; i++)
		free(m->atoms[i].str);
	free(m->brands);
	free(m->byname);
	free(m->always);
	free(m->atoms);
	free(m->slots);
	free(m->words);
	free(m->prefixes);
	free(m->nodes);
	free(m->ab_off);
	free(m->ab);
	free(m);
}

size_t
matcher_count(const struct matcher *m)
{
	return m->nbrands;
}

const char *
matcher_name(const struct matcher *m, size_t i)
{
	return i < m->nbrands ? m->brands[i].name : NULL;
}

enum es_err
match_check_query(const char *query, const struct conf_source *src, char *err, size_t errlen,
                  int *col)
{
	struct mq_tree t = {0};
	enum es_err rc = mq_parse(query, false, &t, err, errlen, col);

	(void)src;
	mq_tree_free(&t);
	return rc;
}

/* ---- matching: scratch ---- */

struct match_ctx *
match_ctx_new(void)
{
	return xcalloc(1, sizeof(struct match_ctx));
}

void
match_ctx_free(struct match_ctx *x)
{
	if (!x)
		return;
	free(x->atoms);
	free(x->cand);
	free(x->allow);
	free(x->list);
	free(x->out);
	free(x->hits);
	free(x->spans);
	free(x);
}

/* Sizes x for m and starts a new generation. */
static void
m_ctx_fit(const struct matcher *m, struct match_ctx *x)
{
	if (x->natoms < m->natoms) {
		x->atoms = xreallocarray(x->atoms, m->natoms, sizeof(*x->atoms));
		memset(x->atoms + x->natoms, 0, (m->natoms - x->natoms) * sizeof(*x->atoms));
		x->natoms = m->natoms;
	}
	if (x->nbrands < m->nbrands) {
		size_t n = m->nbrands;

		x->cand = xreallocarray(x->cand, n, sizeof(*x->cand));
		x->allow = xreallocarray(x->allow, n, sizeof(*x->allow));
		memset(x->cand + x->nbrands, 0, (n - x->nbrands) * sizeof(*x->cand));
		memset(x->allow + x->nbrands, 0, (n - x->nbrands) * sizeof(*x->allow));
		x->list = xreallocarray(x->list, n, sizeof(*x->list));
		x->out = xreallocarray(x->out, n, sizeof(*x->out));
		x->nbrands = n;
	}
	if (++x->gen == 0) {
		/* NOTE: after 2^32 calls the stamps could collide: clear them. */
		if (x->natoms)
			memset(x->atoms, 0, x->natoms * sizeof(*x->atoms));
		if (x->nbrands) {
			memset(x->cand, 0, x->nbrands * sizeof(*x->cand));
			memset(x->allow, 0, x->nbrands * sizeof(*x->allow));
		}
		x->gen = 1;
	}
	x->nhits = x->nlist = x->stop = 0;
}

static void
m_candidate(struct match_ctx *x, size_t b)
{
	if (x->cand[b] != x->gen) {
		x->cand[b] = x->gen;
		x->list[x->nlist++] = b;
	}
}

/* ---- matching: the scan ---- */

/* Records that atom occurs at word pos.  Past MATCH_MAX_HITS hits the
 * place is not kept, but the atom still counts as present. */
static void
m_hit(const struct matcher *m, struct match_ctx *x, uint32_t atom, uint32_t pos)
{
	struct astate *a = &x->atoms[atom];
	uint32_t h = M_NONE;

	if (x->nhits < MATCH_MAX_HITS) {
		if (x->nhits == x->hcap) {
			x->hcap = x->hcap ? x->hcap * 2 : 256;
			x->hits = xreallocarray(x->hits, x->hcap, sizeof(*x->hits));
		}
		h = (uint32_t)x->nhits;
		x->hits[x->nhits++] = (struct hit){pos, M_NONE};
	}
	if (a->seen == x->gen) {
		/* NOTE: once the cap is reached no later hit is kept, so an
		 * atom with no place kept (tail M_NONE) never gets one. */
		if (h != M_NONE) {
			x->hits[a->tail].next = h;
			a->tail = h;
		}
		return;
	}
	a->seen = x->gen;
	a->head = a->tail = h;
	for (uint32_t i = m->ab_off[atom]; i < m->ab_off[atom + 1]; i++)
		m_candidate(x, m->ab[i]);
}

/* Probes the table for len bytes of w in form f, whose table hash is h. */
static inline void
m_lookup(const struct matcher *m, struct match_ctx *x, uint64_t h, const unsigned char *w,
         size_t len, unsigned f, uint32_t pos)
{
	for (size_t i = h & m->mask;; i = (i + 1) & m->mask) {
		const struct slot *s = &m->slots[i];

		if (s->atom == M_NONE)
			return;
		if (s->hash == h && s->len == len && s->flags == f &&
		    memcmp(m->atoms[s->atom].str, w, len) == 0) {
			m_hit(m, x, s->atom, pos);
			return;
		}
	}
}

/* One form of a token; cs is 0 or MF_CS. */
struct m_form {
	const unsigned char *w;
	size_t len;
	unsigned cs;
	uint64_t hash; /* mt_hash() of w, when looked up whole */
};

#define M_WHOLE 1u  /* look the form up whole */
#define M_PREFIX 2u /* and by each prefix length in use */

static void
m_lookup_form(const struct matcher *m, struct match_ctx *x, const struct m_form *f, unsigned how,
              unsigned kind, uint32_t pos)
{
	unsigned cs = f->cs;
	uint64_t plens = m->plen[cs != 0] & (f->len >= 64 ? ~0ull : (1ull << f->len) - 1), h;

	if (how & M_WHOLE) {
		h = f->hash;
		if (m->forms & (1u << cs))
			m_lookup(m, x, m_fhash(h, cs), f->w, f->len, cs, pos);
		if (kind && (m->forms & (1u << (cs | kind))))
			m_lookup(m, x, m_fhash(h, cs | kind), f->w, f->len, cs | kind, pos);
	}
	while ((how & M_PREFIX) && plens) {
		size_t l = (size_t)__builtin_ctzll(plens) + 1;

		plens &= plens - 1;
		h = mt_hash(f->w, l);
		m_lookup(m, x, m_fhash(h, cs | MF_PREFIX), f->w, l, cs | MF_PREFIX, pos);
		if (kind && (m->forms & (1u << (cs | MF_PREFIX | kind))))
			m_lookup(m, x, m_fhash(h, cs | MF_PREFIX | kind), f->w, l,
			         cs | MF_PREFIX | kind, pos);
	}
}

/* What the filters let through (M_WHOLE, M_PREFIX) of a form of len
 * bytes, given low, its bytes with ASCII letters in lower case, and lowh,
 * their hash.  NOTE: the verdict is returned, not stored in a struct:
 * two byte stores read back as one word stall on store forwarding. */
static inline unsigned
m_filter(const struct matcher *m, uint64_t lowh, const unsigned char *low, size_t len, bool cut)
{
	/* NOTE: & rather than &&, since branches on word lengths mispredict;
	 * the prefix key may read bytes past a short word, in the buffer's
	 * spare room, and is then masked off.  No prefixes: pkey is 0 and the
	 * prefix bitmap is empty. */
	unsigned whole = (unsigned)!cut & (unsigned)m_bit(m->words, lowh, m->fshift);
	unsigned prefix = (unsigned)(len >= m->pkey) &
	                  (unsigned)m_bit(m->prefixes, m_pkey(low, m->pkey), m->fshift);

	return whole * M_WHOLE | prefix * M_PREFIX;
}

/* Looks both forms of token t up, where the filters let them through. */
static void
m_token(const struct matcher *m, struct match_ctx *x, const struct mt_tok *t, uint32_t pos)
{
	struct m_form fold = {t->fold, t->flen, 0, t->fhash};
	struct m_form keep = {t->keep, t->klen, MF_CS, 0};
	unsigned char low[MATCH_MAX_WORD + 8];
	unsigned how = m_filter(m, t->fhash, t->fold, t->flen, t->ftoolong);

	if (how)
		m_lookup_form(m, x, &fold, how, t->kind, pos);
	if (!m->has_cs)
		return;
	if (!t->ascii) { /* else the kept form lower-cased is the folded one */
		m_ascii_lower(t->keep, t->klen, low);
		memset(low + t->klen, 0, 8);
		how = m_filter(m, mt_hash(low, t->klen), low, t->klen, t->ktoolong);
	}
	if (how & M_WHOLE)
		keep.hash = mt_hash(t->keep, t->klen);
	if (how)
		m_lookup_form(m, x, &keep, how, t->kind, pos);
}

/* Tokenises s, numbering its words from *pos on. */
static void
m_scan(const struct matcher *m, struct match_ctx *x, const char *s, uint32_t *pos)
{
	struct mt_scan sc;

	mt_init(&sc, s, strlen(s), m->has_cs);
	while (mt_next(&sc, &x->tok))
		m_token(m, x, &x->tok, (*pos)++);
}

/* ---- matching: evaluation ---- */

static inline bool
m_seen(const struct match_ctx *x, const struct mnode *nd)
{
	return x->atoms[nd->atom].seen == x->gen;
}

static void
m_push(struct match_ctx *x, uint32_t s, uint32_t e)
{
	if (x->stop == x->scap) {
		x->scap = x->scap ? x->scap * 2 : 256;
		x->spans = xreallocarray(x->spans, x->scap, sizeof(*x->spans));
	}
	x->spans[x->stop++] = (struct span){s, e};
}

static int
m_span_cmp(const void *a, const void *b)
{
	const struct span *x = a, *y = b;

	if (x->s != y->s)
		return x->s < y->s ? -1 : 1;
	return (x->e > y->e) - (x->e < y->e);
}

/* Sorts the n spans at base, drops duplicates; returns how many remain. */
static size_t
m_span_sort(struct match_ctx *x, size_t base, size_t n)
{
	struct span *v;
	size_t w = 0;

	if (n == 0)
		return x->stop = base, 0;
	v = x->spans + base;
	qsort(v, n, sizeof(*v), m_span_cmp);
	for (size_t i = 0; i < n; i++)
		if (!w || v[i].s != v[w - 1].s || v[i].e != v[w - 1].e)
			v[w++] = v[i];
	x->stop = base + w;
	return w;
}

static size_t m_spans(const struct matcher *m, struct match_ctx *x, int32_t k, size_t cap);

static size_t
m_leaf_spans(struct match_ctx *x, const struct mnode *nd)
{
	size_t base = x->stop;

	if (!m_seen(x, nd))
		return 0;
	for (uint32_t h = x->atoms[nd->atom].head; h != M_NONE; h = x->hits[h].next)
		m_push(x, x->hits[h].pos, x->hits[h].pos);
	return x->stop - base;
}

/* Places where the phrase's words stand one after another: start from the
 * first word's hits and keep those followed by the i-th word i places on. */
static size_t
m_phrase_spans(const struct matcher *m, struct match_ctx *x, const struct mnode *nd)
{
	size_t base = x->stop;
	uint32_t i = 1;

	if (m_leaf_spans(x, &m->nodes[nd->kid]) == 0)
		return 0;
	for (int32_t c = m->nodes[nd->kid].next; c >= 0; c = m->nodes[c].next, i++) {
		const struct mnode *w = &m->nodes[c];
		uint32_t h = m_seen(x, w) ? x->atoms[w->atom].head : M_NONE;
		size_t out = base;

		for (size_t r = base; r < x->stop; r++) {
			uint32_t want = x->spans[r].s + i;

			while (h != M_NONE && x->hits[h].pos < want)
				h = x->hits[h].next;
			if (h != M_NONE && x->hits[h].pos == want)
				x->spans[out++] = (struct span){x->spans[r].s, want};
		}
		x->stop = out;
		if (out == base)
			return 0;
	}
	return x->stop - base;
}

static size_t
m_or_spans(const struct matcher *m, struct match_ctx *x, const struct mnode *nd)
{
	size_t base = x->stop;

	for (int32_t c = nd->kid; c >= 0; c = m->nodes[c].next)
		m_spans(m, x, c, MATCH_MAX_SPANS);
	return m_span_sort(x, base, x->stop - base);
}

/* Pairs of a left span and a right span with at most dist words between
 * them (left first when ordered); each pair yields the span covering both,
 * up to cap of them.  Both lists are sorted by start, so for each left
 * span only the right spans in a window around it are visited. */
static size_t
m_near_spans(const struct matcher *m, struct match_ctx *x, const struct mnode *nd, size_t cap)
{
	size_t base = x->stop, na, nb, out, lo = 0;
	uint32_t maxlen = 0;
	int64_t dist = nd->dist;

	if ((na = m_spans(m, x, nd->kid, MATCH_MAX_SPANS)) == 0 ||
	    (nb = m_spans(m, x, m->nodes[nd->kid].next, MATCH_MAX_SPANS)) == 0) {
		x->stop = base;
		return 0;
	}
	out = x->stop;
	for (size_t j = 0; j < nb; j++) {
		const struct span *b = &x->spans[base + na + j];

		if (b->e - b->s + 1 > maxlen)
			maxlen = b->e - b->s + 1;
	}
	for (size_t i = 0; i < na && x->stop - out < cap; i++) {
		struct span a = x->spans[base + i];
		int64_t lower = (int64_t)a.s - dist - maxlen;

		while (lo < nb && x->spans[base + na + lo].s < lower)
			lo++;
		for (size_t j = lo; j < nb && x->stop - out < cap; j++) {
			struct span b = x->spans[base + na + j];

			if ((int64_t)b.s > (int64_t)a.e + dist + 1)
				break;
			if (b.s > a.e && (int64_t)b.s - a.e - 1 <= dist)
				m_push(x, a.s, b.e);
			else if (!nd->ordered && b.e < a.s && (int64_t)a.s - b.e - 1 <= dist)
				m_push(x, b.s, a.e);
		}
	}
	memmove(x->spans + base, x->spans + out, (x->stop - out) * sizeof(*x->spans));
	return m_span_sort(x, base, x->stop - out);
}

/* Appends the places where node k holds at x->stop; returns how many.
 * A NEAR stops after cap pairs: its caller needs one (is it there?) or,
 * as a side of another NEAR, up to MATCH_MAX_SPANS. */
static size_t
m_spans(const struct matcher *m, struct match_ctx *x, int32_t k, size_t cap)
{
	const struct mnode *nd = &m->nodes[k];

	switch (nd->op) {
	case MQ_LEAF: return m_leaf_spans(x, nd);
	case MQ_PHRASE: return m_phrase_spans(m, x, nd);
	case MQ_OR: return m_or_spans(m, x, nd);
	case MQ_NEAR: return m_near_spans(m, x, nd, cap);
	default: return 0; /* the parser lets no AND or NOT under a NEAR */
	}
}

/* False when node k cannot hold because a word it needs never occurred:
 * a cheap test before any spans are computed. */
static bool
m_maybe(const struct matcher *m, const struct match_ctx *x, int32_t k)
{
	const struct mnode *nd = &m->nodes[k];
	int32_t c;

	switch (nd->op) {
	case MQ_LEAF: return m_seen(x, nd);
	case MQ_PHRASE:
		for (c = nd->kid; c >= 0; c = m->nodes[c].next)
			if (!m_seen(x, &m->nodes[c]))
				return false;
		return true;
	case MQ_NEAR: return m_maybe(m, x, nd->kid) && m_maybe(m, x, m->nodes[nd->kid].next);
	default: /* MQ_OR: the only other node a NEAR holds */
		for (c = nd->kid; c >= 0; c = m->nodes[c].next)
			if (m_maybe(m, x, c))
				return true;
		return false;
	}
}

static bool
m_eval(const struct matcher *m, struct match_ctx *x, int32_t k)
{
	const struct mnode *nd = &m->nodes[k];
	int32_t c;
	size_t top, n;

	switch (nd->op) {
	case MQ_LEAF: return m_seen(x, nd);
	case MQ_AND:
		for (c = nd->kid; c >= 0; c = m->nodes[c].next)
			if (!m_eval(m, x, c))
				return false;
		return true;
	case MQ_OR:
		for (c = nd->kid; c >= 0; c = m->nodes[c].next)
			if (m_eval(m, x, c))
				return true;
		return false;
	case MQ_NOT: return !m_eval(m, x, nd->kid);
	default: /* MQ_PHRASE, MQ_NEAR */
		if (!m_maybe(m, x, k))
			return false;
		top = x->stop;
		n = m_spans(m, x, k, 1);
		x->stop = top;
		return n > 0;
	}
}

/* Marks the brands src allows; false when it allows all of them. */
static bool
m_allow(const struct matcher *m, struct match_ctx *x, const struct conf_source *src)
{
	if (!src || !src->brands)
		return false;
	for (char **name = src->brands; *name; name++) {
		struct mname key = {*name, 0};
		const struct mname *f =
		        bsearch(&key, m->byname, m->nbrands, sizeof(*m->byname), m_name_cmp);

		if (f)
			x->allow[f->i] = x->gen;
	}
	return true;
}

static int
m_index_cmp(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;

	return (x > y) - (x < y);
}

/* Sorts n brand indices: by insertion when few, as they nearly always are. */
static void
m_sort_indices(size_t *v, size_t n)
{
	if (n > 16) {
		qsort(v, n, sizeof(*v), m_index_cmp);
		return;
	}
	for (size_t i = 1; i < n; i++) {
		size_t k = v[i], j = i;

		for (; j > 0 && v[j - 1] > k; j--)
			v[j] = v[j - 1];
		v[j] = k;
	}
}

size_t
matcher_run(const struct matcher *m, struct match_ctx *x, const char *title, const char *text,
            const struct conf_source *src, const size_t **brands)
{
	uint32_t pos = 0;
	size_t nout = 0;
	bool limited;

	m_ctx_fit(m, x);
	if (title)
		m_scan(m, x, title, &pos);
	pos += MATCH_NEAR_MAX + 2; /* NOTE: keeps phrases and NEAR inside one field */
	if (text)
		m_scan(m, x, text, &pos);
	for (size_t i = 0; i < m->nalways; i++)
		m_candidate(x, m->always[i]);
	limited = m_allow(m, x, src);
	m_sort_indices(x->list, x->nlist);
	for (size_t i = 0; i < x->nlist; i++) {
		const struct mbrand *b = &m->brands[x->list[i]];

		if (limited && x->allow[x->list[i]] != x->gen)
			continue;
		if (m_eval(m, x, b->query) && (b->exclude < 0 || !m_eval(m, x, b->exclude)))
			x->out[nout++] = x->list[i];
	}
	*brands = x->out;
	return nout;
}
