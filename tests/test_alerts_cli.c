/* test_alerts_cli.c - earshot alerts and earshot backtest as a user runs
 * them, with EARSHOT_NOW setting the clock: the rules' states (warming up
 * included), a spike sent to all six kinds of webhook once by --send, the
 * table of deliveries, --test, a broken webhook and --reset, a disabled
 * webhook, backtest, and the webhook URL in no output and no table. */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/when.h"
#include "core/xalloc.h"
#include "store/store.h"
#include "tests/httpd_client.h"
#include "tests/test.h"

#define TOKEN "tok3n-XYZZY"
#define HOUR 3600
#define T0 1793491200        /* 2026-11-01T00:00:00Z */
#define SPIKE_END (T0 + 8 * 86400)

static struct httpd srv;
static char *conf_path;
static int guidn;
static struct buf all_output; /* every stdout and stderr, for the secret check */

static int
run(char **out, const char *now, ...)
{
	const char *argv[16] = { "-c", conf_path };
	char *o = NULL, *e = NULL;
	va_list ap;
	int n = 2, status;

	va_start(ap, now);
	while (n < 15 && (argv[n] = va_arg(ap, const char *)))
		n++;
	va_end(ap);
	argv[n] = NULL;
	setenv("EARSHOT_NOW", now, 1);
	{
		char *args[18] = { getenv("ES_BIN") };

		for (int i = 0; i <= n; i++)
			args[i + 1] = (char *)argv[i];
		status = t_run_argv(args, NULL, &o, &e);
	}
	buf_printf(&all_output, "%s%s", o ? o : "", e ? e : "");
	if (status != 0 && e && *e)
		fprintf(stderr, "earshot said: %s", e);
	free(e);
	if (out)
		*out = o;
	else
		free(o);
	return status;
}

static void
fetch(struct store *s, int64_t source_id, int64_t at, const int64_t *pub, size_t n,
      const char *title)
{
	struct mention *m = xcalloc(n + 1, sizeof(*m));
	struct store_item *it = xcalloc(n + 1, sizeof(*it));
	const char *brands[1] = { "acme" };
	struct store_fetch f = { .source_id = source_id, .fetched_at = at, .ok = true,
				 .status = 200, .next_fetch_at = at + 900 };
	char err[ES_ERRLEN], guid[32];

	for (size_t i = 0; i < n; i++) {
		mention_init(&m[i]);
		snprintf(guid, sizeof(guid), "g%d", ++guidn);
		m[i].guid = xstrdup(guid);
		m[i].title = xstrdup(title);
		m[i].url = xasprintf("https://example.com/%s", guid);
		m[i].published = pub[i];
		it[i].m = &m[i];
		it[i].label = -1;
		it[i].sentiment = -0.6;
		it[i].brands = brands;
		it[i].nbrands = 1;
	}
	T_EQ_INT(store_ingest(s, &f, it, n, NULL, err, sizeof(err)), ES_OK);
	for (size_t i = 0; i < n; i++)
		mention_reset(&m[i]);
	free(m);
	free(it);
}

/* Eight quiet days, then 20 negative mentions in the hour before end. */
static void
populate(const char *db, int64_t from, int64_t end)
{
	struct store *s;
	struct store_source src = { 0 };
	char err[ES_ERRLEN];
	int64_t pub[20];

	T_EQ_INT(store_open(db, STORE_RW, &s, err, sizeof(err)), ES_OK);
	T_EQ_INT(store_source_sync(s, "news", "http://news.example/", &src, err, sizeof(err)),
		 ES_OK);
	for (int64_t t = from; t < end - HOUR; t += HOUR) {
		pub[0] = t + 600;
		pub[1] = t + 2400;
		fetch(s, src.id, t + HOUR - 1, pub, (size_t)((t / HOUR) % 3), "acme is slow");
	}
	for (int i = 0; i < 20; i++)
		pub[i] = end - HOUR + 60 + i * 170;
	fetch(s, src.id, end, pub, 20, "acme @everyone <!channel> refund never arrived");
	store_source_reset(&src);
	store_close(s);
}

