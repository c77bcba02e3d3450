#!/usr/bin/env bash
# What tokengate costs, next to what it competes with, in one run on one machine: bench/run.sh [seconds-per-row] [connections]
#
# Starts its own Redis (10,000 seeded tokens), an nginx upstream, and every gateway at once: nginx as a reverse proxy
# and with a Lua token check (bench/nginx_auth.lua), stock Spring Cloud Gateway with and without a tutorial Redis
# filter (bench/stock-scg), and tokengate with its near cache, without it, and on JDK 25 when Temurin 25 is installed.
# Every row is measured once per round, rounds interleaved (BENCH_ROUNDS, 3 by default), so that whatever else the
# machine does weighs on all rows alike; the table gives medians, the goals per-round ratios. Writes the table with
# the machine, commit and date to bench/results/<date>-<commit>.md and into docs/performance.md.
set -euo pipefail

SECONDS_PER_ROW=${1:-10}
CONNECTIONS=${2:-64}
ROUNDS=${BENCH_ROUNDS:-3}
WARMUP_SECONDS=${BENCH_WARMUP_SECONDS:-5}               # before each row in each round, discarded
JVM_WARMUP_SECONDS=${BENCH_JVM_WARMUP_SECONDS:-60}      # once per JVM, mixed traffic, discarded: the JIT compiles the whole path
THREADS=2
TOKENS=10000
REDIS_PORT=${BENCH_REDIS_PORT:-17379}
UPSTREAM_PORT=${BENCH_UPSTREAM_PORT:-17081}
GATEWAY_PORT=${BENCH_GATEWAY_PORT:-17080}               # tokengate, near cache (management: +2)
UNCACHED_PORT=$((GATEWAY_PORT + 3))                     # tokengate, no cache (management: +5)
JDK25_PORT=$((GATEWAY_PORT + 6))                        # tokengate on JDK 25 (management: +8)
STOCK_PORT=$((GATEWAY_PORT + 10))                       # stock Spring Cloud Gateway
LUA_PORT=$((GATEWAY_PORT + 11))                         # nginx, plain and + Lua
ROUTES_PORT=$((GATEWAY_PORT + 12))                      # tokengate with 1,000 public routes (management: +14)
ROUTES100_PORT=$((GATEWAY_PORT + 15))                   # tokengate with 100 public routes (management: +17)
ZIPF_PORT=$((GATEWAY_PORT + 18))                        # tokengate for the 1,000,000 Zipf tokens (management: +20)
CONTAINER_PORT=$((GATEWAY_PORT + 21))                   # tokengate with a container's JVM settings (management: +23)
CONTAINER25_PORT=$((GATEWAY_PORT + 24))                 # the same on JDK 25 (management: +26)
LOAD_PORT=$((GATEWAY_PORT + 27))                        # container settings, 1,024 connections and 1 MB bodies (management: +29)
ROUTE_COUNT=1000
ZIPF_TOKENS=${BENCH_ZIPF_TOKENS:-1000000}
# The image's JDK_JAVA_OPTIONS (Dockerfile) in the deployment's 768 MiB limit, the heap given outright
# (MaxRAMPercentage=50 of this machine's memory would be far more): the container rows.
CONTAINER_JAVA_OPTS=${BENCH_CONTAINER_JAVA_OPTS:--Xmx384m -XX:MaxDirectMemorySize=128m -XX:+UseSerialGC -XX:+ExitOnOutOfMemoryError}
GATEWAY_JAVA_OPTS=${BENCH_JAVA_OPTS:-}   # empty: the JVM defaults a user gets
JDK25=${BENCH_JDK25:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}
# Another build to measure on the same machine, e.g. the jar of the commit before a change; its results are labelled
# and docs/performance.md is left alone.
GATEWAY_JAR=${BENCH_JAR:-target/tokengate.jar}
STOCK_JAR=bench/stock-scg/target/stock-scg.jar
LABEL=${BENCH_LABEL:-}

cd "$(dirname "$0")/.."
ROOT=$(pwd)
# shellcheck source=bench/lib.sh
. bench/lib.sh

