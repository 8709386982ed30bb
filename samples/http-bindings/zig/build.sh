#!/usr/bin/env bash
# Builds http-fetch-zig.wasm (wasm32-wasi, ReleaseSmall, stripped) with Zig 0.17.0
# from PyPI (ziglang) in a private venv (shared with samples/zig-tools). The manifest
# is not embedded (see README.md).
set -euo pipefail
cd "$(dirname "$0")"
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
  main.zig -femit-bin=http-fetch-zig.wasm
ls -l http-fetch-zig.wasm
sha256sum http-fetch-zig.wasm
