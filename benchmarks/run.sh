#!/usr/bin/env bash
# The benchmark suite of issue 6 in one command:
#
#   benchmarks/run.sh [quick|full|peers]  (default: quick, < 15 minutes on 2 shared cores; peers: only the peer
#                                          comparison below, ~10 minutes)
#
# Builds what it needs (the Maven modules, offline when possible, which also compiles the samples at build time with
# chicory-compiler-maven-plugin for the cold start mode "aot"; the native sample builds), fills the disk compile
# cache, runs the JMH benchmarks (JDK 17 = the `java` on PATH or $JAVA_HOME; the compute benchmark also on
# $JDK25_HOME, default /usr/lib/jvm/temurin-25-jdk-amd64), the cold start phases, JFR profiles of the go and zig
# calls, the go warm start, the compute call and the go cold start, the memory probe, and writes benchmarks/results/<UTC date>/:
#   raw.json (every JMH result), memory.json, cold-phases.txt, profile.txt (JFR summaries), results.md (tables,
#   ratios, targets, and notes.md of that directory when present), chart.png, run.log
# The peer comparison (issue 15) builds the wazero driver (benchmarks/peers/wazero, Go module proxy) and installs the
# wasmtime binding (PyPI) when missing, then runs each sample in a fresh JVM against wazero, wasmtime and the native
# build in interleaved rounds (PeerCompare, fed the Java client's own lines by PeerLines) into peers-<sample>.json and
# peers.md. PEERS_GO_WARM=<seconds> sets the Go warm-up of a quick peers run (default 60).
set -euo pipefail
mode="${1:-quick}"
case "$mode" in quick|full|peers) ;; *) echo "usage: $0 [quick|full|peers]" >&2; exit 2 ;; esac
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
out="benchmarks/results/$(date -u +%Y-%m-%d)"
mkdir -p "$out"
work="benchmarks/target/run"
rm -rf "$work" && mkdir -p "$work"
exec > >(tee "$out/run.log") 2>&1
cat /proc/loadavg > "$out/loadavg-start.txt"
git log -1 --format="%h %s" > "$out/commit.txt" 2>/dev/null || true
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
JDK25_HOME="${JDK25_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
started=$(date +%s)
step() { echo; echo "=== $* ($(( $(date +%s) - started )) s)"; }

step "build (mvn package, no tests; includes the build-time AOT of the samples)"
# The class path is written in the same reactor run (every module writes it; benchmarks, built last, wins): on its
# own, -pl benchmarks would look for the project's modules in the local repository, where a clean machine has none.
build=(-B -q -pl benchmarks -am package dependency:build-classpath -DskipTests -Dmdep.outputFile="$root/$work/deps.txt")
mvn -o "${build[@]}" || mvn "${build[@]}"
# The project's own modules from this tree (not from ~/.m2), copied so that a rebuild of the tree during the run
# cannot change or remove classes under the benchmarks' feet.
for m in benchmarks runtime wasi-capabilities; do cp -r "$m/target/classes" "$work/$m-classes"; done
deps="$(tr ':' '\n' < "$work/deps.txt" | grep -v '/io/mcpwasm/' | paste -sd: -)"
cp="$root/$work/benchmarks-classes:$root/$work/runtime-classes:$root/$work/wasi-capabilities-classes:$deps"

step "native builds of the samples"
if [ "$mode" = peers ]; then
  benchmarks/native/build.sh || echo "native builds incomplete: the peer comparison leaves those native rows out"
else
  benchmarks/native/build.sh
fi

step "disk compile cache"
"$JAVA" -cp "$cp" -XX:-DontCompileHugeMethods io.mcpwasm.bench.PrimeCache

