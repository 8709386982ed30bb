package io.mcpwasm.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mcpwasm.McpModule;
import io.mcpwasm.McpRuntime;
import io.mcpwasm.McpServer;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * 6. Memory, in a fresh JVM (run it with {@code -Xmx2g}): heap retained per idle instance of each sample (start
 * {@code n} instances, full GC before and after, divide), then how many idle zig-tools instances fit in the heap:
 * start them one after the other until the live heap (measured after a full GC every 100 starts) plus one more
 * instance would exceed 95% of the maximum heap, a start fails (an OutOfMemoryError included), or a cap or time
 * limit is hit. Writes the results as JSON.
 *
 * <p>Usage: {@code MemoryProbe <out.json> [perInstanceSamples] [maxInstances] [maxSeconds]}; with
 * {@code -Dmcpwasm.bench.virtualThreads=true} (JDK 21+) the guests run on virtual threads.
 */
public final class MemoryProbe {
    private MemoryProbe() {}

    public static void main(String[] args) throws IOException {
        Path out = Path.of(args[0]);
        int perSample = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        int maxInstances = args.length > 2 ? Integer.parseInt(args[2]) : 5000;
        int maxSeconds = args.length > 3 ? Integer.parseInt(args[3]) : 240;
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode result = mapper.createObjectNode();
        long maxHeap = Runtime.getRuntime().maxMemory();
        result.put("maxHeapBytes", maxHeap);
        result.put("jvmArgs", String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments()));
        ArrayNode per = result.putArray("perInstance");
        McpRuntime.Builder builder = McpRuntime.builder().compileCache(Samples.compileCache());
        if (Boolean.getBoolean("mcpwasm.bench.virtualThreads")) {
            builder.virtualThreads(); // JDK 21+: guests on virtual threads
        }
        result.put("virtualThreads", Boolean.getBoolean("mcpwasm.bench.virtualThreads"));
        try (McpRuntime runtime = builder.build()) {
            for (String sample : new String[] {Samples.GO, Samples.RUST, Samples.ZIG}) {
                McpModule module = runtime.load(Samples.wasm(sample));
                module.start(Samples.policy(sample, Samples.newNotesDir())).close(); // classes loaded, caches warm
                List<McpServer> servers = new ArrayList<>();
                List<Path> dirs = new ArrayList<>();
                long before = liveHeap();
                for (int i = 0; i < perSample; i++) {
                    Path d = Samples.newNotesDir();
                    dirs.add(d);
                    McpServer s = module.start(Samples.policy(sample, d));
                    s.tools();
                    servers.add(s);
                }
                long after = liveHeap();
                long each = (after - before) / perSample;
                ObjectNode row = per.addObject();
                row.put("sample", sample);
                row.put("instances", perSample);
                row.put("heapBytesPerInstance", each);
                System.out.printf("memory: %s: %d idle instances retain %.2f MiB of heap each%n", sample, perSample,
                        each / 1048576.0);
                servers.forEach(McpServer::close);
                dirs.forEach(Samples::deleteTree);
            }

            McpModule zig = runtime.load(Samples.wasm(Samples.ZIG));
            List<McpServer> idle = new ArrayList<>();
            long base = liveHeap();
            long start = System.nanoTime();
            long lastLive = base;
            String stop = "cap of " + maxInstances + " instances reached";
            try {
                while (idle.size() < maxInstances) {
                    if ((System.nanoTime() - start) / 1_000_000_000L > maxSeconds) {
                        stop = "time limit of " + maxSeconds + " s reached";
                        break;
                    }
                    if (idle.size() % 100 == 0 && !idle.isEmpty()) {
                        lastLive = liveHeap();
                        long each = (lastLive - base) / idle.size();
                        System.out.printf("memory: %d idle zig-tools instances, live heap %.0f MiB (%.2f MiB each)%n",
                                idle.size(), lastLive / 1048576.0, each / 1048576.0);
                        if (lastLive + 100 * each > maxHeap * 0.95) {
                            // Go on one at a time near the limit, checking before each start.
                            while (idle.size() < maxInstances) {
                                long live = liveHeap();
                                lastLive = live;
                                if (live + each > maxHeap * 0.95) {
                                    break;
                                }
                                idle.add(zig.start(Samples.policy(Samples.ZIG, null)));
                            }
                            stop = "the next start would exceed 95% of the heap";
                            break;
                        }
                    }
                    idle.add(zig.start(Samples.policy(Samples.ZIG, null)));
                }
            } catch (OutOfMemoryError | RuntimeException e) {
                stop = "start " + (idle.size() + 1) + " failed: " + e;
            }
            long seconds = (System.nanoTime() - start) / 1_000_000L;
            lastLive = liveHeap();
            ObjectNode fit = result.putObject("zigInstancesInHeap");
            fit.put("instances", idle.size());
            fit.put("stoppedBecause", stop);
            fit.put("liveHeapBytes", lastLive);
            fit.put("baseHeapBytes", base);
            fit.put("heapBytesPerInstance", idle.isEmpty() ? 0 : (lastLive - base) / idle.size());
            fit.put("millis", seconds);
            fit.put("liveThreads", Thread.activeCount());
            fit.put("rssBytes", rss());
            System.out.printf("memory: %d idle zig-tools instances fit (%s); live heap %.0f MiB, RSS %.0f MiB%n",
                    idle.size(), stop, lastLive / 1048576.0, rss() / 1048576.0);
            idle.clear();
        }
        Files.createDirectories(out.toAbsolutePath().getParent());
        mapper.writerWithDefaultPrettyPrinter().writeValue(out.toFile(), result);
    }

    private static long liveHeap() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        Runtime r = Runtime.getRuntime();
        return r.totalMemory() - r.freeMemory();
    }

    private static long rss() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }
}
