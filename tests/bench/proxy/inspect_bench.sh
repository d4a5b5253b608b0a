#!/usr/bin/env bash
# HTTPS inspection benchmark, on loopback, everything measured in the same run:
#   1. new TLS connections per second: nginx terminating TLS itself ("plain TLS termination":
#      TCP connect, full handshake, one small GET, close) versus the same client through edugate
#      inspecting (CONNECT, handshake with a minted leaf from a warm cache, the GET decided and
#      relayed to the same nginx over a pooled, verified upstream TLS connection);
#   2. 1 MiB downloads over one keep-alive TLS connection, direct from nginx and inspected.
# Both sides use ECDSA P-256 certificates and TLS 1.3; the client resumes nothing.
# Reports requests/s, MB/s, their ratios, and CPU milliseconds per request for the client, the
# origin and edugate (from getrusage and /proc/PID/stat), since the box's cores are shared.
#
# Usage: tests/bench/proxy/inspect_bench.sh BUILD_DIR [SECONDS] [ROUNDS] [CLIENT_THREADS]
#   e.g. tests/bench/proxy/inspect_bench.sh build/inspect 5 3 2
set -euo pipefail
build=$(cd "${1:?usage: inspect_bench.sh BUILD_DIR [SECONDS] [ROUNDS] [THREADS]}" && pwd)
seconds=${2:-5}
rounds=${3:-3}
threads=${4:-2}
edugate=$build/proxy/edugate
client=$build/tests/bench/proxy/edugate_inspect_bench_client
for b in "$edugate" "$client" /usr/sbin/nginx; do
  [[ -x $b ]] || { echo "missing $b (ninja edugate edugate_inspect_bench_client; apt-get install nginx)" >&2; exit 1; }
done
work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
cd "$work"

# The origin's own PKI (P-256, like the school CA's leaves) and the school CA.
openssl ecparam -name prime256v1 -genkey -noout -out origin-ca.key
openssl req -x509 -new -key origin-ca.key -subj "/CN=bench origin CA" -days 2 -out origin-ca.pem \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign" 2>/dev/null
openssl ecparam -name prime256v1 -genkey -noout -out origin.key
openssl req -new -key origin.key -subj "/CN=bench.test" -out origin.csr
printf "subjectAltName=DNS:bench.test\nbasicConstraints=CA:FALSE\n" > ext.cnf
openssl x509 -req -in origin.csr -CA origin-ca.pem -CAkey origin-ca.key -CAcreateserial -days 2 \
  -out origin.pem -extfile ext.cnf 2>/dev/null
"$edugate" ca init --out ca --name bench > /dev/null

# The origin and baseline: nginx, 2 worker processes, TLS 1.2/1.3, no tickets, no logs.
head -c 1048576 /dev/urandom > 1mib
origin_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cat > nginx.conf <<NGINX
user root root;
worker_processes 2;
daemon off;
pid $work/nginx.pid;
error_log $work/nginx.err warn;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 1000000;
  server {
    listen 127.0.0.1:$origin_port ssl;
    ssl_certificate $work/origin.pem;
    ssl_certificate_key $work/origin.key;
    ssl_protocols TLSv1.2 TLSv1.3;
    # Off, as on edugate's client side (tls_contexts.cpp issues no TLS 1.3 tickets): both
    # terminations do the same work per new connection.
    ssl_session_tickets off;
    location = /bytes/0 { return 200 ""; }
    location = /bytes/1048576 { alias $work/1mib; default_type application/octet-stream; }
  }
}
NGINX
/usr/sbin/nginx -c "$work/nginx.conf" -p "$work" &
pids+=($!); origin_pid=$!
for _ in $(seq 50); do [[ -s nginx.pid ]] && break; sleep 0.1; done
sleep 0.3

cat > department.yaml <<YAML
categories:
  - {id: xau, labels: {vi: x, en: x}, mandatory: true, domains: [blocked.test]}
profiles:
  thcs: {inspect: all}
YAML
cat > school.yaml <<YAML
groups:
  - {id: bench, labels: {vi: b, en: b}, age: thcs, networks: [127.0.0.0/8]}
