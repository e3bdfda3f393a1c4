/* speed.c - parse throughput over preloaded files, one tool per run.
 * Run by bench/parse/run.sh, never by ctest.
 *
 *   speed earshot LOOPS FILE...   parse_document() with a counting callback
 *   speed limit LOOPS FILE...     the floor: a bare libxml2 xmlReader walk over
 *                                 XML files (counting item/entry elements) and
 *                                 a bare cJSON parse of JSON files (counting
 *                                 "items")
 *   speed pair LOOPS FILE...      both, alternating file by file, so that a
 *                                 busy spell of the machine slows both alike
 *
 * Prints one line per tool and kind of file (xml, json):
 *   TOOL KIND FILES BYTES MENTIONS SECONDS EXTRA_RSS_KIB
 * where SECONDS is CPU time of this process (the machine is shared: wall
 * time would measure the neighbours too), files are read before timing
 * starts, and EXTRA_RSS_KIB is how much the peak resident size grew past
 * what the loaded files took: the memory parsing needs (in pair mode, on
 * earshot's lines only, and the walk's share of it is small). */
#include <cjson/cJSON.h>
#include <libxml/xmlreader.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "parsers/parse.h"

struct doc {
	char *data;
	size_t len;
	int json;
};

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static struct doc
load(const char *path)
{
	struct doc d = { 0 };
	FILE *fp = fopen(path, "rb");
	long n;

	if (!fp || fseek(fp, 0, SEEK_END) || (n = ftell(fp)) < 0 || fseek(fp, 0, SEEK_SET)) {
		perror(path);
		exit(1);
	}
	d.data = malloc((size_t)n + 1);
	if (fread(d.data, 1, (size_t)n, fp) != (size_t)n) {
		perror(path);
		exit(1);
	}
	fclose(fp);
	d.len = (size_t)n;
	d.data[d.len] = '\0';
	d.json = strstr(path, ".json") != NULL;
	return d;
}

static enum es_err
count(struct mention *m, void *ctx)
{
	(void)m;
	(*(size_t *)ctx)++;
	return ES_OK;
}

static size_t
run_earshot(const struct doc *d)
{
	size_t n = 0;

	parse_document(d->data, d->len, NULL, count, &n, NULL, NULL, 0);
	return n;
}

static size_t
run_xmlreader(const struct doc *d)
{
	xmlTextReaderPtr r = xmlReaderForMemory(d->data, (int)d->len, NULL, NULL,
						XML_PARSE_NONET | XML_PARSE_NOERROR |
							XML_PARSE_NOWARNING);
	size_t n = 0;

	while (xmlTextReaderRead(r) == 1) {
		const xmlChar *name;

		if (xmlTextReaderNodeType(r) != XML_READER_TYPE_ELEMENT)
			continue;
		name = xmlTextReaderConstLocalName(r);
		n += strcmp((const char *)name, "item") == 0 || strcmp((const char *)name, "entry") == 0;
	}
	xmlFreeTextReader(r);
	return n;
}

static size_t
run_cjson(const struct doc *d)
{
	cJSON *root = cJSON_ParseWithLengthOpts(d->data, d->len, NULL, 0);
	size_t n = (size_t)cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(root, "items"));

	cJSON_Delete(root);
	return n;
}

static long
peak_kib(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

/* One tool's totals per kind of file (0 XML, 1 JSON). */
struct tally {
	const char *tool;
	size_t files[2], bytes[2], mentions[2];
	double secs[2];
};

/* Times one document through one tool, adding to t. */
static void
one(struct tally *t, const struct doc *d, bool earshot)
{
	int k = d->json;
	double t0 = now();

	t->mentions[k] += earshot ? run_earshot(d) : k ? run_cjson(d) : run_xmlreader(d);
	t->secs[k] += now() - t0;
	t->bytes[k] += d->len;
	t->files[k]++;
}

static void
report(const struct tally *t, long rss)
{
	for (int k = 0; k < 2; k++) {
		if (!t->files[k])
			continue;
		printf("%s\t%s\t%zu\t%zu\t%zu\t%.4f", t->tool, k ? "json" : "xml", t->files[k],
		       t->bytes[k], t->mentions[k], t->secs[k]);
		if (rss >= 0)
			printf("\t%ld", rss);
		putchar('\n');
	}
}

int
main(int argc, char **argv)
{
	struct tally es = { .tool = "earshot" }, lim = { .tool = "limit" };
	int loops, nd = argc - 3;
	bool do_es, do_lim;
	struct doc *docs;
	long base;

	if (argc < 4 || (strcmp(argv[1], "earshot") && strcmp(argv[1], "limit") &&
			 strcmp(argv[1], "pair"))) {
		fprintf(stderr, "usage: speed earshot|limit|pair LOOPS FILE...\n");
		return 2;
	}
	do_es = strcmp(argv[1], "limit") != 0;
	do_lim = strcmp(argv[1], "earshot") != 0;
	loops = atoi(argv[2]) > 0 ? atoi(argv[2]) : 1;
	docs = calloc((size_t)nd, sizeof(*docs));
	for (int i = 0; i < nd; i++)
		docs[i] = load(argv[i + 3]);
	xmlInitParser();
	base = peak_kib();
	for (int l = 0; l < loops; l++)
		for (int i = 0; i < nd; i++) {
			if (do_es)
				one(&es, &docs[i], true);
			if (do_lim)
				one(&lim, &docs[i], false);
		}
	if (do_es)
		report(&es, peak_kib() - base);
	if (do_lim)
		report(&lim, do_es ? -1 : peak_kib() - base);
	for (int i = 0; i < nd; i++)
		free(docs[i].data);
	free(docs);
	return 0;
}
