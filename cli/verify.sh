#!/usr/bin/env bash
# Verifies the mcpwasm gateway with outside tools (run after `mvn -B verify`, which builds cli/target):
#   1. the MCP Inspector's CLI lists and calls the samples' tools through `mcpwasm run` (stdio) and
#      `mcpwasm serve` (Streamable HTTP);
#   2. the official conformance suite (server mode, --suite all) against `mcpwasm serve` running the Go SDK's
#      conformance server (cli/conformance/everything-server.wasm), and against the same server built natively
#      and run with its own -http flag (stateless, its default, and -stateless=false): every scenario that passes
#      natively must pass through the gateway;
#   3. cli/conformance/build.sh reproduces the committed everything-server.wasm byte for byte.
# Usage: cli/verify.sh [--install]
#   --install  first installs node 22 and the pinned npm packages into cli/target/verify-tools (needs npm)
# Needs: java 17+, Go >= 1.21 (the native baseline and the reproducibility check), python3, curl.
# Writes cli/target/verify/ (logs, conformance results, summary.md). Every step has a time limit; every process
# it starts is stopped on exit.
set -euo pipefail
cli="$(cd "$(dirname "$0")" && pwd)"
repo="$(dirname "$cli")"
tools="$cli/target/verify-tools"
out="$cli/target/verify"
NODE_VERSION=22.23.3 INSPECTOR_VERSION=0.15.0 CONFORMANCE_VERSION=0.1.16

if [ "${1:-}" = "--install" ]; then
  mkdir -p "$tools"
  [ -f "$tools/package.json" ] || echo '{"private": true}' > "$tools/package.json"
  timeout 900 npm install --prefix "$tools" --no-audit --no-fund --loglevel=error \
    "node@$NODE_VERSION" "@modelcontextprotocol/inspector@$INSPECTOR_VERSION" \
    "@modelcontextprotocol/conformance@$CONFORMANCE_VERSION"
fi
export PATH="$tools/node_modules/.bin:$PATH"
node_major="$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)"
if [ "$node_major" -lt 22 ] || [ ! -x "$tools/node_modules/.bin/conformance" ]; then
  echo "verify.sh: node >= 22 and the npm packages are missing; run cli/verify.sh --install" >&2
  exit 2
fi
inspector="$tools/node_modules/@modelcontextprotocol/inspector/cli/build/index.js"
mcpwasm="$cli/bin/mcpwasm"
ls "$cli"/target/mcpwasm-cli-*.jar >/dev/null || { echo "verify.sh: build first: mvn -B verify" >&2; exit 2; }

rm -rf "$out" && mkdir -p "$out"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  sleep 1
  for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
failures=0
fail() { echo "FAIL: $*" | tee -a "$out/summary.md"; failures=$((failures + 1)); }
pass() { echo "ok: $*" | tee -a "$out/summary.md"; }
# waits until an HTTP endpoint answers anything (up to $2 seconds)
wait_http() {
  local url="$1" limit="$2" i=0
  until curl -s -o /dev/null -m 5 "$url"; do
    i=$((i + 1)); [ "$i" -lt "$limit" ] || return 1; sleep 1
  done
}
echo "# cli/verify.sh on $(uname -srm), $(nproc) cores, $(java -version 2>&1 | head -1), node $(node --version)" \
  > "$out/summary.md"

# --- 3 (first: it also builds the native baseline) -------------------------------------------------------------
before="$(sha256sum "$cli/conformance/everything-server.wasm" | cut -d' ' -f1)"
if timeout 1200 "$cli/conformance/build.sh" --native "$out/native" > "$out/build.log" 2>&1; then
  after="$(sha256sum "$cli/conformance/everything-server.wasm" | cut -d' ' -f1)"
  if [ "$before" = "$after" ]; then pass "build.sh reproduces everything-server.wasm ($after)"
  else fail "build.sh wrote $after, the committed everything-server.wasm is $before"; fi
else
  fail "cli/conformance/build.sh failed (see $out/build.log)"
fi

# --- the gateway ---------------------------------------------------------------------------------------------------
notes="$out/notes" && mkdir -p "$notes"
cat > "$out/gateway.json" <<JSON
{"servers": {
  "zig": {"module": "$repo/samples/zig-tools/zig-tools.wasm", "pool": 2},
  "workspace": {"module": "$repo/samples/go-workspace/go-workspace.wasm",
                "policy": {"mount": ["/workspace=$repo/samples/go-workspace/sample-docs:ro"]}},
  "notes": {"module": "$repo/samples/rust-notes/rust-notes.wasm", "policy": {"mount": ["/notes=$notes"]}},
  "everything": {"module": "$cli/conformance/everything-server.wasm", "policy": {"timeout": "60s"}}
}}
JSON
gw_port="$(free_port)"
"$mcpwasm" serve --config "$out/gateway.json" --http "127.0.0.1:$gw_port" --log "$out/gateway.log" &
pids+=($!)
gw="http://127.0.0.1:$gw_port"
# the first start compiles the modules (minutes on a cold cache and 2 cores)
wait_http "$gw/zig/mcp" 900 || { fail "mcpwasm serve did not come up (see $out/gateway.log)"; exit 1; }

