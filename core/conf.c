/* conf.c - the feeds.conf reader: tokenizer, options table, diagnostics. */
#include "core/conf.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/buf.h"
#include "core/units.h"
#include "core/xalloc.h"
#include "gen/version.h"

#define CONF_MAX_FILE (4 * 1024 * 1024) /* feeds.conf larger than this is refused */
#define CONF_MAX_NAME 64

#define G(f) offsetof(struct conf_global, f)
#define B(f) offsetof(struct conf_brand, f)
#define S(f) offsetof(struct conf_source, f)
#define W(f) offsetof(struct conf_webhook, f)
#define A(f) offsetof(struct conf_alert, f)

#define DAY_MS 86400000.0

/* NOTE: enum choices are stored as their index, so each list is in the
 * order of the enum it fills (enum conf_format, conf_webhook_type, ...). */
const struct conf_option conf_options[] = {
	{ "database", CONF_SEC_EARSHOT, CONF_T_STR, "earshot.db", 0, 0, NULL, 0, G(database),
	  "SQLite file that holds mentions, fetch state and alerts (the -d option overrides it)." },
	{ "user_agent", CONF_SEC_EARSHOT, CONF_T_STR,
	  "earshot/" ES_VERSION " (+https://github.com/earshot/earshot)", 0, 0, NULL, 0,
	  G(user_agent), "User-Agent sent with every request; name yourself and a contact URL." },
	{ "interval", CONF_SEC_EARSHOT, CONF_T_DURATION, "15m", 1000, 30 * DAY_MS, NULL, 0,
	  G(interval), "Default time between two fetches of one source." },
	{ "concurrency", CONF_SEC_EARSHOT, CONF_T_INT, "16", 1, 1024, NULL, 0, G(concurrency),
	  "Transfers in flight at once, over all hosts." },
	{ "per_host", CONF_SEC_EARSHOT, CONF_T_INT, "2", 1, 64, NULL, 0, G(per_host),
	  "Connections open at once to one host." },
	{ "host_delay", CONF_SEC_EARSHOT, CONF_T_DURATION, "1s", 0, 3600000, NULL, 0,
	  G(host_delay), "Least time between two requests to one host, counted from when each goes out; "
	  "while one is still connecting, the next waits." },
	{ "max_body", CONF_SEC_EARSHOT, CONF_T_SIZE, "8MiB", 1024, 1024.0 * 1024 * 1024, NULL, 0,
	  G(max_body), "Largest response body accepted, counted after decompression." },
	{ "timeout", CONF_SEC_EARSHOT, CONF_T_DURATION, "30s", 1000, 600000, NULL, 0,
	  G(timeout), "Longest time one transfer may take, start to finish." },
	{ "connect_timeout", CONF_SEC_EARSHOT, CONF_T_DURATION, "10s", 1000, 120000, NULL, 0,
	  G(connect_timeout), "Longest time to resolve and connect." },
	{ "allow_private", CONF_SEC_EARSHOT, CONF_T_BOOL, "no", 0, 0, NULL, 0, G(allow_private),
	  "Allow connections to loopback, private and link-local addresses." },
	{ "retention", CONF_SEC_EARSHOT, CONF_T_DURATION, "180d", DAY_MS, 36500 * DAY_MS, NULL,
	  0, G(retention), "Mentions older than this are deleted by the daemon." },
	{ "ops_notify", CONF_SEC_EARSHOT, CONF_T_STR, NULL, 0, 0, NULL, 0, G(ops_notify),
	  "Webhook that hears about sources that fail or fall silent, and their recovery." },
	{ "source_alert_after", CONF_SEC_EARSHOT, CONF_T_DURATION, "6h", 60000, 30 * DAY_MS,
	  NULL, 0, G(source_alert_after),
	  "How long a source may fail before ops_notify is told." },
	{ "lexicon", CONF_SEC_EARSHOT, CONF_T_STR, NULL, 0, 0, NULL, 0, G(lexicon),
	  "Extra sentiment lexicon (TOKEN<TAB>VALENCE lines, -4..4) merged over the built-in ones." },

	{ "query", CONF_SEC_BRAND, CONF_T_QUERY, NULL, 0, 0, NULL, CONF_F_REQUIRED, B(query),
	  "What a mention must say: terms, \"phrases\", AND, OR, NOT, (), NEAR/n, prefix*, "
	  "@handle, #hashtag." },
	{ "exclude", CONF_SEC_BRAND, CONF_T_QUERY, NULL, 0, 0, NULL, 0, B(exclude),
	  "Mentions that match this query are dropped even when query matches." },
	{ "case", CONF_SEC_BRAND, CONF_T_ENUM, "insensitive", 0, 0, "insensitive|sensitive", 0,
	  B(case_sensitive), "sensitive tells \"Gap\" the company from \"gap\" the word." },

	{ "url", CONF_SEC_SOURCE, CONF_T_URL, NULL, 0, 0, NULL, CONF_F_REQUIRED, S(url),
	  "The http:// or https:// address to fetch." },
	{ "format", CONF_SEC_SOURCE, CONF_T_ENUM, "auto", 0, 0, "auto|rss|atom|jsonfeed|json|html",
	  0, S(format), "How to read the body; auto sniffs it from the content." },
	{ "interval", CONF_SEC_SOURCE, CONF_T_DURATION, NULL, 1000, 30 * DAY_MS, NULL,
	  CONF_F_INHERIT, S(interval), "Time between two fetches of this source." },
	{ "brands", CONF_SEC_SOURCE, CONF_T_LIST, NULL, 0, 0, NULL, 0, S(brands),
	  "Brands matched against this source's mentions (default: all)." },
	{ "store_unmatched", CONF_SEC_SOURCE, CONF_T_BOOL, "no", 0, 0, NULL, 0,
	  S(store_unmatched), "Keep mentions that match no brand." },
	{ "robots", CONF_SEC_SOURCE, CONF_T_BOOL, NULL, 0, 0, NULL, 0, S(robots),
	  "Obey robots.txt (default: yes for format = html, no for feeds and APIs)." },
	{ "allow_private", CONF_SEC_SOURCE, CONF_T_BOOL, NULL, 0, 0, NULL, CONF_F_INHERIT,
	  S(allow_private), "Allow this source to reach loopback and private addresses." },
	{ "max_body", CONF_SEC_SOURCE, CONF_T_SIZE, NULL, 1024, 1024.0 * 1024 * 1024, NULL,
	  CONF_F_INHERIT, S(max_body), "Largest body accepted from this source." },
	{ "timeout", CONF_SEC_SOURCE, CONF_T_DURATION, NULL, 1000, 600000, NULL, CONF_F_INHERIT,
	  S(timeout), "Longest time one fetch of this source may take." },
	{ "user_agent", CONF_SEC_SOURCE, CONF_T_STR, NULL, 0, 0, NULL, CONF_F_INHERIT,
	  S(user_agent), "User-Agent for this source only." },
	{ "items", CONF_SEC_SOURCE, CONF_T_PATH, NULL, 0, 0, NULL, 0, S(items),
	  "json: dotted path to the array of items (\"hits\", \"data.children[].data\")." },
	{ "item", CONF_SEC_SOURCE, CONF_T_PATH, NULL, 0, 0, NULL, 0, S(item),
	  "html: XPath that selects one node per review." },
	{ "id", CONF_SEC_SOURCE, CONF_T_PATH, NULL, 0, 0, NULL, 0, S(id),
	  "json/html: path to the item's stable id." },
	{ "title", CONF_SEC_SOURCE, CONF_T_PATH, NULL, 0, 0, NULL, 0, S(title),
	  "json/html: path to the title." },
	{ "link", CONF_SEC_SOURCE, CONF_T_PATH, NULL, 0, 0, NULL, 0, S(link),
	  "json/html: path to the item's URL." },
	{ "text", CONF_SEC_SOURCE, CONF_T_PATH, NULL, 0, 0, NULL, 0, S(text),
	  "json/html: path to the body text (HTML is stripped)." },
	{ "published", CONF_SEC_SOURCE, CONF_T_PATH, NULL, 0, 0, NULL, 0, S(published),
	  "json/html: path to the date (ISO 8601, RFC 822 or Unix epoch)." },
	{ "author", CONF_SEC_SOURCE, CONF_T_PATH, NULL, 0, 0, NULL, 0, S(author),
	  "json/html: path to the author." },
	{ "rating", CONF_SEC_SOURCE, CONF_T_PATH, NULL, 0, 0, NULL, 0, S(rating),
	  "json/html: path to the star rating." },
	{ "rating_scale", CONF_SEC_SOURCE, CONF_T_PATH, NULL, 0, 0, NULL, 0, S(rating_scale),
	  "json/html: best possible rating, a number (default 5) or a path to one." },

	{ "type", CONF_SEC_WEBHOOK, CONF_T_ENUM, NULL, 0, 0,
	  "slack|discord|teams|mattermost|googlechat|json", CONF_F_REQUIRED, W(type),
	  "The chat service, which sets the message format and pace." },
	{ "url", CONF_SEC_WEBHOOK, CONF_T_SECRET, NULL, 0, 0, NULL, CONF_F_REQUIRED, W(url),
	  "The webhook address; a secret, best given as ${VARIABLE}." },
	{ "secret", CONF_SEC_WEBHOOK, CONF_T_SECRET, NULL, 0, 0, NULL, 0, W(secret),
	  "json only: key for the X-Earshot-Signature HMAC-SHA256 header." },
	{ "min_interval", CONF_SEC_WEBHOOK, CONF_T_DURATION, NULL, 0, 3600000, NULL, 0,
	  W(min_interval), "Least time between two messages (default: the service's limit)." },

	{ "brand", CONF_SEC_ALERT, CONF_T_STR, NULL, 0, 0, NULL, 0, A(brand),
	  "The brand watched (default: every brand together)." },
	{ "sentiment", CONF_SEC_ALERT, CONF_T_ENUM, "negative", 0, 0,
	  "negative|positive|neutral|any", 0, A(sentiment), "Which mentions are counted." },
	{ "window", CONF_SEC_ALERT, CONF_T_DURATION, "1h", 60000, 7 * DAY_MS, NULL, 0, A(window),
	  "The span whose count is tested." },
	{ "baseline", CONF_SEC_ALERT, CONF_T_DURATION, "7d", 3600000, 365 * DAY_MS, NULL, 0,
	  A(baseline), "The history the window is compared with." },
	{ "threshold", CONF_SEC_ALERT, CONF_T_REAL, "3.5", 0.5, 100, NULL, 0, A(threshold),
	  "How unusual the count must be: a robust z-score." },
	{ "min_count", CONF_SEC_ALERT, CONF_T_INT, "5", 1, 1000000, NULL, 0, A(min_count),
	  "Fewest mentions in the window that can fire." },
	{ "cooldown", CONF_SEC_ALERT, CONF_T_DURATION, "6h", 0, 30 * DAY_MS, NULL, 0,
	  A(cooldown), "Quiet time after the rule fires." },
	{ "notify", CONF_SEC_ALERT, CONF_T_LIST, NULL, 0, 0, NULL, CONF_F_REQUIRED, A(notify),
	  "Webhooks that receive the alert." },
	{ "share", CONF_SEC_ALERT, CONF_T_BOOL, "no", 0, 0, NULL, 0, A(share),
	  "Also fire when the negative share of the brand's mentions rises well above its "
	  "baseline share." },
	{ NULL, 0, 0, NULL, 0, 0, NULL, 0, 0, NULL },
};

