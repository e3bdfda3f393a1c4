/* test_sentiment.c - the sentiment scorer: each rule alone and combined,
 * the customer-experience lexicon, ratings, extra lexicons, and the
 * `earshot sentiment` command's output. */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/sentiment.h"
#include "tests/test.h"

static struct senti *S;

static double
c(const char *text)
{
	struct senti_score sc;

	senti_score(S, text, strlen(text), &sc);
	return sc.compound;
}

static const char *
lab(const char *text)
{
	struct senti_score sc;

	senti_score(S, text, strlen(text), &sc);
	return senti_label_name(sc.label);
}

/* VADER's README examples, whose compounds our rules reproduce exactly. */
static void
test_vader_reference(void)
{
	T_EQ_DBL(c("VADER is smart, handsome, and funny."), 0.8316, 5e-5);
	T_EQ_DBL(c("VADER is smart, handsome, and funny!"), 0.8439, 5e-5);
	T_EQ_DBL(c("The book was kind of good."), 0.3832, 5e-5);
	T_EQ_DBL(c("The plot was good, but the characters are uncompelling and the dialog is "
		   "not great."), -0.7042, 5e-5);
	T_EQ_DBL(c("Today SUX!"), -0.5461, 5e-5);
	T_EQ_DBL(c("Today only kinda sux! But I'll get by, lol"), 0.5249, 5e-5);
	T_EQ_DBL(c("Not bad at all"), 0.4310, 5e-5);
	T_EQ_DBL(c("good"), 0.4404, 5e-5);
	T_EQ_DBL(c("bad"), -0.5423, 5e-5);
}

static void
test_empty_and_neutral(void)
{
	struct senti_score sc;

	senti_score(S, "", 0, &sc);
	T_EQ_DBL(sc.compound, 0, 0);
	T_EQ_DBL(sc.pos + sc.neu + sc.neg, 0, 0);
	T_EQ_STR(senti_label_name(sc.label), "neutral");
	senti_score(S, "  ...  !!! ", 11, &sc);
	T_EQ_DBL(sc.compound, 0, 0);
	senti_score(S, "The cat sat on the mat", 22, &sc);
	T_EQ_DBL(sc.compound, 0, 0);
	T_EQ_DBL(sc.neu, 1, 1e-12);
	T_EQ_STR(senti_label_name(sc.label), "neutral");
	senti_score(S, "good but bad and sad", 20, &sc);
	T_EQ_DBL(sc.pos + sc.neu + sc.neg, 1, 1e-12);
	T_ASSERT(sc.pos > 0 && sc.neg > 0 && sc.neu > 0);
}

static void
test_labels(void)
{
	T_EQ_INT(senti_label_of(0.0501), SENTI_POSITIVE);
	T_EQ_INT(senti_label_of(0.05), SENTI_NEUTRAL);
	T_EQ_INT(senti_label_of(-0.05), SENTI_NEUTRAL);
	T_EQ_INT(senti_label_of(-0.0501), SENTI_NEGATIVE);
	T_EQ_STR(senti_label_name(SENTI_POSITIVE), "positive");
	T_EQ_STR(senti_label_name(SENTI_NEGATIVE), "negative");
	T_EQ_STR(senti_label_name(SENTI_NEUTRAL), "neutral");
}

static void
test_negation(void)
{
	T_EQ_STR(lab("The service is good"), "positive");
	T_EQ_STR(lab("The service is not good"), "negative");
	T_EQ_STR(lab("The service isn't good"), "negative");
	T_EQ_STR(lab("The service isn\xe2\x80\x99t good"), "negative"); /* typographic ' */
	T_EQ_STR(lab("The service was never good"), "negative");
	T_EQ_STR(lab("A holiday without joy"), "negative");
	T_EQ_STR(lab("The app is hardly good"), "negative");
	T_EQ_STR(lab("It is not bad"), "positive");
	T_EQ_STR(lab("no good"), "negative");
	/* within three words, not four */
	T_EQ_STR(lab("not a very good film"), "negative");
	T_EQ_STR(lab("not at this moment a good film"), "positive");
	/* not across a sentence or a comma */
	T_EQ_STR(lab("I did not know. Great film."), "positive");
	T_EQ_STR(lab("No, it is great"), "positive");
	/* negation scales by -0.74: "not good" is weaker than "bad" */
	T_EQ_DBL(c("not good"), -0.3412, 5e-5);
	/* phrases that look like negations but are not */
	T_EQ_STR(lab("Not only is it good"), "positive");
	T_EQ_STR(lab("nothing but praise"), "positive");
	T_EQ_STR(lab("never so good"), "positive");
	T_ASSERT(c("never so good") > c("good"));
	/* "least" negates, "at least" does not */
	T_EQ_STR(lab("the least funny film"), "negative");
	T_EQ_STR(lab("at least funny"), "positive");
}

