package io.mcpwasm.bench;

import io.mcpwasm.McpRuntime;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * 5. Guest compute: zig-tools {@code sha256} of a 1 MiB text (one tools/call, the text travels in the request),
 * {@code inprocess} vs the same Zig source built natively (ReleaseSmall, as the wasm) vs the same wasm module
 * under node's WASI, both as stdio subprocesses driven by the same client. The JVM flag and JDK variants are
 * separate runs of this class (see benchmarks/run.sh: {@code -jvmArgs} and {@code -jvm}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(value = 1, jvmArgsAppend = {"-XX:-DontCompileHugeMethods", "-Xss8m", "-Xmx2g",
        "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"})
public class ComputeBench {
    @Param({"inprocess", "native", "node"})
    public String side;

    @Param({"1048576"})
    public int textBytes;

    private McpRuntime runtime;
    private ToolClient client;
    private Map<String, Object> arguments;

    @Setup(Level.Trial)
    public void setUp() {
        runtime = McpRuntime.builder().compileCache(Samples.compileCache()).build();
        client = CallBench.open(runtime, Samples.ZIG, side, null);
        arguments = Map.of("text", Samples.text(textBytes));
        ToolClient.checked(client, "sha256", arguments);
    }

    @Benchmark
    public Object sha256() {
        return client.call("sha256", arguments);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        client.close();
        runtime.close();
    }
}