static const char *const conf_section_names[CONF_SEC_COUNT] = {
	"earshot", "brand", "source", "webhook", "alert",
};

static conf_check_fn conf_checks[CONF_T_PATH + 1];

/* Parsing state: the instance being filled and the line of every key set. */
struct conf_parser {
	struct conf *c;
	enum conf_section sec;  /* CONF_SEC_COUNT: ignoring keys (bad header) */
	size_t idx;             /* instance index within its section */
	int **lines;            /* per section: nopts ints per instance */
	int *sec_line[CONF_SEC_COUNT]; /* header line per instance */
	bool earshot_seen;
	int earshot_line;
};

const char *
conf_section_name(enum conf_section sec)
{
	return sec < CONF_SEC_COUNT ? conf_section_names[sec] : "?";
}

void
conf_set_check(enum conf_type type, conf_check_fn fn)
{
	if (type == CONF_T_QUERY || type == CONF_T_PATH)
		conf_checks[type] = fn;
}

static size_t
conf_nopts(void)
{
	size_t n = 0;

	while (conf_options[n].name)
		n++;
	return n;
}

const char *
conf_choice_name(const char *choices, int64_t i, char *out, size_t len)
{
	const char *p = choices;

	for (; i > 0 && p; i--) {
		p = strchr(p, '|');
		if (p)
			p++;
	}
	if (!p || i < 0)
		return NULL;
	snprintf(out, len, "%.*s", (int)strcspn(p, "|"), p);
	return out;
}

