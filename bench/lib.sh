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
  [ -f /usr/lib/nginx/modules/ngx_http_lua_module.so ] || missing+=(libnginx-mod-http-lua)
  [ -f /usr/share/lua/5.1/nginx/redis.lua ] || missing+=(lua-nginx-redis)
  if [ ${#missing[@]} -gt 0 ]; then
    log "installing ${missing[*]} from Debian's packages"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
}

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

wait_for_port() { # port what [log file, shown if it never opens]
  local port=$1 what=$2
  for _ in $(seq 1 900); do
    port_free "$port" || return 0
    sleep 0.1
  done
  log "$what did not open port $port"
  [ -n "${3:-}" ] && tail -30 "$3" >&2
  exit 1
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

# nginx as the reference gateways: a plain reverse proxy (/public/), and + Lua checking the token in Redis on every
# request (/api/) or with a 1 s shared-dict cache (/cached/) (bench/nginx_auth.lua). Two workers, as the JVMs get
# both cores. Needs Debian's libnginx-mod-http-lua and lua-nginx-redis.
NGINX_LUA_PID=
start_nginx_lua() { # port
  local port=$1
  mkdir -p "$WORK/nginx-lua"
  cat >"$WORK/nginx-lua/nginx.conf" <<CONF
load_module /usr/lib/nginx/modules/ndk_http_module.so;
load_module /usr/lib/nginx/modules/ngx_http_lua_module.so;
worker_processes 2;
error_log $WORK/nginx-lua/error.log warn;
pid $WORK/nginx-lua/nginx.pid;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 10000000;
  keepalive_timeout 120s;
  lua_package_path "$ROOT/bench/?.lua;/usr/share/lua/5.1/?.lua;;";
  lua_shared_dict tokens 64m;
  upstream backend { server 127.0.0.1:$UPSTREAM_PORT; keepalive 64; }
  # tokengate as nginx's auth_request service, as in deploy/examples/nginx/tokengate.conf
  upstream tokengate { server 127.0.0.1:$GATEWAY_PORT; keepalive 64; }
  upstream tokengate_uncached { server 127.0.0.1:$UNCACHED_PORT; keepalive 64; }
  server {
    listen 127.0.0.1:$port;
    set \$redis_port $REDIS_PORT;
    proxy_http_version 1.1;
    proxy_set_header Connection "";
    location /public/ { proxy_pass http://backend; }
    location /api/ { access_by_lua_block { require("nginx_auth").check(false) } proxy_pass http://backend; }
    location /cached/ { access_by_lua_block { require("nginx_auth").check(true) } proxy_pass http://backend; }
    location /authz/ {
      auth_request /_authz;
      auth_request_set \$tokengate_user \$upstream_http_x_user_id;
      proxy_set_header X-User-Id \$tokengate_user;
      proxy_set_header Connection "";
      proxy_pass http://backend;
    }
    location /authz-uncached/ {
      auth_request /_authz_uncached;
      auth_request_set \$tokengate_user \$upstream_http_x_user_id;
      proxy_set_header X-User-Id \$tokengate_user;
      proxy_set_header Connection "";
      proxy_pass http://backend;
    }
    location = /_authz { internal; proxy_pass http://tokengate/_tokengate/authz; include $WORK/nginx-lua/authz-request.conf; }
    location = /_authz_uncached {
      internal; proxy_pass http://tokengate_uncached/_tokengate/authz; include $WORK/nginx-lua/authz-request.conf;
    }
  }
}
CONF
  cat >"$WORK/nginx-lua/authz-request.conf" <<'CONF'
proxy_pass_request_body off;
proxy_set_header Content-Length "";
proxy_set_header X-Original-URI $request_uri;
proxy_set_header X-Original-Method $request_method;
proxy_set_header X-Original-Host $host;
proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
proxy_set_header Connection "";
CONF
  "$(command -v nginx || echo /usr/sbin/nginx)" -c "$WORK/nginx-lua/nginx.conf" -p "$WORK/nginx-lua" -g 'daemon off;' &
  NGINX_LUA_PID=$!
  PIDS+=("$NGINX_LUA_PID")
  wait_for_port "$port" "nginx + Lua"
}

# A JVM gateway jar with the bench routes: java-binary jar port [--extra.property=value ...], its pid in STARTED_PID.
# JAVA_OPTS_FOR_JAR adds JVM options for this start only. STARTUP[port] is "<ms to ready> <RSS MB at ready>": from
# launch to the server's port answering, and the process's resident memory then.
STARTED_PID=
declare -A STARTUP
start_jar() {
  local java=$1 jar=$2 port=$3 started
  shift 3
  started=$(date +%s%N)
  # shellcheck disable=SC2086
  "$java" $GATEWAY_JAVA_OPTS ${JAVA_OPTS_FOR_JAR:-} -jar "$jar" \
    --server.port="$port" \
    --spring.data.redis.port="$REDIS_PORT" \
    --bench.upstream.url="http://127.0.0.1:$UPSTREAM_PORT" \
    "$@" >"$WORK/jar-$port.log" 2>&1 &
  STARTED_PID=$!
  PIDS+=("$STARTED_PID")
  until (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do
    kill -0 "$STARTED_PID" 2>/dev/null || { log "$jar on $port exited"; tail -30 "$WORK/jar-$port.log" >&2; exit 1; }
    sleep 0.02
  done
  STARTUP[$port]="$((($(date +%s%N) - started) / 1000000)) $(awk '/VmRSS/ { printf "%.0f", $2 / 1024 }' "/proc/$STARTED_PID/status")"
}

GATEWAY_PID=
start_gateway_jar() { # jar port management-port [--extra.property=value ...]; GATEWAY_JAVA picks the JVM
  local jar=$1 port=$2 management_port=$3
  shift 3
  start_jar "${GATEWAY_JAVA:-java}" "$jar" "$port" \
    --management.server.port="$management_port" \
    --spring.config.additional-location=file:bench/application-bench.yml \
    "$@"
  GATEWAY_PID=$STARTED_PID
}

# For the TLS and HTTP/2 benchmarks: h2load (Debian's nghttp2-client) and openssl
require_h2load() {
  if ! command -v h2load >/dev/null || ! command -v openssl >/dev/null; then
    log "installing nghttp2-client and openssl from Debian's packages"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nghttp2-client openssl >/dev/null
  fi
}

# An EC P-256 certificate for localhost and 127.0.0.1, made for the run: $WORK/tls.crt and $WORK/tls.key
make_tls_certificate() {
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj /CN=localhost \
    -addext subjectAltName=DNS:localhost,IP:127.0.0.1 -keyout "$WORK/tls.key" -out "$WORK/tls.crt" 2>/dev/null
}

start_tls_gateway_jar() { # jar port management-port: with that certificate, and HTTP/2 by ALPN beside HTTP/1.1
  start_gateway_jar "$1" "$2" "$3" --server.ssl.bundle=edge \
    --spring.ssl.bundle.pem.edge.keystore.certificate="file:$WORK/tls.crt" \
    --spring.ssl.bundle.pem.edge.keystore.private-key="file:$WORK/tls.key" --server.http2.enabled=true
}

stop_gateway() { # the one started last
  kill "$GATEWAY_PID" && wait "$GATEWAY_PID" 2>/dev/null || true
  GATEWAY_PID=
}

# Requests a gateway could not pass on because it lost the upstream connection, in every gateway's log so far:
# tokengate's access log lines with status=502, stock Spring Cloud Gateway's "Server Error for HTTP" lines (it answers
# those 500), nginx's upstream errors. The bench's upstream (nginx answering 200, never restarted) closes no
# connection under a request, so each one is the gateway's own defect.
bad_gateway_lines() {
  local total=0 file
  for file in "$WORK"/jar-*.log; do
    [ -f "$file" ] || continue
    if grep -q -m1 tokengate "$file"; then
      total=$((total + $(grep -c 'status=502' "$file" || true)))
    else
      total=$((total + $(grep -c 'Server Error for HTTP' "$file" || true)))
    fi
  done
  for file in "$WORK"/nginx*/error.log; do
    [ -f "$file" ] || continue
    total=$((total + $(grep -c -E 'while (reading response header from|sending request to) upstream' "$file" || true)))
  done
  echo "$total"
}

cpu_ticks() { [ -n "$1" ] && awk '{ print $14 + $15 }' "/proc/$1/stat" || echo 0; }
# Processes and their children (nginx's workers): user + system ticks of all; "pid1 pid2" counts both trees.
tree_ticks() {
  local total=0 root pid
  for root in $1; do
    for pid in "$root" $(pgrep -P "$root"); do
      total=$((total + $(awk '{ print $14 + $15 }' "/proc/$pid/stat" 2>/dev/null || echo 0)))
    done
  done
  echo "$total"
}
redis_calls() { java bench/BenchRedis.java calls "$REDIS_PORT"; }

# seconds url [file [mode [connections]]]: with a file, a token from it per request (bench/tokens.lua; mode `zipf`:
# picked with Zipf popularity, the first line most often), or with mode `path` a path from it; mode `body` without a
# file: POST 1 MB (bench/body.lua)
wrk_run() {
  local args=(-t"$THREADS" -c"${5:-$CONNECTIONS}" -d"$1"s --latency)
  if [ "${4:-}" = body ]; then
    wrk "${args[@]}" -s bench/body.lua "$2"
  elif [ -n "${3:-}" ]; then
    wrk "${args[@]}" -s bench/tokens.lua "$2" -- "$3" "${4:-}"
  else
    wrk "${args[@]}" "$2"
  fi
}

to_ms() { # wrk latency (e.g. 812.00us, 1.23ms, 1.02s) to milliseconds
  awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n = n; else if (v ~ /s$/) n *= 1000; printf "%.2f", n }'
}

