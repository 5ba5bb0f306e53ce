#!/usr/bin/env bash
# Time from `java -jar` to ready (GET /health answers 200) and resident memory once idle, N runs.
# Usage: bench/startup.sh [runs]    (embedded H2 on a fresh data directory each run)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:-5}
[ -f "$root/bot/target/labgate.jar" ] || (cd "$root" && mvn -q -DskipTests package)
for i in $(seq 1 "$runs"); do
  data=$(mktemp -d)
  start=$(date +%s%N)
  java -jar "$root/bot/target/labgate.jar" serve --port 18090 --data-dir "$data" > "$data/log" 2>&1 &
  pid=$!
  until [ "$(curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:18090/health || true)" = 200 ]; do sleep 0.02; done
  ready=$(( ($(date +%s%N) - start) / 1000000 ))
  sleep 10
  rss=$(awk '/VmRSS/{print $2}' /proc/$pid/status)
  echo "run $i: ready in ${ready} ms, idle RSS $((rss / 1024)) MiB"
  kill "$pid"; wait "$pid" || true
  rm -rf "$data"
done
