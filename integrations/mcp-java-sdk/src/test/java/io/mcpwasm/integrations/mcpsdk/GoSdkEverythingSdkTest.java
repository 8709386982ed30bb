package io.mcpwasm.integrations.mcpsdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
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
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The official Go SDK's examples/server/everything (go-sdk v1.8.0), built unchanged by samples/third-party/build.sh,
 * driven by the official Java SDK's client through the adapter (protocol 2025-11-25): every tool, resource,
 * template and prompt; its sampling, elicitation (form and url) and roots tools send requests back to the client,
 * which the client's handlers answer.
 */
class GoSdkEverythingSdkTest {
    private static final Path THIRD_PARTY = Path.of("../../samples/third-party");
    private static final Duration REQUEST_TIMEOUT = Duration.ofMinutes(2);

    private static McpRuntime runtime;
    private static McpModule everything;
    private static McpModule mcpGo;

    @BeforeAll
    static void load() {
        runtime = McpRuntime.builder().compileCache(Path.of("target/test-compile-cache")).build();
        everything = runtime.load(THIRD_PARTY.resolve("go-sdk-everything.wasm"));
        mcpGo = runtime.load(THIRD_PARTY.resolve("mcp-go-everything.wasm"));
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
        List<String> modes = new java.util.concurrent.CopyOnWriteArrayList<>();
        WasmMcpTransport transport = WasmMcpTransport.start(everything, HostPolicy.denyAll());
        try (McpSyncClient client = McpClient.sync(transport).requestTimeout(REQUEST_TIMEOUT)
                .initializationTimeout(REQUEST_TIMEOUT)
                .capabilities(McpSchema.ClientCapabilities.builder().roots(true).sampling()
                        .elicitation(true, true).build())
                .roots(new McpSchema.Root("file:///work", "work"))
                .sampling(req -> {
                    samplings.incrementAndGet();
                    return McpSchema.CreateMessageResult.builder(McpSchema.Role.ASSISTANT, "sampled by the host",
                            "test-model").build();
                })
                .elicitation(req -> {
                    elicitations.incrementAndGet();
                    modes.add("form:" + req.message());
                    return new McpSchema.ElicitResult(McpSchema.ElicitResult.Action.ACCEPT,
                            Map.of("random", "xyzzy"));
                })
                .urlElicitation(req -> {
                    elicitations.incrementAndGet();
                    modes.add("url:" + req.message() + " " + req.url());
                    return new McpSchema.ElicitResult(McpSchema.ElicitResult.Action.ACCEPT, null);
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

            CallToolResult structured = client.callTool(call("greet (structured)", Map.of("name", "Bo")));
            assertEquals("Hi Bo", ((Map<?, ?>) structured.structuredContent()).get("message"));
            assertEquals("Hi Cy", ((Map<?, ?>) client.callTool(call("greet (with Icons)", Map.of("name", "Cy")))
                    .structuredContent()).get("message"));
            McpSchema.ResourceLink link = (McpSchema.ResourceLink) client.callTool(
                    call("greet (content with ResourceLink)", Map.of("name", "Di"))).content().get(0);
            assertEquals("data:text/plain,Hi%20Di", link.uri());
            assertFalse(Boolean.TRUE.equals(client.callTool(call("ping", Map.of())).isError()));
            client.setLoggingLevel(McpSchema.LoggingLevel.DEBUG);
            assertFalse(Boolean.TRUE.equals(client.callTool(call("log", Map.of())).isError()));
            assertEquals("(elicitation pending)", text(client.callTool(call("elicit (url)", Map.of()))));
            assertEquals(2, elicitations.get(), "the url elicitation reached the handler too");
            assertEquals(List.of("form:provide a random string", "url:submit a string http://localhost:6062?id=1"),
                    modes);
            assertEquals(List.of("http://example.com/~{resource_name}/"), client.listResourceTemplates()
                    .resourceTemplates().stream().map(McpSchema.ResourceTemplate::uriTemplate).toList());
            assertEquals(List.of("greet", "greet (with Icons)"),
                    client.listPrompts().prompts().stream().map(McpSchema.Prompt::name).sorted().toList());
            assertEquals(List.of("Edx"), client.completeCompletion(new McpSchema.CompleteRequest(
                    new McpSchema.PromptReference("greet"),
                    new McpSchema.CompleteRequest.CompleteArgument("name", "Ed"))).completion().values());

            McpSchema.GetPromptResult prompt = client.getPrompt(
                    new McpSchema.GetPromptRequest("greet", Map.of("name", "Bob")));
            assertEquals("Say hi to Bob", ((TextContent) prompt.messages().get(0).content()).text());
            McpSchema.ReadResourceResult info = client.readResource(new McpSchema.ReadResourceRequest("embedded:info"));
            assertEquals("This is the hello example server.",
                    ((McpSchema.TextResourceContents) info.contents().get(0)).text());
            assertTrue(client.closeGracefully());
        }
    }

    /**
     * mcp-go's examples/everything (github.com/mark3labs/mcp-go v1.2.1), built the same way: every tool, resource,
     * resource template and prompt it offers, completion, logging level, subscriptions and ping. (It offers no
     * sampling, elicitation or roots.)
     */
    @Test
    @SuppressWarnings("deprecation") // the SDK's request convenience constructors
    void mcpGoEverythingAnswersEveryToolResourceAndPromptThroughTheSdk() {
        WasmMcpTransport transport = WasmMcpTransport.start(mcpGo, HostPolicy.denyAll());
        try (McpSyncClient client = McpClient.sync(transport).requestTimeout(REQUEST_TIMEOUT)
                .initializationTimeout(REQUEST_TIMEOUT).build()) {
            McpSchema.InitializeResult init = client.initialize();
            assertEquals("example-servers/everything", init.serverInfo().name());
            client.ping();

            assertEquals(List.of("add", "echo", "getTinyImage", "get_resource_link", "longRunningOperation",
                    "notify"), client.listTools().tools().stream().map(McpSchema.Tool::name).sorted().toList());
            assertEquals("Echo: hi", text(client.callTool(call("echo", Map.of("message", "hi")))));
            assertEquals("The sum of 1.500000 and 2.000000 is 3.500000.",
                    text(client.callTool(call("add", Map.of("a", 1.5, "b", 2)))));
            assertEquals("notification sent successfully", text(client.callTool(call("notify", Map.of()))));
            CallToolResult image = client.callTool(call("getTinyImage", Map.of()));
            assertEquals("This is a tiny image:", text(image));
            McpSchema.ImageContent png = assertInstanceOf(McpSchema.ImageContent.class, image.content().get(1));
            assertEquals("image/png", png.mimeType());
            byte[] pngBytes = Base64.getDecoder().decode(png.data());
            assertEquals("PNG", new String(pngBytes, 1, 3, StandardCharsets.US_ASCII));
            CallToolResult link = client.callTool(call("get_resource_link", Map.of("resource_type", "invoice")));
            McpSchema.ResourceLink l = assertInstanceOf(McpSchema.ResourceLink.class, link.content().get(1));
            assertEquals("file:///example/invoice.pdf", l.uri());
            assertEquals("application/pdf", l.mimeType());

            List<McpSchema.Resource> resources = client.listResources().resources();
            assertTrue(resources.stream().anyMatch(r -> r.uri().equals("test://static/resource")),
                    resources.toString());
            assertTrue(resources.stream().anyMatch(r -> r.uri().equals("test://static/resource/1")),
                    resources.toString());
            McpSchema.ReadResourceResult text = client.readResource(
                    new McpSchema.ReadResourceRequest("test://static/resource/5"));
            assertEquals("Text content for resource 5",
                    ((McpSchema.TextResourceContents) text.contents().get(0)).text());
            McpSchema.ReadResourceResult blob = client.readResource(
                    new McpSchema.ReadResourceRequest("test://static/resource/6"));
            assertEquals("Binary content for resource 6", new String(Base64.getDecoder().decode(
                    ((McpSchema.BlobResourceContents) blob.contents().get(0)).blob()), StandardCharsets.UTF_8));
            assertEquals("test://static/resource", client.readResource(
                    new McpSchema.ReadResourceRequest("test://static/resource")).contents().get(0).uri());
            assertEquals(List.of("test://dynamic/resource/{id}"), client.listResourceTemplates().resourceTemplates()
                    .stream().map(McpSchema.ResourceTemplate::uriTemplate).toList());

            assertEquals(List.of("complex_prompt", "simple_prompt"),
                    client.listPrompts().prompts().stream().map(McpSchema.Prompt::name).sorted().toList());
            assertEquals("This is a simple prompt without arguments.", ((TextContent) client.getPrompt(
                    new McpSchema.GetPromptRequest("simple_prompt", Map.of())).messages().get(0).content()).text());
            McpSchema.GetPromptResult complex = client.getPrompt(new McpSchema.GetPromptRequest("complex_prompt",
                    Map.of("temperature", "0.1", "style", "formal")));
            assertEquals("This is a complex prompt with arguments: temperature=0.1, style=formal",
                    ((TextContent) complex.messages().get(0).content()).text());
            assertInstanceOf(McpSchema.ImageContent.class, complex.messages().get(2).content());
            assertEquals(List.of("technical"), client.completeCompletion(new McpSchema.CompleteRequest(
                    new McpSchema.PromptReference("complex_prompt"),
                    new McpSchema.CompleteRequest.CompleteArgument("style", "t"))).completion().values());

            client.setLoggingLevel(McpSchema.LoggingLevel.DEBUG);
            client.subscribeResource(new McpSchema.SubscribeRequest("test://static/resource"));
            client.unsubscribeResource(new McpSchema.UnsubscribeRequest("test://static/resource"));
            client.ping();
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
