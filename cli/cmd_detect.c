/* cmd_detect.c - earshot detect: the spike detector over a timestamp,value
 * CSV, one line per spike.  The output is a contract people backtest with:
 *
 *   TIMESTAMP<TAB>VALUE<TAB>BASELINE<TAB>SCORE
 *
 * TIMESTAMP is the start of the window's last interval (the row whose count
 * made it a spike; with the default window, the row itself) in ISO 8601
 * UTC, VALUE the window's count (%.15g), BASELINE the count expected in the
 * window and SCORE the z-score (both %.2f).
 *
 * Input: a header naming the columns timestamp and value, then one row per
 * interval.  The interval is the most common gap between rows; a row counts
 * for the interval that starts at the grid point nearest its timestamp
 * (grid from the first row); missing intervals are zero.  Rows may come in
 * any order.  Bad input is reported as FILE:LINE: message, exit 1. */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alerts/spike.h"
#include "cli/cmd.h"
#include "core/units.h"
#include "core/when.h"
#include "core/xalloc.h"

#define DETECT_MAX_LINE 4096        /* bytes in one CSV line */
#define DETECT_MAX_ROWS 20000000    /* rows in one file */
#define DETECT_MAX_BUCKETS 10000000 /* intervals from the first row to the last */
#define DETECT_MAX_COUNT 1e12       /* a row's value, and --min-count */
#define DETECT_FILL_RATIO 1000      /* intervals per row, at most, beyond... */
#define DETECT_SLACK 100000         /* ...this many */
#define DETECT_UNCLOSED (-1)        /* detect_split: a quote is not closed */
#define DETECT_AFTER_QUOTE (-2)     /* detect_split: text after a closing quote */

struct detect_row {
	int64_t t; /* Unix seconds */
	double v;
	long line;
};

struct detect_input {
	const char *name; /* for messages: the path, or "stdin" */
	struct detect_row *rows;
	size_t n, cap;
	bool unsorted;
};

/* ---- options -------------------------------------------------------- */

struct detect_args {
	struct spike_params p;
	bool window_given;
	const char *path; /* NULL or "-": stdin */
};

static int
detect_duration(const char *opt, const char *val, int64_t *ms)
{
	if (units_parse_duration(val, ms) != ES_OK || *ms < 0)
		return cli_usage_error("detect", "%s: bad duration '%s' (e.g. 5m, 1h, 7d)", opt,
		                       val);
	return EXIT_OK;
}

static int
detect_number(const char *opt, const char *val, double *x)
{
	char *end;

	errno = 0;
	*x = strtod(val, &end);
	if (end == val || *end || errno || !isfinite(*x) || *x < 0)
		return cli_usage_error("detect", "%s: bad number '%s'", opt, val);
	return EXIT_OK;
}

/* Applies one option; returns EXIT_OK or EXIT_USAGE. */
static int
detect_option(struct detect_args *a, int c, const char *val)
{
	double x;
	int st;

	switch (c) {
	case 'w': a->window_given = true; return detect_duration("--window", val, &a->p.window_ms);
	case 'b': return detect_duration("--baseline", val, &a->p.baseline_ms);
	case 'c': return detect_duration("--cooldown", val, &a->p.cooldown_ms);
	case 't':
		if ((st = detect_number("--threshold", val, &x)) == EXIT_OK && x == 0)
			return cli_usage_error("detect", "--threshold must be above 0");
		a->p.threshold = x;
		return st;
	case 'm':
		if ((st = detect_number("--min-count", val, &x)) == EXIT_OK &&
		    (x != floor(x) || x > DETECT_MAX_COUNT))
			return cli_usage_error("detect",
			                       "--min-count must be a whole number up to 1e12");
		a->p.min_count = (int64_t)x;
		return st;
	default: return EXIT_USAGE;
	}
}

