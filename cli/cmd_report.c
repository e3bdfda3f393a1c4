/* cmd_report.c - earshot report --html: one self-contained HTML file with
 * per-brand charts, alerts, the most negative mentions and source health.
 *
 * The page is polyglot markup (well-formed as XML too) with inline CSS
 * and SVG: no scripts, fonts, images or style sheets from elsewhere, so it
 * opens offline, prints, and survives being attached to an email.  The
 * only addresses in it are the mentions' own http(s) links. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/analyst.h"
#include "cli/html.h"
#include "cli/period.h"
#include "cli/svg.h"
#include "core/when.h"
#include "core/xalloc.h"
#include "gen/version.h"

#define REPORT_DEFAULT_DAYS 30
#define REPORT_TOP_NEGATIVE 5
#define REPORT_TOP_SOURCES 3
#define REPORT_EXCERPT 240 /* characters of a mention's text shown */

/* NOTE: no url(), @import or @font-face here: the page must not fetch. */
static const char report_css[] =
	":root{--neg:#d64545;--neu:#aab2bf;--pos:#2f9e5e;--share:#1f2a44;--alert:#e08a00;"
	"--muted:#5b6475;--line:#e3e6ec}\n"
	"*{box-sizing:border-box}\n"
	"body{margin:0 auto;max-width:1080px;padding:28px 32px 48px;color:#1d2330;"
	"background:#fff;font:15px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,"
	"'Helvetica Neue',Arial,sans-serif}\n"
	"h1{font-size:26px;margin:0 0 4px}h2{font-size:21px;margin:0 0 12px}"
	"h3{font-size:16px;margin:22px 0 8px}\n"
	".muted,.period{color:var(--muted)}.period{margin:0 0 20px}\n"
	"table{border-collapse:collapse;width:100%;font-size:14px}\n"
	"th{text-align:left;font-weight:600;color:var(--muted);border-bottom:2px solid var(--line);"
	"padding:6px 8px}\n"
	"td{padding:6px 8px;border-bottom:1px solid var(--line);vertical-align:top}\n"
	"td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}\n"
	"th,td.t,.badge,table.sources td:first-child{white-space:nowrap}\n"
	"section.brand,section.sources{border:1px solid var(--line);border-radius:10px;"
	"padding:20px 24px;margin:24px 0}\n"
	".kpis{display:grid;grid-template-columns:repeat(4,1fr);gap:12px;margin:0 0 12px}\n"
	".kpi{background:#f6f7f9;border-radius:8px;padding:10px 14px}\n"
	".kpi .label{font-size:12px;text-transform:uppercase;letter-spacing:.04em;"
	"color:var(--muted)}\n"
	".kpi .value{font-size:24px;font-weight:650}.kpi .delta{font-size:13px;color:var(--muted)}\n"
	".worse{color:var(--neg)!important}.better{color:var(--pos)!important}\n"
	"figure{margin:8px 0 0}svg.chart{width:100%;height:auto;display:block}\n"
	".chart .neg{fill:var(--neg)}.chart .neu{fill:var(--neu)}.chart .pos{fill:var(--pos)}\n"
	".chart .grid{stroke:var(--line);stroke-width:1}\n"
	".chart .axis{fill:var(--muted);font-size:12px}\n"
	".chart .share{fill:none;stroke:var(--share);stroke-width:2.2;stroke-linejoin:round}\n"
	".chart .alert line{stroke:var(--alert);stroke-width:1.5;stroke-dasharray:4 3}\n"
	".chart .alert path{fill:var(--alert)}\n"
	".chart .alert text{fill:#fff;font-size:11px;font-weight:700}\n"
	"figcaption{font-size:13px;color:var(--muted);margin-top:4px}\n"
	".key{display:inline-block;width:11px;height:11px;border-radius:2px;margin:0 5px 0 14px;"
	"vertical-align:-1px}\n"
	".key.line{height:3px;vertical-align:3px}\n"
	".badge{display:inline-block;padding:1px 8px;border-radius:10px;font-size:12px;"
	"font-weight:600;background:#eef0f3}\n"
	".badge.ok,.badge.delivered{background:#e3f4ea;color:#1d6b3d}\n"
	".badge.failing,.badge.failed{background:#fbe4e4;color:#9b2020}\n"
	".badge.pending,.badge.partly{background:#fdf0d9;color:#8a5300}\n"
	"ol.mentions{padding-left:22px;margin:0}ol.mentions li{margin:0 0 12px}\n"
	"ol.mentions a{color:#1a4fb5;font-weight:600;text-decoration:none}\n"
	"ol.mentions .meta{font-size:13px;color:var(--muted)}\n"
	"ol.mentions p{margin:2px 0 0;font-size:14px}\n"
	"footer{margin-top:32px;font-size:12px;color:var(--muted)}\n"
	"@media print{body{max-width:none;padding:0;font-size:11pt}"
	"section.brand,section.sources{break-inside:avoid;page-break-inside:avoid;"
	"border-color:#ccc}"
	"*{-webkit-print-color-adjust:exact;print-color-adjust:exact}"
	"a{color:inherit}}\n"
	"@media (max-width:700px){.kpis{grid-template-columns:repeat(2,1fr)}}\n";

