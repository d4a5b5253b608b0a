#!/usr/bin/env bash
# The department's dashboard and yearly statistics with a year of a province's reports
# (issue: "The department's side"), on a real PostgreSQL 15 cluster on this machine:
#   1. a made-up province of SCHOOLS schools (default 3,000) with WEEKS weeks (default 52) of
#      signed reports ending with the school year's last week (2026-W35), pushed to the service;
#   2. every dashboard page, signed in, fetched 5 times each (target: each <= 500 ms);
#   3. `edugate department report --school-year 2025-2026` (target: <= 10 s), JSON and by level;
#   4. the database's size per school-week.
#   tests/bench/department/dashboard_bench.sh [BUILD_DIR] [SCHOOLS] [WEEKS]   (Release build)
# Bounded: the push gives up after 1,800 s, every fetch after 60 s. Not run by scripts/test.
# KEEP=1 keeps the database (stopped) and the config in the temporary directory it names.
set -euo pipefail
cd "$(dirname "$0")/../../.."
build=${1:-build/test}
schools=${2:-3000}
weeks=${3:-52}
edugate=$PWD/$build/proxy/edugate
[[ -x $edugate ]] || { echo "missing $edugate (build $build first)" >&2; exit 1; }
source tests/bench/department/department_cluster.sh dashboard-bench

t=$(date +%s.%N)
"$edugate" department demo --schools "$schools" --weeks "$weeks" --last-week 2026-W35 \
  --out "$tmp/demo" 2>/dev/null
echo "made up $schools schools x $weeks weeks in $(seconds_since "$t") s"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj /CN=localhost \
  -addext "subjectAltName=DNS:localhost" -keyout "$tmp/key.pem" -out "$tmp/cert.pem" 2>/dev/null
"$edugate" report token >"$tmp/token.out"
token=$(awk '/^token/ {print $NF}' "$tmp/token.out")
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat >"$tmp/department.yaml" <<YAML
listen: 127.0.0.1:$port
tls: {cert: $tmp/cert.pem, key: $tmp/key.pem}
database: "host=$tmp/pg user=postgres dbname=department"
schools: $tmp/demo/schools.csv
api_tokens: ["$(awk '/^config/ {print $NF}' "$tmp/token.out")"]
address_reports_per_minute: 100000
YAML
"$edugate" department serve --config "$tmp/department.yaml" 2>"$tmp/serve.log" &
serve_pid=$!
for _ in $(seq 300); do grep -q "serving https" "$tmp/serve.log" && break; sleep 0.2; done
grep -q "serving https" "$tmp/serve.log" || { cat "$tmp/serve.log" >&2; exit 1; }

echo "1. pushed: $(python3 tests/bench/department/push_load.py --port "$port" \
  --cacert "$tmp/cert.pem" --deadline 1800 "$tmp/demo/reports")"
t=$(date +%s.%N)
expected=$(( schools * weeks ))
for _ in $(seq 600); do
  [[ $(psql "SELECT coalesce(sum(reports), 0) FROM week_rollup_state") == "$expected" ]] && break
  sleep 1
done
echo "   week rollups up to date $(seconds_since "$t") s after the last report;" \
  "$(grep -c 'week rollups rebuilt' "$tmp/serve.log") rebuilds, the last:" \
  "$(grep 'week rollups rebuilt' "$tmp/serve.log" | tail -1 | sed 's/.*department: //')"

c=(curl -sS --max-time 60 --cacert "$tmp/cert.pem" -b "$tmp/jar" -c "$tmp/jar")
"${c[@]}" -o /dev/null --data-urlencode "token=$token" "https://localhost:$port/login"
newest=2026-W35
oldest=$(psql "SELECT min(iso_week) FROM reports")
echo "2. dashboard pages (5 fetches each; seconds: median, max; bytes):"
for page in "/dashboard" "/dashboard?from=$oldest&to=$newest" \
  "/dashboard/completeness?week=$newest" "/dashboard/bundles?week=$newest"; do
  times=()
  for _ in 1 2 3 4 5; do
    read -r code secs bytes < <("${c[@]}" -o /dev/null -w '%{http_code} %{time_total} %{size_download}\n' \
      "https://localhost:$port$page")
    [[ $code == 200 ]] || { echo "   $page answered $code" >&2; exit 1; }
    times+=("$secs")
  done
  printf '   %-48s %s %s\n' "$page" \
    "$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {printf "%.3f %.3f", a[3], a[5]}')" "$bytes"
done

echo "3. yearly statistics (edugate department report --school-year 2025-2026):"
for args in "-o $tmp/year.json" "--by level -o $tmp/year-level.csv" "--by district -o $tmp/year-district.html"; do
  t=$(date +%s.%N)
  # shellcheck disable=SC2086
  "$edugate" department report --config "$tmp/department.yaml" --school-year 2025-2026 $args 2>"$tmp/report.err" \
    || { cat "$tmp/report.err" >&2; exit 1; }
  printf '   %-34s %s s, %s bytes\n' "$args" "$(seconds_since "$t")" "$(stat -c %s "${args##* }")" | sed "s|$tmp/||"
done
size=$(psql "SELECT pg_database_size('department')")
echo "4. database: $(( size / 1048576 )) MiB, $(( size / expected )) bytes per school-week"
