/* speed.c - parse throughput over preloaded files, one tool per run.
 * Run by bench/parse/run.sh, never by ctest.
 *
 *   speed earshot LOOPS FILE...   parse_document() with a counting callback
 *   speed limit LOOPS FILE...     the floor: a bare libxml2 xmlReader walk over
 *                                 XML files (counting item/entry elements) and
 *                                 a bare cJSON parse of JSON files (counting
 *                                 "items")
 *
 * Prints one line per kind of file (xml, json):
 *   TOOL KIND FILES BYTES MENTIONS SECONDS EXTRA_RSS_KIB
 * where SECONDS is CPU time of this process (the machine is shared: wall
 * time would measure the neighbours too), files are read before timing
 * starts, and EXTRA_RSS_KIB is how much the peak resident size grew past
 * what the loaded files took: the memory parsing needs. */
#include <cjson/cJSON.h>
#include <libxml/xmlreader.h>
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

int
main(int argc, char **argv)
{
	int loops, nd = argc - 3, earshot;
	struct doc *docs;
	size_t bytes[2] = { 0 }, mentions[2] = { 0 }, files[2] = { 0 };
	double secs[2] = { 0 };
	long base;

	if (argc < 4 || (strcmp(argv[1], "earshot") && strcmp(argv[1], "limit"))) {
		fprintf(stderr, "usage: speed earshot|limit LOOPS FILE...\n");
		return 2;
	}
	earshot = strcmp(argv[1], "earshot") == 0;
	loops = atoi(argv[2]) > 0 ? atoi(argv[2]) : 1;
	docs = calloc((size_t)nd, sizeof(*docs));
	for (int i = 0; i < nd; i++)
		docs[i] = load(argv[i + 3]);
	xmlInitParser();
	base = peak_kib();
	for (int l = 0; l < loops; l++)
		for (int i = 0; i < nd; i++) {
			int k = docs[i].json;
			double t0 = now();

			mentions[k] += earshot ? run_earshot(&docs[i])
				     : k ? run_cjson(&docs[i]) : run_xmlreader(&docs[i]);
			secs[k] += now() - t0;
			bytes[k] += docs[i].len;
			files[k]++;
		}
	for (int k = 0; k < 2; k++)
		if (files[k])
			printf("%s\t%s\t%zu\t%zu\t%zu\t%.4f\t%ld\n", argv[1], k ? "json" : "xml",
			       files[k], bytes[k], mentions[k], secs[k], peak_kib() - base);
	for (int i = 0; i < nd; i++)
		free(docs[i].data);
	free(docs);
	return 0;
}