static void
write_conf(const char *discord_path)
{
	t_write_filef(conf_path,
		      "[earshot]\ndatabase = cli.db\nops_notify = js\n"
		      "[brand acme]\nquery = acme\n"
		      "[brand newbrand]\nquery = newbrand\n"
		      "[source news]\nurl = http://news.example/\n"
		      "[webhook cx]\ntype = slack\nurl = %s\n"
		      "[webhook dc]\ntype = discord\nurl = %s\n"
		      "[webhook tm]\ntype = teams\nurl = %s\n"
		      "[webhook mm]\ntype = mattermost\nurl = %s\n"
		      "[webhook gc]\ntype = googlechat\nurl = %s\n"
		      "[webhook js]\ntype = json\nurl = %s\nsecret = k\n"
		      "[webhook off]\ntype = slack\nurl = ${ES_TEST_NEVER_SET:-}\n"
		      "[alert acme-neg]\nbrand = acme\nnotify = cx, dc, tm, mm, gc, js, off\n"
		      "[alert new-neg]\nbrand = newbrand\nnotify = cx\n",
		      httpd_url(&srv, "hooks.localhost", "/slack/" TOKEN),
		      httpd_url(&srv, "hooks.localhost", discord_path),
		      httpd_url(&srv, "hooks.localhost", "/teams/" TOKEN),
		      httpd_url(&srv, "hooks.localhost", "/mm/" TOKEN),
		      httpd_url(&srv, "hooks.localhost", "/gchat/" TOKEN),
		      httpd_url(&srv, "hooks.localhost", "/json/" TOKEN));
}

static void
test_rules_before(void)
{
	char *out;

	T_EQ_INT(run(&out, "2026-11-09T00:01:00Z", "alerts", NULL), 0);
	T_CONTAINS(out, "No alerts yet.");
	T_CONTAINS(out, "Rules:");
	T_CONTAINS(out, "acme-neg  acme      negative   1h      fire ");
	T_CONTAINS(out, "new-neg   newbrand  negative   1h      warming  warming up: 0s of 1d of "
			"history; no alert until then");
	T_CONTAINS(out, "Webhooks:");
	T_CONTAINS(out, "off      slack       disabled        0  url is empty");
	free(out);
}

static void
test_backtest(void)
{
	char *out;

	T_EQ_INT(run(&out, "2026-11-09T00:01:00Z", "backtest", "--since", "10d", "acme-neg",
		     NULL), 0);
	T_CONTAINS(out, "WINDOW END");
	T_CONTAINS(out, "2026-11-08T2");
	T_CONTAINS(out, "acme-neg would have fired 1 time in the last 10d (window 1h, threshold "
			"3.5, min_count 5, cooldown 6h)");
	free(out);
	T_EQ_INT(run(&out, "2026-11-09T00:01:00Z", "backtest", "nope", NULL), 2);
	free(out);
}

static void
test_send_once(void)
{
	char *out;

	T_EQ_INT(run(&out, "2026-11-09T00:01:00Z", "alerts", "--send", NULL), 0);
	T_EQ_STR(out, "1 alert raised; 6 messages sent, 6 deliveries done, 0 failed, 1 skipped, "
		      "0 pending\n");
	free(out);
	T_EQ_INT(httpd_count(&srv, NULL), 6);
	/* Again: nothing new to raise, nothing to send. */
	T_EQ_INT(run(&out, "2026-11-09T00:03:00Z", "alerts", "--send", NULL), 0);
	T_EQ_STR(out, "0 alerts raised; 0 messages sent, 0 deliveries done, 0 failed, 0 skipped, "
		      "0 pending\n");
	free(out);
	T_EQ_INT(httpd_count(&srv, NULL), 6);
	T_EQ_INT(run(&out, "2026-11-09T00:05:00Z", "alerts", NULL), 0);
	T_CONTAINS(out, "ALERT  FIRED");
	/* 18: the spike's mentions inside the window [23:05, 00:05). */
	T_CONTAINS(out, "acme-neg  acme      18  cx       delivered      1   200  at 2026-11-09T00:01:");
	T_CONTAINS(out, "off      skipped");
	T_CONTAINS(out, "webhook disabled: its url is empty");
	T_CONTAINS(out, "acme-neg  acme      negative   1h      held ");
	free(out);
}

