#!/usr/bin/env bash
# The department service under a province's load (issue: "The department's side"), on a real
# PostgreSQL 15 cluster on this machine: a made-up province of SCHOOLS schools (default 3,000,
# `edugate department demo`) with WEEKS weeks of signed reports (default 8),
#   1. one week from every school pushed at once (target: all ingested in <= 60 s);
#   2. the other weeks, an outage's backlog, pushed at once (target 24,000 reports <= 5 min),
#      then every report pushed again (all must be repeats);
#   3. rows counted by school and week: zero lost, zero duplicated;
#   4. the database's size per school-week.
#   tests/bench/department/ingest_bench.sh [BUILD_DIR] [SCHOOLS] [WEEKS]   (Release build)
# Bounded: every push gives up after 600 s. Not run by scripts/test.
set -euo pipefail
cd "$(dirname "$0")/../../.."
build=${1:-build/test}
schools=${2:-3000}
weeks=${3:-8}
edugate=$PWD/$build/proxy/edugate
[[ -x $edugate ]] || { echo "missing $edugate (build $build first)" >&2; exit 1; }
source tests/bench/department/department_cluster.sh ingest-bench

t=$(date +%s.%N)
"$edugate" department demo --schools "$schools" --weeks "$weeks" --out "$tmp/demo" 2>/dev/null
echo "made up $schools schools x $weeks weeks in $(python3 -c "print(f'{$(date +%s.%N)-$t:.1f}')") s"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj /CN=localhost \
  -addext "subjectAltName=DNS:localhost" -keyout "$tmp/key.pem" -out "$tmp/cert.pem" 2>/dev/null
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
# Every simulated school pushes from 127.0.0.1 here: the per-address allowance is lifted.
cat >"$tmp/department.yaml" <<YAML
listen: 127.0.0.1:$port
tls: {cert: $tmp/cert.pem, key: $tmp/key.pem}
database: "host=$tmp/pg user=postgres dbname=department"
schools: $tmp/demo/schools.csv
address_reports_per_minute: 100000
YAML
"$edugate" department serve --config "$tmp/department.yaml" 2>"$tmp/serve.log" &
serve_pid=$!
for _ in $(seq 300); do grep -q "serving https" "$tmp/serve.log" && break; sleep 0.2; done
grep -q "serving https" "$tmp/serve.log" || { cat "$tmp/serve.log" >&2; exit 1; }

mapfile -t week_dirs < <(ls -d "$tmp/demo/reports"/* | sort)
newest=${week_dirs[-1]}
push() { python3 tests/bench/department/push_load.py --port "$port" --cacert "$tmp/cert.pem" "$@"; }
echo "1. one week, every school at once:   $(push "$newest")"
backlog=("${week_dirs[@]:0:${#week_dirs[@]}-1}")
if [[ ${#backlog[@]} -gt 0 ]]; then
  echo "2. the backlog of $(( ${#backlog[@]} )) weeks at once:   $(push "${backlog[@]}")"
fi
echo "   everything again (repeats):       $(push "$tmp/demo/reports")"
echo "3. rows: $(psql "SELECT count(*) FROM reports") reports, $(psql "SELECT count(*) FROM \
(SELECT school_id, iso_week FROM reports GROUP BY 1, 2) k") school-weeks (expected \
$(( schools * weeks ))), $(psql "SELECT count(*) FROM (SELECT school_id, iso_week FROM reports \
GROUP BY 1, 2 HAVING count(*) > 1) d") duplicated"
size=$(psql "SELECT pg_database_size('department')")
echo "4. database: $(( size / 1048576 )) MiB, $(( size / (schools * weeks) )) bytes per school-week"
