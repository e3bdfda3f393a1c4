/* rules.h - the [alert] rules over the store: count, test, fire.
 *
 * A rule counts the mentions of its brand (or of every brand) with its
 * sentiment (or any) by counted_at, in buckets of rules_bucket_ms(), from
 * the first mention of the brand on (never zeros for a time before it),
 * and hands the series to the spike detector (alerts/spike.h): the same
 * code as `earshot detect` and `earshot backtest`.
 *
 * The window tested ends at the end of the bucket that holds now, so a
 * spike is seen as it grows, not a bucket late; the count of that last,
 * partial bucket can only be low, never high.  When the rule fires, the
 * alert (numbers, evidence, summary) and one delivery per notify webhook
 * are written in one transaction.  Its idempotency key is made from the
 * rule and the window's end, so evaluating again in the same bucket (or in
 * two processes) cannot make a second alert. */
#ifndef ES_RULES_H
#define ES_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "alerts/spike.h"
#include "core/conf.h"
#include "core/err.h"
#include "store/store.h"

#define RULES_MAX_BUCKET_MS 300000 /* buckets are at most 5 minutes */

/* The bucket width for rule a: the largest divisor of its window that is
 * at most 5 minutes and a whole number of seconds dividing 5 minutes (so
 * buckets tile a day for the daily baseline). */
int64_t rules_bucket_ms(const struct conf_alert *a);
/* "negative", "positive", "neutral", or NULL for any. */
const char *rules_label(const struct conf_alert *a);
/* True when rule a watches one of brands[0..n) (a rule for every brand
 * watches them all). */
bool rules_watches(const struct conf_alert *a, const char *const *brands, size_t n);

/* Tests rule a as of now (Unix seconds) without writing anything: the
 * detector's verdict in *r (state SPIKE_WARMING while history is short).
 * ES_EINVAL for a rule the detector cannot run. */
enum es_err rules_check(struct store *s, const struct conf_alert *a, int64_t now,
			struct spike_result *r, char *err, size_t errlen);

/* rules_check, and when it says SPIKE_FIRE, writes the alert with its
 * evidence and deliveries to the webhooks of a->notify.  *alert_id is the
 * new alert, or 0 (no firing, or this window's alert exists already). */
enum es_err rules_run(struct store *s, const struct conf_alert *a, int64_t now,
		      struct spike_result *r, int64_t *alert_id, char *err, size_t errlen);

/* Replays rule a over the stored mentions, as the daemon would have seen
 * them bucket by bucket, and calls fn for each firing whose window ends in
 * (now - since, now].  Returns ES_OK, an error, or what fn returned. */
enum es_err rules_backtest(struct store *s, const struct conf_alert *a, int64_t since,
			   int64_t now, spike_fn fn, void *arg, char *err, size_t errlen);

#endif
