#!/usr/bin/env bash
# Builds http-fetch-rust.wasm (wasm32-wasip1) with the Rust guest kit's build script (Debian's rustc/cargo,
# std built from source, pinned Cargo.lock, path remapping). The HTTP binding is the kit's
# (guest-kits/rust, module `http`). The manifest is not embedded (see README.md).
set -euo pipefail
cd "$(dirname "$0")"
kit=../../../guest-kits/rust
# Unit tests of the binding run natively where a stable toolchain with a native std is on PATH
# (rustup's; no host there, so every call is UNAVAILABLE).
if command -v cargo >/dev/null && [ "$(command -v cargo)" != /usr/bin/cargo ]; then
  native_target="$PWD/target/native"
  (cd "$kit" && CARGO_TARGET_DIR="$native_target" cargo test --quiet \
     --no-default-features --target "$(rustc -vV | sed -n 's/^host: //p')")
fi
"$kit/build-wasip1.sh" . http-fetch-rust.wasm
