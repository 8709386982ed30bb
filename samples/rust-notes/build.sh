#!/usr/bin/env bash
# Builds rust-notes.wasm (wasm32-wasip1) with the Rust guest kit's build script (Debian's rustc/cargo,
# std built from source, pinned Cargo.lock, path remapping; it installs the Debian packages it needs),
# then embeds manifest.json when the project's ManifestTool is compiled. The first build compiles std
# (minutes); later ones reuse target/.
set -euo pipefail
cd "$(dirname "$0")"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
../../guest-kits/rust/build-wasip1.sh . "$tmp/rust-notes.raw.wasm"
../../guest-kits/manifest/embed-manifest.sh "$tmp/rust-notes.raw.wasm" manifest.json rust-notes.wasm
ls -l rust-notes.wasm
sha256sum rust-notes.wasm
