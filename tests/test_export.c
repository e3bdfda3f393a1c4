/* test_export.c - earshot export: CSV and JSON lines on the fixture
 * database (rows, order, brands, filters, -o), and memory that does not
 * grow with the number of rows (peak RSS of the process at 5,000 and at
 * 40,000 mentions). */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <unistd.h>

#include "tests/fixture.h"
#include "tests/test.h"

#define RSS_SMALL 5000
#define RSS_LARGE 40000
#define RSS_SLACK_KB 4096 /* growth allowed from 8 times the rows */

static const char *db;

static int
count_char(const char *s, char c)
{
	int n = 0;

	for (; s && *s; s++)
		n += *s == c;
	return n;
}

static const char header[] =
	"id,source,counted_at,published_at,first_seen_at,label,sentiment,rating,brands,author,"
	"lang,url,title,text,guid\r\n";

static void
test_csv(void)
{
	char *out, *err;

	T_EQ_INT(t_earshot(NULL, &out, &err, "-d", db, "export", "--format", "csv", "--since",
			   "2026-11-18", NULL), 0);
	T_EQ_STR(out,
		 "id,source,counted_at,published_at,first_seen_at,label,sentiment,rating,brands,"
		 "author,lang,url,title,text,guid\r\n"
		 "332,news-acme,2026-11-18T00:15:00Z,2026-11-18T00:15:00Z,2026-11-18T10:30:00Z,"
		 "negative,-0.3,,acme,sam,en,https://news.example.com/rss?q=acme/acme-48-0,"
		 "Acme support never answers,\"Opened a ticket on Monday, nobody answered. "
		 "Terrible support.\",acme-48-0\r\n"
		 "336,reviews-globex,2026-11-18T01:45:00Z,2026-11-18T01:45:00Z,2026-11-18T10:30:00Z,"
		 "positive,0.3,1,globex,sam,,https://reviews.example.net/globex/globex-48-0,"
		 "Globex customer service rocks,\"Friendly agent, quick replacement.\",globex-48-0\r\n"
		 "333,forum,2026-11-18T02:15:00Z,2026-11-18T02:15:00Z,2026-11-18T10:30:00Z,positive,"
		 "0.4,,acme,alex,,https://forum.example.org/api/posts.json/acme-48-1,"
		 "Acme support fixed it in minutes,Chat support sorted my billing question in five "
		 "minutes. Impressed.,acme-48-1\r\n"
		 "334,forum,2026-11-18T03:45:00Z,2026-11-18T03:45:00Z,2026-11-18T10:30:00Z,positive,"
		 "0.4,,globex,alex,,https://forum.example.org/api/posts.json/globex-48-1,"
		 "Globex prices dropped,Happy with the new plan pricing.,globex-48-1\r\n"
		 "335,appstore-acme,2026-11-18T04:15:00Z,2026-11-18T04:15:00Z,2026-11-18T10:30:00Z,"
		 "neutral,0.02,0.5,acme,kim,,https://apps.example.com/acme/reviews.json/acme-48-2,"
		 "How do I export my data from Acme?,Is there a CSV export somewhere in the settings?,"
		 "acme-48-2\r\n");
	free(out);
	free(err);
	/* Everything: one line per mention after the header. */
	T_EQ_INT(t_earshot(NULL, &out, &err, "-d", db, "export", "--format", "csv", NULL), 0);
	T_ASSERT(strncmp(out, header, strlen(header)) == 0);
	T_EQ_INT(count_char(out, '\n') - 1, fixture_int(db, "SELECT count(*) FROM mentions"));
	T_EQ_INT(count_char(out, '\n') - 1, 336);
	T_CONTAINS(out, ",positive,0.5,,\"acme,globex\",kim,,https://forum.example.org/api/posts.json/both-3,");
	free(out);
	free(err);
}

/* Checks each JSON line; returns how many there were. */
static int
check_jsonl(char *out, int *both, int *sorted)
{
	char prev[32] = "", *line = out, *nl;
	int n = 0;

	*both = 0;
	*sorted = 1;
	while ((nl = strchr(line, '\n'))) {
		cJSON *j;
		const char *at;

		*nl = '\0';
		if (!(j = cJSON_Parse(line))) {
			T_ASSERT(!"a line that is not JSON");
			break;
		}
		at = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(j, "counted_at"));
		*sorted &= at && strcmp(prev, at) <= 0;
		snprintf(prev, sizeof(prev), "%s", at ? at : "");
		*both += cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(j, "brands")) == 2;
		T_ASSERT(cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(j, "sentiment")));
		cJSON_Delete(j);
		n++;
		line = nl + 1;
	}
	return n;
}

