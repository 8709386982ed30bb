#!/usr/bin/env bash
# Builds the wasm32-wasip1 test guests of wasi-capabilities and writes them to ../resources/guests/, where the
# Java tests load them (the tests need no toolchain: the .wasm files are committed).
#
#   ./build.sh                 build every guest and overwrite the committed .wasm files
#   ./build.sh c go            build some of them (c = hostile.wasm + fileops-c.wasm, go, rust, zig)
#   ./build.sh --check [...]   build into a scratch directory and compare byte for byte with the committed
#                              files (exit 1 on any difference)
#
# Installs what it needs on a fresh Debian 12 (x86-64): clang/lld/wasi-libc (apt), rustc-web + rust-web-src
# (apt; std is rebuilt for wasm32-wasip1 with -Z build-std, which needs crates.io for std's own
# dependencies), ziglang 0.17.0 (pip). Go 1.26 must already be on PATH.
#
# Reproducibility: every flag is pinned here. The C and Zig outputs are stripped and carry no paths; Go is
# built with -trimpath and an empty build id; Rust remaps the source path and strips. The outputs depend on
# the exact toolchain versions: Debian 12's clang 14 + wasi-libc 0.0~git20220510.9886d3d-2, Go 1.26.x (the patch
# release shows up in the runtime's version string, so another 1.26.y gives different bytes), Debian's
# rustc-web 1.96 and zig 0.17.0. With other versions the guests still behave the same but the bytes differ.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
RESOURCES=$(cd "$HERE/.." && pwd)/resources/guests
SCRATCH=${MCPWASM_GUEST_BUILD_DIR:-/tmp/mcpwasm-guest-build}
CHECK=0
TARGETS=()
for a in "$@"; do
  case "$a" in
    --check) CHECK=1 ;;
    c|go|rust|zig) TARGETS+=("$a") ;;
    *) echo "usage: $0 [--check] [c|go|rust|zig]..." >&2; exit 2 ;;
  esac
done
[ ${#TARGETS[@]} -eq 0 ] && TARGETS=(c go rust zig)

if [ "$CHECK" = 1 ]; then OUT="$SCRATCH/out"; else OUT="$RESOURCES"; fi
mkdir -p "$OUT" "$SCRATCH"

SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
APT_UPDATED=0
apt_install() {
  if [ "$APT_UPDATED" = 0 ]; then $SUDO apt-get update -q; APT_UPDATED=1; fi
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "$@"
}

build_c() {
  if ! command -v clang >/dev/null || ! command -v wasm-ld >/dev/null || [ ! -d /usr/include/wasm32-wasi ] \
      || [ ! -e /usr/lib/llvm-14/lib/clang/14.0.6/lib/wasi/libclang_rt.builtins-wasm32.a ]; then
    apt_install clang lld wasi-libc libclang-rt-14-dev-wasm32
  fi
  local cflags=(--target=wasm32-wasi -O2 -Wall -Wextra -s)
  clang "${cflags[@]}" -o "$OUT/hostile.wasm" "$HERE/hostile/hostile.c"
  clang "${cflags[@]}" -o "$OUT/fileops-c.wasm" "$HERE/fileops/fileops.c"
}

build_go() {
  command -v go >/dev/null || { echo "Go 1.26 is not on PATH" >&2; exit 1; }
  (cd "$HERE/fileops/go" && GOOS=wasip1 GOARCH=wasm CGO_ENABLED=0 GOFLAGS=-mod=mod \
     go build -trimpath -buildvcs=false -ldflags='-s -w -buildid=' -o "$OUT/fileops-go.wasm" .)
}

build_rust() {
  if [ ! -x /usr/bin/rustc ] || [ ! -x /usr/bin/cargo ] || [ ! -d /usr/lib/rustlib/src/rust/library ] \
      || ! command -v wasm-ld >/dev/null || [ ! -d /usr/lib/wasm32-wasi ]; then
    apt_install rustc-web cargo-web rust-web-src lld wasi-libc clang
  fi
  # Debian's rustc (not a rustup toolchain that may also be on PATH); build-std is unstable, hence
  # RUSTC_BOOTSTRAP. Without -C linker=wasm-ld the build looks for rust-lld, which Debian does not ship.
  (cd "$HERE/fileops/rust" && CARGO_TARGET_DIR="$SCRATCH/rust-target" RUSTC=/usr/bin/rustc RUSTC_BOOTSTRAP=1 \
     RUSTFLAGS="-C linker=wasm-ld -L native=/usr/lib/wasm32-wasi --remap-path-prefix=$HERE=/guests" \
     /usr/bin/cargo build --release --locked -q)
  cp "$SCRATCH/rust-target/wasm32-wasip1/release/fileops.wasm" "$OUT/fileops-rust.wasm"
}

build_zig() {
  if ! python3 -c 'import ziglang' 2>/dev/null || [ "$(python3 -m ziglang version)" != "0.17.0" ]; then
    python3 -m pip install -q ziglang==0.17.0
  fi
  (cd "$HERE/fileops/zig" && python3 -m ziglang build-exe -target wasm32-wasi -O ReleaseSmall -fstrip \
     --cache-dir "$SCRATCH/zig-cache" --global-cache-dir "$SCRATCH/zig-global-cache" \
     -femit-bin="$OUT/fileops-zig.wasm" main.zig)
}

for t in "${TARGETS[@]}"; do
  echo "building $t" >&2
  "build_$t"
done

if [ "$CHECK" = 1 ]; then
  status=0
  for f in "$OUT"/*.wasm; do
    name=$(basename "$f")
    if cmp -s "$f" "$RESOURCES/$name"; then echo "same      $name"; else echo "DIFFERENT $name"; status=1; fi
  done
  exit $status
fi
