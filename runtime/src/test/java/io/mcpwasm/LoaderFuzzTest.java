package io.mcpwasm;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.fail;

import io.mcpwasm.wasi.Manifest;
import io.mcpwasm.wasi.ManifestException;
import io.mcpwasm.wasi.internal.manifest.WasmSections;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A seeded fuzzer over what a module's author controls: the module's bytes and its manifest. It mutates the committed
 * guests' and samples' modules (byte flips, truncation, corrupted section sizes and counts, inserted bytes) and valid
 * manifests (character edits, huge lists, deep nesting, long strings, bytes that are not UTF-8), and asserts that only
 * the library's own exceptions come out ({@link ModuleLoadException}, {@link ManifestException}) and that nothing
 * hangs.
 *
 * <p>Each run draws a new seed, so runs explore different inputs; a failure names the seed, the iteration and the
 * mutation. Re-run one with {@code -Dmcpwasm.fuzz.seed=<seed>}. Bounded: about 300 mutated modules and 2,000
 * mutated manifests, a few seconds.
 */
class LoaderFuzzTest {
    private static final long SEED = Long.getLong("mcpwasm.fuzz.seed", new Random().nextLong());
    /** A hang guard for each test, far above what they take. */
    private static final Duration GUARD = Duration.ofSeconds(60);

    /** Small modules, mutated many times each: this runtime's guest, the WASI host's guests, and the small samples. */
    private static final List<String> SMALL = List.of(
            "src/test/resources/guests/fault-server.wasm",
            "../wasi-capabilities/src/test/resources/guests/fileops-c.wasm",
            "../wasi-capabilities/src/test/resources/guests/fileops-zig.wasm",
            "../wasi-capabilities/src/test/resources/guests/hostile.wasm",
            "../samples/zig-tools/zig-tools.wasm",
            "../samples/http-bindings/rust/http-fetch-rust.wasm");
    /** Mutants per module: fewer of the larger ones, so that each module costs about the same. */
    private static final long BYTES_PER_MODULE = 3_000_000;
    /** A large module, only truncated: a full parse of it costs as much as hundreds of small ones. */
    private static final String LARGE = "src/test/resources/guests/protocol-server.wasm";

    private static McpRuntime interpreter;
    private static McpRuntime compiler;

    @BeforeAll
    static void start() {
        interpreter = McpRuntime.builder().noCompileCache().interpreterOnly().build();
        compiler = McpRuntime.builder().noCompileCache().build();
    }

    @AfterAll
    static void stop() {
        interpreter.close();
        compiler.close();
    }

    @Test
    void mutatedModulesLoadOrFailWithModuleLoadException() {
        assertTimeoutPreemptively(GUARD, () -> {
            for (int m = 0; m < SMALL.size(); m++) {
                byte[] original = Files.readAllBytes(Path.of(SMALL.get(m)));
                long iterations = Math.min(100, BYTES_PER_MODULE / original.length);
                for (int i = 0; i < iterations; i++) {
                    Random r = new Random(SEED + 1_000_003L * m + i);
                    String[] how = new String[1];
                    byte[] mutant = mutateModule(original, r, how);
                    // Most mutants are loaded on the interpreter; one in fifty is compiled as well.
                    load(i % 50 == 0 ? compiler : interpreter, mutant, SMALL.get(m), i, how[0]);
                }
            }
        }, "a mutated module hung the loader (seed " + SEED + ")");
    }

    @Test
    void aLargeModuleTruncatedLoadsOrFailsWithModuleLoadException() {
        assertTimeoutPreemptively(GUARD, () -> {
            byte[] original = Files.readAllBytes(Path.of(LARGE));
            Random r = new Random(SEED);
            for (int i = 0; i < 3; i++) {
                int length = 8 + r.nextInt(original.length - 8);
                load(interpreter, Arrays.copyOf(original, length), LARGE, i, "truncated to " + length + " bytes");
            }
        }, "a truncated module hung the loader (seed " + SEED + ")");
    }

    @Test
    void mutatedManifestsParseOrFailWithManifestException() {
        assertTimeoutPreemptively(GUARD, () -> {
            List<byte[]> originals = manifests();
            for (int i = 0; i < 2_000; i++) {
                Random r = new Random(SEED + i);
                byte[] original = originals.get(r.nextInt(originals.size()));
                String[] how = new String[1];
                byte[] mutant = mutateManifest(original, r, how);
                try {
                    Manifest.parse(mutant);
                } catch (ManifestException expected) {
                    // the only way a manifest may fail
                } catch (Throwable t) {
                    fail(failure("manifest", i, how[0], t), t);
                }
            }
        }, "a mutated manifest hung the parser (seed " + SEED + ")");
    }