static void
report_head(FILE *fp, const struct period *p)
{
	char a[11], b[11];

	fprintf(fp, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n"
		    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n"
		    "<title>Brand mentions, %s to %s</title>\n<style>\n%s</style>\n</head>\n<body>\n",
		analyst_fmt_day(p->first, a), analyst_fmt_day(p->to - ANALYST_DAY, b), report_css);
}

/* "+12%" against the previous period, or "new". */
static void
report_change(FILE *fp, const struct period_sum *cur, const struct period_sum *prev)
{
	if (!prev->mentions)
		fputs(cur->mentions ? "new" : "–", fp);
	else
		fprintf(fp, "%+.0f%%", 100.0 * (double)(cur->mentions - prev->mentions) /
					       (double)prev->mentions);
}

/* The change of the negative share in points; worse when it grew. */
static void
report_share_change(FILE *fp, const struct period_sum *cur, const struct period_sum *prev)
{
	double d = 100 * (period_share(cur) - period_share(prev));

	if (!cur->mentions || !prev->mentions) {
		fputs("<span>–</span>", fp);
		return;
	}
	fprintf(fp, "<span class=\"%s\">%+.1f pts</span>",
		d > 0.05 ? "worse" : d < -0.05 ? "better" : "", d);
}

static void
report_summary(FILE *fp, const struct period *p, const char *db, int64_t now)
{
	char a[11], b[11], gen[17];

	fprintf(fp, "<header>\n<h1>Brand mentions</h1>\n<p class=\"period\">%zu days, %s to %s "
		    "(UTC, today so far), against the %zu days before. Generated %s UTC from ",
		p->ndays, analyst_fmt_day(p->first, a), analyst_fmt_day(p->to - ANALYST_DAY, b),
		p->ndays, analyst_fmt_minute(now, gen));
	html_put(fp, db, 0);
	fputs(".</p>\n", fp);
	if (!p->nbrands) {
		fputs("<p>No mentions in this period.</p>\n</header>\n", fp);
		return;
	}
	fputs("<table class=\"summary\"><thead><tr><th>brand</th><th class=\"n\">mentions</th>"
	      "<th class=\"n\">vs before</th><th class=\"n\">negative</th><th class=\"n\">vs before</th>"
	      "<th class=\"n\">alerts</th></tr></thead><tbody>\n", fp);
	for (size_t i = 0; i < p->nbrands; i++) {
		const struct period_brand *br = &p->brands[i];

		fputs("<tr><td><a href=\"#brand-", fp);
		html_put(fp, br->name, 0);
		fputs("\">", fp);
		html_put(fp, br->name, 0);
		fprintf(fp, "</a></td><td class=\"n\">%lld</td><td class=\"n\">",
			(long long)br->cur.mentions);
		report_change(fp, &br->cur, &br->prev);
		fprintf(fp, "</td><td class=\"n\">%.1f%%</td><td class=\"n\">",
			100 * period_share(&br->cur));
		report_share_change(fp, &br->cur, &br->prev);
		fprintf(fp, "</td><td class=\"n\">%zu</td></tr>\n", br->nalerts);
	}
	fputs("</tbody></table>\n</header>\n", fp);
}

