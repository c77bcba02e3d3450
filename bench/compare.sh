#!/usr/bin/env bash
# Two builds of the gateway side by side: bench/compare.sh <jar-a> <jar-b> [rounds] [seconds-per-round]
#
# For the cost of one change (build the jar of the commit before it in a git worktree), or of one setting: the same
# jar twice, with BENCH_JAVA_B (another JVM for B, e.g. JDK 25) or BENCH_GATEWAY_ARGS_B (properties for B only). Both gateways run at once on
# the same Redis, nginx upstream, routes and tokens, and wrk alternates between them round by round (A B, then B A),
# so that whatever else the shared machine does in a minute weighs on both alike. Prints, per scenario, each round's
# gateway CPU µs per request and the medians; single rounds on a busy 2-core machine vary by 10 to 30 %.
set -euo pipefail

JAR_A=${1:?usage: bench/compare.sh <jar-a> <jar-b> [rounds] [seconds-per-round]}
JAR_B=${2:?usage: bench/compare.sh <jar-a> <jar-b> [rounds] [seconds-per-round]}
ROUNDS=${3:-5}
SECONDS_PER_ROUND=${4:-10}
THREADS=2
CONNECTIONS=64
TOKENS=${BENCH_TOKENS:-10000} # distinct valid tokens the near-cache scenario picks from at random
REDIS_PORT=${BENCH_REDIS_PORT:-17379}
UPSTREAM_PORT=${BENCH_UPSTREAM_PORT:-17081}
PORT_A=17080
PORT_B=17090
GATEWAY_JAVA_OPTS=${BENCH_JAVA_OPTS:-}
# Extra properties for both gateways, e.g. "--tokengate.cache.enabled=false" to compare the uncached token check.
read -r -a GATEWAY_ARGS <<<"${BENCH_GATEWAY_ARGS:-}"
read -r -a GATEWAY_ARGS_B <<<"${BENCH_GATEWAY_ARGS_B:-}"
JAVA_B=${BENCH_JAVA_B:-java}

JAR_A=$(realpath "$JAR_A")
JAR_B=$(realpath "$JAR_B")
cd "$(dirname "$0")/.."
# shellcheck source=bench/lib.sh
. bench/lib.sh

for port in "$REDIS_PORT" "$UPSTREAM_PORT" "$PORT_A" "$((PORT_A + 2))" "$PORT_B" "$((PORT_B + 2))"; do
  port_free "$port" || { log "port $port is in use"; exit 1; }
done
require_packages
start_redis
java bench/BenchRedis.java seed "$REDIS_PORT" "$TOKENS" "$WORK/valid.txt" "$WORK/unknown.txt"
start_upstream
start_gateway_jar "$JAR_A" "$PORT_A" "$((PORT_A + 2))" "${GATEWAY_ARGS[@]}"
PID_A=$GATEWAY_PID
GATEWAY_JAVA=$JAVA_B start_gateway_jar "$JAR_B" "$PORT_B" "$((PORT_B + 2))" "${GATEWAY_ARGS[@]}" "${GATEWAY_ARGS_B[@]}"
PID_B=$GATEWAY_PID

# Until the JIT has compiled every scenario's path in both: shorter, and the first rounds still measure compilation.
WARMUP_SECONDS=${BENCH_WARMUP_SECONDS:-20}
for port in "$PORT_A" "$PORT_B"; do
  log "JIT warm-up of the gateway on $port: ${WARMUP_SECONDS}s per scenario"
  wrk_run "$WARMUP_SECONDS" "http://127.0.0.1:$port/public/x" "" >/dev/null
  wrk_run "$WARMUP_SECONDS" "http://127.0.0.1:$port/api/x" "$WORK/valid.txt" >/dev/null
  wrk_run "$WARMUP_SECONDS" "http://127.0.0.1:$port/api/x" "" >/dev/null
done

round() { # pid port path tokens-file: prints gateway CPU µs per request
  local before after out requests
  before=$(cpu_ticks "$1")
  out=$(wrk_run "$SECONDS_PER_ROUND" "http://127.0.0.1:$2$3" "$4")
  after=$(cpu_ticks "$1")
  requests=$(awk '/requests in/ { print $1 }' <<<"$out")
  awk -v t=$((after - before)) -v hz="$(getconf CLK_TCK)" -v r="$requests" 'BEGIN { printf "%.1f", t * 1e6 / hz / r }'
}

median() { tr ' ' '\n' | sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

BAD_BEFORE=$(bad_gateway_lines)
echo "| scenario | A rounds (µs/req) | B rounds (µs/req) | A median | B median | B / A |"
echo "|---|---|---|---|---|---|"
for scenario in "public route|/public/x|" "token check, near cache|/api/x|$WORK/valid.txt" "no token (401)|/api/x|"; do
  IFS='|' read -r name path tokens <<<"$scenario"
  a=() b=()
  for ((r = 1; r <= ROUNDS; r++)); do
    log "$name: round $r of $ROUNDS"
    if ((r % 2)); then
      a+=("$(round "$PID_A" "$PORT_A" "$path" "$tokens")")
      b+=("$(round "$PID_B" "$PORT_B" "$path" "$tokens")")
    else
      b+=("$(round "$PID_B" "$PORT_B" "$path" "$tokens")")
      a+=("$(round "$PID_A" "$PORT_A" "$path" "$tokens")")
    fi
  done
  ma=$(echo "${a[*]}" | median)
  mb=$(echo "${b[*]}" | median)
  echo "| $name | ${a[*]} | ${b[*]} | $ma | $mb | $(awk -v a="$ma" -v b="$mb" 'BEGIN { printf "%.2f", b / a }') |"
done
BAD=$(($(bad_gateway_lines) - BAD_BEFORE))
echo
echo "A: $JAR_A; B: $JAR_B${BENCH_JAVA_B:+ on $BENCH_JAVA_B}${BENCH_GATEWAY_ARGS_B:+ with $BENCH_GATEWAY_ARGS_B}; $ROUNDS rounds of ${SECONDS_PER_ROUND}s per scenario, wrk $THREADS threads, $CONNECTIONS connections${BENCH_GATEWAY_ARGS:+; both gateways with $BENCH_GATEWAY_ARGS}; $(nproc) cores, $(java -version 2>&1 | head -1); 502s (a lost upstream connection, in either gateway's log): $BAD"
if [ "$BAD" -gt 0 ]; then
  log "$BAD requests lost their upstream connection: the comparison fails"
  exit 1
fi
