/* render.c - an alert's title, numbers, evidence and footer as neutralised
 * text fitted to a budget of code points; see render.h. */
#include "alerts/render.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/units.h"
#include "core/utf8.h"
#include "core/when.h"

#define RENDER_TITLE_CUT 150   /* code points of one mention's title */
#define RENDER_SOURCE_CUT 40   /* of a source name */
#define RENDER_URL_MAX 500     /* bytes; a longer link is shown without its URL */
#define RENDER_HEADLINE_MAX 600
#define RENDER_FOOTER_MAX 200
#define RENDER_TERMS_MAX 400   /* each of the sources and words lines */
#define RENDER_TERM_CUT 40

static const struct {
	const char *hex;
	long rgb;
} render_colors[MSG_KIND_COUNT] = {
	[MSG_SPIKE] = { "#D50000", 0xD50000 },
	[MSG_SOURCE_FAILING] = { "#FF6D00", 0xFF6D00 },
	[MSG_SOURCE_SILENT] = { "#FFAB00", 0xFFAB00 },
	[MSG_SOURCE_RECOVERED] = { "#2E7D32", 0x2E7D32 },
	[MSG_TEST] = { "#607D8B", 0x607D8B },
};

static const char *const render_prefixes[MSG_KIND_COUNT] = {
	[MSG_SPIKE] = "spike: ",
	[MSG_SOURCE_FAILING] = "Source failing: ",
	[MSG_SOURCE_SILENT] = "Source silent: ",
	[MSG_SOURCE_RECOVERED] = "Source recovered: ",
	[MSG_TEST] = "Test message from earshot",
};

const char *
render_color(enum msg_kind k, long *rgb)
{
	if (k >= MSG_KIND_COUNT)
		k = MSG_TEST;
	if (rgb)
		*rgb = render_colors[k].rgb;
	return render_colors[k].hex;
}

void
render_parts_init(struct render_parts *p)
{
	memset(p, 0, sizeof(*p));
	buf_init(&p->title, 0);
	buf_init(&p->headline, 0);
	buf_init(&p->mentions, 0);
	buf_init(&p->sources, 0);
	buf_init(&p->words, 0);
	buf_init(&p->footer, 0);
	buf_init(&p->fallback, 0);
}

void
render_parts_reset(struct render_parts *p)
{
	buf_free(&p->title);
	buf_free(&p->headline);
	buf_free(&p->mentions);
	buf_free(&p->sources);
	buf_free(&p->words);
	buf_free(&p->footer);
	buf_free(&p->fallback);
	p->shown = p->dropped = 0;
}

static size_t
cps(const struct buf *b)
{
	return utf8_count(buf_str(b), b->len);
}

size_t
render_size(const struct render_parts *p)
{
	return cps(&p->title) + cps(&p->headline) + cps(&p->mentions) + cps(&p->sources) +
	       cps(&p->words) + cps(&p->footer);
}

static size_t
min_sz(size_t a, size_t b)
{
	return a < b ? a : b;
}

/* ---- title, headline, footer ---- */

static void
render_title(struct render_parts *p, const struct render_style *st, const struct alert_msg *m,
	     size_t max)
{
	struct buf t;
	const char *name = m->kind == MSG_SPIKE ? (m->brand ? m->brand : "all brands") : m->source;

	buf_init(&t, 0);
	if (m->kind == MSG_SPIKE && m->sentiment && strcmp(m->sentiment, "any") != 0)
		buf_printf(&t, "%c%s %s", m->sentiment[0] & ~0x20, m->sentiment + 1,
			   render_prefixes[MSG_SPIKE]);
	else if (m->kind == MSG_SPIKE)
		buf_puts(&t, "Spike: ");
	else
		buf_puts(&t, render_prefixes[m->kind < MSG_KIND_COUNT ? m->kind : MSG_TEST]);
	if (m->kind != MSG_TEST && name)
		buf_puts(&t, name);
	neutral_append(&p->title, st->title, buf_str(&t), max);
	buf_free(&t);
}

static void
fmt_num(char *out, size_t len, double v)
{
	if (!isfinite(v))
		snprintf(out, len, "?");
	else if (fabs(v) >= 100 || fabs(v - round(v)) < 0.05)
		snprintf(out, len, "%.0f", v);
	else
		snprintf(out, len, "%.1f", v);
}

