#!/usr/bin/env bash
# Heavy test: a long predict batch must not grow. Predicts the same photo 200 and 2,000 times and
# compares the peak resident memory that each summary.json reports; more than LIMIT_MB (default
# 15) between them fails. Usage: predict_memory.sh IMG2CAD PHOTO
#
# One worker: with two, the peak also depends on when both workers' largest allocations
# coincide (the same 200 inputs peaked at 728.6 MB in one run and 803.5 MB in another), which
# hides a slow growth in noise. With one worker every input allocates the same way.
set -euo pipefail
img2cad=$1
photo=$2
limit=${LIMIT_MB:-15}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/in"
for i in $(seq 1 2000); do ln -s "$(realpath "$photo")" "$work/in/p$i.png"; done
peak() {  # N -> peak_rss_mb of a batch of the first N inputs
  local n=$1
  find "$work/in" -name '*.png' | sort | head -n "$n" > "$work/list$n"
  xargs -a "$work/list$n" "$img2cad" -q predict --threads 1 -o "$work/out$n" >/dev/null
  sed -n 's/.*"peak_rss_mb": *\([0-9.]*\).*/\1/p' "$work/out$n/summary.json"
}
small=$(peak 200)
large=$(peak 2000)
echo "peak RSS: 200 inputs ${small} MB, 2000 inputs ${large} MB"
awk -v a="$small" -v b="$large" -v l="$limit" 'BEGIN { exit !(b - a <= l) }' ||
  { echo "memory grew by more than ${limit} MB over 1,800 more inputs" >&2; exit 1; }
