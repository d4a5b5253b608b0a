#!/usr/bin/env bash
# Side-by-side load test: wrk through edugate and through Squid (caching off), same local nginx
# origin, same run. Each proxy is pinned to CPU 1 with one worker; the clients (wrk, curl) and
# nginx share CPU 0, in the direct runs too: on a real gateway they are other machines, and the
# proxy must not be measured by how much CPU it takes away from the load generator.
# Prints req/s, latency p50/p99, proxy CPU time per request, and ratios edugate/Squid; for 1 KiB
# also nginx and HAProxy as keep-alive reverse proxies (the cost of one HTTP hop) and the ratio
# edugate/nginx. The CONNECT tunnel is also set beside HAProxy relaying plain TCP with splice(2).
#
# usage: tests/bench/proxy/compare_squid.sh [EDUGATE_BINARY] [SECONDS]
# Before and after a change: run it once with each binary (an older build in a worktree, say)
# and compare the CPU/req ratios to Squid, which drift less between runs than absolute times;
# tests/bench/proxy/before_after.sh does that for the 1 KiB figure (ONLY_1K=1 stops after it).
# With LISTS=DATA_DIR (e.g. LISTS=../shared/data) both proxies also load every public list there
# (about 1.5 million domains: edugate as a rule set, Squid as a dstdomain ACL) and a blocked
# request's latency is measured too.
# Everything listens on 127.0.0.1; every load run is bounded by SECONDS (default 10).
set -euo pipefail
shopt -s inherit_errexit  # a failed step inside $(...) stops the run: no bogus figures
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
edugate=${1:-$root/build/test/proxy/edugate}
secs=${2:-10}
[[ -x "$edugate" ]] || { echo "build edugate first (ninja -C build/test edugate)" >&2; exit 1; }

