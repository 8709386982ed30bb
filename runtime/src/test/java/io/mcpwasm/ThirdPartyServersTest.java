package io.mcpwasm;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mcpwasm.wasi.HostPolicy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Servers nobody here wrote, built unchanged for wasip1 (samples/third-party/build.sh), through the native API on
 * both protocol revisions: every tool, resource and prompt of go-sdk v1.8.0's everything example, and the
 * 2026-07-28 features (input requests, subscriptions/listen for resource updates and list changes) with go-sdk's
 * conformance everything-server (github.com/modelcontextprotocol/go-sdk/conformance/everything-server). Sampling,
 * elicitation and roots are answered by the host's handlers: as requests on 2025-11-25, as input requests of a
 * multi round-trip result on 2026-07-28.
 */
class ThirdPartyServersTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Path DIR = Path.of(System.getProperty("mcpwasm.thirdParty", "../samples/third-party"));
    static final String HANDSHAKE = "2025-11-25";
    static final String STATELESS = "2026-07-28";
    static final Map<String, McpModule> MODULES = new HashMap<>();
    static McpRuntime runtime;

    /** Loads a module once per class (a 16 MB Go module takes a while to compile). */
    static synchronized McpModule module(String file) {
        Path wasm = DIR.resolve(file);
        Assertions.assertTrue(Files.isRegularFile(wasm), wasm + " is missing (samples/third-party/build.sh, cli/conformance/build.sh)");
        if (runtime == null) {
            runtime = TestGuests.runtime();
        }
        return MODULES.computeIfAbsent(file, f -> runtime.load(wasm));
    }

    @AfterAll
    static void close() {
        if (runtime != null) {
            runtime.close();
        }
    }

    /** What the host's handlers were asked, by method. */
    final List<String> asked = new CopyOnWriteArrayList<>();

    ServerOptions.Builder options(String revision) {
        return ServerOptions.builder()
                .startTimeout(Duration.ofSeconds(120))
                .protocolVersions(revision)
                .samplingHandler(p -> {
                    asked.add("sampling:" + p.path("messages").path(0).path("content").path("text").asText());
                    ObjectNode r = JSON.createObjectNode();
                    r.put("role", "assistant");
                    r.putObject("content").put("type", "text").put("text", "Paris, said the host");
                    r.put("model", "host-model");
                    return r;
                })
                .elicitationHandler(p -> {
                    asked.add("elicitation:" + p.path("message").asText()
                            + (p.has("url") ? " " + p.path("url").asText() : ""));
                    ObjectNode r = JSON.createObjectNode().put("action", "accept");
                    if (!p.has("url")) {
                        ObjectNode c = r.putObject("content");
                        p.path("requestedSchema").path("properties").fieldNames()
                                .forEachRemaining(f -> c.put(f, f.equals("ok") ? "true" : "host-" + f));
                        if (c.has("ok")) {
                            c.put("ok", true);
                        }
                    }
                    return r;
                })
                .rootsHandler(p -> {
                    asked.add("roots");
                    ObjectNode r = JSON.createObjectNode();
                    r.putArray("roots").addObject().put("uri", "file:///work").put("name", "work");
                    return r;
                });
    }

    // ------------------------------------------------------------------ go-sdk examples/server/everything

    @ParameterizedTest
    @ValueSource(strings = {HANDSHAKE, STATELESS})
    void goSdkEverythingAnswersEveryToolResourceAndPrompt(String revision) {
        McpModule module = module("go-sdk-everything.wasm");
        try (McpServer server = module.start(HostPolicy.denyAll(), options(revision).build())) {
            assertEquals(revision, server.info().protocolVersion());
            assertEquals("everything", server.info().name());
            assertEquals("Use this server!", server.info().instructions());
            server.ping();

            assertEquals(List.of("greet", "greet (structured)", "greet (with Icons)",
                    "greet (content with ResourceLink)", "ping", "log", "sample", "elicit (form)", "elicit (url)",
                    "roots"), server.tools().stream().map(Tool::name).sorted(this::toolOrder)
                    .collect(Collectors.toList()));
            assertEquals("Hi Ann", server.call("greet", Map.of("name", "Ann")).text());
            ToolResult structured = server.call("greet (structured)", Map.of("name", "Bo"));
            assertEquals("Hi Bo", structured.structuredContent().path("message").asText());
            assertEquals("Hi Cy", server.call("greet (with Icons)", Map.of("name", "Cy"))
                    .structuredContent().path("message").asText());
            ResourceLink link = (ResourceLink) server.call("greet (content with ResourceLink)",
                    Map.of("name", "Di")).content().get(0);
            assertEquals("data:text/plain,Hi%20Di", link.uri());

            server.setLogLevel(LogLevel.DEBUG);
            assertFalse(server.call("log", Map.of()).isError());

            List<Resource> resources = server.resources();
            assertEquals(List.of("embedded:info"), resources.stream().map(Resource::uri).toList(),
                    "its two resources share a URI, so the second replaces the first");
            assertEquals("This is the hello example server.", server.read("embedded:info").get(0).text());
            assertEquals("http://example.com/~{resource_name}/",
                    server.resourceTemplates().get(0).uriTemplate());
            assertEquals(List.of("greet", "greet (with Icons)"), server.prompts().stream().map(Prompt::name)
                    .sorted().collect(Collectors.toList()));
            PromptResult prompt = server.prompt("greet", Map.of("name", "Ed"));
            assertEquals("Say hi to Ed", ((TextContent) prompt.messages().get(0).content()).text());
            assertEquals(List.of("Edx"), server.complete(CompletionReference.prompt("greet"), "name", "Ed", null)
                    .values());

            McpErrorException noSubscribe = assertThrows(McpErrorException.class,
                    () -> server.subscribe("embedded:info"));
            assertTrue(noSubscribe.getMessage().contains("subscri"), noSubscribe.getMessage());

            if (revision.equals(HANDSHAKE)) {
                // the server's request-style calls reach the host's handlers
                assertFalse(server.call("ping", Map.of()).isError());
                assertEquals("Paris, said the host", server.call("sample", Map.of()).text());
                assertEquals("host-random", server.call("elicit (form)", Map.of()).text());
                assertEquals("(elicitation pending)", server.call("elicit (url)", Map.of()).text());
                assertEquals("work:file:///work", server.call("roots", Map.of()).text());
                assertEquals(List.of("sampling:", "elicitation:provide a random string",
                        "elicitation:submit a string http://localhost:6062?id=1", "roots"), asked);
            } else {
                // go-sdk refuses its request-style calls on 2026-07-28 (the reason the default is the handshake):
                // the tools fail, the session goes on
                ToolResult sample = server.call("sample", Map.of());
                assertTrue(sample.isError());
                assertTrue(sample.text().contains("InputRequests"), sample.text());
                assertTrue(asked.isEmpty(), asked.toString());
                server.ping();
            }
        }
    }

    private int toolOrder(String a, String b) {
        List<String> order = List.of("greet", "greet (structured)", "greet (with Icons)",
                "greet (content with ResourceLink)", "ping", "log", "sample", "elicit (form)", "elicit (url)",
                "roots");
        return Integer.compare(order.indexOf(a), order.indexOf(b));
    }

    // ------------------------------------------------------------------ mcp-go examples/everything

    @ParameterizedTest
    @ValueSource(strings = {HANDSHAKE, STATELESS})
    void mcpGoEverythingAnswersEveryToolResourceAndPrompt(String revision) {
        McpModule module = module("mcp-go-everything.wasm");
        try (McpServer server = module.start(HostPolicy.denyAll(), options(revision).args("-t", "stdio").build())) {
            assertEquals(revision, server.info().protocolVersion());
            assertEquals("example-servers/everything", server.info().name());
            server.ping();
            assertEquals(List.of("add", "echo", "getTinyImage", "get_resource_link", "longRunningOperation",
                    "notify"), server.tools().stream().map(Tool::name).sorted().collect(Collectors.toList()));
            assertEquals("Echo: hello", server.call("echo", Map.of("message", "hello")).text());
            assertEquals("The sum of 2.000000 and 3.500000 is 5.500000.",
                    server.call("add", Map.of("a", 2, "b", 3.5)).text());
            assertEquals("notification sent successfully", server.call("notify", Map.of()).text());
            ToolResult image = server.call("getTinyImage", Map.of());
            assertEquals("This is a tiny image:\nThe image above is the MCP tiny image.", image.text());
            ImageContent png = (ImageContent) image.content().get(1);
            assertEquals("image/png", png.mimeType());
            assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G'}, java.util.Arrays.copyOf(png.bytes(), 4));
            ToolResult link = server.call("get_resource_link", Map.of("resource_type", "report"));
            assertEquals("file:///example/report.pdf", ((ResourceLink) link.content().get(1)).uri());

            List<Resource> resources = server.resources();
            assertEquals(101, resources.size(), "the static resource and 100 generated ones");
            assertEquals("test://static/resource", server.read("test://static/resource").get(0).uri());
            assertEquals("Text content for resource 3", server.read("test://static/resource/3").get(0).text());
            ResourceContents blob = server.read("test://static/resource/4").get(0);
            assertEquals("Binary content for resource 4",
                    new String(blob.bytes(), java.nio.charset.StandardCharsets.UTF_8));
            assertEquals("test://dynamic/resource/{id}", server.resourceTemplates().get(0).uriTemplate());
            assertEquals(List.of("complex_prompt", "simple_prompt"), server.prompts().stream().map(Prompt::name)
                    .sorted().collect(Collectors.toList()));
            assertEquals("This is a simple prompt without arguments.", ((TextContent) server.prompt("simple_prompt",
                    Map.of()).messages().get(0).content()).text());
            PromptResult complex = server.prompt("complex_prompt", Map.of("temperature", "0.7", "style", "terse"));
            assertEquals("This is a complex prompt with arguments: temperature=0.7, style=terse",
                    ((TextContent) complex.messages().get(0).content()).text());
            assertInstanceOf(ImageContent.class, complex.messages().get(2).content());
            assertEquals(List.of("casual", "creative"), server.complete(CompletionReference.prompt("complex_prompt"),
                    "style", "c", null).values());
            server.setLogLevel(LogLevel.DEBUG);
            if (revision.equals(HANDSHAKE)) {
                server.subscribe("test://static/resource");
                server.unsubscribe("test://static/resource");
            }
            // On 2026-07-28 a subscription is a subscriptions/listen stream whose answer mcp-go writes from another
            // goroutine after its stdin reader is back in fd_read: it waits for the next input line, the same
            // limitation as longRunningOperation's below.
            server.ping();
        }
    }

    /**
     * NOT YET WORKING (issue 10): longRunningOperation sleeps between progress notifications while Go's scheduler otherwise waits on stdin
     * (poll_oneoff with an fd_read and a clock subscription): the timers must fire while stdin stays empty, so the
     * notifications arrive spread over the call, not all at its end, and the result arrives on time.
     */
    @Disabled("mcp-go's stdin reader blocks the only wasm thread in fd_read while the tool's goroutine sleeps on a "
            + "Go timer; Go's wasip1 scheduler, kept busy by os/signal's sched_yield loop, never polls, so neither a "
            + "bounded read nor EAGAIN lets the timer fire without the next input line (see the report in issue 10)")
    @ParameterizedTest
    @ValueSource(strings = {HANDSHAKE, STATELESS})
    void mcpGoLongRunningOperationReportsProgressWhileItRuns(String revision) {
        McpModule module = module("mcp-go-everything.wasm");
        try (McpServer server = module.start(HostPolicy.denyAll(), options(revision).build())) {
            List<long[]> progress = new CopyOnWriteArrayList<>();
            List<String> messages = new CopyOnWriteArrayList<>();
            long start = System.nanoTime();
            ToolResult r = server.call("longRunningOperation", Map.of("duration", 2, "steps", 4),
                    CallOptions.builder().timeout(Duration.ofSeconds(60)).progressListener((p, total, message) -> {
                        progress.add(new long[] {(long) p, System.nanoTime() - start});
                        messages.add(message);
                    }).build());
            long took = System.nanoTime() - start;
            assertEquals("Long running operation completed. Duration: 2.000000 seconds, Steps: 4.", r.text());
            assertEquals(List.of(1L, 2L, 3L, 4L), progress.stream().map(p -> p[0]).toList());
            assertEquals(List.of("Server progress 25%", "Server progress 50%", "Server progress 75%",
                    "Server progress 100%"), messages);
            assertTrue(took >= TimeUnit.MILLISECONDS.toNanos(2000), "the guest slept its 4 x 500 ms: " + took);
            assertTrue(took < TimeUnit.SECONDS.toNanos(20), "the result came on time, not at a timeout: " + took);
            long firstAt = progress.get(0)[1];
            long lastAt = progress.get(3)[1];
            assertTrue(lastAt - firstAt >= TimeUnit.MILLISECONDS.toNanos(1200),
                    "the notifications are spread over the call, not bunched at its end: first at "
                            + firstAt / 1_000_000 + " ms, last at " + lastAt / 1_000_000 + " ms");
            assertTrue(firstAt < took - TimeUnit.MILLISECONDS.toNanos(1200),
                    "the first arrived well before the result: " + firstAt / 1_000_000 + " of " + took / 1_000_000);
        }
    }

    // ------------------------------------------------------------------ arguments: manifest defaults, host override

    /**
     * go-sdk's memory example persists its knowledge base to the file its {@code -memory} flag names. The module
     * gets a manifest (embedded into a copy) that mounts /data and passes {@code -memory /data/from-manifest.json};
     * a host's {@code ServerOptions.args} replace those arguments.
     */
    @Test
    void manifestArgsReachTheGuestAndServerOptionsReplaceThem(@TempDir Path tmp) throws Exception {
        byte[] wasm = Files.readAllBytes(DIR.resolve("go-sdk-memory.wasm"));
        byte[] withManifest = io.mcpwasm.wasi.Manifest.embed(wasm, """
                {"manifestVersion": 1, "name": "memory",
                 "mounts": [{"guestPath": "/data", "mode": "rw", "purpose": "the knowledge base file"}],
                 "args": ["-memory", "/data/from-manifest.json"]}
                """.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        if (runtime == null) {
            runtime = TestGuests.runtime();
        }
        McpModule module = runtime.load(withManifest, "memory");
        assertEquals(List.of("-memory", "/data/from-manifest.json"), module.manifest().orElseThrow().args());
        Path data = Files.createDirectories(tmp.resolve("data"));
        HostPolicy policy = HostPolicy.builder().mount("/data", data).build();
        Map<String, Object> entity = Map.of("entities", List.of(Map.of("name", "Ada", "entityType", "person",
                "observations", List.of("wrote the first program"))));

        try (McpServer server = module.start(policy, options(HANDSHAKE).build())) {
            assertFalse(server.call("create_entities", entity).isError());
        }
        String saved = Files.readString(data.resolve("from-manifest.json"));
        assertTrue(saved.contains("wrote the first program"), saved);

        try (McpServer server = module.start(policy, options(HANDSHAKE)
                .args("-memory", "/data/from-options.json").build())) {
            String graph = server.call("read_graph", Map.of()).text();
            assertFalse(graph.contains("Ada"), "a fresh file, the manifest's is not read: " + graph);
            assertFalse(server.call("create_entities", entity).isError());
        }
        assertTrue(Files.readString(data.resolve("from-options.json")).contains("Ada"));
        assertEquals(saved, Files.readString(data.resolve("from-manifest.json")), "the manifest's file is untouched");

        try (McpServer server = module.start(policy, options(HANDSHAKE).args(List.of()).build())) {
            assertFalse(server.call("create_entities", entity).isError());
        }
        try (var files = Files.list(data)) {
            assertEquals(List.of("from-manifest.json", "from-options.json"),
                    files.map(f -> f.getFileName().toString()).sorted().toList(),
                    "no arguments: the knowledge base stays in memory");
        }
    }

    // ------------------------------------------------------------------ go-sdk conformance/everything-server

    /**
     * On the multi round-trip path the host's answer is part of the call: a handler's checked exception fails the
     * call with {@link HostHandlerException} naming the server and the request, the handler's failure as its cause
     * (it used to be a bare root exception).
     */
    @Test
    void aHandlersCheckedFailureWithinACallIsAHostHandlerException() {
        McpModule module = module("../../cli/conformance/everything-server.wasm");
        Exception refusal = new java.io.IOException("the roots store is offline");
        ServerOptions opts = options(STATELESS).rootsHandler(p -> {
            throw refusal;
        }).build();
        try (McpServer server = module.start(HostPolicy.denyAll(), opts)) {
            HostHandlerException e = assertThrows(HostHandlerException.class,
                    () -> server.call("test_input_required_result_list_roots", Map.of()));
            assertEquals(server.name(), e.serverName());
            assertEquals("roots/list", e.method());
            assertSame(refusal, e.getCause());
            server.ping(); // the session goes on
        }
    }


    @ParameterizedTest
    @ValueSource(strings = {HANDSHAKE, STATELESS})
    void goSdkConformanceServerReachesTheHostsHandlersAndDeliversResourceUpdates(String revision) throws Exception {
        McpModule module = module("../../cli/conformance/everything-server.wasm") /* the gateway's build of the same server */;
        BlockingQueue<String> updated = new LinkedBlockingQueue<>();
        BlockingQueue<List<Tool>> toolsChanged = new LinkedBlockingQueue<>();
        ServerOptions opts = options(revision).listener(new ServerListener() {
            @Override
            public void resourceUpdated(String uri) {
                updated.add(uri);
            }

            @Override
            public void toolsChanged(List<Tool> tools) {
                toolsChanged.add(tools);
            }
        }).build();
        try (McpServer server = module.start(HostPolicy.denyAll(), opts)) {
            assertEquals(revision, server.info().protocolVersion());
            server.ping();
            if (revision.equals(HANDSHAKE)) {
                assertEquals("LLM response: Paris, said the host",
                        server.call("test_sampling", Map.of("prompt", "capital of France?")).text());
                assertEquals("Elicitation result: action=accept, content=map[username:host-username]",
                        server.call("test_elicitation", Map.of("message", "who?")).text());
                assertEquals(List.of("sampling:capital of France?", "elicitation:who?"), asked);
            } else {
                assertEquals("Hello, host-name!", server.call("test_input_required_result_elicitation",
                        Map.of()).text());
                assertEquals("Sampling response: Paris, said the host",
                        server.call("test_input_required_result_sampling", Map.of()).text());
                assertEquals("Client exposed 1 root(s): file:///work",
                        server.call("test_input_required_result_list_roots", Map.of()).text());
                assertEquals("state-ok: requestState received and confirmation accepted",
                        server.call("test_input_required_result_request_state", Map.of()).text());
                assertEquals("Paris, said the host host-name — 1 root(s) visible",
                        server.call("test_input_required_result_multiple_inputs", Map.of()).text());
                assertEquals("Multi-round complete: host-name likes host-color",
                        server.call("test_input_required_result_multi_round", Map.of()).text());
                PromptResult p = server.prompt("test_input_required_result_prompt", Map.of());
                assertEquals("Context: host-context", ((TextContent) p.messages().get(0).content()).text());
            }
            assertTrue(server.complete(CompletionReference.prompt("test_prompt_with_arguments"), "arg1", "a", null)
                    .values().isEmpty());

            int tools = server.tools().size();
            assertEquals("tools_list_changed published", server.call("test_trigger_tool_change", Map.of()).text());
            List<Tool> now = toolsChanged.poll(10, TimeUnit.SECONDS);
            assertNotNull(now, "notifications/tools/list_changed reached the listener");
            assertEquals(tools + 1, now.size());
            assertTrue(server.tools().stream().anyMatch(t -> t.name().equals("__transient_tool_for_list_changed")));

            server.subscribe("test://watched-resource");
            assertEquals("test://watched-resource", updated.poll(15, TimeUnit.SECONDS),
                    "the server updates it every 3 s");
            server.unsubscribe("test://watched-resource");
            Thread.sleep(500);
            updated.clear();
            assertNull(updated.poll(7, TimeUnit.SECONDS), "no update after unsubscribe");
            server.ping();
        }
    }
}
