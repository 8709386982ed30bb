package io.mcpwasm.integrations.langchain4j;

import io.mcpwasm.McpRuntime;
import io.mcpwasm.wasi.AuditEvent;
import io.mcpwasm.wasi.AuditListener;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

/** Where the committed sample servers are, and the runtime the tests share. */
final class Samples {
    private Samples() {}

    /** A file under the repository's samples directory, e.g. {@code "zig-tools/zig-tools.wasm"}. */
    static Path sample(String relative) {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            Path p = d.resolve("samples").resolve(relative);
            if (Files.exists(p)) {
                return p;
            }
        }
        throw new IllegalStateException("no samples/" + relative + " at or above " + Path.of("").toAbsolutePath());
    }

    /**
     * A runtime recording audit events, compiling into the sample tests' cache directory
     * ({@code samples/java-host/target/test-compile-cache}): the Go sample is compiled once per build, not once per
     * module (entries are written atomically, so sharing is safe).
     */
    static McpRuntime runtime(List<AuditEvent> audit) {
        AuditListener listener = audit::add;
        Path cache = sample("java-host").resolve("target/test-compile-cache");
        return McpRuntime.builder().compileCache(cache).auditListener(listener).build();
    }

    static List<AuditEvent> auditLog() {
        return new CopyOnWriteArrayList<>();
    }

    /** Copies a directory tree (files and directories). */
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
}