/* Alerts that reached every webhook they were meant for. */
static size_t
report_delivered(const struct period_brand *b)
{
	size_t n = 0;

	for (size_t i = 0; i < b->nalerts; i++)
		n += b->alerts[i].delivery && strcmp(b->alerts[i].delivery, "delivered") == 0;
	return n;
}

static void
report_kpis(FILE *fp, const struct period_brand *b)
{
	fprintf(fp, "<div class=\"kpis\">\n<div class=\"kpi\"><div class=\"label\">Mentions</div>"
		    "<div class=\"value\">%lld</div><div class=\"delta\">",
		(long long)b->cur.mentions);
	report_change(fp, &b->cur, &b->prev);
	fprintf(fp, " vs %lld before</div></div>\n<div class=\"kpi\"><div class=\"label\">Negative "
		    "share</div><div class=\"value\">%.1f%%</div><div class=\"delta\">",
		(long long)b->prev.mentions, 100 * period_share(&b->cur));
	report_share_change(fp, &b->cur, &b->prev);
	fprintf(fp, " vs %.1f%%</div></div>\n<div class=\"kpi\"><div "
		    "class=\"label\">Average sentiment</div><div class=\"value\">%+.2f</div>"
		    "<div class=\"delta\">%+.2f before</div></div>\n<div class=\"kpi\"><div "
		    "class=\"label\">Alerts</div><div class=\"value\">%zu</div><div "
		    "class=\"delta\">%zu delivered everywhere</div></div>\n</div>\n",
		100 * period_share(&b->prev), period_avg(&b->cur),
		period_avg(&b->prev), b->nalerts, report_delivered(b));
}

static void
report_chart(FILE *fp, const struct period *p, const struct period_brand *b)
{
	struct svg_marker *mk = xcalloc(b->nalerts ? b->nalerts : 1, sizeof(*mk));
	char (*labels)[24] = xcalloc(b->nalerts ? b->nalerts : 1, sizeof(*labels));
	char **titles = xcalloc(b->nalerts ? b->nalerts : 1, sizeof(char *));
	struct svg_chart c = { .brand = b->name, .days = b->days, .ndays = p->ndays,
			       .markers = mk, .nmarkers = b->nalerts };

	for (size_t i = 0; i < b->nalerts; i++) {
		char when[17];

		snprintf(labels[i], sizeof(labels[i]), "%zu", i + 1);
		titles[i] = xasprintf("Alert %zu, %s UTC: %s", i + 1,
				      analyst_fmt_minute(b->alerts[i].fired_at, when),
				      b->alerts[i].summary ? b->alerts[i].summary : "");
		mk[i] = (struct svg_marker){ .at = (double)(b->alerts[i].fired_at - p->first) / 86400.0,
					     .label = labels[i], .title = titles[i] };
	}
	fputs("<figure>\n", fp);
	svg_chart(fp, &c);
	fputs("<figcaption>Mentions per day:<span class=\"key\" style=\"background:var(--neg)\">"
	      "</span>negative<span class=\"key\" style=\"background:var(--neu)\"></span>neutral"
	      "<span class=\"key\" style=\"background:var(--pos)\"></span>positive"
	      "<span class=\"key line\" style=\"background:var(--share)\"></span>negative share "
	      "(right axis)<span class=\"key\" style=\"background:var(--alert)\"></span>alert"
	      "</figcaption>\n</figure>\n", fp);
	for (size_t i = 0; i < b->nalerts; i++)
		free(titles[i]);
	free(titles);
	free(labels);
	free(mk);
}

static const char *
report_badge_class(const char *state)
{
	if (!strcmp(state, "partly delivered"))
		return "partly";
	return state;
}

