package io.mcpwasm.integrations.langchain4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.langchain4j.service.AiServices;
import io.mcpwasm.McpRuntime;
import io.mcpwasm.McpServer;
import io.mcpwasm.ServerOptions;
import io.mcpwasm.wasi.HostPolicy;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * What a LangChain4j user sees of a running wasm tool: the progress it reports reaches the
 * {@link ToolProgressListener} while the agent runs it, and the audit trail, the server's MCP log messages and its
 * stderr reach the application's slf4j loggers ({@code io.mcpwasm.audit}, {@code mcpwasm.server.<name>}), captured
 * here from slf4j-simple's output. Runs the runtime's Go protocol test server, which reports progress and logs on
 * request.
 */
class ObservabilityTest {
    private static final Path PROTOCOL_SERVER = Samples.sample("java-host").resolve(
            "../../runtime/src/test/resources/guests/protocol-server.wasm").normalize();

    /** One progress report as the listener got it. */
    record Progress(String tool, double progress, Double total, String message) {}

    @Test
    void progressAndLogsOfAToolTheAgentRunsAreObservable() {
        List<Progress> progress = new CopyOnWriteArrayList<>();
        PrintStream originalErr = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        String answer;
        String logs;
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try (McpRuntime runtime = Samples.runtime(Samples.auditLog());
             McpServer server = runtime.load(PROTOCOL_SERVER).start(HostPolicy.denyAll(),
                     ServerOptions.builder().startTimeout(Duration.ofMinutes(3)).build())) {
            server.call("add_tool", Map.of("name", "flood")); // lists the test server's hidden tool
            WasmToolProvider tools = WasmToolProvider.builder().server("p_", server)
                    .progressListener((tool, p, total, message) -> progress.add(new Progress(tool, p, total, message)))
                    .build();
            ScriptedChatModel model = new ScriptedChatModel()
                    .call("p_flood", "{\"kind\":\"log\",\"count\":2}")
                    .call("p_stderr", "{\"text\":\"written to stderr by the guest\"}")
                    .call("p_progress", "{\"steps\":3}");
            answer = AiServices.builder(Agent.class).chatModel(model).toolProvider(tools).build().chat("go");
        } finally {
            System.setErr(originalErr);
            logs = captured.toString(StandardCharsets.UTF_8);
        }

        assertEquals("done 3 steps", answer);
        assertEquals(List.of(new Progress("p_progress", 1, 3.0, "step 1"), new Progress("p_progress", 2, 3.0, "step 2"),
                new Progress("p_progress", 3, 3.0, "step 3")), progress);

        assertTrue(logs.contains("io.mcpwasm.audit - GRANTED server=protocol-server"), logs);
        assertTrue(logs.lines().anyMatch(l -> l.contains("mcpwasm.server.protocol-server")
                && l.contains("flood 1")), () -> "no MCP log message of the server in:\n" + logs);
        assertTrue(logs.lines().anyMatch(l -> l.contains("mcpwasm.server.protocol-server")
                && l.contains("written to stderr by the guest")), () -> "no stderr line of the server in:\n" + logs);
    }
}
