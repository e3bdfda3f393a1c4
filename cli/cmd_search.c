/* cmd_search.c - earshot search: full-text search over stored mentions. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/analyst.h"
#include "core/buf.h"
#include "core/jsonw.h"
#include "core/when.h"
#include "store/search.h"

#define SEARCH_DEFAULT_LIMIT 20

struct search_out {
	bool json;
	const char *open, *close; /* how marks print */
	size_t shown;
	struct buf line;
};

static void
search_put(FILE *fp, const struct search_out *o, const char *s)
{
	if (s)
		analyst_put_clean(fp, s, strlen(s), o->open, o->close);
}

static enum es_err
search_print_text(const struct search_hit *h, struct search_out *o)
{
	int64_t t = 0;
	char when[17];

	(void)when_parse_iso(h->counted_at, &t);
	printf("%s%s  ", o->shown ? "\n" : "", analyst_fmt_minute(t, when));
	search_put(stdout, o, h->source);
	printf("  %s %+.2f", h->label, h->sentiment);
	if (h->brands) {
		fputs("  ", stdout);
		search_put(stdout, o, h->brands);
	}
	fputs("\n  ", stdout);
	search_put(stdout, o, h->title ? h->title : "(no title)");
	if (*h->snippet) {
		fputs("\n  ", stdout);
		search_put(stdout, o, h->snippet);
	}
	if (h->url) {
		fputs("\n  ", stdout);
		search_put(stdout, o, h->url);
	}
	fputc('\n', stdout);
	return ES_OK;
}

static enum es_err
search_print_json(const struct search_hit *h, struct search_out *o)
{
	struct buf *b = &o->line;
	int first = 1;

	buf_reset(b);
	(void)buf_putc(b, '{');
	(void)jsonw_key(b, "id", &first), (void)jsonw_int(b, h->id);
	(void)jsonw_key(b, "counted_at", &first), (void)jsonw_cstr(b, h->counted_at);
	(void)jsonw_key(b, "source", &first), (void)jsonw_cstr(b, h->source);
	(void)jsonw_key(b, "brands", &first), (void)jsonw_list(b, h->brands);
	(void)jsonw_key(b, "label", &first), (void)jsonw_cstr(b, h->label);
	(void)jsonw_key(b, "sentiment", &first), (void)jsonw_num(b, h->sentiment);
	(void)jsonw_key(b, "title", &first), (void)jsonw_cstr(b, h->title);
	(void)jsonw_key(b, "snippet", &first), (void)jsonw_cstr(b, h->snippet);
	(void)jsonw_key(b, "url", &first), (void)jsonw_cstr(b, h->url);
	(void)jsonw_key(b, "rank", &first), (void)jsonw_num(b, h->rank);
	(void)buf_puts(b, "}\n");
	fwrite(b->data, 1, b->len, stdout);
	return ES_OK;
}

static enum es_err
search_hit(const struct search_hit *h, void *ctx)
{
	struct search_out *o = ctx;
	enum es_err rc = o->json ? search_print_json(h, o) : search_print_text(h, o);

	o->shown++;
	return rc;
}

/* The query: the remaining arguments joined by spaces. */
static char *
search_query(int argc, char **argv)
{
	struct buf b;

	buf_init(&b, 0);
	for (int i = 0; i < argc; i++) {
		if (i)
			(void)buf_putc(&b, ' ');
		(void)buf_puts(&b, argv[i]);
	}
	return buf_take(&b, NULL);
}

static int
search_options(int argc, char **argv, struct search_opts *so, bool *json)
{
	static const struct option opts[] = {
		{ "brand", required_argument, NULL, 'b' }, { "since", required_argument, NULL, 's' },
		{ "limit", required_argument, NULL, 'n' }, { "json", no_argument, NULL, 'J' },
		{ "newest", no_argument, NULL, 'N' },      { NULL, 0, NULL, 0 },
	};
	long limit;
	int ch;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
		if (ch == 'b')
			so->brand = optarg;
		else if (ch == 's' && analyst_since(optarg, when_now(), &so->since) == ES_OK)
			;
		else if (ch == 'n' && analyst_number(optarg, 1, SEARCH_MAX_LIMIT, &limit) == ES_OK)
			so->limit = (size_t)limit;
		else if (ch == 'J')
			*json = true;
		else if (ch == 'N')
			so->order = SEARCH_NEWEST;
		else
			return cli_usage_error("search", "bad option or value%s%s",
					       ch == '?' ? "" : ": ", ch == '?' ? "" : optarg);
	}
	if (optind >= argc)
		return cli_usage_error("search", "nothing to search for");
	return EXIT_OK;
}

static void
search_footer(const struct search_out *o, size_t total, const struct search_opts *so)
{
	if (o->json)
		return;
	if (total == 0)
		printf("no matches\n");
	else
		printf("\n%zu of %zu match%s, %s first\n", o->shown, total, total == 1 ? "" : "es",
		       so->order == SEARCH_NEWEST ? "newest" : "best");
}

int
cmd_search(struct cli *cli, int argc, char **argv)
{
	struct search_opts so = { .limit = SEARCH_DEFAULT_LIMIT, .order = SEARCH_BEST };
	struct search_out o = { 0 };
	struct store *s = NULL;
	char err[ES_ERRLEN], *q;
	size_t total = 0;
	enum es_err rc;
	int status;

	if ((status = search_options(argc, argv, &so, &o.json)) ||
	    (status = analyst_open(cli, "search", STORE_RO, &s, NULL)))
		return status;
	so.query = q = search_query(argc - optind, argv + optind);
	so.mark_open = o.json ? "**" : "\x01";
	so.mark_close = o.json ? "**" : "\x02";
	o.open = analyst_color() ? "\033[1;33m" : "**";
	o.close = analyst_color() ? "\033[0m" : "**";
	buf_init(&o.line, 0);
	if ((rc = search_run(s, &so, search_hit, &o, &total, err, sizeof(err)))) {
		fprintf(stderr, "earshot search: %s\n", err);
		status = rc == ES_EPARSE || rc == ES_ETOOBIG ? EXIT_USAGE : EXIT_FAIL;
	} else {
		search_footer(&o, total, &so);
	}
	buf_free(&o.line);
	store_close(s);
	free(q);
	return status;
}
