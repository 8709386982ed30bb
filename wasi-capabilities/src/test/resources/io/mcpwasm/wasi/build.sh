#!/usr/bin/env bash
# Rebuilds the WasiHost test probes beside this script and reports whether each is byte-identical to the
# committed file. Go 1.26 (preinstalled on the project's machines) and Debian's clang 14 + wasi-libc.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here"
if ! command -v clang >/dev/null || [ ! -d /usr/lib/wasm32-wasi ]; then
  apt-get update && apt-get install -y --no-install-recommends clang lld wasi-libc libclang-rt-14-dev-wasm32
fi
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
GOOS=wasip1 GOARCH=wasm CGO_ENABLED=0 go build -trimpath -buildvcs=false -ldflags='-s -w' -o "$tmp/go-probe.wasm" go-probe.go
clang --target=wasm32-wasi -Os -s -o "$tmp/libc-probe.wasm" libc-probe.c
for f in go-probe.wasm libc-probe.wasm; do
  if cmp -s "$tmp/$f" "$f"; then echo "$f: identical"; else echo "$f: DIFFERS (updated)"; cp "$tmp/$f" "$f"; fi
done
