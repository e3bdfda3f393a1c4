#!/usr/bin/python3
"""Writes N tweet-length texts (one a line) generated from a seed, for the
speed benchmark: the same seed gives the same bytes on every machine.

usage: gen.py SEED N LEXICON EMOJI > texts.txt
  LEXICON  data/vader_lexicon.txt   (sentiment words: about one word in six)
  EMOJI    data/emoji_utf8_lexicon.txt
Texts are 60..200 bytes (mean about 130): plain words, some sentiment
words, negations, boosters, a mention or a hashtag, sometimes ALL CAPS,
"!", "?", an emoticon or an emoji.
"""
import sys

NEUTRAL = ("the a an to of and in is it for on that this with was my i you at be "
           "have from just they we but not so are me what your all can if out about "
           "up get like when one time will more there now do how new no our today "
           "order app phone update account support store delivery service team "
           "product price customer week day year people back after still again "
           "really very never would could should been their them some any first "
           "last next call email package box screen battery login page site").split()
BOOST = "very really so extremely kind of barely totally quite".split()
NEG = "not never no don't isn't wasn't can't won't".split()
EMOTICON = ":) :( :D ;) :/ <3 :P".split()


class Rng:
    """xorshift64*: small, fast, the same everywhere."""

    def __init__(self, seed):
        self.s = (seed * 2685821657736338717 + 1) & (2**64 - 1) or 1

    def next(self):
        s = self.s
        s ^= s >> 12
        s ^= (s << 25) & (2**64 - 1)
        s ^= s >> 27
        self.s = s
        return (s * 2685821657736338717) & (2**64 - 1)

    def below(self, n):
        return (self.next() >> 11) % n

    def pick(self, seq):
        return seq[self.below(len(seq))]


def words_of(path, single_word):
    out = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            key = line.split("\t", 1)[0]
            if not single_word or (key.isalpha() and key.islower()):
                out.append(key)
    return out


def text(rng, senti, emoji):
    target = 60 + rng.below(141)
    parts = []
    size = 0
    while size < target:
        r = rng.below(100)
        if r < 62:
            w = rng.pick(NEUTRAL)
        elif r < 78:
            w = rng.pick(senti)
        elif r < 83:
            w = rng.pick(BOOST)
        elif r < 87:
            w = rng.pick(NEG)
        elif r < 89:
            w = "@" + rng.pick(NEUTRAL) + str(rng.below(100))
        elif r < 91:
            w = "#" + rng.pick(NEUTRAL)
        elif r < 93:
            w = rng.pick(EMOTICON)
        elif r < 95:
            w = rng.pick(emoji)
        elif r < 97:
            w = rng.pick(senti).upper()
        else:
            w = rng.pick(NEUTRAL) + rng.pick([",", ".", "!", "?", "!!!", "..."])
        parts.append(w)
        size += len(w.encode("utf-8")) + 1
    s = " ".join(parts)
    if rng.below(4) == 0:
        s = s[0].upper() + s[1:] + "."
    return s


def main():
    seed, n = int(sys.argv[1]), int(sys.argv[2])
    senti = words_of(sys.argv[3], True)
    emoji = words_of(sys.argv[4], False)
    rng = Rng(seed)
    out = sys.stdout
    for _ in range(n):
        out.write(text(rng, senti, emoji))
        out.write("\n")


main()
