#!/usr/bin/env bash
# Start-up of the gateway on each runtime, alone on the machine: bench/startup.sh [jar] [starts-per-runtime]
#
# From launch to the gateway's port answering, and its resident memory (RSS) then; the median of several starts.
# Runtimes: JDK 17 and JDK 25 (when Temurin 25 is installed), with the JVM's defaults and with a container's settings,
# and each with a class archive trained on this jar: AppCDS on JDK 17, the AOT cache (JEP 483, 514) on JDK 25. An
# archive needs the jar extracted (java -Djarmode=tools ... extract): it does not read classes inside a jar's jars.
# Training starts the extracted jar once with -Dspring.context.exit=onRefresh, as the Dockerfile does.
# Then, with the container settings and the AOT cache, memory under load: BENCH_LOAD_SECONDS (20) of 1,000 tokens at
# random on the token route, then as long of 1 MB POSTs on the public route (Netty's direct buffers), and the peak
# RSS (VmHWM), heap, non-heap and direct buffer use after it: what the pod's memory limit must hold.
# Prints one line for the results (two with the load phase); bench/run.sh calls it once its own gateways have stopped.
set -euo pipefail

GATEWAY_JAR=${1:-target/tokengate.jar}
STARTS=${2:-${BENCH_STARTS:-3}}
REDIS_PORT=${BENCH_STARTUP_REDIS_PORT:-17479}
UPSTREAM_PORT=${BENCH_STARTUP_UPSTREAM_PORT:-17481}
PORT=${BENCH_STARTUP_PORT:-17480}          # management: +2
# The Dockerfile's JDK_JAVA_OPTIONS in a 768 MiB container, with the heap given outright (MaxRAMPercentage would take
# this machine's memory): 50 % of 768 MiB.
CONTAINER_JAVA_OPTS=${BENCH_CONTAINER_JAVA_OPTS:--Xmx384m -XX:MaxDirectMemorySize=128m -XX:+UseSerialGC -XX:+ExitOnOutOfMemoryError}
LOAD_SECONDS=${BENCH_LOAD_SECONDS:-20}
JDK25=${BENCH_JDK25:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}
GATEWAY_JAVA_OPTS=
THREADS=2
CONNECTIONS=64

GATEWAY_JAR=$(realpath "$GATEWAY_JAR")
cd "$(dirname "$0")/.."
# shellcheck source=bench/lib.sh
. bench/lib.sh

for port in "$REDIS_PORT" "$UPSTREAM_PORT" "$PORT" "$((PORT + 2))"; do
  port_free "$port" || { log "port $port is in use"; exit 1; }
done
start_redis
start_upstream

LINES=()
# label java jar [JVM options...]: adds "<label> <seconds> s and <MB> MB" to LINES, medians of $STARTS starts
probe() {
  local label=$1 java=$2 jar=$3 times=() sizes=() ms rss
  shift 3
  for _ in $(seq "$STARTS"); do
    GATEWAY_JAVA=$java JAVA_OPTS_FOR_JAR="$*" start_gateway_jar "$jar" "$PORT" "$((PORT + 2))"
    read -r ms rss <<<"${STARTUP[$PORT]}"
    times+=("$ms")
    sizes+=("$rss")
    stop_gateway
  done
  LINES+=("$label $(middle "${times[@]}" | awk '{ printf "%.1f", $1 / 1000 }') s and $(middle "${sizes[@]}") MB")
}

