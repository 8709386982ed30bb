package io.mcpwasm.samples.langchain4j;

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
 * README's LangChain4j snippet is the example's code, line for line.
 */
class LangChain4jAgentTest {
    /** The repository's root, found from the module's directory. */
    static Path repoRoot() {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            if (Files.exists(d.resolve("samples/zig-tools/zig-tools.wasm"))) {
                return d;
            }
        }
        throw new IllegalStateException("not inside the mcpwasm repository: " + Path.of("").toAbsolutePath());
    }

    @Test
    void mainAnswersWithTheSha256TheWasmToolComputed() throws Exception {
        String expected = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest("hello wasm".getBytes(StandardCharsets.UTF_8)));
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            LangChain4jAgent.main(new String[] {repoRoot().resolve("samples/zig-tools/zig-tools.wasm").toString()});
        } finally {
            System.setOut(original);
        }
        String out = captured.toString(StandardCharsets.UTF_8);
        assertTrue(out.contains("The tool zig_sha256 answered: " + expected), out);
    }

    @Test
    void aToolTheServerDoesNotHaveIsNotCalled() {
        String answer = LangChain4jAgent.ask(new ScriptedChatModel("zig_md5", "{\"text\":\"x\"}"),
                repoRoot().resolve("samples/zig-tools/zig-tools.wasm"), "md5 of x?");
        assertEquals("I have no tool named zig_md5 to answer that.", answer);
    }

    @Test
    void theReadmeLangChain4jSnippetIsThisExamplesCode() throws Exception {
        List<String> readme = javaBlockAfter(Files.readAllLines(repoRoot().resolve("README.md")), "## LangChain4j");
        List<String> source = Files.readAllLines(repoRoot().resolve(
                "samples/langchain4j-agent/src/main/java/io/mcpwasm/samples/langchain4j/LangChain4jAgent.java"));
        int begin = source.indexOf("        // BEGIN README");
        int end = source.indexOf("        // END README");
        assertTrue(begin > 0 && end > begin, "markers around the example's code");
        List<String> code = source.subList(begin + 1, end).stream()
                .map(l -> l.length() >= 8 ? l.substring(8) : l.strip()).collect(Collectors.toList());
        assertEquals(code, readme, "README.md's LangChain4j java block and LangChain4jAgent.ask must match");
        assertTrue(readme.size() < 15, "the README shows the integration in under 15 lines: " + readme.size());
    }

    /** The lines of the first ```java block after the heading. */
    static List<String> javaBlockAfter(List<String> lines, String heading) {
        int i = lines.indexOf(heading);
        assertTrue(i >= 0, "README.md has no '" + heading + "'");
        while (!lines.get(i).equals("```java")) {
            i++;
        }
        int j = i + 1;
        while (!lines.get(j).equals("```")) {
            j++;
        }
        return lines.subList(i + 1, j);
    }
}
