#!/usr/bin/env bash
# CPU per proxied 1 KiB request, before and after a change, as ratios to Squid measured in the
# same run (compare_squid.sh with ONLY_1K=1), the two binaries alternating for ROUNDS rounds.
# Prints each round and the medians; "after/before" is the change's cost (1.03 = 3 % more CPU).
#
# usage: tests/bench/proxy/before_after.sh BEFORE_BINARY AFTER_BINARY [ROUNDS] [SECONDS]
#   e.g. git worktree add /tmp/base <commit>; build it; then
#        tests/bench/proxy/before_after.sh /tmp/base/build/proxy/edugate build/test/proxy/edugate 5
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
before=${1:?usage: before_after.sh BEFORE AFTER [ROUNDS] [SECONDS]}
after=${2:?usage: before_after.sh BEFORE AFTER [ROUNDS] [SECONDS]}
rounds=${3:-5}
secs=${4:-10}
ratio_of() {  # BINARY -> "edugate_cpu squid_cpu ratio"
  ONLY_1K=1 "$here/compare_squid.sh" "$1" "$secs" |
    awk '/^edugate /{e=$7} /^squid /{s=$7} END{printf "%s %s %.3f\n", e, s, e/s}'
}
b=() a=()
for r in $(seq "$rounds"); do
  rb=$(ratio_of "$before"); ra=$(ratio_of "$after")
  echo "round $r  before: edugate ${rb% * *} µs/req  ratio ${rb##* }   after: edugate ${ra% * *} µs/req  ratio ${ra##* }"
  b+=("${rb##* }"); a+=("${ra##* }")
done
python3 - "${b[*]}" "${a[*]}" <<'PY'
import statistics, sys
b = [float(x) for x in sys.argv[1].split()]
a = [float(x) for x in sys.argv[2].split()]
mb, ma = statistics.median(b), statistics.median(a)
print(f"median CPU/req edugate/squid: before {mb:.3f}, after {ma:.3f}; after/before {ma/mb:.3f}")
PY
