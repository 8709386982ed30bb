#!/usr/bin/env bash
# What the JDK 25 AOT cache gives the launcher cli/bin/mcpwasm (issue 15): one MCP session per fresh JVM
# (initialize, initialized, one trivial tools/call, end of input) through `mcpwasm run`, timed from launch to the
# call's answer and to the process's exit, for JDK 17, JDK 25 and JDK 25 with MCPWASM_AOT_CACHE made by
# `mcpwasm train` with the same module; the variants interleaved in each round. The guests load from the
# gateway's disk compile cache (filled by a first run).
#
#   benchmarks/launcher-aot.sh [rounds]   (default 5; needs cli/target built: mvn -B -pl cli -am package -DskipTests)
#
# Writes benchmarks/results/<UTC date>/launcher-aot.tsv (one line per run), launcher-aot-load.txt (load average at
# start and end) and prints the minimum and median.
set -euo pipefail
rounds="${1:-5}"
root="$(cd "$(dirname "$0")/.." && pwd)"
out="$root/benchmarks/results/$(date -u +%Y-%m-%d)"
work="$root/benchmarks/target/launcher-aot"
mkdir -p "$out" "$work"
J17="${JAVA_HOME:+$JAVA_HOME/bin/}java"
J25="${JDK25_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java"
launcher="$root/cli/bin/mcpwasm"
notes="$work/notes"

args() { # the module and its policy flags
  case $1 in
    zig-tools) echo "$root/samples/zig-tools/zig-tools.wasm" ;;
    rust-notes) echo "$root/samples/rust-notes/rust-notes.wasm --mount /notes=$notes" ;;
    go-workspace) echo "$root/samples/go-workspace/go-workspace.wasm --mount /workspace=$root/samples/go-workspace/sample-docs:ro" ;;
  esac
}
call() {
  case $1 in
    zig-tools) echo '"sha256","arguments":{"text":"x"}' ;;
    rust-notes) echo '"list_notes","arguments":{}' ;;
    go-workspace) echo '"file_info","arguments":{"path":"notes/todo.txt"}' ;;
  esac
}
session() {
  printf '%s\n' \
    '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"bench","version":"1"}}}' \
    '{"jsonrpc":"2.0","method":"notifications/initialized"}' \
    "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":$(call "$1")}}"
}
# One session: prints "<ms to the call's answer> <ms to exit>".
one() { # one <sample> <java> <cache or "">
  local t0 ans end
  t0=$(date +%s%N)
  # shellcheck disable=SC2046
  session "$1" | MCPWASM_JAVA="$2" MCPWASM_AOT_CACHE="$3" "$launcher" run $(args "$1") 2>>"$work/stderr.log" \
    | while IFS= read -r line; do
        case "$line" in *'"id":2'*) echo $(( ($(date +%s%N) - t0) / 1000000 )) > "$work/answer" ;; esac
      done
  end=$(( ($(date +%s%N) - t0) / 1000000 ))
  ans="$(cat "$work/answer" 2>/dev/null || echo -1)"; rm -f "$work/answer"
  echo "$ans $end"
}

mkdir -p "$notes"
for s in zig-tools rust-notes go-workspace; do
  one "$s" "$J17" "" > /dev/null # fills the gateway's disk compile cache
  # shellcheck disable=SC2046
  MCPWASM_JAVA="$J25" MCPWASM_AOT_CACHE="$work/$s.aot" "$launcher" train $(args "$s") 2>>"$work/stderr.log"
done
: > "$out/launcher-aot.tsv"
cat /proc/loadavg > "$out/launcher-aot-load.txt"
for r in $(seq 1 "$rounds"); do
  for s in zig-tools rust-notes go-workspace; do
    for v in jdk17 jdk25 jdk25-aotcache; do
      case $v in jdk17) j="$J17" c="" ;; jdk25) j="$J25" c="" ;; *) j="$J25" c="$work/$s.aot" ;; esac
      read -r ans end < <(one "$s" "$j" "$c")
      printf '%s\t%s\t%s\t%s\t%s\n' "$r" "$s" "$v" "$ans" "$end" | tee -a "$out/launcher-aot.tsv"
    done
  done
done
cat /proc/loadavg >> "$out/launcher-aot-load.txt"
python3 - "$out/launcher-aot.tsv" <<'EOF'
import sys, statistics, collections
rows = collections.defaultdict(list)
for line in open(sys.argv[1]):
    r, s, v, ans, end = line.split("\t")
    rows[(s, v)].append((int(ans), int(end)))
print("| sample | launcher | runs | launch to the call's answer, min / median (ms) | launch to exit, min / median (ms) |")
print("| --- | --- | --- | --- | --- |")
for (s, v), xs in rows.items():
    a = [x[0] for x in xs]; e = [x[1] for x in xs]
    print(f"| {s} | {v} | {len(xs)} | {min(a)} / {statistics.median(a):.0f} | {min(e)} / {statistics.median(e):.0f} |")
EOF
