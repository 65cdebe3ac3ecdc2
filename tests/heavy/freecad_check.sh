#!/usr/bin/env bash
# Heavy test: build PROGRAM.json to STEP with img2cad and open it with FreeCAD (an independent
# STEP client on the same kernel version). Usage: freecad_check.sh IMG2CAD PROGRAM.json
set -euo pipefail
img2cad=$1
program=$2
if ! command -v freecadcmd >/dev/null; then
  echo "freecadcmd not found: install it with 'scripts/setup --heavy'" >&2
  exit 1
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$img2cad" build "$program" -o "$work/out" --formats step --json > "$work/summary.json"
out=$(STEP_FILE="$work/out/model.step" SUMMARY_JSON="$work/summary.json" \
      freecadcmd "$(dirname "$0")/freecad_step_check.py" 2>&1) && rc=0 || rc=$?
grep '^FREECAD-CHECK' <<<"$out" || { echo "$out" | tail -20; }
exit $rc