/* The sentiment of a rule as the headline names it: one of the three
 * labels, or "" (any).  A message read back from alerts.details could hold
 * anything there, and the headline is not neutralised (fuzz_webhook). */
static const char *
sentiment_word(const char *s)
{
	static const char *const labels[] = { "negative", "neutral", "positive" };

	for (size_t i = 0; s && i < sizeof(labels) / sizeof(labels[0]); i++)
		if (!strcmp(s, labels[i]))
			return labels[i];
	return "";
}

/* The numbers of a spike, in words.  Only the brand is outside text. */
static void
spike_headline(struct buf *h, const struct render_style *st, const struct alert_msg *m)
{
	char win[32], base[32], score[32], ratio[32];
	const char *sent = sentiment_word(m->sentiment);

	units_fmt_duration((m->window_end - m->window_start) * 1000, win, sizeof(win));
	fmt_num(base, sizeof(base), m->baseline);
	fmt_num(score, sizeof(score), m->score);
	buf_printf(h, "%s%lld%s %s%smentions", st->bold, (long long)m->count, st->bold, sent,
		   *sent ? " " : "");
	if (m->brand) {
		buf_puts(h, " of ");
		neutral_append(h, st->text, m->brand, 64);
	}
	buf_printf(h, " in %s: ", win);
	if (isfinite(m->baseline) && m->baseline >= 0.05) {
		fmt_num(ratio, sizeof(ratio), (double)m->count / m->baseline);
		buf_printf(h, "%s\xc3\x97 the usual %s", ratio, base);
	} else {
		buf_puts(h, "usually none");
	}
	buf_printf(h, " (score %s).", score);
	if (isfinite(m->share) && isfinite(m->baseline_share))
		buf_printf(h, "\n%c%s share %s%.0f%%%s, usually %.0f%%.", sent[0] ? sent[0] & ~0x20 : 'S',
			   sent[0] ? sent + 1 : "", st->bold, m->share * 100, st->bold,
			   m->baseline_share * 100);
}

static void
render_headline(struct render_parts *p, const struct render_style *st,
		const struct alert_msg *m, size_t max)
{
	struct buf h;

	if (m->kind != MSG_SPIKE) {
		neutral_append(&p->headline, st->text, m->detail ? m->detail : m->summary, max);
		return;
	}
	buf_init(&h, 0);
	spike_headline(&h, st, m);
	/* Already neutral: cut it on a character boundary only. */
	if (utf8_count(buf_str(&h), h.len) <= max)
		buf_append(&p->headline, buf_str(&h), h.len);
	else
		neutral_append(&p->headline, NEUTRAL_RAW, buf_str(&h), max);
	buf_free(&h);
}

static void
render_footer(struct render_parts *p, const struct render_style *st, const struct alert_msg *m,
	      size_t max)
{
	char a[WHEN_ISOLEN], b[WHEN_ISOLEN];
	struct buf f;

	buf_init(&f, 0);
	if (m->kind == MSG_SPIKE)
		buf_printf(&f, "rule %s \xc2\xb7 window %s \xe2\x80\x93 %s", m->rule ? m->rule : "?",
			   when_fmt_iso(m->window_start, a), when_fmt_iso(m->window_end, b));
	else if (m->source)
		buf_printf(&f, "source %s", m->source);
	else
		buf_puts(&f, "earshot");
	if (m->key)
		buf_printf(&f, " \xc2\xb7 key %s", m->key);
	neutral_append(&p->footer, st->plain, buf_str(&f), max);
	buf_free(&f);
}

static void
render_fallback(struct render_parts *p, const struct render_style *st, const struct alert_msg *m)
{
	struct buf f;

	buf_init(&f, 0);
	buf_append(&f, buf_str(&p->title), p->title.len);
	if (m->summary && *m->summary)
		buf_printf(&f, " \xe2\x80\x94 %s", m->summary);
	neutral_append(&p->fallback, st->plain, buf_str(&f), 300);
	buf_free(&f);
}

/* ---- evidence ---- */

