package io.mcpwasm.bench;

import io.mcpwasm.McpModule;
import io.mcpwasm.McpRuntime;
import io.mcpwasm.McpServer;
import io.mcpwasm.wasi.HostPolicy;
import java.nio.file.Path;
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
 * 2. Warm start: a new instance of an already loaded and compiled {@link McpModule}, up to ready (instantiate, the
 * guest's own start-up, MCP discovery probe + initialize). {@code start} times {@code module.start(policy)} alone
 * (the server is closed outside the timed region); {@code startAndClose} includes closing it.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-XX:-DontCompileHugeMethods", "-Xss8m", "-Xmx2g",
        "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"})
public class WarmStartBench {
    @Param({Samples.GO, Samples.RUST, Samples.ZIG})
    public String sample;

    private Path notes;
    private McpRuntime runtime;
    private McpModule module;
    private HostPolicy policy;
    private McpServer started;

    @Setup(Level.Trial)
    public void setUp() {
        notes = Samples.newNotesDir();
        runtime = McpRuntime.builder().compileCache(Samples.compileCache()).build();
        module = runtime.load(Samples.wasm(sample));
        policy = Samples.policy(sample, notes);
    }

    @Benchmark
    public McpServer start() {
        started = module.start(policy);
        return started;
    }

    @TearDown(Level.Invocation)
    public void closeStarted() {
        if (started != null) {
            started.close();
            started = null;
        }
    }

    @Benchmark
    public void startAndClose() {
        module.start(policy).close();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        runtime.close();
        Samples.deleteTree(notes);
    }
}
