#!/usr/bin/env bash
# Long fuzzing, outside CI: builds every libFuzzer target (clang, build/fuzz) and runs each for
# SECONDS on a scratch copy of its corpus in the tree (tests/fuzz/<lib>/corpus/<target>/).
# A crash stops the run; its input is copied into the target's corpus directory as
# crash-<sha1>, to be kept as a seed once fixed. With --merge, the inputs that add coverage are
# minimised into the tree's corpus afterwards (review before committing).
# Usage: tests/fuzz/soak.sh SECONDS [--merge] [TARGET...]     e.g. tests/fuzz/soak.sh 3600
set -euo pipefail
seconds=${1:?usage: tests/fuzz/soak.sh SECONDS [--merge] [TARGET...]}
shift
merge=0
if [[ "${1:-}" == --merge ]]; then merge=1; shift; fi
cd "$(dirname "$0")/../.."
scripts/deps test
cmake -S . -B build/fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++ \
  -DEDUGATE_FUZZ=ON -DEDUGATE_TESTS=OFF -DEDUGATE_BENCH=OFF >/dev/null
ninja -C build/fuzz fuzz_targets
mapfile -t targets < <(find build/fuzz/tests/fuzz -type f -name '*_fuzz' -perm -u+x | sort)
for t in "${targets[@]}"; do
  name=$(basename "$t")
  if [[ $# -gt 0 && " $* " != *" $name "* ]]; then continue; fi
  corpus=$(find tests/fuzz -type d -path "*/corpus/$name" | head -1)
  if [[ -z "$corpus" ]]; then
    corpus=tests/fuzz/$(basename "$(dirname "$t")")/corpus/$name
    mkdir -p "$corpus"
  fi
  work=$(mktemp -d)
  cp -r "$corpus"/. "$work"/
  echo "== $name: ${seconds}s, corpus $corpus ($(ls "$corpus" | wc -l) seeds)"
  status=0
  "$t" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$work/" "$work" >"$work.log" 2>&1 || status=$?
  grep -E '^stat::(number_of_executed_units|average_exec_per_sec|peak_rss_mb)' "$work.log" || true
  grep -E '^#[0-9]+.*(cov|ft):' "$work.log" | tail -1 || true
  if [[ $status -ne 0 ]]; then
    tail -60 "$work.log" >&2
    for crash in "$work"/crash-* "$work"/leak-* "$work"/timeout-* "$work"/oom-*; do
      [[ -e "$crash" ]] && cp "$crash" "$corpus/" && echo "kept $(basename "$crash") in $corpus" >&2
    done
    echo "fuzz target $name failed (exit $status)" >&2
    exit 1
  fi
  if [[ $merge -eq 1 ]]; then
    merged=$(mktemp -d)
    "$t" -merge=1 "$merged" "$corpus" "$work" >/dev/null 2>&1
    rm -rf "${corpus:?}"/*
    cp "$merged"/* "$corpus"/
    echo "   corpus merged: $(ls "$corpus" | wc -l) inputs"
    rm -rf "$merged"
  fi
  rm -rf "$work" "$work.log"
done
echo "== soak done"
