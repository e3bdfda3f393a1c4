#!/usr/bin/python3
"""speed_feedparser.py LOOPS FILE... - python3-feedparser over preloaded
files; prints "feedparser KIND FILES BYTES ENTRIES SECONDS" with SECONDS
in CPU time of this process, as speed.c measures.  NOTE:
Debian 12's feedparser 6.0.10 reads no JSON Feed (that came in 6.1), so
run.sh gives it the RSS and Atom files only."""
import sys
import time
import warnings

import feedparser

warnings.simplefilter("ignore")


def main():
    loops = int(sys.argv[1])
    docs = []
    for path in sys.argv[2:]:
        with open(path, "rb") as f:
            docs.append(f.read())
    size = sum(len(d) for d in docs) * loops
    entries = 0
    t0 = time.process_time()
    for _ in range(loops):
        for d in docs:
            entries += len(feedparser.parse(d).entries)
    dt = time.process_time() - t0
    print("feedparser\txml\t%d\t%d\t%d\t%.4f" % (len(docs) * loops, size, entries, dt))


main()
