#!/usr/bin/env bash
# Builds go-workspace.wasm (wasm32-wasip1) reproducibly with the Go toolchain
# pinned in go.mod, then embeds manifest.json with the guest kit's
# guest-kits/manifest/embed-manifest.sh.
set -euo pipefail
cd "$(dirname "$0")"
GO_VERSION=go1.26.8   # keep in step with the toolchain line of go.mod
arch="$(uname -m)"; case "$arch" in x86_64) arch=amd64 ;; aarch64) arch=arm64 ;; esac
# A go >= 1.21 honours the toolchain line of go.mod and fetches the pinned
# toolchain itself; an older one (Debian 12 ships 1.19) or none at all gets the
# pinned toolchain as the golang.org/toolchain module from the Go module proxy.
if ! command -v go >/dev/null || ! go env GOTOOLCHAIN >/dev/null 2>&1 || [ -z "$(go env GOTOOLCHAIN 2>/dev/null)" ]; then
  dir="${XDG_CACHE_HOME:-$HOME/.cache}/mcpwasm/$GO_VERSION"
  if [ ! -x "$dir/bin/go" ]; then
    command -v curl >/dev/null && command -v unzip >/dev/null \
      || { apt-get update -qq && apt-get install -y -qq --no-install-recommends curl unzip ca-certificates >/dev/null; }
    mod="golang.org/toolchain@v0.0.1-$GO_VERSION.linux-$arch"
    tmp="$(mktemp -d)"
    curl -fsSL -o "$tmp/tc.zip" "${GOPROXY_URL:-https://proxy.golang.org}/golang.org/toolchain/@v/v0.0.1-$GO_VERSION.linux-$arch.zip"
    unzip -q "$tmp/tc.zip" -d "$tmp"
    mkdir -p "$(dirname "$dir")" && rm -rf "$dir" && mv "$tmp/$mod" "$dir" && rm -rf "$tmp"
    chmod -R u+x "$dir/bin" "$dir/pkg/tool"
  fi
  export PATH="$dir/bin:$PATH"
fi
export GOTOOLCHAIN="$GO_VERSION+auto" GOFLAGS=-mod=readonly CGO_ENABLED=0
go version
raw="$(mktemp -d)/go-workspace.raw.wasm"
# Per-package compiler flags, so that Chicory's compiler can turn every function into a JVM method (at most
# 65535 bytes of bytecode); the ones it refuses run on its interpreter, which was 24% of a tool call's guest CPU.
# With Go's defaults two functions are refused (benchmarks/results/2026-11-27/go-functions.md):
# - github.com/google/jsonschema-go/jsonschema.(*state).validate (runs on every tools/call: 78.6 KB of wasm,
#   101634 bytes of JVM bytecode). It is one big function whose size comes mostly from inlining (fmt.Errorf,
#   reflect accessors, the properties() iterator with the range-over-func loop bodies): -l makes it 51.6 KB
#   (66404 bytes of JVM bytecode, still over). Its 36 explicit nil checks (wasm cannot fault on address 0, so
#   Go emits a compare and a call to runtime.sigpanic for each) take the rest: with -d=disablenil it is
#   50.1 KB and 64963 bytes of JVM bytecode, 572 bytes under the limit.
# - unicode.map.init.2, the initialiser of the unicode.Scripts map literal (163 entries, each a
#   mapassign_faststr call plus two nil checks of its result, each call a resume point of Go's wasm code;
#   runs once per start): 50.6 KB, 67312 bytes of JVM bytecode; with -d=disablenil 37.2 KB, 49221 bytes.
# -d=disablenil only drops the checks that turn a nil dereference into a panic (the code is otherwise
# identical). The trade-off, in these two packages only: a nil dereference (a bug) would read Go's zeroed low
# page of linear memory instead of panicking, and a write through nil would land there; e.g. fmt printing a
# nil *jsonschema.Schema would show "<anonymous schema>" instead of "<nil>". Nothing gentler was found that
# fits validate: -l alone leaves it 869 bytes over, -l -d=rangefunccheck=0,variablemakethreshold=0 263 over.
# Nothing else compiled with Go's defaults is refused. The native build of the benchmarks keeps Go's defaults.
GCFLAGS_UNICODE='unicode=-d=disablenil'
GCFLAGS_JSONSCHEMA='github.com/google/jsonschema-go/jsonschema=-l -d=disablenil'
GOOS=wasip1 GOARCH=wasm go build -trimpath -gcflags="$GCFLAGS_UNICODE" -gcflags="$GCFLAGS_JSONSCHEMA" \
  -ldflags='-s -w' -buildvcs=false -o "$raw" .
../../guest-kits/manifest/embed-manifest.sh "$raw" manifest.json go-workspace.wasm
rm -rf "$(dirname "$raw")"
ls -l go-workspace.wasm
sha256sum go-workspace.wasm
