#!/usr/bin/env bash
# Where tokengate's CPU goes, by JFR: bench/profile.sh [seconds-per-scenario]
#
# Starts Redis (10,000 seeded tokens), the nginx upstream and the gateway jar with a JFR recording per scenario
# (stock Spring Cloud Gateway's public route for reference, tokengate's public route, token check with the near cache,
# without it), drives each with wrk after a JIT warm-up, and writes for each the share of samples per part of the
# request path and per method on the stack (bench/JfrSummary.java: a flame graph as a table) and the hottest methods
# (`jfr view hot-methods`, with Temurin 25's jfr when installed) to bench/results/<date>-<commit>-profile.md. Read it
# next to a bench/run.sh result of the same commit. PROFILE_KEEP=<folder> keeps the recordings there.
set -euo pipefail

SECONDS_PER_SCENARIO=${1:-20}
CONNECTIONS=64
THREADS=2
TOKENS=10000
REDIS_PORT=${BENCH_REDIS_PORT:-17379}
UPSTREAM_PORT=${BENCH_UPSTREAM_PORT:-17081}
GATEWAY_PORT=${BENCH_GATEWAY_PORT:-17080}
JFR=/usr/lib/jvm/temurin-25-jdk-amd64/bin/jfr
[ -x "$JFR" ] || JFR=jfr

cd "$(dirname "$0")/.."
ROOT=$(pwd)
GATEWAY_JAVA_OPTS=
# shellcheck source=bench/lib.sh
. bench/lib.sh

STOCK_JAR=bench/stock-scg/target/stock-scg.jar
[ -f target/tokengate.jar ] || ./mvnw -B -q package -DskipTests
[ -f "$STOCK_JAR" ] || ./mvnw -B -q -f bench/stock-scg/pom.xml package
require_packages
start_redis
java bench/BenchRedis.java seed "$REDIS_PORT" "$TOKENS" "$WORK/valid.txt" "$WORK/unknown.txt"
start_upstream

COMMIT=$(git rev-parse --short HEAD)
RESULT="bench/results/$(date +%F)-$COMMIT-profile.md"
{
  echo "# Where the gateway's CPU goes, $(date +%F), commit $COMMIT"
  echo
  echo "JFR (\`settings=profile\`), ${SECONDS_PER_SCENARIO}s of wrk ($THREADS threads, $CONNECTIONS connections) per scenario after a 20 s JIT warm-up; \`jfr view hot-methods\`: the methods on top of the sampled stacks."
} >"$RESULT"

profile() { # name path tokens-file [--extra.property=value ...]; PROFILE_STOCK=1 for stock Spring Cloud Gateway
  local name=$1 path=$2 tokens=$3 recording="${PROFILE_KEEP:-$WORK}/recording-$RANDOM.jfr"
  shift 3
  if [ -n "${PROFILE_STOCK:-}" ]; then
    start_jar java "$STOCK_JAR" "$GATEWAY_PORT"
    GATEWAY_PID=$STARTED_PID
  else
    start_gateway_jar target/tokengate.jar "$GATEWAY_PORT" "$((GATEWAY_PORT + 2))" "$@"
  fi
  log "$name: warm-up, then ${SECONDS_PER_SCENARIO}s recorded"
  wrk_run 20 "http://127.0.0.1:$GATEWAY_PORT$path" "$tokens" >/dev/null
  jcmd "$GATEWAY_PID" JFR.start name=bench settings=profile >/dev/null
  wrk_run "$SECONDS_PER_SCENARIO" "http://127.0.0.1:$GATEWAY_PORT$path" "$tokens" >/dev/null
  jcmd "$GATEWAY_PID" JFR.stop name=bench filename="$recording" >/dev/null
  stop_gateway
  {
    echo
    echo "## $name"
    echo
    java bench/JfrSummary.java "$recording"
    echo
    echo '```'
    "$JFR" view --width 160 hot-methods "$recording"
    echo '```'
  } >>"$RESULT"
}

PROFILE_STOCK=1 profile "stock Spring Cloud Gateway, public route" /public/x ""
profile "public route" /public/x ""
profile "token check, near cache" /api/x "$WORK/valid.txt"
profile "token check, no cache" /api/x "$WORK/valid.txt" --tokengate.cache.enabled=false
log "results in $RESULT"
