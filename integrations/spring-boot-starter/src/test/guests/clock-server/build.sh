#!/usr/bin/env bash
# Rebuilds src/test/resources/wasm/clock-server.wasm from main.go (standard library only, no manifest: the policy
# alone decides its clock). Needs Go 1.26 (the toolchain the other Go samples pin); the tests never need Go.
set -euo pipefail
cd "$(dirname "$0")"
GOOS=wasip1 GOARCH=wasm CGO_ENABLED=0 GOFLAGS=-mod=mod go build -trimpath -ldflags='-s -w' -buildvcs=false \
  -o ../../resources/wasm/clock-server.wasm .
ls -l ../../resources/wasm/clock-server.wasm
sha256sum ../../resources/wasm/clock-server.wasm
