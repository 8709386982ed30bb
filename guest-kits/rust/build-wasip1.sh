#!/usr/bin/env bash
# Builds a Rust crate for wasm32-wasip1, reproducibly, with Debian 12's rustc/cargo and std built from
# source (rustup cannot fetch the wasm32 std on machines without its download site; with rustup's own
# `rustup target add wasm32-wasip1` you can use plain `cargo build --release --target wasm32-wasip1`).
# Installs the Debian packages it needs when missing (apt-get, as root), builds with the crate's
# Cargo.lock (--locked) and copies the module to OUT.
# Usage: build-wasip1.sh CRATE_DIR OUT.wasm
# Env: CARGO_TARGET_DIR (default CRATE_DIR/target), CARGO_HOME.
set -euo pipefail
crate_dir="$(cd "$1" && pwd)"
out="$2"
kit="$(cd "$(dirname "$0")" && pwd)"
need=()
[ -x /usr/bin/rustc ] || need+=(rustc-web)
[ -x /usr/bin/cargo ] || need+=(cargo-web)
[ -d /usr/lib/rustlib/src/rust/library ] || need+=(rust-web-src)
command -v wasm-ld >/dev/null || need+=(lld)
[ -f /usr/lib/wasm32-wasi/libc.a ] || need+=(wasi-libc)
if [ ${#need[@]} -gt 0 ]; then
  echo "installing ${need[*]}"
  apt-get update -qq && apt-get install -y -qq --no-install-recommends "${need[@]}" clang ca-certificates >/dev/null
fi
cd "$crate_dir"
name="$(sed -n 's/^name *= *"\(.*\)"/\1/p' Cargo.toml | head -1)"
# The Debian toolchain, not a rustup one that may come first on PATH; RUSTC_BOOTSTRAP for -Z build-std.
export RUSTC=/usr/bin/rustc RUSTDOC=/usr/bin/rustdoc RUSTC_BOOTSTRAP=1
cargo_home="${CARGO_HOME:-$HOME/.cargo}"
target_dir="${CARGO_TARGET_DIR:-$PWD/target}"
# Path remapping keeps machine-specific paths (panic locations) out of the module. rustc applies the
# last matching prefix, so the target dir (possibly inside the crate) comes last.
export RUSTFLAGS="-C linker=wasm-ld -L native=/usr/lib/wasm32-wasi \
--remap-path-prefix=$PWD=/$name --remap-path-prefix=$cargo_home=/cargo \
--remap-path-prefix=/usr/lib/rustlib/src/rust=/rustc-src --remap-path-prefix=$kit=/mcpwasm-guest \
--remap-path-prefix=$target_dir=/target"
export SOURCE_DATE_EPOCH=0
/usr/bin/rustc --version
/usr/bin/cargo build --release --locked --target-dir "$target_dir" \
  --target wasm32-wasip1 -Z build-std=std,panic_abort
cd - >/dev/null
cp "$target_dir/wasm32-wasip1/release/$name.wasm" "$out"
echo "$out: $(stat -c %s "$out") bytes, sha256 $(sha256sum "$out" | cut -d' ' -f1)"