static void
mention_line(struct buf *out, const struct render_style *st, const struct msg_mention *x)
{
	const char *title = x->title && *x->title ? x->title : "(untitled)";
	struct buf url;
	bool linked;

	buf_init(&url, 0);
	linked = st->link != RENDER_LINK_NONE && x->url && strlen(x->url) <= RENDER_URL_MAX &&
		 neutral_url(&url, st->text, x->url);
	buf_puts(out, st->bullet);
	if (linked && st->link == RENDER_LINK_ANGLE) {
		buf_printf(out, "<%s|", buf_str(&url));
		neutral_append(out, st->text, title, RENDER_TITLE_CUT);
		buf_putc(out, '>');
	} else if (linked) {
		buf_putc(out, '[');
		neutral_append(out, st->text, title, RENDER_TITLE_CUT);
		buf_printf(out, "](%s)", buf_str(&url));
	} else {
		neutral_append(out, st->text, title, RENDER_TITLE_CUT);
	}
	if (x->source) {
		buf_puts(out, " \xe2\x80\x94 ");
		neutral_append(out, st->text, x->source, RENDER_SOURCE_CUT);
	}
	buf_free(&url);
}

/* Appends lines while they fit in max code points, keeping room for the
 * "… and N more" line that says how many did not. */
static void
render_mentions(struct render_parts *p, const struct render_style *st,
		const struct alert_msg *m, size_t max)
{
	struct buf line;
	size_t used = 0, more_room = 24;

	buf_init(&line, 0);
	for (size_t i = 0; i < m->nmentions; i++) {
		size_t n, room = i + 1 < m->nmentions ? more_room : 0;

		buf_reset(&line);
		mention_line(&line, st, &m->mentions[i]);
		n = utf8_count(buf_str(&line), line.len) + (i > 0);
		if (used + n + room > max)
			break;
		if (i > 0)
			buf_putc(&p->mentions, '\n');
		buf_append(&p->mentions, buf_str(&line), line.len);
		used += n;
		p->shown++;
	}
	p->dropped = m->nmentions - p->shown;
	if (p->dropped && used + more_room <= max)
		buf_printf(&p->mentions, "%s\xe2\x80\xa6 and %zu more", p->shown ? "\n" : "",
			   p->dropped);
	buf_free(&line);
}

static void
term_item(struct buf *out, const struct render_style *st, const struct msg_term *t)
{
	char usual[32];

	neutral_append(out, st->text, t->name, RENDER_TERM_CUT);
	fmt_num(usual, sizeof(usual), t->usual);
	buf_printf(out, " %lld (usually %s)", (long long)t->count, usual);
}

static void
render_terms(struct buf *out, const struct render_style *st, const char *label,
	     const struct msg_term *v, size_t n, size_t max)
{
	struct buf item;
	size_t used, shown = 0;

	if (n == 0 || max < 40)
		return;
	buf_init(&item, 0);
	buf_printf(out, "%s%s:%s ", st->bold, label, st->bold);
	used = utf8_count(buf_str(out), out->len);
	for (size_t i = 0; i < n; i++) {
		size_t k;

		buf_reset(&item);
		term_item(&item, st, &v[i]);
		k = utf8_count(buf_str(&item), item.len) + (i ? 2 : 0);
		if (used + k + 16 > max)
			break;
		buf_printf(out, "%s%s", i ? ", " : "", buf_str(&item));
		used += k;
		shown++;
	}
	if (shown == 0)
		buf_reset(out);
	else if (shown < n)
		buf_printf(out, ", \xe2\x80\xa6 and %zu more", n - shown);
	buf_free(&item);
}

void
render_alert(struct render_parts *p, const struct render_style *st,
	     const struct render_limits *lim, const struct alert_msg *m)
{
	size_t used, left, text = lim->text;

	render_parts_reset(p);
	render_parts_init(p);
	render_title(p, st, m, min_sz(lim->title, lim->budget / 4));
	render_headline(p, st, m, min_sz(text, min_sz(RENDER_HEADLINE_MAX, lim->budget / 3)));
	render_footer(p, st, m, min_sz(RENDER_FOOTER_MAX, lim->budget / 5));
	render_fallback(p, st, m);
	used = cps(&p->title) + cps(&p->headline) + cps(&p->footer);
	left = lim->budget > used ? lim->budget - used : 0;
	render_terms(&p->sources, st, "Sources above usual", m->sources, m->nsources,
		     min_sz(text, min_sz(RENDER_TERMS_MAX, left / 5)));
	left -= min_sz(left, cps(&p->sources));
	render_terms(&p->words, st, "Words above usual", m->words, m->nwords,
		     min_sz(text, min_sz(RENDER_TERMS_MAX, left / 4)));
	left -= min_sz(left, cps(&p->words));
	render_mentions(p, st, m, min_sz(text, left));
}
