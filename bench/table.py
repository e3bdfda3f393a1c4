#!/usr/bin/python3
"""table.py RESULTS META - the suite's table, in Markdown, from the lines of
bench/out/results.tsv (ROW SIZE TOOL REP METRIC VALUE) and bench/out/meta.txt.

A figure is the median over repetitions with the min-max beside it.  A
ratio is paired: earshot's figure divided by the other's in the same
repetition, then the median of those (a busy machine moves both of a
pair alike, so this disturbs less than the figures themselves).  How each
cost grows is the cost per unit (per feed, per text, per mention...) at the
largest size over that at the smallest: near 1 is linear."""
import collections
import statistics
import sys

data = collections.defaultdict(dict)  # (row, size, tool, metric) -> {rep: value}
for line in open(sys.argv[1]):
    f = line.rstrip("\n").split("\t")
    if len(f) != 6:
        continue
    row, size, tool, rep, metric, value = f
    try:
        data[(row, size, tool, metric)][rep] = float(value)
    except ValueError:
        pass
meta = {}
for line in open(sys.argv[2]):
    k, _, v = line.rstrip("\n").partition("\t")
    meta[k] = v


def sizes(row, tool, metric):
    """Numeric sizes that have this tool and metric, smallest first."""
    out = []
    for (r, s, t, m) in data:
        if r == row and t == tool and m == metric:
            try:
                out.append(int(s))
            except ValueError:
                pass
    return sorted(set(out))


def main_size(row):
    s = sizes(row, "earshot", "_any_") or [int(s) for (r, s, t, m) in data
                                            if r == row and s.isdigit()]
    return str(max(s)) if s else None


def vals(row, size, tool, metric):
    return data.get((row, str(size), tool, metric), {})


def med(v):
    return statistics.median(v.values()) if v else None


def num(x, digits=None):
    if x is None:
        return "–"
    if digits is None:
        digits = 0 if abs(x) >= 100 else 1 if abs(x) >= 10 else 2 if abs(x) >= 1 else 3
    return f"{x:,.{digits}f}"


def fig(row, size, tool, metric, digits=None, unit=""):
    v = vals(row, size, tool, metric)
    if not v:
        return "–"
    if len(v) == 1:
        return num(med(v), digits) + unit
    return "%s%s (%s–%s)" % (num(med(v), digits), unit, num(min(v.values()), digits),
                             num(max(v.values()), digits))


def paired(row, size, a, am, b, bm, invert=False):
    """Median over repetitions of a/b (b/a when invert), with min-max."""
    va, vb = vals(row, size, a, am), vals(row, size, b, bm)
    rs = [(vb[k] / va[k] if invert else va[k] / vb[k]) for k in va if k in vb and vb[k] and va[k]]
    if not rs:
        return None, "–"
    m = statistics.median(rs)
    txt = num(m) + "×"
    if len(rs) > 1:
        txt += " (%s–%s)" % (num(min(rs)), num(max(rs)))
    return m, txt


def faster(r, t):
    """'N× faster', or, below 1, how many times as long earshot takes."""
    if r is None:
        return "–"
    if r >= 1:
        return t + " faster"
    return "slower: earshot takes %s× as long" % num(1 / r)


def verdict(ok):
    return "–" if ok is None else "**met**" if ok else "**not met**"


lines = []
out = lines.append
out("# earshot benchmark suite")
out("")
out("%s, commit %s, `%s`%s." % (meta.get("date", "?"), meta.get("commit", "?"),
                                meta.get("command", "bench/run").strip(),
                                " (QUICK: sizes too small to mean anything)" if meta.get("quick") == "1" else ""))
out("Machine: %s cores, %s, %s; SQLite %s; load average during the run %s." % (
    meta.get("cores", "?"), meta.get("cpu", "?"), meta.get("memory", "?"), meta.get("sqlite", "?"),
    meta.get("load", "?")))
out("")
out("Figures: median (min–max) over repetitions; ratios paired per repetition.")
out("")
out("| work | earshot | peer or limit, same run | ratio | goal | |")
out("|---|---|---|---|---|---|")

