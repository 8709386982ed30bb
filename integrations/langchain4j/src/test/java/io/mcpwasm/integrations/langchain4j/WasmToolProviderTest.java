package io.mcpwasm.integrations.langchain4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.json.JsonBooleanSchema;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.request.json.JsonStringSchema;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.service.tool.ToolProviderRequest;
import io.mcpwasm.McpRuntime;
import io.mcpwasm.McpServer;
import io.mcpwasm.ServerOptions;
import io.mcpwasm.wasi.AuditEvent;
import io.mcpwasm.wasi.HostPolicy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An {@code AiServices} agent whose model is scripted asks for tools of the Zig and Go samples through
 * {@link WasmToolProvider} and must see their real output, or their failure as a tool error, in its next turn.
 */
class WasmToolProviderTest {
    private static final ServerOptions OPTIONS = ServerOptions.builder()
            .startTimeout(Duration.ofMinutes(3))
            .autoRestart(Duration.ofMillis(50), Duration.ofSeconds(1))
            .build();
    private static final List<AuditEvent> AUDIT = Samples.auditLog();

    @TempDir
    static Path temp;
    private static McpRuntime runtime;
    private static McpServer zig;
    private static McpServer workspace;
    private static Path docs;

    @BeforeAll
    static void start() throws Exception {
        docs = temp.resolve("docs");
        Samples.copyTree(Samples.sample("go-workspace/sample-docs"), docs);
        Path secret = Files.writeString(temp.resolve("secret.txt"), "TOP-SECRET\n");
        Files.createSymbolicLink(docs.resolve("innocent.txt"), secret.toAbsolutePath());

        runtime = Samples.runtime(AUDIT);
        zig = runtime.load(Samples.sample("zig-tools/zig-tools.wasm")).start(HostPolicy.denyAll(), OPTIONS);
        workspace = runtime.load(Samples.sample("go-workspace/go-workspace.wasm"))
                .start(HostPolicy.builder().mountReadOnly("/workspace", docs).build(), OPTIONS);
    }

    @AfterAll
    static void stop() {
        if (runtime != null) {
            runtime.close();
        }
    }

    private static final ToolProviderRequest REQUEST = new ToolProviderRequest("memory", UserMessage.from("hi"));

    private static WasmToolProvider both() {
        return WasmToolProvider.builder().server("zig_", zig).server("ws_", workspace).build();
    }

    private static Agent agent(ScriptedChatModel model, WasmToolProvider tools) {
        return AiServices.builder(Agent.class).chatModel(model).toolProvider(tools).build();
    }

