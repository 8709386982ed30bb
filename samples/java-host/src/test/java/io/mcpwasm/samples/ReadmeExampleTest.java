package io.mcpwasm.samples;

import static org.junit.jupiter.api.Assertions.*;

import io.mcpwasm.McpModule;
import io.mcpwasm.McpRuntime;
import io.mcpwasm.McpServer;
import io.mcpwasm.Tool;
import io.mcpwasm.ToolResult;
import io.mcpwasm.wasi.HostPolicy;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The README's embedding example compiles and runs as written: {@link #example()} holds it verbatim (a test below
 * checks that, and that the README's import lines are this file's), run against the committed Go sample. The
 * nested {@code Path} class shadows the imported {@code java.nio.file.Path} inside this class only.
 */
class ReadmeExampleTest {

    /** Resolves the README's relative file names to the committed sample, so the example text stays unchanged. */
    static final class Path {
        static java.nio.file.Path of(String name) {
            return switch (name) {
                case "go-workspace.wasm" -> SampleSupport.sample("go-workspace/go-workspace.wasm");
                case "docs" -> SampleSupport.sample("go-workspace/sample-docs");
                default -> throw new IllegalArgumentException(name);
            };
        }
    }

    // README: embedding example, verbatim between the markers.
    static void example() {
        // BEGIN README
        try (McpRuntime runtime = McpRuntime.create()) {                 // holds the compile cache and threads
            McpModule module = runtime.load(Path.of("go-workspace.wasm")); // parse + compile once, reusable
            HostPolicy policy = HostPolicy.builder()
                    .mount("/workspace", Path.of("docs"))               // bind the manifest's mount to a real directory
                    .build();                                            // everything else: denied
            try (McpServer server = module.start(policy)) {              // own thread, own memory, MCP handshake done
                for (Tool tool : server.tools()) {
                    System.out.println(tool.name() + ": " + tool.description());
                }
                ToolResult result = server.call("read_file", Map.of("path", "README.md"));
                System.out.println(result.text());
            }
        }
        // END README
    }

    @Test
    void theExampleRunsAndPrintsTheToolsAndTheFile() {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            example();
        } finally {
            System.setOut(original);
        }
        String out = captured.toString(StandardCharsets.UTF_8);
        assertTrue(out.contains("read_file: "), out);
        assertTrue(out.contains("# Sample workspace"), out);
    }

    @Test
    void theReadmeShowsExactlyThisExample() throws Exception {
        List<String> block = javaBlock(Files.readAllLines(SampleSupport.repoRoot().resolve("README.md")), 0);
        int blank = block.indexOf("");
        assertTrue(blank > 0, "the README example starts with its imports, then a blank line");
        List<String> imports = block.subList(0, blank);
        List<String> readme = block.subList(blank + 1, block.size());
        List<String> here = Files.readAllLines(SampleSupport.repoRoot()
                .resolve("samples/java-host/src/test/java/io/mcpwasm/samples/ReadmeExampleTest.java"));
        for (String line : imports) {
            assertTrue(line.startsWith("import ") && here.contains(line),
                    () -> "README import not used by this compiled example: " + line);
        }
        int begin = here.indexOf("        // BEGIN README");
        int end = here.indexOf("        // END README");
        List<String> test = here.subList(begin + 1, end).stream()
                .map(l -> l.length() >= 8 ? l.substring(8) : l.strip()).collect(Collectors.toList());
        assertEquals(readme, test, "README.md's first java block and ReadmeExampleTest.example() must match");
    }

    /** The lines of the n-th ```java block. */
    private static List<String> javaBlock(List<String> lines, int n) {
        int seen = -1;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).equals("```java") && ++seen == n) {
                int j = i + 1;
                while (!lines.get(j).equals("```")) {
                    j++;
                }
                return lines.subList(i + 1, j);
            }
        }
        throw new AssertionError("README.md has no java block " + n);
    }
}
