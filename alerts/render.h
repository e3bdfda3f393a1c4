/* render.h - the text parts of one alert, neutralised and fitted to a
 * budget, which each service's format (webhook.c) arranges into its JSON.
 * For the files of alerts/ only. */
#ifndef ES_RENDER_H
#define ES_RENDER_H

#include <stddef.h>

#include "alerts/msg.h"
#include "alerts/neutral.h"
#include "core/buf.h"

enum render_link {
	RENDER_LINK_ANGLE,    /* <url|text> (Slack, Google Chat) */
	RENDER_LINK_MD,       /* [text](url) (Discord, Mattermost, Teams) */
	RENDER_LINK_NONE,     /* text (url) */
};

/* How one service writes text. */
struct render_style {
	enum neutral_style title;  /* the title field */
	enum neutral_style text;   /* rich text fields */
	enum neutral_style plain;  /* fields that are never parsed (footers, fallbacks) */
	const char *bold;          /* "*", "**" or "" */
	enum render_link link;
	const char *bullet;        /* "• " or "- " */
};

/* Code points each part may take at most, and in all. */
struct render_limits {
	size_t title;
	size_t text;               /* one text field (headline, mentions, terms) */
	size_t budget;             /* every part of this alert together */
};

struct render_parts {
	struct buf title;     /* "Negative spike: acme" */
	struct buf headline;  /* the numbers, or the source's trouble */
	struct buf mentions;  /* one line per top mention, then "… and N more" */
	struct buf sources;   /* "Sources above usual: …" (empty when none) */
	struct buf words;     /* "Words above usual: …" (empty when none) */
	struct buf footer;    /* "rule R · window … · key K", plain */
	struct buf fallback;  /* title and summary on one line, plain */
	size_t shown, dropped; /* mentions */
};

void render_parts_init(struct render_parts *p);
void render_parts_reset(struct render_parts *p);
/* Renders m into p (emptied first) in style st within lim. */
void render_alert(struct render_parts *p, const struct render_style *st,
		  const struct render_limits *lim, const struct alert_msg *m);
/* Code points of all parts of p. */
size_t render_size(const struct render_parts *p);
/* "#D50000" and friends: a colour per kind; *rgb gets it as a number. */
const char *render_color(enum msg_kind k, long *rgb);

#endif