void
conf_diag_add(struct conf *c, int line, const char *fmt, ...)
{
	va_list ap;
	struct buf b;

	buf_init(&b, 4096);
	va_start(ap, fmt);
	(void)buf_vprintf(&b, fmt, ap);
	va_end(ap);
	c->diags = xreallocarray(c->diags, c->ndiags + 1, sizeof(*c->diags));
	c->diags[c->ndiags].line = line;
	c->diags[c->ndiags].seq = c->ndiags;
	c->diags[c->ndiags].msg = buf_take(&b, NULL);
	c->ndiags++;
}

static int
conf_diag_cmp(const void *a, const void *b)
{
	const struct conf_diag *x = a, *y = b;

	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

void
conf_diag_print(struct conf *c, FILE *fp)
{
	/* Sorted by line; seq keeps the order of messages on one line. */
	if (c->ndiags)
		qsort(c->diags, c->ndiags, sizeof(*c->diags), conf_diag_cmp);
	for (size_t i = 0; i < c->ndiags; i++) {
		if (c->diags[i].line > 0)
			fprintf(fp, "%s:%d: %s\n", c->path, c->diags[i].line, c->diags[i].msg);
		else
			fprintf(fp, "%s: %s\n", c->path, c->diags[i].msg);
	}
}

/* ---- section instances ---- */

static size_t
conf_sec_size(enum conf_section sec)
{
	static const size_t sizes[CONF_SEC_COUNT] = {
		sizeof(struct conf_global), sizeof(struct conf_brand), sizeof(struct conf_source),
		sizeof(struct conf_webhook), sizeof(struct conf_alert),
	};
	return sizes[sec];
}

static void **
conf_sec_array(struct conf *c, enum conf_section sec, size_t **count)
{
	switch (sec) {
	case CONF_SEC_BRAND: *count = &c->nbrands; return (void **)&c->brands;
	case CONF_SEC_SOURCE: *count = &c->nsources; return (void **)&c->sources;
	case CONF_SEC_WEBHOOK: *count = &c->nwebhooks; return (void **)&c->webhooks;
	case CONF_SEC_ALERT: *count = &c->nalerts; return (void **)&c->alerts;
	default: *count = NULL; return NULL;
	}
}

static void *
conf_instance(struct conf *c, enum conf_section sec, size_t idx)
{
	size_t *count;
	void **arr;

	if (sec == CONF_SEC_EARSHOT)
		return &c->global;
	arr = conf_sec_array(c, sec, &count);
	return (char *)*arr + idx * conf_sec_size(sec);
}

/* Every instance starts with name and line (all section structs share them). */
struct conf_named {
	char *name;
	int line;
};

static void
conf_instance_clear(void *inst, enum conf_section sec)
{
	memset(inst, 0, conf_sec_size(sec));
	for (const struct conf_option *o = conf_options; o->name; o++) {
		if (o->section != sec)
			continue;
		if (o->type == CONF_T_REAL)
			*(double *)((char *)inst + o->offset) = NAN;
		else if (o->type != CONF_T_STR && o->type != CONF_T_SECRET &&
			 o->type != CONF_T_URL && o->type != CONF_T_LIST &&
			 o->type != CONF_T_QUERY && o->type != CONF_T_PATH)
			*(int64_t *)((char *)inst + o->offset) = CONF_UNSET;
	}
}

static size_t
conf_instance_new(struct conf_parser *p, enum conf_section sec, const char *name, int line)
{
	size_t nopts = conf_nopts(), *count;
	void **arr = conf_sec_array(p->c, sec, &count);
	struct conf_named *named;
	size_t idx = (*count)++;

	*arr = xreallocarray(*arr, *count, conf_sec_size(sec));
	conf_instance_clear((char *)*arr + idx * conf_sec_size(sec), sec);
	named = (struct conf_named *)((char *)*arr + idx * conf_sec_size(sec));
	named->name = xstrdup(name);
	named->line = line;
	p->lines[sec] = xreallocarray(p->lines[sec], *count * nopts, sizeof(int));
	memset(p->lines[sec] + idx * nopts, 0, nopts * sizeof(int));
	return idx;
}

static int *
conf_opt_lines(struct conf_parser *p, enum conf_section sec, size_t idx)
{
	return p->lines[sec] + idx * conf_nopts();
}

/* ---- tokenizing ---- */

static bool
conf_valid_name(const char *s)
{
	size_t n = 0;

	for (; s[n]; n++)
		if (!isalnum((unsigned char)s[n]) && !strchr("_.-", s[n]))
			return false;
	return n > 0 && n <= CONF_MAX_NAME;
}

/* Cuts a comment off line in place.  A '#' starts a comment at the start of
 * the line, or after white space when white space or the end follows; so
 * "#hashtag" inside a query stays.  Quoted text never holds a comment. */
static void
conf_strip_comment(char *line)
{
	bool q = false;

	for (char *s = line; *s; s++) {
		if (*s == '\\' && q && s[1]) {
			s++;
		} else if (*s == '"') {
			q = !q;
		} else if (*s == '#' && !q && (s == line || isspace((unsigned char)s[-1])) &&
			   (!s[1] || isspace((unsigned char)s[1]))) {
			*s = '\0';
			return;
		}
	}
}

static char *
conf_trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

/* If v is exactly one quoted string and strip is set, unquotes it in place
 * (\" \\ \n \t); otherwise leaves it alone, quotes and all (a query keeps
 * its phrases).  Returns false for an unterminated quote. */
static bool
conf_unquote(char *v, bool strip)
{
	char *r = v + 1, *w = v;

	if (*v != '"')
		return true;
	for (; *r && *r != '"'; r++) {
		if (*r == '\\' && r[1])
			r++;
	}
	if (!*r)
		return false;
	if (r[1] != '\0' || !strip)
		return true; /* more follows the first string: not a single string */
	for (r = v + 1; *r != '"'; r++) {
		if (*r == '\\') {
			r++;
			*w++ = *r == 'n' ? '\n' : *r == 't' ? '\t' : *r;
		} else {
			*w++ = *r;
		}
	}
	*w = '\0';
	return true;
}

/* Expands ${VAR} and ${VAR:-fallback} from the environment into out.
 * Returns false and names the variable in a diagnostic when one is unset
 * (without a fallback) or malformed.  The value itself is never shown. */
static bool
conf_expand(struct conf *c, int line, const char *v, struct buf *out, bool *expanded)
{
	*expanded = false;
	buf_reset(out);
	while (*v) {
		const char *end, *val, *dflt;
		char name[128];
		size_t nlen;

		if (v[0] != '$' || v[1] != '{') {
			(void)buf_putc(out, *v++);
			continue;
		}
		end = strchr(v + 2, '}');
		dflt = end ? strstr(v + 2, ":-") : NULL;
		if (dflt && dflt > end)
			dflt = NULL;
		nlen = (size_t)((dflt ? dflt : end ? end : v) - (v + 2));
		if (!end || nlen == 0 || nlen >= sizeof(name)) {
			conf_diag_add(c, line, "malformed ${...} reference");
			return false;
		}
		snprintf(name, sizeof(name), "%.*s", (int)nlen, v + 2);
		for (const char *n = name; *n; n++) {
			if (!isalnum((unsigned char)*n) && *n != '_') {
				conf_diag_add(c, line, "malformed ${...} reference");
				return false;
			}
		}
		if ((val = getenv(name)) && (*val || !dflt)) {
			(void)buf_puts(out, val);
		} else if (dflt) {
			(void)buf_append(out, dflt + 2, (size_t)(end - (dflt + 2)));
		} else {
			conf_diag_add(c, line, "environment variable %s is not set", name);
			return false;
		}
		*expanded = true;
		v = end + 1;
	}
	return true;
}

/* ---- values ---- */

static bool
conf_parse_bool(const char *v, int64_t *out)
{
	static const char *const yes[] = { "yes", "true", "on", "1" };
	static const char *const no[] = { "no", "false", "off", "0" };

	for (size_t i = 0; i < 4; i++) {
		if (strcasecmp(v, yes[i]) == 0)
			return (*out = 1), true;
		if (strcasecmp(v, no[i]) == 0)
			return (*out = 0), true;
	}
	return false;
}

static bool
conf_parse_enum(const char *choices, const char *v, int64_t *out)
{
	const char *p = choices;
	int64_t i = 0;

	while (p) {
		size_t n = strcspn(p, "|");

		if (strlen(v) == n && strncasecmp(p, v, n) == 0)
			return (*out = i), true;
		p = p[n] ? p + n + 1 : NULL;
		i++;
	}
	return false;
}

static bool
conf_parse_int(const char *v, int64_t *out)
{
	char *end;
	long long n;

	errno = 0;
	n = strtoll(v, &end, 10);
	if (errno || end == v || *end)
		return false;
	*out = n;
	return true;
}

static bool
conf_parse_real(const char *v, double *out)
{
	char *end;
	double d;

	errno = 0;
	d = strtod(v, &end);
	if (errno || end == v || *end || !isfinite(d))
		return false;
	*out = d;
	return true;
}

static bool
conf_valid_url(const char *v)
{
	const char *host;

	if (strncasecmp(v, "http://", 7) == 0)
		host = v + 7;
	else if (strncasecmp(v, "https://", 8) == 0)
		host = v + 8;
	else
		return false;
	if (!*host || *host == '/' || *host == '?' || *host == '#')
		return false;
	for (const char *s = v; *s; s++)
		if ((unsigned char)*s <= ' ')
			return false;
	return true;
}

/* Splits a comma-separated list of names into a NULL-terminated array. */
static bool
conf_parse_list(struct conf *c, int line, const char *key, const char *v, char ***out,
		size_t *n)
{
	char *copy = xstrdup(v), *save = NULL, *tok;
	bool ok = true;

	*out = xcalloc(1, sizeof(char *));
	*n = 0;
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		tok = conf_trim(tok);
		if (!conf_valid_name(tok)) {
			conf_diag_add(c, line, "%s: '%s' is not a valid name", key, tok);
			ok = false;
			continue;
		}
		*out = xreallocarray(*out, *n + 2, sizeof(char *));
		(*out)[(*n)++] = xstrdup(tok);
		(*out)[*n] = NULL;
	}
	free(copy);
	if (ok && *n == 0) {
		conf_diag_add(c, line, "%s: empty list", key);
		ok = false;
	}
	return ok;
}

