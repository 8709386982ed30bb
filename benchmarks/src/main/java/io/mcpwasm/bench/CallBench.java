package io.mcpwasm.bench;

import io.mcpwasm.McpRuntime;
import java.nio.file.Path;
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
 * 3. Call overhead: one trivial tools/call round trip (zig {@code sha256} of "x", rust {@code list_notes} of two
 * notes, go {@code file_info} of a small file), by the same client session class, against: {@code inprocess} the
 * wasm module in this JVM; {@code native} the same sources built for linux-amd64 and run as a stdio subprocess;
 * {@code node} (zig-tools only) the wasm module under node's WASI as a stdio subprocess.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-XX:-DontCompileHugeMethods", "-Xss8m", "-Xmx2g",
        "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"})
public class CallBench {
    /** {@code sample:side}; node runs zig-tools only (the other two need mounts or a live non-blocking stdin). */
    @Param({"go-workspace:inprocess", "go-workspace:native", "rust-notes:inprocess", "rust-notes:native",
            "zig-tools:inprocess", "zig-tools:native", "zig-tools:node"})
    public String target;

    private String sample;
    private String side;

    private Path notes;
    private McpRuntime runtime;
    private ToolClient client;
    private String tool;
    private Map<String, Object> arguments;

    @Setup(Level.Trial)
    public void setUp() {
        sample = target.substring(0, target.indexOf(':'));
        side = target.substring(target.indexOf(':') + 1);
        notes = Samples.newNotesDir();
        runtime = McpRuntime.builder().compileCache(Samples.compileCache()).build();
        client = open(runtime, sample, side, notes);
        if (Samples.RUST.equals(sample)) {
            for (Map<String, Object> note : Samples.seedNotes()) {
                ToolClient.checked(client, "add_note", note);
            }
        }
        tool = Samples.trivialTool(sample);
        arguments = Samples.trivialArguments(sample);
        ToolClient.checked(client, tool, arguments);
    }

    /** Opens a sample on a side ({@code inprocess}, {@code native} or {@code node}). */
    static ToolClient open(McpRuntime runtime, String sample, String side, Path notes) {
        switch (side) {
            case "inprocess":
                return ToolClient.of(runtime.load(Samples.wasm(sample)).start(Samples.policy(sample, notes)));
            case "native":
                return StdioServer.start(Samples.nativeCommand(sample, notes), null);
            case "node":
                return StdioServer.start(Samples.nodeCommand(sample), null);
            default:
                throw new IllegalArgumentException("side " + side);
        }
    }

    @Benchmark
    public Object call() {
        return client.call(tool, arguments);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        client.close();
        runtime.close();
        Samples.deleteTree(notes);
    }
}
