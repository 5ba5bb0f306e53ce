#!/usr/bin/env bash
# Side by side in one run: signed pull_request deliveries per second and latency for
#   labgate-h2         labgate on its embedded H2, deliveries processed on the same core,
#   labgate-h2-intake  the same with processing off (intake alone),
#   labgate-pg         labgate on PostgreSQL (processing as LABGATE_WORK says),
#   octokit, probot    the @octokit/webhooks and Probot receivers in ../shared/bench/webhook-peer
#                      (which verify and parse but persist nothing).
# Same payload (the corpus pull_request/opened example, 23,633 bytes compact), same wrk script and
# flags as the peer's bench.sh. Its repository (Codertocat/Hello-World) is in no policy labgate runs
# with here, so with processing on each delivery is ignored: since labgate settles a delivery it
# ignores outright in the commit that stores it (docs/benchmarks.md, "Intake, a fifth look"), these
# runs measure that path, not the processing task's; every server pinned to CPU 0 (labgate together with its
# PostgreSQL), wrk to CPU 1. labgate runs with the JVM options it ships with (deploy/jvm.options,
# as ./labgate, the image and the systemd unit run it), so that what is measured is what is run.
#
# All the servers are started and warmed up first, then measured in ROUNDS rounds, one server at a
# time, in a rotated order each round: on a shared machine the speed of the CPU drifts from minute
# to minute, and measuring the servers in turn several times compares them in the same minutes,
# where measuring each once in a row compared them in different ones. An idle server beside the
# one measured takes next to nothing (the Node servers none; labgate's scheduler polls a few times
# a second); after a labgate run with processing on, the next run waits until every delivery it
# stored is processed, so that no backlog runs into another server's minutes. Each measured run
# follows 5 s of unmeasured load on the same server: on this kind of machine the first collections
# of a JVM that sat idle for minutes took 0.1 to 1 s each (their memory had gone cold), which
# measured the idle time, not the server.
#
# labgate's warm-up is three minutes: pinned to one core, its JIT compiler shares that core with the
# service and keeps compiling for about two and a half minutes under this load (a third of the
# core for the first two, then under a twentieth: docs/benchmarks.md, "Intake, a third look"), and
# a service runs for days. JAVA_WARMUP=45s measures it while it is still compiling.
#
# Usage: bench/intake-vs-peers.sh [output-dir]
#   env: DURATION (30s per level and round), CONNS ("1 16 64"), ROUNDS (1), JAVA_WARMUP (180s),
#        NODE_WARMUP (10s), ONLY (space-separated subset of: labgate-h2 labgate-h2-intake
#        labgate-pg octokit probot; default all but labgate-h2-intake),
#        LABGATE_WORK (for labgate-h2 and labgate-pg: true, the default, processes deliveries on
#        the same core; false: intake only), LABGATE_JAVA_OPTS (more JVM options for labgate)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
peer=$(cd "$root/../shared/bench/webhook-peer" && pwd)
out=${1:-$root/bench/out/$(date -u +%Y%m%dT%H%M%SZ)}
mkdir -p "$out"; out=$(cd "$out" && pwd)
only=${ONLY:-"labgate-h2 labgate-pg octokit probot"}
work=${LABGATE_WORK:-true}
rounds=${ROUNDS:-1}
secret="It's a Secret to Everybody"
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 2; }
[ -f "$root/bot/target/labgate.jar" ] || (cd "$root" && mvn -q -DskipTests package)
[ -d "$peer/node_modules" ] || (cd "$peer" && npm install --no-audit --no-fund >/dev/null)
(cd "$peer" && node make-request.mjs ../../corpus/github-webhooks/payload-examples/pull_request/opened.payload.json "$secret" >/dev/null)
duration=${DURATION:-30s}; conns=${CONNS:-"1 16 64"}

# The peer's post.lua numbers deliveries from 1 in every wrk process, so a measured run would repeat
# the warm-up's delivery ids, which labgate (unlike the peers) answers as redeliveries. This copy
# differs only in putting a per-run prefix (RUN_ID) into X-GitHub-Delivery; all servers get it.
cp "$peer/body.json" "$out/body.json"
sed -e 's/^local counter = 0$/local counter = 0\nlocal run = tonumber(os.getenv("RUN_ID") or "0")/' \
    -e 's/"00000000-0000-4000-8000-%04x%08x", tid or 0, counter/"%08x-0000-4000-8000-%04x%08x", run, tid or 0, counter/' \
    "$peer/post.lua" > "$out/post.lua"
grep -q 'run, tid or 0, counter' "$out/post.lua" || { echo "could not adapt post.lua" >&2; exit 2; }

declare -A port path pid data
pids=()
stop_all() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  for d in "${data[@]}"; do rm -rf "$d"; done
}
trap stop_all EXIT

ready() { # port path
  for _ in $(seq 1 240); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$1$2" || true)" = 200 ] && return 0
    sleep 0.25
  done
  echo "server on :$1 did not get ready" >&2; return 1
}

start_labgate() { # name port work [serve options...]
  local name=$1 p=$2 w=$3; shift 3
  data[$name]=$(mktemp -d)
  LABGATE_GITHUB_WEBHOOK_SECRETS="$secret" LABGATE_WORK_ENABLED=$w \
    taskset -c 0 java @"$root/deploy/jvm.options" ${LABGATE_JAVA_OPTS:-} -jar "$root/bot/target/labgate.jar" serve --port "$p" \
    --data-dir "${data[$name]}" "$@" > "$out/$name.log" 2>&1 &
  pid[$name]=$!; pids+=($!); port[$name]=$p; path[$name]=/webhooks/github
  ready "$p" /health
}

