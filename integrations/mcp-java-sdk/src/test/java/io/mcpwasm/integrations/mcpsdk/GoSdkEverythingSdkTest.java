package io.mcpwasm.integrations.mcpsdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mcpwasm.McpModule;
import io.mcpwasm.McpRuntime;
import io.mcpwasm.wasi.HostPolicy;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.TextContent;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The official Go SDK's examples/server/everything (go-sdk v1.8.0), built unchanged by samples/third-party/build.sh,
 * driven by the official Java SDK's client through the adapter (protocol 2025-11-25): its sampling, elicitation
 * and roots tools send requests back to the client, which the client's handlers answer.
 */
class GoSdkEverythingSdkTest {
    private static final Path THIRD_PARTY = Path.of("../../samples/third-party");
    private static final Duration REQUEST_TIMEOUT = Duration.ofMinutes(2);

    private static McpRuntime runtime;
    private static McpModule everything;

    @BeforeAll
    static void load() {
        runtime = McpRuntime.builder().compileCache(Path.of("target/test-compile-cache")).build();
        everything = runtime.load(THIRD_PARTY.resolve("go-sdk-everything.wasm"));
    }

    @AfterAll
    static void close() {
        runtime.close();
    }

    @Test
    @SuppressWarnings("deprecation") // the SDK's GetPromptRequest/ReadResourceRequest convenience constructors
    void samplingElicitationAndRootsReachTheClientsHandlers() {
        AtomicInteger samplings = new AtomicInteger();
        AtomicInteger elicitations = new AtomicInteger();
        WasmMcpTransport transport = WasmMcpTransport.start(everything, HostPolicy.denyAll());
        try (McpSyncClient client = McpClient.sync(transport).requestTimeout(REQUEST_TIMEOUT)
                .initializationTimeout(REQUEST_TIMEOUT)
                .capabilities(McpSchema.ClientCapabilities.builder().roots(true).sampling().elicitation().build())
                .roots(new McpSchema.Root("file:///work", "work"))
                .sampling(req -> {
                    samplings.incrementAndGet();
                    return McpSchema.CreateMessageResult.builder(McpSchema.Role.ASSISTANT, "sampled by the host",
                            "test-model").build();
                })
                .elicitation(req -> {
                    elicitations.incrementAndGet();
                    return new McpSchema.ElicitResult(McpSchema.ElicitResult.Action.ACCEPT,
                            Map.of("random", "xyzzy"));
                })
                .build()) {
            assertEquals("everything", client.initialize().serverInfo().name());
            List<String> tools = client.listTools().tools().stream().map(McpSchema.Tool::name).toList();
            assertTrue(tools.containsAll(List.of("greet", "sample", "elicit (form)", "roots")), tools.toString());

            assertEquals("Hi Ada", text(client.callTool(call("greet", Map.of("name", "Ada")))));
            assertEquals("sampled by the host", text(client.callTool(call("sample", Map.of()))));
            assertEquals(1, samplings.get());
            assertEquals("xyzzy", text(client.callTool(call("elicit (form)", Map.of()))));
            assertEquals(1, elicitations.get());
            assertEquals("work:file:///work", text(client.callTool(call("roots", Map.of()))));

            McpSchema.GetPromptResult prompt = client.getPrompt(
                    new McpSchema.GetPromptRequest("greet", Map.of("name", "Bob")));
            assertEquals("Say hi to Bob", ((TextContent) prompt.messages().get(0).content()).text());
            McpSchema.ReadResourceResult info = client.readResource(new McpSchema.ReadResourceRequest("embedded:info"));
            assertEquals("This is the hello example server.",
                    ((McpSchema.TextResourceContents) info.contents().get(0)).text());
            assertTrue(client.closeGracefully());
        }
    }

    private static String text(CallToolResult r) {
        assertFalse(Boolean.TRUE.equals(r.isError()), () -> "tool failed: " + r.content());
        return ((TextContent) r.content().get(0)).text();
    }

    private static CallToolRequest call(String tool, Map<String, Object> arguments) {
        return CallToolRequest.builder(tool).arguments(arguments).build();
    }
}
