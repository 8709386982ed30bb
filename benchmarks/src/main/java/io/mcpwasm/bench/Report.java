package io.mcpwasm.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * Turns one run's JMH JSON files into {@code raw.json} (all results, one array), {@code results.md} (machine,
 * JDKs, flags, tables with ratios, targets met or not, the profile's top frames, and {@code notes.md} of the
 * results directory when present) and {@code chart.png} (drawn with Java2D, headless).
 *
 * <p>Usage: {@code Report <results dir> <mode> <jmh json>...} ({@code memory.json} and {@code profile.txt} are read
 * from the results directory when present).
 */
public final class Report {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String[] SAMPLES = {Samples.GO, Samples.RUST, Samples.ZIG};

    private final List<JsonNode> results = new ArrayList<>();
    private final StringBuilder md = new StringBuilder();

    private Report() {}

    public static void main(String[] args) throws IOException {
        System.setProperty("java.awt.headless", "true");
        Path dir = Path.of(args[0]);
        String mode = args[1];
        Report r = new Report();
        ArrayNode all = MAPPER.createArrayNode();
        for (int i = 2; i < args.length; i++) {
            Path p = Path.of(args[i]);
            if (Files.isRegularFile(p) && Files.size(p) > 0) {
                for (JsonNode n : MAPPER.readTree(p.toFile())) {
                    all.add(n);
                    r.results.add(n);
                }
            }
        }
        MAPPER.writerWithDefaultPrettyPrinter().writeValue(dir.resolve("raw.json").toFile(), all);
        r.write(dir, mode);
    }

    // ------------------------------------------------------------------------------------------ lookups

    private static String simpleName(JsonNode n) {
        String b = n.get("benchmark").asText();
        String[] parts = b.split("\\.");
        return parts[parts.length - 2] + "." + parts[parts.length - 1];
    }

    private static String param(JsonNode n, String name) {
        JsonNode p = n.path("params").get(name);
        return p == null ? null : p.asText();
    }

    private static boolean hugeMethodsCompiled(JsonNode n) {
        for (JsonNode a : n.path("jvmArgs")) {
            if (a.asText().equals("-XX:+DontCompileHugeMethods")) {
                return false;
            }
        }
        for (JsonNode a : n.path("jvmArgs")) {
            if (a.asText().equals("-XX:-DontCompileHugeMethods")) {
                return true;
            }
        }
        return false;
    }

    private static int jdkMajor(JsonNode n) {
        String v = n.path("jdkVersion").asText("0");
        return Integer.parseInt(v.split("[.+-]")[0]);
    }

    /** The first result of a benchmark whose params contain every given pair and that passes the filter. */
    private JsonNode find(String bench, java.util.function.Predicate<JsonNode> filter, String... kv) {
        outer:
        for (JsonNode n : results) {
            if (!simpleName(n).equals(bench) || !filter.test(n)) {
                continue;
            }
            for (int i = 0; i < kv.length; i += 2) {
                if (!kv[i + 1].equals(param(n, kv[i]))) {
                    continue outer;
                }
            }
            return n;
        }
        return null;
    }

    private JsonNode find(String bench, String... kv) {
        return find(bench, n -> jdkMajor(n) == 17 && hugeMethodsCompiled(n), kv);
    }

    private static double score(JsonNode n) {
        return n == null ? Double.NaN : n.path("primaryMetric").path("score").asDouble(Double.NaN);
    }

    private static String cell(JsonNode n) {
        if (n == null) {
            return "–";
        }
        JsonNode m = n.path("primaryMetric");
        double s = m.path("score").asDouble();
        double e = m.path("scoreError").asDouble(Double.NaN);
        return Double.isNaN(e) || e == 0 ? fmt(s) : fmt(s) + " ± " + fmt(e);
    }