static void
report_alerts(FILE *fp, const struct period_brand *b)
{
	fputs("<h3>Alerts</h3>\n", fp);
	if (!b->nalerts) {
		fputs("<p class=\"muted\">No alerts in this period.</p>\n", fp);
		return;
	}
	fputs("<table class=\"alerts\"><thead><tr><th class=\"n\">#</th><th>fired (UTC)</th>"
	      "<th>rule</th><th>what</th><th class=\"n\">score</th><th>delivery</th></tr></thead>"
	      "<tbody>\n", fp);
	for (size_t i = 0; i < b->nalerts; i++) {
		const struct analytics_alert *a = &b->alerts[i];
		char when[17];

		fprintf(fp, "<tr><td class=\"n\">%zu</td><td class=\"t\">%s</td><td>", i + 1,
			analyst_fmt_minute(a->fired_at, when));
		html_put(fp, a->rule, 0);
		fputs("</td><td>", fp);
		html_put(fp, a->summary, 0);
		fprintf(fp, "</td><td class=\"n\">%.1f</td><td><span class=\"badge %s\">", a->score,
			report_badge_class(a->delivery));
		html_put(fp, a->delivery, 0);
		fprintf(fp, "</span> <span class=\"muted\">%lld of %lld webhook%s</span></td></tr>\n",
			(long long)a->delivered, (long long)a->webhooks, a->webhooks == 1 ? "" : "s");
	}
	fputs("</tbody></table>\n", fp);
}

static void
report_mention(FILE *fp, const struct analytics_mention *m)
{
	const char *title = m->title && *m->title ? m->title : "(no title)";
	int64_t t = 0;
	char when[17];

	fputs("<li>", fp);
	if (html_url_ok(m->url)) {
		fputs("<a href=\"", fp);
		html_put(fp, m->url, 0);
		fputs("\" rel=\"noopener noreferrer\">", fp);
		html_put(fp, title, 200);
		fputs("</a>", fp);
	} else {
		fputs("<strong>", fp);
		html_put(fp, title, 200);
		fputs("</strong>", fp);
	}
	(void)when_parse_iso(m->counted_at, &t);
	fputs("<div class=\"meta\">", fp);
	html_put(fp, m->source, 0);
	fprintf(fp, " · %s UTC · sentiment %+.2f</div>", analyst_fmt_minute(t, when), m->sentiment);
	if (m->text && *m->text) {
		fputs("<p>", fp);
		html_put(fp, m->text, REPORT_EXCERPT);
		fputs("</p>", fp);
	}
	fputs("</li>\n", fp);
}

static void
report_brand(FILE *fp, const struct period *p, const struct period_brand *b)
{
	fputs("<section class=\"brand\" id=\"brand-", fp);
	html_put(fp, b->name, 0);
	fputs("\">\n<h2>", fp);
	html_put(fp, b->name, 0);
	fputs("</h2>\n", fp);
	report_kpis(fp, b);
	report_chart(fp, p, b);
	report_alerts(fp, b);
	fputs("<h3>Most negative mentions</h3>\n", fp);
	if (!b->nneg)
		fputs("<p class=\"muted\">No negative mentions in this period.</p>\n", fp);
	else
		fputs("<ol class=\"mentions\">\n", fp);
	for (size_t i = 0; i < b->nneg; i++)
		report_mention(fp, &b->neg[i]);
	fputs(b->nneg ? "</ol>\n</section>\n" : "</section>\n", fp);
}

static void
report_source_row(FILE *fp, const struct analytics_source *s)
{
	char since[17] = "", ok[17] = "";

	if (s->failing_since)
		analyst_fmt_minute(s->failing_since, since);
	if (s->last_success_at)
		analyst_fmt_minute(s->last_success_at, ok);
	fputs("<tr><td>", fp);
	html_put(fp, s->name, 0);
	fprintf(fp, "</td><td><span class=\"badge %s\">", strcmp(s->status, "ok") == 0 ? "ok"
							  : strcmp(s->status, "failing") == 0 ? "failing" : "never");
	html_put(fp, s->status, 0);
	fprintf(fp, "</span></td><td class=\"t\">%s</td><td class=\"n\">", since);
	if (s->failures)
		fprintf(fp, "%lld", (long long)s->failures);
	fputs("</td><td>", fp);
	html_put(fp, s->last_error, 0);
	if (s->last_error_detail) {
		fputs(s->last_error ? ": " : "", fp);
		html_put(fp, s->last_error_detail, 200);
	}
	fprintf(fp, "</td><td class=\"t\">%s</td><td class=\"n\">%lld</td></tr>\n", ok,
		(long long)s->mentions_7d);
}

