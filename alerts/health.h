/* health.h - alerts about the sources themselves, to [earshot] ops_notify.
 *
 * A source that has failed every fetch for longer than source_alert_after
 * raises one "source_failing" alert; one that usually brings new mentions
 * and has brought none for long (see below) raises one "source_silent"
 * alert.  Either raises one "source_recovered" alert when it ends: a
 * failing source when a fetch works again, a silent one when a new mention
 * comes.  sources.health_alerted_at, set and cleared in the transaction
 * that writes the alert, makes each of them happen once.
 *
 * "Usually brings new mentions": over the last HEALTH_LOOKBACK, at least
 * HEALTH_MIN_FETCHES fetches brought something new.  With g the mean time
 * between those fetches, the source is silent when its last new mention
 * is older than max(source_alert_after, HEALTH_SILENT_GAPS * g). */
#ifndef ES_HEALTH_H
#define ES_HEALTH_H

#include <stddef.h>
#include <stdint.h>

#include "core/conf.h"
#include "core/err.h"
#include "store/store.h"

#define HEALTH_LOOKBACK (30 * 86400)  /* seconds */
#define HEALTH_MIN_FETCHES 8
#define HEALTH_SILENT_GAPS 8

/* Checks every source of c as of now (Unix seconds) and writes the alerts
 * due, each with a delivery to c->global.ops_notify when it is set.
 * *queued gets how many alerts were written. */
enum es_err health_check(struct store *s, const struct conf *c, int64_t now, size_t *queued,
			 char *err, size_t errlen);

#endif
