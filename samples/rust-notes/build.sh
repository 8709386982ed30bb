#!/usr/bin/env bash
# Builds rust-notes.wasm (wasm32-wasip1) with Debian's rustc/cargo and std built
# from source (-Z build-std, hence RUSTC_BOOTSTRAP=1): rustup cannot fetch the
# wasm32 std here. Installs the Debian packages it needs when missing, builds with
# the pinned Cargo.lock, then embeds manifest.json when the project's
# ManifestTool is compiled. The first build compiles std (minutes); later ones reuse target/.
set -euo pipefail
cd "$(dirname "$0")"
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
# The Debian toolchain, not a rustup one that may come first on PATH.
export RUSTC=/usr/bin/rustc RUSTDOC=/usr/bin/rustdoc RUSTC_BOOTSTRAP=1
cargo_home="${CARGO_HOME:-$HOME/.cargo}"
target_dir="${CARGO_TARGET_DIR:-$PWD/target}"
# Path remapping keeps machine-specific paths (panic locations) out of the module.
# rustc applies the last matching prefix, so the target dir (possibly inside $PWD) comes last.
export RUSTFLAGS="-C linker=wasm-ld -L native=/usr/lib/wasm32-wasi \
--remap-path-prefix=$PWD=/rust-notes --remap-path-prefix=$cargo_home=/cargo \
--remap-path-prefix=/usr/lib/rustlib/src/rust=/rustc-src --remap-path-prefix=$target_dir=/target"
export SOURCE_DATE_EPOCH=0
/usr/bin/rustc --version
/usr/bin/cargo build --release --locked --target-dir "$target_dir"
../embed-manifest.sh "$target_dir/wasm32-wasip1/release/rust-notes.wasm" manifest.json rust-notes.wasm
ls -l rust-notes.wasm
sha256sum rust-notes.wasm
