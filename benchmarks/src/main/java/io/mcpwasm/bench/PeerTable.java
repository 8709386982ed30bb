package io.mcpwasm.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Turns the {@link PeerCompare} results of a run ({@code peers-<sample>.json}) into {@code peers.md}: per metric and
 * runtime the best minimum and the median of the rounds' medians, each as a ratio to wazero on the same module in
 * the same rounds, the load seen, and the time the in-process call took to come within 2× of its steady state.
 *
 * <p>Usage: {@code PeerTable <results dir>}
 */
public final class PeerTable {
    private static final List<String> RUNTIMES = List.of("mcpwasm", "wazero", "wasmtime", "native");
    private static final String[][] METRICS = {
        {"zig-tools", "call", "zig `sha256` of \"x\" (trivial call)"},
        {"rust-notes", "call", "rust `list_notes` call"},
        {"go-workspace", "call", "go `file_info` call"},
        {"zig-tools", "compute", "zig sha256 of 1 MiB (compute)"},
        {"zig-tools", "warm_start", "zig warm start"},
        {"rust-notes", "warm_start", "rust warm start"},
        {"go-workspace", "warm_start", "go warm start"},
    };

    private PeerTable() {}

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args[0]);
        ObjectMapper json = new ObjectMapper();
        List<JsonNode> rows = new ArrayList<>();
        for (String sample : List.of(Samples.ZIG, Samples.RUST, Samples.GO)) {
            Path f = dir.resolve("peers-" + sample + ".json");
            if (Files.exists(f)) {
                json.readTree(f.toFile()).forEach(rows::add);
            }
        }
        StringBuilder md = new StringBuilder();
        md.append("| same module, same JSON-RPC lines, interleaved rounds | ");
        RUNTIMES.forEach(r -> md.append(r).append(" | "));
        md.append("mcpwasm / wazero |\n|---|");
        RUNTIMES.forEach(r -> md.append("---:|"));
        md.append("---:|\n");
        for (String[] m : METRICS) {
            for (String stat : List.of("min_us", "p50_us")) {
                md.append("| ").append(m[2]).append(stat.equals("min_us") ? ", min" : ", median").append(" | ");
                double[] values = new double[RUNTIMES.size()];
                for (int i = 0; i < RUNTIMES.size(); i++) {
                    values[i] = pick(rows, RUNTIMES.get(i), m[0], m[1], stat);
                    md.append(values[i] < 0 ? "" : micros(values[i])).append(" | ");
                }
                md.append(values[0] > 0 && values[1] > 0 ? String.format(Locale.ROOT, "%.2f×", values[0] / values[1])
                        : "").append(" |\n");
            }
        }
        md.append("\nmin: the best single request of all rounds; median: the median of the rounds' medians. ")
                .append("native is the same source built for linux-amd64, driven by the Java client over stdio.\n\n");
        for (JsonNode r : rows) {
            if (r.path("round").asInt() == 0) {
                md.append(String.format(Locale.ROOT, "- %s in a fresh JVM: the call's median came within 2× of its "
                                + "steady state (%s) after %s s of calls (warm-up %s s; -1: not within the warm-up)%n",
                        r.path("sample").asText(), micros(r.path("steady_p50_us").asDouble()),
                        r.path("within_2x_of_steady_after_s").asText(), r.path("warmup_s").asText()));
            }
        }
        md.append("\nLoad (1/5/15-min averages) at each round's start:\n");
        rows.stream().filter(r -> r.path("runtime").asText().equals("mcpwasm") && r.path("round").asInt() > 0)
                .forEach(r -> md.append("- ").append(r.path("sample").asText()).append(" round ")
                        .append(r.path("round").asInt()).append(": ").append(r.path("load").asText()).append('\n'));
        for (JsonNode r : rows) {
            if (r.has("compile_ms") && r.path("round").asInt() == 1) {
                md.append(String.format(Locale.ROOT, "- %s compiled %s in %.0f ms (wall)%n", r.path("runtime").asText(),
                        r.path("sample").asText(), r.path("compile_ms").asDouble()));
            }
        }
        Files.writeString(dir.resolve("peers.md"), md);
        System.out.print(md);
    }

    /** The best min over rounds, or the median of the rounds' medians; -1 when absent. */
    private static double pick(List<JsonNode> rows, String runtime, String sample, String metric, String stat) {
        List<Double> v = new ArrayList<>();
        for (JsonNode r : rows) {
            if (r.path("runtime").asText().equals(runtime) && r.path("sample").asText().equals(sample)
                    && r.has(metric)) {
                v.add(r.get(metric).path(stat).asDouble());
            }
        }
        if (v.isEmpty()) {
            return -1;
        }
        v.sort(null);
        return stat.equals("min_us") ? v.get(0) : v.get(v.size() / 2);
    }

    private static String micros(double us) {
        if (us >= 10_000) {
            return String.format(Locale.ROOT, "%.1f ms", us / 1000);
        }
        if (us >= 1000) {
            return String.format(Locale.ROOT, "%.2f ms", us / 1000);
        }
        return String.format(Locale.ROOT, "%.1f µs", us);
    }
}
