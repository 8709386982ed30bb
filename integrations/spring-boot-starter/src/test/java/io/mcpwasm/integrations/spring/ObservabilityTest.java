package io.mcpwasm.integrations.spring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.chat.client.advisor.ToolCallAdvisor;
import org.springframework.ai.mcp.client.common.autoconfigure.NamedClientMcpTransport;
import org.springframework.ai.tool.ToolCallbackProvider;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ApplicationListener;
import org.springframework.context.PayloadApplicationEvent;

/**
 * What a Spring AI application sees of a running wasm tool: the progress it reports is published as
 * {@link McpWasmToolProgressEvent}s while the chat client runs it, and the audit trail, the server's MCP log
 * messages and its stderr reach the application's logging (slf4j to Logback here; {@code io.mcpwasm.audit},
 * {@code mcpwasm.server.<name>}), captured from the console. Runs the runtime's Go protocol test server, which
 * reports progress and logs on request.
 */
@ExtendWith(OutputCaptureExtension.class)
class ObservabilityTest {
    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(McpWasmAutoConfiguration.class))
            .withClassLoader(new FilteredClassLoader(NamedClientMcpTransport.class))
            .withPropertyValues("mcpwasm.cache-dir=../../samples/java-host/target/test-compile-cache",
                    "mcpwasm.servers.proto.module=file:../../runtime/src/test/resources/guests/protocol-server.wasm",
                    "mcpwasm.servers.proto.tool-prefix=p_",
                    "mcpwasm.servers.proto.start-timeout=3m");

    @Test
    @SuppressWarnings("removal") // ChatClient.Builder#defaultToolCallbacks and ToolCallAdvisor: see McpWasmStarterTest
    void progressAndLogsOfAToolTheChatClientRunsAreObservable(CapturedOutput output) {
        List<McpWasmToolProgressEvent> progress = new CopyOnWriteArrayList<>();
        runner.withBean("progressLog", ApplicationListener.class,
                        () -> (ApplicationListener<PayloadApplicationEvent<McpWasmToolProgressEvent>>)
                                e -> progress.add(e.getPayload()))
                .run(context -> {
                    assertNull(context.getStartupFailure());
                    context.getBean(McpWasmServers.class).server("proto")
                            .call("add_tool", Map.of("name", "flood")); // lists the test server's hidden tool
                    ScriptedChatModel model = new ScriptedChatModel()
                            .call("p_flood", "{\"kind\":\"log\",\"count\":2}")
                            .call("p_stderr", "{\"text\":\"written to stderr by the guest\"}")
                            .call("p_progress", "{\"steps\":3}");
                    String answer = ChatClient.builder(model)
                            .defaultToolCallbacks(context.getBean(ToolCallbackProvider.class))
                            .defaultAdvisors(ToolCallAdvisor.builder().build())
                            .build().prompt("go").call().content();
                    assertEquals("done 3 steps", answer);
                });

        assertEquals(List.of(new McpWasmToolProgressEvent("proto", "p_progress", 1, 3.0, "step 1"),
                new McpWasmToolProgressEvent("proto", "p_progress", 2, 3.0, "step 2"),
                new McpWasmToolProgressEvent("proto", "p_progress", 3, 3.0, "step 3")), progress);
        String logs = output.getAll();
        assertTrue(logs.lines().anyMatch(l -> l.contains("io.mcpwasm.audit")
                && l.contains("GRANTED server=protocol-server")), logs);
        assertTrue(logs.lines().anyMatch(l -> l.contains("mcpwasm.server.protocol-server")
                && l.contains("flood 1")), () -> "no MCP log message of the server in:\n" + logs);
        assertTrue(logs.lines().anyMatch(l -> l.contains("mcpwasm.server.protocol-server")
                && l.contains("written to stderr by the guest")), () -> "no stderr line of the server in:\n" + logs);
    }
}