# parse
n = main_size("parse")
if n:
    e = fig("parse", n, "earshot", "mb_s", unit=" MB/s") + ", " + fig("parse", n, "earshot", "mentions_s", unit=" mentions/s")
    r1, t1 = paired("parse", n, "earshot", "mb_s_xml", "feedparser", "mb_s_xml")
    r2, t2 = paired("parse", n, "earshot-paired", "mb_s", "limit", "mb_s", invert=True)
    out("| parse %s feeds from memory, 1 core | %s | python3-feedparser (RSS and Atom only): %s | %s (on RSS and Atom: %s MB/s) | ≥ 30× | %s |" % (
        n, e, fig("parse", n, "feedparser", "mb_s_xml", unit=" MB/s"), faster(r1, t1),
        num(med(vals("parse", n, "earshot", "mb_s_xml"))), verdict(None if r1 is None else r1 >= 30)))
    out("| | | limit, bare xmlReader walk + cJSON parse, alternating file by file with earshot: %s against earshot's %s | limit is %s faster | ≤ 3× | %s |" % (
        fig("parse", n, "limit", "mb_s", unit=" MB/s"), fig("parse", n, "earshot-paired", "mb_s", unit=" MB/s"),
        t2, verdict(None if r2 is None else r2 <= 3)))

# crawl
n = main_size("crawl")
if n:
    e = "%s s wall (%s s CPU), %s feeds/s, %s mentions/s, %s MiB" % (
        fig("crawl", n, "earshot-cold", "wall_s"), num(med(vals("crawl", n, "earshot-cold", "cpu_s"))), num(med(vals("crawl", n, "earshot-cold", "feeds_s"))),
        num(med(vals("crawl", n, "earshot-cold", "mentions_s"))), num(med(vals("crawl", n, "earshot-cold", "rss_mib"))))
    r1, t1 = paired("crawl", n, "earshot-cold", "wall_s", "newsboat", "wall_s", invert=True)
    r2, t2 = paired("crawl", n, "earshot-cold", "wall_s", "node-rss-parser", "wall_s", invert=True)
    out("| crawl %s feeds on loopback nginx, cold, every mention stored | %s | newsboat -x reload, 16 threads: %s s, %s MiB | %s | ≥ 10× | %s |" % (
        n, e, fig("crawl", n, "newsboat", "wall_s"), num(med(vals("crawl", n, "newsboat", "rss_mib"))), faster(r1, t1),
        verdict(None if r1 is None else r1 >= 10)))
    out("| | | node rss-parser, 16 in flight, stores nothing: %s s, %s MiB | %s | ≥ 2× | %s |" % (
        fig("crawl", n, "node-rss-parser", "wall_s"), num(med(vals("crawl", n, "node-rss-parser", "rss_mib"))), faster(r2, t2),
        verdict(None if r2 is None else r2 >= 2)))
    r3, t3 = paired("crawl", n, "earshot-warm", "wall_s", "curl", "wall_s")
    out("| crawl %s feeds, warm (all 304) | %s s, %s MiB | limit, curl --parallel-max 16: %s s | earshot takes %s curl's time | ≤ 3× | %s |" % (
        n, fig("crawl", n, "earshot-warm", "wall_s"), num(med(vals("crawl", n, "earshot-warm", "rss_mib"))),
        fig("crawl", n, "curl", "wall_s"), t3, verdict(None if r3 is None else r3 <= 3)))
    rss = [v for t in ("earshot-cold", "earshot-warm") for v in vals("crawl", n, t, "rss_mib").values()]
    out("| crawl peak RSS, cold and warm | %s MiB (largest) | | | < 64 MiB | %s |" % (
        num(max(rss)) if rss else "–", verdict(max(rss) < 64 if rss else None)))

# sentiment
n = main_size("sentiment")
if n:
    e = fig("sentiment", n, "earshot", "texts_s", unit=" texts/s")
    ev = med(vals("sentiment", n, "earshot", "texts_s"))
    out("| sentiment of %s short texts, 1 core (CPU time) | %s | | | ≥ 300,000/s | %s |" % (
        num(float(n)), e, verdict(None if ev is None else ev >= 300000)))
    for tool, label, goal in (("vader-python", "VADER's Python (NLTK)", 20),
                              ("npm-sentiment", "npm sentiment (AFINN)", None),
                              ("npm-vader-sentiment", "npm vader-sentiment", None),
                              ("tokenise-only", "limit, a loop that only tokenises", None)):
        r, t = paired("sentiment", n, "earshot", "texts_s", tool, "texts_s")
        texts = med(vals("sentiment", n, tool, "texts"))
        out("| | | %s%s: %s texts/s | %s | %s | %s |" % (
            label, " (first %s texts)" % num(texts) if texts and str(int(texts)) != n else "",
            fig("sentiment", n, tool, "texts_s"), faster(r, t) if tool != "tokenise-only" else
            "the limit is %s× faster" % num(1 / r) if r else "–", "≥ 20×" if goal else "",
            verdict(None if goal is None or r is None else r >= goal)))

