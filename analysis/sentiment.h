/* sentiment.h - rule-based sentiment scoring in the manner of VADER.
 *
 * A lexicon of words, phrases, emoticons and emoji with valences on VADER's
 * -4..+4 scale (data/vader_lexicon.txt, data/emoji_utf8_lexicon.txt and our
 * customer-experience lexicon data/cx_lexicon.txt, all compiled in, plus an
 * optional file of the user's merged over them) is loaded once into a hash
 * table.  Scoring then walks the text once, sentence by sentence, applying
 * the rules: negation within three words ("not", "never", "n't", "without",
 * "hardly"), boosters and dampeners ("very", "kind of"), ALL-CAPS emphasis
 * when the text is not all caps, "!" and "?" emphasis, contrast ("but" and
 * "however" weigh the clause after them more), idioms and set phrases.
 *
 * The table is immutable after senti_new(), so one struct senti may be
 * shared by any number of threads.  Scoring is reentrant and allocates
 * nothing: its scratch space lives on the stack. */
#ifndef ES_SENTIMENT_H
#define ES_SENTIMENT_H

#include <stddef.h>

#include "core/err.h"

/* Bumped whenever a change to the rules or the lexicons changes scores, so
 * that `earshot rescore` can find mentions scored by an older version. */
#define SENTI_VERSION 1

/* A compound score above +SENTI_THRESHOLD is positive, below -SENTI_THRESHOLD
 * negative, anything between neutral. */
#define SENTI_THRESHOLD 0.05

/* Lines of an extra lexicon longer than this are refused. */
#define SENTI_MAX_KEY 64

enum senti_label { SENTI_NEGATIVE = -1, SENTI_NEUTRAL = 0, SENTI_POSITIVE = 1 };

struct senti_score {
	double compound;        /* -1..1 */
	double pos, neu, neg;   /* shares of the text that are positive, neutral,
				 * negative; they sum to 1, or are all 0 for a text
				 * without a single word */
	enum senti_label label;
};

struct senti;

/* Builds the lexicon from the compiled-in files and, when extra_lexicon is
 * not NULL, merges that file over them: one entry a line, TOKEN<TAB>VALENCE
 * with VALENCE in -4..4 (a TOKEN may be a phrase of up to four words; more
 * tab-separated columns are ignored, except the word "fixed" in the third,
 * which keeps the entry from being flipped by a negation; '#' starts a
 * comment line).  On success stores the table in *out (free with
 * senti_free) and returns ES_OK; a bad line gives ES_EPARSE with
 * "PATH:LINE: message" in err, an unreadable file ES_EIO. */
enum es_err senti_new(const char *extra_lexicon, struct senti **out, char *err, size_t errlen);
/* Frees the table; NULL is a no-op. */
void senti_free(struct senti *s);

/* Scores len bytes of UTF-8 text (need not be NUL-terminated; invalid bytes
 * count as punctuation) into *out. */
void senti_score(const struct senti *s, const char *text, size_t len, struct senti_score *out);

/* Scores a mention: its title and text (either may be NULL) as one
 * document, the title as a sentence of its own.  When rating is not NAN it
 * is the review's stars normalised as the parsers do, (stars - worst) /
 * (best - worst) in 0..1, and it decides the label: below
 * SENTI_RATING_NEGATIVE negative (1 or 2 of 5 stars), above
 * SENTI_RATING_POSITIVE positive (4 or 5 of 5), neutral between (3 of 5);
 * the compound is then 3/4 the rating (put on -1..1) and 1/4 the text.
 * pos, neu and neg describe the text alone. */
#define SENTI_RATING_NEGATIVE 0.375
#define SENTI_RATING_POSITIVE 0.625
void senti_score_mention(const struct senti *s, const char *title, const char *text,
			 double rating, struct senti_score *out);

/* The label of a compound score, by SENTI_THRESHOLD. */
enum senti_label senti_label_of(double compound);
/* "positive", "neutral" or "negative". */
const char *senti_label_name(enum senti_label label);
/* Number of entries in the table (words, phrases, emoji, rule words). */
size_t senti_size(const struct senti *s);

#endif
