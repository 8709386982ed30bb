package io.mcpwasm.internal;

import static org.junit.jupiter.api.Assertions.*;

import io.mcpwasm.McpRuntime;
import io.mcpwasm.McpServer;
import io.mcpwasm.ToolResult;
import io.mcpwasm.wasi.HostPolicy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import run.endive.wasm.Parser;

/**
 * The samples with their large functions outlined (see {@link FunctionOutliner}), compiled, answer real tool calls
 * exactly as the unchanged modules do on the interpreter, result for result.
 */
class OutlinedSamplesTest {
    private static final Path SAMPLES = Path.of("../samples");
    private static final Instant CLOCK = Instant.parse("2026-12-06T08:00:00Z");

    /** The texts of every call's result, from one server of the given runtime. */
    private interface Calls {
        List<String> run(McpServer server);
    }

    /** Runs {@code calls} on the unchanged module (interpreted) and on the outlined one (compiled); returns these. */
    private static List<String> sameAnswers(String sample, Supplier<HostPolicy> policy, Calls calls) {
        Path wasm = SAMPLES.resolve(sample).resolve(sample + ".wasm");
        byte[] reshaped = CodeReshaper.reshape(readAll(wasm));
        byte[] outlined = FunctionOutliner.outline(reshaped, FunctionOutliner.Limits.DEFAULT);
        assertNotSame(reshaped, outlined, sample + " has functions large enough to outline");
        Parser.parse(outlined); // validates
        List<String> interpreted;
        try (McpRuntime runtime = McpRuntime.builder().interpreterOnly().noCompileCache().build();
             McpServer server = runtime.load(wasm).start(policy.get())) {
            interpreted = calls.run(server);
        }
        List<String> compiled;
        // The outlined bytes themselves are loaded (the manifest is in a custom section, which the pass keeps), so
        // that they are what is compiled whether or not the runtime's own pass is on (it is off by default).
        try (McpRuntime runtime = McpRuntime.builder().compileCache(Path.of("target/test-compile-cache")).build();
             McpServer server = runtime.load(outlined, sample).start(policy.get())) {
            compiled = calls.run(server);
        }
        assertEquals(interpreted, compiled, sample);
        return compiled;
    }

    private static byte[] readAll(Path p) {
        try {
            return Files.readAllBytes(p);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static Path createDirectory(Path p) {
        try {
            return Files.createDirectories(p);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String answer(McpServer server, String tool, Map<String, Object> args) {
        ToolResult r = server.call(tool, args);
        return tool + " " + r.isError() + " " + r.text();
    }

    @Test
    void zigToolsAnswersEveryToolAlike() {
        StringBuilder long1 = new StringBuilder();
        for (int i = 0; i < 3000; i++) {
            long1.append("line ").append(i).append(" \u00e9\u4e2d\ud83d\ude00 ").append(i * 31 % 17).append('\n');
        }
        String json = "{\"a\":[1,2.5e3,-0.0,true,false,null,{\"b\":\"c\\u00e9\\n\"}],\"d\":{\"e\":[[],{}]}}";
        sameAnswers("zig-tools", HostPolicy::denyAll, server -> {
            List<String> out = new ArrayList<>();
            for (String text : List.of("", "x", "abc", long1.toString())) {
                out.add(answer(server, "sha256", Map.of("text", text)));
                out.add(answer(server, "base64_encode", Map.of("text", text)));
                out.add(answer(server, "base64_encode", Map.of("text", text, "urlSafe", true)));
                out.add(answer(server, "text_stats", Map.of("text", text)));
            }
            out.add(answer(server, "base64_decode", Map.of("data", "aGVsbG8gd29ybGQ=")));
            out.add(answer(server, "base64_decode", Map.of("data", "not base64!")));
            for (int indent : new int[] {0, 2, 8}) {
                out.add(answer(server, "json_format", Map.of("json", json, "indent", indent)));
            }
            out.add(answer(server, "json_format", Map.of("json", "{\"a\": [1, 2,")));
            out.add(answer(server, "json_format", Map.of("json", "[" + "[".repeat(200) + "]".repeat(200) + "]")));
            return out;
        });
    }

    @Test
    void rustNotesAnswersEveryToolAlike(@TempDir Path dir) throws Exception {
        Calls calls = server -> {
            List<String> out = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                out.add(answer(server, "add_note", Map.of("title", "note " + i, "body", "body of note " + i
                        + " with a word: " + (i % 2 == 0 ? "apple" : "pear"))));
            }
            out.add(answer(server, "list_notes", Map.of()));
            out.add(answer(server, "search_notes", Map.of("query", "APPLE")));
            out.add(answer(server, "delete_note", Map.of("id", "n-2")));
            out.add(answer(server, "delete_note", Map.of("id", "n-99")));
            out.add(answer(server, "add_note", Map.of("title", "", "body", "x")));
            out.add(answer(server, "list_notes", Map.of()));
            return out;
        };
        // Each server gets its own empty notes directory.
        int[] servers = {0};
        List<String> compiled = sameAnswers("rust-notes", () -> HostPolicy.builder()
                .mount("/notes", createDirectory(dir.resolve("notes" + servers[0]++))).fixedClock(CLOCK).build(), calls);
        assertTrue(compiled.get(5).contains("note 4"), compiled.get(5));
    }
}
