/* cmd_stats.c - earshot stats: per brand, daily volume with a sparkline,
 * the negative share against the previous period and the top sources;
 * then the health of every source. */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/analyst.h"
#include "cli/table.h"
#include "core/buf.h"
#include "core/jsonw.h"
#include "core/when.h"
#include "core/xalloc.h"
#include "cli/period.h"

#define STATS_DEFAULT_DAYS 14
#define STATS_TOP_SOURCES 3

/* ---- text ---- */

/* One block per day: nothing is ▁, the busiest day is █. */
static void
stats_sparkline(FILE *fp, const struct analytics_day *d, size_t n)
{
	static const char *const bars[] = { "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█" };
	int64_t max = 0;

	for (size_t i = 0; i < n; i++)
		if (d[i].mentions > max)
			max = d[i].mentions;
	for (size_t i = 0; i < n; i++) {
		int64_t v = d[i].mentions;
		int64_t level = v == 0 ? 0 : 1 + (v * 7 - 1) / max;

		fputs(bars[level > 7 ? 7 : level], fp);
	}
}

static void
stats_print_change(const struct period_brand *b)
{
	if (b->prev.mentions == 0) {
		printf("  (previous period: none)\n");
		return;
	}
	printf("  (previous %lld, %+.0f%%)\n", (long long)b->prev.mentions,
	       100.0 * (double)(b->cur.mentions - b->prev.mentions) / (double)b->prev.mentions);
}

static void
stats_print_brand(const struct period *st, const struct period_brand *b)
{
	printf("\n");
	analyst_put_clean(stdout, b->name, strlen(b->name), "", "");
	printf("\n  mentions   ");
	stats_sparkline(stdout, b->days, st->ndays);
	printf("  %lld", (long long)b->cur.mentions);
	stats_print_change(b);
	printf("  negative   %.1f%% (%lld)", 100 * period_share(&b->cur), (long long)b->cur.negative);
	if (b->cur.mentions && b->prev.mentions)
		printf("  (previous %.1f%%, %+.1f points)", 100 * period_share(&b->prev),
		       100 * (period_share(&b->cur) - period_share(&b->prev)));
	printf("\n  sentiment  %+.2f average\n  sources   ", period_avg(&b->cur));
	for (size_t i = 0; i < b->ntop; i++) {
		printf("%s", i ? ", " : " ");
		analyst_put_clean(stdout, b->top[i].name, strlen(b->top[i].name), "", "");
		printf(" %lld", (long long)b->top[i].count);
	}
	printf("%s\n", b->ntop ? "" : " none");
}

static void
stats_source_row(struct table *t, const struct analytics_source *src)
{
	char since[17] = "", fails[24] = "", recent[24], error[512] = "";
	const char *cells[6];

	if (src->failing_since)
		analyst_fmt_minute(src->failing_since, since);
	if (src->failures)
		snprintf(fails, sizeof(fails), "%lld", (long long)src->failures);
	snprintf(recent, sizeof(recent), "%lld", (long long)src->mentions_7d);
	if (src->last_error)
		snprintf(error, sizeof(error), "%s%s%s", src->last_error,
			 src->last_error_detail ? ": " : "",
			 src->last_error_detail ? src->last_error_detail : "");
	cells[0] = src->name;
	cells[1] = src->status;
	cells[2] = since;
	cells[3] = fails;
	cells[4] = error;
	cells[5] = recent;
	table_add(t, cells);
}

static void
stats_print_text(const struct period *st)
{
	static const char *const head[] = { "source", "status", "failing since", "failures",
					    "last error", "mentions (7d)" };
	struct table *t = table_new(6, head);
	char a[11], b[11];

	printf("%zu day%s, %s to %s (UTC, today so far), against the %zu days before\n",
	       st->ndays, st->ndays == 1 ? "" : "s", analyst_fmt_day(st->first, a),
	       analyst_fmt_day(st->to - ANALYST_DAY, b), st->ndays);
	if (st->nbrands == 0)
		printf("\nno mentions in this period\n");
	for (size_t i = 0; i < st->nbrands; i++)
		stats_print_brand(st, &st->brands[i]);
	table_align_right(t, 3);
	table_align_right(t, 5);
	for (size_t i = 0; i < st->nsources; i++)
		stats_source_row(t, &st->sources[i]);
	printf("\n");
	table_print(t, stdout);
	table_free(t);
}

/* ---- JSON ---- */

static void
stats_json_time(struct buf *b, const char *key, int64_t t, int *first)
{
	char iso[WHEN_ISOLEN];

	(void)jsonw_key(b, key, first);
	(void)jsonw_cstr(b, t ? when_fmt_iso(t, iso) : NULL);
}

static void
stats_json_period(struct buf *b, const char *key, const struct period_sum *s, int *first)
{
	int f = 1;

	(void)jsonw_key(b, key, first);
	(void)buf_putc(b, '{');
	(void)jsonw_key(b, "mentions", &f), (void)jsonw_int(b, s->mentions);
	(void)jsonw_key(b, "negative", &f), (void)jsonw_int(b, s->negative);
	(void)jsonw_key(b, "negative_share", &f);
	(void)jsonw_num(b, s->mentions ? round(period_share(s) * 1e4) / 1e4 : NAN);
	(void)jsonw_key(b, "avg_sentiment", &f);
	(void)jsonw_num(b, s->mentions ? round(period_avg(s) * 1e4) / 1e4 : NAN);
	(void)buf_putc(b, '}');
}

