/* err.h - the one error enum every fallible function returns.
 *
 * Convention: a function returns enum es_err, the variable holding it is
 * called rc, and it is passed up unchanged.  Detail goes into an optional
 * caller buffer (char err[ES_ERRLEN]); a NULL buffer is allowed everywhere.
 * Outcomes that are not failures ("not modified", "already stored") have
 * their own codes below ES_EFIRST so callers can tell them apart cheaply. */
#ifndef ES_ERR_H
#define ES_ERR_H

#include <stddef.h>

#define ES_ERRLEN 256

enum es_err {
	ES_OK = 0,
	ES_NOTMODIFIED,   /* outcome: HTTP 304, body unchanged */
	ES_DUPLICATE,     /* outcome: already stored */
	ES_STOP,          /* outcome: a callback asked to stop early */

	ES_EFIRST = 16,
	ES_EINVAL = ES_EFIRST, /* bad argument or value */
	ES_EIO,           /* file or socket I/O */
	ES_EPARSE,        /* malformed input */
	ES_ETOOBIG,       /* a named cap was reached */
	ES_ENOTFOUND,     /* no such thing */
	ES_EDB,           /* SQLite error */
	ES_EBUSY,         /* database locked past busy_timeout */
	ES_EFULL,         /* disk full */
	ES_ENET,          /* network failure (DNS, connect, TLS, reset) */
	ES_ETIMEOUT,      /* timed out */
	ES_EHTTP,         /* unexpected HTTP status */
	ES_EDENIED,       /* refused by policy (robots.txt, private address, authorizer) */
	ES_EVERSION,      /* database from a newer earshot */
	ES_EUNSUPPORTED,  /* a feature this build or its libraries lack */
	ES_ELAST
};

/* Returns a static, human-readable name for rc ("not modified", "parse error"). */
const char *es_strerror(enum es_err rc);

/* True when rc is a failure rather than ES_OK or an outcome code. */
#define ES_FAILED(rc) ((rc) >= ES_EFIRST)

/* Formats into err (at most errlen bytes, NUL-terminated) when err is not
 * NULL, and returns rc so that "return es_error(rc, err, len, ...)" works. */
enum es_err es_error(enum es_err rc, char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

#endif
