package io.mcpwasm.integrations.spring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mcpwasm.McpRuntime;
import io.mcpwasm.wasi.AuditEvent;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.chat.client.advisor.ToolCallAdvisor;
import org.springframework.ai.chat.messages.ToolResponseMessage;
import org.springframework.ai.tool.ToolCallback;
import org.springframework.ai.tool.ToolCallbackProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.ApplicationListener;
import org.springframework.context.PayloadApplicationEvent;

/**
 * A Spring Boot application that only sets properties: the Zig sample from the class path (as a pool of two) and
 * the Go sample from a file with a read-only mount. A {@link ChatClient} whose model is scripted calls their tools
 * through the starter's {@link ToolCallbackProvider}; Spring AI's MCP client starter gets them as McpSyncClients.
 */
@SpringBootTest(classes = McpWasmStarterTest.App.class, properties = {
        "mcpwasm.cache-dir=../../samples/java-host/target/test-compile-cache", // shared with the sample tests
        "mcpwasm.servers.zig.module=classpath:/wasm/zig-tools.wasm",
        "mcpwasm.servers.zig.tool-prefix=zig_",
        "mcpwasm.servers.zig.pool-size=2",
        "mcpwasm.servers.ws.module=file:../../samples/go-workspace/go-workspace.wasm",
        "mcpwasm.servers.ws.mounts[0].guest-path=/workspace",
        "mcpwasm.servers.ws.mounts[0].host-path=../../samples/go-workspace/sample-docs",
        "mcpwasm.servers.ws.mounts[0].read-only=true",
        "mcpwasm.servers.ws.tool-prefix=ws_",
        "mcpwasm.servers.ws.start-timeout=3m",
        "spring.ai.mcp.client.request-timeout=2m",
        "spring.ai.mcp.client.initialized=true"
})
class McpWasmStarterTest {
    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class App {
        @Bean
        AuditLog auditLog() {
            return new AuditLog();
        }
    }

    /**
     * Collects the audit events the starter publishes. An ApplicationListener bean, so that it also hears the
     * events of the servers' start, which happens while the context is still being refreshed.
     */
    static class AuditLog implements ApplicationListener<PayloadApplicationEvent<AuditEvent>> {
        final List<AuditEvent> events = new CopyOnWriteArrayList<>();

        @Override
        public void onApplicationEvent(PayloadApplicationEvent<AuditEvent> event) {
            events.add(event.getPayload());
        }
    }

    @Autowired
    ApplicationContext context;
    @Autowired
    McpWasmServers servers;
    @Autowired
    AuditLog audit;

    private ToolCallbackProvider wasmTools() {
        return context.getBean("mcpWasmToolCallbacks", ToolCallbackProvider.class);
    }

    // ChatClient.Builder#defaultToolCallbacks(ToolCallbackProvider...) and ToolCallAdvisor are deprecated for removal in
    // this Spring AI line with no drop-in replacement yet; the test drives the path Spring AI users take today.
    @SuppressWarnings("removal")
    private String chat(ScriptedChatModel model) {
        return ChatClient.builder(model)
                .defaultToolCallbacks(wasmTools())
                .defaultAdvisors(ToolCallAdvisor.builder().build())
                .build()
                .prompt("use the tools").call().content();
    }

    @Test
    void oneRuntimeServesBothServersAndTheirToolsArePrefixed() {
        assertEquals(1, context.getBeansOfType(McpRuntime.class).size());
        assertEquals(Set.of("zig", "ws"), servers.names());
        assertEquals(2, servers.pool("zig").servers().size());
        Set<String> names = Arrays.stream(wasmTools().getToolCallbacks()).map(c -> c.getToolDefinition().name())
                .collect(Collectors.toSet());
        assertEquals(Set.of("zig_sha256", "zig_base64_encode", "zig_base64_decode", "zig_json_format",
                "zig_text_stats", "ws_list_files", "ws_read_file", "ws_search_text", "ws_file_info"), names);
        ToolCallback read = Arrays.stream(wasmTools().getToolCallbacks())
                .filter(c -> c.getToolDefinition().name().equals("ws_read_file")).findFirst().orElseThrow();
        assertTrue(read.getToolDefinition().inputSchema().contains("\"path\""), read.getToolDefinition().inputSchema());
    }

    @Test
    void aChatClientCallsTheWasmToolsAndTheModelSeesTheirOutput() throws Exception {
        ScriptedChatModel model = new ScriptedChatModel()
                .call("zig_sha256", "{\"text\":\"spring\"}")
                .call("ws_read_file", "{\"path\":\"notes/todo.txt\"}");
        String answer = chat(model);

        List<ToolResponseMessage.ToolResponse> responses = model.toolResponses();
        assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest("spring".getBytes(StandardCharsets.UTF_8))), responses.get(0).responseData());
        String todo = Files.readString(Path.of("../../samples/go-workspace/sample-docs/notes/todo.txt"));
        assertEquals(todo, responses.get(1).responseData());
        assertEquals(todo, answer);
    }

    @Test
    void aToolErrorReachesTheModelAsTheToolsAnswer() {
        ScriptedChatModel model = new ScriptedChatModel()
                .call("ws_read_file", "{\"path\":\"no/such/file.md\"}");
        String answer = chat(model);
        assertEquals("file not found: no/such/file.md", answer);
    }

    @Test
    // In the MCP SDK that Spring AI pulls in, CallToolRequest's constructor and its builder are both deprecated.
    @SuppressWarnings("deprecation")
    void springAisMcpClientStarterGetsTheServersAsMcpSyncClients() {
        @SuppressWarnings("unchecked")
        List<McpSyncClient> clients = context.getBean("mcpSyncClients", List.class);
        assertEquals(2, clients.size());
        McpSyncClient zig = clients.stream().filter(c -> c.getServerInfo().name().equals("zig-tools")).findFirst()
                .orElseThrow(() -> new AssertionError("no client of zig-tools"));
        McpSchema.CallToolResult r = zig.callTool(new McpSchema.CallToolRequest("base64_encode",
                Map.of("text", "mcp")));
        assertFalse(Boolean.TRUE.equals(r.isError()));
        assertEquals("bWNw", ((McpSchema.TextContent) r.content().get(0)).text());
    }

    @Test
    void auditEventsArePublishedToTheContext() {
        assertTrue(audit.events.stream().anyMatch(e -> e.server().equals("go-workspace")
                && e.capability().equals("filesystem") && e.target().equals("/workspace")
                && e.decision() == AuditEvent.Decision.GRANTED), () -> "events: " + audit.events);
    }
}