static int
detect_parse_args(struct detect_args *a, int argc, char **argv)
{
	static const struct option longopts[] = {
	        {"window", required_argument, NULL, 'w'},
	        {"baseline", required_argument, NULL, 'b'},
	        {"threshold", required_argument, NULL, 't'},
	        {"min-count", required_argument, NULL, 'm'},
	        {"cooldown", required_argument, NULL, 'c'},
	        {NULL, 0, NULL, 0},
	};
	int c, st;

	spike_params_default(&a->p);
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (c == '?' && optopt)
			return cli_usage_error("detect", "%s needs a value", argv[optind - 1]);
		if (c == '?')
			return cli_usage_error("detect", "unknown option '%s'", argv[optind - 1]);
		if ((st = detect_option(a, c, optarg)) != EXIT_OK)
			return st;
	}
	if (argc - optind > 1)
		return cli_usage_error("detect", "one input file at most");
	a->path = optind < argc ? argv[optind] : NULL;
	return EXIT_OK;
}

/* ---- CSV ------------------------------------------------------------ */

/* Unquotes the field that starts with the quote at r, writing from *w;
 * returns what follows the closing quote, or NULL when there is none. */
static char *
detect_unquote(char *r, char **w)
{
	for (r++;; r++) {
		if (!*r)
			return NULL;
		if (*r == '"' && r[1] != '"')
			return r + 1;
		*(*w)++ = *r == '"' ? *++r : *r;
	}
}

static char *
detect_skip_blanks(char *r)
{
	while (*r == ' ' || *r == '\t')
		r++;
	return r;
}

/* Splits line in place into fields (RFC 4180 quoting, spaces around
 * fields trimmed).  Returns the number of fields (at most max are stored),
 * DETECT_UNCLOSED when a quote is not closed, or DETECT_AFTER_QUOTE when
 * text follows a closing quote. */
static int
detect_split(char *line, char **f, int max)
{
	int n = 0;
	char *r = line;

	for (;;) {
		char *w, *start;

		w = start = r = detect_skip_blanks(r);
		if (*r == '"') {
			if (!(r = detect_unquote(r, &w)))
				return DETECT_UNCLOSED;
			if (*(r = detect_skip_blanks(r)) && *r != ',')
				return DETECT_AFTER_QUOTE;
		} else {
			while (*r && *r != ',')
				*w++ = *r++;
			while (w > start && (w[-1] == ' ' || w[-1] == '\t'))
				w--;
		}
		if (n < max)
			f[n] = start;
		n++;
		if (!*r) {
			*w = '\0';
			return n;
		}
		r++; /* past the comma, before w may overwrite it */
		*w = '\0';
	}
}

static bool
detect_two_digits(const char *p, int *v)
{
	if (!isdigit((unsigned char)p[0]) || !isdigit((unsigned char)p[1]))
		return false;
	*v = (p[0] - '0') * 10 + (p[1] - '0');
	return true;
}

/* Parses the fraction and zone that may follow "YYYY-MM-DDTHH:MM:SS":
 * [.digits] then nothing, Z, +HH:MM, +HHMM or the same with '-'. */
static enum es_err
detect_parse_zone(const char *p, int64_t *off)
{
	int hh, mm, sign;

	*off = 0;
	if (*p == '.' || *p == ',') {
		if (!isdigit((unsigned char)*++p))
			return ES_EPARSE;
		while (isdigit((unsigned char)*p))
			p++;
	}
	if (!*p || (*p == 'Z' && !p[1]))
		return ES_OK;
	if (*p != '+' && *p != '-')
		return ES_EPARSE;
	sign = *p++ == '-' ? -1 : 1;
	if (!detect_two_digits(p, &hh))
		return ES_EPARSE;
	p += p[2] == ':' ? 3 : 2;
	if (!detect_two_digits(p, &mm) || p[2] || hh > 23 || mm > 59)
		return ES_EPARSE;
	*off = sign * (hh * 3600 + mm * 60);
	return ES_OK;
}

/* "YYYY-MM-DD HH:MM:SS", or ISO 8601 with an optional fraction (dropped)
 * and zone.  NOTE: until parsers/date lands, when_parse_iso reads the rest. */
