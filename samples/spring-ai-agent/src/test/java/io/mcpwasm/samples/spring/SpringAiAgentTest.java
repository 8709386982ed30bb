package io.mcpwasm.samples.spring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The example's {@code main} runs as documented (no network, no key) and prints what the wasm tool computed; the
 * README's Spring AI properties and bean are the example's, line for line.
 */
class SpringAiAgentTest {
    private static final String CACHE = "--mcpwasm.cache-dir=target/compile-cache";

    static Path repoRoot() {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            if (Files.exists(d.resolve("samples/zig-tools/zig-tools.wasm"))) {
                return d;
            }
        }
        throw new IllegalStateException("not inside the mcpwasm repository: " + Path.of("").toAbsolutePath());
    }

    private static String runMain(String... args) {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            SpringAiAgent.main(args);
        } finally {
            System.setOut(original);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }

    @Test
    void mainAnswersWithTheSha256TheWasmToolComputed() throws Exception {
        String expected = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest("hello wasm".getBytes(StandardCharsets.UTF_8)));
        String out = runMain(CACHE);
        assertTrue(out.contains("The tool zig_sha256 answered: " + expected), out);
    }

    @Test
    void underAnotherPrefixTheScriptedToolIsNotOfferedAndNotCalled() {
        String out = runMain(CACHE, "--mcpwasm.servers.tools.module=classpath:/servers/zig-tools.wasm",
                "--mcpwasm.servers.tools.tool-prefix=other_");
        assertTrue(out.contains("I have no tool named zig_sha256 to answer that."), out);
    }

    @Test
    void theReadmeSpringAiSnippetsAreThisExamplesCode() throws Exception {
        List<String> readme = Files.readAllLines(repoRoot().resolve("README.md"));
        List<String> properties = blockAfter(readme, "## Spring AI", "```properties");
        assertEquals(Files.readAllLines(repoRoot().resolve("samples/spring-ai-agent/src/main/resources/"
                + "application.properties")), properties, "README.md's Spring AI properties and application.properties");
        List<String> bean = blockAfter(readme, "## Spring AI", "```java");
        List<String> source = Files.readAllLines(repoRoot().resolve(
                "samples/spring-ai-agent/src/main/java/io/mcpwasm/samples/spring/SpringAiAgent.java"));
        int begin = source.indexOf("    // BEGIN README");
        int end = source.indexOf("    // END README");
        assertTrue(begin > 0 && end > begin, "markers around the example's bean");
        List<String> code = source.subList(begin + 1, end).stream()
                .map(l -> l.length() >= 4 ? l.substring(4) : l.strip()).collect(Collectors.toList());
        assertEquals(code, bean, "README.md's Spring AI java block and SpringAiAgent.chatClient must match");
        assertTrue(properties.size() + bean.size() < 15, "under 15 lines: " + (properties.size() + bean.size()));
    }

    /** The lines of the first block opened by {@code fence} after the heading. */
    static List<String> blockAfter(List<String> lines, String heading, String fence) {
        int i = lines.indexOf(heading);
        assertTrue(i >= 0, "README.md has no '" + heading + "'");
        while (!lines.get(i).equals(fence)) {
            i++;
        }
        int j = i + 1;
        while (!lines.get(j).equals("```")) {
            j++;
        }
        return lines.subList(i + 1, j);
    }
}
