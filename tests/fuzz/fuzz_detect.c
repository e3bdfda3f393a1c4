/* fuzz_detect.c - earshot detect end to end on arbitrary bytes: the CSV
 * reader, the interval and grid, and the detector over whatever series
 * comes out.  The input's length picks one of a few option sets, so that
 * the seeds are plain CSV files.
 *
 * The input goes through a file, as a user's would; stdout and stderr are
 * swapped for /dev/null streams (not file descriptor 2, which the
 * sanitizers write their reports to). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "cli/cmd.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char *const opts[][6] = {
        {NULL},
        {"--cooldown", "0", "--min-count", "0", NULL},
        {"--baseline", "2d", "--threshold", "0.5", NULL},
        {"--window", "2h", "--baseline", "1d", NULL},
};

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char path[64];
	static FILE *null;
	struct cli cli = {.conf_path = "feeds.conf"};
	char *argv[10] = {"detect"};
	int argc = 1;
	FILE *fp;

	if (!size)
		return 0;
	if (!null) {
		snprintf(path, sizeof(path), "/tmp/fuzz_detect.%ld.csv", (long)getpid());
		null = fopen("/dev/null", "w");
		stdout = null;
		stderr = null;
	}
	if (!(fp = fopen(path, "wb")))
		abort();
	fwrite(data, 1, size, fp);
	fclose(fp);
	for (char *const *o = opts[size % 4]; *o; o++)
		argv[argc++] = *o;
	argv[argc++] = path;
	argv[argc] = NULL;
	(void)cmd_detect(&cli, argc, argv);
	return 0;
}
