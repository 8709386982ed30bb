#!/usr/bin/env bash
# Builds the official Go MCP SDK's conformance server (module github.com/modelcontextprotocol/go-sdk, version
# pinned in go.mod/go.sum, package conformance/everything-server) for wasm32-wasip1 in its stdio mode, and
# embeds manifest.json into it: everything-server.wasm (committed; this script reproduces it byte-identically).
#   build.sh              writes everything-server.wasm
#   build.sh --native D   also writes the native (linux) build of the same server to D/everything-server, the
#                         baseline that verify.sh runs with its own -http flag
# Needs a Go >= 1.21 (it fetches the toolchain pinned in go.mod from the Go module proxy when it differs).
set -euo pipefail
cd "$(dirname "$0")"
native=""
if [ "${1:-}" = "--native" ]; then native="${2:?--native needs a directory}"; fi
export GOTOOLCHAIN="go1.26.8+auto" GOFLAGS=-mod=readonly CGO_ENABLED=0
pkg=github.com/modelcontextprotocol/go-sdk/conformance/everything-server
go version
raw="$(mktemp -d)/everything-server.raw.wasm"
# The same per-package flags as samples/go-workspace/build.sh (reasons there): they keep jsonschema's validator
# and the unicode tables' initialiser small enough for the engine's compiler instead of its interpreter.
GOOS=wasip1 GOARCH=wasm go build -trimpath -gcflags='unicode=-d=disablenil' \
  -gcflags='github.com/google/jsonschema-go/jsonschema=-l -d=disablenil' \
  -ldflags='-s -w' -buildvcs=false -o "$raw" "$pkg"
../../guest-kits/manifest/embed-manifest.sh "$raw" manifest.json everything-server.wasm
rm -rf "$(dirname "$raw")"
sha256sum everything-server.wasm
if [ -n "$native" ]; then
  mkdir -p "$native"
  go build -trimpath -buildvcs=false -o "$native/everything-server" "$pkg"
  echo "native build: $native/everything-server"
fi
