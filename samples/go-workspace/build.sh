#!/usr/bin/env bash
# Builds go-workspace.wasm (wasm32-wasip1) reproducibly with the Go toolchain
# pinned in go.mod, then embeds manifest.json when the project's ManifestTool
# is compiled.
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
GOOS=wasip1 GOARCH=wasm go build -trimpath -ldflags='-s -w' -buildvcs=false -o "$raw" .
../embed-manifest.sh "$raw" manifest.json go-workspace.wasm
rm -rf "$(dirname "$raw")"
ls -l go-workspace.wasm
sha256sum go-workspace.wasm