static const char first_json[] =
	"{\"id\":332,\"source\":\"news-acme\",\"counted_at\":\"2026-11-18T00:15:00Z\","
	"\"published_at\":\"2026-11-18T00:15:00Z\",\"first_seen_at\":\"2026-11-18T10:30:00Z\","
	"\"label\":\"negative\",\"sentiment\":-0.3,\"rating\":null,\"brands\":[\"acme\"],"
	"\"author\":\"sam\",\"lang\":\"en\",\"url\":\"https://news.example.com/rss?q=acme/"
	"acme-48-0\",\"title\":\"Acme support never answers\",\"text\":\"Opened a ticket on "
	"Monday, nobody answered. Terrible support.\",\"guid\":\"acme-48-0\"}\n";

static void
test_jsonl(void)
{
	char *out, *err;
	int both, sorted;

	T_EQ_INT(t_earshot(NULL, &out, &err, "-d", db, "export", "--format", "jsonl", NULL), 0);
	T_EQ_INT(check_jsonl(out, &both, &sorted), 336);
	T_EQ_INT(both, 7);
	T_ASSERT(sorted);
	free(out);
	free(err);
	T_EQ_INT(t_earshot(NULL, &out, &err, "-d", db, "export", "--format", "jsonl", "--brand",
			   "globex", "--since", "2d", NULL), 0);
	T_EQ_INT(check_jsonl(out, &both, &sorted),
		 fixture_int(db, "SELECT count(*) FROM mentions_view WHERE brands LIKE '%globex%' "
				 "AND counted_at >= '2026-11-16T10:30:00Z'"));
	free(out);
	free(err);
	T_EQ_INT(t_earshot(NULL, &out, &err, "-d", db, "export", "--format", "jsonl", "--since",
			   "2026-11-18", NULL), 0);
	T_ASSERT(strncmp(out, first_json, strlen(first_json)) == 0);
	free(out);
	free(err);
}

static void
test_output_file_and_errors(void)
{
	const char *file = t_tmp("out.csv");
	char *out, *err, *disk, *direct;

	T_EQ_INT(t_earshot(NULL, &out, &err, "-d", db, "export", "--format", "csv", "-o", file,
			   NULL), 0);
	T_EQ_STR(out, "");
	free(out);
	free(err);
	disk = t_read_file(file, NULL);
	T_EQ_INT(t_earshot(NULL, &direct, &err, "-d", db, "export", "--format", "csv", NULL), 0);
	T_EQ_STR(disk, direct);
	free(disk);
	free(direct);
	free(err);
	T_EQ_INT(t_earshot(NULL, &out, &err, "-d", db, "export", NULL), 2);
	T_CONTAINS(err, "--format csv or --format jsonl");
	free(out);
	free(err);
	T_EQ_INT(t_earshot(NULL, &out, &err, "-d", db, "export", "--format", "xml", NULL), 2);
	free(out);
	free(err);
	T_EQ_INT(t_earshot(NULL, &out, &err, "-d", db, "export", "--format", "csv", "-o",
			   "/nonexistent/dir/x.csv", NULL), 1);
	T_CONTAINS(err, "/nonexistent/dir/x.csv");
	free(out);
	free(err);
}

/* Peak RSS in KiB of earshot export over path, output to /dev/null. */
static long
export_peak_kb(const char *path)
{
	const char *bin = getenv("ES_BIN");
	struct rusage ru;
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		int fd = open("/dev/null", O_WRONLY);

		dup2(fd, 1);
		/* NOTE: ASan keeps freed memory in quarantine (256 MiB by
		 * default), which would grow with the rows without a leak. */
		setenv("ASAN_OPTIONS", "detect_leaks=0:quarantine_size_mb=1", 1);
		execl(bin, bin, "-d", path, "export", "--format", "jsonl", (char *)NULL);
		_exit(127);
	}
	if (pid < 0 || wait4(pid, &status, 0, &ru) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != 0)
		return -1;
	return ru.ru_maxrss;
}

static void
test_memory_flat(void)
{
	const char *small = strdup(fixture_db("small.db", RSS_SMALL));
	const char *large = fixture_db("large.db", RSS_LARGE);
	long a = export_peak_kb(small), b = export_peak_kb(large);

	fprintf(stderr, "  peak RSS: %ld KiB for %d mentions, %ld KiB for %d\n", a, RSS_SMALL, b,
		RSS_LARGE);
	T_ASSERT(a > 0 && b > 0);
	T_ASSERT(b - a < RSS_SLACK_KB);
	T_EQ_INT(fixture_int(large, "SELECT count(*) FROM mentions"), RSS_LARGE);
	free((void *)small);
}

int
main(void)
{
	db = strdup(fixture_db("export.db", -1));
	T_RUN(test_csv);
	T_RUN(test_jsonl);
	T_RUN(test_output_file_and_errors);
	T_RUN(test_memory_flat);
	free((void *)db);
	return t_report();
}