peers() {
  step "peer drivers (wazero via the Go module proxy, wasmtime via PyPI) and the JSON-RPC lines"
  (cd benchmarks/peers/wazero && go build -trimpath -o "$root/$work/wazero-peer" .)
  python3 -c 'import wasmtime' 2>/dev/null || python3 -m pip install --quiet 'wasmtime==50.0.1'
  "$JAVA" -cp "$cp" -Dmcpwasm.root="$root" -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
    io.mcpwasm.bench.PeerLines "$work/lines"
  local rounds=2 seconds=2 warm=20 goWarm=${PEERS_GO_WARM:-60}
  [ "$mode" = full ] && { rounds=5; seconds=5; warm=60; goWarm=240; }
  for s in zig-tools rust-notes go-workspace; do
    step "peers: $s (rounds of mcpwasm, wazero, wasmtime, native)"
    local mounts=() pyMounts=() wasm="samples/$s/$s.wasm"
    case $s in
      rust-notes) mounts=(-mount "/notes={notes}"); pyMounts=(--mount "/notes={notes}") ;;
      go-workspace) mounts=(-mount "/workspace=$root/samples/go-workspace/sample-docs:ro") ;;
    esac
    local wz="$root/$work/wazero-peer -wasm $wasm -lines $work/lines -sample $s -seconds $seconds -starts 10 -cache $root/$work/wazero-cache ${mounts[*]}"
    local wt="python3 benchmarks/peers/wasmtime/peer.py --wasm $wasm --lines $work/lines --sample $s --seconds $seconds --starts 10 ${pyMounts[*]}"
    local drivers=("$wz" "$wt")
    # wasmtime's binding gives WASI stdin as a file only; the Go sample never reads its first line that way
    [ "$s" = go-workspace ] && drivers=("$wz")
    "$JAVA" -cp "$cp" -Dmcpwasm.root="$root" -Xss8m -Xmx2g -XX:-DontCompileHugeMethods \
      -Dorg.slf4j.simpleLogger.defaultLogLevel=warn io.mcpwasm.bench.PeerCompare "$s" "$out/peers-$s.json" \
      "$rounds" "$seconds" "$([ "$s" = go-workspace ] && echo "$goWarm" || echo "$warm")" "${drivers[@]}" > /dev/null
  done
  "$JAVA" -cp "$cp" io.mcpwasm.bench.PeerTable "$out"
}
if [ "$mode" = peers ]; then
  peers
  cat /proc/loadavg > "$out/loadavg-end.txt"
  step "done"
  exit 0
fi

# jmh.ignoreLock: JMH runs of other users of this shared machine must not stop this one (results are noisier).
jmh() { # jmh <name> <jmh args...>: one JMH run into $work/<name>.json
  local name="$1"; shift
  step "JMH $name"
  # (JMH forks inherit this JVM's -D options, -Dmcpwasm.root included)
  "$JAVA" -cp "$cp" -Dmcpwasm.root="$root" -Djmh.ignoreLock=true org.openjdk.jmh.Main "$@" -rf json -rff "$work/$name.json"
}
hugeOff="-XX:+DontCompileHugeMethods -Xss8m -Xmx2g -Dorg.slf4j.simpleLogger.defaultLogLevel=warn"
hugeOn="-XX:-DontCompileHugeMethods -Xss8m -Xmx2g -Dorg.slf4j.simpleLogger.defaultLogLevel=warn"
if [ "$mode" = quick ]; then
  jmh cold-cached 'ColdStartBench' -p mode=cached,aot -f 3
  jmh cold      'ColdStartBench' -p mode=nocache,interpreter -f 1
  jmh warm      'WarmStartBench' -wi 5 -w 2 -i 4 -r 1
  # Go needs ~20 s before the JIT has compiled its hot (and huge) methods on 2 cores: a shorter warm-up measures
  # the JVM's bytecode interpreter running generated code.
  jmh call      'CallBench' -wi 8 -w 3 -i 5 -r 2
  jmh tput      'ThroughputBench' -wi 4 -w 2 -i 2 -r 2
  jmh compute   'ComputeBench' -wi 4 -w 3 -i 3 -r 2
  jmh compute-huge-default 'ComputeBench' -p side=inprocess -wi 4 -w 3 -i 3 -r 2 -jvmArgsAppend "$hugeOff"
  jmh compute-jdk25 'ComputeBench' -p side=inprocess -wi 4 -w 3 -i 3 -r 2 -jvm "$JDK25_HOME/bin/java" -jvmArgsAppend "$hugeOn"
  jmh compute-jdk25-huge-default 'ComputeBench' -p side=inprocess -wi 4 -w 3 -i 3 -r 2 -jvm "$JDK25_HOME/bin/java" -jvmArgsAppend "$hugeOff"
  memArgs=(5 3000 120)
