/* bench_match.c - time matcher_run() against the limit, memchr() over the
 * same bytes.
 *
 *   bench_match [-n MENTIONS] [-s BYTES] [-b BRANDS] [-t TERMS] [-c PERCENT]
 *               [-r SEED]
 *
 * Generates BRANDS brands of TERMS terms each (words, a phrase, a prefix, a
 * handle or hashtag, a NEAR, NOT exclusions, in rotating shapes; PERCENT,
 * default 33, of the terms are common words of the texts, the rest names
 * that only brands use; every seventh brand is case = sensitive) and
 * MENTIONS mentions of BYTES bytes each: Zipf-distributed words from a
 * 20,000-word vocabulary with capitals, punctuation, 2% accented words and
 * brand terms planted in a third of the mentions.  Everything comes from
 * one seeded generator, so a run is repeatable.  Mentions are made and
 * timed in chunks of 4096 (1.2 MB at 300 bytes: the chunk stays in cache
 * for both passes), and only the passes are timed. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "analysis/match.h"
#include "core/buf.h"
#include "core/conf.h"
#include "core/xalloc.h"

#define VOCAB 20000
#define CHUNK 4096

static uint64_t rng_state;

static uint64_t
rng(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static uint32_t
rng_below(uint32_t n)
{
	return (uint32_t)(rng() % n);
}

static char *vocab[VOCAB];
static double zipf_cdf[VOCAB];
static char **brand_terms; /* words that only brands use, planted in texts */
static size_t nbrand_terms;

/* A pronounceable lower-case word of 2..11 letters. */
static char *
make_word(void)
{
	static const char *const cons = "bcdfghjklmnprstvwz", *const vow = "aeiou";
	size_t len = 2 + rng_below(5) + rng_below(5);
	char *w = xmalloc(len + 1);

	for (size_t i = 0; i < len; i++)
		w[i] = i % 2 ? vow[rng_below(5)] : cons[rng_below(18)];
	w[len] = '\0';
	return w;
}

static void
make_vocab(void)
{
	double sum = 0;

	for (size_t i = 0; i < VOCAB; i++) {
		vocab[i] = make_word();
		sum += 1.0 / (double)(i + 1);
		zipf_cdf[i] = sum;
	}
	for (size_t i = 0; i < VOCAB; i++)
		zipf_cdf[i] /= sum;
}

static const char *
zipf_word(void)
{
	double u = (double)(rng() >> 11) / 9007199254740992.0;
	size_t lo = 0, hi = VOCAB - 1;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (zipf_cdf[mid] < u)
			lo = mid + 1;
		else
			hi = mid;
	}
	return vocab[lo];
}

static unsigned common_pct = 33;

/* A term for a brand: common_pct percent are ordinary words of the
 * vocabulary (they occur by chance), the rest brand-only names that are
 * planted; all of four letters or more. */
static const char *
brand_word(void)
{
	char *w;

	if (rng_below(100) < common_pct) {
		const char *v;

		while (strlen(v = vocab[rng_below(2000)]) < 4)
			;
		return v;
	}
	while (strlen(w = make_word()) < 4)
		free(w);
	brand_terms = xreallocarray(brand_terms, nbrand_terms + 1, sizeof(*brand_terms));
	brand_terms[nbrand_terms++] = w;
	return w;
}

/* Appends one brand of nterms terms, in one of five shapes. */
static void
add_brand(struct buf *conf, size_t i, size_t nterms)
{
	const char *w[64];

	for (size_t k = 0; k < nterms; k++)
		w[k] = brand_word();
	buf_printf(conf, "[brand b%zu]\nquery = ", i);
	switch (nterms < 5 ? 0 : i % 5) {
	case 0:
		for (size_t k = 0; k < nterms; k++)
			buf_printf(conf, "%s%s", k ? " OR " : "", w[k]);
		break;
	case 1:
		buf_printf(conf, "%s OR \"%s %s\" OR @%s OR #%s", w[0], w[1], w[2], w[3], w[4]);
		break;
	case 2:
		buf_printf(conf, "(%s OR %s OR %s*) NOT %s NOT \"%s x\"", w[0], w[1], w[2], w[3],
		           w[4]);
		break;
	case 3:
		buf_printf(conf, "%s NEAR/3 (%s OR %s) OR %s OR %s", w[0], w[1], w[2], w[3], w[4]);
		break;
	case 4:
		buf_printf(conf, "(%s AND %s) OR \"%s %s\" OR %s", w[0], w[1], w[2], w[3], w[4]);
		break;
	}
	for (size_t k = 5; k < nterms && nterms >= 5; k++)
		buf_printf(conf, " OR %s", w[k]);
	buf_puts(conf, "\n");
	if (i % 7 == 0)
		buf_puts(conf, "case = sensitive\n");
}