static void
stats_json_days(struct buf *b, const struct period *st, const struct period_brand *br)
{
	(void)buf_putc(b, '[');
	for (size_t i = 0; i < st->ndays; i++) {
		const struct analytics_day *d = &br->days[i];
		char day[11];

		(void)buf_printf(b, "%s{\"day\":\"%s\",\"mentions\":%lld,\"negative\":%lld,"
				 "\"neutral\":%lld,\"positive\":%lld}", i ? "," : "",
				 analyst_fmt_day(d->day, day), (long long)d->mentions,
				 (long long)d->negative, (long long)d->neutral,
				 (long long)d->positive);
	}
	(void)buf_putc(b, ']');
}

static void
stats_json_brand(struct buf *b, const struct period *st, const struct period_brand *br)
{
	int f = 1;

	(void)buf_putc(b, '{');
	(void)jsonw_key(b, "brand", &f), (void)jsonw_cstr(b, br->name);
	stats_json_period(b, "current", &br->cur, &f);
	stats_json_period(b, "previous", &br->prev, &f);
	(void)jsonw_key(b, "negative_share_change", &f);
	(void)jsonw_num(b, br->cur.mentions && br->prev.mentions
				   ? round((period_share(&br->cur) - period_share(&br->prev)) * 1e4) / 1e4
				   : NAN);
	(void)jsonw_key(b, "daily", &f);
	stats_json_days(b, st, br);
	(void)jsonw_key(b, "top_sources", &f);
	(void)buf_putc(b, '[');
	for (size_t i = 0; i < br->ntop; i++) {
		(void)buf_puts(b, i ? ",{\"source\":" : "{\"source\":");
		(void)jsonw_cstr(b, br->top[i].name);
		(void)buf_printf(b, ",\"mentions\":%lld}", (long long)br->top[i].count);
	}
	(void)buf_puts(b, "]}");
}

static void
stats_json_source(struct buf *b, const struct analytics_source *src)
{
	int f = 1;

	(void)buf_putc(b, '{');
	(void)jsonw_key(b, "name", &f), (void)jsonw_cstr(b, src->name);
	(void)jsonw_key(b, "status", &f), (void)jsonw_cstr(b, src->status);
	(void)jsonw_key(b, "failures", &f), (void)jsonw_int(b, src->failures);
	stats_json_time(b, "failing_since", src->failing_since, &f);
	(void)jsonw_key(b, "last_status", &f);
	(void)(src->last_status ? jsonw_int(b, src->last_status) : buf_puts(b, "null"));
	(void)jsonw_key(b, "last_error", &f), (void)jsonw_cstr(b, src->last_error);
	(void)jsonw_key(b, "last_error_detail", &f), (void)jsonw_cstr(b, src->last_error_detail);
	stats_json_time(b, "last_success_at", src->last_success_at, &f);
	stats_json_time(b, "last_new_at", src->last_new_at, &f);
	(void)jsonw_key(b, "mentions", &f), (void)jsonw_int(b, src->mentions);
	(void)jsonw_key(b, "mentions_7d", &f), (void)jsonw_int(b, src->mentions_7d);
	(void)buf_putc(b, '}');
}

static void
stats_print_json(const struct period *st)
{
	struct buf b;
	char a[11], z[11];

	buf_init(&b, 0);
	(void)buf_printf(&b, "{\"from\":\"%s\",\"to\":\"%s\",\"days\":%zu,\"brands\":[",
			 analyst_fmt_day(st->first, a), analyst_fmt_day(st->to - ANALYST_DAY, z),
			 st->ndays);
	for (size_t i = 0; i < st->nbrands; i++) {
		if (i)
			(void)buf_putc(&b, ',');
		stats_json_brand(&b, st, &st->brands[i]);
	}
	(void)buf_puts(&b, "],\"sources\":[");
	for (size_t i = 0; i < st->nsources; i++) {
		if (i)
			(void)buf_putc(&b, ',');
		stats_json_source(&b, &st->sources[i]);
	}
	(void)buf_puts(&b, "]}\n");
	fwrite(b.data, 1, b.len, stdout);
	buf_free(&b);
}

int
cmd_stats(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "days", required_argument, NULL, 'd' }, { "brand", required_argument, NULL, 'b' },
		{ "json", no_argument, NULL, 'J' },       { NULL, 0, NULL, 0 },
	};
	struct period_want want = { .top_sources = STATS_TOP_SOURCES };
	struct period st;
	struct store *s = NULL;
	char err[ES_ERRLEN];
	bool json = false;
	long days = STATS_DEFAULT_DAYS;
	int ch, status;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
		if (ch == 'd' && analyst_number(optarg, 1, PERIOD_MAX_DAYS, &days) == ES_OK)
			;
		else if (ch == 'b')
			want.brand = optarg;
		else if (ch == 'J')
			json = true;
		else
			return cli_usage_error("stats", "bad option or value (--days takes 1 to %d)",
					       PERIOD_MAX_DAYS);
	}
	if (optind < argc)
		return cli_usage_error("stats", "unexpected argument '%s'", argv[optind]);
	if ((status = analyst_open(cli, "stats", STORE_RO, &s, NULL)))
		return status;
	if (period_load(s, when_now(), (size_t)days, &want, &st, err, sizeof(err))) {
		fprintf(stderr, "earshot stats: %s\n", err);
		status = EXIT_FAIL;
	} else if (json) {
		stats_print_json(&st);
	} else {
		stats_print_text(&st);
	}
	period_free(&st);
	store_close(s);
	return status;
}
