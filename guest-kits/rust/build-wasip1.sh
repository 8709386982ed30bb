#!/usr/bin/env bash
# Builds a Rust crate for wasm32-wasip1, reproducibly, with Debian 12's rustc/cargo and std built from
# source (rustup cannot fetch the wasm32 std on machines without its download site; with rustup's own
# `rustup target add wasm32-wasip1` you can use plain `cargo build --release --target wasm32-wasip1`).
# Installs the Debian packages it needs when missing (apt-get, as root), builds with the crate's
# Cargo.lock (--locked) and copies the module to OUT.
# Usage: build-wasip1.sh CRATE_DIR OUT.wasm
# Env: CARGO_TARGET_DIR (default CRATE_DIR/target; fixed for crates of this repository), CARGO_HOME,
#      MCPWASM_WASIP1_CLEAN=1 (crates of this repository: empty the fixed target directory first).
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
# Cargo hashes absolute paths into the build (a path dependency outside the crate's workspace, as the kit is for
# every crate that uses it, and the RUSTFLAGS below), so the same sources built in two checkouts differ. A crate inside
# this repository is therefore built from a copy at a fixed place: the kit and the crate at their paths relative to
# the repository root, with a fixed target directory (builds take turns on a lock).
repo="$(cd "$kit/../.." && pwd)"
if [ "${crate_dir#"$repo"/}" != "$crate_dir" ]; then
  stage=/tmp/mcpwasm-wasip1-build
  mkdir -p "$stage"
  exec 9>"$stage/.lock"
  flock 9
  [ "${MCPWASM_WASIP1_CLEAN:-}" != 1 ] || rm -rf "$stage/target" # samples/build-all.sh --clean: std from scratch
  copy() { # copy SRC DST: DST becomes SRC (without target/), keeping DST's target/ for the next build
    mkdir -p "$2"
    find "$2" -mindepth 1 -maxdepth 1 ! -name target -exec rm -rf {} +
    tar -C "$1" --exclude=./target -cf - . | tar -C "$2" -xf -
  }
  copy "$kit" "$stage/src/guest-kits/rust"
  rel="${crate_dir#"$repo"/}"
  [ "$rel" = guest-kits/rust/"${rel#guest-kits/rust/}" ] || copy "$crate_dir" "$stage/src/$rel"
  crate_dir="$stage/src/$rel"
  kit="$stage/src/guest-kits/rust"
  export CARGO_TARGET_DIR="$stage/target"
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