static void
test_webhook_test(void)
{
	char *out;

	T_EQ_INT(run(&out, "2026-11-09T01:00:00Z", "alerts", "--test", "cx", NULL), 0);
	T_ASSERT(!strncmp(out, "cx (slack): HTTP 200 in ", 24));
	free(out);
	T_EQ_INT(run(&out, "2026-11-09T01:00:00Z", "alerts", "--test", "off", NULL), 1);
	T_EQ_STR(out, "off (slack): webhook off is disabled: its url is empty (is its variable "
		      "set?)\n");
	free(out);
	T_EQ_INT(httpd_routes(&srv, "route /gone/*\nstatus 404\nbody no_service\n"), 0);
	write_conf("/gone/" TOKEN);
	T_EQ_INT(run(&out, "2026-11-09T01:00:00Z", "alerts", "--test", "dc", NULL), 1);
	T_ASSERT(!strncmp(out, "dc (discord): HTTP 404 in ", 26));
	T_CONTAINS(out, " ms: no_service\n");
	free(out);
}

static void
test_broken_and_reset(void)
{
	char *out, *db = xasprintf("%s/cli.db", t_tmpdir());
	int before = httpd_count(&srv, "/gone/" TOKEN);

	/* A second spike, a day later, while discord answers 404. */
	populate(db, SPIKE_END, SPIKE_END + 86400);
	T_EQ_INT(run(&out, "2026-11-10T00:01:00Z", "alerts", "--send", NULL), 0);
	T_EQ_STR(out, "1 alert raised; 6 messages sent, 5 deliveries done, 1 failed, 1 skipped, "
		      "0 pending\n");
	free(out);
	T_EQ_INT(httpd_count(&srv, "/gone/" TOKEN), before + 1);
	T_EQ_INT(run(&out, "2026-11-10T00:02:00Z", "alerts", NULL), 0);
	T_CONTAINS(out, "dc       discord     broken          0  since 2026-11-10T00:01:0");
	T_CONTAINS(out, "Z: HTTP 404: no_service\n");
	T_CONTAINS(out, "A broken webhook gets no alerts until its url changes in feeds.conf or "
			"`earshot alerts --reset NAME`.");
	T_CONTAINS(out, "dc       failed         1   404  HTTP 404: no_service: webhook marked broken");
	free(out);
	T_EQ_INT(run(&out, "2026-11-10T00:02:00Z", "alerts", "--reset", "dc", NULL), 0);
	T_EQ_STR(out, "dc: reset; it gets alerts again\n");
	free(out);
	T_EQ_INT(run(&out, "2026-11-10T00:02:00Z", "alerts", NULL), 0);
	T_CONTAINS(out, "dc       discord     ok              0");
	free(out);
	T_EQ_INT(run(&out, "2026-11-10T00:02:00Z", "alerts", "--reset", "nope", NULL), 2);
	free(out);
	free(db);
}

static void
test_secret_nowhere(void)
{
	char *db = xasprintf("%s/cli.db", t_tmpdir());

	T_CONTAINS(buf_str(&all_output), "alert delivered");
	T_NOT_CONTAINS(buf_str(&all_output), TOKEN);
	T_NOT_CONTAINS(buf_str(&all_output), "hooks.localhost");
	T_EQ_INT(t_db_holds(db, TOKEN), 0);
	T_EQ_INT(t_db_holds(db, "hooks.localhost"), 0);
	T_ASSERT(t_db_holds(db, "refund never arrived") > 0);
	free(db);
}

int
main(void)
{
	char *db;

	if (httpd_start(&srv, NULL) != 0)
		return 1;
	buf_init(&all_output, 0);
	T_EQ_INT(httpd_routes(&srv, "route *\nstatus 200\nbody ok\n"), 0);
	conf_path = xasprintf("%s/feeds.conf", t_tmpdir());
	db = xasprintf("%s/cli.db", t_tmpdir());
	write_conf("/discord/" TOKEN);
	populate(db, T0, SPIKE_END);
	T_RUN(test_rules_before);
	T_RUN(test_backtest);
	T_RUN(test_send_once);
	T_RUN(test_webhook_test);
	T_RUN(test_broken_and_reset);
	T_RUN(test_secret_nowhere);
	httpd_stop(&srv);
	buf_free(&all_output);
	free(conf_path);
	free(db);
	return t_report();
}