    private static String fmt(double v) {
        if (Double.isNaN(v)) {
            return "–";
        }
        double a = Math.abs(v);
        String f = a >= 1000 ? "%.0f" : a >= 100 ? "%.1f" : a >= 10 ? "%.2f" : "%.3f";
        return String.format(Locale.ROOT, f, v);
    }

    private static String ratio(double a, double b) {
        return Double.isNaN(a) || Double.isNaN(b) || b == 0 ? "–" : String.format(Locale.ROOT, "%.2f×", a / b);
    }

    // ------------------------------------------------------------------------------------------ markdown

    private void line(String s) {
        md.append(s).append('\n');
    }

    private void write(Path dir, String mode) throws IOException {
        line("# mcpwasm benchmark results (" + mode + ")");
        line("");
        line("Generated by `benchmarks/run.sh " + mode + "` (JMH 1.37); raw data: `raw.json`, chart: `chart.png`. "
                + "Scores are JMH means ± 99.9% confidence half-width (where JMH gives one; short `quick` runs "
                + "have wide or no intervals).");
        line("");
        machine(dir);
        coldStart();
        coldPhases(dir);
        warmStart();
        calls();
        throughput();
        compute();
        memory(dir);
        targets(dir);
        profile(dir);
        Path notes = dir.resolve("notes.md");
        if (Files.isRegularFile(notes)) {
            line("");
            md.append(Files.readString(notes));
        }
        Files.writeString(dir.resolve("results.md"), md.toString(), StandardCharsets.UTF_8);
        chart(dir.resolve("chart.png"));
    }

    private void machine(Path dir) throws IOException {
        String cpu = "?";
        for (String l : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
            if (l.startsWith("model name")) {
                cpu = l.substring(l.indexOf(':') + 1).trim();
                break;
            }
        }
        String mem = "?";
        for (String l : Files.readAllLines(Path.of("/proc/meminfo"))) {
            if (l.startsWith("MemTotal")) {
                mem = String.format(Locale.ROOT, "%.1f GiB",
                        Long.parseLong(l.replaceAll("[^0-9]", "")) / 1048576.0);
            }
        }
        line("## Machine");
        line("");
        line("| | |");
        line("|---|---|");
        line("| CPU | " + cpu + " |");
        line("| cores available | " + Runtime.getRuntime().availableProcessors() + " (shared with other work) |");
        line("| RAM | " + mem + " |");
        Path load = dir.resolve("loadavg-start.txt");
        line("| load average (1, 5, 15 min) | at start: " + (Files.isRegularFile(load) ? Files.readString(load).trim()
                : "?") + "; at the end: " + Files.readString(Path.of("/proc/loadavg")).trim()
                + " (other work on the same 2 cores) |");
        line("| OS | " + System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                + System.getProperty("os.arch") + " |");
        Map<String, String> jvms = new LinkedHashMap<>();
        for (JsonNode n : results) {
            jvms.putIfAbsent(n.path("jvm").asText(), n.path("vmName").asText() + " " + n.path("vmVersion").asText()
                    + " (JDK " + n.path("jdkVersion").asText() + ")");
        }
        jvms.forEach((k, v) -> line("| JVM | " + v + " — `" + k + "` |"));
        Map<String, Integer> flags = new LinkedHashMap<>();
        for (JsonNode n : results) {
            List<String> a = new ArrayList<>();
            n.path("jvmArgs").forEach(x -> a.add(x.asText()));
            flags.merge(String.join(" ", a), 1, Integer::sum);
        }
        flags.forEach((k, v) -> line("| JVM flags (" + v + " results) | `" + k + "` |"));
        line("");
    }

