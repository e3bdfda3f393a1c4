/* webhook.h - the message each chat service gets, checked against its
 * limits before it is sent.
 *
 *   slack       Block Kit inside an attachment (for the colour bar), with a
 *               plain fallback text; header <= 150, section <= 3000.
 *   discord     one embed per alert, allowed_mentions {"parse": []}; title
 *               <= 256, description <= 4096, all embeds <= 6000; sent with
 *               ?wait=true.
 *   teams       a Workflows webhook message holding an Adaptive Card 1.4;
 *               the body stays under 20000 bytes (the service allows 28 KB).
 *   mattermost  attachments with a colour, markdown text <= 7500 in all.
 *   googlechat  text <= 4000 with a thread key per rule, sent with
 *               messageReplyOption=REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD.
 *   json        the documented schema of doc/webhooks.md, signed with
 *               X-Earshot-Signature when the webhook has a secret.
 *
 * Every request carries Idempotency-Key and X-Earshot-Idempotency-Key:
 * the alert's key, or for a digest of several alerts a key derived from
 * theirs.  Several alerts for one webhook go out as one digest message of
 * at most WEBHOOK_DIGEST_MAX alerts. */
#ifndef ES_WEBHOOK_H
#define ES_WEBHOOK_H

#include <stddef.h>
#include <stdint.h>

#include "alerts/msg.h"
#include "core/conf.h"
#include "core/err.h"

#define WEBHOOK_DIGEST_MAX 10
#define WEBHOOK_MAX_HEADERS 6
#define WEBHOOK_KEYLEN 48
#define WEBHOOK_HASHLEN 17     /* 16 hex digits and a NUL */

/* One request to send: the caller appends query to the webhook's URL. */
struct webhook_req {
	char *body;
	size_t len;
	const char *query;    /* static; NULL: none */
	char *headers[WEBHOOK_MAX_HEADERS]; /* "Name: value" */
	size_t nheaders;
	char key[WEBHOOK_KEYLEN];
	size_t nalerts;       /* alerts in the message */
};

/* Builds the message for alerts[0..n) (1 <= n <= WEBHOOK_DIGEST_MAX) in
 * the format of wh->type, with the signature header when wh->secret is set
 * (json only); now is the sent_at of the json body.  ES_ETOOBIG when no cut makes it
 * fit the service's limits (it always does for sane input).  The caller
 * frees out with webhook_req_reset(). */
enum es_err webhook_format(const struct conf_webhook *wh, const struct alert_msg *const *alerts,
			   size_t n, int64_t now, struct webhook_req *out,
			   char *err, size_t errlen);
void webhook_req_reset(struct webhook_req *r);

/* The service's own pace in ms between two messages (Slack 1000, Teams
 * 250, Google Chat 1000, Mattermost 200, Discord and json 0: Discord's
 * pace comes from its X-RateLimit-* headers), unless wh->min_interval is
 * set. */
int64_t webhook_min_interval(const struct conf_webhook *wh);
/* "slack", "discord", ... */
const char *webhook_type_name(int64_t type);

/* The key of a digest: "es1-d" and 32 hex digits of SHA-256 over the
 * alerts' keys; for one alert, its own key. */
void webhook_digest_key(const struct alert_msg *const *alerts, size_t n,
			char out[WEBHOOK_KEYLEN]);
/* Lowercase hex HMAC-SHA256 of body under secret. */
void webhook_sign(const char *secret, const char *body, size_t len, char out[65]);
/* A short hash of a URL (16 hex digits of SHA-256), stored to notice that
 * feeds.conf changed a webhook's URL without storing the URL. */
void webhook_url_hash(const char *url, char out[WEBHOOK_HASHLEN]);

#endif
