#!/usr/bin/env bash
# Server-side time and size of one run page with 10,000 test results, 200 of them failing, through
# the running jar: the run and its KCIDB results are written into a fresh embedded database, then
# wrk asks for /runs/<id> (and /api/runs/<id>) on one connection, so each request is the whole
# server side: database read, KCIDB parse, verdict, HTML.
#
# Usage: bench/run-page.sh    env: DURATION (20s), WARMUP (20s), TESTS (10000), FAILING (200)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
jar=$root/bot/target/labgate.jar
port=18091
tests=${TESTS:-10000}; failing=${FAILING:-200}
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 2; }
[ -f "$jar" ] || (cd "$root" && mvn -q -DskipTests package)
data=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$data"' EXIT

serve() {
  java -jar "$jar" serve --port "$port" --data-dir "$data" > "$data/log" 2>&1 &
  pid=$!
  until [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/health" || true)" = 200 ]; do sleep 0.1; done
}

# The schema comes from the service's own migrations.
serve; kill "$pid"; wait "$pid" || true

python3 - "$tests" "$failing" > "$data/seed.sql" <<'PY'
import json, sys
tests, failing = int(sys.argv[1]), int(sys.argv[2])
head = "1f2e3d4c5b6a79881726354453627180a9b8c7d6"
checkout = {"id": "labgate:c-bench", "origin": "labgate", "git_commit_hash": head,
            "git_repository_url": "https://git.example/acme/linux.git", "git_repository_branch": "topic"}
build = {"id": "labgate:b-bench", "checkout_id": "labgate:c-bench", "origin": "labgate",
         "architecture": "x86_64", "config_name": "defconfig", "status": "PASS"}
rows = []
for i in range(tests):
    fail = i < failing
    t = {"id": "labgate:t%d" % i, "build_id": "labgate:b-bench", "origin": "labgate",
         "path": "kselftest.suite_%d.case_%d" % (i // 100, i), "status": "FAIL" if fail else "PASS",
         "environment": {"misc": {"platform": "qemu-x86_64"}}}
    if fail:
        t["log_url"] = "https://lab.example/logs/%d.txt" % i
        t["log_excerpt"] = "# case_%d: expected 0 got -22\nnot ok %d case_%d" % (i, i, i)
    rows.append(t)
kcidb = json.dumps({"version": {"major": 5, "minor": 3}, "checkouts": [checkout], "builds": [build],
                    "tests": rows}, separators=(",", ":")).replace("'", "''")
print("""insert into runs (id, subject_key, subject_kind, forge, repo, change_number, branch_ref, lab, head_sha,
  base_sha, clone_url, fetch_ref, tests, round, state, attempt, lab_run_id, lab_run_url, note, deadline,
  final_reported, delivery_id, created_at, updated_at, plan_why) values ('benchrun01', 'github:acme/linux#7',
  'change', 'github', 'acme/linux', 7, null, 'local', '%s', '%s', 'https://git.example/acme/linux.git',
  'refs/pull/7/head', '', 0, 'FAILED', 1, 'job-1', 'https://lab.example/jobs/1', '%d failures', null, true,
  'd-bench', current_timestamp, current_timestamp, 'plan ''smoke''');""" % (head, "b" * 40, failing))
print("insert into run_results (run_id, kcidb, saved_at) values ('benchrun01', cast('%s' as varbinary), "
      "current_timestamp);" % kcidb)
PY
java -cp "$jar" org.h2.tools.RunScript \
  -url "jdbc:h2:file:$data/labgate;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH" \
  -script "$data/seed.sql"

serve
url=http://127.0.0.1:$port
for path in /runs/benchrun01 /api/runs/benchrun01; do
  code=$(curl -s -o "$data/page" -w '%{http_code}' "$url$path")
  [ "$code" = 200 ] || { echo "GET $path answered $code" >&2; tail -20 "$data/log" >&2; exit 1; }
  echo "# GET $path: $(stat -c %s "$data/page") bytes"
  taskset -c 1 wrk -t1 -c1 -d"${WARMUP:-20s}" "$url$path" > /dev/null
  taskset -c 1 wrk -t1 -c1 -d"${DURATION:-20s}" --latency "$url$path" | grep -E "Latency|50%|90%|99%|Requests/sec"
done
