/* evidence.h - what an alert shows besides its numbers: the most negative
 * mentions of the window, and the sources and words that the window holds
 * more of than the baseline would predict. */
#ifndef ES_EVIDENCE_H
#define ES_EVIDENCE_H

#include <stdint.h>

#include "alerts/msg.h"
#include "core/err.h"
#include "store/alerts.h"

#define EVIDENCE_MENTIONS 10   /* top mentions kept */
#define EVIDENCE_TERMS 5       /* sources and words kept */
#define EVIDENCE_WIN_TEXTS 2000  /* mentions of the window read for words */
#define EVIDENCE_BASE_TEXTS 4000 /* mentions of the baseline read for words */
#define EVIDENCE_MAX_WORDS 65536 /* distinct words counted; the rest are ignored */

/* For the mentions q counts, with the window [win_from, q->to) and the
 * baseline [q->from, win_from): fills m->mentions with the most negative
 * of the window, m->sources with the sources whose count in the window
 * most exceeds their baseline rate (usual: that rate times the window),
 * and m->words with the words (of titles and texts, case-folded, three
 * letters or more, common words and the brand's own name left out) whose
 * share of the window's mentions most exceeds their share in the baseline
 * (usual: the count that share would give).  Terms need at least two
 * mentions in the window and twice their usual count. */
enum es_err evidence_collect(struct store *s, const struct store_count_spec *q, int64_t win_from,
			     struct alert_msg *m, char *err, size_t errlen);

/* Calls fn for each word of text as evidence_collect counts it
 * (case-folded, NFKC, at least three letters or digits, not a common
 * word); for tests and for tuning the stop list. */
void evidence_words(const char *text, void (*fn)(const char *word, void *arg), void *arg);

#endif