static void
test_boosters(void)
{
	T_ASSERT(c("EXTREMELY good") > c("extremely good"));
	T_ASSERT(c("extremely good") > c("good"));
	T_ASSERT(c("very good") > c("good"));
	T_ASSERT(c("good") > c("kind of good"));
	T_ASSERT(c("kind of good") > 0);
	T_ASSERT(c("barely good") < c("good"));
	T_ASSERT(c("a bit slow and somewhat bad") > c("slow and bad"));
	T_ASSERT(c("extremely bad") < c("bad"));
	T_ASSERT(c("very bad") < c("bad"));
	/* a booster further back counts less */
	T_ASSERT(c("very good") > c("very much good"));
	/* "incredible" alone has its valence; before a word it boosts it */
	T_EQ_STR(lab("The acting was incredible"), "positive");
	/* degree words that soften */
	T_ASSERT(c("pretty good") < c("good") && c("pretty good") > 0);
	T_ASSERT(c("fairly bad") > c("bad") && c("fairly bad") < 0);
	T_ASSERT(c("incredibly good") > c("good"));
	/* and combined with negation: "not very good" is negative */
	T_EQ_STR(lab("not very good"), "negative");
	T_EQ_DBL(c("not very good"), -0.3865, 5e-5);
}

/* Regular derivations of lexicon words are read like their base. */
static void
test_derived_forms(void)
{
	T_EQ_DBL(c("unfairly"), c("unfair"), 1e-12);
	T_EQ_DBL(c("grinningly"), c("grinning"), 1e-12);
	T_EQ_STR(lab("an unfunny film"), "negative");
	T_EQ_DBL(c("unfunny"), c("not funny"), 1e-6);
	T_EQ_STR(lab("it charms"), "positive");
	/* the lexicon's own entry wins over a derivation: "unhappy" is rated */
	T_EQ_DBL(c("unhappy"), -1.8 / sqrt(1.8 * 1.8 + 15), 1e-6);
}

/* "like" after "is", "feels", "looks" ... compares; elsewhere it likes. */
static void
test_like(void)
{
	T_EQ_STR(lab("I like this phone"), "positive");
	T_EQ_STR(lab("It feels like a phone"), "neutral");
	T_EQ_STR(lab("it was like a bad dream"), "negative");
	T_EQ_DBL(c("it was like a bad dream"), c("it was a bad dream"), 1e-12);
}

static void
test_caps(void)
{
	T_ASSERT(c("The food is GOOD") > c("The food is good"));
	T_ASSERT(c("The food is BAD") < c("The food is bad"));
	/* all caps is no emphasis */
	T_EQ_DBL(c("THE FOOD IS GOOD"), c("the food is good"), 1e-12);
	/* one letter is no shouting */
	T_EQ_DBL(c("I like it"), c("i like it"), 1e-12);
	/* a shouted booster pushes harder */
	T_ASSERT(c("it is VERY good") > c("it is very good"));
}

static void
test_punctuation(void)
{
	T_ASSERT(c("good!") > c("good"));
	T_ASSERT(c("good!!") > c("good!"));
	T_ASSERT(c("good!!!!") > c("good!!!"));
	T_EQ_DBL(c("good!!!!!!!"), c("good!!!!"), 1e-12); /* at most four count */
	T_ASSERT(c("bad!!!") < c("bad"));
	T_ASSERT(c("good??") > c("good?"));
	T_EQ_DBL(c("good?"), c("good"), 1e-12); /* one '?' is a question */
	T_EQ_DBL(c("the words!!!"), c("the words"), 1e-12);
	T_EQ_DBL(c("!!!"), 0, 0); /* nothing to emphasise */
}

