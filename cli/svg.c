/* svg.c - the stacked daily chart of the HTML report. */
#include "cli/svg.h"

#include <math.h>

#include "cli/html.h"
#include "core/when.h"

/* Plot area inside the viewBox. */
#define SVG_LEFT 48.0
#define SVG_RIGHT 52.0
#define SVG_TOP 26.0
#define SVG_BOTTOM 30.0
#define SVG_PW ((double)SVG_WIDTH - SVG_LEFT - SVG_RIGHT)
#define SVG_PH ((double)SVG_HEIGHT - SVG_TOP - SVG_BOTTOM)
#define SVG_BASE ((double)SVG_HEIGHT - SVG_BOTTOM)

static const char *const svg_months[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
					  "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };

/* The smallest 1, 2 or 5 times a power of ten that is at least v / 4. */
static double
svg_step(int64_t max)
{
	double raw = (double)(max > 4 ? max : 4) / 4.0, p = pow(10, floor(log10(raw)));

	if (raw <= p)
		return p;
	if (raw <= 2 * p)
		return 2 * p;
	return raw <= 5 * p ? 5 * p : 10 * p;
}

/* Month (1..12) and day of the month of the day starting at t. */
static void
svg_date(int64_t t, int *mon, int *mday)
{
	char iso[WHEN_ISOLEN];

	when_fmt_iso(t, iso);
	*mon = (iso[5] - '0') * 10 + (iso[6] - '0');
	*mday = (iso[8] - '0') * 10 + (iso[9] - '0');
}

/* "Nov 5", or "5" without the month. */
static void
svg_day_label(int64_t day, char *out, size_t len, int with_month)
{
	int mon, mday;

	svg_date(day, &mon, &mday);
	if (with_month)
		snprintf(out, len, "%s %d", svg_months[(mon + 11) % 12], mday);
	else
		snprintf(out, len, "%d", mday);
}

static void
svg_grid(FILE *fp, double ymax, double step)
{
	for (double v = 0; v <= ymax + step / 2; v += step) {
		double y = SVG_BASE - SVG_PH * v / ymax;

		fprintf(fp, "<line class=\"grid\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>\n",
			SVG_LEFT, y, SVG_LEFT + SVG_PW, y);
		fprintf(fp, "<text class=\"axis\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%.0f</text>\n",
			SVG_LEFT - 8, y + 4, v);
	}
	for (int pct = 0; pct <= 100; pct += 50)
		fprintf(fp, "<text class=\"axis share-axis\" x=\"%.1f\" y=\"%.1f\">%d%%</text>\n",
			SVG_LEFT + SVG_PW + 8, SVG_BASE - SVG_PH * pct / 100.0 + 4, pct);
}

static void
svg_rect(FILE *fp, const char *cls, double x, double w, double *y, double h)
{
	if (h <= 0)
		return;
	*y -= h;
	fprintf(fp, "<rect class=\"%s\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\"/>", cls,
		x, *y, w, h);
}

static void
svg_bar(FILE *fp, const struct analytics_day *d, size_t i, double slot, double ymax)
{
	double w = slot * 0.72, x = SVG_LEFT + slot * (double)i + (slot - w) / 2, y = SVG_BASE;
	char day[16], iso[WHEN_ISOLEN];

	svg_day_label(d->day, day, sizeof(day), 1);
	fprintf(fp, "<g class=\"bar\" data-day=\"%.10s\"><title>%s: %lld mention%s, %lld negative, "
		    "%lld neutral, %lld positive</title>",
		when_fmt_iso(d->day, iso), day, (long long)d->mentions, d->mentions == 1 ? "" : "s",
		(long long)d->negative, (long long)d->neutral, (long long)d->positive);
	svg_rect(fp, "neg", x, w, &y, SVG_PH * (double)d->negative / ymax);
	svg_rect(fp, "neu", x, w, &y, SVG_PH * (double)d->neutral / ymax);
	svg_rect(fp, "pos", x, w, &y, SVG_PH * (double)d->positive / ymax);
	fputs("</g>\n", fp);
}

/* The negative share per day as a path, broken over days without mentions. */
static void
svg_share(FILE *fp, const struct svg_chart *c, double slot)
{
	int pen = 0;

	fputs("<path class=\"share\" d=\"", fp);
	for (size_t i = 0; i < c->ndays; i++) {
		const struct analytics_day *d = &c->days[i];
		double x = SVG_LEFT + slot * ((double)i + 0.5);

		if (d->mentions == 0) {
			pen = 0;
			continue;
		}
		fprintf(fp, "%s%.1f %.1f ", pen ? "L" : "M", x,
			SVG_BASE - SVG_PH * (double)d->negative / (double)d->mentions);
		pen = 1;
	}
	fputs("\"/>\n", fp);
}

/* A label every step days, ending with the last day; the month is named
 * on the first label and on the first label of each month. */
static void
svg_x_labels(FILE *fp, const struct svg_chart *c, double slot)
{
	size_t step = (c->ndays + 11) / 12;
	int shown = 0;

	for (size_t i = 0; i < c->ndays; i++) {
		char label[16];
		int mon, mday;

		if ((c->ndays - 1 - i) % step)
			continue;
		svg_date(c->days[i].day, &mon, &mday);
		svg_day_label(c->days[i].day, label, sizeof(label), !shown || mday <= (int)step);
		shown = 1;
		fprintf(fp, "<text class=\"axis\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%s</text>\n",
			SVG_LEFT + slot * ((double)i + 0.5), SVG_BASE + 18, label);
	}
}

static void
svg_markers(FILE *fp, const struct svg_chart *c, double slot)
{
	for (size_t i = 0; i < c->nmarkers; i++) {
		const struct svg_marker *m = &c->markers[i];
		double x = SVG_LEFT + slot * m->at;

		fputs("<g class=\"alert\"><title>", fp);
		html_put(fp, m->title, 0);
		fprintf(fp, "</title><line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>"
			    "<path d=\"M%.1f %.1f l-8 -8 v-13 h16 v13 z\"/>"
			    "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">",
			x, SVG_TOP, x, SVG_BASE, x, SVG_TOP, x, SVG_TOP - 10);
		html_put(fp, m->label, 0);
		fputs("</text></g>\n", fp);
	}
}

void
svg_chart(FILE *fp, const struct svg_chart *c)
{
	double slot = SVG_PW / (double)(c->ndays ? c->ndays : 1), step, ymax;
	int64_t max = 0;

	for (size_t i = 0; i < c->ndays; i++)
		if (c->days[i].mentions > max)
			max = c->days[i].mentions;
	step = svg_step(max);
	ymax = step * ceil((double)(max ? max : 1) / step);
	fputs("<svg class=\"chart\" data-brand=\"", fp);
	html_put(fp, c->brand, 0);
	fprintf(fp, "\" data-days=\"%zu\" viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"Daily "
		    "mentions of ", c->ndays, SVG_WIDTH, SVG_HEIGHT);
	html_put(fp, c->brand, 0);
	fputs(" by sentiment, with the negative share\">\n", fp);
	svg_grid(fp, ymax, step);
	for (size_t i = 0; i < c->ndays; i++)
		svg_bar(fp, &c->days[i], i, slot, ymax);
	svg_share(fp, c, slot);
	svg_markers(fp, c, slot);
	svg_x_labels(fp, c, slot);
	fputs("</svg>\n", fp);
}
