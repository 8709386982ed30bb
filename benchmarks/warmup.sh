#!/usr/bin/env bash
# Time to steady state (issue 15) in one command:
#
#   benchmarks/warmup.sh [rounds]       (default 2)
#
# Each sample's trivial call runs in a fresh JVM per variant (WarmupProbe), variants interleaved within each round so
# that all see the same load; then WarmupProbe writes the table. Variants: JDK 17 (the `java` on PATH or $JAVA_HOME)
# with the suite's flags and with one JIT/GC flag each, and JDK 25 ($JDK25_HOME) without and with an AOT cache made
# by a training run (JEP 483/514/515: -XX:AOTCacheOutput), loading the sample from the disk compile cache ("cached":
# the guest's classes come through the runtime's own class loader, which the AOT cache does not store) or from the
# classes compiled at build time by endive-compiler-maven-plugin ("aot": on the class path, so the cache holds them
# and their profiles). Environment: SAMPLES (default "zig-tools rust-notes go-workspace"), VARIANTS (names below,
# default all for zig/rust and GO_VARIANTS for go), SECONDS_<sample> (run length), WARMUP_SKIP_BUILD=1.
# Writes benchmarks/results/<UTC date>/warmup.jsonl (one line per run, appended) and warmup-table.md.
set -euo pipefail
rounds="${1:-2}"
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
out="benchmarks/results/$(date -u +%Y-%m-%d)"
work="$root/benchmarks/target/warmup"
mkdir -p "$out" "$work"
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
J25="${JDK25_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java"
SAMPLES="${SAMPLES:-zig-tools rust-notes go-workspace}"

if [ "${WARMUP_SKIP_BUILD:-0}" != 1 ]; then
  # one reactor run, so that the class path resolves the project's modules from this tree (not ~/.m2)
  mvn -B -q -o -pl benchmarks -am package dependency:build-classpath -DskipTests -Dmdep.outputFile="$work/deps.txt"
  # Jars only: the AOT cache (like CDS) refuses a class path with non-empty directories. Copies, so that a rebuild
  # during the run changes nothing under the JVMs' feet (and the caches stay valid).
  cp benchmarks/target/mcpwasm-benchmarks-*.jar "$work/benchmarks.jar"
  cp runtime/target/mcpwasm-runtime-*[0-9T].jar "$work/runtime.jar"
  cp wasi-capabilities/target/mcpwasm-wasi-capabilities-*[0-9T].jar "$work/wasi-capabilities.jar"
  rm -f "$work"/*.aot
fi
deps="$(tr ':' '\n' < "$work/deps.txt" | grep -v -e '/io/mcpwasm/' -e "^$root/" | paste -sd: -)"
cp="$work/benchmarks.jar:$work/runtime.jar:$work/wasi-capabilities.jar:$deps"
base="-XX:-DontCompileHugeMethods -Xss8m -Xmx2g -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -Dmcpwasm.root=$root"
"$JAVA" -cp "$cp" $base io.mcpwasm.bench.PrimeCache

# name|java|mode|extra JVM flags ({cache} = this sample's AOT cache of that mode)
variants() {
  cat <<EOF
jdk17|$JAVA|cached|
jdk17-ci3|$JAVA|cached|-XX:CICompilerCount=3
jdk17-parallelgc|$JAVA|cached|-XX:+UseParallelGC
jdk17-c1only|$JAVA|cached|-XX:TieredStopAtLevel=1
jdk25|$J25|cached|
jdk25-ci3|$J25|cached|-XX:CICompilerCount=3
jdk25-aotcache|$J25|cached|-XX:AOTCache={cache}
jdk25-buildaot|$J25|aot|
jdk25-buildaot-aotcache|$J25|aot|-XX:AOTCache={cache}
EOF
}
GO_VARIANTS="${GO_VARIANTS:-jdk17 jdk17-ci3 jdk25-buildaot-aotcache}"
seconds() { local v="SECONDS_${1//-/_}"; case $1 in go-workspace) echo "${!v:-90}";; zig-tools) echo "${!v:-25}";; *) echo "${!v:-15}";; esac; }

# Training runs (JDK 25 only): one per sample and mode, the same probe for a few seconds; -XX:AOTCacheOutput makes
# the JVM write the cache (classes loaded and linked, method profiles) when it exits.
if [ -x "$J25" ]; then
  for s in $SAMPLES; do
    for m in cached aot; do
      c="$work/$m-$s.aot"
      [ -f "$c" ] && continue
      t=$(date +%s%N)
      "$J25" -cp "$cp" $base -XX:AOTCacheOutput="$c" -Dwarmup.variant=training \
        io.mcpwasm.bench.WarmupProbe run "$s" "$m" "$([ "$s" = go-workspace ] && echo 30 || echo 8)" \
        "$work/training.jsonl" > "$work/training-$m-$s.log" 2>&1
      echo "training $m $s: $(( ($(date +%s%N) - t) / 1000000 )) ms (run + cache assembly), cache $(du -h "$c" | cut -f1)"
    done
  done
fi

for r in $(seq 1 "$rounds"); do
  for s in $SAMPLES; do
    want="${VARIANTS:-}"
    [ -z "$want" ] && [ "$s" = go-workspace ] && want="$GO_VARIANTS"
    while IFS='|' read -r name java mode flags; do
      [ -n "$want" ] && [[ " $want " != *" $name "* ]] && continue
      [ -x "$java" ] || command -v "$java" >/dev/null || { echo "skip $name: no $java"; continue; }
      flags="${flags//\{cache\}/$work/$mode-$s.aot}"
      echo "round $r: $s $name ($(cut -d' ' -f1-3 /proc/loadavg))"
      # shellcheck disable=SC2086
      "$java" -cp "$cp" $base $flags -Dwarmup.variant="$name" -Dwarmup.t0ms="$(date +%s%3N)" \
        io.mcpwasm.bench.WarmupProbe run "$s" "$mode" "$(seconds "$s")" "$out/warmup.jsonl" \
        | sed -E 's/,"window_p50_us".*//'
    done < <(variants)
  done
done
[ -f "$out/warmup.jsonl" ] || exit 0
"$JAVA" -cp "$cp" io.mcpwasm.bench.WarmupProbe table "$out/warmup.jsonl" "$out/warmup-table.md"
cat "$out/warmup-table.md"
