#!/usr/bin/env bash
# The Debian package, tried as a school admin would use it, in a fresh Debian 12 root
# (debootstrap --variant=minbase): install pulls only Debian packages; `edugate check` passes on
# the installed config; the binary runs as the edugate user from /etc/edugate and proxies a
# local request (and blocks a listed site); a backup that root restores stays edugate's store; an
# upgrade to a newer build keeps an edited
# /etc/edugate/edugate.yaml; remove keeps config and store; purge leaves nothing of ours.
#
# Usage: tests/package/deb_test.sh   (root; builds both packages with scripts/package)
#        EDUGATE_KEEP_ROOT=1 keeps the Debian root for a look afterwards.
# Needs root, debootstrap, unshare and the Debian mirror of this machine's apt sources.
# A pristine root is cached in build/package/bookworm-minbase.tar (delete it to start over).
set -euo pipefail
cd "$(dirname "$0")/../.."
src=$PWD

if [[ $(id -u) -ne 0 ]]; then
  echo "SKIPPED: the package test needs root (debootstrap, chroot, mounts)"
  exit 0
fi

failures=0
ok() { echo "ok   - $*"; }
fail() {
  echo "FAIL - $*"
  failures=$((failures + 1))
}
expect() {  # expect DESCRIPTION COMMAND...
  local what=$1
  shift
  if "$@"; then ok "$what"; else fail "$what"; fi
}

# --- the two packages: this build, and a newer one to upgrade to ---
base_version=$(sed -n 's/^project(edugate VERSION \([0-9.]*\).*/\1/p' CMakeLists.txt)
new_version="${base_version}+upgrade1"
scripts/package --version "$new_version"
cp "build/package/edugate_${new_version}_amd64.deb" build/package/upgrade.deb.tmp
scripts/package
old_deb="build/package/edugate_${base_version}_amd64.deb"
new_deb=build/package/upgrade.deb.tmp

