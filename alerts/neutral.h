/* neutral.h - making scraped text safe to show in a chat message.
 *
 * A review that says "@everyone <!channel> [click](https://evil)" must reach
 * the channel as those characters, not as a ping or a forged link.  Every
 * string that came from outside (titles, source names, words, brand and
 * rule names too, since the operator may paste anything) goes through
 * neutral_append() with the style of the field it lands in:
 *
 *   all but RAW: control characters become spaces, bidirectional overrides
 *     are dropped (they can make a link's text lie), and U+200B (zero width
 *     space) is put after any '@' that starts a word, so @everyone, @here,
 *     @channel, @all and @someone ping nobody on any service.
 *   SLACK (mrkdwn): & < > become &amp; &lt; &gt;, as Slack documents, so
 *     <!channel>, <@U123> and <url|text> are literal; U+200B after each of
 *     * _ ~ ` breaks emphasis.
 *   MARKDOWN (Discord, Mattermost): a backslash before each of
 *     \ * _ ~ ` | < > [ ] ( ) # so no markup, masked link or <@id> forms.
 *   TEAMS (Adaptive Card markdown, which has no escape): [ ] < > become
 *     their fullwidth forms, and U+200B follows each of * _ ~ `.
 *   GCHAT (Google Chat text): < > [ ] become fullwidth (so <users/all>,
 *     <url|text> and, where Markdown is on, [text](url) cannot form), and
 *     U+200B follows each of * _ ~ `.
 *   PLAIN: fields a service never parses (Slack plain_text, Adaptive Card
 *     fact titles) get only the common rules.
 *   RAW (generic JSON): only the control characters; the receiver is a
 *     program and is told in doc/webhooks.md that the text is untrusted. */
#ifndef ES_NEUTRAL_H
#define ES_NEUTRAL_H

#include <stdbool.h>
#include <stddef.h>

#include "core/buf.h"

enum neutral_style {
	NEUTRAL_RAW,
	NEUTRAL_PLAIN,
	NEUTRAL_SLACK,
	NEUTRAL_MARKDOWN,
	NEUTRAL_TEAMS,
	NEUTRAL_GCHAT,
};

/* Appends s (NULL: nothing) neutralised for style to out, at most max code
 * points of output; text that does not fit is cut on a character (and
 * escape) boundary and ends with "…".  Returns the code points appended. */
size_t neutral_append(struct buf *out, enum neutral_style style, const char *s, size_t max);
/* Code points neutral_append would append for s with no limit. */
size_t neutral_len(enum neutral_style style, const char *s);
/* Appends url as a link target for style: only http:// and https:// URLs,
 * with every byte that could end the link or break out of it (spaces,
 * quotes, < > | ( ) [ ] \ and non-ASCII) percent-encoded, '@' too (no
 * mention syntax, no "https://bank.example@evil.example" userinfo trick),
 * and & as &amp; for SLACK.  Returns false and appends nothing for any other URL. */
bool neutral_url(struct buf *out, enum neutral_style style, const char *url);

#endif
