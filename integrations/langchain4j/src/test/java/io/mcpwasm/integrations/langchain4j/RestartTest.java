package io.mcpwasm.integrations.langchain4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.service.tool.ToolProviderRequest;
import io.mcpwasm.McpRuntime;
import io.mcpwasm.McpServer;
import io.mcpwasm.ServerOptions;
import io.mcpwasm.wasi.HostPolicy;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A Zig sample capped at little memory fails when a tool needs more: the model gets the failure as a tool error,
 * the server (started with automatic restart) comes back, and the provider goes on serving its tools.
 */
class RestartTest {
    private static final long CAP = 17L << 20; // the module starts with 257 pages (16 MiB + 64 KiB)
    private static McpRuntime runtime;
    private static McpServer zig;

    @BeforeAll
    static void start() {
        runtime = Samples.runtime(Samples.auditLog());
        zig = runtime.load(Samples.sample("zig-tools/zig-tools.wasm")).start(
                HostPolicy.builder().maxMemory(CAP).build(),
                ServerOptions.builder().startTimeout(Duration.ofMinutes(3))
                        .autoRestart(Duration.ofMillis(20), Duration.ofMillis(200)).build());
    }

    @AfterAll
    static void stop() {
        if (runtime != null) {
            runtime.close();
        }
    }

    @Test
    void aFailedServerIsRestartedAndItsToolsAreStillServed() {
        WasmToolProvider tools = WasmToolProvider.builder().server(zig).build();
        ScriptedChatModel model = new ScriptedChatModel()
                .call("base64_encode", "{\"text\":\"" + "y".repeat(2 << 20) + "\"}")
                .call("text_stats", "{\"text\":\"still here\"}");
        Agent agent = AiServices.builder(Agent.class).chatModel(model).toolProvider(tools).build();

        String answer = agent.chat("encode a lot, then count");

        List<ToolExecutionResultMessage> results = model.toolResults();
        assertEquals(2, results.size());
        assertEquals(Boolean.TRUE, results.get(0).isError(), results.get(0).text());
        assertTrue(results.get(0).text().contains("zig-tools"), results.get(0).text());
        assertFalse(Boolean.TRUE.equals(results.get(1).isError()), results.get(1).text());
        assertTrue(answer.contains("\"words\":2"), answer);
        assertTrue(zig.failure().isPresent(), "the server should have failed once");

        Set<String> names = tools.provideTools(new ToolProviderRequest("m", UserMessage.from("again"))).tools()
                .keySet().stream().map(ToolSpecification::name).collect(Collectors.toSet());
        assertEquals(Set.of("sha256", "base64_encode", "base64_decode", "json_format", "text_stats"), names);
    }
}