build_jars() {
  if [ -n "${BENCH_JAR:-}" ]; then
    [ -f "$GATEWAY_JAR" ] || { log "no jar at $GATEWAY_JAR"; exit 1; }
  elif [ ! -f target/tokengate.jar ] || [ -n "$(find src pom.xml -newer target/tokengate.jar -print -quit)" ]; then
    log "building target/tokengate.jar"
    ./mvnw -B -q package -DskipTests
  fi
  if [ ! -f "$STOCK_JAR" ] || [ -n "$(find bench/stock-scg/src bench/stock-scg/pom.xml -newer "$STOCK_JAR" -print -quit)" ]; then
    log "building $STOCK_JAR"
    ./mvnw -B -q -f bench/stock-scg/pom.xml package
  fi
}

jvm_warmup() { # port
  log "JIT warm-up of the JVM on $1: ${JVM_WARMUP_SECONDS}s of mixed traffic, discarded"
  local half=$((JVM_WARMUP_SECONDS / 2))
  wrk_run "$half" "http://127.0.0.1:$1/public/x" "" >/dev/null
  wrk_run "$half" "http://127.0.0.1:$1/api/x" "$WORK/valid.txt" >/dev/null
}

heap_used() { # K; G1 prints one heap line, the serial collector one per generation
  jcmd "$1" GC.heap_info 2>/dev/null | awk '/generation|garbage-first heap/ {
    for (i = 1; i <= NF; i++) if ($i == "used") { v = $(i + 1); sub(/K.*/, "", v); sum += v } }
    END { print sum "K" }'
}

# One row: id|name|url|file for the wrk script (empty: none)|2xx expected (yes/no)|pid whose process tree is timed|
# count Redis commands|wrk mode (see wrk_run: path, zipf, body)|connections (default CONNECTIONS)
declare -a ROW_DEFS=()
row() { ROW_DEFS+=("$1|$2|$3|$4|$5|$6|$7|${8:-}|${9:-$CONNECTIONS}"); }

# count public routes /r<i>/** in the order given (routes-<count>.yml), and a file of one path under each
# (paths-<count>.txt)
write_routes() {
  local count=$1
  {
    echo "spring.cloud.gateway.server.webflux.routes:"
    for i in $(seq 0 $((count - 1))); do
      printf '  - id: r%d\n    uri: http://127.0.0.1:%d\n    predicates: [ "Path=/r%d/**" ]\n    metadata: { auth: none }\n' \
        "$i" "$UPSTREAM_PORT" "$i"
    done
  } >"$WORK/routes-$count.yml"
  seq 0 $((count - 1)) | awk '{ print "/r" $1 "/x" }' >"$WORK/paths-$count.txt"
}

# After a full collection: heap used (KB) and the near cache's entries (its gauge on the management port)
heap_after_gc() { jcmd "$1" GC.run >/dev/null 2>&1; heap_used "$1" | tr -d 'K'; }
cache_entries() { curl -s "http://127.0.0.1:$1/actuator/prometheus" | awk '/^tokengate_cache_size/ { printf "%.0f", $2 }'; }
peak_rss_mb() { awk '/VmHWM/ { printf "%.0f", $2 / 1024 }' "/proc/$1/status"; }

# Per row, one value per round, space-separated
declare -A CPU RPS P50 P99 NON2XX CMDS GATEWAY_CPU BAD_GATEWAY

