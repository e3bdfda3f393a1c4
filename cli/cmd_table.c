/* cmd_table.c - every subcommand, its usage and its help, in one table that
 * main, `earshot help` and doc/earshot.1 read. */
#include "cli/cmd.h"

#include <stddef.h>

const struct cmd cmd_table[] = {
	{ "run", cmd_run, "",
	  "the daemon: schedule, fetch, parse, store, detect, alert",
	  "Fetches every source when it is due, stores new mentions, checks the alert rules\n"
	  "after each ingest and delivers alerts.  SIGTERM or SIGINT stops it cleanly;\n"
	  "SIGHUP reloads feeds.conf (a file with errors is reported and ignored)." },
	{ "once", cmd_once, "[--all] [--source NAME]",
	  "one pass over the due sources, then exit",
	  "Fetches the sources that are due (every source with --all, or one with --source),\n"
	  "stores their mentions, runs the alert rules, and exits.  On a terminal it shows\n"
	  "progress and ends with a table per source.  Exit 0 when the pass ran, 1 when no\n"
	  "source could be fetched." },
	{ "check", cmd_check, "",
	  "validate feeds.conf and list every error with its line",
	  "Reads feeds.conf and prints every problem as FILE:LINE: message, then exits 2;\n"
	  "or prints a one-line summary and exits 0." },
	{ "parse", cmd_parse,
	  "[--format auto|rss|atom|jsonfeed|json|html] [--base URL] [--source NAME] FILE|-",
	  "parse one document and print its mentions as JSON lines",
	  "Prints one JSON object per mention with the keys guid, url, title, text, author,\n"
	  "published (ISO 8601 UTC or null) and rating (0..1 or null).  --source takes the\n"
	  "mapping or XPath selectors of that source from feeds.conf." },
	{ "sentiment", cmd_sentiment, "[--json]",
	  "score lines of text from stdin",
	  "Reads UTF-8 lines on standard input and prints, for each, COMPOUND<TAB>LABEL\n"
	  "(compound in -1..1 with 4 decimals; label positive, neutral or negative), or with\n"
	  "--json an object with compound, label, pos, neu and neg." },
	{ "query", cmd_query, "[--csv|--json] [--timeout DURATION] SQL",
	  "run read-only SQL on the store",
	  "Runs one SQL statement on the database opened read-only; writes, ATTACH, PRAGMA\n"
	  "changes and extension loading are refused.  Prints an aligned table, or CSV\n"
	  "(RFC 4180, with a header row) with --csv, or one JSON object per row with --json." },
	{ "search", cmd_search, "[--brand B] [--since D] [--limit N] [--newest] [--json] QUERY",
	  "full-text search over stored mentions",
	  "Searches titles and texts with SQLite FTS5 and prints each match with its title and\n"
	  "a snippet of its text, matched words marked (bold on a terminal, **word** when\n"
	  "piped or with --json), best match first (bm25; a title counts twice), or newest\n"
	  "first with --newest.  --since takes a duration back from now (7d) or a date\n"
	  "(2026-11-01); --limit defaults to 20.\n\n"
	  "QUERY is FTS5 syntax: words (all must match), \"a phrase\", prefix*, AND, OR, NOT\n"
	  "(upper case), NEAR(a b, 10), (groups), and title:word or text:word for one field.\n"
	  "Case and accents do not matter.  A word with other punctuation (acme.com, t-mobile,\n"
	  "@acme) is searched as the phrase of its parts.  Write NOT word, not -word (and put\n"
	  "-- before a query that starts with -).  A query that cannot be understood is\n"
	  "reported with what to write instead, and earshot exits 2." },
	{ "stats", cmd_stats, "[--days N] [--brand B] [--json]",
	  "per-brand volume and sentiment; source health",
	  "Shows, per brand, the daily volume of the last N days (default 14, today so far\n"
	  "included; UTC days) as a sparkline with the total and its change against the N days\n"
	  "before, the negative share and its change in percentage points, the average\n"
	  "sentiment and the top sources; then every source's health: ok, failing (since when,\n"
	  "how many failed fetches, the last error) or never fetched, and its mentions in the\n"
	  "last 7 days.  --json prints the same as one JSON object." },
	{ "alerts", cmd_alerts, "[--limit N] [--test WEBHOOK | --reset WEBHOOK | --send [--timeout D]]",
	  "list alerts and deliveries; send a test message",
	  "Lists the recent alerts with the state of each delivery, the rules (those still\n"
	  "warming up say how much history they have and need) and the webhooks (ok, paused\n"
	  "by a rate limit, broken, or disabled by an empty url).\n"
	  "--test WEBHOOK sends a test message and prints the HTTP outcome (exit 0 on 2xx).\n"
	  "--reset WEBHOOK clears a webhook marked broken by a 400/401/403/404/410 answer,\n"
	  "which otherwise gets no traffic until its url changes in feeds.conf.\n"
	  "--send checks every rule and source now and delivers what is pending, for at most\n"
	  "--timeout (30s), as `earshot once` does after its pass." },
	{ "detect", cmd_detect,
	  "[--window D] [--baseline D] [--threshold X] [--min-count N] [--cooldown D] [FILE|-]",
	  "run the spike detector over a timestamp,value CSV",
	  "Reads a CSV with a timestamp,value header, rows already counted per interval\n"
	  "(timestamps YYYY-MM-DD HH:MM:SS or ISO 8601, UTC unless they carry an offset),\n"
	  "from FILE or standard input, and replays the detector of the [alert] rules\n"
	  "over it, window by window.  The interval is the most common gap between rows;\n"
	  "a row counts for the interval starting at its timestamp, missing rows are zero,\n"
	  "and rows may come in any order.  Prints one line per spike:\n"
	  "  TIMESTAMP<TAB>VALUE<TAB>BASELINE<TAB>SCORE\n"
	  "TIMESTAMP is the window's last interval in ISO 8601 UTC, VALUE the window's\n"
	  "count, BASELINE the count expected in it (same time of day on earlier days\n"
	  "when there are three, else the windows before), SCORE its z-score.\n"
	  "Defaults: --window the data's interval; --baseline 7d, --threshold 3.5,\n"
	  "--min-count 5 and --cooldown 6h as for [alert].  Nothing fires until a day\n"
	  "of history (or 24 windows, at most the baseline) has been seen.\n"
	  "Exit 0 when the file was read (spikes or not), 1 for a malformed or unreadable\n"
	  "file (FILE:LINE: message), 2 for bad options." },
	{ "backtest", cmd_backtest, "[--since D] RULE",
	  "replay an alert rule over stored mentions",
	  "Replays the [alert RULE] over the stored mentions bucket by bucket, as the daemon\n"
	  "would have seen them (cooldown included), and lists each time it would have fired\n"
	  "in the last --since (30d): the window's end, its count, the usual count, the score\n"
	  "and, with share = yes, the share.  Nothing is written." },
	{ "export", cmd_export, "[--since D] [--brand B] --format csv|jsonl [-o FILE]",
	  "stream mentions as CSV or JSON lines",
	  "Writes every stored mention counted since D (a duration such as 30d, or a date),\n"
	  "of brand B, oldest first, with the columns id, source, counted_at, published_at,\n"
	  "first_seen_at, label, sentiment, rating, brands, author, lang, url, title, text and\n"
	  "guid: CSV (RFC 4180, header row, brands comma-separated) or one JSON object per line\n"
	  "(brands as an array).  Rows stream, so memory stays flat for any number of them.\n"
	  "With -o the file is removed again when the export fails." },
	{ "report", cmd_report, "--html FILE [--days N] [--brand B]",
	  "write a self-contained HTML report with charts",
	  "Writes one HTML file (inline SVG and CSS; no scripts, fonts or images from\n"
	  "elsewhere) to open in a browser, print or attach to an email.  For each brand over\n"
	  "the last N days (default 30): a daily volume chart stacked by sentiment with the\n"
	  "negative share as a line and the alerts marked, totals against the period before,\n"
	  "the alerts with their delivery state and the most negative mentions with links;\n"
	  "then the health of every source." },
	{ "rescore", cmd_rescore, "[--all]",
	  "re-run the sentiment scorer over stored mentions",
	  "Rescores mentions scored by an older version of the scorer (every mention with\n"
	  "--all)." },
	{ "db", cmd_db, "vacuum [--full] | check | rebuild | prune [--older-than D]",
	  "database maintenance",
	  "vacuum hands free pages back to the file system and truncates the WAL; --full also\n"
	  "merges the full-text index and rewrites the file (needs free disk as large as the\n"
	  "file and holds the writers off while it runs).  check runs PRAGMA integrity_check,\n"
	  "the foreign key check and the FTS5 integrity check of the full-text index against\n"
	  "the mentions, and exits 1 when it finds a problem.  rebuild rebuilds the full-text\n"
	  "index.  prune deletes mentions older than the retention of feeds.conf (or D) now,\n"
	  "in batches, as earshot run does in the background." },
	{ "help", cmd_help, "[COMMAND]",
	  "show help for earshot or one command",
	  "Shows the commands, or the usage and help of one command." },
	{ NULL, NULL, NULL, NULL, NULL },
};