static void
conf_free_list(char **list)
{
	if (!list)
		return;
	for (char **s = list; *s; s++)
		free(*s);
	free(list);
}

static bool
conf_range_ok(struct conf *c, int line, const struct conf_option *o, double v, const char *shown)
{
	char lo[32], hi[32];

	if (o->min == 0 && o->max == 0)
		return true;
	if (v >= o->min && v <= o->max)
		return true;
	if (o->type == CONF_T_DURATION) {
		units_fmt_duration((int64_t)o->min, lo, sizeof(lo));
		units_fmt_duration((int64_t)o->max, hi, sizeof(hi));
	} else if (o->type == CONF_T_SIZE) {
		units_fmt_size((int64_t)o->min, lo, sizeof(lo));
		units_fmt_size((int64_t)o->max, hi, sizeof(hi));
	} else {
		snprintf(lo, sizeof(lo), "%g", o->min);
		snprintf(hi, sizeof(hi), "%g", o->max);
	}
	conf_diag_add(c, line, "%s: %s is out of range (%s..%s)", o->name, shown, lo, hi);
	return false;
}

/* Stores v into field according to o's type.  shown is what may be printed
 * of the value in a message (NULL when it came from the environment). */
static bool
conf_set_value(struct conf *c, int line, const struct conf_option *o, void *inst,
	       const char *v, const char *shown)
{
	void *field = (char *)inst + o->offset;
	const char *sv = shown ? shown : "the value";
	int64_t n;
	double d;

	switch (o->type) {
	case CONF_T_STR:
	case CONF_T_SECRET:
	case CONF_T_QUERY:
	case CONF_T_PATH:
		/* An empty webhook url (${VAR:-}) leaves the webhook disabled. */
		if (!*v && o->type != CONF_T_STR && o->type != CONF_T_SECRET) {
			conf_diag_add(c, line, "%s: empty value", o->name);
			return false;
		}
		free(*(char **)field);
		*(char **)field = xstrdup(v);
		return true;
	case CONF_T_URL:
		if (!conf_valid_url(v)) {
			conf_diag_add(c, line, "%s: %s is not an http:// or https:// URL", o->name,
				      shown ? shown : "the value");
			return false;
		}
		free(*(char **)field);
		*(char **)field = xstrdup(v);
		return true;
	case CONF_T_INT:
		if (!conf_parse_int(v, &n)) {
			conf_diag_add(c, line, "%s: %s is not a whole number", o->name, sv);
			return false;
		}
		if (!conf_range_ok(c, line, o, (double)n, sv))
			return false;
		*(int64_t *)field = n;
		return true;
	case CONF_T_REAL:
		if (!conf_parse_real(v, &d)) {
			conf_diag_add(c, line, "%s: %s is not a number", o->name, sv);
			return false;
		}
		if (!conf_range_ok(c, line, o, d, sv))
			return false;
		*(double *)field = d;
		return true;
	case CONF_T_DURATION:
		if (units_parse_duration(v, &n)) {
			conf_diag_add(c, line, "%s: %s is not a duration (like 90s, 15m, 6h, 7d)",
				      o->name, sv);
			return false;
		}
		if (!conf_range_ok(c, line, o, (double)n, sv))
			return false;
		*(int64_t *)field = n;
		return true;
	case CONF_T_SIZE:
		if (units_parse_size(v, &n)) {
			conf_diag_add(c, line, "%s: %s is not a size (like 512KiB, 8MiB)", o->name,
				      sv);
			return false;
		}
		if (!conf_range_ok(c, line, o, (double)n, sv))
			return false;
		*(int64_t *)field = n;
		return true;
	case CONF_T_BOOL:
		if (!conf_parse_bool(v, &n)) {
			conf_diag_add(c, line, "%s: %s is not yes or no", o->name, sv);
			return false;
		}
		*(int64_t *)field = n;
		return true;
	case CONF_T_ENUM:
		if (!conf_parse_enum(o->choices, v, &n)) {
			conf_diag_add(c, line, "%s: %s is not one of %s", o->name, sv, o->choices);
			return false;
		}
		*(int64_t *)field = n;
		return true;
	case CONF_T_LIST: {
		char **list;
		size_t cnt;
		size_t *cntp = o->section == CONF_SEC_SOURCE
				       ? &((struct conf_source *)inst)->nbrands
				       : &((struct conf_alert *)inst)->nnotify;

		if (!conf_parse_list(c, line, o->name, v, &list, &cnt)) {
			conf_free_list(list);
			return false;
		}
		conf_free_list(*(char ***)field);
		*(char ***)field = list;
		*cntp = cnt;
		return true;
	}
	}
	return false;
}

