#!/usr/bin/python3
"""gen.py SEED COUNT OUTDIR - a deterministic corpus of feeds for the parse
benchmark: half RSS 2.0, three tenths Atom 1.0, one fifth JSON Feed 1.1,
10 to 40 items each, with the things real feeds carry: HTML in CDATA or
escaped, entities, dc:creator, content:encoded, several date forms."""
import json
import os
import random
import sys
from xml.sax.saxutils import escape

WORDS = ("acme cloud support outage refund great slow love hate order delivery app "
         "update crash price service team account login billing invoice launch "
         "feature bug fix release customer review happy angry waiting days still "
         "never always again finally thanks terrible excellent broken works").split()
NAMES = ["Ada Lovelace", "Grace Hopper", "Alan Turing", "Katherine Johnson",
         "Margaret Hamilton", "Linus", "Dana Scully", "Jo Bloggs"]
ZONES = ["GMT", "+0000", "-0500", "+0200", "EST", "PDT", "UT"]
DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def words(r, lo, hi):
    return " ".join(r.choice(WORDS) for _ in range(r.randint(lo, hi)))


def html_body(r):
    parts = []
    for _ in range(r.randint(1, 5)):
        s = words(r, 15, 60)
        k = r.random()
        if k < 0.3:
            s = s.replace(" ", " <b>", 1) + "</b>"
        elif k < 0.5:
            s += ' <a href="https://example.com/%d">more</a>' % r.randint(1, 9999)
        elif k < 0.6:
            s += " &amp; caf&eacute; &#8220;quoted&#8221;"
        parts.append("<p>%s</p>" % s)
    if r.random() < 0.2:
        parts.append("<ul>%s</ul>" % "".join("<li>%s</li>" % words(r, 2, 6) for _ in range(3)))
    return "".join(parts)


def rfc822(r, t):
    import time
    g = time.gmtime(t)
    return "%s, %02d %s %04d %02d:%02d:%02d %s" % (DAYS[g.tm_wday], g.tm_mday, MONTHS[g.tm_mon - 1],
                                                  g.tm_year, g.tm_hour, g.tm_min, g.tm_sec,
                                                  r.choice(ZONES))


def iso(t):
    import time
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))


def rss(r, n):
    out = ['<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" '
           'xmlns:dc="http://purl.org/dc/elements/1.1/" '
           'xmlns:content="http://purl.org/rss/1.0/modules/content/">\n<channel>\n'
           '<title>%s</title>\n<link>https://site%d.example.com/</link>\n'
           '<description>%s</description>\n' % (escape(words(r, 2, 5)), n, escape(words(r, 5, 12)))]
    t = 1700000000 + r.randint(0, 10**7)
    for i in range(r.randint(10, 40)):
        t -= r.randint(60, 86400)
        body = html_body(r)
        item = ["<item>\n<title>%s</title>\n" % escape(words(r, 4, 12)),
                "<link>https://site%d.example.com/post/%d?utm_source=rss</link>\n" % (n, i)]
        if r.random() < 0.8:
            item.append('<guid isPermaLink="false">site%d-%d</guid>\n' % (n, i))
        item.append("<pubDate>%s</pubDate>\n" % rfc822(r, t))
        if r.random() < 0.6:
            item.append("<dc:creator>%s</dc:creator>\n" % r.choice(NAMES))
        if r.random() < 0.5:
            item.append("<description><![CDATA[%s]]></description>\n" % body)
        else:
            item.append("<description>%s</description>\n" % escape(body))
        if r.random() < 0.3:
            item.append("<content:encoded><![CDATA[%s%s]]></content:encoded>\n" % (body, html_body(r)))
        item.append("</item>\n")
        out.append("".join(item))
    out.append("</channel>\n</rss>\n")
    return "".join(out)


def atom(r, n):
    out = ['<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">\n'
           '<title>%s</title>\n<link href="https://blog%d.example.org/"/>\n'
           '<id>tag:blog%d.example.org,2024:feed</id>\n<updated>2024-01-01T00:00:00Z</updated>\n'
           % (escape(words(r, 2, 5)), n, n)]
    t = 1700000000 + r.randint(0, 10**7)
    for i in range(r.randint(10, 40)):
        t -= r.randint(60, 86400)
        ctype = r.choice(["html", "html", "xhtml", "text"])
        if ctype == "html":
            content = escape(html_body(r))
        elif ctype == "xhtml":
            content = '<div xmlns="http://www.w3.org/1999/xhtml">%s</div>' % html_body(r).replace("&eacute;", "e").replace("&#8220;", "").replace("&#8221;", "")
        else:
            content = escape(words(r, 20, 80))
        out.append('<entry>\n<title>%s</title>\n<id>tag:blog%d.example.org,2024:%d</id>\n'
                   '<link rel="alternate" type="text/html" href="/posts/%d"/>\n'
                   '<published>%s</published>\n<updated>%s</updated>\n'
                   '<author><name>%s</name></author>\n<content type="%s">%s</content>\n</entry>\n'
                   % (escape(words(r, 4, 12)), n, i, i, iso(t), iso(t + 3600), r.choice(NAMES),
                      ctype, content))
    out.append("</feed>\n")
    return "".join(out)


def jsonfeed(r, n):
    items = []
    t = 1700000000 + r.randint(0, 10**7)
    for i in range(r.randint(10, 40)):
        t -= r.randint(60, 86400)
        it = {"id": "https://json%d.example.net/%d" % (n, i),
              "url": "https://json%d.example.net/%d" % (n, i),
              "title": words(r, 4, 12),
              "date_published": iso(t),
              "authors": [{"name": r.choice(NAMES)}]}
        if r.random() < 0.7:
            it["content_html"] = html_body(r)
        else:
            it["content_text"] = words(r, 20, 80)
        items.append(it)
    return json.dumps({"version": "https://jsonfeed.org/version/1.1", "title": words(r, 2, 5),
                       "home_page_url": "https://json%d.example.net/" % n, "items": items},
                      ensure_ascii=False, indent=1)


def main():
    seed, count, outdir = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    r = random.Random(seed)
    os.makedirs(outdir, exist_ok=True)
    for n in range(count):
        k = n % 10
        if k < 5:
            name, body = "f%04d.rss.xml" % n, rss(r, n)
        elif k < 8:
            name, body = "f%04d.atom.xml" % n, atom(r, n)
        else:
            name, body = "f%04d.json" % n, jsonfeed(r, n)
        with open(os.path.join(outdir, name), "w", encoding="utf-8") as f:
            f.write(body)


main()