need=()
for p in wrk squid nginx-light haproxy python3; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || need+=("$p")
done
if [[ ${#need[@]} -gt 0 ]]; then
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

work=$(mktemp -d /tmp/edugate-bench.XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# --- origin: nginx serving fixed-size files
chmod 755 "$work"
mkdir -p "$work/www" "$work/nginx"
head -c 1024 /dev/urandom >"$work/www/1k.bin"
head -c $((1024 * 1024)) /dev/urandom >"$work/www/1m.bin"
truncate -s 1G "$work/www/1g.bin"
chmod -R a+rX "$work/www"
origin_port=$(free_port)
cat >"$work/nginx/nginx.conf" <<NGINX
worker_processes 1;
daemon off;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log;
events { worker_connections 4096; }
http {
  access_log off;
  sendfile on;
  keepalive_requests 1000000;
  client_body_temp_path $work/nginx;
  proxy_temp_path $work/nginx;
  fastcgi_temp_path $work/nginx;
  uwsgi_temp_path $work/nginx;
  scgi_temp_path $work/nginx;
  server { listen 127.0.0.1:$origin_port; root $work/www; }
}
NGINX
taskset -c 0 nginx -c "$work/nginx/nginx.conf" -e "$work/nginx/error.log" &
pids+=($!)

blocked_domain=""
squid_acl=""
edugate_rules=""
if [[ -n "${LISTS:-}" ]]; then
  blocked_domain=$(python3 "$here/make_list_configs.py" "$LISTS" "$work")
  squid_acl="acl blocked dstdomain \"$work/squid-blocked.txt\"
http_access deny blocked"
  edugate_rules="rules: {department: $work/department.yaml, school: $work/school.yaml}"
fi

# --- Squid, caching off, one worker
squid_port=$(free_port)
mkdir -p "$work/squid"
chmod 777 "$work/squid"
cat >"$work/squid/squid.conf" <<SQUID
http_port 127.0.0.1:$squid_port
workers 1
cache deny all
cache_mem 0 MB
access_log none
cache_log $work/squid/cache.log
pid_filename $work/squid/squid.pid
coredump_dir $work/squid
acl localnet src 127.0.0.0/8
acl SSL_ports port $origin_port
acl CONNECT method CONNECT
http_access deny CONNECT !SSL_ports
$squid_acl
http_access allow localnet
http_access deny all
shutdown_lifetime 1 seconds
SQUID
taskset -c 1 squid -N -f "$work/squid/squid.conf" &
pids+=($!)
squid_pid=$!

# --- HAProxy forwarding plain TCP with splice(2) forced both ways: a peer for the tunnel's data
# path only (no CONNECT, no HTTP), i.e. what the kernel's loopback path costs a splicing relay.
haproxy_port=$(free_port)
cat >"$work/haproxy.cfg" <<HAPROXY
global
  nbthread 1
defaults
  mode tcp
  timeout connect 5s
  timeout client 60s
  timeout server 60s
  option splice-request
  option splice-response
listen tunnel
  bind 127.0.0.1:$haproxy_port
  server origin 127.0.0.1:$origin_port
HAPROXY
taskset -c 1 haproxy -db -f "$work/haproxy.cfg" &
haproxy_pid=$!
pids+=($haproxy_pid)

# --- The cost of one hop: nginx and HAProxy as keep-alive HTTP reverse proxies in front of the
# same origin, one process/thread each on CPU 1 like the proxies. They filter nothing: what an
# HTTP hop costs at its cheapest, the yardstick for edugate's CPU per request.
nginx_rp_port=$(free_port)
mkdir -p "$work/nginx-rp"
cat >"$work/nginx-rp/nginx.conf" <<NGINX
worker_processes 1;
master_process off;
daemon off;
pid $work/nginx-rp/nginx.pid;
error_log $work/nginx-rp/error.log;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 1000000;
  client_body_temp_path $work/nginx-rp;
  proxy_temp_path $work/nginx-rp;
  fastcgi_temp_path $work/nginx-rp;
  uwsgi_temp_path $work/nginx-rp;
  scgi_temp_path $work/nginx-rp;
  upstream origin { server 127.0.0.1:$origin_port; keepalive 128; }
  server {
    listen 127.0.0.1:$nginx_rp_port;
    location / {
      proxy_pass http://origin;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_buffering off;
    }
  }
}
NGINX
taskset -c 1 nginx -c "$work/nginx-rp/nginx.conf" -e "$work/nginx-rp/error.log" &
nginx_rp_pid=$!
pids+=($nginx_rp_pid)
haproxy_http_port=$(free_port)
cat >"$work/haproxy-http.cfg" <<HAPROXY
global
  nbthread 1
defaults
  mode http
  timeout connect 5s
  timeout client 60s
  timeout server 60s
  http-reuse always
listen web
  bind 127.0.0.1:$haproxy_http_port
  server origin 127.0.0.1:$origin_port
HAPROXY
taskset -c 1 haproxy -db -f "$work/haproxy-http.cfg" &
haproxy_http_pid=$!
pids+=($haproxy_http_pid)

# --- edugate, one worker
cat >"$work/edugate.yaml" <<EDUGATE
listeners: [{address: 127.0.0.1:0}]
workers: 1
client_networks: [127.0.0.0/8]
connect_ports: [$origin_port]
destinations: {allow: [127.0.0.1/32]}  # the origin listens on loopback
admin: {enabled: false}
log_level: warn
limits: {max_connections: 20000, max_connections_per_client: 20000}  # one client: the load
reporting: {store: $work/edugate.db, school_id: bench}
$edugate_rules
EDUGATE
# A binary from before issue 9 (to measure before and after) knows neither `destinations` nor
# a per-client cap, and has nothing to allow and no such cap.
if ! "$edugate" check "$work/edugate.yaml" >/dev/null 2>&1; then
  sed -i -e '/^destinations:/d' -e 's/, max_connections_per_client: 20000//' "$work/edugate.yaml"
fi
taskset -c 1 "$edugate" run --config "$work/edugate.yaml" 2>"$work/edugate.log" &
edugate_pid=$!
pids+=($edugate_pid)
for _ in $(seq 600); do grep -q "edugate ready" "$work/edugate.log" && break; sleep 0.1; done
edugate_port=$(grep -o 'proxy 127.0.0.1:[0-9]*' "$work/edugate.log" | cut -d: -f2)
for _ in $(seq 600); do  # Squid takes a while to load a big ACL
  curl -s -o /dev/null -x "http://127.0.0.1:$squid_port" "http://127.0.0.1:$origin_port/1k.bin" && break
  sleep 0.2
done
for port in "$haproxy_port" "$nginx_rp_port" "$haproxy_http_port"; do
  for _ in $(seq 100); do
    curl -s -o /dev/null "http://127.0.0.1:$port/1k.bin" && break
    sleep 0.1
  done
done

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }  # user + system
sys_ticks() { awk '{print $15}' "/proc/$1/stat"; }
tick=$(getconf CLK_TCK)

cat >"$work/proxy.lua" <<'LUA'
-- Sends absolute-form requests (what a browser sends to a forward proxy).
wrk.path = os.getenv("TARGET")
local pace = tonumber(os.getenv("PACE_MS") or "0")
if pace > 0 then function delay() return pace end end
done = function(summary, latency, requests)
  local status_errors = summary.errors.status
  if os.getenv("EXPECT_403") then status_errors = 0 end  -- blocked on purpose
  io.write(string.format("RESULT requests=%d bytes=%d p50_us=%d p99_us=%d errors=%d\n",
    summary.requests, summary.bytes, latency:percentile(50), latency:percentile(99),
    summary.errors.connect + summary.errors.read + summary.errors.write +
    status_errors + summary.errors.timeout))
end
LUA

# run NAME PID PORT FILE CONNECTIONS [PACE_MS] [URL]
#   -> "reqs rps mibps p50 p99 cpu_us_per_req kernel_percent errors"
run() {
  local pid=$2 port=$3 file=$4 conns=$5 pace=${6:-0} url=${7:-}
  local before after sys_before sys_after out
  [[ -n "$url" ]] || url="http://127.0.0.1:$origin_port/$file"
  before=$(cpu_ticks "$pid")
  sys_before=$(sys_ticks "$pid")
  out=$(TARGET="$url" PACE_MS=$pace \
    taskset -c 0 wrk -t1 -c"$conns" -d"${secs}s" -s "$work/proxy.lua" "http://127.0.0.1:$port" |
    grep '^RESULT')
  after=$(cpu_ticks "$pid")
  sys_after=$(sys_ticks "$pid")
  python3 - "$out" "$before" "$after" "$tick" "$secs" "$((sys_after - sys_before))" <<'PY'
import sys, re
out, before, after, tick, secs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5])
sys_ticks = int(sys.argv[6])
f = dict(re.findall(r"(\w+)=(\d+)", out)); f = {k: int(v) for k, v in f.items()}
reqs = max(f["requests"], 1)
cpu_us = (after - before) / tick * 1e6 / reqs
kernel = 100 * sys_ticks / max(after - before, 1)
print(f'{reqs} {reqs/secs:.0f} {f["bytes"]/secs/2**20:.1f} {f["p50_us"]} {f["p99_us"]} {cpu_us:.1f} {kernel:.0f} {f["errors"]}')
PY
}

