#!/bin/bash
# Interleaved A/B(/C...) of rust-notes.wasm builds (e.g. before/after a guest-kit change) with the same host
# classes: the given JMH arguments (CallBench -p target=rust-notes:inprocess ...) on each module in turn, <rounds>
# times; one JSON and log per run in benchmarks/target/rust-call-ab/. Read the results as ratios within a round.
# Needs the classpath pieces that benchmarks/run.sh leaves in benchmarks/target/run/ (see benchmarks/README.md
# "One benchmark by hand"). JMH runs with -Djmh.ignoreLock=true: other users of the machine may hold its lock.
# usage: rust-call-ab.sh <label> <rounds> <name=module.wasm,name=module.wasm,...> <jmh args...>
#   rust-call-ab.sh kit 3 before=/tmp/before.wasm,after=samples/rust-notes/rust-notes.wasm \
#     CallBench -p target=rust-notes:inprocess -f 1 -wi 5 -w 2 -i 5 -r 2
set -euo pipefail
cd "$(dirname "$0")/../../.."
label=$1; rounds=$2; IFS=, read -r -a sides <<< "$3"; shift 3
run=benchmarks/target/run
cp="$run/benchmarks-classes:$run/runtime-classes:$run/wasi-capabilities-classes:$(tr ':' '\n' < "$run/deps.txt" | grep -v /io/mcpwasm/ | paste -sd:)"
out=benchmarks/target/rust-call-ab
mkdir -p "$out"
# One root per side holding samples/rust-notes/rust-notes.wasm and its own compile cache: the benchmark reads
# both from -Dmcpwasm.root (samples/zig-tools only marks the directory as a repository root).
for side in "${sides[@]}"; do
  name=${side%%=*}
  mkdir -p "$out/root-$name/samples/rust-notes" "$out/root-$name/samples/zig-tools"
  cp "${side#*=}" "$out/root-$name/samples/rust-notes/rust-notes.wasm"
done
for r in $(seq 1 "$rounds"); do
  for side in "${sides[@]}"; do
    name=${side%%=*}
    load=$(cut -d' ' -f1-3 /proc/loadavg)
    java -Djmh.ignoreLock=true -cp "$cp" org.openjdk.jmh.Main "$@" -rf json -rff "$out/$label-$name-$r.json" -jvmArgsAppend \
      "-XX:-DontCompileHugeMethods -Xss8m -Xmx2g -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -Dmcpwasm.root=$PWD/$out/root-$name" \
      > "$out/$label-$name-$r.log" 2>&1
    grep -E "^[A-Za-z]+Bench" "$out/$label-$name-$r.log" | sed "s/^/$label $name round=$r load=[$load]: /"
  done
done
