/* speed.c - texts per second of earshot's scorer, and of a loop that only
 * cuts the same texts into words (the limit of any scorer that must look
 * at every word).
 *
 * usage: speed score|tokenize FILE [N]
 *
 * Reads FILE (one text a line) into memory, then times one pass over its
 * first N lines (all by default) and prints "NAME<TAB>TEXTS<TAB>SECONDS<TAB>
 * TEXTS_PER_SECOND", SECONDS in CPU time of the process (the peers measure
 * the same).  The checksum line keeps the compiler from dropping
 * the work. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "analysis/sentiment.h"

struct text {
	const char *p;
	size_t n;
};

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static char *
slurp(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	char *p;
	long n;

	if (!fp || fseek(fp, 0, SEEK_END) != 0 || (n = ftell(fp)) < 0) {
		perror(path);
		exit(1);
	}
	rewind(fp);
	p = malloc((size_t)n + 1);
	if (!p || fread(p, 1, (size_t)n, fp) != (size_t)n) {
		perror(path);
		exit(1);
	}
	fclose(fp);
	p[n] = '\0';
	*len = (size_t)n;
	return p;
}

/* The tokenising limit: every byte classified, each word lowercased and
 * hashed (FNV-1a) as the scorer does before its one table lookup. */
static uint32_t
tokenize(const char *p, size_t n)
{
	uint32_t acc = 0, h = 2166136261u;
	int inword = 0;

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];
		int w = (unsigned)(c - '0') < 10u || (unsigned)((c | 32) - 'a') < 26u || c >= 0x80 ||
			c == '\'';

		if (w) {
			h = (h ^ (unsigned)((unsigned)(c - 'A') < 26u ? c + 32 : c)) * 16777619u;
			inword = 1;
		} else if (inword) {
			acc += h;
			h = 2166136261u;
			inword = 0;
		}
	}
	return acc + (inword ? h : 0);
}

int
main(int argc, char **argv)
{
	size_t len, nt = 0, cap = 1 << 20, limit;
	char *data, *p, err[256];
	struct text *t;
	struct senti *s = NULL;
	double t0, t1, sum = 0;
	int score;

	if (argc < 3 || (strcmp(argv[1], "score") && strcmp(argv[1], "tokenize"))) {
		fprintf(stderr, "usage: speed score|tokenize FILE [N]\n");
		return 2;
	}
	score = strcmp(argv[1], "score") == 0;
	limit = argc > 3 ? strtoul(argv[3], NULL, 10) : SIZE_MAX;
	data = slurp(argv[2], &len);
	t = malloc(cap * sizeof(*t));
	for (p = data; p < data + len && nt < limit;) {
		char *nl = memchr(p, '\n', (size_t)(data + len - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(data + len - p);

		if (nt == cap)
			t = realloc(t, (cap *= 2) * sizeof(*t));
		t[nt].p = p;
		t[nt++].n = n;
		p += n + 1;
	}
	if (score && senti_new(NULL, &s, err, sizeof(err)) != ES_OK) {
		fprintf(stderr, "speed: %s\n", err);
		return 1;
	}
	t0 = now();
	for (size_t i = 0; i < nt; i++) {
		if (score) {
			struct senti_score sc;

			senti_score(s, t[i].p, t[i].n, &sc);
			sum += sc.compound;
		} else {
			sum += tokenize(t[i].p, t[i].n);
		}
	}
	t1 = now();
	printf("earshot-%s\t%zu\t%.3f\t%.0f\n", argv[1], nt, t1 - t0, nt / (t1 - t0));
	fprintf(stderr, "checksum %.6f\n", sum);
	senti_free(s);
	free(t);
	free(data);
	return 0;
}
