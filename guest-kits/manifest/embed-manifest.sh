#!/usr/bin/env bash
# Validates an mcpwasm manifest and writes a copy of a .wasm module that carries it as the
# `mcpwasm.manifest` custom section (replacing one already there), with mcpwasm's own
# io.mcpwasm.wasi.internal.manifest.ManifestTool. Fails (exit 1) when the manifest is invalid or the tool cannot run.
#
# Usage: embed-manifest.sh in.wasm manifest.json out.wasm      (in and out may be the same file)
#
# Where the tool comes from, first match wins:
#   1. MCPWASM_CLASSPATH: a class path holding mcpwasm-wasi-capabilities and Jackson (e.g. the output of
#      `mvn dependency:build-classpath` in a project that depends on io.mcpwasm:mcpwasm-wasi-capabilities);
#   2. a checkout of the mcpwasm repository (MCPWASM_REPO, or the one this script lives in):
#      wasi-capabilities/target/classes, compiled with Maven when missing, plus Jackson from ~/.m2.
set -euo pipefail
if [ $# -ne 3 ]; then
  echo "usage: $(basename "$0") in.wasm manifest.json out.wasm" >&2
  exit 2
fi
raw="$1" manifest="$2" out="$3"
command -v java >/dev/null || { echo "embed-manifest: needs java (17 or later) on PATH" >&2; exit 1; }

newest_jar() { # group-path artifact: the highest version's jar in the local Maven repository
  local dir="${MAVEN_REPO:-$HOME/.m2/repository}/$1/$2" version
  version="$(ls "$dir" 2>/dev/null | sort -V | tail -1)"
  [ -n "$version" ] && [ -f "$dir/$version/$2-$version.jar" ] || return 1
  echo "$dir/$version/$2-$version.jar"
}

cp="${MCPWASM_CLASSPATH:-}"
if [ -z "$cp" ]; then
  repo="${MCPWASM_REPO:-$(cd "$(dirname "$0")/../.." && pwd)}"
  classes="$repo/wasi-capabilities/target/classes"
  if [ ! -f "$repo/wasi-capabilities/pom.xml" ]; then
    echo "embed-manifest: set MCPWASM_CLASSPATH (or MCPWASM_REPO to an mcpwasm checkout); see README.md" >&2
    exit 1
  fi
  if [ ! -f "$classes/io/mcpwasm/wasi/internal/manifest/ManifestTool.class" ]; then
    echo "embed-manifest: compiling $repo/wasi-capabilities"
    (cd "$repo" && mvn -B -q -o -pl wasi-capabilities compile >&2) \
      || (cd "$repo" && mvn -B -q -pl wasi-capabilities compile >&2)
  fi
  jackson=com/fasterxml/jackson/core
  cp="$classes"
  for artifact in jackson-databind jackson-core jackson-annotations; do
    jar="$(newest_jar "$jackson" "$artifact")" \
      || { echo "embed-manifest: $artifact not in the local Maven repository (build the project once)" >&2; exit 1; }
    cp="$cp:$jar"
  done
fi

tmp="$out.tmp.$$"
trap 'rm -f "$tmp"' EXIT
# The tool names the temporary file it wrote; say what was written instead. Problems go to stderr.
java -cp "$cp" io.mcpwasm.wasi.internal.manifest.ManifestTool embed "$raw" "$manifest" "$tmp" >/dev/null
mv "$tmp" "$out"
echo "embedded $manifest into $out"