measure() { # row definition
  local id name url tokens expect2xx pid count_redis mode connections
  IFS='|' read -r id name url tokens expect2xx pid count_redis mode connections <<<"$1"
  local bad_before
  bad_before=$(bad_gateway_lines)
  wrk_run "$WARMUP_SECONDS" "$url" "$tokens" "$mode" "$connections" >/dev/null
  local calls_before ticks_before out ticks_after calls_after requests gateway_ticks_before gateway_ticks_after
  calls_before=$( [ "$count_redis" = yes ] && redis_calls || echo 0)
  ticks_before=$(tree_ticks "$pid")
  gateway_ticks_before=$(tree_ticks "${pid##* }")
  out=$(wrk_run "$SECONDS_PER_ROW" "$url" "$tokens" "$mode" "$connections")
  ticks_after=$(tree_ticks "$pid")
  gateway_ticks_after=$(tree_ticks "${pid##* }")
  calls_after=$( [ "$count_redis" = yes ] && redis_calls || echo 0)
  requests=$(awk '/requests in/ { print $1 }' <<<"$out")
  RPS[$id]+="$(awk '/Requests\/sec/ { printf "%.0f", $2 }' <<<"$out") "
  P50[$id]+="$(to_ms "$(awk '$1 == "50%" { print $2 }' <<<"$out")") "
  P99[$id]+="$(to_ms "$(awk '$1 == "99%" { print $2 }' <<<"$out")") "
  if [ "${pid#* }" != "$pid" ]; then # "nginx gateway": the gateway's own share too
    GATEWAY_CPU[$id]+="$(awk -v t=$((gateway_ticks_after - gateway_ticks_before)) -v hz="$(getconf CLK_TCK)" -v r="$requests" 'BEGIN { printf "%.1f", t * 1e6 / hz / r }') "
  fi
  CPU[$id]+="$(awk -v t=$((ticks_after - ticks_before)) -v hz="$(getconf CLK_TCK)" -v r="$requests" 'BEGIN { printf "%.1f", t * 1e6 / hz / r }') "
  local non2xx
  non2xx=$(awk '/Non-2xx/ { print $5 }' <<<"$out")
  NON2XX[$id]+="${non2xx:-0} "
  [ "$count_redis" = yes ] && CMDS[$id]+="$(awk -v c=$((calls_after - calls_before)) -v r="$requests" 'BEGIN { printf "%.3f", c / r }') "
  BAD_GATEWAY[$id]+="$(($(bad_gateway_lines) - bad_before)) "
  return 0
}