static enum es_err
detect_parse_time(const char *s, int64_t *t)
{
	char head[20];
	int64_t off;

	if (strlen(s) <= 20)
		return when_parse_iso(s, t);
	memcpy(head, s, 19);
	head[19] = '\0';
	if (detect_parse_zone(s + 19, &off) != ES_OK || when_parse_iso(head, t) != ES_OK)
		return ES_EPARSE;
	*t -= off;
	return ES_OK;
}

static bool
detect_is_header(char *line)
{
	char *f[3];

	if (detect_split(line, f, 3) != 2)
		return false;
	return strcasecmp(f[0], "timestamp") == 0 && strcasecmp(f[1], "value") == 0;
}

static enum es_err
detect_row(struct detect_input *in, char *line, long lineno, char *err, size_t errlen)
{
	struct detect_row row = {.line = lineno};
	char *f[3], *end;
	int nf = detect_split(line, f, 3);

	if (nf == DETECT_UNCLOSED)
		return es_error(ES_EPARSE, err, errlen, "%s:%ld: unclosed quote", in->name, lineno);
	if (nf == DETECT_AFTER_QUOTE)
		return es_error(ES_EPARSE, err, errlen, "%s:%ld: text after a closing quote",
		                in->name, lineno);
	if (nf != 2)
		return es_error(ES_EPARSE, err, errlen, "%s:%ld: expected 2 fields, found %d",
		                in->name, lineno, nf);
	if (detect_parse_time(f[0], &row.t) != ES_OK)
		return es_error(ES_EPARSE, err, errlen,
		                "%s:%ld: bad timestamp '%.64s' (expected YYYY-MM-DD HH:MM:SS or "
		                "ISO 8601)",
		                in->name, lineno, f[0]);
	errno = 0;
	row.v = strtod(f[1], &end);
	if (end == f[1] || *end || errno || !isfinite(row.v) || row.v < 0 ||
	    row.v > DETECT_MAX_COUNT)
		return es_error(ES_EPARSE, err, errlen,
		                "%s:%ld: bad value '%.64s' (expected a count from 0 to 1e12)",
		                in->name, lineno, f[1]);
	if (in->n == DETECT_MAX_ROWS)
		return es_error(ES_ETOOBIG, err, errlen, "%s:%ld: more than %d rows", in->name,
		                lineno, DETECT_MAX_ROWS);
	if (in->n == in->cap)
		in->rows = xreallocarray(in->rows, in->cap = in->cap ? 2 * in->cap : 1024,
		                         sizeof(*in->rows));
	if (in->n && row.t < in->rows[in->n - 1].t)
		in->unsorted = true;
	in->rows[in->n++] = row;
	return ES_OK;
}

/* Reads the header and every row of fp. */
static enum es_err
detect_read(struct detect_input *in, FILE *fp, char *err, size_t errlen)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	long lineno = 0;
	enum es_err rc = ES_OK;
	bool header = false;

	while (rc == ES_OK && (len = getline(&line, &cap, fp)) >= 0) {
		char *s = line;

		lineno++;
		while (len > 0 && (s[len - 1] == '\n' || s[len - 1] == '\r'))
			s[--len] = '\0';
		if (lineno == 1 && strncmp(s, "\xEF\xBB\xBF", 3) == 0)
			s += 3;
		if (len > DETECT_MAX_LINE)
			rc = es_error(ES_ETOOBIG, err, errlen, "%s:%ld: line longer than %d bytes",
			              in->name, lineno, DETECT_MAX_LINE);
		else if (!header && !(header = detect_is_header(s)))
			rc = es_error(ES_EPARSE, err, errlen,
			              "%s:%ld: expected the header timestamp,value", in->name,
			              lineno);
		else if (lineno > 1 && *s)
			rc = detect_row(in, s, lineno, err, errlen);
	}
	free(line);
	if (rc == ES_OK && ferror(fp))
		rc = es_error(ES_EIO, err, errlen, "%s: %s", in->name, strerror(errno));
	if (rc == ES_OK && !header)
		rc = es_error(ES_EPARSE, err, errlen,
		              "%s: empty (expected the header timestamp,value)", in->name);
	return rc;
}

/* ---- series --------------------------------------------------------- */

