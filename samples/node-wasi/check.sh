#!/usr/bin/env bash
# Runs every sample server that has been built under node's WASI (node >= 20)
# and checks its answers. Usage: samples/node-wasi/check.sh [sample...]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
samples=("$@")
[ ${#samples[@]} -gt 0 ] || samples=(go-workspace zig-tools rust-notes)
total_pass=0
total_fail=0
for s in "${samples[@]}"; do
  wasm="$here/../$s/$s.wasm"
  if [ ! -f "$wasm" ]; then
    echo "FAIL $s: $wasm is missing (run samples/$s/build.sh)"
    total_fail=$((total_fail + 1))
    continue
  fi
  out="$(node --no-warnings "$here/run.mjs" "$s")" || true
  if summary="$(printf '%s\n' "$out" | node --no-warnings "$here/check.mjs" "$s")"; then :; fi
  printf '%s\n' "$summary" | grep -v '^ok ' || true
  line="$(printf '%s\n' "$summary" | tail -n 1)"
  p="$(sed -E 's/.* ([0-9]+) passed, ([0-9]+) failed/\1/' <<<"$line")"
  f="$(sed -E 's/.* ([0-9]+) passed, ([0-9]+) failed/\2/' <<<"$line")"
  total_pass=$((total_pass + p))
  total_fail=$((total_fail + f))
done
echo "node-wasi: $total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
