#!/usr/bin/python3
"""compare.py EARSHOT DIR [-v] - `earshot parse` against python3-feedparser,
field by field, on every feed in DIR (files feedparser cannot read, such as
JSON Feed for feedparser 6.0.10, are counted but not compared).

Entries are paired by position when both sides found the same number, else
by id, then by link.  Both sides are normalised the same way before they
are compared: HTML reduced to its text, entities decoded, whitespace
folded, links made canonical (scheme and host lower-cased, fragment and
utm_* parameters dropped), dates as ISO 8601 UTC.  Prints, per field, how
many pairs agree, and with -v the first disagreements."""
import calendar
import html
import html.parser
import json
import os
import re
import subprocess
import sys
import time
import urllib.parse
import warnings

import feedparser

warnings.simplefilter("ignore")
FIELDS = ["guid", "url", "title", "text", "author", "published"]


class _Text(html.parser.HTMLParser):
    SKIP = {"script", "style", "noscript", "template", "svg"}
    BLOCK = {"p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "td",
             "th", "table", "blockquote", "pre", "hr", "section", "article", "header", "footer",
             "dd", "dt", "dl", "figure", "figcaption", "img", "main", "nav", "aside", "form"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.out, self.skip = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self.skip += 1
        elif tag in self.BLOCK:
            self.out.append(" ")

    def handle_endtag(self, tag):
        if tag in self.SKIP:
            self.skip = max(0, self.skip - 1)
        elif tag in self.BLOCK:
            self.out.append(" ")

    def handle_data(self, data):
        if not self.skip:
            self.out.append(data)


def fold(s):
    return re.sub(r"[\s\u00a0]+", " ", s or "").strip() or None


def text_of(s):
    if s is None:
        return None
    p = _Text()
    p.feed(s)
    p.close()
    return fold("".join(p.out))


def canon(url):
    if not url:
        return None
    try:
        u = urllib.parse.urlsplit(url.strip())
    except ValueError:
        return url.strip()
    if u.scheme.lower() not in ("http", "https"):
        return url.strip()
    q = "&".join(p for p in u.query.split("&") if p and not p.lower().startswith("utm_"))
    netloc = u.netloc.lower()
    if (u.scheme.lower(), netloc.rsplit(":", 1)[-1]) in (("http", "80"), ("https", "443")):
        netloc = netloc.rsplit(":", 1)[0]
    return urllib.parse.urlunsplit((u.scheme.lower(), netloc, u.path or "/", q, ""))


def iso(st):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(calendar.timegm(st))) if st else None


def plain(detail, value):
    """feedparser's value as text: HTML reduced, plain text only folded."""
    if value is None:
        return None
    if (detail or {}).get("type", "text/html") == "text/plain":
        return fold(value)
    return text_of(value)


def fp_entry(e):
    content = e.get("content")
    if content:
        text = plain(content[0], content[0].get("value"))
    else:
        text = plain(e.get("summary_detail"), e.get("summary"))
    detail = e.get("author_detail") or {}
    return {
        "guid": fold(e.get("id")),
        "url": canon(e.get("link")),
        "title": plain(e.get("title_detail"), e.get("title")),
        "text": text,
        "author": fold(detail.get("name") or detail.get("email") or e.get("author")),
        "published": iso(e.get("published_parsed") or e.get("updated_parsed")),
    }


def es_entry(m):
    return {"guid": m["guid"], "url": canon(m["url"]), "title": m["title"], "text": m["text"],
            "author": m["author"], "published": m["published"]}


def pair(fps, ess):
    if len(fps) == len(ess):
        return list(zip(fps, ess))
    by_guid = {e["guid"]: e for e in ess}
    by_url = {e["url"]: e for e in ess if e["url"]}
    out = []
    for f in fps:
        e = by_guid.get(f["guid"]) or by_url.get(f["url"])
        if e:
            out.append((f, e))
    return out


def main():
    earshot, folder = sys.argv[1], sys.argv[2]
    verbose = "-v" in sys.argv[3:]
    agree = {f: 0 for f in FIELDS}
    total = {f: 0 for f in FIELDS}
    examples = {f: [] for f in FIELDS}
    files = sorted(os.path.join(folder, n) for n in os.listdir(folder))
    counts = {"files": 0, "unread_by_feedparser": 0, "failed_earshot": 0,
              "entries_feedparser": 0, "entries_earshot": 0, "pairs": 0}
    for path in files:
        if not os.path.isfile(path):
            continue
        counts["files"] += 1
        with open(path, "rb") as f:
            data = f.read()
        fp = feedparser.parse(data)
        run = subprocess.run([earshot, "parse", path], capture_output=True)
        if run.returncode != 0:
            counts["failed_earshot"] += 1
        ess = [es_entry(json.loads(line)) for line in run.stdout.decode().splitlines() if line]
        counts["entries_earshot"] += len(ess)
        if not fp.entries and not fp.version:
            counts["unread_by_feedparser"] += 1
            continue
        fps = [fp_entry(e) for e in fp.entries]
        counts["entries_feedparser"] += len(fps)
        pairs = pair(fps, ess)
        counts["pairs"] += len(pairs)
        for f, e in pairs:
            for k in FIELDS:
                if f[k] is None and k == "guid":
                    continue  # feedparser has no id: earshot makes one
                total[k] += 1
                if f[k] == e[k]:
                    agree[k] += 1
                elif len(examples[k]) < 5:
                    examples[k].append((os.path.basename(path), f[k], e[k]))
    print("  ".join("%s=%d" % kv for kv in counts.items()))
    for k in FIELDS:
        pct = 100.0 * agree[k] / total[k] if total[k] else 0.0
        print("%-10s %6d / %-6d agree (%5.1f%%)" % (k, agree[k], total[k], pct))
    if verbose:
        for k in FIELDS:
            for name, f, e in examples[k]:
                print("\n[%s] %s\n  feedparser: %r\n  earshot:    %r" % (k, name, f, e))


main()
