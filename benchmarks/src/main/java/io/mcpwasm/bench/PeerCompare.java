package io.mcpwasm.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mcpwasm.McpModule;
import io.mcpwasm.McpRuntime;
import io.mcpwasm.wasi.HostPolicy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * One sample against the peer runtimes in interleaved rounds, in a fresh JVM: mcpwasm in this JVM (its servers kept
 * across rounds), the wazero and wasmtime drivers (benchmarks/peers, fed the lines of {@link PeerLines}) and the
 * native build as a stdio subprocess (when built), one after the other in each round, so that all of them see the
 * same load. Each measures the trivial call's round trip, the warm start and, for zig-tools, the sha256 of 1 MiB,
 * as minimum and median.
 *
 * <p>Time to steady state: before the first round, the in-process call runs for {@code warmup} seconds in this
 * fresh JVM; the report gives the time after which every later one-second window's median call stays within 2× of
 * the median of the measured rounds.
 *
 * <p>Usage: {@code PeerCompare <sample> <out.json> <rounds> <seconds> <warmup seconds> <peer command>...}, each peer
 * command one argument (split at spaces) that runs a driver for this sample to the end and prints its JSON object;
 * {@code {notes}} in it becomes a new empty directory for that run (the Rust sample's mount).
 * The native build is driven by this JVM's client over stdio ({@link StdioServer}), so its row includes that client.
 */
public final class PeerCompare {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int STARTS = 10;

    private PeerCompare() {}

    public static void main(String[] args) throws Exception {
        String sample = args[0];
        Path out = Path.of(args[1]);
        int rounds = Integer.parseInt(args[2]);
        double seconds = Double.parseDouble(args[3]);
        double warmup = Double.parseDouble(args[4]);
        List<String> peers = Arrays.asList(args).subList(5, args.length);
        ArrayNode rows = JSON.createArrayNode();
        Path notes = Samples.newNotesDir();
        try (McpRuntime runtime = McpRuntime.builder().compileCache(Samples.compileCache()).build()) {
            HostPolicy policy = Samples.policy(sample, notes);
            McpModule module = runtime.load(Samples.wasm(sample));
            try (ToolClient client = ToolClient.of(module.start(policy))) {
                Samples.seed(client, sample);
                String tool = Samples.trivialTool(sample);
                Map<String, Object> arguments = Samples.trivialArguments(sample);
                List<long[]> warm = timedLoop(client, tool, arguments, warmup);
                List<Long> steadyMedians = new ArrayList<>();
                for (int round = 1; round <= rounds; round++) {
                    String load = Files.readString(Path.of("/proc/loadavg")).trim();
                    List<long[]> calls = timedLoop(client, tool, arguments, seconds);
                    steadyMedians.add(median(durations(calls)));
                    ObjectNode row = row(rows, round, load, "mcpwasm", sample);
                    row.set("call", stats(durations(calls)));
                    row.set("warm_start", warmStarts(module, policy));
                    if (Samples.ZIG.equals(sample)) {
                        Map<String, Object> text = Map.of("text", Samples.text(1 << 20));
                        timedLoop(client, "sha256", text, seconds);
                        row.set("compute", stats(durations(timedLoop(client, "sha256", text, seconds))));
                    }
                    for (String peer : peers) {
                        ObjectNode p = runPeer(peer);
                        p.put("round", round).put("load", load);
                        rows.add(p);
                    }
                    if (hasNative(sample)) {
                        rows.add(nativeRow(round, load, sample, tool, arguments, seconds));
                    }
                }
                ObjectNode steady = row(rows, 0, "", "mcpwasm", sample);
                // the lower median of the rounds' medians: with two rounds, the better one
                long steadyMedian = steadyMedians.stream().sorted().toList().get((steadyMedians.size() - 1) / 2);
                steady.put("steady_p50_us", steadyMedian / 1000.0);
                steady.put("within_2x_of_steady_after_s", within2x(warm, steadyMedian));
                steady.put("warmup_s", warmup);
            }
        } finally {
            Samples.deleteTree(notes);
        }
        Files.writeString(out, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(rows));
        System.out.println(JSON.writeValueAsString(rows));
    }

    private static ObjectNode row(ArrayNode rows, int round, String load, String runtime, String sample) {
        ObjectNode row = rows.addObject();
        row.put("round", round).put("load", load).put("runtime", runtime).put("sample", sample);
        return row;
    }

    /** Calls for {@code seconds} (at least 3 calls): each call's start (ns since the loop began) and duration. */
    private static List<long[]> timedLoop(ToolClient client, String tool, Map<String, ?> arguments, double seconds) {
        List<long[]> calls = new ArrayList<>();
        long begin = System.nanoTime();
        long end = begin + (long) (seconds * 1e9);
        while (calls.size() < 3 || System.nanoTime() < end) {
            long t = System.nanoTime();
            ToolClient.checked(client, tool, arguments);
            calls.add(new long[] {t - begin, System.nanoTime() - t});
        }
        return calls;
    }

    private static long[] durations(List<long[]> calls) {
        return calls.stream().mapToLong(c -> c[1]).toArray();
    }

    private static long median(long[] ns) {
        long[] s = ns.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }

    private static ObjectNode stats(long[] ns) {
        long[] s = ns.clone();
        Arrays.sort(s);
        return JSON.createObjectNode().put("n", s.length).put("min_us", s[0] / 1000.0)
                .put("p50_us", s[s.length / 2] / 1000.0);
    }

    /**
     * The first second (from the first call) after which the median of every one-second window of calls is within 2×
     * of {@code steadyMedian}; -1 when the warm-up never got there.
     */
    static double within2x(List<long[]> calls, long steadyMedian) {
        return WarmupProbe.within(WarmupProbe.windowMedians(calls), 2 * steadyMedian);
    }

    private static ObjectNode warmStarts(McpModule module, HostPolicy policy) {
        long[] ns = new long[STARTS];
        for (int i = 0; i < STARTS; i++) {
            long t = System.nanoTime();
            var server = module.start(policy);
            ns[i] = System.nanoTime() - t;
            server.close();
        }
        return stats(ns);
    }

    private static ObjectNode runPeer(String command) throws IOException, InterruptedException {
        Path notes = Samples.newNotesDir();
        try {
            String[] argv = command.replace("{notes}", notes.toString()).split(" ");
            Process p = new ProcessBuilder(argv).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            String stdout = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            int exit = p.waitFor();
            if (exit != 0) {
                throw new IllegalStateException("peer failed (exit " + exit + "): " + command);
            }
            return (ObjectNode) JSON.readTree(stdout);
        } finally {
            Samples.deleteTree(notes);
        }
    }

    private static boolean hasNative(String sample) {
        return Files.isExecutable(Samples.root().resolve("benchmarks/target/native").resolve(sample));
    }

    private static ObjectNode nativeRow(int round, String load, String sample, String tool, Map<String, Object> args,
                                        double seconds) {
        Path notes = Samples.newNotesDir();
        ObjectNode row = JSON.createObjectNode();
        row.put("round", round).put("load", load).put("runtime", "native").put("sample", sample);
        try (ToolClient client = StdioServer.start(Samples.nativeCommand(sample, notes), null)) {
            Samples.seed(client, sample);
            timedLoop(client, tool, args, seconds);
            row.set("call", stats(durations(timedLoop(client, tool, args, seconds))));
            if (Samples.ZIG.equals(sample)) {
                Map<String, Object> text = Map.of("text", Samples.text(1 << 20));
                timedLoop(client, "sha256", text, seconds);
                row.set("compute", stats(durations(timedLoop(client, "sha256", text, seconds))));
            }
        } finally {
            Samples.deleteTree(notes);
        }
        return row;
    }
}