static void
test_contrast(void)
{
	T_EQ_STR(lab("The food was great but the service was AWFUL!!!"), "negative");
	T_EQ_STR(lab("The food was awful but the service was great"), "positive");
	T_EQ_STR(lab("The food was great however the service was bad"), "negative");
	/* "But" opening a sentence weighs the one before less */
	T_ASSERT(c("The food was great. But the service was bad.") <
		 c("The food was great. The service was bad."));
	T_EQ_STR(lab("The food was great. But the service was bad."), "negative");
	/* a "but" in one sentence does not reach the next */
	T_ASSERT(c("It was slow but fine. Bad staff.") > c("It was slow but fine bad staff"));
}

static void
test_idioms(void)
{
	T_EQ_STR(lab("this phone is the bomb"), "positive");
	T_EQ_STR(lab("yeah right"), "negative");
	T_EQ_STR(lab("I feel under the weather"), "negative");
	T_EQ_STR(lab("a new app that does not cut the mustard"), "negative");
	T_EQ_STR(lab("waiting at the bus stop"), "neutral");
	T_EQ_STR(lab("I can't stand this app"), "negative"); /* a phrase of VADER's lexicon */
	T_EQ_STR(lab("I'm fed up"), "negative");
	T_EQ_STR(lab("the burger is to die for"), "positive");
}

static void
test_emoticons_emoji(void)
{
	T_EQ_STR(lab(":)"), "positive");
	T_EQ_STR(lab(":("), "negative");
	T_EQ_STR(lab(":-D"), "positive");
	T_EQ_STR(lab("<3"), "positive");
	T_EQ_STR(lab("\xf0\x9f\x98\x80"), "positive");              /* grinning face */
	T_EQ_STR(lab("\xf0\x9f\x98\x80\xf0\x9f\x98\x80"), "positive");
	T_ASSERT(c("\xf0\x9f\x98\x80\xf0\x9f\x98\x80") > c("\xf0\x9f\x98\x80"));
	T_EQ_STR(lab("\xf0\x9f\x98\xad"), "negative");              /* loudly crying face */
	T_EQ_STR(lab("\xf0\x9f\x98\xa1"), "negative");              /* pouting face */
	T_EQ_STR(lab("\xf0\x9f\x91\x8d"), "positive");              /* thumbs up */
	T_EQ_STR(lab("\xf0\x9f\x91\x8e\xf0\x9f\x8f\xbd"), "negative"); /* thumbs down, skin tone */
	T_EQ_STR(lab("\xe2\x9d\xa4\xef\xb8\x8f"), "positive");      /* red heart + FE0F */
	T_EQ_STR(lab("new phone\xf0\x9f\x98\x80"), "positive");     /* glued to a word */
	T_EQ_STR(lab("I'm never buying from them again :("), "negative");
	T_ASSERT(c("I'm never buying from them again :(") < c("I'm never buying from them again"));
}

/* Every phrase the issue names, in a sentence with no other sentiment. */
static void
test_cx_lexicon(void)
{
	static const char *const complaints[] = {
		"I want a refund",
		"They charged twice for one order",
		"They cancelled my order yesterday",
		"Still waiting for the package",
		"I was on hold for two hours",
		"No response from the company",
		"Another outage this morning",
		"The site is down again",
		"I opened a support ticket on Monday",
		"My parcel never arrived",
		"This company is a scam",
		"I have been charged me twice",
		"The app keeps crashing",
		"Do not buy this",
		"They never replied",
		"My package was lost package and I got the wrong item",
		"one star",
	};

	for (size_t i = 0; i < sizeof(complaints) / sizeof(complaints[0]); i++) {
		if (strcmp(lab(complaints[i]), "negative") != 0)
			t_fail(__FILE__, __LINE__, "'%s' is %s (%.4f), not negative", complaints[i],
			       lab(complaints[i]), c(complaints[i]));
		t_checks++;
	}
	/* "fixed" entries stay complaints under a negation */
	T_EQ_STR(lab("no refund yet"), "negative");
	T_EQ_STR(lab("They did not answer my support ticket"), "negative");
	T_EQ_STR(lab("This is not a scam?"), "negative");
	/* praise */
	T_EQ_STR(lab("Fast shipping and it just works"), "positive");
	T_EQ_STR(lab("They went above and beyond"), "positive");
	T_EQ_STR(lab("worth every penny"), "positive");
	T_EQ_STR(lab("No issues at all"), "positive");
	/* ordering: a double charge is worse than a refund request */
	T_ASSERT(c("I was charged twice") < c("I want a refund"));
}