default_group: {labels: {vi: d, en: d}, age: staff}
YAML
cat > edugate.yaml <<YAML
listeners: [{address: 127.0.0.1:0}]
workers: 2
client_networks: [127.0.0.0/8]
admin: {address: 127.0.0.1:0}
destinations: {allow: [127.0.0.1/32]}  # the origin listens on loopback
log_level: warn
upstream_overrides: {bench.test: "127.0.0.1:$origin_port"}
rules: {department: department.yaml, school: school.yaml}
reporting: {store: $work/edugate.db}
inspection: {ca_cert: ca/school-ca.pem, ca_key: ca/school-ca.key, upstream_ca: origin-ca.pem}
YAML
"$edugate" run --config edugate.yaml 2> edugate.err &
pids+=($!); edugate_pid=$!
for _ in $(seq 100); do grep -q "edugate ready" edugate.err 2>/dev/null && break; sleep 0.1; done
proxy=$(grep -o 'proxy 127.0.0.1:[0-9]*' edugate.err | cut -d' ' -f2)
admin=$(grep -o 'admin 127.0.0.1:[0-9]*' edugate.err | cut -d' ' -f2)

ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
# nginx works in its worker processes: sum the master and its children.
origin_ticks() {
  local t=0 p
  for p in $origin_pid $(pgrep -P "$origin_pid"); do t=$((t + $(ticks "$p"))); done
  echo "$t"
}
hz=$(getconf CLK_TCK)

# run LABEL MODE PATH [--proxy ...]: one client run; prints its line plus server CPU per request.
run() {
  local label=$1 mode=$2 path=$3; shift 3
  local o0 e0 o1 e1 line n
  o0=$(origin_ticks); e0=$(ticks "$edugate_pid")
  line=$("$client" --mode "$mode" --name bench.test --path "$path" --seconds "$seconds" \
         --threads "$threads" "$@")
  o1=$(origin_ticks); e1=$(ticks "$edugate_pid")
  n=$(sed -E 's/.*requests=([0-9]+).*/\1/' <<< "$line")
  awk -v l="$label" -v line="$line" -v n="$n" -v o=$((o1 - o0)) -v e=$((e1 - e0)) -v hz="$hz" '
    BEGIN {
      split(line, f, " "); for (i in f) { split(f[i], kv, "="); v[kv[1]] = kv[2] }
      printf "%-26s %9.1f req/s %8.1f MB/s | CPU ms/req: client %.3f nginx %.3f edugate %.3f\n",
             l, v["per_s"], v["MB_per_s"], v["client_cpu_s"] * 1000 / n, o * 1000 / hz / n,
             e * 1000 / hz / n
    }'
}

direct=(--target "127.0.0.1:$origin_port" --cacert origin-ca.pem)
inspected=(--proxy "$proxy" --cacert ca/school-ca.pem)
# Warm the leaf cache (both workers) and the upstream pool.
"$client" --mode handshake --name bench.test --seconds 0.5 --threads 2 "${inspected[@]}" > /dev/null

echo "== $(nproc) CPU(s), load $(cut -d' ' -f1-3 /proc/loadavg); ${seconds}s per run, $threads client thread(s)"
for r in $(seq "$rounds"); do
  run "handshake direct #$r" handshake /bytes/0 "${direct[@]}"
  run "handshake inspected #$r" handshake /bytes/0 "${inspected[@]}"
done | tee handshake.txt
for r in $(seq "$rounds"); do
  run "1MiB direct #$r" download /bytes/1048576 "${direct[@]}"
  run "1MiB inspected #$r" download /bytes/1048576 "${inspected[@]}"
done | tee download.txt

best() { grep "$1" "$2" | awk -v c="$3" '{ if ($c > m) m = $c } END { print m }'; }
hd=$(best "direct" handshake.txt 4); hi=$(best "inspected" handshake.txt 4)
dd=$(best "direct" download.txt 6); di=$(best "inspected" download.txt 6)
awk -v hd="$hd" -v hi="$hi" -v dd="$dd" -v di="$di" 'BEGIN {
  printf "best new TLS connections/s: direct %.1f, inspected %.1f → %.0f%% (target ≥ 70%%)\n", hd, hi, 100 * hi / hd
  printf "best 1 MiB downloads: direct %.1f MB/s, inspected %.1f MB/s (target ≥ 500 MB/s inspected)\n", dd, di
}'
curl -s "http://$admin/metrics" | grep -E '^edugate_inspect_(sessions|mints|cache_hits|upstream_reused)_total'
