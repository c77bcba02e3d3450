#!/usr/bin/env bash
# What tokengate costs, measured side by side on loopback: bench/run.sh [seconds-per-scenario] [connections]
#
# Starts its own Redis, an nginx upstream and the gateway jar (twice: near cache on, then off), seeds 10,000 tokens,
# drives each scenario with wrk after a discarded warm-up, prints one Markdown table and writes it with the machine,
# commit and date to bench/results/<date>-<commit>.md and into the README's Performance section.
set -euo pipefail

SECONDS_PER_SCENARIO=${1:-15}
CONNECTIONS=${2:-64}
WARMUP_SECONDS=${BENCH_WARMUP_SECONDS:-10}          # per scenario, discarded
JVM_WARMUP_SECONDS=${BENCH_JVM_WARMUP_SECONDS:-20}      # once per gateway start, mixed traffic, discarded: the JIT compiles the whole path
THREADS=2
TOKENS=10000
REDIS_PORT=${BENCH_REDIS_PORT:-17379}
UPSTREAM_PORT=${BENCH_UPSTREAM_PORT:-17081}
GATEWAY_PORT=${BENCH_GATEWAY_PORT:-17080}
MANAGEMENT_PORT=${BENCH_MANAGEMENT_PORT:-17082}
GATEWAY_JAVA_OPTS=${BENCH_JAVA_OPTS:-}   # empty: the JVM defaults a user gets
# Another build to measure on the same machine, e.g. the jar of the commit before a change; its results are labelled
# and the README is left alone.
GATEWAY_JAR=${BENCH_JAR:-target/tokengate.jar}
LABEL=${BENCH_LABEL:-}

cd "$(dirname "$0")/.."
ROOT=$(pwd)
# shellcheck source=bench/lib.sh
. bench/lib.sh

build_jar() {
  if [ -n "${BENCH_JAR:-}" ]; then
    [ -f "$GATEWAY_JAR" ] || { log "no jar at $GATEWAY_JAR"; exit 1; }
    return
  fi
  if [ ! -f target/tokengate.jar ] || [ -n "$(find src pom.xml -newer target/tokengate.jar -print -quit)" ]; then
    log "building target/tokengate.jar"
    ./mvnw -B -q package -DskipTests
  fi
}

start_gateway() { start_gateway_jar "$GATEWAY_JAR" "$GATEWAY_PORT" "$MANAGEMENT_PORT" "$@"; }

ROWS=()
RPS=()
# scenario: number name url tokens-file expect-2xx(yes/no) count-redis(yes/no)
scenario() {
  local n=$1 name=$2 url=$3 tokens=$4 expect2xx=$5 count_redis=$6 pid=${GATEWAY_PID:-}
  log "row $n: $name (warm-up ${WARMUP_SECONDS}s, then ${SECONDS_PER_SCENARIO}s)"
  wrk_run "$WARMUP_SECONDS" "$url" "$tokens" >/dev/null
  local calls_before ticks_before calls_after ticks_after out
  calls_before=$(redis_calls)
  ticks_before=$(cpu_ticks "$pid")
  out=$(wrk_run "$SECONDS_PER_SCENARIO" "$url" "$tokens")
  ticks_after=$(cpu_ticks "$pid")
  calls_after=$(redis_calls)
  local requests rps p50 p90 p99 non2xx cpu cmds
  requests=$(awk '/requests in/ { print $1 }' <<<"$out")
  rps=$(awk '/Requests\/sec/ { printf "%.0f", $2 }' <<<"$out")
  p50=$(to_ms "$(awk '$1 == "50%" { print $2 }' <<<"$out")")
  p90=$(to_ms "$(awk '$1 == "90%" { print $2 }' <<<"$out")")
  p99=$(to_ms "$(awk '$1 == "99%" { print $2 }' <<<"$out")")
  non2xx=$(awk '/Non-2xx/ { print $5 }' <<<"$out"); non2xx=${non2xx:-0}
  [ "$expect2xx" = yes ] || non2xx="(all ${requests} expected)"
  if [ -n "$pid" ]; then
    cpu=$(awk -v t=$((ticks_after - ticks_before)) -v hz="$(getconf CLK_TCK)" -v r="$requests" 'BEGIN { printf "%.1f", t * 1e6 / hz / r }')
  else
    cpu="–"
  fi
  cmds="–"
  [ "$count_redis" = yes ] && cmds=$(awk -v c=$((calls_after - calls_before)) -v r="$requests" 'BEGIN { printf "%.3f", c / r }')
  RPS[n]=$rps
  ROWS[n]="| $n | $name | $rps | $cpu | $p50 | $p90 | $p99 | $non2xx | RATIO1 | RATIO2 | $cmds |"
}

jvm_warmup() {
  log "JIT warm-up of the new gateway: ${JVM_WARMUP_SECONDS}s of mixed traffic, discarded"
  local half=$((JVM_WARMUP_SECONDS / 2))
  wrk_run "$half" "http://127.0.0.1:$GATEWAY_PORT/public/x" "" >/dev/null
  wrk_run "$half" "http://127.0.0.1:$GATEWAY_PORT/api/x" "$WORK/valid.txt" >/dev/null
}

