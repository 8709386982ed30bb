package io.mcpwasm.internal;

import static org.junit.jupiter.api.Assertions.*;

import io.mcpwasm.McpRuntime;
import io.mcpwasm.McpServer;
import io.mcpwasm.ToolResult;
import io.mcpwasm.wasi.HostPolicy;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import run.endive.compiler.InterpreterFallback;
import run.endive.compiler.MachineFactoryCompiler;
import run.endive.wasm.Parser;
import run.endive.wasm.WasmEngineException;

/**
 * Functions the compiler would refuse (over 64 KiB of JVM bytecode) are cut down by the outliner until they compile:
 * go-sdk's memory server has two (functions 2217 and 3611, 50,799 and 78,669 bytes of wasm), and its tools answer
 * alike with the outliner on (in this JVM) and off (a second JVM, {@code -Dmcpwasm.outliner=false}, where those two
 * functions run on the interpreter).
 */
class HugeFunctionsTest {
    private static final Path MEMORY = Path.of("../samples/third-party/go-sdk-memory.wasm");

    @Test
    void goSdkMemoryCompilesWithoutInterpretedFunctions() throws IOException {
        byte[] reshaped = CodeReshaper.reshape(Files.readAllBytes(MEMORY));
        byte[] loopsOnly = FunctionOutliner.outline(reshaped, FunctionOutliner.Limits.LOOPS);
        WasmEngineException refused = assertThrows(WasmEngineException.class, () -> compile(loopsOnly));
        assertTrue(String.valueOf(refused.getMessage()).contains("2217")
                || String.valueOf(refused.getMessage()).contains("3611"), refused.getMessage());
        compile(FunctionOutliner.outline(reshaped, FunctionOutliner.Limits.DEFAULT));
    }

    private static void compile(byte[] wasm) {
        MachineFactoryCompiler.builder(Parser.parse(wasm)).withInterpreterFallback(InterpreterFallback.FAIL).compile();
    }

    @Test
    void goSdkMemoryAnswersAlikeWithTheOutlinerOff() throws Exception {
        List<String> on = answers();
        Process other = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dmcpwasm.outliner=false", "-XX:-DontCompileHugeMethods", "-Xss8m", "-cp",
                System.getProperty("java.class.path"), HugeFunctionsTest.class.getName())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(other.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(other.waitFor(10, TimeUnit.MINUTES));
        assertEquals(0, other.exitValue(), out);
        List<String> off = out.lines().filter(l -> l.startsWith("ANSWER ")).map(l -> l.substring(7)).toList();
        assertEquals(on, off);
        assertTrue(on.get(5).startsWith("read_graph false") && on.get(5).contains("born 1815"), on.get(5));
    }

    /** Prints the answers with the outliner as this JVM's system property says (for the second JVM). */
    public static void main(String[] args) {
        if (args.length > 0 && args[0].equals("time")) {
            time(Integer.parseInt(args[1]));
            return;
        }
        for (String a : answers()) {
            System.out.println("ANSWER " + a);
        }
    }

    /** A by-hand timing (not a test): mean time of each tool call over {@code rounds} rounds after as many warm-up. */
    private static void time(int rounds) {
        try (McpRuntime runtime = McpRuntime.builder().compileCache(Path.of("target/test-compile-cache")).build();
             McpServer server = runtime.load(MEMORY).start(HostPolicy.denyAll())) {
            List<String> warm = new ArrayList<>();
            call(warm, server, "create_entities", Map.of("entities", List.of(Map.of("name", "Ada", "entityType",
                    "person", "observations", List.of("wrote the first program")))));
            for (String tool : List.of("read_graph", "search_nodes", "open_nodes", "create_entities")) {
                Map<String, Object> a = switch (tool) {
                    case "search_nodes" -> Map.of("query", "program");
                    case "open_nodes" -> Map.of("names", List.of("Ada"));
                    case "create_entities" -> Map.of("entities", List.of(Map.of("name", "Ada", "entityType",
                            "person", "observations", List.of("x"))));
                    default -> Map.of();
                };
                for (int i = 0; i < rounds; i++) {
                    server.call(tool, a);
                }
                long t0 = System.nanoTime();
                for (int i = 0; i < rounds; i++) {
                    server.call(tool, a);
                }
                System.out.printf("TIME %s %.1f us%n", tool, (System.nanoTime() - t0) / 1e3 / rounds);
            }
        }
    }

    private static List<String> answers() {
        List<String> out = new ArrayList<>();
        try (McpRuntime runtime = McpRuntime.builder().compileCache(Path.of("target/test-compile-cache")).build();
             McpServer server = runtime.load(MEMORY).start(HostPolicy.denyAll())) {
            Map<String, Object> ada = Map.of("name", "Ada", "entityType", "person",
                    "observations", List.of("wrote the first program", "worked with Babbage"));
            Map<String, Object> charles = Map.of("name", "Charles Babbage", "entityType", "person",
                    "observations", List.of("designed the analytical engine"));
            call(out, server, "create_entities", Map.of("entities", List.of(ada, charles)));
            call(out, server, "create_entities", Map.of("entities", List.of(ada)));
            call(out, server, "create_relations", Map.of("relations", List.of(
                    Map.of("from", "Ada", "to", "Charles Babbage", "relationType", "worked with"))));
            call(out, server, "add_observations", Map.of("observations", List.of(
                    Map.of("entityName", "Ada", "contents", List.of("born 1815", "\u00e9\u4e2d\ud83d\ude00")))));
            call(out, server, "add_observations", Map.of("observations", List.of(
                    Map.of("entityName", "Nobody", "contents", List.of("x")))));
            call(out, server, "read_graph", Map.of());
            call(out, server, "search_nodes", Map.of("query", "engine"));
            call(out, server, "open_nodes", Map.of("names", List.of("Ada", "Nobody")));
            call(out, server, "delete_observations", Map.of("deletions", List.of(
                    Map.of("entityName", "Ada", "observations", List.of("born 1815")))));
            call(out, server, "delete_relations", Map.of("relations", List.of(
                    Map.of("from", "Ada", "to", "Charles Babbage", "relationType", "worked with"))));
            call(out, server, "read_graph", Map.of());
            call(out, server, "delete_entities", Map.of("entityNames", List.of("Charles Babbage")));
            call(out, server, "read_graph", Map.of());
        }
        return out;
    }

    private static void call(List<String> out, McpServer server, String tool, Map<String, Object> args) {
        ToolResult r = server.call(tool, args);
        out.add(tool + " " + r.isError() + " " + r.text().replace("\n", "\\n") + " " + r.structuredContent());
    }
}
