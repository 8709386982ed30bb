#!/usr/bin/env bash
# Builds http-fetch-go.wasm (wasm32-wasip1) with the Go toolchain pinned in go.mod, using the
# HTTP binding of the Go guest kit (guest-kits/go, a replace directive in go.mod).
# The manifest is NOT embedded: manifest.json is an example to place beside the
# module as http-fetch-go.manifest.json (or to embed with guest-kits/manifest/embed-manifest.sh),
# so that tests can grant their own loopback destinations through a sidecar.
set -euo pipefail
cd "$(dirname "$0")"
GO_VERSION=go1.26.8   # keep in step with the toolchain line of go.mod
command -v go >/dev/null || { echo "needs a Go >= 1.21 on PATH (see samples/go-workspace/build.sh)" >&2; exit 1; }
export GOTOOLCHAIN="$GO_VERSION+auto" GOFLAGS=-mod=readonly CGO_ENABLED=0
go version
go vet ./...
(cd ../../../guest-kits/go && go vet ./... && go test ./... && GOOS=wasip1 GOARCH=wasm go vet ./...)
GOOS=wasip1 GOARCH=wasm go vet ./...
GOOS=wasip1 GOARCH=wasm go build -trimpath -ldflags='-s -w' -buildvcs=false -o http-fetch-go.wasm .
ls -l http-fetch-go.wasm
sha256sum http-fetch-go.wasm