static int
detect_cmp_row(const void *a, const void *b)
{
	const struct detect_row *x = a, *y = b;

	if (x->t != y->t)
		return x->t < y->t ? -1 : 1;
	return x->line < y->line ? -1 : x->line > y->line;
}

static int
detect_cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

/* The most common gap between consecutive rows (sorted, no repeats); the
 * smaller one on a tie. */
static int64_t
detect_interval(const struct detect_row *rows, size_t n)
{
	int64_t *gap = xmalloc((n - 1) * sizeof(*gap)), best = 0;
	size_t run = 0, bestrun = 0;

	for (size_t i = 1; i < n; i++)
		gap[i - 1] = rows[i].t - rows[i - 1].t;
	qsort(gap, n - 1, sizeof(*gap), detect_cmp_i64);
	for (size_t i = 0; i < n - 1; i++) {
		run = i && gap[i] == gap[i - 1] ? run + 1 : 1;
		if (run > bestrun) {
			bestrun = run;
			best = gap[i];
		}
	}
	free(gap);
	return best;
}

/* Sorts the rows and refuses repeated timestamps. */
static enum es_err
detect_sort(struct detect_input *in, char *err, size_t errlen)
{
	if (in->unsorted)
		qsort(in->rows, in->n, sizeof(*in->rows), detect_cmp_row);
	for (size_t i = 1; i < in->n; i++)
		if (in->rows[i].t == in->rows[i - 1].t)
			return es_error(ES_EPARSE, err, errlen,
			                "%s:%ld: the timestamp of line %ld again", in->name,
			                in->rows[i].line, in->rows[i - 1].line);
	return ES_OK;
}

/* Refuses a span of nb intervals that the rows cannot plausibly fill (a
 * mistyped year makes millions of empty intervals), naming the largest gap. */
static enum es_err
detect_check_span(const struct detect_input *in, int64_t step, int64_t nb, char *err, size_t errlen)
{
	size_t gap = 1;
	char d[32];

	if (nb <= DETECT_MAX_BUCKETS && nb <= DETECT_FILL_RATIO * (int64_t)in->n + DETECT_SLACK)
		return ES_OK;
	for (size_t i = 2; i < in->n; i++)
		if (in->rows[i].t - in->rows[i - 1].t > in->rows[gap].t - in->rows[gap - 1].t)
			gap = i;
	return es_error(ES_ETOOBIG, err, errlen,
	                "%s:%ld: %lld intervals of %s after line %ld; the rows fill too little "
	                "of their span (is a timestamp wrong?)",
	                in->name, in->rows[gap].line,
	                (long long)((in->rows[gap].t - in->rows[gap - 1].t) / step),
	                units_fmt_duration(step * 1000, d, sizeof(d)), in->rows[gap - 1].line);
}

/* Lays the sorted rows on the grid of step seconds from the first row. */
static double *
detect_grid(const struct detect_input *in, int64_t step, size_t *nb, char *err, size_t errlen)
{
	const struct detect_row *r = in->rows;
	int64_t last = (r[in->n - 1].t - r[0].t + step / 2) / step;
	double *counts;
	size_t prev = 0;

	if (detect_check_span(in, step, last + 1, err, errlen) != ES_OK)
		return NULL;
	*nb = (size_t)last + 1;
	counts = xcalloc(*nb, sizeof(*counts));
	for (size_t i = 0; i < in->n; i++) {
		size_t k = (size_t)((r[i].t - r[0].t + step / 2) / step);

		if (i && k == (size_t)((r[prev].t - r[0].t + step / 2) / step)) {
			char d[32];

			es_error(ES_EPARSE, err, errlen,
			         "%s:%ld: falls in the same %s interval as line %ld", in->name,
			         r[i].line, units_fmt_duration(step * 1000, d, sizeof(d)),
			         r[prev].line);
			free(counts);
			return NULL;
		}
		counts[k] = r[i].v;
		prev = i;
	}
	return counts;
}

struct detect_out {
	FILE *fp;
	int64_t step_ms; /* the data's interval */
};

