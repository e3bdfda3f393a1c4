#!/bin/sh
# run.sh - the parse benchmarks, by hand (never in ctest).
#
#   bench/parse/run.sh speed [REPS]   MB/s and mentions/s on one core
#                                     (taskset -c 1) over the generated corpus:
#                                     earshot's parse_document(), the limit (a
#                                     bare libxml2 xmlReader walk over the XML
#                                     files and a bare cJSON parse of the JSON
#                                     files) and python3-feedparser, interleaved,
#                                     REPS times (default 5); prints the median
#                                     and min-max of each, per file kind and
#                                     over all files.  Times are CPU seconds.
#                                     feedparser (6.0.10) reads no JSON Feed:
#                                     it runs on the RSS and Atom files only
#   bench/parse/run.sh compare DIR    earshot parse against feedparser, field
#                                     by field, on every feed in DIR
#
# Needs python3-feedparser (Debian).  The corpus is gen.py with seed 42:
# 1,200 feeds (600 RSS 2.0, 360 Atom 1.0, 240 JSON Feed 1.1) in bench/out/feeds.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
out="$top/bench/out"
build="$out/build"
mkdir -p "$out"

cmake -S "$top" -B "$build" -DES_TESTS=OFF -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	-DCMAKE_C_FLAGS=-Wno-format-truncation >/dev/null
make -s -C "$build" -j2 earshot_lib earshot
libs="$build/libearshot_lib.a $(pkg-config --libs libcurl libcjson libxml-2.0 sqlite3 libutf8proc libcrypto) -lm"
cc -O2 -std=c11 -D_GNU_SOURCE -Wall -Wextra -I"$top" -I"$build" \
	$(pkg-config --cflags libxml-2.0 libcjson) "$here/speed.c" $libs -o "$out/parse_speed"

case "${1:-speed}" in
compare)
	/usr/bin/python3 "$here/compare.py" "$build/earshot" "${2:?which folder?}"
	;;
speed)
	reps=${2:-5}
	feeds="$out/feeds"
	[ -d "$feeds" ] || /usr/bin/python3 "$here/gen.py" 42 1200 "$feeds"
	res="$out/parse_speed.tsv"
	: >"$res"
	i=0
	while [ "$i" -lt "$reps" ]; do
		i=$((i + 1))
		for kind in xml json; do
			set -- "$feeds"/*."$kind"
			taskset -c 1 "$out/parse_speed" earshot 1 "$@" | sed "s/^/$kind\t/" >>"$res"
			taskset -c 1 "$out/parse_speed" limit 1 "$@" | sed "s/^/$kind\t/" >>"$res"
			[ "$kind" = json ] && continue # feedparser 6.0.10 reads no JSON Feed
			taskset -c 1 /usr/bin/python3 "$here/speed_feedparser.py" 1 "$@" |
				sed "s/^/$kind\t/" >>"$res"
		done
		echo "repetition $i done" >&2
	done
	/usr/bin/python3 "$here/summary.py" "$res"
	;;
*)
	echo "usage: $0 speed [REPS] | compare DIR" >&2
	exit 2
	;;
esac
