#!/usr/bin/env bash
# HTTP/1.1 against HTTP/2 on one TLS gateway, and where the difference goes: bench/protocols.sh [seconds-per-round] [rounds]
#
# One tokengate JVM with TLS and HTTP/2 by ALPN (the near-cached token route, one token), warmed for 60 s over both
# protocols; then h2load alternates HTTP/1.1 and HTTP/2 round by round (64 connections, one request in flight per
# connection, as in bench/tls.sh), and prints each round's CPU µs per request and the median ratio. With strace
# installed, it also counts the gateway's socket sends per request for each protocol (a few seconds under strace, not
# part of the CPU figures). With PROFILE=1, each protocol's last round is recorded by async-profiler (4.2, from Maven
# Central, kept under ~/.cache/tokengate-bench), and bench/StackDiff.java prints where HTTP/2's CPU per request goes
# beyond HTTP/1.1's, stage by stage. The recordings cost about a fifth more CPU while they run, on both protocols alike.
set -euo pipefail

SECONDS_PER_ROUND=${1:-10}
ROUNDS=${2:-5}
CONNECTIONS=64
THREADS=2
REDIS_PORT=${BENCH_REDIS_PORT:-17379}
UPSTREAM_PORT=${BENCH_UPSTREAM_PORT:-17081}
TLS_PORT=${BENCH_GATEWAY_PORT:-17083}
GATEWAY_JAR=${BENCH_JAR:-target/tokengate.jar}
GATEWAY_JAVA_OPTS=${BENCH_JAVA_OPTS:-}
PROFILER_VERSION=4.2

cd "$(dirname "$0")/.."
# shellcheck source=bench/lib.sh
. bench/lib.sh

for port in "$REDIS_PORT" "$UPSTREAM_PORT" "$TLS_PORT" "$((TLS_PORT + 2))"; do
  port_free "$port" || { log "port $port is in use (set BENCH_*_PORT)"; exit 1; }
done
require_packages
require_h2load
[ -f "$GATEWAY_JAR" ] || { log "building $GATEWAY_JAR"; ./mvnw -B -q package -DskipTests; }
PROFILER=
if [ -n "${PROFILE:-}" ]; then
  cache="${XDG_CACHE_HOME:-$HOME/.cache}/tokengate-bench/async-profiler-$PROFILER_VERSION"
  if [ ! -f "$cache/linux-x64/libasyncProfiler.so" ]; then
    mkdir -p "$cache"
    curl -fsSL -o "$cache/profiler.jar" \
      "https://repo.maven.apache.org/maven2/tools/profiler/async-profiler/$PROFILER_VERSION/async-profiler-$PROFILER_VERSION-linux-x64.jar"
    (cd "$cache" && unzip -q -o profiler.jar 'linux-x64/*')
  fi
  PROFILER="$cache/linux-x64/libasyncProfiler.so"
fi

make_tls_certificate
start_redis
java bench/BenchRedis.java seed "$REDIS_PORT" 10 "$WORK/valid.txt" "$WORK/unknown.txt"
TOKEN=$(head -1 "$WORK/valid.txt")
start_upstream
start_tls_gateway_jar "$GATEWAY_JAR" "$TLS_PORT" "$((TLS_PORT + 2))"

URL="https://127.0.0.1:$TLS_PORT/api/x"
# seconds protocol (h1 or h2): h2load's count of completed requests
load() {
  local option=
  [ "$2" = h1 ] && option=--h1
  # shellcheck disable=SC2086
  h2load -D "$1" -c "$CONNECTIONS" -t "$THREADS" -m 1 -H "authorization: Bearer $TOKEN" $option "$URL" |
    awk '/^requests:/ { print $6 }'
}
# async-profiler through jcmd, whose parser would split "key=value" options unless they are quoted
profiler() { jcmd "$GATEWAY_PID" JVMTI.agent_load "$PROFILER" "\"$1\"" >/dev/null; }

log "JIT warm-up: 30 s over each protocol, discarded"
load 30 h1 >/dev/null
load 30 h2 >/dev/null

declare -A CPU REQUESTS
for round in $(seq 1 "$ROUNDS"); do
  for protocol in h1 h2; do
    log "round $round of $ROUNDS: $protocol"
    load 3 "$protocol" >/dev/null
    [ -n "$PROFILER" ] && [ "$round" = "$ROUNDS" ] && profiler "start,event=cpu,interval=1ms"
    before=$(tree_ticks "$GATEWAY_PID")
    requests=$(load "$SECONDS_PER_ROUND" "$protocol")
    after=$(tree_ticks "$GATEWAY_PID")
    [ -n "$PROFILER" ] && [ "$round" = "$ROUNDS" ] && profiler "stop,collapsed,file=$WORK/$protocol.collapsed"
    CPU[$protocol]+="$(awk -v t=$((after - before)) -v hz="$(getconf CLK_TCK)" -v r="$requests" 'BEGIN { printf "%.1f", t * 1e6 / hz / r }') "
    REQUESTS[$protocol]=$requests
  done
done

median() { tr ' ' '\n' <<<"$1" | awk 'NF' | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }
echo "| protocol over TLS | CPU µs/request (rounds) | median |"
echo "|---|---|---|"
echo "| HTTP/1.1 | ${CPU[h1]% } | $(median "${CPU[h1]}") |"
echo "| HTTP/2 | ${CPU[h2]% } | $(median "${CPU[h2]}") |"
echo
echo "HTTP/2 ÷ HTTP/1.1, CPU per request: $(awk -v a="$(median "${CPU[h2]}")" -v b="$(median "${CPU[h1]}")" 'BEGIN { printf "%.2f", a / b }')"
echo "$ROUNDS rounds of ${SECONDS_PER_ROUND}s, alternating; h2load $THREADS threads, $CONNECTIONS connections, one request in flight per connection; $(nproc) cores, $(java -version 2>&1 | head -1)"

if command -v strace >/dev/null; then
  echo
  for protocol in h1 h2; do
    timeout 8 strace -f -c -e trace=sendto -o "$WORK/strace-$protocol.txt" -p "$GATEWAY_PID" 2>/dev/null &
    tracer=$!
    sleep 1
    requests=$(load 5 "$protocol")
    wait "$tracer" || true
    echo "$protocol: $(awk -v r="$requests" '$NF == "sendto" { printf "%.2f", $4 / r }' "$WORK/strace-$protocol.txt") socket sends per request (upstream and client together)"
  done
fi

if [ -n "$PROFILER" ]; then
  echo
  echo "Where the CPU goes, a = HTTP/1.1, b = HTTP/2 (async-profiler, last round of each):"
  echo
  java bench/StackDiff.java "$WORK/h1.collapsed" "${REQUESTS[h1]}" "$WORK/h2.collapsed" "${REQUESTS[h2]}"
fi
