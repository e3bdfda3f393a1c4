/* mention.h - one thing somebody said in public: the record every parser
 * produces and the store keeps. */
#ifndef ES_MENTION_H
#define ES_MENTION_H

#include <stdint.h>

#include "core/err.h"

#define MENTION_MAX_TEXT (64 * 1024)   /* bytes of text kept per mention */
#define MENTION_MAX_TITLE 1024         /* bytes of title kept */
#define MENTION_MAX_FIELD 2048         /* bytes of guid, url, author, lang */

struct mention {
	char *guid;        /* stable id: feed guid/id, else canonical URL, else hash */
	char *url;         /* absolute, canonical (fragment and utm_* removed) */
	char *title;       /* plain text, UTF-8, entities decoded, whitespace folded */
	char *text;        /* plain text body (HTML stripped), capped */
	char *author;
	int64_t published; /* Unix seconds UTC; 0 when the source gives none */
	double rating;     /* review stars normalised to 0..1; NAN when none */
	char *lang;        /* declared language when known, else NULL */
};

/* Receives each mention as it is parsed.  The callback may take ownership
 * of any string field by setting it to NULL; whatever remains is freed by
 * the caller after the callback returns.  Returning ES_STOP ends the parse
 * early without error; any failure code ends it with that error. */
typedef enum es_err (*mention_fn)(struct mention *m, void *ctx);

/* Sets every field to empty (NULL strings, 0 date, NAN rating). */
void mention_init(struct mention *m);
/* Frees the strings and re-initialises; NULL is a no-op. */
void mention_reset(struct mention *m);

#endif