report() {  # TITLE edugate_line squid_line
  python3 - "$@" <<'PY'
import sys
title, e, s = sys.argv[1], sys.argv[2].split(), sys.argv[3].split()
names = ["requests", "req/s", "MiB/s", "p50 µs", "p99 µs", "CPU µs/req", "kernel %", "errors"]
print(f"\n## {title}")
print(f"{'':12}" + "".join(f"{n:>12}" for n in names))
print(f"{'edugate':12}" + "".join(f"{v:>12}" for v in e))
print(f"{'squid':12}" + "".join(f"{v:>12}" for v in s))
ratio = lambda i: float(e[i]) / max(float(s[i]), 1e-9)
print(f"ratio edugate/squid: req/s {ratio(1):.2f}x  MiB/s {ratio(2):.2f}x  p99 {ratio(4):.2f}x  CPU/req {ratio(5):.2f}x")
PY
}

echo "edugate $("$edugate" version | head -1), squid $(squid -v | head -1 | awk '{print $4}'), $(nproc) CPUs, ${secs}s per run"
e=$(run edugate "$edugate_pid" "$edugate_port" 1k.bin 50); s=$(run squid "$squid_pid" "$squid_port" 1k.bin 50)
report "1 KiB responses, 50 keep-alive connections" "$e" "$s"
[[ -n "${ONLY_1K:-}" ]] && exit 0  # before_after.sh: the 1 KiB figure only
n=$(run nginx "$nginx_rp_pid" "$nginx_rp_port" 1k.bin 50 0 /1k.bin)
h=$(run haproxy "$haproxy_http_pid" "$haproxy_http_port" 1k.bin 50 0 /1k.bin)
python3 - "$e" "$s" "$n" "$h" <<'PY'
import sys
rows = dict(zip(["edugate", "squid", "nginx", "haproxy"], (a.split() for a in sys.argv[1:5])))
names = ["requests", "req/s", "MiB/s", "p50 µs", "p99 µs", "CPU µs/req", "kernel %", "errors"]
print("\n## The cost of one hop, 1 KiB, 50 keep-alive connections: nginx and HAProxy as reverse")
print("## proxies (no filtering), Squid and edugate as forward proxies (edugate filtering)")
print(f"{'':12}" + "".join(f"{n:>12}" for n in names))
for k, v in rows.items():
    print(f"{k:12}" + "".join(f"{x:>12}" for x in v))
cpu = {k: float(v[5]) for k, v in rows.items()}
rps = {k: float(v[1]) for k, v in rows.items()}
print(f"CPU/req edugate/nginx {cpu['edugate']/cpu['nginx']:.2f}x (target <= 1.2x)  "
      f"edugate/haproxy {cpu['edugate']/cpu['haproxy']:.2f}x  edugate/squid "
      f"{cpu['edugate']/cpu['squid']:.2f}x;  req/s edugate/squid {rps['edugate']/rps['squid']:.2f}x "
      f"(target >= 4x)")