    private void coldStart() {
        line("## 1. Cold start (fresh JVM, ms; load + compile/cache + instantiate + initialize + tools/list)");
        line("");
        line("One measurement per JMH fork (SingleShotTime): the JVM is fresh, nothing of mcpwasm loaded yet. JVM "
                + "boot (~0.1 s here) is not included. Build-time AOT = compiled by chicory-compiler-maven-plugin "
                + "when the benchmarks were built, loaded with `McpRuntime.loadPrecompiled`.");
        line("");
        line("| sample | compiler, warm disk cache | compiler, no disk cache | interpreter | build-time AOT "
                + "| no cache / cached | AOT / cached |");
        line("|---|---|---|---|---|---|---|");
        for (String s : SAMPLES) {
            JsonNode c = find("ColdStartBench.startToToolsListed", "sample", s, "mode", "cached");
            JsonNode n = find("ColdStartBench.startToToolsListed", "sample", s, "mode", "nocache");
            JsonNode i = find("ColdStartBench.startToToolsListed", "sample", s, "mode", "interpreter");
            JsonNode a = find("ColdStartBench.startToToolsListed", "sample", s, "mode", "aot");
            line("| " + s + " | " + cell(c) + " | " + cell(n) + " | " + cell(i) + " | " + cell(a) + " | "
                    + ratio(score(n), score(c)) + " | " + ratio(score(a), score(c)) + " |");
        }
        line("");
    }

    private void coldPhases(Path dir) throws IOException {
        Path f = dir.resolve("cold-phases.txt");
        if (!Files.isRegularFile(f)) {
            return;
        }
        line("Where a cold start's time goes (`ColdStartProbe`, one fresh JVM each; `load` = read + parse + "
                + "compile or load from the disk cache (aot: load the generated classes + parse the stripped `.meta` module), "
                + "`start` = instantiate + the guest's own start-up + MCP set-up):");
        line("");
        line("```");
        Files.readAllLines(f).stream().filter(l -> l.startsWith("cold-phases")).forEach(this::line);
        line("```");
        line("");
    }

    private void warmStart() {
        line("## 2. Warm start (ms; new instance of a compiled module to ready)");
        line("");
        line("| sample | start (to ready) | start + close |");
        line("|---|---|---|");
        for (String s : SAMPLES) {
            line("| " + s + " | " + cell(find("WarmStartBench.start", "sample", s)) + " | "
                    + cell(find("WarmStartBench.startAndClose", "sample", s)) + " |");
        }
        line("");
    }

    private void calls() {
        line("## 3. Call overhead (µs per trivial tools/call round trip, same client session class)");
        line("");
        line("| sample (tool) | in-process | native stdio subprocess | node WASI subprocess | in-process / native "
                + "| node / native |");
        line("|---|---|---|---|---|---|");
        for (String s : SAMPLES) {
            JsonNode in = find("CallBench.call", "target", s + ":inprocess");
            JsonNode nat = find("CallBench.call", "target", s + ":native");
            JsonNode node = find("CallBench.call", "target", s + ":node");
            line("| " + s + " (" + Samples.trivialTool(s) + ") | " + cell(in) + " | " + cell(nat) + " | " + cell(node)
                    + " | " + ratio(score(in), score(nat)) + " | " + ratio(score(node), score(nat)) + " |");
        }
        line("");
    }

    private void throughput() {
        line("## 4. Throughput (trivial calls per second, in-process)");
        line("");
        line("| sample | instances | 1 caller | 4 callers | 16 callers | pool of 2 vs 1 (16 callers) |");
        line("|---|---|---|---|---|---|");
        for (String s : SAMPLES) {
            for (String k : new String[] {"1", "2"}) {
                JsonNode one = find("ThroughputBench.callers16", "sample", s, "instances", "1");
                JsonNode t16 = find("ThroughputBench.callers16", "sample", s, "instances", k);
                line("| " + s + " | " + k + " | " + cell(find("ThroughputBench.callers1", "sample", s, "instances", k))
                        + " | " + cell(find("ThroughputBench.callers4", "sample", s, "instances", k)) + " | "
                        + cell(t16) + " | " + ("2".equals(k) ? ratio(score(t16), score(one)) : "") + " |");
            }
        }
        line("");
    }