middle() { printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

train() { # java archive-option: starts the extracted jar once, writing its archive when the context has refreshed
  "$1" "$2" -Dspring.context.exit=onRefresh -jar "$WORK/extracted/tokengate.jar" --server.port="$PORT" \
    --management.server.port="$((PORT + 2))" --spring.data.redis.port="$REDIS_PORT" \
    --spring.config.additional-location=file:bench/application-bench.yml \
    --bench.upstream.url="http://127.0.0.1:$UPSTREAM_PORT" >"$WORK/train.log" 2>&1 \
    || { log "training run failed:"; tail -30 "$WORK/train.log" >&2; exit 1; }
}

java -Djarmode=tools -jar "$GATEWAY_JAR" extract --destination "$WORK/extracted" >/dev/null
log "start-up on JDK 17, $STARTS starts each"
train java -XX:ArchiveClassesAtExit="$WORK/tokengate.jsa"
probe "JDK 17:" java "$GATEWAY_JAR"
probe "JDK 17 + AppCDS:" java "$WORK/extracted/tokengate.jar" -XX:SharedArchiveFile="$WORK/tokengate.jsa"
# shellcheck disable=SC2086
probe "JDK 17, container settings + AppCDS:" java "$WORK/extracted/tokengate.jar" \
  -XX:SharedArchiveFile="$WORK/tokengate.jsa" $CONTAINER_JAVA_OPTS
if [ -x "$JDK25" ]; then
  log "start-up on JDK 25, $STARTS starts each"
  train "$JDK25" -XX:AOTCacheOutput="$WORK/tokengate.aot"
  probe "JDK 25:" "$JDK25" "$GATEWAY_JAR"
  probe "JDK 25 + AOT cache:" "$JDK25" "$WORK/extracted/tokengate.jar" -XX:AOTCache="$WORK/tokengate.aot"
  # shellcheck disable=SC2086
  probe "JDK 25, container settings + AOT cache:" "$JDK25" "$WORK/extracted/tokengate.jar" \
    -XX:AOTCache="$WORK/tokengate.aot" $CONTAINER_JAVA_OPTS
  if [ "$LOAD_SECONDS" -gt 0 ] && command -v wrk >/dev/null; then
    log "memory under load, ${LOAD_SECONDS}s of tokens then ${LOAD_SECONDS}s of 1 MB POSTs"
    java bench/BenchRedis.java seed "$REDIS_PORT" 1000 "$WORK/valid.txt" "$WORK/unknown.txt"
    # shellcheck disable=SC2086
    GATEWAY_JAVA=$JDK25 JAVA_OPTS_FOR_JAR="-XX:AOTCache=$WORK/tokengate.aot $CONTAINER_JAVA_OPTS" \
      start_gateway_jar "$WORK/extracted/tokengate.jar" "$PORT" "$((PORT + 2))"
    wrk_run "$LOAD_SECONDS" "http://127.0.0.1:$PORT/api/x" "$WORK/valid.txt" >"$WORK/wrk-tokens.txt"
    wrk_run "$LOAD_SECONDS" "http://127.0.0.1:$PORT/public/x" "" body 16 >"$WORK/wrk-body.txt"
    curl -s "http://127.0.0.1:$((PORT + 2))/actuator/prometheus" >"$WORK/after-load.prom"
    metric() { # name [tag]: MB, summed over the metric's series in the scrape after the load
      awk -v name="$1" -v tag="${2:-}" 'index($0, name "{") == 1 && index($0, tag) { sum += $NF }
        END { printf "%.0f", sum / 1048576 }' "$WORK/after-load.prom"
    }
    MEMORY="memory with container settings + AOT cache, after ${LOAD_SECONDS}s of tokens and ${LOAD_SECONDS}s of 1 MB POSTs:"
    MEMORY+=" peak RSS $(awk '/VmHWM/ { printf "%.0f", $2 / 1024 }' "/proc/$GATEWAY_PID/status") MB,"
    MEMORY+=" heap used $(metric jvm_memory_used_bytes 'area="heap"') MB, committed $(metric jvm_memory_committed_bytes 'area="heap"') MB of $(metric jvm_memory_max_bytes 'area="heap"') MB,"
    MEMORY+=" non-heap $(metric jvm_memory_committed_bytes 'area="nonheap"') MB committed,"
    MEMORY+=" direct buffers $(metric jvm_buffer_memory_used_bytes 'id="direct"') MB,"
    MEMORY+=" threads $(awk '/^jvm_threads_live_threads/ { print $NF }' "$WORK/after-load.prom")"
    stop_gateway
  fi
fi
( IFS=';'; echo "${LINES[*]}" | sed 's/;/; /g' )
[ -z "${MEMORY:-}" ] || echo "$MEMORY"
