#!/usr/bin/env bash
# Builds third-party MCP servers, unchanged, for wasm32-wasip1, and checks that the result is byte-identical to
# the committed .wasm (it is reproducible: pinned module versions in mcp-go/go.mod, go-sdk/go.mod and
# rmcp-readme/Cargo.lock, pinned Go toolchain, -trimpath, no VCS stamp, stripped).
# None of the servers' source is ours: the Go ones are built straight from the module cache, the rmcp one is
# rmcp's README example with only the transport line swapped for guest-kits/rust (see rmcp-readme/README.md).
# Usage: samples/third-party/build.sh [go|rust]   (default: both)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
what="${1:-all}"
GO_VERSION=go1.26.8   # keep in step with the toolchain lines of the go.mod files

build_go() { # module-dir package output
  (cd "$here/$1" && GOTOOLCHAIN="$GO_VERSION+auto" GOFLAGS=-mod=readonly CGO_ENABLED=0 GOOS=wasip1 GOARCH=wasm \
    go build -trimpath -ldflags='-s -w' -buildvcs=false -o "$here/$3" "$2")
  echo "$3: $(stat -c %s "$here/$3") bytes, sha256 $(sha256sum "$here/$3" | cut -d' ' -f1)"
}

if [ "$what" = all ] || [ "$what" = go ]; then
  command -v go >/dev/null || { echo "needs Go (>= 1.21; it fetches $GO_VERSION itself)" >&2; exit 1; }
  build_go mcp-go github.com/mark3labs/mcp-go/examples/everything mcp-go-everything.wasm
  build_go go-sdk github.com/modelcontextprotocol/go-sdk/examples/server/everything go-sdk-everything.wasm
  build_go go-sdk github.com/modelcontextprotocol/go-sdk/examples/server/sequentialthinking go-sdk-sequentialthinking.wasm
  build_go go-sdk github.com/modelcontextprotocol/go-sdk/examples/server/memory go-sdk-memory.wasm
fi
if [ "$what" = all ] || [ "$what" = rust ]; then
  if [ -x "$here/rmcp-readme/build.sh" ]; then "$here/rmcp-readme/build.sh"; fi
fi
