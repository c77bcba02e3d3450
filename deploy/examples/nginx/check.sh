#!/usr/bin/env bash
# Real nginx in front of a started tokengate: deploy/examples/nginx/check.sh <tokengate-port> <redis-port>
#
# Starts nginx on loopback with tokengate.conf (ports rewritten) and a test upstream inside the same nginx that echoes
# the identity headers it receives, then checks allow, deny, scope, public, a non-canonical path, revocation (refused
# on the next request, or within 50 ms) and Redis not answering (503 with Retry-After). A second server has nginx's
# own documented auth_request configuration, which sends X-Original-URI only: policies that name no method decide. tokengate must run with
# deploy/examples/policies.yml on a Redis this script may write to (it issues and deletes its own tokens, and pauses
# Redis for two seconds). Needs nginx (Debian: nginx-light), curl and sha256sum. Exit status 0 when every check passes.
# REVOCATION_BOUND_MS (default 50) is the revocation bound; the test suite, on a possibly busy build machine, allows
# what only a broken invalidation exceeds (a cached token would otherwise live for the cache's TTL, 5 minutes).
set -euo pipefail

TOKENGATE_PORT=${1:?tokengate port}
REDIS_PORT=${2:?redis port}
HERE=$(cd "$(dirname "$0")" && pwd)
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
WORK=$(mktemp -d)
NGINX_PID=
FAILED=0
BOUND_MS=${REVOCATION_BOUND_MS:-50}

cleanup() {
  [ -n "$NGINX_PID" ] && kill "$NGINX_PID" 2>/dev/null && wait "$NGINX_PID" 2>/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null \
  || echo $((20000 + RANDOM % 20000)); }
now_ms() { echo $(($(date +%s%N) / 1000000)); }
pass() { echo "ok   $*"; }
fail() { echo "FAIL $*"; FAILED=1; }

# One Redis command over /dev/tcp (RESP), its reply's first line on stdout: no redis-cli needed
redis() {
  local request="*$#\r\n" arg
  for arg in "$@"; do request+="\$${#arg}\r\n$arg\r\n"; done
  exec 3<>"/dev/tcp/127.0.0.1/$REDIS_PORT"
  printf "%b" "$request" >&3
  local reply
  IFS= read -r reply <&3
  exec 3<&-
  echo "${reply%$'\r'}"
}

issue() { # user scopes: a new token on stdout
  local token hash
  token=check-$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
  hash=$(printf %s "$token" | sha256sum | cut -d' ' -f1)
  redis HSET "auth:token:$hash" user "$1" scopes "$2" >/dev/null
  echo "$token"
}
revoke() { redis DEL "auth:token:$(printf %s "$1" | sha256sum | cut -d' ' -f1)" >/dev/null; }

NGINX_PORT=$(free_port)
MINIMAL_PORT=$(free_port)
APP_PORT=$(free_port)
sed -e "s/127.0.0.1:8080/127.0.0.1:$TOKENGATE_PORT/" -e "s/127.0.0.1:9000/127.0.0.1:$APP_PORT/" \
  -e "s/listen 127.0.0.1:8000/listen 127.0.0.1:$NGINX_PORT/" "$HERE/tokengate.conf" >"$WORK/tokengate.conf"
cat >"$WORK/nginx.conf" <<CONF
worker_processes 1;
error_log $WORK/error.log warn;
pid $WORK/nginx.pid;
events { worker_connections 256; }
http {
  access_log off;
  client_body_temp_path $WORK/tmp; proxy_temp_path $WORK/tmp; fastcgi_temp_path $WORK/tmp;
  uwsgi_temp_path $WORK/tmp; scgi_temp_path $WORK/tmp;
  include $WORK/tokengate.conf;
  # nginx's documented configuration (ngx_http_auth_request_module), as a new user copies it: X-Original-URI only
  server {
    listen 127.0.0.1:$MINIMAL_PORT;
    location / {
      auth_request /auth;
      proxy_pass http://127.0.0.1:$APP_PORT;
    }
    location = /auth {
      internal;
      proxy_pass http://127.0.0.1:$TOKENGATE_PORT/_tokengate/authz;
      proxy_pass_request_body off;
      proxy_set_header Content-Length "";
      proxy_set_header X-Original-URI \$request_uri;
    }
  }
  # the test upstream: says which identity it received
  server {
    listen 127.0.0.1:$APP_PORT;
    location / { return 200 "user=\$http_x_user_id scopes=\$http_x_user_scopes\n"; }
  }
}
CONF
mkdir -p "$WORK/tmp"
"$NGINX" -c "$WORK/nginx.conf" -p "$WORK" -g 'daemon off;' 2>"$WORK/nginx.out" &
NGINX_PID=$!
for _ in $(seq 1 100); do
  curl -s -o /dev/null "http://127.0.0.1:$NGINX_PORT/status/up" && break
  sleep 0.05
