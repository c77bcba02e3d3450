# Shared by bench/run.sh and bench/compare.sh: a work folder cleaned up on exit, the Debian packages they need, Redis,
# an nginx upstream and gateways on loopback, and wrk. Source it after setting REDIS_PORT, UPSTREAM_PORT, THREADS,
# CONNECTIONS and GATEWAY_JAVA_OPTS, from the repository's root.

WORK=$(mktemp -d /tmp/tokengate-bench.XXXXXX)
PIDS=()

cleanup() {
  local pid
  for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do
    pid=${PIDS[i]}
    kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true
  done
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log() { printf '%s %s\n' "$(date +%T)" "$*" >&2; }

require_packages() {
  local missing=()
  command -v wrk >/dev/null || missing+=(wrk)
  command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || missing+=(nginx-light)
  if [ ${#missing[@]} -gt 0 ]; then
    log "installing ${missing[*]} from Debian's packages"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
}

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

wait_for_port() {
  local port=$1 what=$2
  for _ in $(seq 1 300); do
    port_free "$port" || return 0
    sleep 0.1
  done
  log "$what did not open port $port"; exit 1
}

redis_binary() {
  if command -v redis-server >/dev/null; then command -v redis-server; return; fi
  local jar
  jar=$(find "${HOME}/.m2/repository/com/github/codemonstur/embedded-redis" -name 'embedded-redis-*.jar' | sort | tail -1)
  [ -n "$jar" ] || { log "no redis-server and no embedded-redis jar (run ./mvnw verify once)"; exit 1; }
  unzip -q -o -j "$jar" 'redis-server-*-linux-amd64' -d "$WORK"
  chmod +x "$WORK"/redis-server-*-linux-amd64
  ls "$WORK"/redis-server-*-linux-amd64
}

start_redis() {
  "$(redis_binary)" --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no >"$WORK/redis.log" 2>&1 &
  PIDS+=($!)
  wait_for_port "$REDIS_PORT" redis
}

start_upstream() {
  mkdir -p "$WORK/nginx"
  cat >"$WORK/nginx/nginx.conf" <<CONF
worker_processes 1;
error_log $WORK/nginx/error.log warn;
pid $WORK/nginx/nginx.pid;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 10000000;
  keepalive_timeout 120s;
  server {
    listen 127.0.0.1:$UPSTREAM_PORT;
    location / { return 200 "ok\n"; }
  }
}
CONF
  "$(command -v nginx || echo /usr/sbin/nginx)" -c "$WORK/nginx/nginx.conf" -p "$WORK/nginx" -g 'daemon off;' &
  PIDS+=($!)
  wait_for_port "$UPSTREAM_PORT" nginx
}

GATEWAY_PID=
start_gateway_jar() { # jar port management-port [--extra.property=value ...]
  local jar=$1 port=$2 management_port=$3
  shift 3
  # shellcheck disable=SC2086
  java $GATEWAY_JAVA_OPTS -jar "$jar" \
    --server.port="$port" \
    --management.server.port="$management_port" \
    --spring.data.redis.port="$REDIS_PORT" \
    --bench.upstream.url="http://127.0.0.1:$UPSTREAM_PORT" \
    --spring.config.additional-location=file:bench/application-bench.yml \
    "$@" >"$WORK/gateway-$port.log" 2>&1 &
  GATEWAY_PID=$!
  PIDS+=("$GATEWAY_PID")
  wait_for_port "$port" gateway
}

stop_gateway() { # the one started last
  kill "$GATEWAY_PID" && wait "$GATEWAY_PID" 2>/dev/null || true
  GATEWAY_PID=
}

cpu_ticks() { [ -n "$1" ] && awk '{ print $14 + $15 }' "/proc/$1/stat" || echo 0; }
redis_calls() { java bench/BenchRedis.java calls "$REDIS_PORT"; }

wrk_run() { # seconds url tokens-file-or-empty
  local args=(-t"$THREADS" -c"$CONNECTIONS" -d"$1"s --latency)
  if [ -n "$3" ]; then wrk "${args[@]}" -s bench/tokens.lua "$2" -- "$3"; else wrk "${args[@]}" "$2"; fi
}

to_ms() { # wrk latency (e.g. 812.00us, 1.23ms, 1.02s) to milliseconds
  awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n = n; else if (v ~ /s$/) n *= 1000; printf "%.2f", n }'
}

