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
 * Prints one line per tool: TOOL FILES BYTES MENTIONS SECONDS MB/s mentions/s, where
 * SECONDS is CPU time of this process (the machine is shared: wall time
 * would measure the neighbours too); files are read before timing starts. */
#include <cjson/cJSON.h>
#include <libxml/xmlreader.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

struct tally {
	const char *tool;
	size_t files, bytes, mentions;
	double secs;
};

/* Times one document through one tool, adding to t. */
static void
one(struct tally *t, const struct doc *d, bool earshot)
{
	double t0 = now();

	t->mentions += earshot ? run_earshot(d) : d->json ? run_cjson(d) : run_xmlreader(d);
	t->secs += now() - t0;
	t->bytes += d->len;
	t->files++;
}

static void
report(const struct tally *t)
{
	printf("%s\t%zu\t%zu\t%zu\t%.4f\t%.3f\t%.0f\n", t->tool, t->files, t->bytes, t->mentions,
	       t->secs, (double)t->bytes / t->secs / 1e6, (double)t->mentions / t->secs);
}

int
main(int argc, char **argv)
{
	struct tally es = { .tool = "earshot" }, lim = { .tool = "limit" };
	int loops, nd = argc - 3;
	bool do_es, do_lim;
	struct doc *docs;

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
	for (int l = 0; l < loops; l++)
		for (int i = 0; i < nd; i++) {
			if (do_es)
				one(&es, &docs[i], true);
			if (do_lim)
				one(&lim, &docs[i], false);
		}
	if (do_es)
		report(&es);
	if (do_lim)
		report(&lim);
	for (int i = 0; i < nd; i++)
		free(docs[i].data);
	free(docs);
	return 0;
}