# --- 1. the Inspector's CLI ----------------------------------------------------------------------------------------
# check NAME EXPECTED-TEXT inspector-args...
check() {
  local name="$1" expect="$2"; shift 2
  if timeout 300 node "$inspector" "$@" > "$out/inspector-$name.json" 2> "$out/inspector-$name.err" \
     && grep -q -- "$expect" "$out/inspector-$name.json"; then pass "inspector $name"
  else fail "inspector $name (expected '$expect'; see $out/inspector-$name.*)"; fi
}
sha_abc=ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad
docs="$repo/samples/go-workspace/sample-docs"
check stdio-zig-list '"sha256"' "$mcpwasm" run "$repo/samples/zig-tools/zig-tools.wasm" --method tools/list
check stdio-zig-call "$sha_abc" "$mcpwasm" run "$repo/samples/zig-tools/zig-tools.wasm" \
  --method tools/call --tool-name sha256 --tool-arg text=abc
check stdio-workspace-list '"search_text"' "$mcpwasm" run "$repo/samples/go-workspace/go-workspace.wasm" \
  --mount "/workspace=$docs:ro" --method tools/list
check stdio-workspace-call 'guide.md' "$mcpwasm" run "$repo/samples/go-workspace/go-workspace.wasm" \
  --mount "/workspace=$docs:ro" --method tools/call --tool-name list_files
check stdio-notes-call 'n-' "$mcpwasm" run "$repo/samples/rust-notes/rust-notes.wasm" --mount "/notes=$notes" \
  --method tools/call --tool-name add_note --tool-arg title=hello --tool-arg body=world
check http-zig-list '"sha256"' "$gw/zig/mcp" --transport http --method tools/list
check http-zig-call "$sha_abc" "$gw/zig/mcp" --transport http --method tools/call --tool-name sha256 \
  --tool-arg text=abc
check http-workspace-call 'guide.md' "$gw/workspace/mcp" --transport http --method tools/call \
  --tool-name list_files
check http-notes-call 'hello' "$gw/notes/mcp" --transport http --method tools/call --tool-name list_notes
check http-everything-list '"test_sampling"' "$gw/everything/mcp" --transport http --method tools/list

# --- 2. the conformance suite --------------------------------------------------------------------------------------
# conformance NAME URL: runs the suite, writes NAME.txt and NAME.passed (scenarios with no failed check)
conformance_run() {
  local name="$1" url="$2"
  timeout 1200 conformance server --suite all --url "$url" -o "$out/conformance-$name" > "$out/$name.txt" 2>&1 || true
  grep -E '^[✓✗] ' "$out/$name.txt" | sed -E 's/^([✓✗]) ([^:]+): ([0-9]+) passed, ([0-9]+) failed.*/\2 \3 \4/' \
    | awk '$3 == 0 {print $1}' | sort > "$out/$name.passed"
  grep -E '^Total' "$out/$name.txt" | sed "s/^/$name: /" | tee -a "$out/summary.md" || true
}
if [ -x "$out/native/everything-server" ]; then
  for mode in stateless stateful; do
    port="$(free_port)"
    flag=true; [ "$mode" = stateful ] && flag=false
    "$out/native/everything-server" -http "127.0.0.1:$port" -stateless="$flag" > "$out/native-$mode.log" 2>&1 &
    pids+=($!)
    wait_http "http://127.0.0.1:$port/mcp" 60 || fail "native $mode server did not come up"
    conformance_run "native-$mode" "http://127.0.0.1:$port/mcp"
  done
fi
conformance_run gateway "$gw/everything/mcp"
if [ -s "$out/gateway.passed" ]; then pass "conformance through the gateway: $(wc -l < "$out/gateway.passed") scenarios pass"
else fail "conformance through the gateway: no scenario passed (see $out/gateway.txt)"; fi
for mode in stateless stateful; do
  [ -f "$out/native-$mode.passed" ] || continue
  missing="$(comm -23 "$out/native-$mode.passed" "$out/gateway.passed" | tr '\n' ' ')"
  if [ -z "$missing" ]; then pass "every scenario the native server passes ($mode) passes through the gateway"
  else fail "passed natively ($mode) but not through the gateway: $missing"; fi
  extra="$(comm -13 "$out/native-$mode.passed" "$out/gateway.passed" | tr '\n' ' ')"
  [ -z "$extra" ] || echo "note: pass through the gateway but not natively ($mode): $extra" | tee -a "$out/summary.md"
done

echo "summary: $out/summary.md"
[ "$failures" -eq 0 ] || { echo "verify.sh: $failures check(s) failed" >&2; exit 1; }
echo "verify.sh: all checks passed"