    private JsonNode computeNode(String side, int jdk, boolean huge) {
        return find("ComputeBench.sha256", n -> jdkMajor(n) == jdk && hugeMethodsCompiled(n) == huge, "side", side);
    }

    private void compute() {
        line("## 5. Guest compute (ms per zig-tools sha256 of a 1 MiB text, one tools/call)");
        line("");
        JsonNode nodeSide = computeNode("node", 17, true);
        JsonNode nativeSide = computeNode("native", 17, true);
        line("| where | ms per call | vs node | vs native |");
        line("|---|---|---|---|");
        for (int jdk : new int[] {17, 25}) {
            for (boolean huge : new boolean[] {true, false}) {
                JsonNode n = computeNode("inprocess", jdk, huge);
                if (n == null) {
                    continue;
                }
                line("| in-process, JDK " + jdk + (huge ? ", -XX:-DontCompileHugeMethods" : ", default (huge methods not JIT-compiled)")
                        + " | " + cell(n) + " | " + ratio(score(n), score(nodeSide)) + " | "
                        + ratio(score(n), score(nativeSide)) + " |");
            }
        }
        line("| node " + nodeVersion() + " WASI (subprocess) | " + cell(nodeSide) + " | 1.00× | "
                + ratio(score(nodeSide), score(nativeSide)) + " |");
        line("| native Zig ReleaseSmall (subprocess) | " + cell(nativeSide) + " | "
                + ratio(score(nativeSide), score(nodeSide)) + " | 1.00× |");
        line("");
    }

    private static String nodeVersion() {
        try {
            Process p = new ProcessBuilder(System.getProperty("mcpwasm.node", "node"), "--version")
                    .redirectErrorStream(true).start();
            String v = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            p.waitFor();
            return v;
        } catch (IOException | InterruptedException e) {
            return "";
        }
    }

    private JsonNode memory;

    private void memory(Path dir) throws IOException {
        Path f = dir.resolve("memory.json");
        line("## 6. Memory (fresh JVM, " + (Files.isRegularFile(f) ? "" : "not run, ") + "`MemoryProbe`)");
        line("");
        if (!Files.isRegularFile(f)) {
            return;
        }
        memory = MAPPER.readTree(f.toFile());
        line("JVM flags: `" + memory.path("jvmArgs").asText() + "`, max heap "
                + fmt(memory.path("maxHeapBytes").asDouble() / 1048576.0) + " MiB.");
        line("");
        line("| sample | idle instances | heap retained per idle instance (MiB) |");
        line("|---|---|---|");
        for (JsonNode r : memory.path("perInstance")) {
            line("| " + r.path("sample").asText() + " | " + r.path("instances").asInt() + " | "
                    + fmt(r.path("heapBytesPerInstance").asDouble() / 1048576.0) + " |");
        }
        JsonNode z = memory.path("zigInstancesInHeap");
        line("");
        line("Idle zig-tools instances started in one JVM: **" + z.path("instances").asInt() + "** (stopped: "
                + z.path("stoppedBecause").asText() + "); live heap then "
                + fmt(z.path("liveHeapBytes").asDouble() / 1048576.0) + " MiB ("
                + fmt(z.path("heapBytesPerInstance").asDouble() / 1048576.0) + " MiB each), RSS "
                + fmt(z.path("rssBytes").asDouble() / 1048576.0) + " MiB, " + z.path("liveThreads").asInt()
                + " live threads, " + fmt(z.path("millis").asDouble() / 1000.0) + " s to start them.");
        line("");
    }