start_node() { # name port script
  (cd "$peer" && LOG_LEVEL=fatal exec taskset -c 0 node "$3" > "$out/$1.log" 2>&1) &
  pid[$1]=$!; pids+=($!); port[$1]=$2; path[$1]=/api/github/webhooks
  ready "$2" /healthz
}

counter() { # port name: a labgate delivery counter
  curl -s "http://127.0.0.1:$1/prometheus" | awk -v n="labgate_deliveries_$2_total" '$1 == n {v = $2} END {printf "%d", v}'
}

drain() { # name: waits until labgate has processed what it stored (processing on only)
  local p=${port[$1]} _
  for _ in $(seq 1 600); do
    [ "$(counter "$p" processed)" -ge "$(counter "$p" stored)" ] && return 0
    sleep 0.2
  done
  echo "$1 did not catch up with its deliveries in 120 s" >&2
}

drain_if_processing() { # name: drain, for a labgate server that processes what it stores
  [ "$1" = labgate-h2-intake ] || [[ $1 != labgate* ]] || [ "$work" != true ] || drain "$1"
}

load() { # name connections duration [--latency]
  (cd "$out" && RUN_ID=$RANDOM$RANDOM WEBHOOK_PATH=${path[$1]} taskset -c 1 wrk -t1 -c"$2" -d"$3" ${4:-} -s post.lua \
    "http://127.0.0.1:${port[$1]}")
}

servers=()
for what in $only; do
  case $what in
    labgate-h2) start_labgate labgate-h2 8080 "$work" ;;
    labgate-h2-intake) start_labgate labgate-h2-intake 8081 false ;;
    labgate-pg)
      pg=$(mktemp -d); chown postgres "$pg"; data[postgres]=$pg
      runuser -u postgres -- /usr/lib/postgresql/15/bin/initdb -D "$pg/data" -U postgres -A trust >/dev/null
      runuser -u postgres -- taskset -c 0 /usr/lib/postgresql/15/bin/postgres -D "$pg/data" -p 55432 \
        -c listen_addresses=127.0.0.1 -c unix_socket_directories="$pg" > "$out/postgres.log" 2>&1 &
      pids+=($!)
      until /usr/lib/postgresql/15/bin/pg_isready -h 127.0.0.1 -p 55432 -q; do sleep 0.2; done
      start_labgate labgate-pg 8082 "$work" --database-url "jdbc:postgresql://127.0.0.1:55432/postgres?user=postgres" ;;
    octokit) start_node octokit 3000 server-octokit.mjs ;;
    probot) start_node probot 3001 server-probot.mjs ;;
    *) echo "unknown server: $what" >&2; exit 2 ;;
  esac
  servers+=("$what")
done

for s in "${servers[@]}"; do # warm-up, one server at a time
  case $s in labgate*) w=${JAVA_WARMUP:-180s} ;; *) w=${NODE_WARMUP:-10s} ;; esac
  echo "# warm-up $s $w  $(date -u +%FT%TZ)"
  load "$s" 16 "$w" > /dev/null
  drain_if_processing "$s"
done

n=${#servers[@]}
for r in $(seq 1 "$rounds"); do
  for c in $conns; do
    for i in $(seq 0 $((n - 1))); do
      s=${servers[$(( (i + r - 1) % n ))]}
      load "$s" "$c" 5s > /dev/null
      echo "# round $r  $s  connections=$c  $(date -u +%FT%TZ)  load $(cut -d' ' -f1 /proc/loadavg)"
      load "$s" "$c" "$duration" --latency > "$out/$s-c$c-r$r.txt"
      grep -E 'Requests/sec|^ +99%|Non-2xx' "$out/$s-c$c-r$r.txt" | tr -s ' ' | tr '\n' ' '; echo
      drain_if_processing "$s"
    done
  done
done

# Per server and connection count: each round's req/s and p99, then the median of each.
median() { sort -n | awk '{v[NR]=$1} END {print v[int((NR + 1) / 2)]}'; }
echo "== summary (median of $rounds round(s))"
for s in "${servers[@]}"; do
  for c in $conns; do
    runs=$(for r in $(seq 1 "$rounds"); do
      awk '/Requests\/sec/ {rps=$2}
           $1 == "99%" {v=$2; u=v; sub(/[0-9.]+/, "", u); sub(/[a-z]+$/, "", v);
                        p99 = (u == "us") ? v / 1000 : (u == "s") ? v * 1000 : v}
           END {printf "%.0f %.1f\n", rps, p99}' "$out/$s-c$c-r$r.txt"
    done)
    printf '%-18s c=%-3s req/s %s, p99 %s ms (rounds: %s)\n' "$s" "$c" "$(cut -d' ' -f1 <<< "$runs" | median)" \
      "$(cut -d' ' -f2 <<< "$runs" | median)" "$(tr ' \n' '/ ' <<< "$runs")"
  done
  case $s in labgate*)
    echo "  $s: $(counter "${port[$s]}" stored) stored, $(counter "${port[$s]}" processed) processed," \
      "$(counter "${port[$s]}" duplicate) duplicates, RSS $(( $(awk '/VmRSS/{print $2}' /proc/${pid[$s]}/status) / 1024 )) MiB" ;;
  esac
done