    @Test
    void aModuleCarryingAMutatedManifestFailsWithModuleLoadException() {
        assertTimeoutPreemptively(GUARD, () -> {
            byte[] module = Files.readAllBytes(Path.of(SMALL.get(0)));
            List<byte[]> originals = manifests();
            for (int i = 0; i < 40; i++) {
                Random r = new Random(SEED - i);
                String[] how = new String[1];
                byte[] json = mutateManifest(originals.get(r.nextInt(originals.size())), r, how);
                byte[] carrying = WasmSections.withCustomSection(module, Manifest.SECTION_NAME, json);
                load(interpreter, carrying, "fault-server with a mutated manifest", i, how[0]);
            }
        }, "a module with a mutated manifest hung the loader (seed " + SEED + ")");
    }

    private static void load(McpRuntime runtime, byte[] wasm, String original, int iteration, String how) {
        try {
            runtime.load(wasm, "fuzzed");
        } catch (ModuleLoadException expected) {
            // the only way a load may fail
        } catch (Throwable t) {
            fail(failure(original, iteration, how, t), t);
        }
    }

    private static String failure(String input, int iteration, String how, Throwable t) {
        return "fuzz seed " + SEED + " (re-run with -Dmcpwasm.fuzz.seed=" + SEED + "), iteration " + iteration + " of "
                + input + ", " + how + ": " + t;
    }

    // ---- module mutations ----------------------------------------------------------------------------------------

    static byte[] mutateModule(byte[] wasm, Random r, String[] how) {
        int kind = r.nextInt(5);
        switch (kind) {
            case 0 -> {
                byte[] out = wasm.clone();
                int flips = 1 + r.nextInt(4);
                StringBuilder at = new StringBuilder();
                for (int k = 0; k < flips; k++) {
                    int pos = 8 + r.nextInt(out.length - 8);
                    out[pos] = (byte) r.nextInt(256);
                    at.append(k == 0 ? "" : ",").append(pos);
                }
                how[0] = "bytes set at " + at;
                return out;
            }
            case 1 -> {
                int length = r.nextInt(wasm.length);
                how[0] = "truncated to " + length + " bytes";
                return Arrays.copyOf(wasm, length);
            }
            case 2 -> {
                int pos = 8 + r.nextInt(wasm.length - 8);
                byte[] inserted = new byte[1 + r.nextInt(16)];
                r.nextBytes(inserted);
                how[0] = inserted.length + " bytes inserted at " + pos;
                ByteArrayOutputStream out = new ByteArrayOutputStream(wasm.length + inserted.length);
                out.write(wasm, 0, pos);
                out.writeBytes(inserted);
                out.write(wasm, pos, wasm.length - pos);
                return out.toByteArray();
            }
            default -> {
                // A section's size (case 3) or the first count in its content (case 4) replaced by another number
                // written in as many bytes, so the rest of the module stays where it was.
                List<int[]> sections = sectionHeaders(wasm);
                int[] s = sections.get(r.nextInt(sections.size()));
                boolean sizeField = kind == 3;
                int pos = sizeField ? s[1] : s[2];
                int width = lebWidth(wasm, pos);
                long value = switch (r.nextInt(3)) {
                    case 0 -> Math.min((1L << (7 * width)) - 1, 0xffff_ffffL); // the largest that fits
                    case 1 -> r.nextInt(256);
                    default -> r.nextLong() & 0xffff_ffffL;
                };
                byte[] out = wasm.clone();
                writePaddedLeb(out, pos, width, value);
                how[0] = (sizeField ? "section size" : "first count") + " of the section at " + s[0] + " set to "
                        + value + " in " + width + " bytes";
                return out;
            }
        }
    }

    /** Each section as {start, offset of its size, offset of its content}; the preamble when there are none. */
    private static List<int[]> sectionHeaders(byte[] wasm) {
        List<int[]> out = new ArrayList<>();
        int pos = 8;
        while (pos < wasm.length) {
            int start = pos;
            int sizeAt = pos + 1;
            int width = lebWidth(wasm, sizeAt);
            long size = readLeb(wasm, sizeAt);
            int content = sizeAt + width;
            out.add(new int[] {start, sizeAt, Math.min(content, wasm.length - 1)});
            pos = (int) Math.min(wasm.length, content + size);
        }
        if (out.isEmpty()) {
            out.add(new int[] {0, 4, 4});
        }
        return out;
    }

    private static int lebWidth(byte[] b, int pos) {
        int width = 1;
        while (pos + width - 1 < b.length && (b[pos + width - 1] & 0x80) != 0 && width < 5) {
            width++;
        }
        return Math.min(width, b.length - pos);
    }

