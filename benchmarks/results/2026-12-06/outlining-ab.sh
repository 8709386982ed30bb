#!/bin/bash
# Interleaved A/B of the FunctionOutliner: the given JMH arguments with -Dmcpwasm.outliner=true, then =false,
# <rounds> times, one JSON per run in benchmarks/target/outlining-ab/.
# Needs the classpath pieces that benchmarks/run.sh leaves in benchmarks/target/run/ (run it once, as in
# benchmarks/README.md "One benchmark by hand").
# usage: outlining-ab.sh <label> <rounds> <jmh args...>
#   outlining-ab.sh compute 2 ComputeBench -p side=inprocess -f 1 -wi 4 -w 3 -i 5 -r 3
#   outlining-ab.sh call 2 CallBench -p target=zig-tools:inprocess,rust-notes:inprocess -f 1 -wi 5 -w 2 -i 5 -r 2
#   outlining-ab.sh go 1 CallBench -p target=go-workspace:inprocess -f 1 -wi 12 -w 5 -i 5 -r 3
# AB_ROOT=<dir> takes the samples (and the compile cache) from <dir> instead of this checkout.
set -euo pipefail
cd "$(dirname "$0")/../../.."
label=$1; rounds=$2; shift 2
run=benchmarks/target/run
cp="$run/benchmarks-classes:$run/runtime-classes:$run/wasi-capabilities-classes:$(tr ':' '\n' < "$run/deps.txt" | grep -v /io/mcpwasm/ | paste -sd:)"
out=benchmarks/target/outlining-ab
mkdir -p "$out"
for r in $(seq 1 "$rounds"); do
  for mode in true false; do
    java -cp "$cp" org.openjdk.jmh.Main "$@" -rf json -rff "$out/$label-$mode-$r.json" -jvmArgsAppend \
      "-XX:-DontCompileHugeMethods -Xss8m -Xmx2g -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -Dmcpwasm.outliner=$mode -Dmcpwasm.root=${AB_ROOT:-$PWD}" \
      > "$out/$label-$mode-$r.log" 2>&1
    grep -E "^[A-Za-z]+Bench" "$out/$label-$mode-$r.log" | sed "s/^/$label outliner=$mode round=$r: /"
  done
done
