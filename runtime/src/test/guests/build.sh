#!/usr/bin/env bash
# Builds the runtime's test guests into ../resources/guests/ and embeds each one's manifest.
# Reproducible: pinned toolchains (Go from protocol-server/go.mod, Debian's clang 14 + wasi-libc), -trimpath,
# stripped output. Needs the wasi-capabilities module built (for ManifestTool): run `mvn -q -pl wasi-capabilities
# -am install -DskipTests` first, or let this script do it.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../../.." && pwd)"
out="$here/../resources/guests"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$out"

if ! command -v clang >/dev/null || [ ! -d /usr/lib/wasm32-wasi ]; then
  apt-get update && apt-get install -y --no-install-recommends clang lld wasi-libc libclang-rt-14-dev-wasm32
fi
command -v go >/dev/null || { echo "Go 1.26 is required (https://go.dev/dl)"; exit 1; }

(cd "$here/protocol-server" && GOOS=wasip1 GOARCH=wasm CGO_ENABLED=0 go build -trimpath -buildvcs=false \
    -ldflags='-s -w' -o "$tmp/protocol-server.wasm" .)
clang --target=wasm32-wasi -O2 -s -o "$tmp/fault-server.wasm" "$here/fault-server/fault-server.c"

# Embed the manifests with the project's own tool.
classes="$root/wasi-capabilities/target/classes"
if [ ! -f "$classes/io/mcpwasm/wasi/internal/manifest/ManifestTool.class" ]; then
  (cd "$root" && mvn -B -q -pl wasi-capabilities -am install -DskipTests)
fi
cp=$(cd "$root/wasi-capabilities" && mvn -B -q dependency:build-classpath -Dmdep.outputFile=/dev/stdout -Dmdep.includeScope=runtime)
for g in protocol-server fault-server; do
  java -cp "$classes:$cp" io.mcpwasm.wasi.internal.manifest.ManifestTool embed "$tmp/$g.wasm" "$here/$g/manifest.json" "$out/$g.wasm"
  echo "built $out/$g.wasm ($(stat -c %s "$out/$g.wasm") bytes, sha256 $(sha256sum "$out/$g.wasm" | cut -c1-16))"
done
