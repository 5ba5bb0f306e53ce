#!/usr/bin/env bash
# Time from start to ready (GET /health answers 200), the CPU time the JVM spent until then, and
# resident memory once idle, N runs, on the embedded default (H2, a fresh data directory each run).
# Usage: bench/startup.sh [runs] [how]
#   how = launcher (default): ./labgate serve, with the launcher's JVM flags and its AppCDS archive
#         (a first, unmeasured run writes the archive when it stops, as a user's first run does);
#         deployed: java @deploy/jvm.options -jar bot/target/labgate.jar serve, as the container
#         image and the systemd unit run it (the launcher's JVM options, no archive);
#         plain: java -jar bot/target/labgate.jar serve, no levers.
#   env LABGATE_JAVA_OPTS is passed on in every mode (e.g. to try one lever at a time); JAVA_HOME
#   chooses the Java in every mode, as it does for the launcher.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:-5}
how=${2:-launcher}
[ -f "$root/bot/target/labgate.jar" ] || (cd "$root" && mvn -q -DskipTests package)
start() { # data-dir: starts the service in the background, sets pid
  if [ "$how" = plain ]; then
    "$java" ${LABGATE_JAVA_OPTS:-} -jar "$root/bot/target/labgate.jar" serve --port 18090 --data-dir "$1" > "$1/log" 2>&1 &
  elif [ "$how" = deployed ]; then
    "$java" @"$root/deploy/jvm.options" ${LABGATE_JAVA_OPTS:-} -jar "$root/bot/target/labgate.jar" serve --port 18090 \
      --data-dir "$1" > "$1/log" 2>&1 &
  else
    "$root/labgate" serve --port 18090 --data-dir "$1" > "$1/log" 2>&1 &
  fi
  pid=$!
}
# Waits until GET /health answers 200. Bash's own /dev/tcp, not a curl every few milliseconds: on
# two cores, starting a curl 50 times a second took CPU from the service it was timing (about half a
# second of the figure).
await_health() {
  local status
  while :; do
    if exec 3<>/dev/tcp/127.0.0.1/18090; then
      printf 'GET /health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n' >&3
      status=; read -r -t 10 status <&3 || true
      exec 3<&-
      [[ $status == *" 200 "* ]] && return
    fi 2>/dev/null
    sleep 0.01
  done
}
# The launcher's archive for this Java (bot/target/labgate-java<version>.jsa, or .aot from Java 25).
java=java; [ -n "${JAVA_HOME:-}" ] && java="$JAVA_HOME/bin/java"
version=$(sed -n 's/^JAVA_VERSION="\([0-9.]*\)".*/\1/p' "$(dirname "$(dirname "$(readlink -f "$(command -v "$java")")")")/release")
archive=$(ls "$root"/bot/target/labgate-java"$version".{jsa,aot} 2>/dev/null | head -1 || true)
if [ "$how" = launcher ] && { [ -z "$archive" ] || [ "$root/bot/target/labgate.jar" -nt "$archive" ]; }; then
  data=$(mktemp -d); start "$data"
  await_health
  kill "$pid"; wait "$pid" || true; rm -rf "$data"
  echo "archive written: $(du -h "$root"/bot/target/labgate-java"$version".* | cut -f1)"
fi
for i in $(seq 1 "$runs"); do
  data=$(mktemp -d)
  begin=$(date +%s%N)
  start "$data"
  await_health
  ready=$(( ($(date +%s%N) - begin) / 1000000 ))
  # CPU the JVM spent getting ready (all its threads): unlike the time, hardly moved by other load
  cpu=$(awk -v hz="$(getconf CLK_TCK)" '{sub(/.*\) /, ""); printf "%d", ($12 + $13) * 1000 / hz}' /proc/$pid/stat)
  sleep 10
  rss=$(awk '/VmRSS/{print $2}' /proc/$pid/status)
  echo "run $i ($how): ready in ${ready} ms (CPU ${cpu} ms), idle RSS $((rss / 1024)) MiB"
  kill "$pid"; wait "$pid" || true
  rm -rf "$data"
done