done

BASE=http://127.0.0.1:$NGINX_PORT
# status code, then the body (or the named header's value) after a space
ask() { # method path [curl args...]
  local method=$1 path=$2; shift 2
  curl -s --path-as-is -X "$method" -o "$WORK/body" -D "$WORK/headers" -w '%{http_code}' "$@" "$BASE$path"
}
header() { grep -i "^$1:" "$WORK/headers" | head -1 | cut -d' ' -f2- | tr -d '\r'; }
expect() { # what got want
  if [ "$2" = "$3" ]; then pass "$1"; else fail "$1: got '$2', want '$3'"; fi
}

reader=$(issue alice orders:read)
expect "valid token: 200" "$(ask GET /orders/1 -H "Authorization: Bearer $reader")" 200
expect "valid token: the upstream receives the identity" "$(cat "$WORK/body")" "user=alice scopes=orders:read"
expect "no token: 401" "$(ask GET /orders/1)" 401
expect "no token: challenge" "$(header WWW-Authenticate)" 'Bearer realm="tokengate"'
expect "unknown token: 401" "$(ask GET /orders/1 -H "Authorization: Bearer unknown-$reader")" 401
expect "unknown token: challenge" "$(header WWW-Authenticate)" 'Bearer realm="tokengate", error="invalid_token"'
expect "malformed credentials: 400" "$(ask GET /orders/1 -H "Authorization: Bearer")" 400
expect "insufficient scope: 403" "$(ask DELETE /orders/1 -H "Authorization: Bearer $reader")" 403
expect "insufficient scope: challenge" "$(header WWW-Authenticate)" \
  'Bearer realm="tokengate", error="insufficient_scope", scope="orders:write"'
expect "public path without token: 200" "$(ask GET /status/up -H 'X-User-Id: mallory' -H 'X_User_Id: mallory')" 200
expect "public path: the client's identity headers never reach the upstream" "$(cat "$WORK/body")" "user= scopes="
expect "non-canonical path: 400, not the public policy" "$(ask GET /status/../orders/1)" 400
expect "encoded dot segment: 400" "$(ask GET /status/%2e%2e/orders/1)" 400

revoked=$(issue alice orders:read)
ask GET /orders/1 -H "Authorization: Bearer $revoked" >/dev/null
ask GET /orders/1 -H "Authorization: Bearer $revoked" >/dev/null
revoke "$revoked"
start=$(now_ms)
attempts=0
while :; do
  attempts=$((attempts + 1))
  status=$(ask GET /orders/1 -H "Authorization: Bearer $revoked")
  elapsed=$(($(now_ms) - start))
  [ "$status" = 401 ] && break
  [ "$elapsed" -gt 5000 ] && break
done
echo "     revocation: refused after $attempts request(s), ${elapsed} ms after Redis confirmed the DEL"
if [ "$status" = 401 ] && { [ "$attempts" = 1 ] || [ "$elapsed" -lt "$BOUND_MS" ]; }; then
  pass "revoked token: refused on the next request or within $BOUND_MS ms"
else
  fail "revoked token: still $status after $attempts requests and $elapsed ms"
fi

MINIMAL=http://127.0.0.1:$MINIMAL_PORT
minimal() { curl -s --path-as-is -o /dev/null -w '%{http_code}' "$@"; }
expect "documented nginx configuration, public policy: 200" "$(minimal "$MINIMAL/status/up")" 200
expect "documented nginx configuration, no policy, valid token: 200" \
  "$(minimal -H "Authorization: Bearer $reader" "$MINIMAL/profile")" 200
expect "documented nginx configuration, no policy, no token: 401" "$(minimal "$MINIMAL/profile")" 401
# orders-write names methods: tokengate cannot decide without X-Original-Method and says so (400, which nginx shows
# as 500), never guessing
expect "documented nginx configuration, a policy naming methods: refused" \
  "$(minimal -H "Authorization: Bearer $reader" "$MINIMAL/orders/1")" 500

unseen=$(issue alice orders:read)
redis CLIENT PAUSE 2000 >/dev/null
expect "Redis not answering: 503" "$(ask GET /orders/1 -H "Authorization: Bearer $unseen")" 503
expect "Redis not answering: Retry-After" "$(header Retry-After)" 1
until [ "$(redis PING)" = "+PONG" ]; do sleep 0.1; done
expect "Redis back: 200" "$(ask GET /orders/1 -H "Authorization: Bearer $unseen")" 200
revoke "$reader"
revoke "$unseen"

if [ "$FAILED" != 0 ]; then
  echo "nginx error log:"; cat "$WORK/error.log" "$WORK/nginx.out" 2>/dev/null || true
  exit 1
fi
echo "all nginx checks passed"