heap_used() {
  jcmd "$1" GC.heap_info 2>/dev/null | awk '/used/ { for (i = 1; i <= NF; i++) if ($i == "used") { print $(i + 1); exit } }'
}

# --- run ---------------------------------------------------------------------------------------------------------
for port in "$REDIS_PORT" "$UPSTREAM_PORT" "$GATEWAY_PORT" "$MANAGEMENT_PORT"; do
  port_free "$port" || { log "port $port is in use (set BENCH_*_PORT)"; exit 1; }
done
require_packages
build_jar
start_redis
log "seeding $TOKENS tokens"
java bench/BenchRedis.java seed "$REDIS_PORT" "$TOKENS" "$WORK/valid.txt" "$WORK/unknown.txt"
start_upstream

GATEWAY_PID=
scenario 1 "upstream direct (nginx)" "http://127.0.0.1:$UPSTREAM_PORT/" "" yes no

log "gateway with the near cache"
start_gateway
jvm_warmup
scenario 2 "gateway, public route (auth off)" "http://127.0.0.1:$GATEWAY_PORT/public/x" "" yes no
scenario 4 "gateway, token check, near cache" "http://127.0.0.1:$GATEWAY_PORT/api/x" "$WORK/valid.txt" yes yes
scenario 5 "gateway, no token (401)" "http://127.0.0.1:$GATEWAY_PORT/api/x" "" no no
scenario 6 "gateway, unknown tokens (401, negative cache)" "http://127.0.0.1:$GATEWAY_PORT/api/x" "$WORK/unknown.txt" no yes
HEAP_CACHED=$(heap_used "$GATEWAY_PID")
log "revocation latency: 200 near-cached tokens deleted one by one"
REVOCATION=$(java bench/BenchRedis.java revocation "$REDIS_PORT" "http://127.0.0.1:$GATEWAY_PORT/api/x" 200)
stop_gateway

log "gateway without the cache"
start_gateway --tokengate.cache.enabled=false
jvm_warmup
scenario 3 "gateway, token check, no cache (1 Redis round trip)" "http://127.0.0.1:$GATEWAY_PORT/api/x" "$WORK/valid.txt" yes yes
HEAP_UNCACHED=$(heap_used "$GATEWAY_PID")
stop_gateway

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "–" }'; }
TABLE="| # | scenario | req/s | gateway CPU µs/req | p50 ms | p90 ms | p99 ms | non-2xx | × row 1 | × row 2 | Redis cmds/req |
|---|---|---|---|---|---|---|---|---|---|---|"
for n in 1 2 3 4 5 6; do
  row=${ROWS[n]}
  if [ "$n" = 1 ]; then r1="–"; r2="–"; else r1=$(ratio "${RPS[n]}" "${RPS[1]}"); r2=$(ratio "${RPS[n]}" "${RPS[2]}"); fi
  [ "$n" = 2 ] && r2="1.00"
  row=${row/RATIO1/$r1}
  row=${row/RATIO2/$r2}
  TABLE+=$'\n'"$row"
done

COMMIT=$(git rev-parse --short HEAD)
DATE=$(date +%F)
CPU_MODEL=$(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)
JDK=$(java -version 2>&1 | head -1)
RESULT="bench/results/$DATE-$COMMIT${LABEL:+-$LABEL}.md"
{
  echo "# tokengate benchmark, $DATE, commit $COMMIT${LABEL:+ ($LABEL: $GATEWAY_JAR)}"
  echo
  echo "$TABLE"
  echo
  echo "- machine: $(nproc) cores, $CPU_MODEL, $JDK"
  echo "- load: wrk $THREADS threads, $CONNECTIONS connections, ${SECONDS_PER_SCENARIO}s per scenario after ${WARMUP_SECONDS}s of discarded warm-up (and ${JVM_WARMUP_SECONDS}s after each gateway start); $TOKENS seeded tokens, one picked at random per request"
  echo "- revocation, time from Redis confirming DEL to the gateway's first 401 (idle gateway, near cache on): $REVOCATION"
  echo "- gateway heap used after the run: ${HEAP_CACHED:-?} (near cache), ${HEAP_UNCACHED:-?} (no cache); JVM options: ${GATEWAY_JAVA_OPTS:-none beyond the defaults}"
  echo "- everything (wrk, nginx, Redis, the gateway) shares the machine over loopback; CPU µs/req counts the gateway process only"
} >"$RESULT"
cat "$RESULT"

# The README's Performance section shows the latest table of the checked-out build.
[ -z "${BENCH_JAR:-}" ] && python3 - "$RESULT" <<'PY' 2>/dev/null || log "README not updated (another jar, or python3 missing)"
import re, sys
result = open(sys.argv[1]).read().split("\n", 2)[2].strip()
readme = open("README.md").read()
start, end = "<!-- bench:start -->", "<!-- bench:end -->"
if start in readme and end in readme:
    head, rest = readme.split(start, 1)
    _, tail = rest.split(end, 1)
    link = "Latest run: [`%s`](%s).\n\n" % (sys.argv[1], sys.argv[1])
    open("README.md", "w").write(head + start + "\n" + link + result + "\n" + end + tail)
PY
log "results in $RESULT"
