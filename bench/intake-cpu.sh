#!/usr/bin/env bash
# CPU time labgate spends per delivery, by thread group: a measure that does not depend on how busy
# the machine is (unlike req/s), for comparing intake levers on a shared machine.
# The same signed pull_request deliveries as bench/intake-vs-peers.sh (23,633 bytes, unique ids),
# sent by wrk at each connection count; before and after each level the process's and each of its
# threads' CPU time are read from /proc. With processing on, a level ends only once every stored
# delivery is processed, so its processing is counted in it (their repository is in no policy, so
# they are settled as they are stored, with no task: bench/intake-vs-peers.sh says more). From the
# collector's log it also prints
# the heap allocated per delivery and the young collections' pauses, which is what sets the p99.
#
# Usage: bench/intake-cpu.sh [output-dir]
#   env: LABGATE_WORK (true: deliveries also processed; false: intake only), CONNS ("1 16"),
#        DURATION (20s per level), WARMUP (60s at c=16, not counted), JAVA (java command and flags,
#        default: java @deploy/jvm.options, as bench/intake-vs-peers.sh and the service as
#        shipped), PIN (a CPU list for taskset, e.g. 0; default none), JAR (the labgate jar to
#        measure, default bot/target/labgate.jar)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
peer=$(cd "$root/../shared/bench/webhook-peer" && pwd)
out=${1:-$root/bench/out/cpu-$(date -u +%Y%m%dT%H%M%SZ)}
work=${LABGATE_WORK:-true}
conns=${CONNS:-"1 16"}
duration=${DURATION:-20s}
java=${JAVA:-"java @$root/deploy/jvm.options"}
jar=${JAR:-$root/bot/target/labgate.jar}
secret="It's a Secret to Everybody"
mkdir -p "$out"
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 2; }
[ -f "$jar" ] || (cd "$root" && mvn -q -DskipTests package)
[ -d "$peer/node_modules" ] || (cd "$peer" && npm install --no-audit --no-fund >/dev/null)
(cd "$peer" && node make-request.mjs ../../corpus/github-webhooks/payload-examples/pull_request/opened.payload.json "$secret" >/dev/null)
cp "$peer/body.json" "$out/body.json"
sed -e 's/^local counter = 0$/local counter = 0\nlocal run = tonumber(os.getenv("RUN_ID") or "0")/' \
    -e 's/"00000000-0000-4000-8000-%04x%08x", tid or 0, counter/"%08x-0000-4000-8000-%04x%08x", run, tid or 0, counter/' \
    "$peer/post.lua" > "$out/post.lua"
grep -q 'run, tid or 0, counter' "$out/post.lua" || { echo "could not adapt post.lua" >&2; exit 2; }

tick=$(getconf CLK_TCK)
threads() { # pid: "group ticks" per live thread; the group is the thread's name without its numbers
  for t in /proc/"$1"/task/*; do
    # comm may hold spaces; fields 14 and 15 (utime, stime) counted from after the closing parenthesis
    local stat; stat=$(cat "$t/stat" 2>/dev/null) || continue
    local name=${stat#*(}; name=${name%)*}
    local rest=${stat##*) }
    set -- $rest
    echo "${t##*/} $(( ${12} + ${13} )) $(echo "$name" | tr -d '0-9' | sed 's/[-# ]*$//' | tr ' ' _)"
  done
}
counter() { # name: a labgate counter's value
  curl -s http://127.0.0.1:18091/prometheus | awk -v n="$1" '$1 == n {printf "%d", $2}'
}
settled() { # waits until every stored delivery is processed (or, with work off, nothing)
  [ "$work" = true ] || return 0
  for _ in $(seq 1 1200); do
    [ "$(counter labgate_deliveries_processed_total)" -ge "$(counter labgate_deliveries_stored_total)" ] && return 0
    sleep 0.5
  done
  echo "deliveries were not all processed" >&2; return 1
}

data=$(mktemp -d)
pin=(); [ -n "${PIN:-}" ] && pin=(taskset -c "$PIN")
LABGATE_GITHUB_WEBHOOK_SECRETS="$secret" LABGATE_WORK_ENABLED=$work \
  "${pin[@]}" $java -Xlog:gc:file="$out/gc.log" -jar "$jar" serve --port 18091 --data-dir "$data" > "$out/labgate.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true; rm -rf "$data"' EXIT
until [ "$(curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:18091/health || true)" = 200 ]; do
  kill -0 $pid || { echo "labgate did not start; see $out/labgate.log" >&2; exit 1; }
  sleep 0.2
done
post() { # connections duration
  (cd "$out" && RUN_ID=$RANDOM$RANDOM WEBHOOK_PATH=/webhooks/github wrk -t1 -c"$1" -d"$2" --latency -s post.lua \
    http://127.0.0.1:18091)
}
post 16 "${WARMUP:-60s}" > "$out/warmup.txt"; settled
{
  echo "# labgate intake CPU per delivery, work=$work, $(date -u +%FT%TZ), load: $(cut -d' ' -f1-3 /proc/loadavg)"
  for c in $conns; do
    threads $pid > "$out/before"; s0=$(counter labgate_deliveries_stored_total); g0=$(wc -l < "$out/gc.log")
    b0=$(curl -s http://127.0.0.1:18091/prometheus | awk '$1=="labgate_intake_batch_size_count"{printf "%d",$2}')
    post "$c" "$duration" > "$out/wrk-c$c.txt"; settled
    threads $pid > "$out/after"; s1=$(counter labgate_deliveries_stored_total); g1=$(wc -l < "$out/gc.log")
    b1=$(curl -s http://127.0.0.1:18091/prometheus | awk '$1=="labgate_intake_batch_size_count"{printf "%d",$2}')
    n=$((s1 - s0))
    echo "## c=$c: $n deliveries stored in $((b1 - b0)) commits ($(grep Requests/sec "$out/wrk-c$c.txt" | awk '{print $2}') req/s, p99 $(awk '$1=="99%"{print $2}' "$out/wrk-c$c.txt"), load $(cut -d' ' -f1 /proc/loadavg))"
    # per thread: CPU after minus before (threads born during the level count from 0)
    awk -v n="$n" -v tick="$tick" '
      NR == FNR { before[$1] = $2; next }
      { d = $2 - before[$1]; group[$3] += d; total += d; if ($3 !~ /Compiler/) app += d }
      END {
        # The JIT compiler still works after the warm-up, more the busier the machine: shown apart.
        printf "   total %.0f us per delivery, %.0f us without the JIT compiler\n", total / tick * 1e6 / n, app / tick * 1e6 / n
        for (g in group) if (group[g] > 0) printf "   %-40s %7.1f us\n", g, group[g] / tick * 1e6 / n
      }' "$out/before" "$out/after"
    # "Pause Young (Allocation Failure) 179M->42M(495M) 18.332ms": what was freed was allocated
    sed -n "$((g0 + 1)),${g1}p" "$out/gc.log" | grep 'Pause' | sed -E 's/.* ([0-9]+)M->([0-9]+)M.* ([0-9.]+)ms$/\1 \2 \3/' \
      | sort -k3 -n | awk -v n="$n" '{ freed += $1 - $2; ms[NR] = $3 } END {
          if (NR) printf "   heap %.0f KB per delivery; %d pauses, median %.1f ms, max %.1f ms\n",
            freed * 1024 / n, NR, ms[int((NR + 1) / 2)], ms[NR] }'
    grep -E 'Non-2xx' "$out/wrk-c$c.txt" || true
  done
  echo "rss_kb $(awk '/VmRSS/{print $2}' /proc/$pid/status)"
} | tee "$out/cpu.txt"
