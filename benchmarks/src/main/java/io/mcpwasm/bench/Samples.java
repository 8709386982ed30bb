package io.mcpwasm.bench;

import io.mcpwasm.wasi.HostPolicy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Where the sample servers, their native builds and the node runner are, and how each one is granted and called
 * in the benchmarks. The repository root is the system property {@code mcpwasm.root}, else the first directory
 * upwards from the working directory that holds {@code samples/zig-tools}.
 */
public final class Samples {
    /** The Go sample: a read-only workspace browser. */
    public static final String GO = "go-workspace";
    /** The Rust sample: a notebook in a read-write mount. */
    public static final String RUST = "rust-notes";
    /** The Zig sample: pure compute, no capability. */
    public static final String ZIG = "zig-tools";

    private Samples() {}

    /** The repository root. */
    public static Path root() {
        String p = System.getProperty("mcpwasm.root");
        if (p != null) {
            return Path.of(p).toAbsolutePath();
        }
        Path d = Path.of("").toAbsolutePath();
        while (d != null) {
            if (Files.isDirectory(d.resolve("samples/zig-tools"))) {
                return d;
            }
            d = d.getParent();
        }
        throw new IllegalStateException("repository root not found: run from inside the repository or set -Dmcpwasm.root");
    }

    /** The sample's wasm module. */
    public static Path wasm(String sample) {
        return root().resolve("samples").resolve(sample).resolve(sample + ".wasm");
    }

    /** The sample built natively by benchmarks/native/build.sh. */
    public static Path nativeBinary(String sample) {
        Path p = root().resolve("benchmarks/target/native").resolve(sample);
        if (!Files.isExecutable(p)) {
            throw new IllegalStateException(p + " is missing: run benchmarks/native/build.sh");
        }
        return p;
    }

    /** The disk compile cache the "warm cache" benchmarks use (filled by {@link PrimeCache}). */
    public static Path compileCache() {
        return root().resolve("benchmarks/target/compile-cache");
    }

    /** The Go sample's documents (mounted read-only). */
    public static Path goDocs() {
        return root().resolve("samples/go-workspace/sample-docs");
    }

    /** A fresh empty directory for the Rust sample's notes. */
    public static Path newNotesDir() {
        try {
            Path base = root().resolve("benchmarks/target/scratch");
            Files.createDirectories(base);
            return Files.createTempDirectory(base, "notes-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Deletes a directory tree, ignoring what is already gone. */
    public static void deleteTree(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The host policy of a sample; {@code notes} is the Rust sample's directory (ignored by the others). */
    public static HostPolicy policy(String sample, Path notes) {
        switch (sample) {
            case GO:
                return HostPolicy.builder().mountReadOnly("/workspace", goDocs()).build();
            case RUST:
                return HostPolicy.builder().mount("/notes", notes).build();
            case ZIG:
                return HostPolicy.denyAll();
            default:
                throw new IllegalArgumentException("unknown sample: " + sample);
        }
    }

    /** The command that runs the native build of a sample with the same data as {@link #policy}. */
    public static List<String> nativeCommand(String sample, Path notes) {
        List<String> cmd = new ArrayList<>();
        cmd.add(nativeBinary(sample).toString());
        switch (sample) {
            case GO:
                cmd.add(goDocs().toString());
                break;
            case RUST:
                cmd.add(notes.toString());
                break;
            case ZIG:
                break;
            default:
                throw new IllegalArgumentException("unknown sample: " + sample);
        }
        return cmd;
    }

    /** The command that runs a sample's wasm module under node's WASI (zig-tools only: it needs no mount). */
    public static List<String> nodeCommand(String sample) {
        if (!ZIG.equals(sample)) {
            throw new IllegalArgumentException("the node runner serves zig-tools only, not " + sample);
        }
        return List.of(System.getProperty("mcpwasm.node", "node"), "--no-warnings",
                root().resolve("benchmarks/node/wasi-stdio.mjs").toString(), wasm(sample).toString());
    }

    /** The trivial tool of a sample (name). */
    public static String trivialTool(String sample) {
        switch (sample) {
            case GO:
                return "file_info";
            case RUST:
                return "list_notes";
            case ZIG:
                return "sha256";
            default:
                throw new IllegalArgumentException("unknown sample: " + sample);
        }
    }

    /** The trivial tool's arguments. */
    public static Map<String, Object> trivialArguments(String sample) {
        switch (sample) {
            case GO:
                return Map.of("path", "notes/todo.txt");
            case RUST:
                return Map.of();
            case ZIG:
                return Map.of("text", "x");
            default:
                throw new IllegalArgumentException("unknown sample: " + sample);
        }
    }

    /** Two small notes the Rust sample lists in its trivial call (added once per server). */
    public static List<Map<String, Object>> seedNotes() {
        return List.of(Map.of("title", "groceries", "body", "milk, eggs, bread"),
                Map.of("title", "ideas", "body", "run MCP servers in a sandbox"));
    }

    /** Adds the {@link #seedNotes} to a new Rust sample server (the others need nothing). */
    static void seed(ToolClient client, String sample) {
        if (RUST.equals(sample)) {
            for (Map<String, Object> note : seedNotes()) {
                ToolClient.checked(client, "add_note", note);
            }
        }
    }

    /** A text of {@code bytes} printable ASCII characters (deterministic). */
    public static String text(int bytes) {
        StringBuilder sb = new StringBuilder(bytes);
        String words = "the quick brown fox jumps over the lazy dog 0123456789 ";
        while (sb.length() < bytes) {
            sb.append(words, 0, Math.min(words.length(), bytes - sb.length()));
        }
        return sb.toString();
    }
}
