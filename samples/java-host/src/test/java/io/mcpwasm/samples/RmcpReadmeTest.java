package io.mcpwasm.samples;

import static io.mcpwasm.samples.SampleSupport.CALL;
import static io.mcpwasm.samples.SampleSupport.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mcpwasm.McpRuntime;
import io.mcpwasm.McpServer;
import io.mcpwasm.Tool;
import io.mcpwasm.ToolResult;
import io.mcpwasm.wasi.HostPolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * rmcp's README server (the Calculator with {@code #[tool_router]} and {@code #[tool_handler]}, rmcp 3.11.0), built
 * by samples/third-party/rmcp-readme/build.sh with only the transport taken from guest-kits/rust
 * ({@code mcpwasm_guest::stdio} for {@code rmcp::transport::stdio}) and tokio's current-thread runtime. It runs on
 * the host policy alone (no manifest), through the native API.
 */
class RmcpReadmeTest {
    private static McpRuntime runtime;
    private static McpServer server;

    @BeforeAll
    static void start() {
        runtime = SampleSupport.runtime(event -> { });
        server = runtime.load(SampleSupport.sample("third-party/rmcp-readme.wasm"))
                .start(HostPolicy.denyAll(), SampleSupport.SERVER_OPTIONS);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
        if (runtime != null) {
            runtime.close();
        }
    }

    @Test
    void theHandlerAttributesReachTheClient() {
        assertEquals("calculator", server.info().name());
        assertEquals("1.0.0", server.info().version());
        assertEquals("A simple calculator", server.info().instructions());
    }

    @Test
    void listsItsOneToolWithTheDerivedSchema() {
        assertEquals(Set.of("add"), SampleSupport.toolNames(server));
        Tool add = server.tools().get(0);
        assertEquals("Add two numbers", add.description());
        assertEquals("integer", add.inputSchema().path("properties").path("a").path("type").asText(),
                () -> "schema: " + add.inputSchema());
        assertEquals("integer", add.inputSchema().path("properties").path("b").path("type").asText());
        List<String> required = new ArrayList<>();
        add.inputSchema().path("required").forEach(n -> required.add(n.asText()));
        assertEquals(Set.of("a", "b"), Set.copyOf(required));
    }

    @Test
    void addAnswersEachCall() {
        assertEquals("5", ok(server, "add", Map.of("a", 2, "b", 3)));
        assertEquals("-4", ok(server, "add", Map.of("a", 6, "b", -10)));
        assertEquals("0", ok(server, "add", Map.of("a", 0, "b", 0)));
    }

    @Test
    void concurrentCallsAreAllAnswered() {
        // rmcp answers each request in its own task; the kit's reader must let those tasks write their answers
        // while it waits for more input, or the calls after the first few would hang.
        List<CompletableFuture<ToolResult>> calls = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            calls.add(server.callAsync("add", Map.of("a", i, "b", 1000), CALL));
        }
        for (int i = 0; i < calls.size(); i++) {
            assertEquals(String.valueOf(1000 + i), calls.get(i).join().text());
        }
    }

    @Test
    void answersAgainAfterAQuietSpell() throws InterruptedException {
        assertEquals("3", ok(server, "add", Map.of("a", 1, "b", 2)));
        // Long enough for the reader to reach its longest wait between checks of a quiet stdin.
        Thread.sleep(500);
        assertEquals("7", ok(server, "add", Map.of("a", 3, "b", 4)));
        server.ping();
    }

    @Test
    void badArgumentsAreAToolErrorAndTheServerStaysUp() {
        // rmcp reports arguments that do not fit the schema as an isError result, as the 2025-11-25 revision asks.
        String message = SampleSupport.toolError(server, "add", Map.of("a", 1));
        assertTrue(message.contains("missing field `b`"), message);
        assertEquals("2", ok(server, "add", Map.of("a", 1, "b", 1)));
    }
}
