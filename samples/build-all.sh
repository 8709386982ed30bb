#!/usr/bin/env bash
# Rebuilds the sample MCP servers and reports, for each, whether the new .wasm
# is byte-identical to the one committed in git (HEAD). The toolchains are
# pinned (go.mod toolchain line + go.sum, Cargo.lock + Debian's rustc, an exact
# Zig release), builds use -trimpath / path remapping and strip, so a rebuild is
# expected to match. Usage: samples/build-all.sh [--clean] [DIR[:WASM] ...]
# (WASM relative to DIR, default DIR's last name + .wasm; default: every sample below).
# --clean builds with empty Go and Cargo caches (slow: Rust then rebuilds std).
set -uo pipefail
clean_dir=""
if [ "${1:-}" = "--clean" ]; then
  shift
  clean_dir="$(mktemp -d)"
  # Rust crates of this repository build in a fixed directory (guest-kits/rust/build-wasip1.sh): emptied instead.
  export GOCACHE="$clean_dir/gocache" MCPWASM_WASIP1_CLEAN=1
  trap 'chmod -R u+w "$clean_dir" 2>/dev/null; rm -rf "$clean_dir"' EXIT
fi
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/.." && pwd)"
names=("$@")
[ ${#names[@]} -gt 0 ] || names=(go-workspace zig-tools rust-notes
  http-bindings/go:http-fetch-go.wasm http-bindings/rust:http-fetch-rust.wasm http-bindings/zig:http-fetch-zig.wasm
  third-party/rmcp-readme:../rmcp-readme.wasm ../guest-kits/rust/timer-probe)
status=0
report=()
for entry in "${names[@]}"; do
  name="${entry%%:*}"
  file="${entry#*:}"
  [ "$file" != "$entry" ] || file="$(basename "$name").wasm"
  wasm="$(realpath -m "$here/$name/$file")"
  rel="${wasm#"$repo"/}"
  echo "=== building $name"
  committed="$(mktemp)"
  have_committed=no
  if git -C "$repo" cat-file -e "HEAD:$rel" 2>/dev/null; then
    git -C "$repo" show "HEAD:$rel" >"$committed"
    have_committed=yes
  fi
  if ! "$here/$name/build.sh"; then
    report+=("$name: BUILD FAILED")
    status=1
  else
    new_sum="$(sha256sum "$wasm" | cut -d' ' -f1)"
    size="$(stat -c %s "$wasm")"
    if [ "$have_committed" = no ]; then
      report+=("$name: built ($size bytes, sha256 $new_sum); nothing committed to compare with")
    elif cmp -s "$committed" "$wasm"; then
      report+=("$name: byte-identical to the committed file ($size bytes, sha256 $new_sum)")
    else
      old_sum="$(sha256sum "$committed" | cut -d' ' -f1)"
      report+=("$name: DIFFERS from the committed file (new $size bytes sha256 $new_sum, committed $(stat -c %s "$committed") bytes sha256 $old_sum)")
      status=1
    fi
  fi
  rm -f "$committed"
done
echo
echo "=== reproducibility"
printf '%s\n' "${report[@]}"
exit $status