static void
test_rating(void)
{
	struct senti_score sc;

	/* ratings as the parsers normalise them: (stars - 1) / 4 on 1..5 */
	senti_score_mention(S, "Great", "I love it", 0.0, &sc);      /* 1 star */
	T_EQ_INT(sc.label, SENTI_NEGATIVE);
	senti_score_mention(S, "Great", "I love it", 0.25, &sc);     /* 2 stars */
	T_EQ_INT(sc.label, SENTI_NEGATIVE);
	senti_score_mention(S, "Awful", "I hate it", 0.5, &sc);      /* 3 stars */
	T_EQ_INT(sc.label, SENTI_NEUTRAL);
	senti_score_mention(S, "Awful", "I hate it", 0.75, &sc);     /* 4 stars */
	T_EQ_INT(sc.label, SENTI_POSITIVE);
	T_ASSERT(sc.compound > 0);
	senti_score_mention(S, NULL, NULL, 1.0, &sc);                /* 5 stars, no text */
	T_EQ_INT(sc.label, SENTI_POSITIVE);
	T_EQ_DBL(sc.compound, 0.75, 1e-12);
	senti_score_mention(S, NULL, NULL, 0.5, &sc);                /* 3 stars, no text */
	T_EQ_DBL(sc.compound, 0.0, 1e-12);
	senti_score_mention(S, NULL, "bad", 0.25, &sc);
	T_EQ_DBL(sc.compound, 0.75 * -0.5 + 0.25 * c("bad"), 1e-12);
	/* a 1..10 scale: 4 of 10 is negative, 5 and 6 neutral, 7 positive */
	senti_score_mention(S, NULL, NULL, 3.0 / 9, &sc);
	T_EQ_INT(sc.label, SENTI_NEGATIVE);
	senti_score_mention(S, NULL, NULL, 5.0 / 9, &sc);
	T_EQ_INT(sc.label, SENTI_NEUTRAL);
	senti_score_mention(S, NULL, NULL, 6.0 / 9, &sc);
	T_EQ_INT(sc.label, SENTI_POSITIVE);
	/* the text still orders mentions of the same rating */
	{
		struct senti_score a, b;

		senti_score_mention(S, NULL, "terrible, rude staff", 0.25, &a);
		senti_score_mention(S, NULL, "it was ok", 0.25, &b);
		T_ASSERT(a.compound < b.compound);
	}
	/* without a rating, the title and text */
	senti_score_mention(S, "Terrible", NULL, NAN, &sc);
	T_EQ_INT(sc.label, SENTI_NEGATIVE);
	senti_score_mention(S, "Terrible", "", NAN, &sc);
	T_EQ_DBL(sc.compound, c("Terrible"), 1e-12);
	/* the title is a sentence of its own: its negation does not reach the text */
	senti_score_mention(S, "Not what I ordered", "Good price", NAN, &sc);
	T_EQ_DBL(sc.compound, c("Not what I ordered. Good price"), 1e-12);
	T_EQ_INT(sc.label, SENTI_POSITIVE);
}

static void
test_robustness(void)
{
	size_t n = 200000, i;
	char *big = malloc(n + 1);
	struct senti_score sc;

	/* a 200 kB sentence with no full stop: cut into pieces, still scored */
	for (i = 0; i + 5 <= n; i += 5)
		memcpy(big + i, "good ", 5);
	senti_score(S, big, i, &sc);
	T_EQ_INT(sc.label, SENTI_POSITIVE);
	T_ASSERT(sc.compound > 0.999 && sc.compound <= 1.0);
	/* invalid UTF-8 and NUL bytes are punctuation */
	senti_score(S, "\xff\xfe good \xc0\x80 \x00 great", 18, &sc);
	T_EQ_INT(sc.label, SENTI_POSITIVE);
	T_EQ_DBL(sc.compound, c("good great"), 1e-12);
	/* a word longer than any key */
	memset(big, 'a', 5000);
	memcpy(big + 5000, " bad", 5);
	T_EQ_DBL(c(big), c("x bad"), 1e-12);
	/* numbers with decimals are one word, the full stop still ends the sentence */
	T_EQ_STR(lab("Rated 3.5 out of 5. Not great."), "negative");
	free(big);
}

