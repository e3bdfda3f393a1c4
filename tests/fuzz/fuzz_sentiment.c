/* fuzz_sentiment.c - the sentiment scorer on arbitrary bytes, as mention
 * titles and texts reach it: scores are finite and in range, the shares sum
 * to 1 (or are all 0), the label agrees with the compound, and scoring the
 * same text twice gives the same answer.  A 0x1e byte separates a title
 * from the text; the first byte, when it is a digit, is a star rating. */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/sentiment.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct senti *sc;

static void
check(const struct senti_score *s)
{
	double sum = s->pos + s->neu + s->neg;

	if (!isfinite(s->compound) || s->compound < -1 || s->compound > 1)
		abort();
	if (s->pos < 0 || s->neu < 0 || s->neg < 0 || (sum != 0 && fabs(sum - 1) > 1e-6))
		abort();
	if (s->label != senti_label_of(s->compound))
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct senti_score a, b;
	char *buf, *sep;
	double rating = NAN;

	if (!sc && senti_new(NULL, &sc, NULL, 0) != ES_OK)
		abort();
	senti_score(sc, (const char *)data, size, &a);
	senti_score(sc, (const char *)data, size, &b);
	check(&a);
	if (memcmp(&a, &b, sizeof(a)))
		abort();
	buf = malloc(size + 1);
	memcpy(buf, data, size);
	buf[size] = '\0';
	if (size && buf[0] >= '0' && buf[0] <= '5')
		rating = (buf[0] - '0') / 5.0;
	if ((sep = strchr(buf, '\x1e')))
		*sep++ = '\0';
	senti_score_mention(sc, buf, sep, rating, &a);
	if (!isfinite(a.compound) || a.compound < -1 || a.compound > 1)
		abort();
	free(buf);
	return 0;
}
