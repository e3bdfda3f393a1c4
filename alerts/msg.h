/* msg.h - what one alert says, independent of where it goes.
 *
 * When a rule fires, its numbers and evidence are frozen into a struct
 * alert_msg and stored as JSON in alerts.details, so that a resend days
 * later (after a crash or an outage) carries exactly the same content.  The
 * sender turns the JSON back into a struct alert_msg and hands it to
 * webhook_format().  The JSON is also the per-alert object of the generic
 * JSON webhook, documented in doc/webhooks.md.
 *
 * Strings in a struct alert_msg are valid UTF-8 (msg_from_json and
 * msg_set_text repair what is not) and may hold scraped text: whoever
 * displays them must neutralise them (alerts/neutral.h). */
#ifndef ES_MSG_H
#define ES_MSG_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/err.h"

#define MSG_MAX_ITEMS 10      /* mentions, sources, words kept per alert */
#define MSG_MAX_TEXT 1000     /* bytes kept of any one string */
#define MSG_MAX_JSON (256 * 1024)
#define MSG_KEYLEN 40         /* "es1-" and 32 hex digits, NUL */

enum msg_kind {
	MSG_SPIKE,            /* a rule fired */
	MSG_SOURCE_FAILING,   /* a source failed for longer than source_alert_after */
	MSG_SOURCE_SILENT,    /* a source that usually yields mentions went quiet */
	MSG_SOURCE_RECOVERED, /* either of those ended */
	MSG_TEST,             /* earshot alerts --test */
	MSG_KIND_COUNT
};

struct msg_mention {
	char *title, *source, *url;
	double sentiment;
	int64_t at;           /* counted_at */
};

/* A source or word that is over-represented in the window. */
struct msg_term {
	char *name;
	int64_t count;        /* in the window */
	double usual;         /* expected in a window of that length */
};

struct alert_msg {
	enum msg_kind kind;
	char *key;            /* idempotency key */
	char *rule;
	char *brand;          /* NULL: every brand (or not about a brand) */
	char *sentiment;      /* "negative", ..., "any"; NULL for source alerts */
	char *source;         /* source alerts: the source */
	int64_t fired_at;
	int64_t window_start, window_end;
	int64_t count;
	double baseline, spread, score;
	double share, baseline_share; /* NaN unless the rule tests the share */
	char *summary;        /* one line, plain text */
	char *detail;         /* source alerts: the last error or the silence */
	struct msg_mention *mentions;
	size_t nmentions;
	struct msg_term *sources;
	size_t nsources;
	struct msg_term *words;
	size_t nwords;
};

/* An empty message (numbers NaN, no strings). */
void msg_init(struct alert_msg *m);
/* Frees every string and array; m is empty again.  NULL is a no-op. */
void msg_reset(struct alert_msg *m);

/* "spike", "source_failing", "source_silent", "source_recovered", "test". */
const char *msg_kind_name(enum msg_kind k);
/* The kind named s; MSG_KIND_COUNT when none is. */
enum msg_kind msg_kind_parse(const char *s);

/* Replaces *dst with a copy of s cleaned to valid UTF-8 without control
 * characters (newlines and tabs become spaces), cut to MSG_MAX_TEXT bytes
 * on a character boundary.  NULL s stores NULL. */
void msg_set_text(char **dst, const char *s);
/* Appends a mention / term (copied, cleaned); beyond MSG_MAX_ITEMS they
 * are dropped. */
void msg_add_mention(struct alert_msg *m, const char *title, const char *source, const char *url,
		     double sentiment, int64_t at);
void msg_add_term(struct msg_term **v, size_t *n, const char *name, int64_t count, double usual);

/* The idempotency key of an alert: "es1-" and 32 hex digits of SHA-256
 * over kind, scope (the rule, or the source) and t (the window's end, or
 * the moment the source's trouble began).  The same decision made twice
 * (two processes, or a recomputation after a crash) gets the same key. */
void msg_key(char out[MSG_KEYLEN], const char *kind, const char *scope, int64_t t);

/* Appends m as one JSON object to out. */
enum es_err msg_to_json(const struct alert_msg *m, struct buf *out);
/* Parses what msg_to_json wrote into m (which the caller resets).
 * ES_EPARSE with a message in err when json is not such an object. */
enum es_err msg_from_json(const char *json, struct alert_msg *m, char *err, size_t errlen);

#endif
