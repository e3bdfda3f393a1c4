/* score.c - scores spike alarms against labelled anomaly windows, next to
 * a mean + 3 sigma over the last 24 h detector run on the same series.
 *
 *   score WINDOWS.json SERIES.csv ALARMS.tsv [SERIES.csv ALARMS.tsv ...]
 *
 * ALARMS.tsv is the output of `earshot detect` (first column: the window
 * start).  WINDOWS.json maps a series' file name to [[start, end], ...].
 * For each detector and series: windows caught (an alarm inside, ends
 * included), false alarms (alarms outside every window; alarms less than
 * an hour after the previous one are counted once), and F1 over windows
 * with precision = caught / (caught + false alarms), recall = caught /
 * windows.  Run by hand from bench/detect/run; never in ctest. */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/when.h"

#define MAXW 64
#define HOUR 3600

struct times {
	int64_t *t;
	double *v;
	size_t n, cap;
};

struct tally {
	int windows, caught, false_alarms, alarms;
};

static void
push(struct times *a, int64_t t, double v)
{
	if (a->n == a->cap) {
		a->cap = a->cap ? 2 * a->cap : 4096;
		a->t = realloc(a->t, a->cap * sizeof(*a->t));
		a->v = realloc(a->v, a->cap * sizeof(*a->v));
		if (!a->t || !a->v)
			abort();
	}
	a->t[a->n] = t;
	a->v[a->n++] = v;
}

/* Reads "TIMESTAMP<sep>VALUE..." lines, skipping a header. */
static int
read_times(const char *path, char sep, struct times *out)
{
	FILE *fp = fopen(path, "r");
	char line[4096];

	if (!fp)
		return perror(path), -1;
	while (fgets(line, sizeof(line), fp)) {
		char *c = strchr(line, sep);
		int64_t t;

		if (!c)
			continue;
		*c = '\0';
		if (when_parse_iso(line, &t) == ES_OK)
			push(out, t, strtod(c + 1, NULL));
	}
	fclose(fp);
	return 0;
}

static size_t
read_windows(const char *json_path, const char *series, int64_t w[][2])
{
	FILE *fp = fopen(json_path, "r");
	static char text[1 << 20];
	size_t len, n = 0;
	const char *base = strrchr(series, '/') ? strrchr(series, '/') + 1 : series;
	cJSON *root, *list, *pair;

	if (!fp || (len = fread(text, 1, sizeof(text) - 1, fp)) == 0)
		return perror(json_path), 0;
	fclose(fp);
	text[len] = '\0';
	root = cJSON_Parse(text);
	list = cJSON_GetObjectItemCaseSensitive(root, base);
	cJSON_ArrayForEach(pair, list)
	{
		char s[32], e[32];

		/* "2015-03-03 04:37:53.000000": drop the fraction */
		snprintf(s, sizeof(s), "%.19s", cJSON_GetArrayItem(pair, 0)->valuestring);
		snprintf(e, sizeof(e), "%.19s", cJSON_GetArrayItem(pair, 1)->valuestring);
		if (n < MAXW && when_parse_iso(s, &w[n][0]) == ES_OK &&
		    when_parse_iso(e, &w[n][1]) == ES_OK)
			n++;
	}
	cJSON_Delete(root);
	return n;
}

static struct tally
tally(const struct times *alarms, int64_t w[][2], size_t nw)
{
	struct tally t = {.windows = (int)nw, .alarms = (int)alarms->n};
	int64_t last_false = INT64_MIN;

	for (size_t k = 0; k < nw; k++)
		for (size_t i = 0; i < alarms->n; i++)
			if (alarms->t[i] >= w[k][0] && alarms->t[i] <= w[k][1]) {
				t.caught++;
				break;
			}
	for (size_t i = 0; i < alarms->n; i++) {
		bool inside = false;

		for (size_t k = 0; k < nw; k++)
			inside |= alarms->t[i] >= w[k][0] && alarms->t[i] <= w[k][1];
		if (inside)
			continue;
		if (last_false == INT64_MIN || alarms->t[i] - last_false > HOUR)
			t.false_alarms++;
		last_false = alarms->t[i];
	}
	return t;
}

/* mean + 3 sigma of the previous 24 h of points (from the first full day). */
static void
naive(const struct times *s, struct times *alarms)
{
	size_t j = 0;
	double sum = 0, sq = 0;

	for (size_t i = 0; i < s->n; i++) {
		while (s->t[j] < s->t[i] - 24 * HOUR) {
			sum -= s->v[j];
			sq -= s->v[j] * s->v[j];
			j++;
		}
		if (s->t[i] - s->t[0] >= 24 * HOUR && i > j) {
			double n = (double)(i - j), mean = sum / n;
			double sd = sqrt(fmax(0, sq / n - mean * mean));

			if (s->v[i] > mean + 3 * sd)
				push(alarms, s->t[i], s->v[i]);
		}
		sum += s->v[i];
		sq += s->v[i] * s->v[i];
	}
}

static double
f1(struct tally t)
{
	double p = t.caught + t.false_alarms ? (double)t.caught / (t.caught + t.false_alarms) : 0;
	double r = t.windows ? (double)t.caught / t.windows : 0;

	return p + r > 0 ? 2 * p * r / (p + r) : 0;
}

static void
row(const char *name, const char *det, struct tally t)
{
	printf("%-24s %-10s %2d/%-2d %7d %7d %6.3f\n", name, det, t.caught, t.windows,
	       t.false_alarms, t.alarms, f1(t));
}

static void
add(struct tally *a, struct tally b)
{
	a->windows += b.windows;
	a->caught += b.caught;
	a->false_alarms += b.false_alarms;
	a->alarms += b.alarms;
}

int
main(int argc, char **argv)
{
	struct tally total_e = {0}, total_n = {0};

	if (argc < 4 || argc % 2)
		return fprintf(stderr, "usage: score WINDOWS.json (SERIES.csv ALARMS.tsv)...\n"), 2;
	printf("%-24s %-10s %5s %7s %7s %6s\n", "series", "detector", "caught", "false", "alarms",
	       "F1");
	for (int i = 2; i + 1 < argc; i += 2) {
		struct times s = {0}, ea = {0}, na = {0};
		int64_t w[MAXW][2];
		size_t nw = read_windows(argv[1], argv[i], w);
		const char *base = strrchr(argv[i], '/') ? strrchr(argv[i], '/') + 1 : argv[i];
		struct tally te, tn;

		if (read_times(argv[i], ',', &s) < 0 || read_times(argv[i + 1], '\t', &ea) < 0)
			return 1;
		naive(&s, &na);
		te = tally(&ea, w, nw);
		tn = tally(&na, w, nw);
		row(base, "earshot", te);
		row(base, "mean+3sd", tn);
		add(&total_e, te);
		add(&total_n, tn);
		free(s.t), free(s.v), free(ea.t), free(ea.v), free(na.t), free(na.v);
	}
	row("total", "earshot", total_e);
	row("total", "mean+3sd", total_n);
	return 0;
}
