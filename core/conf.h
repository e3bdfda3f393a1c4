/* conf.h - the feeds.conf reader.
 *
 * feeds.conf is line-oriented with git-config-like sections:
 *
 *   [earshot]            global settings
 *   [brand NAME]         what to listen for
 *   [source NAME]        where to fetch mentions
 *   [webhook NAME]       where alerts go
 *   [alert NAME]         when to raise one
 *
 * One table of options (conf_options[]) drives parsing, `earshot check`
 * and the OPTIONS section of feeds.conf(5).  Every problem found is
 * collected as a diagnostic with its line; loading never stops at the first.
 *
 * Units: durations are milliseconds, sizes are bytes.  A numeric field that
 * was not set in the file and has no default holds CONF_UNSET until
 * conf_load() resolves it from [earshot]. */
#ifndef ES_CONF_H
#define ES_CONF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core/err.h"

#define CONF_UNSET INT64_MIN
#define CONF_MAX_LINE 65536 /* bytes in one logical line */

enum conf_section { CONF_SEC_EARSHOT, CONF_SEC_BRAND, CONF_SEC_SOURCE, CONF_SEC_WEBHOOK,
		    CONF_SEC_ALERT, CONF_SEC_COUNT };

enum conf_type {
	CONF_T_STR,      /* any text */
	CONF_T_SECRET,   /* text never printed (webhook URLs, signing secrets) */
	CONF_T_URL,      /* http:// or https:// URL */
	CONF_T_INT,
	CONF_T_REAL,
	CONF_T_DURATION, /* stored in milliseconds */
	CONF_T_SIZE,     /* stored in bytes */
	CONF_T_BOOL,     /* yes/no, true/false, on/off, 1/0 */
	CONF_T_ENUM,     /* one of a '|'-separated list; stored as its index */
	CONF_T_LIST,     /* comma-separated names */
	CONF_T_QUERY,    /* brand query; checked by the hook of that type */
	CONF_T_PATH,     /* JSON dotted path or XPath, per the source's format */
};

/* One row of the options table. */
struct conf_option {
	const char *name;
	enum conf_section section;
	enum conf_type type;
	const char *def;       /* default as it would be written; NULL: none */
	double min, max;       /* range for numeric types (both 0: no range) */
	const char *choices;   /* CONF_T_ENUM: "auto|rss|atom|jsonfeed|json|html" */
	unsigned flags;        /* CONF_F_* */
	size_t offset;         /* where the value lives in the section's struct */
	const char *help;      /* one sentence for check and the man page */
};

#define CONF_F_REQUIRED 1u  /* must be present in every section of its kind */
#define CONF_F_INHERIT 2u   /* unset falls back to [earshot]'s option of that name */

struct conf_brand {
	char *name;
	int line;
	char *query;
	int query_line;
	char *exclude;
	int exclude_line;
	int64_t case_sensitive; /* bool */
};

enum conf_format { CONF_FMT_AUTO, CONF_FMT_RSS, CONF_FMT_ATOM, CONF_FMT_JSONFEED,
		   CONF_FMT_JSON, CONF_FMT_HTML };

struct conf_source {
	char *name;
	int line;
	char *url;
	int64_t format;          /* enum conf_format */
	int64_t interval;        /* ms; inherits [earshot] interval */
	char **brands;           /* NULL-terminated names; NULL: every brand */
	size_t nbrands;
	int64_t store_unmatched; /* bool */
	int64_t robots;          /* bool; unset: yes for html, no otherwise */
	int64_t allow_private;   /* bool; inherits */
	int64_t max_body;        /* bytes; inherits */
	int64_t timeout;         /* ms; inherits */
	char *user_agent;        /* NULL: [earshot] user_agent */
	/* Mapping for format = json, or XPath selectors for format = html. */
	char *items, *item, *id, *title, *link, *text, *published, *author;
	char *rating, *rating_scale;
	int map_line;            /* line of the first mapping key, for errors */
};