static void
report_sources(FILE *fp, const struct period *p)
{
	fputs("<section class=\"sources\" id=\"sources\">\n<h2>Sources</h2>\n", fp);
	if (!p->nsources) {
		fputs("<p class=\"muted\">No sources yet.</p>\n</section>\n", fp);
		return;
	}
	fputs("<table class=\"sources\"><thead><tr><th>source</th><th>status</th>"
	      "<th>failing since</th><th class=\"n\">failures</th><th>last error</th>"
	      "<th>last success</th><th class=\"n\">mentions (7d)</th></tr></thead>"
	      "<tbody>\n", fp);
	for (size_t i = 0; i < p->nsources; i++)
		report_source_row(fp, &p->sources[i]);
	fputs("</tbody></table>\n</section>\n", fp);
}

static void
report_write(FILE *fp, const struct period *p, const char *db, int64_t now)
{
	report_head(fp, p);
	report_summary(fp, p, db, now);
	for (size_t i = 0; i < p->nbrands; i++)
		report_brand(fp, p, &p->brands[i]);
	report_sources(fp, p);
	fprintf(fp, "<footer>earshot %s. Days are UTC; a mention counts on the day it was "
		    "published, or first seen when it has no date.</footer>\n</body>\n</html>\n",
		ES_VERSION);
}

/* Writes the page to path through a temporary file renamed into place,
 * so a reader never sees half a report.  Returns EXIT_*. */
static int
report_save(const char *path, const struct period *p, const char *db, int64_t now)
{
	char *tmp = xasprintf("%s.tmp%ld", path, (long)getpid());
	FILE *fp = fopen(tmp, "w");
	int ok;

	if (!fp) {
		fprintf(stderr, "earshot report: %s: %s\n", tmp, strerror(errno));
		free(tmp);
		return EXIT_FAIL;
	}
	report_write(fp, p, db, now);
	ok = !ferror(fp);
	ok = (fclose(fp) == 0) && ok && rename(tmp, path) == 0;
	if (!ok) {
		fprintf(stderr, "earshot report: writing %s: %s\n", path, strerror(errno));
		unlink(tmp);
	}
	free(tmp);
	return ok ? EXIT_OK : EXIT_FAIL;
}

static int
report_options(int argc, char **argv, const char **out, long *days, const char **brand)
{
	static const struct option opts[] = {
		{ "html", required_argument, NULL, 'h' }, { "days", required_argument, NULL, 'd' },
		{ "brand", required_argument, NULL, 'b' }, { NULL, 0, NULL, 0 },
	};
	int ch;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
		if (ch == 'h')
			*out = optarg;
		else if (ch == 'd' && analyst_number(optarg, 1, PERIOD_MAX_DAYS, days) == ES_OK)
			;
		else if (ch == 'b')
			*brand = optarg;
		else
			return cli_usage_error("report", "bad option or value (--days takes 1 to %d)",
					       PERIOD_MAX_DAYS);
	}
	if (optind < argc)
		return cli_usage_error("report", "unexpected argument '%s'", argv[optind]);
	if (!*out)
		return cli_usage_error("report", "say where to write it: --html FILE");
	return EXIT_OK;
}

int
cmd_report(struct cli *cli, int argc, char **argv)
{
	struct period_want want = { .top_sources = REPORT_TOP_SOURCES,
				    .top_negative = REPORT_TOP_NEGATIVE, .alerts = 1 };
	const char *out = NULL;
	long days = REPORT_DEFAULT_DAYS;
	struct store *s = NULL;
	struct period p;
	char err[ES_ERRLEN];
	int64_t now = when_now();
	int status;

	if ((status = report_options(argc, argv, &out, &days, &want.brand)) ||
	    (status = analyst_open(cli, "report", STORE_RO, &s, NULL)))
		return status;
	if (period_load(s, now, (size_t)days, &want, &p, err, sizeof(err))) {
		fprintf(stderr, "earshot report: %s\n", err);
		status = EXIT_FAIL;
	} else {
		const char *db = strrchr(store_path(s), '/');

		status = report_save(out, &p, db ? db + 1 : store_path(s), now);
	}
	period_free(&p);
	store_close(s);
	return status;
}
