package io.mcpwasm.integrations.langchain4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.mcp.McpToolProvider;
import dev.langchain4j.mcp.client.DefaultMcpClient;
import dev.langchain4j.mcp.client.McpClient;
import dev.langchain4j.service.AiServices;
import io.mcpwasm.McpModule;
import io.mcpwasm.McpRuntime;
import io.mcpwasm.wasi.CapabilityDeniedException;
import io.mcpwasm.wasi.HostPolicy;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** langchain4j-mcp's own {@link DefaultMcpClient} and {@link McpToolProvider} over {@link WasmMcpTransport}. */
// LangChain4j's McpClient.close() is declared to throw Exception: javac's "try" lint flags each try-with-resources.
@SuppressWarnings("try")
class WasmMcpTransportTest {
    private static McpRuntime runtime;
    private static McpModule zig;

    @BeforeAll
    static void load() {
        runtime = Samples.runtime(Samples.auditLog());
        zig = runtime.load(Samples.sample("zig-tools/zig-tools.wasm"));
    }

    @AfterAll
    static void stop() {
        if (runtime != null) {
            runtime.close();
        }
    }

    private static McpClient client(HostPolicy policy) {
        return DefaultMcpClient.builder()
                .key("zig")
                .transport(new WasmMcpTransport(zig, policy))
                .initializationTimeout(Duration.ofMinutes(2))
                .toolExecutionTimeout(Duration.ofMinutes(1))
                .reconnectInterval(Duration.ofMillis(50))
                .build();
    }

    @Test
    void anAgentCallsAWasmToolThroughTheMcpClient() throws Exception {
        try (McpClient client = client(HostPolicy.denyAll())) {
            Set<String> names = client.listTools().stream().map(ToolSpecification::name).collect(Collectors.toSet());
            assertEquals(Set.of("sha256", "base64_encode", "base64_decode", "json_format", "text_stats"), names);

            ScriptedChatModel model = new ScriptedChatModel()
                    .call("base64_encode", "{\"text\":\"wasm in the JVM\"}")
                    .call("base64_decode", "{\"data\":\"*bad*\"}");
            Agent agent = AiServices.builder(Agent.class).chatModel(model)
                    .toolProvider(McpToolProvider.builder().mcpClients(client).build()).build();
            agent.chat("encode, then decode garbage");

            List<ToolExecutionResultMessage> results = model.toolResults();
            assertEquals("d2FzbSBpbiB0aGUgSlZN", results.get(0).text());
            assertFalse(Boolean.TRUE.equals(results.get(0).isError()));
            assertEquals(Boolean.TRUE, results.get(1).isError(), results.get(1).text());
            assertTrue(results.get(1).text().toLowerCase().contains("base64"), results.get(1).text());
        }
    }

    @Test
    void aRefusedCapabilityFailsBuildingTheClientNamingIt() {
        McpModule workspace = runtime.load(Samples.sample("go-workspace/go-workspace.wasm"));
        RuntimeException e = assertThrows(RuntimeException.class, () -> DefaultMcpClient.builder()
                .transport(new WasmMcpTransport(workspace, HostPolicy.denyAll())).build());
        Throwable cause = e;
        while (cause != null && !(cause instanceof CapabilityDeniedException)) {
            cause = cause.getCause();
        }
        assertTrue(cause instanceof CapabilityDeniedException, () -> "not a capability denial: " + e);
        assertTrue(cause.getMessage().contains("/workspace"), cause.getMessage());
    }

    @Test
    void aGuestThatRunsOutOfMemoryFailsTheCallAndTheClientReconnects() throws Exception {
        HostPolicy tight = HostPolicy.builder().maxMemory(17L << 20).build(); // 257 pages to start, 272 allowed
        try (McpClient client = client(tight)) {
            ScriptedChatModel model = new ScriptedChatModel()
                    .call("base64_encode", "{\"text\":\"" + "y".repeat(2 << 20) + "\"}");
            Agent agent = AiServices.builder(Agent.class).chatModel(model)
                    .toolProvider(McpToolProvider.builder().mcpClients(client).build()).build();
            agent.chat("encode a lot");
            ToolExecutionResultMessage failed = model.toolResults().get(0);
            assertTrue(failed.text().contains("ran out of memory"), failed.text());

            // DefaultMcpClient reconnects: a new instance answers
            long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
            String hashed = null;
            while (hashed == null && System.nanoTime() < deadline) {
                try {
                    hashed = client.executeTool(dev.langchain4j.agent.tool.ToolExecutionRequest.builder()
                            .name("text_stats").arguments("{\"text\":\"one two three\"}").build()).resultText();
                } catch (RuntimeException notYet) {
                    Thread.sleep(50);
                }
            }
            assertTrue(hashed != null && hashed.contains("\"words\":3"), "no answer after reconnecting: " + hashed);
        }
    }
}
