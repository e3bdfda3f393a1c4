/* cmd_sentiment.c - earshot sentiment: score lines of text from stdin.
 *
 * One output line per input line, in order: COMPOUND<TAB>LABEL, or with
 * --json {"compound":..,"label":..,"pos":..,"neu":..,"neg":..}.  Memory is
 * constant: a line longer than MENTION_MAX_TEXT is scored on its first
 * MENTION_MAX_TEXT bytes (the most of a mention's text the store keeps) and
 * the rest is skipped.  Output is flushed whenever input would block, so
 * the command works at the end of a live pipe. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/sentiment.h"
#include "cli/cmd.h"
#include "core/buf.h"
#include "core/jsonw.h"
#include "core/utf8.h"
#include "core/xalloc.h"
#include "parsers/mention.h"

#define LINE_MAX_BYTES MENTION_MAX_TEXT
#define READ_CHUNK 65536

struct lines {
	FILE *fp;
	char *buf;           /* LINE_MAX_BYTES + READ_CHUNK bytes */
	size_t start, end;   /* unread bytes are buf[start..end) */
	int eof;
	int skipping;        /* dropping the rest of an over-long line */
};

/* Moves the unread bytes to the front and reads more; flushes stdout first
 * since the read may block.  Returns the number of bytes read. */
static size_t
lines_fill(struct lines *l)
{
	size_t n;

	if (l->start) {
		memmove(l->buf, l->buf + l->start, l->end - l->start);
		l->end -= l->start;
		l->start = 0;
	}
	fflush(stdout);
	n = fread(l->buf + l->end, 1, LINE_MAX_BYTES + READ_CHUNK - l->end, l->fp);
	if (n == 0)
		l->eof = 1;
	l->end += n;
	return n;
}

/* Returns the next line in *p and *n (without its line end), at most
 * LINE_MAX_BYTES of it, cut on a UTF-8 boundary; the bytes stay valid until
 * the next call.  Returns 0 at the end of input. */
static int
lines_next(struct lines *l, const char **p, size_t *n)
{
	for (;;) {
		size_t avail = l->end - l->start, len;
		char *nl;

		if (l->skipping) {
			nl = memchr(l->buf + l->start, '\n', avail);
			l->start = nl ? (size_t)(nl + 1 - l->buf) : l->end;
			l->skipping = !nl;
			if (!nl && (l->eof || !lines_fill(l)))
				return 0;
			continue;
		}
		*p = l->buf + l->start;
		nl = memchr(*p, '\n', avail < LINE_MAX_BYTES + 1 ? avail : LINE_MAX_BYTES + 1);
		if (nl) {
			len = (size_t)(nl - *p);
			l->start += len + 1;
		} else if (avail > LINE_MAX_BYTES) {
			len = utf8_cut(*p, avail, LINE_MAX_BYTES);
			l->start += len;
			l->skipping = 1;
		} else if (l->eof || !lines_fill(l)) {
			if (!avail)
				return 0;
			*p = l->buf + l->start; /* the fill may have moved it */
			len = avail;
			l->start += len;
		} else {
			continue;
		}
		*n = len && (*p)[len - 1] == '\r' ? len - 1 : len;
		return 1;
	}
}

static double
round_to(double x, double scale)
{
	double r = round(x * scale) / scale;

	return r == 0 ? 0 : r; /* no "-0" */
}

static void
print_json(struct buf *b, const struct senti_score *sc)
{
	int first = 1;

	buf_reset(b);
	buf_putc(b, '{');
	jsonw_key(b, "compound", &first);
	jsonw_num(b, round_to(sc->compound, 1e4));
	jsonw_key(b, "label", &first);
	jsonw_cstr(b, senti_label_name(sc->label));
	jsonw_key(b, "pos", &first);
	jsonw_num(b, round_to(sc->pos, 1e3));
	jsonw_key(b, "neu", &first);
	jsonw_num(b, round_to(sc->neu, 1e3));
	jsonw_key(b, "neg", &first);
	jsonw_num(b, round_to(sc->neg, 1e3));
	buf_puts(b, "}\n");
	fwrite(b->data, 1, b->len, stdout);
}

static int
score_lines(const struct senti *s, int json)
{
	struct lines l = { .fp = stdin };
	struct buf b;
	const char *p;
	size_t n;

	l.buf = xmalloc(LINE_MAX_BYTES + READ_CHUNK);
	buf_init(&b, 0);
	while (lines_next(&l, &p, &n)) {
		struct senti_score sc;

		senti_score(s, p, n, &sc);
		if (json)
			print_json(&b, &sc);
		else
			printf("%.4f\t%s\n", round_to(sc.compound, 1e4), senti_label_name(sc.label));
	}
	buf_free(&b);
	free(l.buf);
	if (ferror(stdin)) {
		fprintf(stderr, "earshot sentiment: reading stdin: %s\n", strerror(errno));
		return EXIT_FAIL;
	}
	if (fflush(stdout) != 0 || ferror(stdout))
		return EXIT_FAIL;
	return EXIT_OK;
}

int
cmd_sentiment(struct cli *cli, int argc, char **argv)
{
	char err[ES_ERRLEN], *lex;
	struct senti *s;
	struct conf *c;
	int json = 0, status;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0)
			json = 1;
		else
			return cli_usage_error("sentiment", "unknown argument '%s'", argv[i]);
	}
	c = cli_conf(cli, false, &status);
	if (status != EXIT_OK)
		return status;
	lex = cli_conf_relative(c, c ? c->global.lexicon : NULL);
	if (senti_new(lex, &s, err, sizeof(err)) != ES_OK) {
		fprintf(stderr, "earshot sentiment: %s\n", err);
		free(lex);
		conf_free(c);
		return EXIT_USAGE;
	}
	free(lex);
	conf_free(c);
	status = score_lines(s, json);
	senti_free(s);
	return status;
}
