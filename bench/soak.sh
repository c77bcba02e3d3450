#!/usr/bin/env bash
# A long run under mixed traffic and breakage: bench/soak.sh [seconds, default 600]
#
# Builds the jar if needed and runs bench/Soak.java, which starts its own Redis (restarted every minute), an upstream
# and the gateway on loopback, drives valid, unknown, missing and revoked tokens, revokes tokens and changes routes
# while it runs, and prints requests by outcome and the bounds: requests forwarded without valid auth (0), 5xx other
# than the 503s of Redis restarts (0), heap after full GC at start and end, Netty leak reports (0). Exits 1 if a
# bound is broken. Not part of ./mvnw verify. Needs only a JDK (and ./mvnw verify run once, for the Redis binary).
set -euo pipefail

SOAK_SECONDS=${1:-600}

cd "$(dirname "$0")/.."
WORK=$(mktemp -d /tmp/tokengate-soak.XXXXXX)
trap 'rm -rf "$WORK"' EXIT

if [ ! -f target/tokengate.jar ] || [ -n "$(find src pom.xml -newer target/tokengate.jar -print -quit)" ]; then
  echo "building target/tokengate.jar" >&2
  ./mvnw -B -q package -DskipTests
fi

if command -v redis-server >/dev/null; then
  REDIS=$(command -v redis-server)
else
  JAR=$(find "${HOME}/.m2/repository/com/github/codemonstur/embedded-redis" -name 'embedded-redis-*.jar' | sort | tail -1)
  [ -n "$JAR" ] || { echo "no redis-server and no embedded-redis jar (run ./mvnw verify once)" >&2; exit 1; }
  unzip -q -o -j "$JAR" 'redis-server-*-linux-amd64' -d "$WORK"
  chmod +x "$WORK"/redis-server-*-linux-amd64
  REDIS=$(ls "$WORK"/redis-server-*-linux-amd64)
fi

java bench/Soak.java "$SOAK_SECONDS" target/tokengate.jar "$REDIS" "$WORK"
