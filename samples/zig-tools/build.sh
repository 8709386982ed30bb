#!/usr/bin/env bash
# Builds zig-tools.wasm (wasm32-wasi, ReleaseSmall, stripped) with the exact Zig
# release pinned below, installed from PyPI (ziglang) into a private venv when
# missing; then embeds manifest.json when the project's ManifestTool is compiled.
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
  main.zig -femit-bin="$tmp/zig-tools.raw.wasm"
../embed-manifest.sh "$tmp/zig-tools.raw.wasm" manifest.json zig-tools.wasm
ls -l zig-tools.wasm
sha256sum zig-tools.wasm
