package io.mcpwasm.bench;

import io.mcpwasm.McpModule;
import io.mcpwasm.McpRuntime;
import io.mcpwasm.McpServer;
import io.mcpwasm.ServerOptions;
import io.mcpwasm.bench.aot.GoWorkspace;
import io.mcpwasm.bench.aot.RustNotes;
import io.mcpwasm.bench.aot.ZigTools;
import io.mcpwasm.wasi.Manifest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
 * 1. Cold start: the first start of a server in a fresh JVM, measured once per fork (no warm-up): build the runtime,
 * read + parse the module, compile it (or load the compiled classes from the disk cache, or set up the
 * interpreter), instantiate, MCP set-up (discovery probe + initialize) and tools/list. JVM boot itself is not
 * included (JMH's fork starts the clock when the method starts).
 *
 * <p>{@code mode}: {@code cached} = runtime compiler with a warm disk cache (filled by {@link PrimeCache} before
 * the run); {@code nocache} = runtime compiler, no disk cache (compiles in memory); {@code interpreter} =
 * Chicory's interpreter, nothing compiled; {@code aot} = compiled at build time by chicory-compiler-maven-plugin
 * (benchmarks/pom.xml, classes {@code io.mcpwasm.bench.aot.*}) and loaded with {@link McpRuntime#loadPrecompiled}:
 * the timed part loads the generated classes, parses the stripped {@code .meta} module and reads the sample's
 * {@code manifest.json} (the plugin drops the embedded one).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 0)
@Measurement(iterations = 1)
@Fork(value = 3, jvmArgsAppend = {"-XX:-DontCompileHugeMethods", "-Xss8m", "-Xmx2g",
        "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"})
public class ColdStartBench {
    @Param({Samples.GO, Samples.RUST, Samples.ZIG})
    public String sample;

    @Param({"cached", "nocache", "interpreter", "aot"})
    public String mode;

    private Path notes;
    private McpRuntime runtime;
    private McpServer server;

    @Setup(Level.Iteration)
    public void setUp() {
        notes = Samples.newNotesDir();
    }

    @Benchmark
    public int startToToolsListed() {
        McpRuntime.Builder b = McpRuntime.builder();
        switch (mode) {
            case "cached":
                b.compileCache(Samples.compileCache());
                break;
            case "nocache":
                b.noCompileCache();
                break;
            case "interpreter":
                b.noCompileCache().interpreterOnly();
                break;
            case "aot":
                b.noCompileCache();
                break;
            default:
                throw new IllegalArgumentException("mode " + mode);
        }
        runtime = b.build();
        McpModule module = "aot".equals(mode) ? loadAot(runtime, sample) : runtime.load(Samples.wasm(sample));
        server = module.start(Samples.policy(sample, notes),
                ServerOptions.builder().startTimeout(Duration.ofMinutes(5)).build());
        int tools = server.tools().size();
        if ("cached".equals(mode) && runtime.compileCacheHits() == 0) {
            throw new IllegalStateException("the disk cache was cold: run PrimeCache first (benchmarks/run.sh does)");
        }
        return tools;
    }

    /**
     * Loads a sample compiled at build time: its generated class, and its manifest from the sample's
     * {@code manifest.json} (the file its build embeds in the {@code .wasm}).
     */
    static McpModule loadAot(McpRuntime runtime, String sample) {
        run.endive.runtime.CompiledModule compiled;
        switch (sample) {
            case Samples.GO:
                compiled = new GoWorkspace();
                break;
            case Samples.RUST:
                compiled = new RustNotes();
                break;
            case Samples.ZIG:
                compiled = new ZigTools();
                break;
            default:
                throw new IllegalArgumentException("no build-time compiled module for " + sample);
        }
        Manifest manifest;
        try {
            manifest = Manifest.parse(Files.readAllBytes(Samples.root().resolve("samples").resolve(sample)
                    .resolve("manifest.json")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return runtime.loadPrecompiled(compiled, manifest);
    }

    @TearDown(Level.Iteration)
    public void tearDown() {
        if (server != null) {
            server.close();
        }
        if (runtime != null) {
            runtime.close();
        }
        Samples.deleteTree(notes);
    }
}