    private void targets(Path dir) {
        line("## Targets (issue 6)");
        line("");
        line("| target | measured | met? |");
        line("|---|---|---|");
        double worstCall = 0;
        String worstSample = "";
        for (String s : SAMPLES) {
            double r = score(find("CallBench.call", "target", s + ":inprocess"))
                    / score(find("CallBench.call", "target", s + ":native"));
            if (!Double.isNaN(r) && r > worstCall) {
                worstCall = r;
                worstSample = s;
            }
        }
        StringBuilder calls = new StringBuilder();
        for (String s : SAMPLES) {
            calls.append(s).append(' ').append(ratio(score(find("CallBench.call", "target", s + ":inprocess")),
                    score(find("CallBench.call", "target", s + ":native")))).append("; ");
        }
        line("| trivial call ≤ 1.0× native stdio subprocess | " + calls + "worst " + worstSample + " | "
                + met(worstCall <= 1.0 && worstCall > 0) + " |");
        double worstWarm = 0;
        StringBuilder warm = new StringBuilder();
        for (String s : SAMPLES) {
            double w = score(find("WarmStartBench.start", "sample", s));
            warm.append(s).append(' ').append(fmt(w)).append(" ms; ");
            worstWarm = Double.isNaN(w) ? worstWarm : Math.max(worstWarm, w);
        }
        line("| warm start ≤ 5 ms | " + warm + " | " + met(worstWarm > 0 && worstWarm <= 5) + " |");
        double cold = score(find("ColdStartBench.startToToolsListed", "sample", Samples.GO, "mode", "cached"));
        line("| cold start go-workspace, warm disk cache ≤ 300 ms | " + fmt(cold) + " ms | " + met(cold <= 300) + " |");
        double in = score(computeNode("inprocess", 17, true));
        double node = score(computeNode("node", 17, true));
        double in25 = score(computeNode("inprocess", 25, true));
        line("| guest compute ≤ 1.5× node | JDK 17: " + ratio(in, node) + ", JDK 25: " + ratio(in25, node) + " | "
                + met(in / node <= 1.5) + (Double.isNaN(in25) ? "" : " (JDK 25: " + met(in25 / node <= 1.5) + ")")
                + " |");
        int zig = memory == null ? -1 : memory.path("zigInstancesInHeap").path("instances").asInt();
        line("| ≥ 1000 idle zig-tools instances in 2 GB heap | " + (zig < 0 ? "–" : zig) + " | "
                + met(zig >= 1000) + " |");
        line("");
    }

    private static String met(boolean ok) {
        return ok ? "**met**" : "**not met**";
    }

    private void profile(Path dir) throws IOException {
        Path f = dir.resolve("profile.txt");
        if (!Files.isRegularFile(f)) {
            return;
        }
        line("## Profiles (JFR execution samples, summarised by `JfrTop`; full summaries in `profile.txt`)");
        line("");
        line("For each profile: what the guest thread was doing (by its top frame), then the hottest methods by "
                + "self time over all threads, and who calls the hottest four. `[interpreted]` = a frame the JVM was still running in its bytecode "
                + "interpreter.");
        line("");
        line("```");
        String block = "";
        int kept = 0;
        for (String l : Files.readAllLines(f)) {
            if (l.startsWith("=== ") || l.contains(" avgt ") || l.startsWith("cold-phases")
                    || l.startsWith("execution samples")) {
                line(l);
                block = "";
                continue;
            }
            if (l.startsWith("-- ")) {
                block = l;
                kept = 0;
                if (l.startsWith("-- guest threads") || l.startsWith("-- self") || l.startsWith("-- first non-JDK")) {
                    line(l);
                }
                continue;
            }
            if ((block.startsWith("-- guest threads") && kept < 6) || (block.startsWith("-- self") && kept < 8)
                    || (block.startsWith("-- first non-JDK") && kept < 12)) {
                line(l);
                kept++;
            }
        }
        line("```");
        line("");
    }

    // ------------------------------------------------------------------------------------------ chart

    private record Bar(String label, double value, Color color) {}