/* Writes one mention of exactly size bytes (NUL-terminated) into out. */
static void
make_mention(char *out, size_t size)
{
	size_t len = 0;
	bool plant = rng_below(3) == 0;

	while (len < size) {
		const char *w = plant && rng_below(20) == 0
		                        ? brand_terms[rng_below((uint32_t)nbrand_terms)]
		                        : zipf_word();
		size_t wl = strlen(w), r = rng_below(100);
		char word[64];

		snprintf(word, sizeof(word), "%s", w);
		if (r < 8)
			word[0] = (char)(word[0] - 32);
		if (r == 8 && wl > 2) /* an accented word: the slow path */
			snprintf(word, sizeof(word), "%.*s\xc3\xa9%s", 1, w, w + 2);
		for (const char *p = word; *p && len < size; p++)
			out[len++] = *p;
		if (len < size)
			out[len++] = r < 90 ? ' ' : r < 95 ? ',' : '.';
		if (len < size && r >= 90)
			out[len++] = ' ';
	}
	out[size] = '\0';
}

static double
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

int
main(int argc, char **argv)
{
	size_t n = 1000000, size = 300, nbrands = 50, nterms = 5, matched = 0, hits = 0;
	uint64_t seed = 1;
	double t_match = 0, t_memchr = 0;
	char err[ES_ERRLEN], *texts;
	struct buf conf;
	struct conf *c;
	struct matcher *m;
	struct match_ctx *x;
	int opt;

	while ((opt = getopt(argc, argv, "n:s:b:t:c:r:")) != -1) {
		size_t v = strtoul(optarg, NULL, 10);

		if (opt == 'n')
			n = v;
		else if (opt == 's')
			size = v;
		else if (opt == 'b')
			nbrands = v;
		else if (opt == 't')
			nterms = v < 1 ? 1 : v > 64 ? 64 : v;
		else if (opt == 'r')
			seed = v;
		else if (opt == 'c')
			common_pct = (unsigned)(v > 100 ? 100 : v);
		else
			return 2;
	}
	rng_state = seed;
	make_vocab();
	buf_init(&conf, 0);
	for (size_t i = 0; i < nbrands; i++)
		add_brand(&conf, i, nterms);
	c = conf_load_string(buf_str(&conf), "bench.conf");
	if (c->ndiags) {
		conf_diag_print(c, stderr);
		return 1;
	}
	if (!(m = matcher_new(c, err, sizeof(err)))) {
		fprintf(stderr, "bench_match: %s\n", err);
		return 1;
	}
	x = match_ctx_new();
	texts = xmalloc((size + 1) * CHUNK);
	for (size_t done = 0; done < n; done += CHUNK) {
		size_t k = n - done < CHUNK ? n - done : CHUNK;
		double t0, t1, t2;

		for (size_t i = 0; i < k; i++)
			make_mention(texts + i * (size + 1), size);
		t0 = now_ns();
		for (size_t i = 0; i < k; i++) {
			const size_t *b;
			size_t nb = matcher_run(m, x, NULL, texts + i * (size + 1), NULL, &b);

			matched += nb > 0;
			hits += nb;
		}
		t1 = now_ns();
		for (size_t i = 0; i < k; i++)
			hits += memchr(texts + i * (size + 1), '\x01', size) != NULL;
		t2 = now_ns();
		t_match += t1 - t0;
		t_memchr += t2 - t1;
	}
	printf("%zu mentions x %zu B, %zu brands x %zu terms, %u%% common (seed %llu): "
	       "match %.1f ns/mention (%.2f ns/B), memchr %.1f ns/mention; "
	       "%.1f%% matched a brand, %.3f brands/mention\n",
	       n, size, nbrands, nterms, common_pct, (unsigned long long)seed, t_match / (double)n,
	       t_match / (double)n / (double)size, t_memchr / (double)n,
	       100.0 * (double)matched / (double)n, (double)hits / (double)n);
	free(texts);
	match_ctx_free(x);
	matcher_free(m);
	conf_free(c);
	buf_free(&conf);
	for (size_t i = 0; i < VOCAB; i++)
		free(vocab[i]);
	for (size_t i = 0; i < nbrand_terms; i++)
		free(brand_terms[i]);
	free(brand_terms);
	return 0;
}