static void
test_extra_lexicon(void)
{
	const char *path = t_tmp("extra.txt"), *bad = t_tmp("bad.txt");
	char err[ES_ERRLEN];
	struct senti *x;
	struct senti_score sc;

	t_write_file(path, "# ours\r\nfrobnicate\t3.0\r\ngood\t-2\ncrashed the widget\t-3.5\tfixed\n"
			   "earshot\t1.5\tsome comment\n");
	T_EQ_INT(senti_new(path, &x, err, sizeof(err)), ES_OK);
	senti_score(x, "frobnicate", 10, &sc);
	T_EQ_DBL(sc.compound, 3.0 / sqrt(9.0 + 15.0), 1e-9);
	senti_score(x, "good", 4, &sc);
	T_EQ_INT(sc.label, SENTI_NEGATIVE);
	senti_score(x, "It never crashed the widget", 27, &sc);
	T_EQ_DBL(sc.compound, -3.5 / sqrt(3.5 * 3.5 + 15.0), 1e-6);
	senti_score(x, "earshot", 7, &sc);
	T_EQ_INT(sc.label, SENTI_POSITIVE);
	T_ASSERT(senti_size(x) == senti_size(S) + 3); /* frobnicate, earshot, the phrase */
	senti_free(x);

	t_write_file(bad, "fine\t1\nbroken line without tab\n");
	T_EQ_INT(senti_new(bad, &x, err, sizeof(err)), ES_EPARSE);
	T_ASSERT(x == NULL);
	T_CONTAINS(err, "bad.txt:2: expected TOKEN<TAB>VALENCE");
	t_write_file(bad, "fine\t9\n");
	T_EQ_INT(senti_new(bad, &x, err, sizeof(err)), ES_EPARSE);
	T_CONTAINS(err, ":1: valence '9' is not a number in -4..4");
	t_write_file(bad, "one two three four five\t1\n");
	T_EQ_INT(senti_new(bad, &x, err, sizeof(err)), ES_EPARSE);
	T_CONTAINS(err, ":1: token longer than");
	T_EQ_INT(senti_new(t_tmp("missing.txt"), &x, err, sizeof(err)), ES_EIO);
	T_CONTAINS(err, "missing.txt");
	senti_free(NULL);
}

/* One table, scored from two threads at once, gives what one thread gives. */
static const char *const thread_texts[] = {
	"The food was great but the service was AWFUL!!!", "not very good", ":) <3",
	"I'm never buying from them again :(", "still waiting for my refund",
	"\xf0\x9f\x98\x80 kind of good, not bad at all", "Today only kinda sux! But I'll get by",
};
#define NTHREAD_TEXTS (sizeof(thread_texts) / sizeof(thread_texts[0]))

static void *
thread_score(void *arg)
{
	double *out = arg;

	for (int r = 0; r < 2000; r++)
		for (size_t i = 0; i < NTHREAD_TEXTS; i++) {
			struct senti_score sc;

			senti_score(S, thread_texts[i], strlen(thread_texts[i]), &sc);
			if (r == 0)
				out[i] = sc.compound;
			else if (out[i] != sc.compound)
				out[i] = NAN;
		}
	return NULL;
}

static void
test_threads(void)
{
	double a[NTHREAD_TEXTS], b[NTHREAD_TEXTS];
	pthread_t ta, tb;

	T_EQ_INT(pthread_create(&ta, NULL, thread_score, a), 0);
	T_EQ_INT(pthread_create(&tb, NULL, thread_score, b), 0);
	pthread_join(ta, NULL);
	pthread_join(tb, NULL);
	for (size_t i = 0; i < NTHREAD_TEXTS; i++) {
		T_EQ_DBL(a[i], c(thread_texts[i]), 0);
		T_EQ_DBL(b[i], c(thread_texts[i]), 0);
	}
}