/* ---- keys and sections ---- */

static const struct conf_option *
conf_find_option(enum conf_section sec, const char *key, size_t *index)
{
	for (size_t i = 0; conf_options[i].name; i++) {
		if (conf_options[i].section == sec && strcmp(conf_options[i].name, key) == 0) {
			*index = i;
			return &conf_options[i];
		}
	}
	return NULL;
}

static size_t
conf_edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), prev[64], cur[64];

	if (la >= 63 || lb >= 63)
		return 99;
	for (size_t j = 0; j <= lb; j++)
		prev[j] = j;
	for (size_t i = 1; i <= la; i++) {
		cur[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t sub = prev[j - 1] + (a[i - 1] != b[j - 1]);
			size_t del = prev[j] + 1, ins = cur[j - 1] + 1;

			cur[j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
		}
		memcpy(prev, cur, (lb + 1) * sizeof(size_t));
	}
	return prev[lb];
}

static void
conf_unknown_key(struct conf *c, int line, enum conf_section sec, const char *key)
{
	const struct conf_option *best = NULL;
	size_t bestd = 3;

	for (const struct conf_option *o = conf_options; o->name; o++) {
		if (o->section != sec && strcmp(o->name, key) == 0) {
			conf_diag_add(c, line, "unknown key '%s' in [%s]; it belongs in [%s]", key,
				      conf_section_name(sec), conf_section_name(o->section));
			return;
		}
	}
	for (const struct conf_option *o = conf_options; o->name; o++) {
		size_t d;

		if (o->section == sec && (d = conf_edit_distance(key, o->name)) < bestd) {
			bestd = d;
			best = o;
		}
	}
	if (best)
		conf_diag_add(c, line, "unknown key '%s' in [%s]; did you mean '%s'?", key,
			      conf_section_name(sec), best->name);
	else
		conf_diag_add(c, line, "unknown key '%s' in [%s]", key, conf_section_name(sec));
}

static void
conf_section_header(struct conf_parser *p, char *s, int line)
{
	char *end = strchr(s, ']'), *type, *name;
	int sec;

	p->sec = CONF_SEC_COUNT;
	if (!end || *conf_trim(end + 1)) {
		conf_diag_add(p->c, line, "malformed section header (expected [type] or [type NAME])");
		return;
	}
	*end = '\0';
	type = conf_trim(s + 1);
	name = type + strcspn(type, " \t");
	if (*name)
		*name++ = '\0';
	name = conf_trim(name);
	if (strlen(name) >= 2 && name[0] == '"' && name[strlen(name) - 1] == '"') {
		name[strlen(name) - 1] = '\0';
		name++;
	}
	for (sec = 0; sec < CONF_SEC_COUNT; sec++)
		if (strcmp(type, conf_section_names[sec]) == 0)
			break;
	if (sec == CONF_SEC_COUNT) {
		conf_diag_add(p->c, line,
			      "unknown section [%s] (expected earshot, brand, source, webhook or alert)",
			      type);
		return;
	}
	if (sec == CONF_SEC_EARSHOT) {
		if (*name) {
			conf_diag_add(p->c, line, "[earshot] takes no name");
			return;
		}
		if (p->earshot_seen) {
			conf_diag_add(p->c, line, "duplicate [earshot] (first at line %d)",
				      p->earshot_line);
			return;
		}
		p->earshot_seen = true;
		p->earshot_line = line;
		p->sec = CONF_SEC_EARSHOT;
		p->idx = 0;
		return;
	}
	if (!*name) {
		conf_diag_add(p->c, line, "[%s] needs a name: [%s NAME]", type, type);
		return;
	}
	if (!conf_valid_name(name)) {
		conf_diag_add(p->c, line, "'%s' is not a valid name (letters, digits, _ . -)", name);
		return;
	}
	{
		size_t *count;
		void **arr = conf_sec_array(p->c, (enum conf_section)sec, &count);

		for (size_t i = 0; i < *count; i++) {
			struct conf_named *other =
				(struct conf_named *)((char *)*arr + i * conf_sec_size((enum conf_section)sec));

			if (strcmp(other->name, name) == 0) {
				conf_diag_add(p->c, line, "duplicate [%s %s] (first at line %d)", type,
					      name, other->line);
				return;
			}
		}
	}
	p->sec = (enum conf_section)sec;
	p->idx = conf_instance_new(p, p->sec, name, line);
}

