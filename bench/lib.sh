# bench/lib.sh - what every runner of the suite shares; sourced, not run.
#
# One optimised build without sanitizers (bench/out/build), helper programs
# in bench/out/bin, generated inputs under bench/out, and one result format:
# every measurement is one line of bench/out/results.tsv (or $ES_BENCH_RESULTS)
#
#   ROW <TAB> SIZE <TAB> TOOL <TAB> REP <TAB> METRIC <TAB> VALUE
#
# which bench/table.py turns into the table.  A runner sourced this file
# after setting $here (its own folder; bench/run sets $bench instead); it can be run alone
# (bench/parse/run) or by bench/run, which sets the environment below:
#   ES_BENCH_RESULTS   where lines go (default bench/out/results.tsv, appended)
#   ES_BENCH_REPS      repetitions (each runner has its own default)
#   ES_BENCH_QUICK     1: small sizes, one repetition, to check the suite itself
#   ES_BENCH_NOBUILD   1: the build is fresh (bench/run built it already)
# NOTE: /usr/bin/python3 on purpose: the peers (feedparser, nltk) are
# Debian's packages, which a python3 earlier on PATH (pyenv) does not see.
bench=${bench:-$(cd "$here/.." && pwd)}
top=$(cd "$bench/.." && pwd)
out=$top/bench/out
build=$out/build
bin=$out/bin
py=/usr/bin/python3
results=${ES_BENCH_RESULTS:-$out/results.tsv}
quick=${ES_BENCH_QUICK:-0}
mkdir -p "$out" "$bin"

# bench_build TARGET...: the optimised tree (no sanitizers, no tests).
# NOTE: -Wno-format-truncation works around a warning in core/when.c that
# only optimised builds raise.
bench_build() {
	[ "${ES_BENCH_NOBUILD:-0}" = 1 ] && return 0
	cmake -S "$top" -B "$build" -DES_TESTS=OFF -DCMAKE_BUILD_TYPE=RelWithDebInfo \
		-DCMAKE_C_FLAGS=-Wno-format-truncation >/dev/null
	make -s -C "$build" -j2 earshot_lib earshot >/dev/null
}

# bench_cc NAME SOURCE...: a helper program linked with earshot's library.
bench_cc() {
	name=$1
	shift
	# shellcheck disable=SC2046
	cc -O2 -g -std=c11 -D_GNU_SOURCE -Wall -Wextra -I"$top" -I"$build" \
		$(pkg-config --cflags libxml-2.0 libcjson) "$@" "$build/libearshot_lib.a" \
		$(pkg-config --libs libcurl libcjson libxml-2.0 sqlite3 libutf8proc libcrypto) \
		-lm -lpthread -o "$bin/$name"
}

# emit ROW SIZE TOOL REP METRIC VALUE
emit() {
	printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$@" >>"$results"
}

# reps DEFAULT: the number of repetitions to run.
reps() {
	if [ "$quick" = 1 ]; then echo 1; else echo "${ES_BENCH_REPS:-$1}"; fi
}

# pick QUICK FULL: one value or the other, by mode.
pick() {
	if [ "$quick" = 1 ]; then echo "$1"; else echo "$2"; fi
}

# timed FILE CMD...: runs CMD with /usr/bin/time; FILE gets "WALL USER SYS
# MAXRSS_KIB".  CMD's output goes to FILE.out and FILE.err.
timed() {
	f=$1
	shift
	rc=0
	/usr/bin/time -f '%e %U %S %M' -o "$f" "$@" >"$f.out" 2>"$f.err" || rc=$?
	if [ "$rc" != 0 ]; then
		# A failed run has no time worth recording: stop, loudly.
		echo "bench: $1 exited $rc (bench/setup installs the peers); its stderr ends:" >&2
		tail -5 "$f.err" >&2
		return 1
	fi
	tail -1 "$f" >"$f.tmp" && mv "$f.tmp" "$f"
}

# nginx_start DIR: serves DIR/www with Debian's nginx on a free loopback
# port (our own process, config in DIR, ETag and Last-Modified on); sets
# $port.  nginx_stop DIR ends it.
nginx_start() {
	port=$($py -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
	mkdir -p "$1/tmp"
	chmod 755 "$1"   # nginx's workers run as nobody
	cat >"$1/nginx.conf" <<CONF
worker_processes 1;
daemon on;
pid $1/nginx.pid;
error_log $1/nginx-error.log warn;
events { worker_connections 4096; }
http {
	access_log off;
	sendfile on;
	tcp_nopush on;
	keepalive_requests 100000;
	keepalive_timeout 60s;
	client_body_temp_path $1/tmp/body;
	proxy_temp_path $1/tmp/proxy;
	fastcgi_temp_path $1/tmp/fastcgi;
	uwsgi_temp_path $1/tmp/uwsgi;
	scgi_temp_path $1/tmp/scgi;
	types { application/rss+xml xml; application/atom+xml atom; application/feed+json json; }
	server { listen 127.0.0.1:$port; server_name _; root $1/www; etag on; }
}
CONF
	nginx -c "$1/nginx.conf" -p "$1"
	sleep 0.3
}
nginx_stop() {
	[ -f "$1/nginx.pid" ] && kill "$(cat "$1/nginx.pid")" 2>/dev/null || true
}
