#!/usr/bin/env bash
# Usage: push-bench.sh N MASTER_REPO CLIENT_REPO [extra hg args for the push...]
# Commits one changeset in CLIENT_REPO and times "hg push ssh://localhost/MASTER_REPO", N times.
# Prints min/median/max of the push alone (the commit is not timed).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
n=$1 master=$2 client=$3; shift 3
ts=()
for ((i = 0; i < n; i++)); do
  echo "$RANDOM $i" >> "$client/file"
  hg -R "$client" commit -q -A -m "bench $i" -u bench
  s=$(date +%s%N)
  hg -R "$client" push -q --config ui.ssh="$here/fakessh" "ssh://localhost/$master" "$@" >/dev/null 2>&1 || { echo "push $i failed" >&2; hg -R "$client" push --config ui.ssh="$here/fakessh" "ssh://localhost/$master" "$@" >&2; exit 1; }
  e=$(date +%s%N)
  ts+=($(( (e - s) / 1000000 )))
done
sorted=($(printf '%s\n' "${ts[@]}" | sort -n))
echo "n=$n min=${sorted[0]} median=${sorted[$((n / 2))]} max=${sorted[$((n - 1))]} ms"