static void
conf_key_value(struct conf_parser *p, char *s, int line, struct buf *tmp)
{
	char *eq = strchr(s, '='), *key, *val;
	const struct conf_option *o;
	size_t oi;
	int *lines;
	bool expanded;

	if (!eq) {
		conf_diag_add(p->c, line, "expected 'key = value' or a [section]");
		return;
	}
	*eq = '\0';
	key = conf_trim(s);
	val = conf_trim(eq + 1);
	if (!*key) {
		conf_diag_add(p->c, line, "missing key before '='");
		return;
	}
	if (p->sec == CONF_SEC_COUNT)
		return; /* inside a section already reported as bad */
	if (!p->earshot_seen && p->sec == CONF_SEC_EARSHOT && p->idx == (size_t)-1) {
		conf_diag_add(p->c, line, "'%s' is outside any section", key);
		return;
	}
	if (!(o = conf_find_option(p->sec, key, &oi))) {
		conf_unknown_key(p->c, line, p->sec, key);
		return;
	}
	lines = conf_opt_lines(p, p->sec, p->sec == CONF_SEC_EARSHOT ? 0 : p->idx);
	if (lines[oi]) {
		conf_diag_add(p->c, line, "duplicate key '%s' (first set at line %d)", key, lines[oi]);
		return;
	}
	lines[oi] = line;
	/* NOTE: a query keeps its quotes: query = "acme cloud" is a phrase. */
	if (!conf_unquote(val, o->type != CONF_T_QUERY)) {
		conf_diag_add(p->c, line, "%s: unterminated quote", key);
		return;
	}
	if (!conf_expand(p->c, line, val, tmp, &expanded))
		return;
	{
		char shown[96];
		const char *sh = NULL;

		if (!expanded && o->type != CONF_T_SECRET) {
			snprintf(shown, sizeof(shown), "'%s'", buf_str(tmp));
			sh = shown;
		}
		conf_set_value(p->c, line, o, conf_instance(p->c, p->sec, p->idx), buf_str(tmp), sh);
	}
}

/* Joins lines ending in a backslash.  Returns the logical line in out, the
 * line number it started on in *start, and the position after it. */
static const char *
conf_next_line(const char *p, int *lineno, int *start, struct buf *out, bool *toolong)
{
	*start = *lineno + 1;
	*toolong = false;
	buf_reset(out);
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		bool cont;

		(*lineno)++;
		if (n && p[n - 1] == '\r')
			n--;
		cont = n && p[n - 1] == '\\';
		if (buf_append(out, p, cont ? n - 1 : n))
			*toolong = true;
		p = nl ? nl + 1 : p + strlen(p);
		if (!cont)
			break;
		(void)buf_putc(out, ' ');
	}
	return p;
}

/* ---- post-pass: defaults, inheritance, required keys, references ---- */

static void
conf_apply_defaults(struct conf *c, enum conf_section sec, void *inst)
{
	for (const struct conf_option *o = conf_options; o->name; o++) {
		void *field = (char *)inst + o->offset;
		bool unset;

		if (o->section != sec)
			continue;
		if (o->type == CONF_T_REAL)
			unset = isnan(*(double *)field);
		else if (o->type == CONF_T_STR || o->type == CONF_T_SECRET || o->type == CONF_T_URL ||
			 o->type == CONF_T_QUERY || o->type == CONF_T_PATH)
			unset = *(char **)field == NULL;
		else if (o->type == CONF_T_LIST)
			unset = *(char ***)field == NULL;
		else
			unset = *(int64_t *)field == CONF_UNSET;
		if (!unset)
			continue;
		if (o->def) {
			conf_set_value(c, 0, o, inst, o->def, o->def);
		} else if (o->flags & CONF_F_INHERIT) {
			size_t gi;
			const struct conf_option *g = conf_find_option(CONF_SEC_EARSHOT, o->name, &gi);
			void *gfield = (char *)&c->global + g->offset;

			if (o->type == CONF_T_STR)
				*(char **)field = xstrdup(*(char **)gfield);
			else
				*(int64_t *)field = *(int64_t *)gfield;
		}
	}
}

static void
conf_check_required(struct conf *c, struct conf_parser *p, enum conf_section sec)
{
	size_t *count, nopts = conf_nopts();
	void **arr = conf_sec_array(c, sec, &count);

	for (size_t i = 0; i < *count; i++) {
		struct conf_named *inst = (struct conf_named *)((char *)*arr + i * conf_sec_size(sec));
		int *lines = p->lines[sec] + i * nopts;

		for (size_t k = 0; k < nopts; k++) {
			const struct conf_option *o = &conf_options[k];

			if (o->section == sec && (o->flags & CONF_F_REQUIRED) && !lines[k])
				conf_diag_add(c, inst->line, "[%s %s] is missing required key '%s'",
					      conf_section_name(sec), inst->name, o->name);
		}
	}
}

static int
conf_line_of(struct conf_parser *p, enum conf_section sec, size_t idx, const char *key)
{
	size_t oi;

	if (!conf_find_option(sec, key, &oi))
		return 0;
	return conf_opt_lines(p, sec, idx)[oi];
}