    @Test
    void theAgentSeesTheRealOutputOfTheZigTool() throws Exception {
        ScriptedChatModel model = new ScriptedChatModel().call("zig_sha256", "{\"text\":\"hello wasm\"}");
        String answer = agent(model, both()).chat("hash it");

        String expected = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest("hello wasm".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        ToolExecutionResultMessage result = model.toolResults().get(0);
        assertEquals("zig_sha256", result.toolName());
        assertEquals(expected, result.text());
        assertFalse(Boolean.TRUE.equals(result.isError()));
        assertEquals(expected, answer);
    }

    @Test
    void theAgentReadsAWorkspaceFileThroughTheGoServer() throws Exception {
        ScriptedChatModel model = new ScriptedChatModel()
                .call("ws_list_files", "{\"pattern\":\"**/*.txt\"}")
                .call("ws_read_file", "{\"path\":\"notes/todo.txt\"}");
        String answer = agent(model, both()).chat("what is to do?");

        List<ToolExecutionResultMessage> results = model.toolResults();
        assertEquals(2, results.size());
        assertTrue(results.get(0).text().lines().anyMatch("notes/todo.txt"::equals), results.get(0).text());
        assertEquals(Files.readString(docs.resolve("notes/todo.txt")), answer);
    }

    @Test
    void specificationsComeFromTheInputSchemasUnderTheirPrefixes() {
        var tools = both().provideTools(REQUEST);
        Set<String> names = tools.tools().keySet().stream().map(ToolSpecification::name)
                .collect(Collectors.toCollection(TreeSet::new));
        assertEquals(Set.of("zig_sha256", "zig_base64_encode", "zig_base64_decode", "zig_json_format",
                "zig_text_stats", "ws_list_files", "ws_read_file", "ws_search_text", "ws_file_info"), names);

        ToolSpecification encode = tools.toolSpecificationByName("zig_base64_encode");
        assertFalse(encode.description().isBlank());
        JsonObjectSchema p = encode.parameters();
        assertInstanceOf(JsonStringSchema.class, p.properties().get("text"));
        assertInstanceOf(JsonBooleanSchema.class, p.properties().get("urlSafe"));
        assertEquals(List.of("text"), p.required());
        assertTrue(tools.toolSpecificationByName("ws_read_file").parameters().required().contains("path"));
    }

    @Test
    void aToolErrorReachesTheModelAsAToolError() {
        ScriptedChatModel model = new ScriptedChatModel().call("zig_base64_decode", "{\"data\":\"@@not base64@@\"}");
        agent(model, both()).chat("decode");

        ToolExecutionResultMessage r = model.toolResults().get(0);
        assertEquals(Boolean.TRUE, r.isError(), r.text());
        assertTrue(r.text().toLowerCase().contains("base64"), r.text());
    }

    @Test
    void aDeniedCapabilityReachesTheModelAsAToolErrorAndIsAudited() {
        ScriptedChatModel model = new ScriptedChatModel().call("ws_read_file", "{\"path\":\"innocent.txt\"}");
        String answer = agent(model, both()).chat("read the link");

        ToolExecutionResultMessage r = model.toolResults().get(0);
        assertEquals(Boolean.TRUE, r.isError());
        assertEquals("open innocent.txt: Capabilities insufficient", r.text());
        assertFalse(answer.contains("TOP-SECRET"));
        assertTrue(AUDIT.stream().anyMatch(e -> e.decision() == AuditEvent.Decision.DENIED
                && e.server().equals("go-workspace") && e.target().equals("/workspace/innocent.txt")), AUDIT::toString);
    }

    @Test
    void aTimeoutReachesTheModelAsAToolError() {
        WasmToolProvider impatient = WasmToolProvider.builder().server(zig).callTimeout(Duration.ofNanos(1)).build();
        ScriptedChatModel model = new ScriptedChatModel().call("sha256", "{\"text\":\"x\"}");
        agent(model, impatient).chat("hash a lot");

        ToolExecutionResultMessage r = model.toolResults().get(0);
        assertEquals(Boolean.TRUE, r.isError());
        assertEquals("MCP server 'zig-tools' did not answer tools/call", r.text().replaceFirst(" \\(request.*", ""));
        assertTrue(r.text().endsWith("within PT0.000000001S"), r.text());
        // the server is still usable afterwards
        ScriptedChatModel next = new ScriptedChatModel().call("zig_text_stats", "{\"text\":\"a b\"}");
        assertTrue(agent(next, both()).chat("count").contains("\"words\":2"));
    }

    @Test
    void argumentsThatAreNotAJsonObjectAreAToolError() {
        ScriptedChatModel model = new ScriptedChatModel().call("zig_sha256", "[1,2]");
        agent(model, both()).chat("go");
        ToolExecutionResultMessage r = model.toolResults().get(0);
        assertEquals(Boolean.TRUE, r.isError());
        assertEquals("the arguments of tool 'zig_sha256' must be a JSON object, got: array", r.text());
    }

    @Test
    void aFilterKeepsOnlyTheToolsItAccepts() {
        WasmToolProvider some = WasmToolProvider.builder().server(zig).server(workspace)
                .filter((server, tool) -> server.equals("zig-tools") ? tool.name().startsWith("base64")
                        : tool.name().equals("file_info"))
                .build();
        Set<String> names = some.provideTools(REQUEST).tools().keySet().stream()
                .map(ToolSpecification::name).collect(Collectors.toCollection(TreeSet::new));
        assertEquals(Set.of("base64_encode", "base64_decode", "file_info"), names);
    }

    @Test
    void twoToolsUnderOneNameAreRefusedNamingBothServers() {
        WasmToolProvider clash = WasmToolProvider.builder().server(zig).server("", zig).build();
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> clash.provideTools(REQUEST));
        assertTrue(e.getMessage().startsWith("tool name 'sha256' is offered by server 'zig-tools' and by server"
                + " 'zig-tools'"), e.getMessage());
    }
}
