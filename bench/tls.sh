#!/usr/bin/env bash
# TLS and HTTP/2 on the client port, next to nginx with the same certificate, in one run: bench/tls.sh [seconds-per-row] [connections]
#
# h2load (Debian's nghttp2-client) drives every row, HTTP/1.1 and HTTP/2 alike, one request in flight per connection.
# tokengate runs twice (cleartext, and TLS with HTTP/2 by ALPN) on the near-cached token route, with one token; nginx
# runs as a plain reverse proxy on both kinds of port, with the same EC P-256 certificate (openssl, made for the run).
# Rows are interleaved over BENCH_ROUNDS rounds (3 by default); the table gives medians of CPU µs per request (the
# process tree: nginx's master and workers, or the JVM) and req/s. The handshake rows open one connection per request
# (h2load -n = -c, TLS 1.3, full handshakes: h2load resumes no session across clients).
# The goals: tokengate's TLS ÷ cleartext CPU per request no higher than nginx's; HTTP/2's no higher than HTTP/1.1's.
set -euo pipefail

SECONDS_PER_ROW=${1:-10}
CONNECTIONS=${2:-64}
ROUNDS=${BENCH_ROUNDS:-3}
WARMUP_SECONDS=${BENCH_WARMUP_SECONDS:-5}
JVM_WARMUP_SECONDS=${BENCH_JVM_WARMUP_SECONDS:-60}
HANDSHAKES=${BENCH_HANDSHAKES:-2000}
THREADS=2
REDIS_PORT=${BENCH_REDIS_PORT:-17379}
UPSTREAM_PORT=${BENCH_UPSTREAM_PORT:-17081}
GATEWAY_PORT=${BENCH_GATEWAY_PORT:-17080}     # tokengate, cleartext (management: +2)
TLS_PORT=$((GATEWAY_PORT + 3))                # tokengate, TLS and HTTP/2 (management: +5)
NGINX_PORT=$((GATEWAY_PORT + 6))              # nginx, cleartext
NGINX_TLS_PORT=$((GATEWAY_PORT + 7))          # nginx, TLS and HTTP/2
GATEWAY_JAR=${BENCH_JAR:-target/tokengate.jar}
GATEWAY_JAVA_OPTS=${BENCH_JAVA_OPTS:-}

cd "$(dirname "$0")/.."
# shellcheck source=bench/lib.sh
. bench/lib.sh

for port in "$REDIS_PORT" "$UPSTREAM_PORT" "$GATEWAY_PORT" "$((GATEWAY_PORT + 2))" "$TLS_PORT" "$((TLS_PORT + 2))" \
  "$NGINX_PORT" "$NGINX_TLS_PORT"; do
  port_free "$port" || { log "port $port is in use (set BENCH_*_PORT)"; exit 1; }
done
require_packages
require_h2load
[ -f "$GATEWAY_JAR" ] || { log "building $GATEWAY_JAR"; ./mvnw -B -q package -DskipTests; }

make_tls_certificate

start_redis
java bench/BenchRedis.java seed "$REDIS_PORT" 10 "$WORK/valid.txt" "$WORK/unknown.txt"
TOKEN=$(head -1 "$WORK/valid.txt")
start_upstream

