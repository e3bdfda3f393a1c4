#!/bin/sh
# run.sh - the sentiment benchmarks, by hand (never in ctest).
#
#   bench/sentiment/run.sh accuracy      accuracy on ../shared/data/sentiment-dev,
#                                        earshot and NLTK's VADER side by side
#   bench/sentiment/run.sh speed [REPS]  texts/s on one core (taskset -c 1):
#                                        earshot, a tokenise-only loop, npm
#                                        sentiment (AFINN), npm vader-sentiment
#                                        and NLTK's VADER, interleaved, REPS times
#                                        (default 5); prints median and min-max
#
# Needs: python3-nltk (Debian), and `npm ci --prefix bench` (bench/package.json:
# sentiment, vader-sentiment; bench/node_modules is git-ignored).  Texts come from
# gen.py with seed 42: 1,000,000 lines, mean 133 bytes.  The slow peers score
# a prefix of them (NLTK 100,000, vader-sentiment 20,000) so that one
# repetition stays near a minute.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
out="$top/bench/out"
build="$out/build"
dev="${ES_SENTIMENT_DEV:-$top/../shared/data/sentiment-dev}"
mkdir -p "$out"

# An optimised build without sanitizers.  NOTE: -Wno-format-truncation works
# around a warning in core/when.c that only optimised builds raise.
cmake -S "$top" -B "$build" -DES_TESTS=OFF -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	-DCMAKE_C_FLAGS=-Wno-format-truncation >/dev/null
make -s -C "$build" -j2 earshot_lib
libs="$build/libearshot_lib.a $(pkg-config --libs libcurl libcjson libxml-2.0 sqlite3 libutf8proc libcrypto) -lm"
for t in accuracy speed; do
	cc -O2 -std=c11 -D_GNU_SOURCE -Wall -Wextra -I"$top" -I"$build" \
		"$here/$t.c" $libs -o "$out/senti_$t"
done

case "${1:-speed}" in
accuracy)
	echo "== earshot sentiment (SENTI_VERSION $(grep -o 'SENTI_VERSION [0-9]*' "$top/analysis/sentiment.h" | cut -d' ' -f2))"
	"$out/senti_accuracy" "$dev"/*.txt
	echo "== NLTK VADER (python3-nltk) with data/vader_lexicon.txt"
	/usr/bin/python3 "$here/nltk_accuracy.py" "$top/data/vader_lexicon.txt" "$dev"/*.txt
	;;
speed)
	reps=${2:-5}
	texts="$out/texts.txt"
	[ -s "$texts" ] || /usr/bin/python3 "$here/gen.py" 42 1000000 \
		"$top/data/vader_lexicon.txt" "$top/data/emoji_utf8_lexicon.txt" >"$texts"
	res="$out/speed.tsv"
	: >"$res"
	i=0
	while [ "$i" -lt "$reps" ]; do
		i=$((i + 1))
		taskset -c 1 "$out/senti_speed" tokenize "$texts" 2>/dev/null >>"$res"
		taskset -c 1 "$out/senti_speed" score "$texts" 2>/dev/null >>"$res"
		taskset -c 1 node "$here/speed.js" afinn "$texts" 1000000 2>/dev/null >>"$res"
		taskset -c 1 /usr/bin/python3 "$here/speed_nltk.py" "$top/data/vader_lexicon.txt" \
			"$texts" 100000 2>/dev/null >>"$res"
		taskset -c 1 node "$here/speed.js" vader "$texts" 20000 2>/dev/null >>"$res"
		echo "repetition $i done" >&2
	done
	/usr/bin/python3 - "$res" <<'PY'
import collections, statistics, sys
# Rows come in repetitions of one run per scorer; "paired" is the median
# over repetitions of earshot's rate divided by the scorer's rate in the same
# repetition, which a busy machine disturbs less than the rates themselves.
runs = collections.OrderedDict()
for line in open(sys.argv[1]):
    name, n, secs, rate = line.split("\t")
    runs.setdefault(name, []).append((int(n), float(rate)))
ours = [r for _, r in runs["earshot-score"]]
print("%-24s %9s %5s %12s %21s %8s" % ("scorer", "texts", "reps", "median/s", "min-max/s",
      "paired"))
for name, rs in runs.items():
    rates = [r for _, r in rs]
    paired = statistics.median(a / b for a, b in zip(ours, rates))
    print("%-24s %9d %5d %12.0f %10.0f-%-10.0f %7.2fx" % (name, rs[0][0], len(rs),
          statistics.median(rates), min(rates), max(rates), paired))
PY
	;;
esac
