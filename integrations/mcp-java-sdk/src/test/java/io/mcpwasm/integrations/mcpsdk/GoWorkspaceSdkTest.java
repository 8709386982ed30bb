package io.mcpwasm.integrations.mcpsdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mcpwasm.McpModule;
import io.mcpwasm.McpRuntime;
import io.mcpwasm.wasi.CapabilityDeniedException;
import io.mcpwasm.wasi.HostPolicy;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.InitializeResult;
import io.modelcontextprotocol.spec.McpSchema.TextContent;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The official Java SDK's client against the official Go SDK's server: the project's go-workspace sample
 * ({@code samples/go-workspace}, compiled to wasm32-wasip1), run in this JVM by mcpwasm with its sample
 * documents mounted read-only.
 */
class GoWorkspaceSdkTest {
    private static final Path SAMPLE = Path.of("../../samples/go-workspace");
    private static final Duration REQUEST_TIMEOUT = Duration.ofMinutes(2);

    private static McpRuntime runtime;
    private static McpModule workspace;

    @BeforeAll
    static void load() throws IOException {
        // The committed module may not embed its manifest yet: give it the sample's manifest as a sidecar file.
        Path dir = Files.createDirectories(Path.of("target/go-workspace"));
        Path wasm = dir.resolve("go-workspace.wasm");
        Files.copy(SAMPLE.resolve("go-workspace.wasm"), wasm, StandardCopyOption.REPLACE_EXISTING);
        Files.copy(SAMPLE.resolve("manifest.json"), dir.resolve("go-workspace.manifest.json"),
                StandardCopyOption.REPLACE_EXISTING);
        runtime = McpRuntime.builder().compileCache(Path.of("target/test-compile-cache")).build();
        workspace = runtime.load(wasm);
    }

    @AfterAll
    static void close() {
        runtime.close();
    }

    @Test
    void javaSdkClientTalksToGoSdkServer() {
        HostPolicy policy = HostPolicy.builder().mountReadOnly("/workspace", SAMPLE.resolve("sample-docs")).build();
        WasmMcpTransport transport = WasmMcpTransport.start(workspace, policy);
        try (McpSyncClient client = McpClient.sync(transport).requestTimeout(REQUEST_TIMEOUT)
                .initializationTimeout(REQUEST_TIMEOUT).build()) {
            InitializeResult init = client.initialize();
            assertEquals("go-workspace", init.serverInfo().name());

            List<String> tools = client.listTools().tools().stream().map(McpSchema.Tool::name).sorted().toList();
            assertEquals(List.of("file_info", "list_files", "read_file", "search_text"), tools);

            CallToolResult read = client.callTool(call("read_file", Map.of("path", "README.md")));
            assertFalse(Boolean.TRUE.equals(read.isError()), () -> "read_file failed: " + read.content());
            String text = assertInstanceOf(TextContent.class, read.content().get(0)).text();
            assertTrue(text.startsWith("# Sample workspace\n"), text);
            assertTrue(text.contains("The host mounts it read-only at `/workspace`"), text);

            CallToolResult missing = client.callTool(call("read_file", Map.of("path", "nope.md")));
            assertTrue(Boolean.TRUE.equals(missing.isError()));
            assertTrue(((TextContent) missing.content().get(0)).text().contains("nope.md"));
            assertTrue(client.closeGracefully(), "the client closed gracefully");
        }
        // closeGracefully waited for the guest: it ended at end of input (or was stopped after the close grace)
        assertEquals(io.mcpwasm.FailureKind.CLOSED, transport.failure().orElseThrow().kind());
    }

    @Test
    void aPolicyThatRefusesARequiredMountFailsAtStartNotInsideTheSdk() {
        CapabilityDeniedException denied = assertThrows(CapabilityDeniedException.class,
                () -> WasmMcpTransport.start(workspace, HostPolicy.builder().build()));
        assertTrue(denied.getMessage().contains("/workspace"), denied.getMessage());
    }

    private static CallToolRequest call(String tool, Map<String, Object> arguments) {
        return CallToolRequest.builder(tool).arguments(arguments).build();
    }
}
