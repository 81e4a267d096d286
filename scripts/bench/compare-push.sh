#!/usr/bin/env bash
# Usage: compare-push.sh N LABEL:MASTER:CLIENT ...
# Interleaves one-changeset pushes (hg push over the fake ssh) to each MASTER from its CLIENT,
# N rounds, so background load hits every variant alike; prints min/median/max per variant and
# each variant's median minus the first one's. Numbers in docs/producer-design.md come from here.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
n=$1; shift
declare -A times
labels=()
for spec in "$@"; do labels+=("${spec%%:*}"); times[${spec%%:*}]=""; done
for ((i = 0; i < n; i++)); do
  for spec in "$@"; do
    IFS=: read -r label master client <<<"$spec"
    echo "$RANDOM $i" >> "$client/file"
    hg -R "$client" commit -q -A -m "bench $i" -u bench
    s=$(date +%s%N)
    if ! hg -R "$client" push -q --config ui.ssh="$here/fakessh" "ssh://localhost/$master" >/tmp/compare-push.out 2>&1; then
      echo "push to $master failed:" >&2; cat /tmp/compare-push.out >&2; exit 1
    fi
    e=$(date +%s%N)
    times[$label]+="$(( (e - s) / 1000000 )) "
  done
done
base=""
for label in "${labels[@]}"; do
  sorted=($(printf '%s\n' ${times[$label]} | sort -n))
  med=${sorted[$((n / 2))]}
  [ -z "$base" ] && base=$med
  echo "$label: n=$n min=${sorted[0]} median=$med max=${sorted[$((n - 1))]} ms (median added: $((med - base)) ms)"
done