enum conf_webhook_type { CONF_WH_SLACK, CONF_WH_DISCORD, CONF_WH_TEAMS, CONF_WH_MATTERMOST,
			 CONF_WH_GOOGLECHAT, CONF_WH_JSON };

struct conf_webhook {
	char *name;
	int line;
	int64_t type;     /* enum conf_webhook_type */
	char *url;        /* secret; "" when disabled (url = ${VAR:-} with VAR unset) */
	char *secret;     /* secret; json only: HMAC-SHA256 key */
	int64_t min_interval; /* ms between messages; unset: the service's pace */
};

enum conf_sentiment { CONF_SENT_NEGATIVE, CONF_SENT_POSITIVE, CONF_SENT_NEUTRAL, CONF_SENT_ANY };

struct conf_alert {
	char *name;
	int line;
	char *brand;          /* NULL: every brand */
	int64_t sentiment;    /* enum conf_sentiment */
	int64_t window;       /* ms */
	int64_t baseline;     /* ms */
	double threshold;
	int64_t min_count;
	int64_t cooldown;     /* ms */
	char **notify;        /* NULL-terminated webhook names */
	size_t nnotify;
	int64_t share;        /* bool */
};

struct conf_global {
	char *database;
	char *user_agent;
	int64_t interval;
	int64_t concurrency;
	int64_t per_host;
	int64_t host_delay;
	int64_t max_body;
	int64_t timeout;
	int64_t connect_timeout;
	int64_t allow_private;
	int64_t retention;
	char *ops_notify;
	int64_t source_alert_after;
	char *lexicon;
};

struct conf_diag {
	int line;    /* 0: about the file as a whole */
	size_t seq;  /* order of discovery */
	char *msg;
};

struct conf {
	char *path;
	struct conf_global global;
	struct conf_brand *brands;
	size_t nbrands;
	struct conf_source *sources;
	size_t nsources;
	struct conf_webhook *webhooks;
	size_t nwebhooks;
	struct conf_alert *alerts;
	size_t nalerts;
	struct conf_diag *diags;
	size_t ndiags;
};

/* The options table, terminated by a row with name == NULL. */
extern const struct conf_option conf_options[];
/* "earshot", "brand", "source", "webhook", "alert". */
const char *conf_section_name(enum conf_section sec);
/* The text of choice i of an enum option ("rss"), or NULL. */
const char *conf_choice_name(const char *choices, int64_t i, char *out, size_t len);

/* A check for values of one type (CONF_T_QUERY, CONF_T_PATH) supplied by
 * the module that understands them.  Returns ES_OK, or a failure with a
 * message in err and, when known, a 1-based column in *col (else 0). */
typedef enum es_err (*conf_check_fn)(const char *value, const struct conf_source *src,
				     char *err, size_t errlen, int *col);
void conf_set_check(enum conf_type type, conf_check_fn fn);

/* Reads path into a new conf.  Returns NULL only when the file cannot be
 * read (message in err); otherwise a conf whose ndiags says whether it is
 * usable.  The caller frees with conf_free(). */
struct conf *conf_load(const char *path, char *err, size_t errlen);
/* Same, from a string; path is used only in messages. */
struct conf *conf_load_string(const char *text, const char *path);
void conf_free(struct conf *c);

/* Appends a diagnostic (printf-style message) for line. */
void conf_diag_add(struct conf *c, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Prints every diagnostic as "PATH:LINE: message", sorted by line, to fp. */
void conf_diag_print(struct conf *c, FILE *fp);

/* Lookups by name; NULL when absent. */
const struct conf_brand *conf_brand_find(const struct conf *c, const char *name);
const struct conf_source *conf_source_find(const struct conf *c, const char *name);
const struct conf_webhook *conf_webhook_find(const struct conf *c, const char *name);
const struct conf_alert *conf_alert_find(const struct conf *c, const char *name);

/* Writes the OPTIONS section of feeds.conf(5), in man(7) markup, to fp. */
void conf_write_man_options(FILE *fp);

#endif
