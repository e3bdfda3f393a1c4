#!/usr/bin/python3
"""Texts per second of VADER's Python implementation (Debian's python3-nltk,
nltk.sentiment.vader) with our data/vader_lexicon.txt.

usage: speed_nltk.py LEXICON FILE N
Prints NAME<TAB>TEXTS<TAB>SECONDS<TAB>TEXTS_PER_SECOND, as speed.c does,
SECONDS in CPU time of the process.
"""
import os
import sys
import time

from nltk.sentiment.vader import SentimentIntensityAnalyzer


class Analyzer(SentimentIntensityAnalyzer):
    """NLTK's analyser, reading a lexicon file that ends in a newline."""

    def make_lex_dict(self):
        lex = {}
        for line in self.lexicon_file.split("\n"):
            if line.strip():
                word, measure = line.strip().split("\t")[0:2]
                lex[word] = float(measure)
        return lex


def main():
    sia = Analyzer(lexicon_file="file:" + os.path.abspath(sys.argv[1]))
    n = int(sys.argv[3])
    with open(sys.argv[2], encoding="utf-8") as f:
        texts = [next(f).rstrip("\n") for _ in range(n)]
    t0 = time.process_time()
    total = 0.0
    for t in texts:
        total += sia.polarity_scores(t)["compound"]
    secs = time.process_time() - t0
    print("nltk-vader(python)\t%d\t%.3f\t%.0f" % (n, secs, n / secs))
    print("checksum %f" % total, file=sys.stderr)


main()
