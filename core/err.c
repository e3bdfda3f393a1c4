#include "core/err.h"

#include <stdarg.h>
#include <stdio.h>

static const char *const es_names[] = {
	[ES_OK] = "ok",
	[ES_NOTMODIFIED] = "not modified",
	[ES_DUPLICATE] = "duplicate",
	[ES_STOP] = "stopped",
	[ES_EINVAL] = "invalid value",
	[ES_EIO] = "I/O error",
	[ES_EPARSE] = "parse error",
	[ES_ETOOBIG] = "too large",
	[ES_ENOTFOUND] = "not found",
	[ES_EDB] = "database error",
	[ES_EBUSY] = "database busy",
	[ES_EFULL] = "disk full",
	[ES_ENET] = "network error",
	[ES_ETIMEOUT] = "timed out",
	[ES_EHTTP] = "HTTP error",
	[ES_EDENIED] = "denied",
	[ES_EVERSION] = "version mismatch",
	[ES_EUNSUPPORTED] = "unsupported",
};

const char *
es_strerror(enum es_err rc)
{
	if ((unsigned)rc < sizeof(es_names) / sizeof(es_names[0]) && es_names[rc])
		return es_names[rc];
	return "unknown error";
}

enum es_err
es_error(enum es_err rc, char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err && errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return rc;
}
