#!/usr/bin/env bash
# Embeds a sample's manifest.json into its .wasm as a custom section, using the
# project's own Java command (io.mcpwasm.wasi.internal.manifest.ManifestTool), when it has been
# compiled (mvn -pl wasi-capabilities compile). Otherwise the raw module is kept
# and a warning printed.
# Usage: embed-manifest.sh raw.wasm manifest.json out.wasm
set -euo pipefail
raw="$1" manifest="$2" out="$3"
repo="$(cd "$(dirname "$0")/.." && pwd)"
classes="$repo/wasi-capabilities/target/classes"
m2="${MAVEN_REPO:-$HOME/.m2/repository}/com/fasterxml/jackson/core"
# Jackson as in the root pom's jackson.version (annotations carry only major.minor since 2.20)
jv=2.21.4 jav=2.21
cp="$classes:$m2/jackson-databind/$jv/jackson-databind-$jv.jar:$m2/jackson-core/$jv/jackson-core-$jv.jar:$m2/jackson-annotations/$jav/jackson-annotations-$jav.jar"
if [ -f "$classes/io/mcpwasm/wasi/internal/manifest/ManifestTool.class" ] && command -v java >/dev/null; then
  tmp="$out.tmp.$$"
  if java -cp "$cp" io.mcpwasm.wasi.internal.manifest.ManifestTool embed "$raw" "$manifest" "$tmp"; then
    mv "$tmp" "$out"
    echo "embedded $(basename "$manifest") into $(basename "$out")"
    exit 0
  fi
  rm -f "$tmp"
  echo "WARNING: ManifestTool failed; keeping the raw module without an embedded manifest" >&2
else
  echo "WARNING: $classes/io/mcpwasm/wasi/internal/manifest/ManifestTool.class not found (build wasi-capabilities first);" \
       "keeping the raw module without an embedded manifest" >&2
fi
if [ "$raw" != "$out" ]; then cp "$raw" "$out"; fi
