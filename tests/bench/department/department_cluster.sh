# Sourced by the department benchmarks: a private PostgreSQL 15 cluster with a server's
# settings (fsync and synchronous commit on) in a temporary directory, a database named
# `department`, and `psql SQL` to query it. The caller sets `edugate`, and may set `serve_pid`
# (stopped on exit). Everything is removed on exit unless KEEP=1 (the files stay, the cluster
# stopped, to profile against afterwards).
#   source tests/bench/department/department_cluster.sh NAME
pgbin=/usr/lib/postgresql/15/bin
[[ -x $pgbin/initdb ]] || { echo "postgresql-15 is needed (apt-get install postgresql-15)" >&2; exit 1; }
tmp=$(mktemp -d "/tmp/edugate-$1.XXXXXX")
chmod 755 "$tmp"
as_pg() { if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- env -C / "$@"; else "$@"; fi; }
serve_pid=
cleanup() {
  [[ -n $serve_pid ]] && kill "$serve_pid" 2>/dev/null && wait "$serve_pid" 2>/dev/null || true
  as_pg "$pgbin/pg_ctl" -D "$tmp/pg/data" -w -m fast stop >/dev/null 2>&1 || true
  if [[ ${KEEP:-} == 1 ]]; then echo "kept $tmp" >&2; else rm -rf "$tmp"; fi
}
trap cleanup EXIT
mkdir -p "$tmp/pg"
[[ $(id -u) -eq 0 ]] && chown postgres: "$tmp/pg"
as_pg "$pgbin/initdb" -D "$tmp/pg/data" -A trust -U postgres -E UTF8 --locale=C.UTF-8 >/dev/null
as_pg "$pgbin/pg_ctl" -D "$tmp/pg/data" -l "$tmp/pg/log" -w -o \
  "-c listen_addresses='' -c unix_socket_directories='$tmp/pg' -c shared_buffers=512MB" \
  start >/dev/null
as_pg "$pgbin/createdb" -h "$tmp/pg" -U postgres department
psql() { as_pg "$pgbin/psql" -h "$tmp/pg" -U postgres -d department -XAtc "$1"; }
seconds_since() { python3 -c "print(f'{$(date +%s.%N)-$1:.1f}')"; }