# match
if vals("match", "300 B", "earshot", "ns_mention"):
    ev = med(vals("match", "300 B", "earshot", "ns_mention"))
    r, t = paired("match", "300 B", "earshot", "ns_mention", "memchr", "ns_mention")
    out("| match 50 brands × 5 terms, 300-byte mentions, 1M mentions (CPU time) | %s ns/mention | limit, memchr over the same bytes: %s ns | memchr is %s faster | < 1,000 ns | %s |" % (
        fig("match", "300 B", "earshot", "ns_mention"), fig("match", "300 B", "memchr", "ns_mention"),
        t, verdict(ev < 1000)))

# ingest
n = main_size("ingest")


def pct(row, size, a, b):
    va, vb = vals(row, size, a, "mentions_s"), vals(row, size, b, "mentions_s")
    rs = [va[k] / vb[k] for k in va if k in vb and vb[k]]
    if not rs:
        return None, "–"
    txt = "%.0f%%" % (100 * statistics.median(rs))
    if len(rs) > 1:
        txt += " (%.0f–%.0f%%)" % (100 * min(rs), 100 * max(rs))
    return statistics.median(rs), txt


if n:
    r, t = pct("ingest", n, "earshot", "raw")
    out("| ingest %s mentions end to end: parse + match + score + store, database on disk | %s mentions/s | limit, raw batched INSERT of the same rows into the same schema: %s rows/s | %s of the limit | ≥ 50%% | %s |" % (
        num(float(n)), fig("ingest", n, "earshot", "mentions_s"), fig("ingest", n, "raw", "mentions_s"),
        t, verdict(None if r is None else r >= 0.5)))
    cr = [vals("ingest", n, t, "cpu_s") for t in ("earshot", "raw")]
    rs = [cr[1][k] / cr[0][k] for k in cr[0] if k in cr[1] and cr[0][k]]
    if rs:
        out("| | in CPU time: %s s | %s s | %.0f%% of the limit | | |" % (
            fig("ingest", n, "earshot", "cpu_s"), fig("ingest", n, "raw", "cpu_s"),
            100 * statistics.median(rs)))

# detect
if vals("detect", "100", "earshot", "cpu_s"):
    ev = med(vals("detect", "100", "earshot", "cpu_s"))
    out("| spike detection, a year of hourly counts for 100 brands | %s s CPU (%s s wall) | | | < 1 s | %s |" % (
        fig("detect", "100", "earshot", "cpu_s"), num(med(vals("detect", "100", "earshot", "wall_s"))),
        verdict(ev < 1)))

# idle
n = main_size("idle")
if n:
    ev = med(vals("idle", n, "earshot", "rss_mib"))
    out("| idle `earshot run` with %s sources | %s MiB RSS (peak %s MiB, %s%% CPU idle, started in %s s) | | | < 32 MiB | %s |" % (
        num(float(n)), fig("idle", n, "earshot", "rss_mib"), num(med(vals("idle", n, "earshot", "hwm_mib"))),
        num(med(vals("idle", n, "earshot", "idle_cpu_pct"))), num(med(vals("idle", n, "earshot", "startup_s"))),
        verdict(None if ev is None else ev < 32)))

# How the costs grow.
out("")
out("## How each cost grows")
out("")
out("Cost per unit at each size (median); the last column is the cost per unit at the largest size over that at the smallest: 1.0 is linear, below 1 the fixed costs spread, above 1 worse than linear.")
out("")
out("| work | unit | sizes | time per unit | growth | memory | growth |")
out("|---|---|---|---|---|---|---|")


def growth(row, tool, tmetric, unit_scale, unit, mmetric=None, mscale=None, per_unit_mem=False, label=None):
    ss = sizes(row, tool, tmetric)
    if len(ss) < 2:
        return
    per = [med(vals(row, s, tool, tmetric)) * unit_scale / s for s in ss]
    g = per[-1] / per[0] if per[0] else None
    mem, mg = "", ""
    if mmetric:
        ms = [med(vals(row, s, tool, mmetric)) for s in ss]
        if all(m is not None for m in ms):
            if per_unit_mem:
                mp = [m * mscale / s for m, s in zip(ms, ss)]
                mem = " / ".join(num(x) for x in mp)
                mg = "%.2f" % (mp[-1] / mp[0]) if mp[0] else ""
            else:
                mem = " / ".join(num(x) for x in ms) + " MiB"
                mg = "flat" if max(ms) < 1.25 * min(ms) else "%.2f× over %.0f× the size" % (ms[-1] / ms[0], ss[-1] / ss[0])
    out("| %s | %s | %s | %s | %s | %s | %s |" % (
        label or row, unit, " / ".join(num(float(s)) for s in ss), " / ".join(num(x) for x in per),
        "%.2f" % g if g else "–", mem, mg))


