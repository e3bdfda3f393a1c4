#!/bin/bash
# bench/crawl/run.sh - earshot once against nginx on loopback, beside curl
# (the limit) and newsboat (a peer).  Run by hand, never in ctest:
#
#   bench/crawl/run.sh [FEEDS] [SEED]
#
# Builds earshot without sanitizers into bench/out/build-crawl, generates
# FEEDS (default 1000) feeds over 50 host names with gen.py, serves them
# with Debian's nginx (our own process, config in a temp dir), then times:
#   1. earshot once --all, cold store      (host_delay = 0, concurrency = per_host = 16)
#   2. earshot once --all, warm (all 304)  (same settings)
#   3. curl --parallel --parallel-max 16 of the same URLs to /dev/null
#   4. newsboat -x reload with reload-threads 16, cold cache
#   5. earshot once --all, cold, default politeness (per_host 2, host_delay 1s)
# and, after 1., the same cold pass with the database on /dev/shm (what the
# disk costs).
# Each line: wall seconds, feeds/s, mentions/s, peak RSS (KiB, /usr/bin/time).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
feeds=${1:-1000}
seed=${2:-7}
reps=${REPS:-3}     # runs of each fast measurement; the median is reported
work=$(mktemp -d /tmp/es-bench-crawl.XXXXXX)
chmod 755 "$work"   # nginx's workers run as nobody
trap 'kill $(cat "$work/nginx.pid" 2>/dev/null) 2>/dev/null || true; rm -rf "$work"' EXIT

build=$root/bench/out/build-crawl
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DES_TESTS=OFF >/dev/null
make -C "$build" -j2 earshot >/dev/null
es=$build/earshot

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
python3 "$here/gen.py" "$work" "$port" --feeds "$feeds" --seed "$seed" | tee "$work/gen.txt"

mkdir -p "$work/tmp"
cat > "$work/nginx.conf" <<CONF
worker_processes 1;
daemon on;
pid $work/nginx.pid;
error_log $work/nginx-error.log warn;
events { worker_connections 4096; }
http {
	access_log off;
	sendfile on;
	tcp_nopush on;
	keepalive_requests 100000;
	keepalive_timeout 60s;
	client_body_temp_path $work/tmp/body;
	proxy_temp_path $work/tmp/proxy;
	fastcgi_temp_path $work/tmp/fastcgi;
	uwsgi_temp_path $work/tmp/uwsgi;
	scgi_temp_path $work/tmp/scgi;
	types { application/rss+xml xml; application/atom+xml atom; application/feed+json json; }
	server { listen 127.0.0.1:$port; server_name _; root $work/www; etag on; }
}
CONF
nginx -c "$work/nginx.conf" -p "$work"
sleep 0.3
code=$(curl -s -o /dev/null -w '%{http_code}' "$(head -1 "$work/urls.txt")")
[ "$code" = 200 ] || { echo "nginx answers $code"; exit 1; }

# conf NAME EXTRA: an earshot feeds.conf with the generated sources.
conf() {
	{ printf '[earshot]\ndatabase = %s.db\nallow_private = yes\ninterval = 15m\n%b' "$1" "$2"
	  cat "$work/feeds.conf"; } > "$work/$1.conf"
}
fast='host_delay = 0\nconcurrency = 16\nper_host = 16\n'
conf fast "$fast"
conf polite ''
# The same cold pass with the database on tmpfs: what the disk costs.
shm=$(mktemp -d /dev/shm/es-bench-crawl.XXXXXX)
trap 'kill $(cat "$work/nginx.pid" 2>/dev/null) 2>/dev/null || true; rm -rf "$work" "$shm"' EXIT
conf shm "$fast"
sed -i "s#^database = shm.db#database = $shm/shm.db#" "$work/shm.conf"

# measure LABEL CMD...: wall time and peak RSS of CMD.
measure() {
	local label=$1
	shift
	/usr/bin/time -f "%e %M" -o "$work/time.txt" "$@" >"$work/out.txt" 2>"$work/err.txt" || true
	read -r wall rss < <(tail -1 "$work/time.txt")
	echo "$label $wall $rss"
}
# median LABEL PREP CMD...: runs PREP then CMD reps times; prints the median
# wall time and the largest peak RSS.
median() {
	local label=$1 prep=$2
	shift 2
	for _ in $(seq "$reps"); do
		eval "$prep"
		measure "$label" "$@"
	done | sort -k2 -n | awk -v n="$reps" '{ w[NR] = $2; if ($3 > r) r = $3 }
		END { print "x", w[int((n + 1) / 2)], r }'
}
mentions() { "$es" -d "$work/$1.db" query --csv 'SELECT count(*) FROM mentions' | tail -1; }

report() { # LABEL WALL RSS MENTIONS
	awk -v l="$1" -v w="$2" -v r="$3" -v m="$4" -v f="$feeds" 'BEGIN {
		printf "%-34s %7.2f s %8.0f feeds/s %9s mentions/s %7.1f MiB\n", l, w, f / w,
		       m == "-" ? "-" : sprintf("%.0f", m / w), r / 1024 }'
}

echo "feeds=$feeds seed=$seed port=$port reps=$reps (median wall, largest RSS)"
read -r _ w r <<<"$(median cold 'rm -f "$work"/fast.db*' "$es" -c "$work/fast.conf" once --all)"
m=$(mentions fast); report "earshot once --all (cold)" "$w" "$r" "$m"
tail -1 "$work/out.txt"
read -r _ w r <<<"$(median shm 'rm -f "$shm"/shm.db*' "$es" -c "$work/shm.conf" once --all)"
m=$("$es" -d "$shm/shm.db" query --csv 'SELECT count(*) FROM mentions' | tail -1)
report "earshot once --all (cold, db in tmpfs)" "$w" "$r" "$m"
read -r _ w r <<<"$(median warm : "$es" -c "$work/fast.conf" once --all)"
report "earshot once --all (warm, 304)" "$w" "$r" 0
tail -1 "$work/out.txt"
read -r _ w r <<<"$(median curl : curl -s --parallel --parallel-max 16 -K "$work/urls.curl")"
report "curl --parallel-max 16" "$w" "$r" -
if command -v newsboat >/dev/null; then
	printf 'reload-threads 16\n' > "$work/newsboat.conf"
	read -r _ w r <<<"$(measure newsboat newsboat -x reload -u "$work/urls.txt" \
		-c "$work/newsboat.db" -C "$work/newsboat.conf")"
	nm=$(sqlite3 "$work/newsboat.db" 'SELECT count(*) FROM rss_item' 2>/dev/null || echo -)
	report "newsboat -x reload (16 threads)" "$w" "$r" "$nm"
fi
read -r _ w r <<<"$(measure polite "$es" -c "$work/polite.conf" once --all)"
m=$(mentions polite); report "earshot once --all (default polite)" "$w" "$r" "$m"
tail -1 "$work/out.txt"