# --- a fresh Debian 12 root ---
mirror=$(sed -n 's/^URIs: *\([^ ]*\).*/\1/p' /etc/apt/sources.list.d/*.sources 2>/dev/null |
  grep -v security | head -1 || true)
[[ -n "$mirror" ]] || mirror=$(awk '$1 == "deb" && $3 == "bookworm" {print $2; exit}' \
  /etc/apt/sources.list 2>/dev/null || true)
mirror=${mirror:-http://deb.debian.org/debian}
cache=build/package/bookworm-minbase.tar
root=$(mktemp -d /var/tmp/edugate-deb-test.XXXXXX)
mounts=()
origin_pid=
cleanup() {
  [[ -n "$origin_pid" ]] && kill "$origin_pid" 2>/dev/null || true
  local m
  for ((i = ${#mounts[@]} - 1; i >= 0; i--)); do umount -l "${mounts[$i]}" 2>/dev/null || true; done
  for m in "${mounts[@]}"; do
    if mountpoint -q "$m"; then
      echo "still mounted, $root left in place: $m"
      return
    fi
  done
  rm -f "$src/build/package/upgrade.deb.tmp"
  if [[ -n "${EDUGATE_KEEP_ROOT:-}" ]]; then
    echo "root kept: $root"
    return
  fi
  rm -rf --one-file-system "$root"
}
trap cleanup EXIT

if [[ -f "$cache" ]]; then
  tar -C "$root" -xf "$cache"
else
  echo "== debootstrap --variant=minbase bookworm ($mirror)"
  debootstrap --variant=minbase bookworm "$root" "$mirror" >"$root.debootstrap.log" 2>&1 || {
    tail -20 "$root.debootstrap.log"
    exit 1
  }
  rm -f "$root.debootstrap.log"
  tar -C "$root" -cf "$cache" .
fi
chmod 0755 "$root"  # mktemp made it 0700: the edugate user must get through it
printf '127.0.0.1\tlocalhost\n::1\t\tlocalhost ip6-localhost ip6-loopback\n' >"$root/etc/hosts"
cp /etc/resolv.conf "$root/etc/resolv.conf"
# This machine's apt sources (the same mirror and suites, security updates included).
if compgen -G '/etc/apt/sources.list.d/*.sources' >/dev/null; then
  rm -f "$root/etc/apt/sources.list"
  cp /etc/apt/sources.list.d/*.sources "$root/etc/apt/sources.list.d/"
fi
mount -t proc proc "$root/proc" && mounts+=("$root/proc")
mount --bind /dev "$root/dev" && mounts+=("$root/dev")
in_root() { chroot "$root" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 \
  DEBIAN_FRONTEND=noninteractive "$@"; }

cp "$old_deb" "$root/tmp/edugate_old.deb"
cp "$new_deb" "$root/tmp/edugate_new.deb"
in_root apt-get update -qq

# --- install ---
echo "== apt-get install ./edugate_${base_version}_amd64.deb"
in_root apt-get install -y -qq ./tmp/edugate_old.deb </dev/null >"$root/tmp/install.log" 2>&1 ||
  { cat "$root/tmp/install.log"; exit 1; }
# A package that no configured source offers shows as [installed,local]: only edugate may.
local_pkgs=$(in_root apt list --installed 2>/dev/null | grep ',local\]' | cut -d/ -f1 | tr '\n' ' ')
expect "every dependency comes from Debian (local packages: ${local_pkgs:-none})" \
  test "$local_pkgs" = "edugate "
expect "binary /usr/sbin/edugate" test -x "$root/usr/sbin/edugate"
expect "unit /lib/systemd/system/edugate.service runs /usr/sbin/edugate" \
  grep -q '^ExecStart=/usr/sbin/edugate run --config /etc/edugate/edugate.yaml$' \
  "$root/lib/systemd/system/edugate.service"
expect "unit enabled (multi-user.target.wants)" \
  test -L "$root/etc/systemd/system/multi-user.target.wants/edugate.service"
expect "the department's unit is installed (edugate department serve)" \
  grep -q '^ExecStart=/usr/sbin/edugate department serve --config /etc/edugate/department.yaml$' \
  "$root/lib/systemd/system/edugate-department.service"
expect "the department's unit is not enabled on a school's box" \
  test ! -e "$root/etc/systemd/system/multi-user.target.wants/edugate-department.service"
expect "man page edugate(8) documents the subcommands" \
  sh -c "zcat '$root/usr/share/man/man8/edugate.8.gz' | grep -q 'edugate report weekly'"
expect "README in /usr/share/doc/edugate" test -f "$root/usr/share/doc/edugate/README.md"
expect "edugate account (sysusers)" in_root getent passwd edugate
# The account as the root's own /etc/passwd has it (the host may have none, or another).
ids=$(awk -F: '$1 == "edugate" {print $3 ":" $4}' "$root/etc/passwd")
expect "/var/lib/edugate owned by edugate ($ids), 0750 (tmpfiles)" \
  test "$(stat -c '%u:%g %a' "$root/var/lib/edugate")" = "$ids 750"

expect "/etc/edugate/edugate.yaml is a conffile" \
  sh -c "grep -qx /etc/edugate/edugate.yaml '$root/var/lib/dpkg/info/edugate.conffiles'"
expect "sample config listens on loopback only" \
  sh -c "! grep -E '^ *- address:' '$root/etc/edugate/edugate.yaml' | grep -vE '127\\.0\\.0\\.1|\\[::1\\]'"
expect "edugate check passes on the installed config (as root)" \
  sh -c "chroot '$root' edugate check >'$root/tmp/check.log' 2>&1"
expect "edugate check passes as the edugate user ($ids)" \
  sh -c "chroot --userspec='$ids' '$root' /usr/sbin/edugate check /etc/edugate/edugate.yaml \
    >'$root/tmp/check.log' 2>&1"
expect "edugate --version names the version" \
  sh -c "chroot '$root' /usr/sbin/edugate --version | grep -q '^edugate '"

# The admin edits the config: an intranet server on this box (127.0.0.2:8080, named
# intranet.school.lan) may be reached.
cat >>"$root/etc/edugate/edugate.yaml" <<'EOF'

# edited by the admin (package test)
destinations:
  allow: [127.0.0.2/32]
upstream_overrides:
  intranet.school.lan: "127.0.0.2:8080"
EOF

# --- run as the edugate user, in a network namespace of its own (loopback only) ---
mkdir -p "$root/tmp/www" && echo "served through edugate" >"$root/tmp/www/hello.txt"
run_proxy() {
  unshare --net bash -s "$root" "$ids" <<'EOS'
set -u
root=$1
ids=$2
ip link set lo up
python3 -m http.server --bind 127.0.0.2 --directory "$root/tmp/www" 8080 >/dev/null 2>&1 &
origin=$!
for _ in $(seq 100); do
  curl -s -o /dev/null http://127.0.0.2:8080/hello.txt && break
  sleep 0.1
done
chroot --userspec="$ids" "$root" env -i STATE_DIRECTORY=/var/lib/edugate \
  /usr/sbin/edugate run --config /etc/edugate/edugate.yaml >"$root/tmp/run.log" 2>&1 &
proxy=$!
for _ in $(seq 100); do
  curl -s -o /dev/null http://127.0.0.1:3129/healthz && break
  sleep 0.1
done
echo "uid=$(ps -o uid= -p "$proxy" | tr -d ' ')"
echo "local=$(curl -s -x http://127.0.0.1:3128 http://intranet.school.lan/hello.txt)"
echo "blocked=$(curl -s -o /dev/null -w '%{http_code}' -x http://127.0.0.1:3128 http://fb88.com/)"
kill -TERM "$proxy"
wait "$proxy"
echo "exit=$?"
kill "$origin"
EOS
}
echo "== edugate run as the edugate user"
result=$(run_proxy)
echo "$result" | sed 's/^/   /'
expect "runs as the edugate user" grep -qx "uid=${ids%%:*}" <<<"$result"
expect "proxies a local request" grep -qx 'local=served through edugate' <<<"$result"
expect "blocks a listed site (403)" grep -qx 'blocked=403' <<<"$result"
expect "stops cleanly on SIGTERM" grep -qx 'exit=0' <<<"$result"
expect "report store in /var/lib/edugate, owned by edugate" \
  test "$(stat -c %u:%g "$root/var/lib/edugate/edugate.db" 2>/dev/null)" = "$ids"
[[ $failures -eq 0 ]] || cat "$root/tmp/run.log"

# --- backup and restore as root; the restored store stays edugate's ---
echo "== edugate backup / restore (as root, the service stopped)"
expect "edugate backup --out /root/edugate-backup.db" \
  sh -c "chroot '$root' edugate backup --out /root/edugate-backup.db >'$root/tmp/backup.log' 2>&1"
before=$(stat -c '%u:%g %a' "$root/var/lib/edugate/edugate.db")
expect "edugate restore /root/edugate-backup.db" \
  sh -c "chroot '$root' edugate restore /root/edugate-backup.db >'$root/tmp/restore.log' 2>&1"
expect "the restored store keeps the owner and mode edugate's had ($before)" \
  test "$(stat -c '%u:%g %a' "$root/var/lib/edugate/edugate.db")" = "$before"
expect "... which is the edugate account's" test "${before% *}" = "$ids"
rm -f "$root/root/edugate-backup.db"  # the admin's file: purge would rightly leave it
result=$(run_proxy)
if grep -qx 'blocked=403' <<<"$result" && grep -qx 'exit=0' <<<"$result"; then
  ok "edugate runs on the restored store (blocks, stops cleanly)"
else
  fail "edugate runs on the restored store (blocks, stops cleanly)"
fi
[[ $failures -eq 0 ]] || tail -n 20 "$root/tmp/run.log" "$root/tmp/backup.log" "$root/tmp/restore.log"

# --- upgrade to a newer build ---
echo "== apt-get install ./edugate_${new_version}_amd64.deb (upgrade)"
in_root apt-get install -y -qq ./tmp/edugate_new.deb </dev/null >"$root/tmp/upgrade.log" 2>&1 ||
  { cat "$root/tmp/upgrade.log"; fail "upgrade"; }
expect "upgraded to $new_version" \
  test "$(in_root dpkg-query -W -f='${Version}' edugate)" = "$new_version"
expect "the edited edugate.yaml is kept" \
  grep -q '^# edited by the admin (package test)$' "$root/etc/edugate/edugate.yaml"
expect "edugate check passes after the upgrade" \
  sh -c "chroot '$root' edugate check >'$root/tmp/check.log' 2>&1"

# --- remove keeps config and store; purge leaves nothing ---
echo "== apt-get remove edugate"
in_root apt-get remove -y -qq edugate </dev/null >/dev/null 2>&1 || fail "remove"
expect "remove: binary gone" test ! -e "$root/usr/sbin/edugate"
expect "remove: /etc/edugate/edugate.yaml kept" test -f "$root/etc/edugate/edugate.yaml"
expect "remove: report store kept" test -f "$root/var/lib/edugate/edugate.db"
echo "== apt-get purge edugate"
in_root apt-get purge -y -qq edugate </dev/null >/dev/null 2>&1 || fail "purge"
rm -f "$root"/tmp/edugate_*.deb
left=$(cd "$root" && find . \( -path ./proc -o -path ./dev -o -path ./tmp \) -prune -o \
  -iname '*edugate*' -print | head -20 | tr '\n' ' ')
expect "purge: no file named edugate is left (${left:-none})" test -z "$left"
expect "purge: /etc/edugate gone" test ! -e "$root/etc/edugate"
expect "purge: /var/lib/edugate gone" test ! -e "$root/var/lib/edugate"
expect "purge: the edugate account is gone" sh -c "! chroot '$root' getent passwd edugate"
expect "purge: dpkg has no record" sh -c "! chroot '$root' dpkg-query -W edugate 2>/dev/null"

echo "== package test: $failures failure(s)"
[[ $failures -eq 0 ]]
