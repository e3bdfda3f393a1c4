#!/usr/bin/python3
"""VADER's Python implementation (Debian's python3-nltk) on the same files
and with the same measures as accuracy.c, for a reference measured here.

usage: nltk_accuracy.py LEXICON FILE...   (LEXICON: data/vader_lexicon.txt)
"""
import math
import os
import sys

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


def label(x):
    return 1 if x > 0.05 else -1 if x < -0.05 else 0


def run(sia, path):
    truth, score = [], []
    with open(path, encoding="utf-8", newline="") as f:
        for line in f:
            parts = line.rstrip("\r\n").split("\t", 2)
            if len(parts) != 3:
                continue
            truth.append(float(parts[1]))
            score.append(sia.polarity_scores(parts[2])["compound"])
    n = len(truth)
    hit3 = sum(label(a) == label(b) for a, b in zip(truth, score))
    both = [(a, b) for a, b in zip(truth, score) if label(a) and label(b)]
    hitbin = sum(label(a) == label(b) for a, b in both)
    mx, my = sum(truth) / n, sum(score) / n
    cov = sum((a - mx) * (b - my) for a, b in zip(truth, score))
    r = cov / math.sqrt(sum((a - mx) ** 2 for a in truth) * sum((b - my) ** 2 for b in score))
    print("%-40s rows %6d  3-class %.3f  binary %.3f (%d rows)  r %.3f  zero %.3f" % (
        os.path.basename(path), n, hit3 / n, hitbin / len(both), len(both), r,
        sum(b == 0 for b in score) / n))


def main():
    sia = Analyzer(lexicon_file="file:" + os.path.abspath(sys.argv[1]))
    for path in sys.argv[2:]:
        run(sia, path)


main()
