#!/usr/bin/env bash
# Builds http-fetch-rust.wasm (wasm32-wasip1) with Debian's rustc/cargo and build-std
# (see /work/shared/toolchains.md): apt packages rustc-web cargo-web rust-web-src lld wasi-libc.
# The manifest is not embedded (see README.md).
set -euo pipefail
cd "$(dirname "$0")"
if [ ! -x /usr/bin/cargo ] || [ ! -d /usr/lib/wasm32-wasi ] || ! command -v wasm-ld >/dev/null; then
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends rustc-web cargo-web rust-web-src lld wasi-libc >/dev/null
fi
export RUSTC=/usr/bin/rustc RUSTC_BOOTSTRAP=1
export RUSTFLAGS="-C linker=wasm-ld -L native=/usr/lib/wasm32-wasi --remap-path-prefix=$PWD=. --remap-path-prefix=$HOME=~"
/usr/bin/cargo --version
# Unit tests of the bindings run natively where a stable toolchain with a native std is on PATH
# (rustup's; no host there, so every call is UNAVAILABLE).
if command -v cargo >/dev/null && [ "$(command -v cargo)" != /usr/bin/cargo ]; then
  (unset RUSTC RUSTC_BOOTSTRAP RUSTFLAGS; CARGO_TARGET_DIR=target/native cargo test --locked --quiet \
     --target "$(rustc -vV | sed -n 's/^host: //p')")
fi
/usr/bin/cargo build --release --locked
cp target/wasm32-wasip1/release/http-fetch-rust.wasm http-fetch-rust.wasm
ls -l http-fetch-rust.wasm
sha256sum http-fetch-rust.wasm
