#!/bin/bash
# Interleaved A/B of two builds of the runtime module on CallPathBench or CallBench, as in call-path.md.
# Needs the classpath pieces of benchmarks/run.sh in benchmarks/target/run/ (benchmarks/README.md "One benchmark by
# hand") and two copies of runtime/target/classes, taken before and after a change.
# usage: call-path-ab.sh <runtime-classes-A> <runtime-classes-B> <order, e.g. ABBA> <jmh args...>
#   call-path-ab.sh /tmp/rt-before /tmp/rt-after ABBA CallPathBench -p mode=session,server -f 1 -wi 6 -w 1 -i 5 -r 1 -bm sample -tu us
#   call-path-ab.sh /tmp/rt-before /tmp/rt-after ABBA CallBench -p target=zig-tools:inprocess -f 1 -wi 6 -w 1 -i 6 -r 1 -bm sample -tu us
# A -jvmArgsAppend on the command line replaces the @Fork one, so the suite's flags are repeated here.
set -euo pipefail
cd "$(dirname "$0")/../../.."
a=$1; b=$2; order=$3; shift 3
run=benchmarks/target/run
deps="$(tr ':' '\n' < "$run/deps.txt" | grep -v /io/mcpwasm/ | grep -v "$PWD/" | paste -sd:)"
out=benchmarks/target/call-path-ab
mkdir -p "$out"
for ((i = 0; i < ${#order}; i++)); do
  v=${order:$i:1}; rt=$a; [ "$v" = B ] && rt=$b
  java -cp "$run/benchmarks-classes:$rt:$run/wasi-capabilities-classes:$deps" org.openjdk.jmh.Main "$@" \
    -rf json -rff "$out/$v-$i.json" -jvmArgsAppend \
    "-XX:-DontCompileHugeMethods -Xss8m -Xmx2g -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -Dmcpwasm.root=$PWD" \
    > "$out/$v-$i.log" 2>&1
  grep -E "^[A-Za-z]+Bench.call(:p0.00|:p0.50| )" "$out/$v-$i.log" | sed "s/^/$v run $i: /"
done
