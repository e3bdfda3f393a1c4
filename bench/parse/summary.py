#!/usr/bin/python3
"""summary.py TSV - median and min-max of each tool's MB/s and mentions/s,
per file kind and over all files, from run.sh's lines:
KIND TOOL FILES BYTES MENTIONS SECONDS MB/s mentions/s."""
import collections
import statistics
import sys

runs = collections.defaultdict(list)  # (kind, tool) -> [(bytes, mentions, secs)]
for line in open(sys.argv[1]):
    kind, tool, files, size, mentions, secs = line.split("\t")[:6]
    runs[(kind, tool)].append((int(size), int(mentions), float(secs)))

kinds = sorted({k for k, _ in runs})
tools = ["earshot", "limit", "feedparser"]
reps = min(len(v) for v in runs.values())


def rates(kind, tool):
    """Per repetition: MB/s and mentions/s (kind 'all' sums the kinds)."""
    ks = [k for k in kinds if (k, tool) in runs] if kind == "all" else [kind]
    if not all((k, tool) in runs for k in ks) or not ks:
        return None
    out = []
    for i in range(reps):
        b = sum(runs[(k, tool)][i][0] for k in ks)
        m = sum(runs[(k, tool)][i][1] for k in ks)
        s = sum(runs[(k, tool)][i][2] for k in ks)
        out.append((b / s / 1e6, m / s))
    return out


def fmt(vals):
    return "%9.2f (%.2f-%.2f)" % (statistics.median(vals), min(vals), max(vals))


print("%d repetitions; median (min-max)" % reps)
for kind in kinds + ["all"]:
    print("\n%s files:" % kind)
    print("  %-11s %-26s %-30s" % ("tool", "MB/s", "mentions/s"))
    med = {}
    for tool in tools:
        r = rates(kind, tool)
        if not r:
            continue
        med[tool] = statistics.median(x[0] for x in r)
        label = tool if kind != "all" or tool != "feedparser" else "feedparser*"
        print("  %-11s %-26s %-30s" % (label, fmt([x[0] for x in r]), fmt([x[1] for x in r])))
    if "feedparser" in med and kind != "all":
        print("  earshot is %.1fx feedparser (median MB/s)" % (med["earshot"] / med["feedparser"]))
    print("  the limit is %.2fx faster than earshot (median MB/s)" % (med["limit"] / med["earshot"]))
print("\n* feedparser 6.0.10 reads no JSON Feed: its 'all' row covers the XML files only")
