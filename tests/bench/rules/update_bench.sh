#!/usr/bin/env bash
# rules.update end to end at province scale: a 1.5-million-domain department bundle (every public
# list in ../shared/data, copied into a temporary bundle directory, never into the repository) is
# published with `edugate rules publish`, served over HTTPS by tests/integration/harness/
# https_site.py, fetched, verified, compiled and swapped in by a running edugate, while wrk loads
# the proxy. Prints the archive size, each stage's time and the proxied p99 latency before and
# during the swap (the target: publish + fetch..swap <= 5 s, archive <= 15 MB, p99 during <= 2x).
#
#   tests/bench/rules/update_bench.sh [BUILD_DIR]     (default build/test; a Release build)
#
# Bounded: two wrk runs of 10 s, waits of at most 120 s. Not run by scripts/test.
set -euo pipefail
cd "$(dirname "$0")/../../.."
build=${1:-build/test}
edugate=$build/proxy/edugate
data=$(realpath ../shared/data)
[[ -x $edugate ]] || { echo "missing $edugate (build $build first)" >&2; exit 1; }
# The origin is nginx (the test origin's answers wait on a delayed ACK, a 40 ms floor that would
# hide any stall of the proxy), as in tests/bench/proxy/compare_squid.sh.
need=()
for p in wrk nginx-light python3; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || need+=("$p")
done
[[ ${#need[@]} -eq 0 ]] || apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null

tmp=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT
now_ms() { date +%s%3N; }

# The bundles: v1 a small one, v2 every list (relative paths: a fetched bundle reads nothing
# outside its directory).
python3 - "$data" "$tmp" <<'PY'
import os, shutil, sys
data, out = sys.argv[1], sys.argv[2]
small = os.path.join(out, "small"); big = os.path.join(out, "big")
os.makedirs(small); os.makedirs(os.path.join(big, "lists"))
open(os.path.join(small, "categories.yaml"), "w").write(
    'categories:\n  - id: ut1-adult\n    labels: {vi: "adult", en: "adult"}\n    mandatory: true\n'
    '    domains: [blocked.bench]\nprofiles:\n  staff:\n    block: [ut1-adult]\n')
cats, ids = [], []
def cid(prefix, name):
    return (prefix + "-" + "".join(c if c.isalnum() or c == "_" else "-" for c in name.lower()))[:64]
ut1 = os.path.join(data, "ut1/blacklists")
for name in sorted(os.listdir(ut1)):
    d = os.path.join(ut1, name)
    if not os.path.isdir(d): continue
    dest = os.path.join(big, "lists", "ut1", name)
    os.makedirs(dest)
    for f in ("domains", "urls"):
        if os.path.exists(os.path.join(d, f)): shutil.copyfile(os.path.join(d, f), os.path.join(dest, f))
    ids.append(cid("ut1", name))
    mand = "    mandatory: true\n" if name in ("adult", "malware") else ""
    cats.append(f'  - id: {ids[-1]}\n    labels: {{vi: "{name}", en: "{name}"}}\n{mand}'
                f'    lists: [{{squidguard: "lists/ut1/{name}"}}]\n')
for sub, prefix in [("blocklistproject", "blp"), ("shadowwhisperer", "sw"), ("sinfonietta", "sinf"),
                    ("vn/hostsvn", "hostsvn")]:
    for name in sorted(os.listdir(os.path.join(data, sub))):
        if not name.endswith(".txt"): continue
        ids.append(cid(prefix, name[:-4]))
        rel = f"lists/{prefix}-{name}"
        shutil.copyfile(os.path.join(data, sub, name), os.path.join(big, rel))
        cats.append(f'  - id: {ids[-1]}\n    labels: {{vi: "{name}", en: "{name}"}}\n'
                    f'    lists: [{{format: domains, file: "{rel}"}}]\n')
open(os.path.join(big, "categories.yaml"), "w").write(
    "categories:\n" + "".join(cats) + "profiles:\n  staff:\n    block: [" + ", ".join(ids) + "]\n")
PY
cat > "$tmp/school.yaml" <<'YAML'
default_group:
  labels: {vi: bench, en: bench}
  age: staff
YAML
"$edugate" rules keygen --out "$tmp/keys" --name so >/dev/null
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$tmp/srv.key" \
  -out "$tmp/srv.pem" -days 2 -subj /CN=localhost -addext "subjectAltName=DNS:localhost" 2>/dev/null
mkdir "$tmp/site"
"$edugate" rules publish --key "$tmp/keys/so.key.pem" --version 1 "$tmp/small" -o "$tmp/site" >/dev/null 2>&1

python3 tests/integration/harness/https_site.py --dir "$tmp/site" --cert "$tmp/srv.pem" \
  --key "$tmp/srv.key" >"$tmp/site.out" 2>"$tmp/site.err" &
pids+=($!)
origin_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
mkdir -p "$tmp/www" "$tmp/nginx"
head -c 512 /dev/urandom >"$tmp/www/512.bin"
chmod 755 "$tmp" && chmod -R a+rX "$tmp/www"
cat >"$tmp/nginx/nginx.conf" <<NGINX
worker_processes 1;
daemon off;
pid $tmp/nginx/nginx.pid;
error_log $tmp/nginx/error.log;
events { worker_connections 1024; }
http {
  access_log off;
  keepalive_requests 1000000;
  client_body_temp_path $tmp/nginx;
  proxy_temp_path $tmp/nginx;
  fastcgi_temp_path $tmp/nginx;
  uwsgi_temp_path $tmp/nginx;
  scgi_temp_path $tmp/nginx;
  server { listen 127.0.0.1:$origin_port; root $tmp/www; }
}
NGINX
nginx -c "$tmp/nginx/nginx.conf" -e "$tmp/nginx/error.log" &
pids+=($!)
for _ in $(seq 100); do [[ -s $tmp/site.out ]] && break; sleep 0.1; done
site_port=$(awk '{print $2}' "$tmp/site.out")

cat > "$tmp/edugate.yaml" <<YAML
listeners: [{address: 127.0.0.1:0}]
workers: 1
client_networks: [127.0.0.0/8]
admin: {address: 127.0.0.1:0}
destinations: {allow: [127.0.0.0/8]}
log_level: info
rules:
  department: $tmp/small
  school: $tmp/school.yaml
  update:
    url: https://localhost:$site_port/
    pubkey: $tmp/keys/so.pub.pem
    interval: 1s
    ca: $tmp/srv.pem
    state_dir: $tmp/state
    max_size: 1GiB
upstream_overrides:
  allowed.bench: "127.0.0.1:$origin_port"
reporting:
  store: $tmp/edugate.db
  school_id: bench
YAML
# One worker for the proxy, so that the second core runs the loader thread and wrk's load stays
# comparable; the updater fetches on the main thread.
"$edugate" run -c "$tmp/edugate.yaml" 2>"$tmp/edugate.log" &
pids+=($!)
for _ in $(seq 150); do grep -q "edugate ready" "$tmp/edugate.log" && break; sleep 0.1; done
proxy=$(grep -o 'proxy [0-9.:]*' "$tmp/edugate.log" | head -1 | awk '{print $2}')
admin=$(grep -o 'admin [0-9.:]*' "$tmp/edugate.log" | head -1 | awk '{print $2}')
version() { curl -s "http://$admin/metrics" | awk '$1=="edugate_rules_bundle_version"{print $2}'; }
for _ in $(seq 200); do [[ $(version) == 1 ]] && break; sleep 0.1; done
[[ $(version) == 1 ]] || { echo "v1 never accepted" >&2; tail "$tmp/edugate.log" >&2; exit 1; }

cat > "$tmp/wrk.lua" <<'LUA'
wrk.path = "http://allowed.bench/512.bin"
-- Paced as compare_squid.sh paces: each connection waits 10 ms between requests (~800 req/s),
-- a school's load rather than a saturated box, so that p99 shows a stalled worker, not a queue.
delay = function() return 10 end
done = function(summary, latency, requests)
  io.write(string.format("RESULT requests=%d errors=%d p50_us=%d p99_us=%d\n", summary.requests,
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write +
    summary.errors.timeout, latency:percentile(50), latency:percentile(99)))
end
LUA
load() { wrk -t1 -c8 -d10s -s "$tmp/wrk.lua" "http://$proxy" | grep RESULT; }

before=$(load)

# Publishing happens on the department's server: it is timed on its own (into a copy of the
# site), not under the school's load. Then, while wrk runs, the new files appear in the served
# site (renames, as publish itself does) and the appliance picks them up.
cp -a "$tmp/site" "$tmp/site2"
t0=$(now_ms)
"$edugate" rules publish --key "$tmp/keys/so.key.pem" --version 2 "$tmp/big" -o "$tmp/site2" \
  >"$tmp/publish.out" 2>"$tmp/publish.err"
t1=$(now_ms)
load >"$tmp/during" &
wrk_pid=$!
sleep 2
for f in "$tmp"/site2/*.tar.gz; do [[ -e $tmp/site/$(basename "$f") ]] || mv "$f" "$tmp/site/"; done
mv "$tmp/site2/current.json" "$tmp/site/current.json"
t_live=$(now_ms)
for _ in $(seq 1200); do [[ $(version) == 2 ]] && break; sleep 0.1; done
t2=$(now_ms)
wait "$wrk_pid"
during=$(cat "$tmp/during")
[[ $(version) == 2 ]] || { echo "v2 never accepted" >&2; tail "$tmp/edugate.log" >&2; exit 1; }

stamp() { grep "$1" "$tmp/edugate.log" | tail -1 | awk '{print $2}'; }
ms_of() { python3 -c "import sys;h,m,s=sys.argv[1].split(':');print(int((int(h)*3600+int(m)*60+float(s))*1000))" "$1"; }
announced=$(ms_of "$(stamp 'version 2 announced')")
tried=$(ms_of "$(stamp 'trying department bundle version 2')")
accepted=$(ms_of "$(stamp 'department bundle version 2 accepted')")
archive=$(ls -l "$tmp"/site/*.tar.gz | sort -k5 -n | tail -1 | awk '{print $5}')
entries=$(grep -o '[0-9]* entries' "$tmp/publish.out" | head -1)
p99_before=$(sed 's/.*p99_us=\([0-9]*\).*/\1/' <<<"$before")
p99_during=$(sed 's/.*p99_us=\([0-9]*\).*/\1/' <<<"$during")

echo "bundle: $entries; archive $(( archive / 1024 )) KiB ($(python3 -c "print(f'{$archive/1e6:.1f}')") MB, target <= 15 MB)"
echo "publish (load, self-test, pack, sign, write): $(( t1 - t0 )) ms (department side, unloaded)"
echo "fetch of the archive over HTTPS:               $(( tried - announced )) ms"
echo "hash, unpack, compile, self-test, commit, swap: $(( accepted - tried )) ms"
echo "  of which (edugate's log): $(grep 'version 2: hash' "$tmp/edugate.log" | sed 's/.*rules.update: version 2: //')"
echo "publish + fetch..swap:                          $(( t1 - t0 + accepted - announced )) ms (target <= 5000)"
echo "on the site to in force, polling included:     $(( t2 - t_live )) ms (interval 1s + jitter)"
echo "wrk before: $before"
echo "wrk during: $during"
echo "p99 during/before: $(python3 -c "print(f'{$p99_during/$p99_before:.2f}')") (target <= 2)"
