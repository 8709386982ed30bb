#!/usr/bin/env bash
# Builds ../rmcp-readme.wasm (wasm32-wasip1) with the Rust guest kit's build script (Debian's rustc/cargo,
# std built from source, pinned Cargo.lock, path remapping). No manifest is embedded: like the other
# third-party servers it runs on the host policy alone.
set -euo pipefail
cd "$(dirname "$0")"
../../../guest-kits/rust/build-wasip1.sh . ../rmcp-readme.wasm