mkdir -p "$WORK/nginx-tls"
cat >"$WORK/nginx-tls/nginx.conf" <<CONF
worker_processes 2;
error_log $WORK/nginx-tls/error.log warn;
pid $WORK/nginx-tls/nginx.pid;
events { worker_connections 8192; }
http {
  access_log off;
  upstream backend { server 127.0.0.1:$UPSTREAM_PORT; keepalive 64; }
  ssl_certificate $WORK/tls.crt;
  ssl_certificate_key $WORK/tls.key;
  ssl_protocols TLSv1.2 TLSv1.3;
  server {
    listen 127.0.0.1:$NGINX_PORT;
    listen 127.0.0.1:$NGINX_TLS_PORT ssl http2;
    keepalive_requests 10000000;
    location / { proxy_pass http://backend; proxy_http_version 1.1; proxy_set_header Connection ""; }
  }
}
CONF
"$(command -v nginx || echo /usr/sbin/nginx)" -c "$WORK/nginx-tls/nginx.conf" -p "$WORK/nginx-tls" -g 'daemon off;' &
NGINX_PID=$!
PIDS+=("$NGINX_PID")
wait_for_port "$NGINX_TLS_PORT" nginx

start_gateway_jar "$GATEWAY_JAR" "$GATEWAY_PORT" "$((GATEWAY_PORT + 2))"
CLEAR_PID=$GATEWAY_PID
start_tls_gateway_jar "$GATEWAY_JAR" "$TLS_PORT" "$((TLS_PORT + 2))"
TLS_PID=$GATEWAY_PID

# seconds url [h2load options...]: prints h2load's output
h2load_run() {
  local seconds=$1 url=$2
  shift 2
  h2load -D "$seconds" -c "$CONNECTIONS" -t "$THREADS" -m 1 -H "authorization: Bearer $TOKEN" "$@" "$url"
}

T=127.0.0.1
log "JIT warm-up of both tokengate JVMs: ${JVM_WARMUP_SECONDS}s each over every protocol, discarded"
for url in "http://$T:$GATEWAY_PORT/api/x --h1" "https://$T:$TLS_PORT/api/x --h1" "https://$T:$TLS_PORT/api/x"; do
  # shellcheck disable=SC2086
  h2load_run $((JVM_WARMUP_SECONDS / 2)) $url >/dev/null
done

# id|name|url|h2load options|pid
declare -a ROWS=(
  "1|nginx reverse proxy, HTTP/1.1 cleartext|http://$T:$NGINX_PORT/x|--h1|$NGINX_PID"
  "2|nginx reverse proxy, HTTP/1.1 over TLS|https://$T:$NGINX_TLS_PORT/x|--h1|$NGINX_PID"
  "3|nginx reverse proxy, HTTP/2 over TLS|https://$T:$NGINX_TLS_PORT/x||$NGINX_PID"
  "4|tokengate, token check, near cache, HTTP/1.1 cleartext|http://$T:$GATEWAY_PORT/api/x|--h1|$CLEAR_PID"
  "9|tokengate, token check, near cache, HTTP/1.1 cleartext, by wrk as in bench/run.sh|http://$T:$GATEWAY_PORT/api/x|wrk|$CLEAR_PID"
  "5|tokengate, token check, near cache, HTTP/1.1 over TLS|https://$T:$TLS_PORT/api/x|--h1|$TLS_PID"
  "6|tokengate, token check, near cache, HTTP/2 over TLS|https://$T:$TLS_PORT/api/x||$TLS_PID"
  "7|nginx, a full TLS 1.3 handshake per request|https://$T:$NGINX_TLS_PORT/x|--h1 handshakes|$NGINX_PID"
  "8|tokengate, a full TLS 1.3 handshake per request|https://$T:$TLS_PORT/api/x|--h1 handshakes|$TLS_PID"
)
declare -A CPU RPS FAILED
for round in $(seq 1 "$ROUNDS"); do
  for row in "${ROWS[@]}"; do
    IFS='|' read -r id name url options pid <<<"$row"
    log "round $round of $ROUNDS: $name"
    if [ "$options" = wrk ]; then
      wrk -t"$THREADS" -c"$CONNECTIONS" -d"$WARMUP_SECONDS"s -H "authorization: Bearer $TOKEN" "$url" >/dev/null
      before=$(tree_ticks "$pid")
      wrk_out=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$SECONDS_PER_ROW"s -H "authorization: Bearer $TOKEN" "$url")
      after=$(tree_ticks "$pid")
      requests=$(awk '/requests in/ { print $1 }' <<<"$wrk_out")
      non2xx=$(awk '/Non-2xx/ { print $5 }' <<<"$wrk_out")
      out=$(printf 'finished in x, %s req/s\nrequests: %s total, %s started, %s done, x succeeded, 0 failed, 0 errored\nstatus codes: x 2xx, 0 3xx, %s 4xx, 0 5xx\n' \
        "$(awk '/Requests\/sec/ { print $2 }' <<<"$wrk_out")" "$requests" "$requests" "$requests" "${non2xx:-0}")
    elif [[ "$options" == *handshakes* ]]; then
      before=$(tree_ticks "$pid")
      started=$(date +%s%N)
      out=$(h2load -n "$HANDSHAKES" -c "$HANDSHAKES" -t "$THREADS" -m 1 --h1 -H "authorization: Bearer $TOKEN" "$url")
      elapsed_ns=$(($(date +%s%N) - started))
      after=$(tree_ticks "$pid")
    else
      # shellcheck disable=SC2086
      h2load_run "$WARMUP_SECONDS" "$url" $options >/dev/null
      before=$(tree_ticks "$pid")
      # shellcheck disable=SC2086
      out=$(h2load_run "$SECONDS_PER_ROW" "$url" $options)
      after=$(tree_ticks "$pid")
      [ -n "${BENCH_DEBUG:-}" ] && echo "$out" >&2
    fi
    done_requests=$(awk '/^requests:/ { print $6 }' <<<"$out")
    failed=$(awk '/^requests:/ { print $10 + $12 }' <<<"$out")
    not_2xx=$(awk '/^status codes:/ { print $5 + $7 + $9 }' <<<"$out")
    CPU[$id]+="$(awk -v t=$((after - before)) -v hz="$(getconf CLK_TCK)" -v r="$done_requests" 'BEGIN { printf "%.1f", (r > 0 ? t * 1e6 / hz / r : 0) }') "
    if [[ "$options" == *handshakes* ]]; then
      RPS[$id]+="$(awk -v r="$done_requests" -v ns="$elapsed_ns" 'BEGIN { printf "%.0f", r * 1e9 / ns }') "
    else
      RPS[$id]+="$(awk '/^finished in/ { gsub(",", "", $4); printf "%.0f", $4 }' <<<"$out") "
    fi
    FAILED[$id]+="$((failed + ${not_2xx:-0})) "
  done
done

median() { tr ' ' '\n' <<<"$1" | awk 'NF' | sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print "–"; else if (NR % 2) print v[(NR + 1) / 2]; else printf "%.3g\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
ratio() { awk -v a="$(median "$1")" -v b="$(median "$2")" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }

echo "| # | row | CPU µs/request (rounds) | median | req/s (median) | not 2xx |"
echo "|---|---|---|---|---|---|"
for row in "${ROWS[@]}"; do
  IFS='|' read -r id name _ _ _ <<<"$row"
  printf '| %s | %s | %s | %s | %s | %s |\n' "$id" "$name" "${CPU[$id]% }" "$(median "${CPU[$id]}")" \
    "$(median "${RPS[$id]}")" "$(tr ' ' '\n' <<<"${FAILED[$id]}" | awk '{ s += $1 } END { print s + 0 }')"
done
echo
echo "TLS ÷ cleartext, CPU per request, HTTP/1.1: nginx $(ratio "${CPU[2]}" "${CPU[1]}"), tokengate $(ratio "${CPU[5]}" "${CPU[4]}")"
echo "HTTP/2 ÷ HTTP/1.1 over TLS, CPU per request: nginx $(ratio "${CPU[3]}" "${CPU[2]}"), tokengate $(ratio "${CPU[6]}" "${CPU[5]}")"
echo "Full handshakes, CPU per handshake and request: tokengate ÷ nginx $(ratio "${CPU[8]}" "${CPU[7]}")"
echo
echo "$ROUNDS rounds of ${SECONDS_PER_ROW}s per row, h2load $THREADS threads, $CONNECTIONS connections, one request in flight per connection; $HANDSHAKES connections per handshake row; $(nproc) cores, $(java -version 2>&1 | head -1), $(nginx -v 2>&1)"
