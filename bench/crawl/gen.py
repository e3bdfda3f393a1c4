#!/usr/bin/env python3
"""gen.py - the benchmark's feeds, the same every time for one seed.

   gen.py OUT PORT [--feeds 1000] [--hosts 50] [--seed 7]

Writes OUT/www/hNN/feed-NNNN.{xml,atom,json} (RSS 2.0, Atom 1.0 and JSON
Feed 1.1 in turn, 20-50 items each, about 1 KB per item), and the lists of
their URLs http://hNN.localhost:PORT/hNN/feed-NNNN.EXT that every peer reads:
OUT/urls.txt (one a line), OUT/urls.curl (a curl -K config), OUT/feeds.conf
(sources for earshot, without the [earshot] section).  Prints the number
of feeds, items and bytes.  Every name under .localhost resolves to
127.0.0.1 in libcurl, so no resolver setup is needed."""
import json, os, random, sys
from xml.sax.saxutils import escape

WORDS = ("acme cloud outage login support refund great terrible slow fast app update "
         "crash billing invoice love hate price service team delivery late broken fixed "
         "account password email phone store review rating battery screen order "
         "customer agent chat wait hours days thanks finally again never always").split()

def sentence(r, n):
    return " ".join(r.choice(WORDS) for _ in range(n)).capitalize() + "."

def item(r, f, i):
    return {
        "id": "tag:bench.example,2026:f%04d-i%03d" % (f, i),
        "url": "https://bench.example/f%04d/%03d" % (f, i),
        "title": sentence(r, r.randint(5, 12)),
        "text": " ".join(sentence(r, r.randint(8, 20)) for _ in range(r.randint(4, 9))),
        "author": "user%d" % r.randint(1, 5000),
        "day": r.randint(1, 28), "hour": r.randint(0, 23), "min": r.randint(0, 59),
    }

def rss(f, items):
    out = ['<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel>',
           "<title>Feed %d</title><link>https://bench.example/f%04d</link>" % (f, f),
           "<description>bench</description>"]
    for it in items:
        out.append("<item><guid>%s</guid><title>%s</title><link>%s</link><description>%s"
                   "</description><author>%s</author><pubDate>Mon, %02d Nov 2026 %02d:%02d:00 GMT"
                   "</pubDate></item>" % (it["id"], escape(it["title"]), it["url"],
                   escape(it["text"]), it["author"], it["day"], it["hour"], it["min"]))
    out.append("</channel></rss>\n")
    return "\n".join(out)

def atom(f, items):
    out = ['<?xml version="1.0" encoding="UTF-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">',
           "<title>Feed %d</title><id>tag:bench.example,2026:f%04d</id>"
           "<updated>2026-11-20T00:00:00Z</updated>" % (f, f)]
    for it in items:
        out.append("<entry><id>%s</id><title>%s</title><link href=\"%s\"/><summary>%s</summary>"
                   "<author><name>%s</name></author><updated>2026-11-%02dT%02d:%02d:00Z</updated>"
                   "</entry>" % (it["id"], escape(it["title"]), it["url"], escape(it["text"]),
                   it["author"], it["day"], it["hour"], it["min"]))
    out.append("</feed>\n")
    return "\n".join(out)

def jsonfeed(f, items):
    return json.dumps({
        "version": "https://jsonfeed.org/version/1.1", "title": "Feed %d" % f,
        "items": [{"id": it["id"], "url": it["url"], "title": it["title"],
                   "content_text": it["text"], "authors": [{"name": it["author"]}],
                   "date_published": "2026-11-%02dT%02d:%02d:00Z" % (it["day"], it["hour"], it["min"])}
                  for it in items]}, indent=1) + "\n"

def main():
    args = sys.argv[1:]
    out, port = args[0], int(args[1])
    opt = dict(zip(args[2::2], args[3::2]))
    nfeeds, nhosts = int(opt.get("--feeds", 1000)), int(opt.get("--hosts", 50))
    r = random.Random(int(opt.get("--seed", 7)))
    kinds = (("xml", rss), ("atom", atom), ("json", jsonfeed))
    urls, nitems, nbytes = [], 0, 0
    for f in range(nfeeds):
        host = "h%02d" % (f % nhosts)
        ext, fn = kinds[f % 3]
        items = [item(r, f, i) for i in range(r.randint(20, 50))]
        d = os.path.join(out, "www", host)
        os.makedirs(d, exist_ok=True)
        body = fn(f, items).encode()
        with open(os.path.join(d, "feed-%04d.%s" % (f, ext)), "wb") as fp:
            fp.write(body)
        urls.append("http://%s.localhost:%d/%s/feed-%04d.%s" % (host, port, host, f, ext))
        nitems += len(items)
        nbytes += len(body)
    with open(os.path.join(out, "urls.txt"), "w") as fp:
        fp.write("\n".join(urls) + "\n")
    with open(os.path.join(out, "urls.curl"), "w") as fp:
        fp.writelines('url = "%s"\noutput = "/dev/null"\n' % u for u in urls)
    with open(os.path.join(out, "feeds.conf"), "w") as fp:
        fp.writelines("[source f%04d]\nurl = %s\n" % (i, u) for i, u in enumerate(urls))
    print("feeds=%d items=%d bytes=%d" % (nfeeds, nitems, nbytes))

main()