growth("parse", "earshot", "cpu_s", 1e6, "µs CPU per feed", "extra_rss_mib", None, label="parse (earshot)")
growth("parse", "limit", "cpu_s", 1e6, "µs CPU per feed", label="parse (limit)")
growth("crawl", "earshot-cold", "wall_s", 1e3, "ms wall per feed", "rss_mib", label="crawl cold (earshot)")
growth("sentiment", "earshot", "cpu_s", 1e6, "µs CPU per text", label="sentiment (earshot)")
growth("ingest", "earshot", "wall_s", 1e6, "µs wall per mention; DB KiB per mention", "db_mib", 1024, True, label="ingest (earshot)")
growth("ingest", "earshot", "wall_s", 1e6, "µs wall per mention; peak RSS", "rss_mib", label="ingest (earshot)")
growth("ingest", "raw", "wall_s", 1e6, "µs wall per row", label="ingest (limit)")
growth("detect", "earshot", "cpu_s", 1e3, "ms CPU per brand-year", label="detect (earshot)")
ss = sizes("idle", "earshot", "rss_mib")
if len(ss) >= 2:
    ms = [med(vals("idle", s, "earshot", "rss_mib")) for s in ss]
    steps = [(ms[i + 1] - ms[i]) * 1024 / (ss[i + 1] - ss[i]) for i in range(len(ss) - 1)]
    out("| idle daemon | RSS: MiB, then KiB per added source | %s | | | %s MiB; %s KiB per source | linear: %s MiB + sources × %s KiB |" % (
        " / ".join(num(float(s)) for s in ss), " / ".join(num(m) for m in ms),
        " / ".join(num(x) for x in steps), num(ms[0] - steps[-1] * ss[0] / 1024),
        num(statistics.median(steps))))
growth("alerts", "earshot", "check_ms", 1e3, "µs CPU per stored mention, for one rules_check", label="alert rules (earshot)")
ms = [s for s in ("100 B", "300 B", "1000 B") if vals("match", s, "earshot", "ns_mention")]
if len(ms) >= 2:
    per = [med(vals("match", s, "earshot", "ns_mention")) / int(s.split()[0]) for s in ms]
    out("| match (earshot) | ns CPU per byte | %s | %s | %.2f | | |" % (
        " / ".join(ms), " / ".join(num(x) for x in per), per[-1] / per[0]))

# Side measurements: every other line, as measured.
out("")
out("## Other lines of the same run")
out("")
out("| work | size | what | figures |")
out("|---|---|---|---|")
seen = set()
for (row, size, tool, metric) in sorted(data):
    if (row, size, tool) in seen:
        continue
    seen.add((row, size, tool))
    if row == "crawl" and tool in ("earshot-cold-tmpfs", "earshot-cold-polite"):
        what = {"earshot-cold-tmpfs": "earshot once --all, cold, database on /dev/shm",
                "earshot-cold-polite": "earshot once --all, cold, default politeness (per_host 2, host_delay 1s)"}[tool]
        out("| crawl | %s feeds | %s | %s s, %s mentions/s, %s MiB |" % (
            size, what, fig(row, size, tool, "wall_s"), num(med(vals(row, size, tool, "mentions_s"))),
            num(med(vals(row, size, tool, "rss_mib")))))
    elif row == "ingest" and "study" in size:
        out("| ingest | %s mentions | %s | %s mentions/s, %s s CPU, database %s MiB |" % (
            size.split()[0], tool, fig(row, size, tool, "mentions_s"), num(med(vals(row, size, tool, "cpu_s"))),
            num(med(vals(row, size, tool, "db_mib")))))
    elif row == "match" and "brands" in size and tool == "earshot":
        out("| match | %s | earshot (memchr) | %s ns/mention (%s ns), %s%% of mentions matched |" % (
            size, fig(row, size, tool, "ns_mention"), num(med(vals(row, size, "memchr", "ns_mention"))),
            num(med(vals(row, size, tool, "matched_pct")))))
    elif row == "detect" and tool == "earshot-detect-csv":
        out("| detect | %s CSV files | earshot detect, one process each | %s s wall |" % (size, fig(row, size, tool, "wall_s")))
    elif row == "alerts" and metric == "check_ms":
        out("| alerts | %s mentions of one brand over 8 days | rules_check (CPU), evidence of a firing (CPU) | %s ms, %s ms |" % (
            size, fig(row, size, tool, "check_ms"), fig(row, size, tool, "evidence_ms")))
    elif row == "idle" and tool == "earshot-once":
        out("| idle | %s sources | earshot once --all to fill the store | %s s, %s MiB |" % (
            size, fig(row, size, tool, "wall_s"), num(med(vals(row, size, tool, "rss_mib")))))
secs = ", ".join("%s %s s" % (k[8:], v) for k, v in meta.items() if k.startswith("seconds_"))
out("")
out("Time per row: %s." % secs)
print("\n".join(lines))