static enum es_err
detect_print(const struct spike_result *r, void *arg)
{
	const struct detect_out *o = arg;
	char ts[WHEN_ISOLEN];

	fprintf(o->fp, "%s\t%.15g\t%.2f\t%.2f\n", when_fmt_iso((r->end_ms - o->step_ms) / 1000, ts),
	        r->value, r->baseline, r->score);
	return ES_OK;
}

/* Fills in the window from the data and checks the parameters. */
static int
detect_prepare(struct detect_args *a, int64_t step)
{
	char err[ES_ERRLEN];

	if (!a->window_given)
		a->p.window_ms = step * 1000;
	if (spike_params_check(&a->p, step * 1000, err, sizeof(err)) != ES_OK)
		return cli_usage_error("detect", "%s", err);
	return EXIT_OK;
}

/* Says so when the series is too short for any window to be tested. */
static void
detect_note_short(const struct detect_args *a, const struct detect_input *in, int64_t step)
{
	char have[32], need[32];
	int64_t span = (in->rows[in->n - 1].t - in->rows[0].t + step) * 1000;

	if (span - a->p.window_ms < spike_need_ms(&a->p))
		fprintf(stderr,
		        "earshot detect: note: %s covers %s, less than the %s of history needed "
		        "before the first window can be tested\n",
		        in->name, units_fmt_duration(span, have, sizeof(have)),
		        units_fmt_duration(spike_need_ms(&a->p), need, sizeof(need)));
}

static int
detect_run(struct detect_args *a, struct detect_input *in)
{
	char err[ES_ERRLEN];
	struct spike_series s = {0};
	struct detect_out out;
	double *counts;
	int64_t step;
	int st;

	if (detect_sort(in, err, sizeof(err)) != ES_OK)
		return fprintf(stderr, "earshot detect: %s\n", err), EXIT_FAIL;
	if (in->n < 2) {
		fprintf(stderr, "earshot detect: note: %s has fewer than two rows\n", in->name);
		return EXIT_OK;
	}
	step = detect_interval(in->rows, in->n);
	if ((st = detect_prepare(a, step)) != EXIT_OK)
		return st;
	if (!(counts = detect_grid(in, step, &s.n, err, sizeof(err))))
		return fprintf(stderr, "earshot detect: %s\n", err), EXIT_FAIL;
	detect_note_short(a, in, step);
	s.start_ms = in->rows[0].t * 1000;
	s.bucket_ms = step * 1000;
	s.counts = counts;
	out.fp = stdout;
	out.step_ms = s.bucket_ms;
	st = spike_scan(&a->p, &s, detect_print, &out, err, sizeof(err)) == ES_OK ? EXIT_OK
	                                                                          : EXIT_FAIL;
	if (st != EXIT_OK)
		fprintf(stderr, "earshot detect: %s\n", err);
	free(counts);
	return st;
}

int
cmd_detect(struct cli *cli, int argc, char **argv)
{
	struct detect_args a = {0};
	struct detect_input in = {0};
	char err[ES_ERRLEN];
	FILE *fp = stdin;
	int st;

	(void)cli;
	if ((st = detect_parse_args(&a, argc, argv)) != EXIT_OK)
		return st;
	in.name = a.path && strcmp(a.path, "-") != 0 ? a.path : "stdin";
	if (a.path && strcmp(a.path, "-") != 0 && !(fp = fopen(a.path, "r"))) {
		fprintf(stderr, "earshot detect: %s: %s\n", a.path, strerror(errno));
		return EXIT_FAIL;
	}
	if (detect_read(&in, fp, err, sizeof(err)) != ES_OK) {
		fprintf(stderr, "earshot detect: %s\n", err);
		st = EXIT_FAIL;
	} else {
		st = detect_run(&a, &in);
	}
	if (fp != stdin)
		fclose(fp);
	free(in.rows);
	if (st == EXIT_OK && (fflush(stdout) != 0 || ferror(stdout)))
		return fprintf(stderr, "earshot detect: writing: %s\n", strerror(errno)), EXIT_FAIL;
	return st;
}
