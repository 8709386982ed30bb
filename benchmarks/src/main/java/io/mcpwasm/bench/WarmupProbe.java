package io.mcpwasm.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mcpwasm.McpModule;
import io.mcpwasm.McpRuntime;
import io.mcpwasm.wasi.HostPolicy;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Time to steady state of one sample's trivial call in a fresh JVM (issue 15), driven by benchmarks/warmup.sh.
 *
 * <p>{@code WarmupProbe run <sample> <cached|aot> <seconds> <out.jsonl>}: loads the sample (from the disk compile
 * cache, or the classes compiled at build time as in {@link ColdStartBench}'s mode {@code aot}), starts it and calls
 * its trivial tool for {@code seconds}, then appends one JSON line: the median call of every one-second window, the
 * steady state ({@link #steady}) and the time to 2× (the first second after which every window's median, taken with
 * its neighbours' ({@link #rolling3}), stays within 2× of that steady state). Times are from the JVM's launch when the
 * script passes it as {@code -Dwarmup.t0ms} (epoch ms), so that a faster JVM start counts too. {@code
 * -Dwarmup.variant} names the run's JVM settings in the table.
 *
 * <p>{@code WarmupProbe table <in.jsonl> <out.md>}: one row per sample and variant, recomputed from the windows: the
 * runs' minimum time to 2× of their own steady state (also strict: every single window within 2×, the definition of
 * {@link PeerCompare}; and the first window within 2×, even if a later one was slower again), their best steady
 * state, and the time to 2× of the best steady state any variant reached for that sample (so that a setting that
 * gets to a worse steady state sooner shows it).
 */
public final class WarmupProbe {
    private static final ObjectMapper JSON = new ObjectMapper();

    private WarmupProbe() {}

    public static void main(String[] args) throws Exception {
        if (args.length == 5 && "run".equals(args[0])) {
            run(args[1], args[2], Double.parseDouble(args[3]), Path.of(args[4]));
        } else if (args.length == 3 && "table".equals(args[0])) {
            Files.writeString(Path.of(args[2]), table(Files.readAllLines(Path.of(args[1]))));
        } else {
            throw new IllegalArgumentException("usage: WarmupProbe run <sample> <cached|aot> <seconds> <out.jsonl>"
                    + " | table <in.jsonl> <out.md>");
        }
    }

    private static void run(String sample, String mode, double seconds, Path out) throws IOException {
        long t0 = Long.getLong("warmup.t0ms", ProcessHandle.current().info().startInstant()
                .map(i -> i.toEpochMilli()).orElse(System.currentTimeMillis()));
        String loadStart = Files.readString(Path.of("/proc/loadavg")).trim();
        Path notes = Samples.newNotesDir();
        ObjectNode line = JSON.createObjectNode();
        line.put("sample", sample).put("mode", mode).put("variant", System.getProperty("warmup.variant", "?"))
                .put("java", Runtime.version().toString()).put("load_start", loadStart);
        try (McpRuntime runtime = McpRuntime.builder().compileCache(Samples.compileCache()).build()) {
            HostPolicy policy = Samples.policy(sample, notes);
            McpModule module = "aot".equals(mode) ? ColdStartBench.loadAot(runtime, sample)
                    : runtime.load(Samples.wasm(sample));
            try (ToolClient client = ToolClient.of(module.start(policy))) {
                Samples.seed(client, sample);
                String tool = Samples.trivialTool(sample);
                Map<String, Object> arguments = Samples.trivialArguments(sample);
                long loopStartMs = System.currentTimeMillis();
                long begin = System.nanoTime();
                long end = begin + (long) (seconds * 1e9);
                List<long[]> calls = new ArrayList<>();
                while (System.nanoTime() < end) {
                    long t = System.nanoTime();
                    ToolClient.checked(client, tool, arguments);
                    calls.add(new long[] {t - begin, System.nanoTime() - t});
                }
                double startS = (loopStartMs - t0) / 1000.0;
                long[] windows = windowMedians(calls);
                long steady = steady(windows);
                line.put("launch_to_first_call_s", startS);
                line.put("first_call_us", calls.get(0)[1] / 1000.0);
                line.put("calls", calls.size());
                line.put("steady_p50_us", steady / 1000.0);
                int w = within(rolling3(windows), 2 * steady);
                line.put("within_2x_s", w < 0 ? -1 : startS + w);
                ArrayNode ws = line.putArray("window_p50_us");
                for (long m : windows) {
                    ws.add(m / 1000.0);
                }
            }
        } finally {
            Samples.deleteTree(notes);
        }
        line.put("load_end", Files.readString(Path.of("/proc/loadavg")).trim());
        Files.writeString(out, JSON.writeValueAsString(line) + "\n", StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        System.out.println(JSON.writeValueAsString(line));
    }

    /** The median call of each one-second window of the loop (a window without a call: Long.MAX_VALUE). */
    static long[] windowMedians(List<long[]> calls) {
        int n = (int) (calls.get(calls.size() - 1)[0] / 1_000_000_000L) + 1;
        List<List<Long>> by = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            by.add(new ArrayList<>());
        }
        for (long[] c : calls) {
            by.get((int) (c[0] / 1_000_000_000L)).add(c[1]);
        }
        long[] m = new long[n];
        for (int i = 0; i < n; i++) {
            long[] ns = by.get(i).stream().mapToLong(Long::longValue).toArray();
            m[i] = ns.length == 0 ? Long.MAX_VALUE : median(ns);
        }
        return m;
    }

    /** The first window after which every window's median is at most {@code limit}; -1 when none. */
    static int within(long[] windows, long limit) {
        int last = -1;
        for (int i = 0; i < windows.length; i++) {
            if (windows[i] > limit) {
                last = i;
            }
        }
        return last + 1 < windows.length ? last + 1 : -1;
    }

    /**
     * The steady state of a run: the lowest one-second median of its second half (at least 3 windows). On a machine
     * shared with other jobs the slower windows are the other jobs', not this JVM's.
     */
    static long steady(long[] windows) {
        return Arrays.stream(windows, Math.max(0, Math.min(windows.length / 2, windows.length - 3)), windows.length)
                .min().orElseThrow();
    }

    /** Each window's median with its two neighbours' (one late window slowed by another process is not a trend). */
    static long[] rolling3(long[] windows) {
        long[] r = new long[windows.length];
        for (int i = 0; i < windows.length; i++) {
            long[] w = Arrays.copyOfRange(windows, Math.max(0, i - 1), Math.min(windows.length, i + 2));
            Arrays.sort(w);
            r[i] = w[(w.length - 1) / 2]; // at either end, the lower of two

        }
        return r;
    }

    /** The first window whose median is at most {@code limit} (later ones may be slower again); -1 when none. */
    static int reached(long[] windows, long limit) {
        for (int i = 0; i < windows.length; i++) {
            if (windows[i] <= limit) {
                return i;
            }
        }
        return -1;
    }

    private static long median(long[] ns) {
        long[] s = ns.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }

    static String table(List<String> lines) throws IOException {
        Map<String, Map<String, List<JsonNode>>> bySample = new TreeMap<>();
        for (String l : lines) {
            if (!l.isBlank()) {
                JsonNode n = JSON.readTree(l);
                bySample.computeIfAbsent(n.get("sample").asText(), k -> new LinkedHashMap<>())
                        .computeIfAbsent(n.get("variant").asText(), k -> new ArrayList<>()).add(n);
            }
        }
        StringBuilder sb = new StringBuilder();
        sb.append("| sample | variant | runs | launch to first call, min (s) | time to 2x of own steady, min / each")
                .append(" (s) | same, strict, min (s) | first reached, min (s) | steady, min (us) | steady / first")
                .append(" variant's | time to 2x of the sample's best steady, min (s) |\n")
                .append("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n");
        for (var sample : bySample.entrySet()) {
            long best = sample.getValue().values().stream().flatMap(List::stream)
                    .mapToLong(n -> steady(windows(n))).min().orElseThrow();
            double base = Double.NaN;
            for (var variant : sample.getValue().entrySet()) {
                List<String> each = new ArrayList<>();
                double first = Double.MAX_VALUE;
                double own = Double.MAX_VALUE;
                double strict = Double.MAX_VALUE;
                double vsBest = Double.MAX_VALUE;
                double reached = Double.MAX_VALUE;
                long steady = Long.MAX_VALUE;
                for (JsonNode n : variant.getValue()) {
                    double start = n.get("launch_to_first_call_s").asDouble();
                    long[] windows = windows(n);
                    long[] smooth = rolling3(windows);
                    long s = steady(windows);
                    steady = Math.min(steady, s);
                    first = Math.min(first, start);
                    double w = seconds(start, within(smooth, 2 * s));
                    each.add(fmt(w));
                    own = Math.min(own, w);
                    strict = Math.min(strict, seconds(start, within(windows, 2 * s)));
                    vsBest = Math.min(vsBest, seconds(start, within(smooth, 2 * best)));
                    reached = Math.min(reached, seconds(start, reached(smooth, 2 * s)));
                }
                if (Double.isNaN(base)) {
                    base = steady;
                }
                sb.append(String.format("| %s | %s | %d | %.2f | %s / %s | %s | %s | %.1f | %.2f | %s |%n",
                        sample.getKey(), variant.getKey(), variant.getValue().size(), first, fmt(own),
                        String.join(", ", each), fmt(strict), fmt(reached), steady / 1000.0, steady / base,
                        fmt(vsBest)));
            }
        }
        return sb.toString();
    }

    private static long[] windows(JsonNode run) {
        JsonNode w = run.get("window_p50_us");
        long[] ns = new long[w.size()];
        for (int i = 0; i < ns.length; i++) {
            ns[i] = (long) (w.get(i).asDouble() * 1000);
        }
        return ns;
    }

    private static double seconds(double start, int window) {
        return window < 0 ? Double.MAX_VALUE : start + window;
    }

    private static String fmt(double s) {
        return s == Double.MAX_VALUE ? "never" : String.format("%.1f", s);
    }
}
