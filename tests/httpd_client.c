/* httpd_client.c - see httpd_client.h. */
#include "tests/httpd_client.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/buf.h"

static int
connect_to(int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	a.sin_port = htons((uint16_t)port);
	if (fd < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static int
write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Reads until EOF; returns the status and leaves the body in *out. */
static int
read_response(int fd, char **out)
{
	struct buf b;
	char tmp[65536], *body;
	ssize_t n;
	int status = -1;

	buf_init(&b, 0);
	while ((n = read(fd, tmp, sizeof(tmp))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			break;
		buf_append(&b, tmp, (size_t)n);
	}
	if (b.len > 12 && !strncmp(buf_str(&b), "HTTP/1.1 ", 9))
		status = (int)strtol(b.data + 9, NULL, 10);
	body = strstr(buf_str(&b), "\r\n\r\n");
	if (out)
		*out = strdup(body ? body + 4 : "");
	buf_free(&b);
	return status;
}

int
httpd_request(const struct httpd *h, const char *method, const char *path, const char *body,
	      char **out)
{
	struct buf req;
	int fd, status;

	if (out)
		*out = NULL;
	if ((fd = connect_to(h->port)) < 0)
		return -1;
	buf_init(&req, 0);
	buf_printf(&req, "%s %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nConnection: close\r\n"
		   "Content-Length: %zu\r\n\r\n%s", method, path, h->port, body ? strlen(body) : 0,
		   body ? body : "");
	if (write_all(fd, req.data, req.len) < 0) {
		close(fd);
		buf_free(&req);
		return -1;
	}
	buf_free(&req);
	status = read_response(fd, out);
	close(fd);
	return status;
}

static void
sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* Reads "port N" from the server's stdout. */
static int
read_port(int fd)
{
	char line[64];
	size_t n = 0;

	while (n + 1 < sizeof(line)) {
		ssize_t r = read(fd, line + n, 1);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		if (line[n] == '\n')
			break;
		n++;
	}
	line[n] = '\0';
	return strncmp(line, "port ", 5) ? -1 : (int)strtol(line + 5, NULL, 10);
}

int
httpd_start(struct httpd *h, const char *routes_path)
{
	const char *bin = getenv("ES_HTTPD");
	int p[2];

	h->pid = -1;
	h->port = -1;
	if (!bin || pipe(p) < 0) {
		fprintf(stderr, "httpd_start: ES_HTTPD is not set\n");
		return -1;
	}
	if ((h->pid = fork()) == 0) {
		dup2(p[1], 1);
		close(p[0]);
		close(p[1]);
		if (routes_path)
			execl(bin, bin, "-r", routes_path, (char *)NULL);
		else
			execl(bin, bin, (char *)NULL);
		_exit(127);
	}
	close(p[1]);
	h->port = read_port(p[0]);
	close(p[0]);
	for (int i = 0; h->port > 0 && i < 500; i++) {
		if (httpd_request(h, "GET", "/_es/ping", NULL, NULL) == 200)
			return 0;
		sleep_ms(10);
	}
	fprintf(stderr, "httpd_start: %s did not come up\n", bin);
	httpd_stop(h);
	return -1;
}

void
httpd_stop(struct httpd *h)
{
	if (h->pid <= 0)
		return;
	kill(h->pid, SIGTERM);
	waitpid(h->pid, NULL, 0);
	h->pid = -1;
}

int
httpd_routes(const struct httpd *h, const char *fmt, ...)
{
	va_list ap;
	char *text = NULL, *msg = NULL;
	int n, status;

	va_start(ap, fmt);
	n = vasprintf(&text, fmt, ap);
	va_end(ap);
	if (n < 0)
		return -1;
	status = httpd_request(h, "POST", "/_es/routes", text, &msg);
	if (status != 200)
		fprintf(stderr, "httpd_routes: %d %s", status, msg ? msg : "\n");
	free(text);
	free(msg);
	return status == 200 ? 0 : -1;
}

int
httpd_clear(const struct httpd *h)
{
	return httpd_request(h, "POST", "/_es/clear", NULL, NULL) == 200 ? 0 : -1;
}

int
httpd_reset(const struct httpd *h)
{
	return httpd_request(h, "POST", "/_es/reset", NULL, NULL) == 200 ? 0 : -1;
}

/* Parses JSON lines into one array. */
static cJSON *
json_lines(const char *text)
{
	cJSON *arr = cJSON_CreateArray();

	while (text && *text) {
		const char *eol = strchr(text, '\n');
		size_t len = eol ? (size_t)(eol - text) : strlen(text);
		cJSON *item = cJSON_ParseWithLength(text, len);

		if (item)
			cJSON_AddItemToArray(arr, item);
		text += len + (eol ? 1 : 0);
	}
	return arr;
}

static cJSON *
get_lines(const struct httpd *h, const char *path)
{
	char *body = NULL;
	cJSON *arr = NULL;

	if (httpd_request(h, "GET", path, NULL, &body) == 200)
		arr = json_lines(body);
	free(body);
	return arr;
}

cJSON *
httpd_log(const struct httpd *h)
{
	return get_lines(h, "/_es/log");
}

int
httpd_count(const struct httpd *h, const char *path)
{
	cJSON *log = httpd_log(h), *e;
	int n = 0;

	cJSON_ArrayForEach(e, log) {
		const cJSON *p = cJSON_GetObjectItemCaseSensitive(e, "path");

		if (!path || (cJSON_IsString(p) && !strcmp(p->valuestring, path)))
			n++;
	}
	cJSON_Delete(log);
	return n;
}

int
httpd_arrivals(const struct httpd *h, const char *path, double *t, int max)
{
	cJSON *log = httpd_log(h), *e;
	int n = 0;

	cJSON_ArrayForEach(e, log) {
		const cJSON *p = cJSON_GetObjectItemCaseSensitive(e, "path");

		if (n < max && cJSON_IsString(p) && !strcmp(p->valuestring, path))
			t[n++] = cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(e, "t"));
	}
	cJSON_Delete(log);
	return n;
}

int
httpd_wait_count(const struct httpd *h, const char *path, int n, int timeout_ms)
{
	int have = 0;

	for (int waited = 0; waited <= timeout_ms; waited += 20) {
		if ((have = httpd_count(h, path)) >= n)
			break;
		sleep_ms(20);
	}
	return have;
}

static int
json_int(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsNumber(v) ? v->valueint : 0;
}

static void
host_fill(const cJSON *o, struct httpd_host *out)
{
	const cJSON *starts = cJSON_GetObjectItemCaseSensitive(o, "starts"), *t;

	out->requests = json_int(o, "requests");
	out->conns_now = json_int(o, "conns_now");
	out->conns_max = json_int(o, "conns_max");
	out->active_now = json_int(o, "active_now");
	out->active_max = json_int(o, "active_max");
	out->nstarts = (size_t)cJSON_GetArraySize(starts);
	out->starts = calloc(out->nstarts + 1, sizeof(double));
	out->nstarts = 0;
	cJSON_ArrayForEach(t, starts)
		out->starts[out->nstarts++] = t->valuedouble;
}

int
httpd_host(const struct httpd *h, const char *host, struct httpd_host *out)
{
	cJSON *arr = get_lines(h, "/_es/hosts"), *e;

	memset(out, 0, sizeof(*out));
	if (!arr)
		return -1;
	cJSON_ArrayForEach(e, arr) {
		const cJSON *name = cJSON_GetObjectItemCaseSensitive(e, "host");

		if (cJSON_IsString(name) && !strcasecmp(name->valuestring, host))
			host_fill(e, out);
	}
	cJSON_Delete(arr);
	return 0;
}

void
httpd_host_free(struct httpd_host *hh)
{
	free(hh->starts);
	hh->starts = NULL;
	hh->nstarts = 0;
}

const char *
httpd_url(const struct httpd *h, const char *host, const char *path)
{
	static char ring[8][512];
	static unsigned i;
	char *out = ring[i++ % 8];

	snprintf(out, sizeof(ring[0]), "http://%s:%d%s", host, h->port, path);
	return out;
}
