/* cmd_parse.c - earshot parse: one document in, one JSON line per mention out.
 *
 * The output is a stable contract: exactly the keys guid, url, title,
 * text, author, published (ISO 8601 UTC or null) and rating (0..1 or
 * null), in that order, one object per line. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cmd.h"
#include "core/buf.h"
#include "core/jsonw.h"
#include "core/log.h"
#include "core/when.h"
#include "parsers/confmap.h"
#include "parsers/parse.h"

#define PARSE_MAX_INPUT (256 * 1024 * 1024) /* bytes read from FILE or stdin */

struct parse_args {
	const char *format, *base, *source, *file;
};

static int
parse_args(int argc, char **argv, struct parse_args *a)
{
	static const char *const opts[] = { "--format", "--base", "--source" };

	memset(a, 0, sizeof(*a));
	for (int i = 1; i < argc; i++) {
		const char **dst[] = { &a->format, &a->base, &a->source };
		const char *arg = argv[i];
		bool matched = false;

		for (int k = 0; k < 3 && !matched; k++) {
			size_t n = strlen(opts[k]);

			if (strncmp(arg, opts[k], n) != 0 || (arg[n] && arg[n] != '='))
				continue;
			matched = true;
			if (arg[n] == '=')
				*dst[k] = arg + n + 1;
			else if (i + 1 < argc)
				*dst[k] = argv[++i];
			else
				return cli_usage_error("parse", "%s needs a value", opts[k]);
		}
		if (matched)
			continue;
		if (arg[0] == '-' && arg[1] && strcmp(arg, "-") != 0)
			return cli_usage_error("parse", "unknown option '%s'", arg);
		if (a->file)
			return cli_usage_error("parse", "unexpected argument '%s'", arg);
		a->file = arg;
	}
	if (!a->file)
		return cli_usage_error("parse", "which file? (- for standard input)");
	return EXIT_OK;
}

/* Reads the whole of path ("-": stdin) into b. */
static enum es_err
parse_read(const char *path, struct buf *b, char *err, size_t errlen)
{
	FILE *fp = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	char chunk[65536];
	size_t n;
	enum es_err rc = ES_OK;

	if (!fp)
		return es_error(ES_EIO, err, errlen, "%s: %s", path, strerror(errno));
	while (!rc && (n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		if ((rc = buf_append(b, chunk, n)))
			es_error(rc, err, errlen, "%s: larger than %d MiB", path,
				 PARSE_MAX_INPUT / (1024 * 1024));
	if (!rc && ferror(fp))
		rc = es_error(ES_EIO, err, errlen, "%s: %s", path, strerror(errno));
	if (fp != stdin)
		fclose(fp);
	return rc;
}

/* Writes one mention as a JSON line on stdout. */
static enum es_err
parse_print(struct mention *m, void *ctx)
{
	struct buf *line = ctx;
	char iso[WHEN_ISOLEN];
	int first = 1;

	buf_reset(line);
	buf_putc(line, '{');
	jsonw_key(line, "guid", &first);
	jsonw_cstr(line, m->guid);
	jsonw_key(line, "url", &first);
	jsonw_cstr(line, m->url);
	jsonw_key(line, "title", &first);
	jsonw_cstr(line, m->title);
	jsonw_key(line, "text", &first);
	jsonw_cstr(line, m->text);
	jsonw_key(line, "author", &first);
	jsonw_cstr(line, m->author);
	jsonw_key(line, "published", &first);
	jsonw_cstr(line, m->published ? when_fmt_iso(m->published, iso) : NULL);
	jsonw_key(line, "rating", &first);
	jsonw_num(line, m->rating);
	buf_puts(line, "}\n");
	if (fwrite(line->data, 1, line->len, stdout) != line->len)
		return ES_EIO;
	return ES_OK;
}

/* The mapping, format and URL of [source NAME] from feeds.conf. */
static int
parse_from_source(struct cli *cli, const char *name, struct parse_map *map,
		  struct parse_opts *opts, struct conf **conf)
{
	const struct conf_source *s;
	int status;

	if (!(*conf = cli_conf(cli, true, &status)))
		return status == EXIT_OK ? EXIT_USAGE : status;
	if (!(s = conf_source_find(*conf, name))) {
		fprintf(stderr, "earshot parse: no [source %s] in %s\n", name, (*conf)->path);
		return EXIT_USAGE;
	}
	confmap_opts(s, map, opts);
	return EXIT_OK;
}

static int
parse_run(struct parse_args *a, struct parse_opts *opts, int verbosity)
{
	struct buf in, line;
	struct parse_result res;
	char err[ES_ERRLEN] = "";
	enum es_err rc;

	buf_init(&in, PARSE_MAX_INPUT);
	buf_init(&line, 0);
	if ((rc = parse_read(a->file, &in, err, sizeof(err))) == ES_OK)
		rc = parse_document(in.data ? in.data : "", in.len, opts, parse_print, &line, &res,
				    err, sizeof(err));
	buf_free(&in);
	buf_free(&line);
	if (fflush(stdout) != 0 && !rc)
		rc = es_error(ES_EIO, err, sizeof(err), "writing the output: %s", strerror(errno));
	if (rc) {
		fprintf(stderr, "earshot parse: %s\n", *err ? err : es_strerror(rc));
		return EXIT_FAIL;
	}
	if (verbosity > 0)
		fprintf(stderr, "format=%s mentions=%zu skipped=%zu recovered=%d ttl=%lld\n",
			parse_format_name(res.format), res.mentions, res.skipped, res.recovered,
			(long long)res.ttl);
	return EXIT_OK;
}

int
cmd_parse(struct cli *cli, int argc, char **argv)
{
	struct parse_args a;
	struct parse_opts opts = { .format = PARSE_AUTO };
	struct parse_map map;
	struct conf *conf = NULL;
	int status;

	if ((status = parse_args(argc, argv, &a)) != EXIT_OK)
		return status;
	if (a.source && (status = parse_from_source(cli, a.source, &map, &opts, &conf)) != EXIT_OK) {
		conf_free(conf);
		return status;
	}
	if (a.format && parse_format_from_name(a.format, &opts.format) != ES_OK) {
		conf_free(conf);
		return cli_usage_error("parse", "unknown format '%s'", a.format);
	}
	if (a.base)
		opts.base_url = a.base;
	status = parse_run(&a, &opts, cli->verbosity);
	conf_free(conf);
	return status;
}
