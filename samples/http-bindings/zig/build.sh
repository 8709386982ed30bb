#!/usr/bin/env bash
# Builds http-fetch-zig.wasm (wasm32-wasi, ReleaseSmall, stripped) with the Zig guest kit's build script
# (Zig 0.17.0 from PyPI in a private venv; the binding guest-kits/zig/mcpwasm_http.zig as the module
# `mcpwasm_http`). The manifest is not embedded (see README.md).
set -euo pipefail
cd "$(dirname "$0")"
../../../guest-kits/zig/build-wasip1.sh main.zig http-fetch-zig.wasm
