package io.mcpwasm.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.mcpwasm.CallOptions;
import io.mcpwasm.McpRuntime;
import io.mcpwasm.McpServer;
import io.mcpwasm.ServerOptions;
import io.mcpwasm.Tool;
import io.mcpwasm.ToolResult;
import io.mcpwasm.wasi.AuditEvent;
import io.mcpwasm.wasi.AuditListener;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** Shared plumbing of the sample integration tests: where the samples are, a runtime, calls, files, audit. */
final class SampleSupport {
    /** Generous: the machine is shared and busy; no test asserts on speed. */
    static final Duration CALL_TIMEOUT = Duration.ofMinutes(2);
    static final CallOptions CALL = CallOptions.builder().timeout(CALL_TIMEOUT).build();
    static final ServerOptions SERVER_OPTIONS = ServerOptions.builder()
            .startTimeout(Duration.ofMinutes(3))
            .closeGrace(Duration.ofSeconds(20))
            .build();

    private SampleSupport() {}

    /** The repository root: the first directory at or above the working directory that holds the samples. */
    static Path repoRoot() {
        Path dir = Path.of("").toAbsolutePath();
        for (Path d = dir; d != null; d = d.getParent()) {
            if (Files.isRegularFile(d.resolve("samples/go-workspace/go-workspace.wasm"))) {
                return d;
            }
        }
        throw new IllegalStateException("no samples/go-workspace/go-workspace.wasm at or above " + dir);
    }

    /** A file of the committed samples, e.g. {@code sample("zig-tools/zig-tools.wasm")}. */
    static Path sample(String relative) {
        Path p = repoRoot().resolve("samples").resolve(relative);
        assertTrue(Files.exists(p), "missing committed sample file " + p);
        return p;
    }

    /** The runtime every sample test class uses: a compile cache in the module's target directory. */
    static McpRuntime runtime(AuditListener listener) {
        return McpRuntime.builder()
                .compileCache(Path.of("target/test-compile-cache"))
                .auditListener(listener)
                .build();
    }

    static ToolResult call(McpServer server, String tool, Map<String, ?> arguments) {
        return server.call(tool, arguments, CALL);
    }

    /** Calls a tool that must succeed and returns its text. */
    static String ok(McpServer server, String tool, Map<String, ?> arguments) {
        ToolResult r = call(server, tool, arguments);
        assertFalse(r.isError(), () -> server.name() + " " + tool + " " + arguments + " failed: " + r.text());
        return r.text();
    }

    /** Calls a tool that must fail as a tool result (isError) and returns the message the user sees. */
    static String toolError(McpServer server, String tool, Map<String, ?> arguments) {
        ToolResult r = call(server, tool, arguments);
        assertTrue(r.isError(), () -> server.name() + " " + tool + " " + arguments
                + " should have failed, answered: " + r.text());
        assertFalse(r.text().isBlank(), "an error result must say what went wrong");
        return r.text();
    }

    static void assertContains(String text, String... fragments) {
        for (String f : fragments) {
            assertTrue(text.contains(f), () -> "expected '" + f + "' in: " + text);
        }
    }

    static Set<String> toolNames(McpServer server) {
        return server.tools().stream().map(Tool::name).collect(Collectors.toCollection(TreeSet::new));
    }

    /** Copies a directory tree (files and directories only). */
    static void copyTree(Path from, Path to) throws IOException {
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

    /** Every regular file under {@code root}, as sorted '/'-separated relative paths. */
    static List<String> relativeFiles(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS))
                    .map(p -> root.relativize(p).toString().replace('\\', '/'))
                    .sorted()
                    .collect(Collectors.toList());
        }
    }

    /** The bytes of every regular file under {@code root} (symlinks not followed). */
    static long treeBytes(Path root) throws IOException {
        long total = 0;
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    total += Files.size(p);
                }
            }
        }
        return total;
    }

    static List<String> fileNames(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
        }
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
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

    /**
     * Collects the audit events of a runtime. The WASI host reports a refused access on the guest's thread before
     * the guest can answer, so the event is here by the time the call that caused it returns.
     */
    static final class AuditRecorder implements AuditListener {
        private final List<AuditEvent> events = new CopyOnWriteArrayList<>();

        @Override
        public void onEvent(AuditEvent event) {
            events.add(event);
        }

        List<AuditEvent> events() {
            return List.copyOf(events);
        }

        void clear() {
            events.clear();
        }

        /** The DENIED events of one server about one capability. */
        List<AuditEvent> denied(String server, String capability) {
            return events.stream()
                    .filter(e -> e.decision() == AuditEvent.Decision.DENIED)
                    .filter(e -> e.server().equals(server) && e.capability().equals(capability))
                    .collect(Collectors.toList());
        }

        /** Asserts that a DENIED event of that server, capability and target arrived, and returns it. */
        AuditEvent assertDenied(String server, String capability, String target) {
            return denied(server, capability).stream()
                    .filter(e -> e.target().equals(target))
                    .findFirst()
                    .orElseGet(() -> fail("no DENIED " + capability + " event for " + target + " of " + server
                            + "; events: " + events));
        }
    }

    /** Asserts two multi-line texts are equal, showing both in full when they are not. */
    static void assertLines(List<String> expected, String actual) {
        assertEquals(String.join("\n", expected), actual);
    }
}
