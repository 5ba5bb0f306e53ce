#!/usr/bin/env bash
# Side by side in one run: signed pull_request deliveries per second and latency for
#   labgate (embedded H2), labgate (PostgreSQL), and the Probot and @octokit/webhooks receivers in
#   ../shared/bench/webhook-peer (which verify and parse but persist nothing).
# Same payload (the corpus pull_request/opened example, 23,633 bytes compact), same wrk script and
# flags as the peer's bench.sh,
# the server under test pinned to CPU 0 (labgate together with its PostgreSQL), wrk to CPU 1.
#
# Usage: bench/intake-vs-peers.sh [output-dir]
#   env: DURATION (30s per level), CONNS ("1 16 64"), JAVA_WARMUP (60s), NODE_WARMUP (10s),
#        ONLY (space-separated subset of: labgate-h2 labgate-pg octokit probot),
#        LABGATE_WORK (true: deliveries are also processed on the same core; false: intake only),
#        LABGATE_JAVA_OPTS (more JVM options for labgate, e.g. to try a collector)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
peer=$(cd "$root/../shared/bench/webhook-peer" && pwd)
out=${1:-$root/bench/out/$(date -u +%Y%m%dT%H%M%SZ)}
only=${ONLY:-"labgate-h2 labgate-pg octokit probot"}
work=${LABGATE_WORK:-true}
secret="It's a Secret to Everybody"
mkdir -p "$out"
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 2; }
[ -f "$root/bot/target/labgate.jar" ] || (cd "$root" && mvn -q -DskipTests package)
[ -d "$peer/node_modules" ] || (cd "$peer" && npm install --no-audit --no-fund >/dev/null)
(cd "$peer" && node make-request.mjs ../../corpus/github-webhooks/payload-examples/pull_request/opened.payload.json "$secret" >/dev/null)
duration=${DURATION:-30s}; conns=${CONNS:-"1 16 64"}

# The peer's post.lua numbers deliveries from 1 in every wrk process, so a measured run would repeat
# the warm-up's delivery ids, which labgate (unlike the peers) answers as redeliveries. This copy
# differs only in putting a per-run prefix (RUN_ID) into X-GitHub-Delivery; all four servers get it.
cp "$peer/body.json" "$out/body.json"
sed -e 's/^local counter = 0$/local counter = 0\nlocal run = tonumber(os.getenv("RUN_ID") or "0")/' \
    -e 's/"00000000-0000-4000-8000-%04x%08x", tid or 0, counter/"%08x-0000-4000-8000-%04x%08x", run, tid or 0, counter/' \
    "$peer/post.lua" > "$out/post.lua"
grep -q 'run, tid or 0, counter' "$out/post.lua" || { echo "could not adapt post.lua" >&2; exit 2; }

load() { # port path label warmup: the loop of the peer's bench.sh, with a fresh RUN_ID per wrk process
  local url=http://127.0.0.1:$1
  echo "# $3  $(date -u +%FT%TZ)  body=$(stat -c %s "$out/body.json")B  threads=1"
  (cd "$out" && RUN_ID=$RANDOM$RANDOM WEBHOOK_PATH=$2 taskset -c 1 wrk -t1 -c16 -d"$4" -s post.lua "$url" > /dev/null)
  for c in $conns; do
    echo "## connections=$c"
    (cd "$out" && RUN_ID=$RANDOM$RANDOM WEBHOOK_PATH=$2 taskset -c 1 wrk -t1 -c"$c" -d"$duration" --latency -s post.lua "$url")
  done
}

ready() { # port path
  for _ in $(seq 1 240); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$1$2" || true)" = 200 ] && return 0
    sleep 0.25
  done
  echo "server on :$1 did not get ready" >&2; return 1
}

labgate() { # label [serve options...]
  local label=$1; shift
  local data; data=$(mktemp -d)
  LABGATE_GITHUB_WEBHOOK_SECRETS="$secret" LABGATE_WORK_ENABLED=$work \
    taskset -c 0 java -Xms512m -Xmx1g ${LABGATE_JAVA_OPTS:-} -jar "$root/bot/target/labgate.jar" serve --port 8080 --data-dir "$data" "$@" \
    > "$out/$label.log" 2>&1 &
  local pid=$!
  ready 8080 /health
  load 8080 /webhooks/github "$label (work=$work)" "${JAVA_WARMUP:-60s}" > "$out/results-$label.txt"
  curl -s http://127.0.0.1:8080/prometheus | grep -E '^labgate_deliveries_(stored|duplicate|processed)_total' >> "$out/results-$label.txt" || true
  echo "rss_kb $(awk '/VmRSS/{print $2}' /proc/$pid/status)" >> "$out/results-$label.txt"
  kill "$pid"; wait "$pid" || true
  du -sh "$data" >> "$out/results-$label.txt"
  rm -rf "$data"
}

for what in $only; do
  case $what in
    labgate-h2) labgate labgate-h2 ;;
    labgate-pg)
      pg=$(mktemp -d); chown postgres "$pg"
      runuser -u postgres -- /usr/lib/postgresql/15/bin/initdb -D "$pg/data" -U postgres -A trust >/dev/null
      runuser -u postgres -- taskset -c 0 /usr/lib/postgresql/15/bin/postgres -D "$pg/data" -p 55432 \
        -c listen_addresses=127.0.0.1 -c unix_socket_directories="$pg" > "$out/postgres.log" 2>&1 &
      pgpid=$!
      until /usr/lib/postgresql/15/bin/pg_isready -h 127.0.0.1 -p 55432 -q; do sleep 0.2; done
      labgate labgate-pg --database-url "jdbc:postgresql://127.0.0.1:55432/postgres?user=postgres"
      kill "$pgpid"; wait "$pgpid" || true; rm -rf "$pg" ;;
    octokit)
      (cd "$peer" && exec taskset -c 0 node server-octokit.mjs > "$out/octokit.log" 2>&1) & pid=$!
      ready 3000 /healthz
      load 3000 /api/github/webhooks octokit-webhooks "${NODE_WARMUP:-10s}" > "$out/results-octokit.txt"
      kill "$pid" || true; wait "$pid" || true ;;
    probot)
      (cd "$peer" && LOG_LEVEL=fatal exec taskset -c 0 node server-probot.mjs > "$out/probot.log" 2>&1) & pid=$!
      ready 3001 /healthz
      load 3001 /api/github/webhooks probot "${NODE_WARMUP:-10s}" > "$out/results-probot.txt"
      kill "$pid" || true; wait "$pid" || true ;;
  esac
done
for f in "$out"/results-*.txt; do
  echo "== $(basename "$f")"
  grep -E '^## |Requests/sec|^ +(50|99)%|Non-2xx|labgate_deliveries|rss_kb' "$f"
done