static void
conf_check_refs(struct conf *c, struct conf_parser *p)
{
	for (size_t i = 0; i < c->nsources; i++) {
		struct conf_source *s = &c->sources[i];

		for (size_t k = 0; k < s->nbrands; k++)
			if (!conf_brand_find(c, s->brands[k]))
				conf_diag_add(c, conf_line_of(p, CONF_SEC_SOURCE, i, "brands"),
					      "brands: no [brand %s] is defined", s->brands[k]);
	}
	for (size_t i = 0; i < c->nalerts; i++) {
		struct conf_alert *a = &c->alerts[i];

		if (a->brand && strcmp(a->brand, "*") != 0 && !conf_brand_find(c, a->brand))
			conf_diag_add(c, conf_line_of(p, CONF_SEC_ALERT, i, "brand"),
				      "brand: no [brand %s] is defined", a->brand);
		for (size_t k = 0; k < a->nnotify; k++)
			if (!conf_webhook_find(c, a->notify[k]))
				conf_diag_add(c, conf_line_of(p, CONF_SEC_ALERT, i, "notify"),
					      "notify: no [webhook %s] is defined", a->notify[k]);
		if (a->window != CONF_UNSET && a->baseline != CONF_UNSET &&
		    a->baseline < 2 * a->window)
			conf_diag_add(c, conf_line_of(p, CONF_SEC_ALERT, i, "baseline")
					      ? conf_line_of(p, CONF_SEC_ALERT, i, "baseline")
					      : a->line,
				      "baseline must be at least twice the window");
	}
	if (c->global.ops_notify && !conf_webhook_find(c, c->global.ops_notify))
		conf_diag_add(c, conf_line_of(p, CONF_SEC_EARSHOT, 0, "ops_notify"),
			      "ops_notify: no [webhook %s] is defined", c->global.ops_notify);
	for (size_t i = 0; i < c->nwebhooks; i++)
		if (c->webhooks[i].secret && c->webhooks[i].type != CONF_WH_JSON)
			conf_diag_add(c, conf_line_of(p, CONF_SEC_WEBHOOK, i, "secret"),
				      "secret: only a type = json webhook signs its messages");
}

static void
conf_run_check(struct conf *c, int line, const char *key, const char *value,
	       enum conf_type type, const struct conf_source *src)
{
	char err[ES_ERRLEN] = "";
	int col = 0;

	if (!value || !conf_checks[type] || !conf_checks[type](value, src, err, sizeof(err), &col))
		return;
	if (col > 0)
		conf_diag_add(c, line, "%s: %s at column %d", key, err, col);
	else
		conf_diag_add(c, line, "%s: %s", key, err);
}

static void
conf_check_values(struct conf *c, struct conf_parser *p)
{
	for (size_t i = 0; i < c->nbrands; i++) {
		struct conf_brand *b = &c->brands[i];

		b->query_line = conf_line_of(p, CONF_SEC_BRAND, i, "query");
		b->exclude_line = conf_line_of(p, CONF_SEC_BRAND, i, "exclude");
		conf_run_check(c, b->query_line, "query", b->query, CONF_T_QUERY, NULL);
		conf_run_check(c, b->exclude_line, "exclude", b->exclude, CONF_T_QUERY, NULL);
	}
	for (size_t i = 0; i < c->nsources; i++) {
		struct conf_source *s = &c->sources[i];

		for (const struct conf_option *o = conf_options; o->name; o++) {
			const char *v;
			int line;

			if (o->section != CONF_SEC_SOURCE || o->type != CONF_T_PATH)
				continue;
			v = *(char **)((char *)s + o->offset);
			if (!v)
				continue;
			line = conf_line_of(p, CONF_SEC_SOURCE, i, o->name);
			if (!s->map_line || line < s->map_line)
				s->map_line = line;
			if (s->format != CONF_FMT_JSON && s->format != CONF_FMT_HTML &&
			    s->format != CONF_FMT_AUTO) {
				conf_diag_add(c, line, "%s: only format = json or html takes a mapping",
					      o->name);
				continue;
			}
			conf_run_check(c, line, o->name, v, CONF_T_PATH, s);
		}
		if (s->robots == CONF_UNSET)
			s->robots = s->format == CONF_FMT_HTML;
	}
}

static void
conf_finish(struct conf *c, struct conf_parser *p)
{
	conf_apply_defaults(c, CONF_SEC_EARSHOT, &c->global);
	for (int sec = CONF_SEC_BRAND; sec < CONF_SEC_COUNT; sec++) {
		size_t *count;
		void **arr = conf_sec_array(c, (enum conf_section)sec, &count);

		for (size_t i = 0; i < *count; i++)
			conf_apply_defaults(c, (enum conf_section)sec,
					    (char *)*arr + i * conf_sec_size((enum conf_section)sec));
		conf_check_required(c, p, (enum conf_section)sec);
	}
	conf_check_refs(c, p);
	conf_check_values(c, p);
}

/* ---- entry points ---- */

struct conf *
conf_load_string(const char *text, const char *path)
{
	struct conf *c = xcalloc(1, sizeof(*c));
	struct conf_parser p = { .c = c, .sec = CONF_SEC_EARSHOT, .idx = (size_t)-1 };
	struct buf line, tmp;
	int lineno = 0, start;
	bool toolong;

	c->path = xstrdup(path ? path : "feeds.conf");
	conf_instance_clear(&c->global, CONF_SEC_EARSHOT);
	p.lines = xcalloc(CONF_SEC_COUNT, sizeof(int *));
	p.lines[CONF_SEC_EARSHOT] = xcalloc(conf_nopts(), sizeof(int));
	buf_init(&line, CONF_MAX_LINE);
	buf_init(&tmp, 0);
	while (*text) {
		char *s;

		text = conf_next_line(text, &lineno, &start, &line, &toolong);
		if (toolong) {
			conf_diag_add(c, start, "line longer than %d bytes", CONF_MAX_LINE);
			continue;
		}
		if (!line.data)
			continue;
		conf_strip_comment(line.data);
		s = conf_trim(line.data);
		if (!*s)
			continue;
		if (*s == '[')
			conf_section_header(&p, s, start);
		else
			conf_key_value(&p, s, start, &tmp);
	}
	conf_finish(c, &p);
	buf_free(&line);
	buf_free(&tmp);
	for (int i = 0; i < CONF_SEC_COUNT; i++)
		free(p.lines[i]);
	free(p.lines);
	return c;
}

