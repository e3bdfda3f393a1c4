/* clock.c - SQLite's 'now' follows earshot's clock.
 *
 * date('now') in SQL reads the time from the connection's VFS.  When the
 * wall clock is shifted (EARSHOT_NOW, when_set_offset()), connections are
 * opened through a copy of the default VFS whose clock is when_now(), so a
 * documented query such as "WHERE counted_at >= date('now', '-1 day')"
 * means the same day as earshot stats and report.  Without a shift the
 * default VFS is used unchanged. */
#include <stdint.h>
#include <stdlib.h>
#include <time.h>

#include "core/when.h"
#include "store/store_int.h"

#define CLOCK_VFS_NAME "earshot-clock"
/* Julian day number of 1970-01-01T00:00:00Z, in milliseconds. */
#define CLOCK_UNIX_EPOCH_JD_MS INT64_C(210866760000000)

static sqlite3_vfs clock_vfs;
static int clock_registered;

static int
clock_time64(sqlite3_vfs *vfs, sqlite3_int64 *out)
{
	(void)vfs;
	*out = CLOCK_UNIX_EPOCH_JD_MS + when_now() * 1000;
	return SQLITE_OK;
}

static int
clock_time(sqlite3_vfs *vfs, double *out)
{
	(void)vfs;
	*out = 2440587.5 + (double)when_now() / 86400.0;
	return SQLITE_OK;
}

const char *
store_vfs(void)
{
	sqlite3_vfs *base;

	if (llabs(when_now() - (int64_t)time(NULL)) < 2)
		return NULL;
	if (clock_registered)
		return CLOCK_VFS_NAME;
	if (!(base = sqlite3_vfs_find(NULL)))
		return NULL;
	clock_vfs = *base;
	clock_vfs.zName = CLOCK_VFS_NAME;
	clock_vfs.pNext = NULL;
	clock_vfs.xCurrentTime = clock_time;
	if (clock_vfs.iVersion >= 2)
		clock_vfs.xCurrentTimeInt64 = clock_time64;
	if (sqlite3_vfs_register(&clock_vfs, 0) != SQLITE_OK)
		return NULL;
	clock_registered = 1;
	return CLOCK_VFS_NAME;
}