    private static long readLeb(byte[] b, int pos) {
        long v = 0;
        for (int i = 0; i < 5 && pos + i < b.length; i++) {
            v |= (long) (b[pos + i] & 0x7f) << (7 * i);
            if ((b[pos + i] & 0x80) == 0) {
                break;
            }
        }
        return v;
    }

    private static void writePaddedLeb(byte[] b, int pos, int width, long value) {
        for (int i = 0; i < width && pos + i < b.length; i++) {
            int part = (int) ((value >>> (7 * i)) & 0x7f);
            b[pos + i] = (byte) (i < width - 1 ? part | 0x80 : part);
        }
    }

    // ---- manifest mutations --------------------------------------------------------------------------------------

    private static final String JSON_CHARS = "{}[]\",:0123456789.-+eE \\/truefalsnl\u00e9\u2028\ud83d\ude00";

    static byte[] mutateManifest(byte[] json, Random r, String[] how) {
        String text = new String(json, StandardCharsets.UTF_8);
        switch (r.nextInt(8)) {
            case 0 -> {
                int pos = r.nextInt(text.length());
                how[0] = "character " + pos + " deleted";
                return (text.substring(0, pos) + text.substring(pos + 1)).getBytes(StandardCharsets.UTF_8);
            }
            case 1 -> {
                int pos = r.nextInt(text.length() + 1);
                int c = r.nextInt(JSON_CHARS.length());
                how[0] = "'" + JSON_CHARS.charAt(c) + "' inserted at " + pos;
                return (text.substring(0, pos) + JSON_CHARS.charAt(c) + text.substring(pos))
                        .getBytes(StandardCharsets.UTF_8);
            }
            case 2 -> {
                byte[] out = json.clone();
                int pos = r.nextInt(out.length);
                out[pos] = (byte) r.nextInt(256);
                how[0] = "byte " + pos + " set (maybe not UTF-8)";
                return out;
            }
            case 3 -> {
                int from = r.nextInt(text.length());
                int to = Math.min(text.length(), from + 1 + r.nextInt(40));
                int at = r.nextInt(text.length() + 1);
                how[0] = "characters " + from + ".." + to + " copied to " + at;
                return (text.substring(0, at) + text.substring(from, to) + text.substring(at))
                        .getBytes(StandardCharsets.UTF_8);
            }
            case 4 -> {
                int n = 1 + r.nextInt(20_000);
                String list = r.nextBoolean() ? "\"network\":{\"hosts\":[" + repeat("\"https://h", ".example.com\"", n)
                        + "]}" : "\"env\":[" + repeat("\"V", "\"", n) + "]";
                how[0] = "a list of " + n + " entries";
                return replaceTop(text, list);
            }
            case 5 -> {
                int depth = 1 + r.nextInt(50_000);
                how[0] = "nested " + depth + " deep";
                return replaceTop(text, "\"env\":" + "[".repeat(depth) + "]".repeat(depth));
            }
            case 6 -> {
                int length = r.nextInt(200_000);
                how[0] = "a description of " + length + " characters";
                return replaceTop(text, "\"description\":\"" + "d".repeat(length) + "\"");
            }
            default -> {
                int n = 1 + r.nextInt(3);
                how[0] = n + " JSON-significant characters set";
                char[] chars = text.toCharArray();
                for (int k = 0; k < n; k++) {
                    chars[r.nextInt(chars.length)] = "{}[]\",:".charAt(r.nextInt(7));
                }
                return new String(chars).getBytes(StandardCharsets.UTF_8);
            }
        }
    }

    /** The manifest with {@code field} in place of its first field after the opening brace. */
    private static byte[] replaceTop(String json, String field) {
        int open = json.indexOf('{');
        return (json.substring(0, open + 1) + field + "," + json.substring(open + 1)).getBytes(StandardCharsets.UTF_8);
    }

    /** {@code n} distinct entries: prefix, number, suffix. */
    private static String repeat(String prefix, String suffix, int n) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < n; i++) {
            b.append(i == 0 ? "" : ",").append(prefix).append(i).append(suffix);
        }
        return b.toString();
    }

    private static List<byte[]> manifests() throws IOException {
        List<byte[]> out = new ArrayList<>();
        for (String p : List.of("src/test/guests/fault-server/manifest.json", "src/test/guests/protocol-server/manifest.json",
                "../samples/rust-notes/manifest.json", "../samples/go-workspace/manifest.json",
                "../samples/http-bindings/rust/manifest.json", "../samples/zig-tools/manifest.json")) {
            out.add(Files.readAllBytes(Path.of(p)));
        }
        return out;
    }
}
