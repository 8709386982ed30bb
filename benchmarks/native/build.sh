#!/usr/bin/env bash
# Builds the three sample MCP servers natively for linux-amd64 from the same sources as their wasm32-wasip1
# modules (samples/*), with the same optimisation settings as the wasm builds, into benchmarks/target/native/:
#   go-workspace  (Go, CGO off, -trimpath -s -w)           takes the workspace root as its first argument
#   rust-notes    (Rust, the crate's release profile: opt-level "s", LTO)   takes the notes directory as argument 1
#   zig-tools     (Zig 0.17.0, ReleaseSmall, single-threaded, like the wasm build)
# These binaries are the "native stdio subprocess" baseline of the benchmarks; nothing here is committed.
# Usage: benchmarks/native/build.sh [outdir]     (skips a binary that is newer than its sources)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
out="${1:-$root/benchmarks/target/native}"
mkdir -p "$out"
samples="$root/samples"

fresh() { # fresh <binary> <source files...>: true when the binary exists and is newer than every source
  local bin="$1"; shift
  [ -x "$bin" ] || return 1
  for s in "$@"; do [ "$s" -nt "$bin" ] && return 1; done
  return 0
}

# Go: the toolchain pinned in go.mod (go >= 1.21 fetches it itself when missing).
if ! fresh "$out/go-workspace" "$samples"/go-workspace/*.go "$samples/go-workspace/go.mod"; then
  echo "building go-workspace (native)"
  (cd "$samples/go-workspace" && GOFLAGS=-mod=readonly CGO_ENABLED=0 GOOS=linux GOARCH=amd64 \
     go build -trimpath -ldflags='-s -w' -buildvcs=false -o "$out/go-workspace" .)
fi

# Rust: any cargo/rustc >= 1.88 (rmcp's rust-version); the crate's .cargo/config.toml defaults to wasm32-wasip1,
# so the host target is named; the wasm build's RUSTFLAGS are wasm-only and not used.
# The sample's stdio transport (the Rust guest kit's) asks WASI poll_oneoff whether stdin is readable before it reads,
# so that the single-threaded tokio runtime can run the tool handler and write its answer while no input is queued;
# the kit's non-wasi fallback (meant for unit tests) always answers "ready", so a native build blocks in read() with
# the answer unwritten and cannot serve one request at a time. The native build therefore compiles copies of the
# sample and the kit in which only that fallback is replaced by the POSIX equivalent, poll(2) on fd 0
# (benchmarks/native/rust-stdin-poll.rs, spliced in by rust-patch.py); samples/ and guest-kits/ are not modified.
kit="$root/guest-kits/rust"
if ! fresh "$out/rust-notes" "$samples"/rust-notes/src/*.rs "$samples/rust-notes/Cargo.toml" \
    "$samples/rust-notes/Cargo.lock" "$kit"/src/*.rs "$kit/Cargo.toml" "$here/rust-stdin-poll.rs" "$here/rust-patch.py"; then
  echo "building rust-notes (native)"
  src="$out/rust-src"
  rm -rf "$src" && mkdir -p "$src/samples/rust-notes" "$src/guest-kits/rust"
  cp -r "$samples/rust-notes/src" "$samples/rust-notes/Cargo.toml" "$samples/rust-notes/Cargo.lock" \
    "$src/samples/rust-notes/"
  cp -r "$kit/src" "$kit/Cargo.toml" "$src/guest-kits/rust/"
  python3 "$here/rust-patch.py" "$src/guest-kits/rust/src/stdio.rs" "$here/rust-stdin-poll.rs"
  (cd "$src/samples/rust-notes" && env -u RUSTFLAGS -u RUSTC cargo build --release --locked --quiet \
     --target x86_64-unknown-linux-gnu --target-dir "$out/rust-target")
  cp "$out/rust-target/x86_64-unknown-linux-gnu/release/rust-notes" "$out/rust-notes"
fi

# Zig: the release pinned by samples/zig-tools/build.sh, from its private venv (or a zig on PATH of that version).
ZIG_VERSION=0.17.0
venv="${XDG_CACHE_HOME:-$HOME/.cache}/mcpwasm/ziglang-$ZIG_VERSION"
if [ -x "$venv/bin/python" ]; then
  zig() { "$venv/bin/python" -m ziglang "$@"; }
elif command -v zig >/dev/null && [ "$(command zig version)" = "$ZIG_VERSION" ]; then
  :
elif python3 -c 'import ziglang' 2>/dev/null && [ "$(python3 -m ziglang version)" = "$ZIG_VERSION" ]; then
  zig() { python3 -m ziglang "$@"; }
else
  echo "zig $ZIG_VERSION not found: run samples/zig-tools/build.sh once (it installs it)" >&2
  exit 1
fi
if ! fresh "$out/zig-tools" "$samples/zig-tools/main.zig"; then
  echo "building zig-tools (native)"
  tmp="$(mktemp -d)"
  trap 'rm -rf "$tmp"' EXIT
  zig build-exe -target x86_64-linux -O ReleaseSmall -fstrip -fsingle-threaded \
    --cache-dir "$tmp/cache" --global-cache-dir "$tmp/global-cache" \
    "$samples/zig-tools/main.zig" -femit-bin="$out/zig-tools"
fi
ls -l "$out/go-workspace" "$out/rust-notes" "$out/zig-tools"
