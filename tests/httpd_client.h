/* httpd_client.h - starting and steering es_httpd (tests/tool_httpd.c) from
 * a test.  The route grammar and the control API are documented at the top
 * of tests/tool_httpd.c.
 *
 *   struct httpd h;
 *   httpd_start(&h, NULL);
 *   httpd_routes(&h, "route /feed.xml\ntype application/rss+xml\nbody_file %s\n", path);
 *   ... fetch httpd_url(&h, "a.localhost", "/feed.xml") ...
 *   T_EQ_INT(httpd_count(&h, "/feed.xml"), 1);
 *   httpd_stop(&h);
 *
 * Every name under .localhost resolves to 127.0.0.1 inside libcurl, so a
 * test gets as many distinct hosts as it likes without any resolver setup. */
#ifndef ES_HTTPD_CLIENT_H
#define ES_HTTPD_CLIENT_H

#include <stddef.h>
#include <sys/types.h>

#include <cjson/cJSON.h>

struct httpd {
	pid_t pid;
	int port;
};

/* Per-host counters as the server saw them (see /_es/hosts). */
struct httpd_host {
	long requests;
	int conns_now, conns_max;    /* open connections carrying the host */
	int active_now, active_max;  /* requests being answered at once */
	double *starts;              /* arrival times, ms; caller frees */
	size_t nstarts;
};

/* Starts $ES_HTTPD on a free port with an optional routes file and waits
 * until it answers.  Returns 0, or -1 with a message on stderr. */
int httpd_start(struct httpd *h, const char *routes_path);
/* Sends SIGTERM and reaps the server; a no-op on a stopped one. */
void httpd_stop(struct httpd *h);

/* One request to the server (Connection: close).  Returns the status, or
 * -1 on a socket failure; the body goes to *out when out is not NULL
 * (caller frees).  body may be NULL. */
int httpd_request(const struct httpd *h, const char *method, const char *path,
		  const char *body, char **out);
/* Adds routes (printf-style text).  Returns 0, or -1 with the server's
 * message on stderr. */
int httpd_routes(const struct httpd *h, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Removes every route / clears the log and counters.  Return 0 or -1. */
int httpd_clear(const struct httpd *h);
int httpd_reset(const struct httpd *h);

/* The request log as a cJSON array of request objects (caller deletes),
 * or NULL on failure. */
cJSON *httpd_log(const struct httpd *h);
/* Requests logged whose path (target without query) is path; NULL: all. */
int httpd_count(const struct httpd *h, const char *path);
/* The arrival times (the log's "t", ms) of up to max requests to path, in
 * order, into t; returns how many. */
int httpd_arrivals(const struct httpd *h, const char *path, double *t, int max);
/* Waits up to timeout_ms for httpd_count(h, path) >= n; returns the count. */
int httpd_wait_count(const struct httpd *h, const char *path, int n, int timeout_ms);
/* Counters for host (zeros when the server never saw it).  Returns 0 or -1.
 * Free with httpd_host_free. */
int httpd_host(const struct httpd *h, const char *host, struct httpd_host *out);
void httpd_host_free(struct httpd_host *hh);

/* "http://HOST:PORT/PATH" in a ring of 8 static buffers. */
const char *httpd_url(const struct httpd *h, const char *host, const char *path);

#endif
