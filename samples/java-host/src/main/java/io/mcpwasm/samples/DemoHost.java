package io.mcpwasm.samples;

import io.mcpwasm.McpModule;
import io.mcpwasm.McpRuntime;
import io.mcpwasm.McpServer;
import io.mcpwasm.Tool;
import io.mcpwasm.ToolResult;
import io.mcpwasm.wasi.AuditEvent;
import io.mcpwasm.wasi.HostPolicy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

/**
 * The demo: runs the three sample MCP servers (Go, Rust, Zig, compiled to wasm32-wasip1) inside this JVM, each
 * with only the capabilities its manifest declares and this host allows, lists and calls their tools, and shows a
 * refused access and a limit being hit, with the errors the user sees and the audit trail.
 *
 * <p>Run from the repository root: {@code mvn -B -q install -DskipTests && mvn -B -q -pl samples/java-host exec:exec}.
 */
public final class DemoHost {
    private static final Path SAMPLES = Path.of("samples");

    private DemoHost() {}

    public static void main(String[] args) throws IOException {
        // A scratch copy of the sample documents with one trap planted in it: a symlink that points out of the
        // mount, as a malicious repository might contain. The server follows it; the sandbox does not.
        Path docs = Files.createTempDirectory("mcpwasm-demo-docs");
        copyTree(SAMPLES.resolve("go-workspace/sample-docs"), docs);
        Files.createSymbolicLink(docs.resolve("innocent.txt"), Path.of("/etc/hostname"));
        Path notes = Files.createTempDirectory("mcpwasm-demo-notes");
        List<AuditEvent> denials = new CopyOnWriteArrayList<>();

        try (McpRuntime runtime = McpRuntime.builder()
                .auditListener(e -> {
                    // what the running guests tried and were refused (start-time defaults are left out)
                    if (e.decision() == AuditEvent.Decision.DENIED && !e.capability().equals("clock")) {
                        denials.add(e);
                    }
                })
                .build()) {
            say("mcpwasm demo: three MCP servers compiled to WebAssembly, running in this JVM");
            say("compile cache: " + runtime.compileCacheDirectory());

            McpModule go = load(runtime, "go-workspace/go-workspace.wasm");
            McpModule rust = load(runtime, "rust-notes/rust-notes.wasm");
            McpModule zig = load(runtime, "zig-tools/zig-tools.wasm");

            HostPolicy goPolicy = HostPolicy.builder().mount("/workspace", docs).build();
            HostPolicy rustPolicy = HostPolicy.builder().mount("/notes", notes).maxFilesystemQuota(16 * 1024).build();

            try (McpServer workspace = timed("start go-workspace (instantiate + initialize)", () -> go.start(goPolicy));
                 McpServer notebook = timed("start rust-notes", () -> rust.start(rustPolicy));
                 McpServer tools = timed("start zig-tools (empty manifest: no capability at all)", () -> zig.start(HostPolicy.denyAll()))) {

                for (McpServer s : List.of(workspace, notebook, tools)) {
                    section(s.name() + " " + s.info().version() + " (MCP " + s.info().protocolVersion() + ")");
                    for (Tool t : s.tools()) {
                        say("  tool " + t.name() + ": " + oneLine(t.description()));
                    }
                }

                section("go-workspace: browsing a read-only mount of " + docs);
                call(workspace, "list_files", Map.of("pattern", "**"));
                call(workspace, "read_file", Map.of("path", "README.md", "limit", 200));
                call(workspace, "search_text", Map.of("pattern", "(?i)wasm", "maxResults", 5));
                call(workspace, "file_info", Map.of("path", "data/cities.csv"));

                section("rust-notes: a read-write mount with a 16 KiB quota at " + notes);
                call(notebook, "add_note", Map.of("title", "groceries", "body", "milk, eggs, bread"));
                call(notebook, "add_note", Map.of("title", "ideas", "body", "run MCP servers in a sandbox"));
                call(notebook, "list_notes", Map.of());
                call(notebook, "search_notes", Map.of("query", "sandbox"));

                section("zig-tools: pure compute");
                call(tools, "sha256", Map.of("text", "hello"));
                call(tools, "base64_encode", Map.of("text", "hello, wasm"));
                call(tools, "base64_decode", Map.of("data", "aGVsbG8sIHdhc20="));
                call(tools, "json_format", Map.of("json", "{\"a\":[1,2,{\"b\":null}]}", "indent", 2));
                call(tools, "text_stats", Map.of("text", "one two three\nfour five"));

                section("a refused access: innocent.txt is a symlink to /etc/hostname, outside the mount");
                call(workspace, "read_file", Map.of("path", "innocent.txt"));
                call(workspace, "read_file", Map.of("path", "../../../pom.xml"));

                section("a limit hit: a note larger than the 16 KiB quota");
                call(notebook, "add_note", Map.of("title", "too big", "body", "x".repeat(32 * 1024)));

                section("audit: what the sandbox refused");
                for (AuditEvent e : denials) {
                    say("  DENIED " + e.server() + " " + e.capability() + " " + e.target() + ": " + e.reason());
                }
            }

            section("rust-notes after a restart: its notes persist in the mount");
            try (McpServer again = rust.start(HostPolicy.builder().mount("/notes", notes).build())) {
                call(again, "list_notes", Map.of());
            }
        } finally {
            deleteTree(notes);
            deleteTree(docs);
        }
    }

    private static void call(McpServer server, String tool, Map<String, ?> arguments) {
        long start = System.nanoTime();
        ToolResult r = server.call(tool, new LinkedHashMap<>(arguments));
        long micros = (System.nanoTime() - start) / 1000;
        say(String.format("  %s %s -> %s%s  [%.1f ms]", server.name(), tool, r.isError() ? "ERROR: " : "",
                abbreviate(r.text()), micros / 1000.0));
    }

    private interface Step<T> {
        T run();
    }

    /** Loads a sample, labelled by what the load did: compiled it, or took it from the compile cache. */
    private static McpModule load(McpRuntime runtime, String sample) {
        long hits = runtime.compileCacheHits();
        long start = System.nanoTime();
        McpModule m = runtime.load(SAMPLES.resolve(sample));
        String how = runtime.compileCacheHits() > hits ? "load (compile cache hit)" : "load + compile";
        say(String.format("%-60s %8.1f ms", how + " " + sample.substring(sample.indexOf('/') + 1),
                (System.nanoTime() - start) / 1e6));
        return m;
    }

    private static <T> T timed(String what, Step<T> step) {
        long start = System.nanoTime();
        T t = step.run();
        say(String.format("%-60s %8.1f ms", what, (System.nanoTime() - start) / 1e6));
        return t;
    }

    private static String abbreviate(String s) {
        String one = s.replace("\n", " | ");
        return one.length() > 160 ? one.substring(0, 157) + "..." : one;
    }

    private static String oneLine(String s) {
        return s == null ? "" : abbreviate(s);
    }

    private static void section(String title) {
        say("");
        say("== " + title);
    }

    private static void say(String line) {
        System.out.println(line);
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        List<Path> all = new ArrayList<>();
        try (Stream<Path> s = Files.walk(root)) {
            s.forEach(all::add);
        }
        all.sort(Comparator.reverseOrder());
        for (Path p : all) {
            Files.deleteIfExists(p);
        }
    }
}