static void
test_command(void)
{
	char *out = NULL, *err = NULL;
	const char *conf = t_tmp("feeds.conf");
	size_t n = 70000;
	char *big;
	int rc;

	rc = t_earshot("good\nbad\n\nnot very good\r\nThe food was great but the service was "
		       "AWFUL!!!\nno newline at the end :)",
		       &out, &err, "sentiment", NULL);
	T_EQ_INT(rc, 0);
	T_EQ_STR(out, "0.4404\tpositive\n-0.5423\tnegative\n0.0000\tneutral\n-0.3865\tnegative\n"
		      "-0.6625\tnegative\n0.2023\tpositive\n");
	free(out);
	free(err);

	rc = t_earshot("good\n\n", &out, &err, "sentiment", "--json", NULL);
	T_EQ_INT(rc, 0);
	T_EQ_STR(out, "{\"compound\":0.4404,\"label\":\"positive\",\"pos\":1,\"neu\":0,\"neg\":0}\n"
		      "{\"compound\":0,\"label\":\"neutral\",\"pos\":0,\"neu\":0,\"neg\":0}\n");
	free(out);
	free(err);

	rc = t_earshot("not very good\n", &out, &err, "sentiment", "--json", NULL);
	T_EQ_STR(out, "{\"compound\":-0.3865,\"label\":\"negative\",\"pos\":0,\"neu\":0.433,"
		      "\"neg\":0.567}\n");
	free(out);
	free(err);

	/* a line longer than the cap is one line of output, and so is the next */
	big = malloc(n + 16);
	for (size_t i = 0; i + 5 <= n; i += 5)
		memcpy(big + i, "good ", 5);
	memcpy(big + n, "\nbad\n", 6);
	rc = t_earshot(big, &out, &err, "sentiment", NULL);
	T_EQ_INT(rc, 0);
	T_EQ_STR(out, "1.0000\tpositive\n-0.5423\tnegative\n");
	free(big);
	free(out);
	free(err);

	rc = t_earshot("", &out, &err, "sentiment", "--xml", NULL);
	T_EQ_INT(rc, 2);
	T_CONTAINS(err, "unknown argument '--xml'");
	free(out);
	free(err);

	/* [earshot] lexicon, relative to feeds.conf */
	t_write_file(t_tmp("mine.txt"), "good\t-2\n");
	t_write_file(conf, "[earshot]\nlexicon = mine.txt\n");
	rc = t_earshot("good\n", &out, &err, "-c", conf, "sentiment", NULL);
	T_EQ_INT(rc, 0);
	T_EQ_STR(out, "-0.4588\tnegative\n");
	free(out);
	free(err);
	t_write_file(conf, "[earshot]\nlexicon = nowhere.txt\n");
	rc = t_earshot("good\n", &out, &err, "-c", conf, "sentiment", NULL);
	T_EQ_INT(rc, 2);
	T_CONTAINS(err, "nowhere.txt");
	free(out);
	free(err);
}

int
main(void)
{
	char err[ES_ERRLEN];

	if (senti_new(NULL, &S, err, sizeof(err)) != ES_OK) {
		fprintf(stderr, "senti_new: %s\n", err);
		return 1;
	}
	T_ASSERT(senti_size(S) > 9000);
	T_RUN(test_vader_reference);
	T_RUN(test_empty_and_neutral);
	T_RUN(test_labels);
	T_RUN(test_negation);
	T_RUN(test_boosters);
	T_RUN(test_derived_forms);
	T_RUN(test_like);
	T_RUN(test_caps);
	T_RUN(test_punctuation);
	T_RUN(test_contrast);
	T_RUN(test_idioms);
	T_RUN(test_emoticons_emoji);
	T_RUN(test_cx_lexicon);
	T_RUN(test_rating);
	T_RUN(test_robustness);
	T_RUN(test_extra_lexicon);
	T_RUN(test_threads);
	T_RUN(test_command);
	senti_free(S);
	return t_report();
}