median() { tr ' ' '\n' <<<"$1" | awk 'NF' | sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print "–"; else if (NR % 2) print v[(NR + 1) / 2]; else printf "%.3g\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
# a / b for each round, then their median: "0.95 1.61 1.35 → 1.35"
ratios() {
  local per
  per=$(paste -d' ' <(tr ' ' '\n' <<<"$1" | awk 'NF') <(tr ' ' '\n' <<<"$2" | awk 'NF') |
    awk '{ printf "%.2f ", ($2 > 0 ? $1 / $2 : 0) }')
  echo "$per→ $(median "$per")"
}

# --- run ---------------------------------------------------------------------------------------------------------
for port in "$REDIS_PORT" "$UPSTREAM_PORT" "$GATEWAY_PORT" "$((GATEWAY_PORT + 2))" "$UNCACHED_PORT" "$((UNCACHED_PORT + 2))" \
  "$JDK25_PORT" "$((JDK25_PORT + 2))" "$STOCK_PORT" "$LUA_PORT" "$ROUTES_PORT" "$((ROUTES_PORT + 2))" \
  "$ROUTES100_PORT" "$((ROUTES100_PORT + 2))" "$ZIPF_PORT" "$((ZIPF_PORT + 2))" "$CONTAINER_PORT" "$((CONTAINER_PORT + 2))" \
  "$CONTAINER25_PORT" "$((CONTAINER25_PORT + 2))" "$LOAD_PORT" "$((LOAD_PORT + 2))" "$((LOAD_PORT + 3))" "$((LOAD_PORT + 5))"; do
  port_free "$port" || { log "port $port is in use (set BENCH_*_PORT)"; exit 1; }
done
require_packages
build_jars
# wrk's 1,024 connections, and as many on each side of the gateway: the soft limit up to the hard one
hard_limit=$(ulimit -Hn)
ulimit -n "$([ "$hard_limit" = unlimited ] && echo 65536 || echo $((hard_limit < 65536 ? hard_limit : 65536)))"
start_redis
log "seeding $TOKENS tokens"
java bench/BenchRedis.java seed "$REDIS_PORT" "$TOKENS" "$WORK/valid.txt" "$WORK/unknown.txt"
log "seeding $ZIPF_TOKENS more tokens for the Zipf row"
java bench/BenchRedis.java seed "$REDIS_PORT" "$ZIPF_TOKENS" "$WORK/zipf.txt" "$WORK/zipf-unknown.txt"
start_upstream
UPSTREAM_PID=${PIDS[-1]}
start_nginx_lua "$LUA_PORT"
start_jar java "$STOCK_JAR" "$STOCK_PORT"
STOCK_PID=$STARTED_PID
start_gateway_jar "$GATEWAY_JAR" "$GATEWAY_PORT" "$((GATEWAY_PORT + 2))"
CACHED_PID=$GATEWAY_PID
start_gateway_jar "$GATEWAY_JAR" "$UNCACHED_PORT" "$((UNCACHED_PORT + 2))" --tokengate.cache.enabled=false
UNCACHED_PID=$GATEWAY_PID
write_routes "$ROUTE_COUNT"
start_gateway_jar "$GATEWAY_JAR" "$ROUTES_PORT" "$((ROUTES_PORT + 2))" --spring.config.import="file:$WORK/routes-$ROUTE_COUNT.yml"
ROUTES_PID=$GATEWAY_PID
write_routes 100
start_gateway_jar "$GATEWAY_JAR" "$ROUTES100_PORT" "$((ROUTES100_PORT + 2))" --spring.config.import="file:$WORK/routes-100.yml"
ROUTES100_PID=$GATEWAY_PID
start_gateway_jar "$GATEWAY_JAR" "$ZIPF_PORT" "$((ZIPF_PORT + 2))"
ZIPF_PID=$GATEWAY_PID
JAVA_OPTS_FOR_JAR=$CONTAINER_JAVA_OPTS start_gateway_jar "$GATEWAY_JAR" "$CONTAINER_PORT" "$((CONTAINER_PORT + 2))"
CONTAINER_PID=$GATEWAY_PID
# The same settings for the 1,024 connections and the 1 MB bodies: with the heap bounded as in a pod, its peak RSS
# against the 64-connection gateway's is what they cost in memory
JAVA_OPTS_FOR_JAR=$CONTAINER_JAVA_OPTS start_gateway_jar "$GATEWAY_JAR" "$LOAD_PORT" "$((LOAD_PORT + 2))"
LOAD_PID=$GATEWAY_PID
JDK25_PID=
CONTAINER25_PID=
if [ -x "$JDK25" ]; then
  GATEWAY_JAVA=$JDK25 start_gateway_jar "$GATEWAY_JAR" "$JDK25_PORT" "$((JDK25_PORT + 2))"
  JDK25_PID=$GATEWAY_PID
  GATEWAY_JAVA=$JDK25 JAVA_OPTS_FOR_JAR=$CONTAINER_JAVA_OPTS \
    start_gateway_jar "$GATEWAY_JAR" "$CONTAINER25_PORT" "$((CONTAINER25_PORT + 2))"
  CONTAINER25_PID=$GATEWAY_PID
fi
for port in "$STOCK_PORT" "$GATEWAY_PORT" "$UNCACHED_PORT" "$CONTAINER_PORT" "$LOAD_PORT" ${JDK25_PID:+"$JDK25_PORT" "$CONTAINER25_PORT"}; do
  jvm_warmup "$port"
done
for count in "$ROUTE_COUNT" 100; do
  port=$([ "$count" = 100 ] && echo "$ROUTES100_PORT" || echo "$ROUTES_PORT")
  log "JIT warm-up of the JVM on $port: ${JVM_WARMUP_SECONDS}s over its $count routes, discarded"
  wrk_run "$JVM_WARMUP_SECONDS" "http://127.0.0.1:$port/" "$WORK/paths-$count.txt" path >/dev/null
done
log "JIT warm-up of the JVM on $ZIPF_PORT: ${JVM_WARMUP_SECONDS}s of Zipf-popular tokens, discarded (fills its near cache)"
wrk_run "$JVM_WARMUP_SECONDS" "http://127.0.0.1:$ZIPF_PORT/api/x" "$WORK/zipf.txt" zipf >/dev/null

T=http://127.0.0.1
row 1 "upstream direct (nginx)" "$T:$UPSTREAM_PORT/" "" yes "$UPSTREAM_PID" no
row 2 "nginx reverse proxy, no auth" "$T:$LUA_PORT/public/x" "" yes "$NGINX_LUA_PID" no
row 3 "nginx + Lua, token check, one HGET per request" "$T:$LUA_PORT/api/x" "$WORK/valid.txt" yes "$NGINX_LUA_PID" yes
row 4 "nginx + Lua, token check, 1 s shared-dict cache" "$T:$LUA_PORT/cached/x" "$WORK/valid.txt" yes "$NGINX_LUA_PID" yes
row 5 "nginx + Lua, no token (401)" "$T:$LUA_PORT/api/x" "" no "$NGINX_LUA_PID" no
row 6 "stock Spring Cloud Gateway, public route" "$T:$STOCK_PORT/public/x" "" yes "$STOCK_PID" no
row 7 "stock Spring Cloud Gateway + tutorial filter (one HGET)" "$T:$STOCK_PORT/api/x" "$WORK/valid.txt" yes "$STOCK_PID" yes
row 8 "tokengate, public route" "$T:$GATEWAY_PORT/public/x" "" yes "$CACHED_PID" no
row 9 "tokengate, token check, near cache" "$T:$GATEWAY_PORT/api/x" "$WORK/valid.txt" yes "$CACHED_PID" yes
row 10 "tokengate, token check, no cache (one HGET)" "$T:$UNCACHED_PORT/api/x" "$WORK/valid.txt" yes "$UNCACHED_PID" yes
row 11 "tokengate, no token (401)" "$T:$GATEWAY_PORT/api/x" "" no "$CACHED_PID" no
row 12 "tokengate, unknown tokens (401, negative cache)" "$T:$GATEWAY_PORT/api/x" "$WORK/unknown.txt" no "$CACHED_PID" yes
row 16 "tokengate, 100 public routes, requests spread over them" "$T:$ROUTES100_PORT/" "$WORK/paths-100.txt" yes "$ROUTES100_PID" no path
row 15 "tokengate, $ROUTE_COUNT public routes, requests spread over them" "$T:$ROUTES_PORT/" "$WORK/paths-$ROUTE_COUNT.txt" yes "$ROUTES_PID" no path
row 17 "tokengate, container JVM settings ($CONTAINER_JAVA_OPTS), token check, near cache" "$T:$CONTAINER_PORT/api/x" "$WORK/valid.txt" yes "$CONTAINER_PID" yes
row 19 "tokengate, container JVM settings, token check, near cache, 1024 connections" "$T:$LOAD_PORT/api/x" "$WORK/valid.txt" yes "$LOAD_PID" yes "" 1024
row 20 "tokengate, container JVM settings, public route, 1 MB POST per request, 16 connections (req/s = MB/s)" "$T:$LOAD_PORT/public/x" "" yes "$LOAD_PID" no body 16
row 21 "tokengate, token check, near cache, $ZIPF_TOKENS tokens with Zipf popularity" "$T:$ZIPF_PORT/api/x" "$WORK/zipf.txt" yes "$ZIPF_PID" yes zipf
# nginx in front, tokengate as its auth_request service: CPU counts nginx and the tokengate it asks
row 22 "nginx + tokengate authz (auth_request), near cache; CPU: nginx + tokengate" "$T:$LUA_PORT/authz/x" "$WORK/valid.txt" yes "$NGINX_LUA_PID $CACHED_PID" yes
row 23 "nginx + tokengate authz (auth_request), no cache; CPU: nginx + tokengate" "$T:$LUA_PORT/authz-uncached/x" "$WORK/valid.txt" yes "$NGINX_LUA_PID $UNCACHED_PID" yes
if [ -n "$JDK25_PID" ]; then
  row 13 "tokengate on JDK 25, public route" "$T:$JDK25_PORT/public/x" "" yes "$JDK25_PID" no
  row 14 "tokengate on JDK 25, token check, near cache" "$T:$JDK25_PORT/api/x" "$WORK/valid.txt" yes "$JDK25_PID" yes
  row 18 "tokengate on JDK 25, container JVM settings, token check, near cache" "$T:$CONTAINER25_PORT/api/x" "$WORK/valid.txt" yes "$CONTAINER25_PID" yes
fi

for round in $(seq 1 "$ROUNDS"); do
  for definition in "${ROW_DEFS[@]}"; do
    log "round $round of $ROUNDS: ${definition%%|http*}"
    measure "$definition"
  done
done

HEAP_CACHED=$(heap_used "$CACHED_PID")
HEAP_UNCACHED=$(heap_used "$UNCACHED_PID")
# Bytes per near-cache entry: the Zipf gateway's heap against the 10,000-token one's, both after a full collection
ZIPF_HEAP=$(heap_after_gc "$ZIPF_PID")
ZIPF_ENTRIES=$(cache_entries "$((ZIPF_PORT + 2))")
SMALL_HEAP=$(heap_after_gc "$CACHED_PID")
SMALL_ENTRIES=$(cache_entries "$((GATEWAY_PORT + 2))")
HEAP_CONTAINER=$(heap_after_gc "$CONTAINER_PID")
HEAP_LOAD=$(heap_after_gc "$LOAD_PID")
BYTES_PER_ENTRY=$(awk -v h1="$ZIPF_HEAP" -v h0="$SMALL_HEAP" -v e1="$ZIPF_ENTRIES" -v e0="$SMALL_ENTRIES" \
  'BEGIN { if (e1 > e0) printf "%.0f", (h1 - h0) * 1024 / (e1 - e0); else print "?" }')
RSS_LINE=""
for entry in "near cache:$CACHED_PID" "no cache:$UNCACHED_PID" "Zipf:$ZIPF_PID" "container settings:$CONTAINER_PID" \
  "container settings, 1024 connections and 1 MB bodies (rows 19, 20):$LOAD_PID" \
  ${CONTAINER25_PID:+"JDK 25 container settings:$CONTAINER25_PID"}; do
  RSS_LINE+="${entry%%:*} $(peak_rss_mb "${entry##*:}") MB, "
done
log "real nginx in front of a gateway with deploy/examples/policies.yml: deploy/examples/nginx/check.sh"
start_jar java "$GATEWAY_JAR" "$((LOAD_PORT + 3))" --management.server.port="$((LOAD_PORT + 5))" \
  --spring.config.import=file:deploy/examples/policies.yml
NGINX_CHECK=$(bash deploy/examples/nginx/check.sh "$((LOAD_PORT + 3))" "$REDIS_PORT" 2>&1 | grep -E "revocation:|passed|FAIL" | sed 's/^ *//' | paste -sd';' -)
kill "$STARTED_PID" && wait "$STARTED_PID" 2>/dev/null || true
log "revocation latency: 200 near-cached tokens deleted one by one"
REVOCATION=$(java bench/BenchRedis.java revocation "$REDIS_PORT" "$T:$GATEWAY_PORT/api/x" 200)

# The near cache's settled hit ratio on the Zipf tokens, at the Zipf row's request rate, with the default max-entries
# and ttl (CacheProperties) and with a larger cache: a 10 s row sees too few requests to fill it (bench/ZipfHitRatio.java)
defaults() { awk -F'"' -v name="$1" '$0 ~ name " =" { print $2 }' src/main/java/dev/tokengate/cache/CacheProperties.java; }
DEFAULT_MAX_ENTRIES=$(defaults DEFAULT_MAX_ENTRIES)
DEFAULT_TTL_SECONDS=$(( $(defaults DEFAULT_TTL | tr -d m) * 60 ))
ZIPF_RPS=$(median "${RPS[21]}")
log "settled near-cache hit ratio at $ZIPF_RPS req/s, 20,000,000 simulated requests"
java -Djarmode=tools -jar "$GATEWAY_JAR" extract --destination "$WORK/extracted" >/dev/null
SETTLED=$(java -cp "$WORK/extracted/lib/*" bench/ZipfHitRatio.java "$ZIPF_TOKENS" 20000000 "$ZIPF_RPS" \
  "$DEFAULT_TTL_SECONDS" "$DEFAULT_MAX_ENTRIES" $((DEFAULT_MAX_ENTRIES * 3)))
SETTLED_DEFAULT=$(awk 'NR == 1 { print $2 }' <<<"$SETTLED")
SETTLED_LARGER=$(awk 'NR == 2 { print $2 }' <<<"$SETTLED")

# Start-up of each runtime, alone: every gateway of the run stops first
for pid in "$STOCK_PID" "$CACHED_PID" "$UNCACHED_PID" "$ROUTES_PID" "$ROUTES100_PID" "$ZIPF_PID" "$CONTAINER_PID" "$LOAD_PID" \
  $JDK25_PID $CONTAINER25_PID; do
  kill "$pid" && wait "$pid" 2>/dev/null || true
done
STARTUP_LINE=$(BENCH_LOAD_SECONDS=0 bash bench/startup.sh "$GATEWAY_JAR")

TABLE="| # | scenario | req/s | CPU µs/req | CPU per round | p50 ms | p99 ms | non-2xx | 502s | CPU × stock SCG public | Redis cmds/req |
|---|---|---|---|---|---|---|---|---|---|---|"
BAD_GATEWAY_TOTAL=0
for definition in "${ROW_DEFS[@]}"; do
  IFS='|' read -r id name _ _ expect2xx _ _ _ <<<"$definition"
  non2xx=$(median "${NON2XX[$id]}")
  [ "$expect2xx" = yes ] || non2xx="(all expected)"
  bad=$(tr ' ' '\n' <<<"${BAD_GATEWAY[$id]}" | awk '{ s += $1 } END { print s + 0 }')
  BAD_GATEWAY_TOTAL=$((BAD_GATEWAY_TOTAL + bad))
  TABLE+=$'\n'"| $id | $name | $(median "${RPS[$id]}") | $(median "${CPU[$id]}") | ${CPU[$id]% } | $(median "${P50[$id]}") | $(median "${P99[$id]}") | $non2xx | $bad | $(ratios "${CPU[$id]}" "${CPU[6]}" | sed 's/.*→ //') | $(median "${CMDS[$id]:-}") |"
done

goal() { # text a b bound (at most / at least)
  local r
  r=$(ratios "$2" "$3")
  echo "| $1 | $r | $4 |"
}
GOALS="| goal (CPU µs/req unless said) | per round → median | target |
|---|---|---|
$(goal "near cache ÷ stock SCG public" "${CPU[9]}" "${CPU[6]}" "≤ 0.85")
$(goal "near cache ÷ nginx + Lua cached" "${CPU[9]}" "${CPU[4]}" "≤ 3 (moonshot)")
$(goal "no cache ÷ stock SCG + tutorial filter" "${CPU[10]}" "${CPU[7]}" "≤ 0.9")
$(goal "near cache ÷ tokengate public, req/s" "${RPS[9]}" "${RPS[8]}" "≥ 0.95")
$(goal "401 ÷ nginx + Lua 401" "${CPU[11]}" "${CPU[5]}" "≤ 4")
$(goal "$ROUTE_COUNT routes ÷ 2 routes (public)" "${CPU[15]}" "${CPU[8]}" "≤ 1.2")
$(goal "100 routes ÷ 2 routes (public)" "${CPU[16]}" "${CPU[8]}" "(reported)")
$(goal "1024 ÷ 64 connections, near cache, container settings" "${CPU[19]}" "${CPU[17]}" "(reported)")
| $ZIPF_TOKENS Zipf tokens: near-cache hit ratio during the row (cache filling), 1 − Redis cmds/req | $(tr ' ' '\n' <<<"${CMDS[21]}" | awk 'NF { printf "%.3f ", 1 - $1 }')→ $(awk -v c="$(median "${CMDS[21]}")" 'BEGIN { printf "%.3f", 1 - c }') | (reported) |
| $ZIPF_TOKENS Zipf tokens: settled near-cache hit ratio at $ZIPF_RPS req/s, max-entries $DEFAULT_MAX_ENTRIES (default) / $((DEFAULT_MAX_ENTRIES * 3)) | $SETTLED_DEFAULT / $SETTLED_LARGER | ≥ 0.9 |
$(goal "container settings ÷ defaults, near cache" "${CPU[17]}" "${CPU[9]}" "(runtime choice)")
$(goal "nginx + tokengate authz ÷ nginx + Lua cached (whole CPU)" "${CPU[22]}" "${CPU[4]}" "(reported)")
$(goal "nginx + tokengate authz ÷ tokengate near cache as the gateway (whole CPU)" "${CPU[22]}" "${CPU[9]}" "(reported)")
| tokengate's own CPU µs/req as nginx's auth_request service: near cache (row 22), no cache (row 23) | $(median "${GATEWAY_CPU[22]}") / $(median "${GATEWAY_CPU[23]}") | (reported) |"
if [ -n "$JDK25_PID" ]; then
  GOALS+=$'\n'"$(goal "JDK 25 ÷ JDK 17, public route" "${CPU[13]}" "${CPU[8]}" "(runtime choice)")"
  GOALS+=$'\n'"$(goal "JDK 25 ÷ JDK 17, near cache" "${CPU[14]}" "${CPU[9]}" "(runtime choice)")"
  GOALS+=$'\n'"$(goal "JDK 25 ÷ JDK 17, container settings, near cache" "${CPU[18]}" "${CPU[17]}" "(runtime choice)")"
fi

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
  echo "$GOALS"
  echo
  echo "- machine: $(nproc) cores, $CPU_MODEL, $JDK (JDK 25 rows: $("$JDK25" -version 2>&1 | head -1 || echo none))"
  echo "- load: wrk $THREADS threads, $CONNECTIONS connections; $ROUNDS interleaved rounds, each row ${SECONDS_PER_ROW}s per round after ${WARMUP_SECONDS}s of discarded warm-up (and ${JVM_WARMUP_SECONDS}s of mixed traffic after each JVM start); $TOKENS seeded tokens, one picked at random per request"
  echo "- req/s, CPU, p50, p99: medians of the rounds; CPU µs/req counts the measured gateway's process (nginx: master and workers) only"
  echo "- 502s: requests a gateway lost its upstream connection under, from the gateways' logs, all rounds; the upstream never causes one, so the run fails on any"
  echo "- real nginx + tokengate authz (deploy/examples/nginx/check.sh): ${NGINX_CHECK:-not run}"
  echo "- revocation, time from Redis confirming DEL to the gateway's first 401 (idle gateway, near cache on): $REVOCATION"
  echo "- tokengate heap used after the run: ${HEAP_CACHED:-?} (near cache), ${HEAP_UNCACHED:-?} (no cache); JVM options: ${GATEWAY_JAVA_OPTS:-none beyond the defaults} (container rows: $CONTAINER_JAVA_OPTS)"
  echo "- container settings, heap used after a full GC: ${HEAP_CONTAINER:-?}K on the 64-connection gateway (row 17), ${HEAP_LOAD:-?}K on the one that served 1,024 connections and 1 MB bodies (rows 19, 20)"
  echo "- near cache, heap per entry: $BYTES_PER_ENTRY bytes ($ZIPF_ENTRIES entries in ${ZIPF_HEAP}K after a full GC on the Zipf gateway, against $SMALL_ENTRIES entries in ${SMALL_HEAP}K on the 10,000-token one)"
  echo "- peak RSS (VmHWM) after the run: ${RSS_LINE%, }"
  echo "- start to port answering, and RSS then (bench/startup.sh after the rounds, each runtime alone, median of 3 starts): $STARTUP_LINE"
  echo "- every process (wrk, nginx, Redis, all gateways, idle ones included) shares the machine over loopback"
} >"$RESULT"
cat "$RESULT"
if [ "$BAD_GATEWAY_TOTAL" -gt 0 ]; then
  log "$BAD_GATEWAY_TOTAL requests lost their upstream connection (502s column): the run fails, docs/performance.md is left alone"
  exit 1
fi

# docs/performance.md shows the latest table of the checked-out build.
[ -z "${BENCH_JAR:-}" ] && python3 - "$RESULT" <<'PY' 2>/dev/null || log "docs/performance.md not updated (another jar, or python3 missing)"
import sys
result = open(sys.argv[1]).read().split("\n", 2)[2].strip()
readme = open("docs/performance.md").read()
start, end = "<!-- bench:start -->", "<!-- bench:end -->"
if start in readme and end in readme:
    head, rest = readme.split(start, 1)
    _, tail = rest.split(end, 1)
    link = "Latest run: [`%s`](../%s).\n\n" % (sys.argv[1], sys.argv[1])
    open("docs/performance.md", "w").write(head + start + "\n" + link + result + "\n" + end + tail)
PY
log "results in $RESULT"
