#!/usr/bin/env bash
# Builds a single-file Zig MCP server for wasm32-wasi (ReleaseSmall, stripped, single-threaded) with the
# exact Zig release pinned below, installed from PyPI (ziglang) into a private venv when missing, with
# throwaway caches so that the output depends on the sources only. The kit's binding is offered to the
# server as the module `mcpwasm_http`: `const http = @import("mcpwasm_http");`.
# Usage: build-wasip1.sh main.zig out.wasm
set -euo pipefail
main="$1" out="$2"
kit="$(cd "$(dirname "$0")" && pwd)"
ZIG_VERSION=0.17.0
venv="${XDG_CACHE_HOME:-$HOME/.cache}/mcpwasm/ziglang-$ZIG_VERSION"
if [ "$("$venv/bin/python" -m ziglang version 2>/dev/null || true)" != "$ZIG_VERSION" ]; then
  if ! command -v python3 >/dev/null || ! python3 -c 'import ensurepip, venv' 2>/dev/null; then
    apt-get update -qq && apt-get install -y -qq --no-install-recommends python3 python3-venv >/dev/null
  fi
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/python" -m pip install -q --disable-pip-version-check "ziglang==$ZIG_VERSION"
fi
zig() { "$venv/bin/python" -m ziglang "$@"; }
echo "zig $(zig version)"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
zig build-exe -target wasm32-wasi -O ReleaseSmall -fstrip -fsingle-threaded \
  --cache-dir "$tmp/cache" --global-cache-dir "$tmp/global-cache" \
  --dep mcpwasm_http -Mroot="$main" -Mmcpwasm_http="$kit/mcpwasm_http.zig" -femit-bin="$tmp/out.wasm"
cp "$tmp/out.wasm" "$out"
echo "$out: $(stat -c %s "$out") bytes, sha256 $(sha256sum "$out" | cut -d' ' -f1)"
