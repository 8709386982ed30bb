// Prints the go-workspace sample's answers to 8 calls over its four tools (run from the repository root), to diff
// a JVM with -Dmcpwasm.outliner=true against one with =false (see outlining.md).
import io.mcpwasm.*;
import io.mcpwasm.wasi.HostPolicy;
import java.nio.file.*;
import java.util.*;
public class GoDiff {
    public static void main(String[] a) throws Exception {
        Path root = Path.of("samples/go-workspace");
        try (McpRuntime rt = McpRuntime.builder().noCompileCache().build();
             McpServer s = rt.load(root.resolve("go-workspace.wasm")).start(
                 HostPolicy.builder().mountReadOnly("/workspace", root.resolve("sample-docs")).build())) {
            List<Object[]> calls = List.of(
                new Object[] {"list_files", Map.of()},
                new Object[] {"list_files", Map.of("pattern", "**/*.md")},
                new Object[] {"read_file", Map.of("path", "guide.md", "offset", 10, "limit", 200)},
                new Object[] {"read_file", Map.of("path", "../etc/passwd")},
                new Object[] {"search_text", Map.of("pattern", "(?i)the\\s+\\w+", "maxResults", 20)},
                new Object[] {"search_text", Map.of("pattern", "[unclosed")},
                new Object[] {"file_info", Map.of("path", "notes/todo.txt")},
                new Object[] {"file_info", Map.of("path", ".")});
            for (Object[] c : calls) {
                @SuppressWarnings("unchecked") ToolResult r = s.call((String) c[0], (Map<String, Object>) c[1]);
                System.out.println(c[0] + " " + r.isError() + " " + r.text().replaceAll("\"mtime\":\"[^\"]*\"", "\"mtime\":_"));
            }
        }
    }
}