    private void chart(Path png) throws IOException {
        Color inColor = new Color(0x2b6cb0);
        Color natColor = new Color(0x718096);
        Color nodeColor = new Color(0x38a169);
        Color altColor = new Color(0xdd6b20);
        List<String> titles = new ArrayList<>();
        List<List<Bar>> panels = new ArrayList<>();

        List<Bar> call = new ArrayList<>();
        for (String s : SAMPLES) {
            call.add(new Bar(s + " in-process", score(find("CallBench.call", "target", s + ":inprocess")), inColor));
            call.add(new Bar(s + " native", score(find("CallBench.call", "target", s + ":native")), natColor));
            JsonNode node = find("CallBench.call", "target", s + ":node");
            if (node != null) {
                call.add(new Bar(s + " node", score(node), nodeColor));
            }
        }
        titles.add("3. trivial tool call round trip (µs, log scale, lower is better)");
        panels.add(call);

        List<Bar> comp = new ArrayList<>();
        comp.add(new Bar("in-process JDK 17", score(computeNode("inprocess", 17, true)), inColor));
        comp.add(new Bar("in-process JDK 17, huge methods not JIT-compiled", score(computeNode("inprocess", 17, false)), altColor));
        comp.add(new Bar("in-process JDK 25", score(computeNode("inprocess", 25, true)), inColor));
        comp.add(new Bar("in-process JDK 25, huge methods not JIT-compiled", score(computeNode("inprocess", 25, false)), altColor));
        comp.add(new Bar("node WASI", score(computeNode("node", 17, true)), nodeColor));
        comp.add(new Bar("native", score(computeNode("native", 17, true)), natColor));
        titles.add("5. sha256 of 1 MiB via zig-tools (ms, log scale, lower is better)");
        panels.add(comp);

        List<Bar> starts = new ArrayList<>();
        for (String s : SAMPLES) {
            starts.add(new Bar(s + " warm start", score(find("WarmStartBench.start", "sample", s)), inColor));
            starts.add(new Bar(s + " cold, cached", score(find("ColdStartBench.startToToolsListed", "sample", s,
                    "mode", "cached")), natColor));
        }
        titles.add("1-2. start to ready (ms, log scale, lower is better)");
        panels.add(starts);

        int width = 1000;
        int rowH = 22;
        int height = 20;
        for (List<Bar> p : panels) {
            height += 40 + p.size() * rowH + 10;
        }
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
        int y = 20;
        int labelW = 320;
        for (int i = 0; i < panels.size(); i++) {
            List<Bar> p = panels.get(i);
            g.setColor(Color.BLACK);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
            g.drawString(titles.get(i), 10, y + 16);
            y += 30;
            double max = 0;
            double min = Double.MAX_VALUE;
            for (Bar b : p) {
                if (!Double.isNaN(b.value()) && b.value() > 0) {
                    max = Math.max(max, b.value());
                    min = Math.min(min, b.value());
                }
            }
            // Log scale: the values span two to three orders of magnitude.
            double lo = Math.log10(min) - 0.3;
            double span = Math.max(1e-9, Math.log10(max) - lo);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            for (Bar b : p) {
                g.setColor(Color.DARK_GRAY);
                g.drawString(b.label(), 10, y + 15);
                if (!Double.isNaN(b.value()) && b.value() > 0) {
                    int w = (int) Math.max(1, (width - labelW - 120) * (Math.log10(b.value()) - lo) / span);
                    g.setColor(b.color());
                    g.fillRect(labelW, y + 3, w, rowH - 6);
                    g.setColor(Color.BLACK);
                    g.drawString(fmt(b.value()), labelW + w + 6, y + 15);
                } else {
                    g.drawString("not measured", labelW, y + 15);
                }
                y += rowH;
            }
            g.setColor(Color.LIGHT_GRAY);
            g.setStroke(new BasicStroke(1));
            g.drawLine(10, y + 8, width - 10, y + 8);
            y += 20;
        }
        g.dispose();
        ImageIO.write(img, "png", png.toFile());
    }
}
