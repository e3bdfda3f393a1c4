/* health.c - source-health alerts: failing, silent, recovered; see health.h. */
#include "alerts/health.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "alerts/msg.h"
#include "core/buf.h"
#include "core/log.h"
#include "core/units.h"
#include "core/when.h"
#include "core/xalloc.h"
#include "store/alerts.h"

/* What one check found about one source. */
struct finding {
	enum msg_kind kind;
	int64_t since;        /* failing_since, the last new mention, or the alert recovered from */
	int64_t mark;         /* the new health_alerted_at (0 clears) */
	int64_t usual_gap;    /* silent: the usual time between new mentions */
	bool was_failing;     /* recovered: from failing (else from silence) */
};

/* "6h2m": a span of seconds rounded down to minutes (at least "0m"). */
static char *
span(int64_t secs, char *out, size_t len)
{
	if (secs < 60)
		secs = 60;
	return units_fmt_duration(secs / 60 * 60000, out, len);
}

static void
describe(struct buf *b, const struct store_source *src, const struct finding *f, int64_t now)
{
	char a[32], g[32], iso[WHEN_ISOLEN];

	switch (f->kind) {
	case MSG_SOURCE_FAILING:
		buf_printf(b, "%s has failed every fetch for %s (%lld in a row); last error: %s",
			   src->name, span(now - f->since, a, sizeof(a)), (long long)src->failures,
			   src->last_error ? src->last_error : "unknown");
		if (src->last_error_detail)
			buf_printf(b, ": %s", src->last_error_detail);
		break;
	case MSG_SOURCE_SILENT:
		buf_printf(b, "%s has brought no new mention for %s; it usually brings some every %s",
			   src->name, span(now - f->since, a, sizeof(a)),
			   span(f->usual_gap, g, sizeof(g)));
		break;
	default:
		if (f->was_failing)
			buf_printf(b, "%s works again: a fetch succeeded at %s", src->name,
				   when_fmt_iso(src->last_success_at ? src->last_success_at : now, iso));
		else
			buf_printf(b, "%s brings new mentions again (the last at %s)", src->name,
				   when_fmt_iso(src->last_new_at, iso));
		break;
	}
}

/* The time after which src counts as silent (0: it never does), and the
 * usual gap between its fetches that brought something new. */
static enum es_err
silence(struct store *s, const struct store_source *src, int64_t now, int64_t alert_after,
	int64_t *after, int64_t *gap, char *err, size_t errlen)
{
	int64_t k, first, last;
	enum es_err rc = store_source_activity(s, src->id, now - HEALTH_LOOKBACK, now + 1, &k,
					       &first, &last, err, errlen);

	*after = *gap = 0;
	if (rc || k < HEALTH_MIN_FETCHES)
		return rc;
	*gap = (last - first) / (k - 1);
	*after = HEALTH_SILENT_GAPS * *gap > alert_after ? HEALTH_SILENT_GAPS * *gap : alert_after;
	return ES_OK;
}

static enum es_err
find_recovery(struct store *s, const struct store_source *src, struct finding *f, char *err,
	      size_t errlen)
{
	char *kind = NULL;
	enum es_err rc = store_alert_last_health(s, src->name, &kind, err, errlen);

	if (rc)
		return rc;
	f->was_failing = !kind || strcmp(kind, "source_silent") != 0;
	if (f->was_failing ? src->failures == 0 : src->last_new_at > src->health_alerted_at) {
		f->kind = MSG_SOURCE_RECOVERED;
		f->since = src->health_alerted_at;
		f->mark = 0;
	}
	free(kind);
	return ES_OK;
}

static enum es_err
find(struct store *s, const struct store_source *src, int64_t now, int64_t alert_after,
     struct finding *f, char *err, size_t errlen)
{
	int64_t after;
	enum es_err rc;

	memset(f, 0, sizeof(*f));
	f->kind = MSG_KIND_COUNT;
	if (src->health_alerted_at)
		return find_recovery(s, src, f, err, errlen);
	if (src->failures > 0 && src->failing_since && now - src->failing_since >= alert_after) {
		f->kind = MSG_SOURCE_FAILING;
		f->since = src->failing_since;
		f->mark = now;
		return ES_OK;
	}
	if (src->failures > 0 || !src->last_new_at)
		return ES_OK;
	if ((rc = silence(s, src, now, alert_after, &after, &f->usual_gap, err, errlen)))
		return rc;
	if (after && now - src->last_new_at > after) {
		f->kind = MSG_SOURCE_SILENT;
		f->since = src->last_new_at;
		f->mark = now;
	}
	return ES_OK;
}

static void
row_of(struct store_alert *row, const struct store_source *src, const struct finding *f,
       int64_t now)
{
	struct alert_msg m;
	char key[MSG_KEYLEN];
	struct buf d, j;

	msg_init(&m);
	m.kind = f->kind;
	msg_key(key, msg_kind_name(f->kind), src->name, f->since);
	msg_set_text(&m.key, key);
	msg_set_text(&m.rule, "source-health");
	msg_set_text(&m.source, src->name);
	m.fired_at = now;
	buf_init(&d, 0);
	describe(&d, src, f, now);
	msg_set_text(&m.summary, buf_str(&d));
	msg_set_text(&m.detail, buf_str(&d));
	buf_init(&j, 0);
	msg_to_json(&m, &j);
	memset(row, 0, sizeof(*row));
	row->rule = xstrdup(m.rule);
	row->kind = xstrdup(msg_kind_name(m.kind));
	row->source = xstrdup(src->name);
	row->fired_at = now;
	row->baseline = row->score = row->share = row->baseline_share = NAN;
	row->summary = buf_take(&d, NULL);
	row->details = buf_take(&j, NULL);
	row->key = xstrdup(key);
	row->source_id = src->id;
	row->health_mark = f->mark;
	msg_reset(&m);
}

static enum es_err
check_one(struct store *s, const struct conf *c, const char *name, int64_t now, size_t *queued,
	  char *err, size_t errlen)
{
	struct store_source src = { 0 };
	struct store_alert row;
	struct finding f;
	const char *hooks[1] = { c->global.ops_notify };
	enum es_err rc = store_source_get(s, name, &src, err, errlen);

	if (rc == ES_ENOTFOUND)
		return ES_OK; /* never fetched yet */
	if (rc == ES_OK)
		rc = find(s, &src, now, c->global.source_alert_after / 1000, &f, err, errlen);
	if (rc == ES_OK && f.kind != MSG_KIND_COUNT) {
		row_of(&row, &src, &f, now);
		rc = store_alert_insert(s, &row, hooks, c->global.ops_notify ? 1 : 0, err, errlen);
		if (rc == ES_OK) {
			(*queued)++;
			log_warn("source alert", "source=%s kind=%s summary=%s", logq(name),
				 row.kind, logq(row.summary));
		}
		rc = rc == ES_DUPLICATE ? ES_OK : rc;
		store_alert_reset(&row);
	}
	store_source_reset(&src);
	return rc;
}

enum es_err
health_check(struct store *s, const struct conf *c, int64_t now, size_t *queued, char *err,
	     size_t errlen)
{
	enum es_err rc = ES_OK;

	*queued = 0;
	for (size_t i = 0; i < c->nsources && rc == ES_OK; i++)
		rc = check_one(s, c, c->sources[i].name, now, queued, err, errlen);
	return rc;
}
