package io.mcpwasm.bench;

import io.mcpwasm.McpModule;
import io.mcpwasm.McpRuntime;
import io.mcpwasm.McpServer;
import io.mcpwasm.ServerOptions;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

/**
 * The phases of one cold start in this (fresh) JVM, to see what dominates {@link ColdStartBench}: runtime built,
 * module loaded (read + parse + compile or disk-cache load), instance started (instantiate + guest start-up + MCP
 * set-up), tools listed. Prints one line; run it under JFR to profile a cold start (benchmarks/run.sh does).
 *
 * <p>Usage: {@code ColdStartProbe <sample> cached|nocache|interpreter|aot} ({@code aot}: compiled at build time, see
 * {@link ColdStartBench})
 */
public final class ColdStartProbe {
    private ColdStartProbe() {}

    public static void main(String[] args) {
        String sample = args[0];
        String mode = args[1];
        long jvmStart = ManagementFactory.getRuntimeMXBean().getStartTime();
        long sinceJvm = System.currentTimeMillis() - jvmStart;
        Path notes = Samples.newNotesDir();
        long t0 = System.nanoTime();
        McpRuntime.Builder b = McpRuntime.builder();
        if ("cached".equals(mode)) {
            b.compileCache(Samples.compileCache());
        } else if ("nocache".equals(mode) || "aot".equals(mode)) {
            b.noCompileCache();
        } else {
            b.noCompileCache().interpreterOnly();
        }
        try (McpRuntime runtime = b.build()) {
            long t1 = System.nanoTime();
            McpModule module = "aot".equals(mode) ? ColdStartBench.loadAot(runtime, sample)
                    : runtime.load(Samples.wasm(sample));
            long t2 = System.nanoTime();
            try (McpServer server = module.start(Samples.policy(sample, notes),
                    ServerOptions.builder().startTimeout(Duration.ofMinutes(5)).build())) {
                long t3 = System.nanoTime();
                int tools = server.tools().size();
                long t4 = System.nanoTime();
                System.out.printf(Locale.ROOT, "cold-phases %s %s: jvm-to-main %d ms, runtime %.0f ms, load %.0f ms, "
                                + "start %.0f ms, tools/list %.0f ms (%d tools), total %.0f ms, cache hits %d%n",
                        sample, mode, sinceJvm, (t1 - t0) / 1e6, (t2 - t1) / 1e6, (t3 - t2) / 1e6, (t4 - t3) / 1e6,
                        tools, (t4 - t0) / 1e6, runtime.compileCacheHits());
            }
        } finally {
            Samples.deleteTree(notes);
        }
    }
}
