#!/usr/bin/env bash
# The shipped Prometheus alerts (etc/prometheus/edugate-alerts.yml): `promtool check rules`,
# `promtool test rules` on tests/prometheus/edugate-alerts.test.yml, and every alert has a test.
# (That every metric the alerts read is exported is an integration test: report_api_test.cpp.)
# promtool is Debian's (package prometheus); when it is not installed, it is taken out of the
# downloaded package into build/tools/, so that no Prometheus server gets installed or started.
set -euo pipefail
cd "$(dirname "$0")/../.."

promtool=$(command -v promtool || true)
if [[ -z "$promtool" ]]; then
  promtool=$PWD/build/tools/promtool
  if [[ ! -x "$promtool" ]]; then
    work=$(mktemp -d)
    trap 'rm -rf "$work"' EXIT
    (cd "$work" && { apt-get download prometheus >/dev/null 2>&1 ||
      { apt-get update -qq && apt-get download prometheus >/dev/null; }; })
    dpkg-deb -x "$work"/prometheus_*.deb "$work/x"
    mkdir -p build/tools
    cp "$work/x/usr/bin/promtool" "$promtool"
  fi
fi
"$promtool" --version | head -1

rules=etc/prometheus/edugate-alerts.yml
tests=tests/prometheus/edugate-alerts.test.yml
"$promtool" check rules "$rules"
(cd "$(dirname "$tests")" && "$promtool" test rules "$(basename "$tests")")

missing=0
for alert in $(sed -n 's/^ *- alert: *//p' "$rules"); do
  if ! grep -q "alertname: $alert\$" "$tests"; then
    echo "FAIL: alert $alert has no test in $tests"
    missing=1
  fi
done
[[ $missing -eq 0 ]] && echo "every alert has a test"
exit "$missing"
