#!/usr/bin/env bash
# Usage: median.sh N command...   Runs the command N times, prints min/median/max wall time in ms.
# Used for the measurements in docs/producer-design.md.
n=$1; shift
ts=()
for ((i = 0; i < n; i++)); do
  s=$(date +%s%N)
  "$@" >/dev/null 2>&1
  e=$(date +%s%N)
  ts+=($(( (e - s) / 1000000 )))
done
sorted=($(printf '%s\n' "${ts[@]}" | sort -n))
echo "n=$n min=${sorted[0]} median=${sorted[$((n / 2))]} max=${sorted[$((n - 1))]} ms"
