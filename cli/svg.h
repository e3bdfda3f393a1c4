/* svg.h - the report's chart: daily volume stacked by sentiment, the
 * negative share as a line, alerts as numbered markers.  Inline SVG for
 * an HTML page; colours come from the page's CSS classes (neg, neu, pos,
 * share, alert, grid, axis). */
#ifndef ES_SVG_H
#define ES_SVG_H

#include <stddef.h>
#include <stdio.h>

#include "store/analytics.h"

#define SVG_WIDTH 960
#define SVG_HEIGHT 300

/* A marker on the time axis. */
struct svg_marker {
	double at;          /* position in days from the first day's midnight */
	const char *label;  /* short text shown at the marker ("1") */
	const char *title;  /* tooltip, escaped when written */
};

struct svg_chart {
	const char *brand;                /* for data-brand and the description */
	const struct analytics_day *days; /* one bar each, oldest first */
	size_t ndays;
	const struct svg_marker *markers;
	size_t nmarkers;
};

/* Writes <svg class="chart" ...> with one <g class="bar"> per day. */
void svg_chart(FILE *fp, const struct svg_chart *c);

#endif