else
  jmh cold      'ColdStartBench' -f 5
  jmh warm      'WarmStartBench'
  jmh call      'CallBench' -f 2
  jmh tput      'ThroughputBench'
  jmh compute   'ComputeBench' -f 2
  jmh compute-huge-default 'ComputeBench' -p side=inprocess -jvmArgsAppend "$hugeOff"
  jmh compute-jdk25 'ComputeBench' -p side=inprocess -jvm "$JDK25_HOME/bin/java" -jvmArgsAppend "$hugeOn"
  jmh compute-jdk25-huge-default 'ComputeBench' -p side=inprocess -jvm "$JDK25_HOME/bin/java" -jvmArgsAppend "$hugeOff"
  memArgs=(50 10000 600)
fi

step "cold start phases (fresh JVM each, ColdStartProbe)"
phaseModes="cached aot"; [ "$mode" = full ] && phaseModes="cached aot nocache interpreter"
: > "$out/cold-phases.txt"
for m in $phaseModes; do
  for s in go-workspace rust-notes zig-tools; do
    "$JAVA" -cp "$cp" -Dmcpwasm.root="$root" -Xss8m -Xmx2g -XX:-DontCompileHugeMethods \
      -Dorg.slf4j.simpleLogger.defaultLogLevel=error io.mcpwasm.bench.ColdStartProbe "$s" "$m" \
      | tee -a "$out/cold-phases.txt"
  done
done

step "profiles (JFR, summarised by JfrTop into profile.txt)"
: > "$out/profile.txt"
prof() { # prof <name> <delay s> <jmh args...>: one JMH run under JFR, recording after the warm-up
  local name="$1" delay="$2"; shift 2
  "$JAVA" -cp "$cp" -Djmh.ignoreLock=true -Dmcpwasm.root="$root" org.openjdk.jmh.Main "$@" -rf json -rff "$work/profile-$name.json.txt" \
    -jvmArgsPrepend "-XX:StartFlightRecording=delay=${delay}s,filename=$root/$work/$name.jfr,settings=profile" \
    > "$work/$name.log" 2>&1 || echo "profile run $name failed (see $work/$name.log)"
  { echo "=== profile: $name (JMH $*, JFR from ${delay} s after the fork started)"; grep -a ' avgt ' "$work/$name.log"
    "$JAVA" -cp "$cp" io.mcpwasm.bench.JfrTop "$root/$work/$name.jfr" 12; echo; } >> "$out/profile.txt" 2>&1
}
prof call-go-inprocess 30 CallBench -p target=go-workspace:inprocess -wi 8 -w 3 -i 3 -r 3
prof call-rust-inprocess 20 CallBench -p target=rust-notes:inprocess -wi 6 -w 3 -i 3 -r 3
prof warm-start-go 10 'WarmStartBench.start$' -p sample=go-workspace -wi 3 -w 2 -i 3 -r 3
prof call-zig-inprocess 12 CallBench -p target=zig-tools:inprocess -wi 3 -w 2 -i 3 -r 3
prof compute-inprocess 16 ComputeBench -p side=inprocess -wi 4 -w 3 -i 3 -r 3
{ echo "=== profile: cold start of go-workspace, warm disk cache (ColdStartProbe, JFR over the whole JVM)"
  "$JAVA" -cp "$cp" -Dmcpwasm.root="$root" -Xss8m -Xmx2g -XX:-DontCompileHugeMethods \
    -Dorg.slf4j.simpleLogger.defaultLogLevel=error \
    -XX:StartFlightRecording=filename="$root/$work/cold-go.jfr",settings=profile \
    io.mcpwasm.bench.ColdStartProbe go-workspace cached 2>&1 | grep -a cold-phases
  "$JAVA" -cp "$cp" io.mcpwasm.bench.JfrTop "$root/$work/cold-go.jfr" 12; echo; } >> "$out/profile.txt" 2>&1
cat "$out/profile.txt"

step "memory probe (-Xmx2g)"
"$JAVA" -cp "$cp" -Dmcpwasm.root="$root" -Xmx2g -Xss8m -XX:-DontCompileHugeMethods \
  -Dorg.slf4j.simpleLogger.defaultLogLevel=warn io.mcpwasm.bench.MemoryProbe "$out/memory.json" "${memArgs[@]}"

peers

step "report"
"$JAVA" -cp "$cp" -Dmcpwasm.root="$root" io.mcpwasm.bench.Report "$out" "$mode" "$work"/*.json
echo "results: $out/results.md, $out/raw.json, $out/chart.png"
step "done"
