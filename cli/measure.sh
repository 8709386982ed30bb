#!/usr/bin/env bash
# Scripted measurement: MCP request round trip (tools/call test_simple_text of the Go SDK's conformance server,
# sequential, one session, over Streamable HTTP on 127.0.0.1) through `mcpwasm serve` running
# cli/conformance/everything-server.wasm vs the same server built natively and run with -http (stateful and its
# default stateless mode). Rounds alternate between the targets so machine load hits them alike; the gateway's first
# round warms it up for WARMUP seconds (the Go guest's large methods need minutes of calls on 2 cores before the JIT
# has compiled them; JIT-compiled code is shared by later sessions' instances), every other round for 5 s.
# Prints the percentiles and the gateway/native ratios of the medians.
# Usage: cli/measure.sh [ROUNDS] [N] [WARMUP]   (after mvn -B verify and cli/verify.sh --install; needs Go)
set -euo pipefail
cli="$(cd "$(dirname "$0")" && pwd)"
rounds="${1:-3}" n="${2:-500}" warmup="${3:-150}"
out="$cli/target/measure" && rm -rf "$out" && mkdir -p "$out"
export PATH="$cli/target/verify-tools/node_modules/.bin:$PATH"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_http() { local i=0; until curl -s -o /dev/null -m 5 "$1"; do i=$((i+1)); [ "$i" -lt "$2" ] || return 1; sleep 1; done; }

timeout 1200 "$cli/conformance/build.sh" --native "$out/native" > "$out/build.log" 2>&1
echo "{\"servers\": {\"everything\": {\"module\": \"$cli/conformance/everything-server.wasm\"}}}" > "$out/gateway.json"
gp="$(free_port)" sp="$(free_port)" lp="$(free_port)"
"$cli/bin/mcpwasm" serve --config "$out/gateway.json" --http "127.0.0.1:$gp" --log "$out/gateway.log" & pids+=($!)
"$out/native/everything-server" -http "127.0.0.1:$sp" -stateless=false > "$out/native-stateful.log" 2>&1 & pids+=($!)
"$out/native/everything-server" -http "127.0.0.1:$lp" > "$out/native-stateless.log" 2>&1 & pids+=($!)
wait_http "http://127.0.0.1:$gp/everything/mcp" 900
wait_http "http://127.0.0.1:$sp/mcp" 60
wait_http "http://127.0.0.1:$lp/mcp" 60
echo "machine: $(uname -srm), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)," \
  "load $(cut -d' ' -f1-3 /proc/loadavg); $(java -version 2>&1 | head -1); node $(node --version)" | tee "$out/results.txt"
for r in $(seq "$rounds"); do
  for t in "gateway http://127.0.0.1:$gp/everything/mcp" "native-stateful http://127.0.0.1:$sp/mcp" \
           "native-stateless http://127.0.0.1:$lp/mcp"; do
    set -- $t
    w=5; [ "$r" = 1 ] && [ "$1" = gateway ] && w="$warmup"
    echo "$1 round $r $(timeout 900 node "$cli/measure/roundtrip.mjs" "$2" "$n" "$w")" | tee -a "$out/results.txt"
  done
done
python3 - "$out/results.txt" <<'PY'
import json, statistics, sys
rows = {}
for line in open(sys.argv[1]):
    if ' round ' in line:
        name, _, _, js = line.split(' ', 3)
        rows.setdefault(name, []).append(json.loads(js))
med = {k: statistics.median(r['p50'] for r in v) for k, v in rows.items()}
for k, v in rows.items():
    print(f"{k}: median of round p50s {med[k]:.3f} ms; p90s {[r['p90'] for r in v]}")
for k in ('native-stateful', 'native-stateless'):
    if k in med and 'gateway' in med:
        print(f"gateway / {k} (p50): {med['gateway'] / med[k]:.2f}x")
PY
