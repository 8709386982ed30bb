package io.mcpwasm.bench;

import io.mcpwasm.McpModule;
import io.mcpwasm.McpRuntime;
import io.mcpwasm.McpServer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * 4. Throughput: N concurrent callers (JMH threads: 1, 4, 16) making trivial tool calls against one in-process
 * instance ({@code instances=1}) or against a pool of K instances ({@code instances=2}; caller i uses instance
 * i mod K). Calls to one instance are served one at a time by its guest thread.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-XX:-DontCompileHugeMethods", "-Xss8m", "-Xmx2g",
        "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"})
public class ThroughputBench {
    /** The servers, shared by every caller thread. */
    @State(Scope.Benchmark)
    public static class Servers {
        @Param({Samples.GO, Samples.RUST, Samples.ZIG})
        public String sample;

        @Param({"1", "2"})
        public int instances;

        final AtomicInteger nextCaller = new AtomicInteger();
        final List<McpServer> servers = new ArrayList<>();
        final List<Path> notes = new ArrayList<>();
        McpRuntime runtime;
        String tool;
        Map<String, Object> arguments;

        @Setup(Level.Trial)
        public void setUp() {
            runtime = McpRuntime.builder().compileCache(Samples.compileCache()).build();
            McpModule module = runtime.load(Samples.wasm(sample));
            tool = Samples.trivialTool(sample);
            arguments = Samples.trivialArguments(sample);
            for (int i = 0; i < instances; i++) {
                Path n = Samples.newNotesDir();
                notes.add(n);
                McpServer s = module.start(Samples.policy(sample, n));
                if (Samples.RUST.equals(sample)) {
                    for (Map<String, Object> note : Samples.seedNotes()) {
                        ToolClient.checked(ToolClient.of(s), "add_note", note);
                    }
                }
                servers.add(s);
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            servers.forEach(McpServer::close);
            runtime.close();
            notes.forEach(Samples::deleteTree);
        }
    }

    /** Which instance this caller thread uses. */
    @State(Scope.Thread)
    public static class Caller {
        McpServer server;

        @Setup(Level.Trial)
        public void setUp(Servers s) {
            server = s.servers.get(s.nextCaller.getAndIncrement() % s.servers.size());
        }
    }

    @Benchmark
    @Threads(1)
    public Object callers1(Servers s, Caller c) {
        return c.server.call(s.tool, s.arguments);
    }

    @Benchmark
    @Threads(4)
    public Object callers4(Servers s, Caller c) {
        return c.server.call(s.tool, s.arguments);
    }

    @Benchmark
    @Threads(16)
    public Object callers16(Servers s, Caller c) {
        return c.server.call(s.tool, s.arguments);
    }
}