struct conf *
conf_load(const char *path, char *err, size_t errlen)
{
	struct buf b;
	struct conf *c;
	char chunk[8192];
	size_t n;
	FILE *fp;

	if (!(fp = fopen(path, "rb"))) {
		es_error(ES_EIO, err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	buf_init(&b, CONF_MAX_FILE);
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0) {
		if (buf_append(&b, chunk, n)) {
			es_error(ES_ETOOBIG, err, errlen, "%s: larger than %d bytes", path,
				 CONF_MAX_FILE);
			fclose(fp);
			buf_free(&b);
			return NULL;
		}
	}
	if (ferror(fp)) {
		es_error(ES_EIO, err, errlen, "%s: %s", path, strerror(errno));
		fclose(fp);
		buf_free(&b);
		return NULL;
	}
	fclose(fp);
	if (memchr(buf_str(&b), '\0', b.len)) {
		c = xcalloc(1, sizeof(*c));
		c->path = xstrdup(path);
		conf_diag_add(c, 0, "contains a NUL byte; not a text file");
		buf_free(&b);
		return c;
	}
	c = conf_load_string(buf_str(&b), path);
	buf_free(&b);
	return c;
}

static void
conf_free_instance(enum conf_section sec, void *inst)
{
	free(((struct conf_named *)inst)->name);
	for (const struct conf_option *o = conf_options; o->name; o++) {
		void *field = (char *)inst + o->offset;

		if (o->section != sec)
			continue;
		if (o->type == CONF_T_LIST) {
			conf_free_list(*(char ***)field);
		} else if (o->type == CONF_T_SECRET) {
			char *s = *(char **)field;

			if (s)
				explicit_bzero(s, strlen(s));
			free(s);
		} else if (o->type == CONF_T_STR || o->type == CONF_T_URL ||
			   o->type == CONF_T_QUERY || o->type == CONF_T_PATH) {
			free(*(char **)field);
		}
	}
}

void
conf_free(struct conf *c)
{
	if (!c)
		return;
	for (const struct conf_option *o = conf_options; o->name; o++)
		if (o->section == CONF_SEC_EARSHOT &&
		    (o->type == CONF_T_STR || o->type == CONF_T_SECRET))
			free(*(char **)((char *)&c->global + o->offset));
	for (int sec = CONF_SEC_BRAND; sec < CONF_SEC_COUNT; sec++) {
		size_t *count;
		void **arr = conf_sec_array(c, (enum conf_section)sec, &count);

		for (size_t i = 0; i < *count; i++)
			conf_free_instance((enum conf_section)sec,
					   (char *)*arr + i * conf_sec_size((enum conf_section)sec));
		free(*arr);
	}
	for (size_t i = 0; i < c->ndiags; i++)
		free(c->diags[i].msg);
	free(c->diags);
	free(c->path);
	free(c);
}

#define CONF_FIND(arr, n, name)                              \
	do {                                                 \
		for (size_t i_ = 0; i_ < (n); i_++)          \
			if (strcmp((arr)[i_].name, name) == 0) \
				return &(arr)[i_];           \
		return NULL;                                 \
	} while (0)

const struct conf_brand *
conf_brand_find(const struct conf *c, const char *name)
{
	CONF_FIND(c->brands, c->nbrands, name);
}

const struct conf_source *
conf_source_find(const struct conf *c, const char *name)
{
	CONF_FIND(c->sources, c->nsources, name);
}

const struct conf_webhook *
conf_webhook_find(const struct conf *c, const char *name)
{
	CONF_FIND(c->webhooks, c->nwebhooks, name);
}

const struct conf_alert *
conf_alert_find(const struct conf *c, const char *name)
{
	CONF_FIND(c->alerts, c->nalerts, name);
}

/* ---- feeds.conf(5) ---- */

static const char *
conf_type_placeholder(const struct conf_option *o)
{
	static const char *const names[] = {
		[CONF_T_STR] = "text", [CONF_T_SECRET] = "secret", [CONF_T_URL] = "url",
		[CONF_T_INT] = "integer", [CONF_T_REAL] = "number", [CONF_T_DURATION] = "duration",
		[CONF_T_SIZE] = "size", [CONF_T_BOOL] = "yes|no", [CONF_T_ENUM] = NULL,
		[CONF_T_LIST] = "name, ...", [CONF_T_QUERY] = "query", [CONF_T_PATH] = "path",
	};
	return o->type == CONF_T_ENUM ? o->choices : names[o->type];
}

/* Writes s with man(7) escapes for backslashes and leading dots. */
static void
conf_man_text(FILE *fp, const char *s)
{
	if (*s == '.' || *s == '\'')
		fputs("\\&", fp);
	for (; *s; s++) {
		if (*s == '\\')
			fputs("\\e", fp);
		else if (*s == '-')
			fputs("\\-", fp);
		else
			fputc(*s, fp);
	}
}

void
conf_write_man_options(FILE *fp)
{
	for (int sec = 0; sec < CONF_SEC_COUNT; sec++) {
		fprintf(fp, ".SS [%s%s]\n", conf_section_names[sec],
			sec == CONF_SEC_EARSHOT ? "" : " NAME");
		for (const struct conf_option *o = conf_options; o->name; o++) {
			char lo[32], hi[32];

			if ((int)o->section != sec)
				continue;
			fprintf(fp, ".TP\n.BR %s \" = \" \\fI", o->name);
			conf_man_text(fp, conf_type_placeholder(o));
			fputs("\\fR\n", fp);
			conf_man_text(fp, o->help);
			fputc('\n', fp);
			if (o->flags & CONF_F_REQUIRED)
				fputs("Required.\n", fp);
			if (o->def) {
				fputs("Default: ", fp);
				conf_man_text(fp, o->def);
				fputs(".\n", fp);
			} else if (o->flags & CONF_F_INHERIT) {
				fprintf(fp, "Default: the [earshot] %s.\n", o->name);
			}
			if (o->min != 0 || o->max != 0) {
				if (o->type == CONF_T_DURATION) {
					units_fmt_duration((int64_t)o->min, lo, sizeof(lo));
					units_fmt_duration((int64_t)o->max, hi, sizeof(hi));
				} else if (o->type == CONF_T_SIZE) {
					units_fmt_size((int64_t)o->min, lo, sizeof(lo));
					units_fmt_size((int64_t)o->max, hi, sizeof(hi));
				} else {
					snprintf(lo, sizeof(lo), "%g", o->min);
					snprintf(hi, sizeof(hi), "%g", o->max);
				}
				fprintf(fp, "Range: %s to %s.\n", lo, hi);
			}
		}
	}
}
