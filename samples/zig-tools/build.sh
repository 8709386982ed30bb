#!/usr/bin/env bash
# Builds zig-tools.wasm (wasm32-wasi, ReleaseSmall, stripped) with the Zig guest kit's build script (the
# exact Zig release it pins, from PyPI, in a private venv), then embeds manifest.json with the kit's
# manifest tool (guest-kits/manifest).
set -euo pipefail
cd "$(dirname "$0")"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
../../guest-kits/zig/build-wasip1.sh main.zig "$tmp/zig-tools.raw.wasm"
../../guest-kits/manifest/embed-manifest.sh "$tmp/zig-tools.raw.wasm" manifest.json zig-tools.wasm
ls -l zig-tools.wasm
sha256sum zig-tools.wasm