PY
e=$(run edugate "$edugate_pid" "$edugate_port" 1m.bin 10); s=$(run squid "$squid_pid" "$squid_port" 1m.bin 10)
report "1 MiB responses, 10 connections" "$e" "$s"
e=$(run edugate "$edugate_pid" "$edugate_port" 1k.bin 10 10); s=$(run squid "$squid_pid" "$squid_port" 1k.bin 10 10)
report "Paced ~1,000 req/s (10 connections x 1 request / 10 ms), 1 KiB" "$e" "$s"

if [[ -n "$blocked_domain" ]]; then
  e=$(EXPECT_403=1 run edugate "$edugate_pid" "$edugate_port" - 10 10 "http://$blocked_domain/")
  s=$(EXPECT_403=1 run squid "$squid_pid" "$squid_port" - 10 10 "http://$blocked_domain/")
  report "Blocked request ($blocked_domain, ~1,000 req/s): answered by the proxy itself" "$e" "$s"
  echo "memory: edugate RSS $(awk '/VmRSS/ {print $2/1024 " MiB"}' /proc/$edugate_pid/status), squid RSS $(awk '/VmRSS/ {print $2/1024 " MiB"}' /proc/$squid_pid/status)"
fi

# --- CONNECT tunnel: 1 GiB through the tunnel vs the same download made directly.
tunnel() {  # PROXY-PORT-or-empty [ORIGIN-PORT] -> seconds; fails unless all 1 GiB arrived
  local args=() out
  [[ -n "$1" ]] && args=(-p -x "http://127.0.0.1:$1")
  out=$(taskset -c 0 curl -s --fail -o /dev/null -w '%{time_total} %{size_download}' \
    "${args[@]}" "http://127.0.0.1:${2:-$origin_port}/1g.bin") || return 1
  [[ "${out#* }" == "$((1 << 30))" ]] || { echo "incomplete download: $out" >&2; return 1; }
  echo "${out% *}"
}
best3() {  # ARGS of tunnel -> the best of three times
  local t1 t2 t3
  t1=$(tunnel "$@"); t2=$(tunnel "$@"); t3=$(tunnel "$@")
  python3 -c 'import sys; print(min(float(x) for x in sys.argv[1:]))' "$t1" "$t2" "$t3"
}
tunnel "" >/dev/null  # warm the page cache and the TCP paths once
direct_s=$(best3 "")
b=$(cpu_ticks "$edugate_pid")
sb=$(sys_ticks "$edugate_pid")
e_s=$(best3 "$edugate_port")
e_kernel=$(( 100 * ($(sys_ticks "$edugate_pid") - sb) / ($(cpu_ticks "$edugate_pid") - b + 1) ))
a=$(( ($(cpu_ticks "$edugate_pid") - b) / 3 + b ))
b2=$(cpu_ticks "$squid_pid")
s_s=$(best3 "$squid_port")
a2=$(( ($(cpu_ticks "$squid_pid") - b2) / 3 + b2 ))
b3=$(cpu_ticks "$haproxy_pid")
h_s=$(best3 "" "$haproxy_port")
a3=$(( ($(cpu_ticks "$haproxy_pid") - b3) / 3 + b3 ))
python3 - "$direct_s" "$e_s" "$s_s" "$h_s" "$((a - b))" "$((a2 - b2))" "$((a3 - b3))" "$tick" \
  "$e_kernel" <<'PY'
import sys
d, e, s, h = map(float, sys.argv[1:5])
ce, cs, ch, tick, e_kernel = map(int, sys.argv[5:10])
mib = 1024
print("\n## CONNECT tunnel, 1 GiB download (curl -p), best of 3; CPU averaged over the 3")
print(f"direct   {mib/d:8.0f} MiB/s")
print(f"edugate  {mib/e:8.0f} MiB/s  ({d/e*100:.0f}% of direct)  proxy CPU {ce/tick*1e6/mib:.0f} µs/MiB"
      f" ({e_kernel}% kernel)")
print(f"squid    {mib/s:8.0f} MiB/s  ({d/s*100:.0f}% of direct)  proxy CPU {cs/tick*1e6/mib:.0f} µs/MiB")
print(f"haproxy  {mib/h:8.0f} MiB/s  ({d/h*100:.0f}% of direct)  proxy CPU {ch/tick*1e6/mib:.0f} µs/MiB"
      "  (plain TCP relay with splice, no CONNECT)")
print(f"edugate/haproxy proxy CPU per MiB: {ce/ch:.2f}x" if ch else "")
PY

# --- 10,000 idle client connections held open: edugate's RSS growth.
rss_kb() { awk '/VmRSS/ {print $2}' "/proc/$1/status"; }
ulimit -n 65536 2>/dev/null || true
before_rss=$(rss_kb "$edugate_pid")
python3 "$here/hold_idle.py" 127.0.0.1 "$edugate_port" 10000 "$edugate_pid" "$before_rss"
