/* accuracy.c - earshot's scorer against human ratings.
 *
 * usage: accuracy [-l LEXICON] FILE...
 *
 * Each FILE holds ID<TAB>RATING<TAB>TEXT lines (the VADER ground-truth
 * format: mean human rating on -4..+4).  A rating or a score counts as
 * positive above +0.05, negative below -0.05, neutral between.  Prints per
 * file: rows, 3-class accuracy, binary accuracy over the rows where both the
 * rating and the score are non-neutral, Pearson r between rating and
 * compound, and the share of texts scored exactly 0.  The files are read in
 * place; nothing of them is copied. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/sentiment.h"

struct stats {
	size_t n, hit3, nbin, hitbin, zero;
	double sx, sy, sxx, syy, sxy;
};

static int
label(double x)
{
	return x > 0.05 ? 1 : x < -0.05 ? -1 : 0;
}

static void
add(struct stats *st, double truth, double score)
{
	int a = label(truth), b = label(score);

	st->n++;
	st->hit3 += a == b;
	if (a && b) {
		st->nbin++;
		st->hitbin += a == b;
	}
	st->zero += score == 0;
	st->sx += truth;
	st->sy += score;
	st->sxx += truth * truth;
	st->syy += score * score;
	st->sxy += truth * score;
}

static void
report(const char *path, const struct stats *st)
{
	double n = (double)st->n;
	double cov = st->sxy - st->sx * st->sy / n;
	double r = cov / sqrt((st->sxx - st->sx * st->sx / n) * (st->syy - st->sy * st->sy / n));
	const char *base = strrchr(path, '/');

	printf("%-40s rows %6zu  3-class %.3f  binary %.3f (%zu rows)  r %.3f  zero %.3f\n",
	       base ? base + 1 : path, st->n, st->hit3 / n, (double)st->hitbin / (double)st->nbin,
	       st->nbin, r, st->zero / n);
}

static int
run(const struct senti *s, const char *path)
{
	FILE *fp = fopen(path, "rb");
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	struct stats st = { 0 };

	if (!fp) {
		perror(path);
		return 1;
	}
	while ((len = getline(&line, &cap, fp)) > 0) {
		char *t1 = memchr(line, '\t', (size_t)len), *t2, *end;
		struct senti_score sc;
		double truth;

		if (!t1 || !(t2 = memchr(t1 + 1, '\t', (size_t)(line + len - t1 - 1))))
			continue;
		truth = strtod(t1 + 1, &end);
		if (end != t2)
			continue;
		while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			len--;
		senti_score(s, t2 + 1, (size_t)(line + len - t2 - 1), &sc);
		add(&st, truth, sc.compound);
	}
	free(line);
	fclose(fp);
	report(path, &st);
	return 0;
}

int
main(int argc, char **argv)
{
	const char *lex = NULL;
	char err[256];
	struct senti *s;
	int i = 1, rc = 0;

	if (argc > 2 && strcmp(argv[1], "-l") == 0) {
		lex = argv[2];
		i = 3;
	}
	if (i >= argc) {
		fprintf(stderr, "usage: accuracy [-l LEXICON] FILE...\n");
		return 2;
	}
	if (senti_new(lex, &s, err, sizeof(err)) != ES_OK) {
		fprintf(stderr, "accuracy: %s\n", err);
		return 1;
	}
	for (; i < argc; i++)
		rc |= run(s, argv[i]);
	senti_free(s);
	return rc;
}
