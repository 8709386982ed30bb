package io.mcpwasm;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.mcpwasm.wasi.HostPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The MCP client against a real Go guest (src/test/guests/protocol-server) running on our WASI host, compiled by
 * Chicory: every protocol feature the issue lists, exercised over the real stdio path.
 */
class ProtocolServerTest {
    static McpRuntime runtime;
    static McpModule module;
    static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    static void load() {
        runtime = TestGuests.runtime();
        module = runtime.load(TestGuests.guest("protocol-server"));
    }

    @AfterAll
    static void close() {
        runtime.close();
    }

    @Test
    void initializesWithTheHandshakeListsEveryPageAndCallsATool() {
        try (McpServer server = module.start(HostPolicy.denyAll())) {
            assertEquals(ServerState.READY, server.state());
            assertEquals("2025-11-25", server.info().protocolVersion());
            assertTrue(server.info().legacyHandshake());
            assertEquals("protocol-server", server.info().name());
            List<Tool> tools = server.tools();
            assertEquals(19, tools.size(), "all pages of 4: " + tools);
            assertEquals("env", tools.get(tools.size() - 1).name());
            ToolResult r = server.call("echo", Map.of("text", "hello wasm"));
            assertFalse(r.isError());
            assertEquals("hello wasm", r.text());
        }
    }

    @Test
    void detectsAStatelessServerThroughServerDiscover() {
        HostPolicy policy = HostPolicy.builder().env("MCP_TEST_REVISION", "2026-07-28").build();
        try (McpServer server = module.start(policy)) {
            assertEquals("2026-07-28", server.info().protocolVersion());
            assertFalse(server.info().legacyHandshake());
            assertEquals("2.0.0", server.info().version());
            // The server refuses any request without the per-request _meta protocol version: this passing proves
            // the client sends it on every request.
            assertEquals(19, server.tools().size());
            assertEquals("stateless", server.call("echo", Map.of("text", "stateless")).text());
        }
    }

    @Test
    void theHostChoosesTheRevisionAndNeverGetsAFallbackItDidNotList() {
        HostPolicy modern = HostPolicy.builder().env("MCP_TEST_REVISION", "2026-07-28").build();
        // a 2026-07-28-only guest refuses initialize: with only 2025-11-25 accepted, that is the end
        ServerFailedException refused = assertThrows(ServerFailedException.class, () -> module.start(modern,
                ServerOptions.builder().protocolVersions("2025-11-25").build()));
        assertEquals(FailureKind.START_FAILED, refused.kind());
        assertTrue(refused.getMessage().contains("answered initialize with error"), refused.getMessage());
        // a handshake guest asked for 2026-07-28 only: server/discover is refused, no initialize follows
        ServerFailedException legacy = assertThrows(ServerFailedException.class, () -> module.start(
                HostPolicy.denyAll(), ServerOptions.builder().protocolVersions("2026-07-28").build()));
        assertEquals(FailureKind.START_FAILED, legacy.kind());
        assertTrue(legacy.getMessage().contains("server/discover with error -32601"), legacy.getMessage());
        // the stateless-first preference reaches the handshake guest after its refusal
        try (McpServer server = module.start(HostPolicy.denyAll(),
                ServerOptions.builder().protocolVersions("2026-07-28", "2025-11-25").build())) {
            assertEquals("2025-11-25", server.info().protocolVersion());
            server.ping();
        }
    }

    @Test
    void aGuestThatDoesNotAnswerItsSetUpInTheStartTimeoutFailsToStartSayingSo() {
        // reads stdin and never writes: a guest too slow to answer
        byte[] silent = com.dylibso.chicory.wabt.Wat2Wasm.parse("""
                (module
                  (import "wasi_snapshot_preview1" "fd_read" (func $fd_read (param i32 i32 i32 i32) (result i32)))
                  (memory (export "memory") 1)
                  (func (export "_start")
                    (i32.store (i32.const 0) (i32.const 64))
                    (i32.store (i32.const 4) (i32.const 1024))
                    (loop $more
                      (drop (call $fd_read (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 8)))
                      (br_if $more (i32.gt_u (i32.load (i32.const 8)) (i32.const 0))))))
                """);
        McpModule m = runtime.load(silent, "silent");
        ServerFailedException f = assertThrows(ServerFailedException.class, () -> m.start(HostPolicy.denyAll(),
                ServerOptions.builder().startTimeout(Duration.ofMillis(500)).build()));
        assertEquals(FailureKind.START_FAILED, f.kind());
        assertTrue(f.getMessage().contains("did not answer initialize"), f.getMessage());
        assertTrue(f.getMessage().contains("ServerOptions.startTimeout"), f.getMessage());
    }

    @Test
    void returnsEveryContentTypeStructuredContentAndToolErrors() {
        try (McpServer server = module.start(HostPolicy.denyAll())) {
            ToolResult r = server.call("all_content", Map.of());
            List<Content> c = r.content();
            assertEquals(6, c.size());
            assertEquals("plain text", ((TextContent) c.get(0)).text());
            assertEquals("image/png", ((ImageContent) c.get(1)).mimeType());
            assertEquals("audio/wav", ((AudioContent) c.get(2)).mimeType());
            assertEquals("test://text/1", ((ResourceLink) c.get(3)).uri());
            assertEquals("embedded text", ((EmbeddedResource) c.get(4)).resource().text());
            assertArrayEquals(new byte[] {0, 1, 2}, ((EmbeddedResource) c.get(5)).resource().bytes());
            assertEquals(6, r.structuredContent().get("count").asInt());

            ToolResult failed = server.call("fail", Map.of());
            assertTrue(failed.isError());
            assertEquals("the tool failed on purpose", failed.text());

            McpErrorException unknown = assertThrows(McpErrorException.class, () -> server.call("nope", Map.of()));
            assertTrue(unknown.getMessage().contains("unknown tool: nope"), unknown.getMessage());
        }
    }

    @Test
    void resourcesTemplatesAndPrompts() {
        try (McpServer server = module.start(HostPolicy.denyAll())) {
            List<Resource> resources = server.resources();
            assertEquals(List.of("test://text/1", "test://text/2", "test://text/3", "test://text/4", "test://text/5"),
                    resources.stream().map(Resource::uri).collect(Collectors.toList()), "every page of 2");
            assertEquals("test://text/{n}", server.resourceTemplates().get(0).uriTemplate());
            assertEquals("content of test://text/3", server.read("test://text/3").get(0).text());
            assertArrayEquals(new byte[] {0, 1, 2}, server.read("test://blob").get(0).bytes());
            assertThrows(McpErrorException.class, () -> server.read("test://missing"));

            assertEquals(List.of("greet", "plain"), server.prompts().stream().map(Prompt::name).collect(Collectors.toList()));
            PromptResult p = server.prompt("greet", Map.of("name", "Ada"));
            assertEquals("Hello, Ada!", ((TextContent) p.messages().get(0).content()).text());
        }
    }

    @Test
    void manyCallsInFlightAreMatchedByIdWhenAnsweredOutOfOrder() throws Exception {
        try (McpServer server = module.start(HostPolicy.denyAll())) {
            List<CompletableFuture<ToolResult>> calls = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                // later calls sleep less, so answers come back in reverse order
                calls.add(server.callAsync("slow_echo", Map.of("text", "call " + i, "ms", 200 - i * 10)));
            }
            for (int i = 0; i < 20; i++) {
                assertEquals("call " + i, calls.get(i).get(10, TimeUnit.SECONDS).text());
            }
        }
    }

    @Test
    void progressNotificationsReachThePerCallListener() {
        List<Double> seen = new CopyOnWriteArrayList<>();
        try (McpServer server = module.start(HostPolicy.denyAll())) {
            CallOptions options = CallOptions.builder().progressListener((progress, total, message) -> seen.add(progress)).build();
            ToolResult r = server.call("progress", Map.of("steps", 4), options);
            assertEquals("done 4 steps", r.text());
        }
        assertEquals(List.of(1.0, 2.0, 3.0, 4.0), seen);
    }

    @Test
    void listChangedRefreshesTheCacheAndTellsListeners() throws Exception {
        CountDownLatch changed = new CountDownLatch(1);
        List<List<Tool>> lists = new CopyOnWriteArrayList<>();
        ServerOptions options = ServerOptions.builder().listener(new ServerListener() {
            @Override
            public void toolsChanged(List<Tool> tools) {
                lists.add(tools);
                changed.countDown();
            }
        }).build();
        try (McpServer server = module.start(HostPolicy.denyAll(), options)) {
            assertEquals(19, server.tools().size());
            server.call("add_tool", Map.of("name", "brand_new"));
            assertTrue(changed.await(10, TimeUnit.SECONDS), "listener told of the change");
            assertTrue(lists.get(0).stream().anyMatch(t -> t.name().equals("brand_new")));
            assertEquals(20, server.tools().size());
            assertEquals("extra tool brand_new", server.call("brand_new", Map.of()).text());
        }
    }

    @Test
    void notificationsSentBeforeTheInitializeResponseDoNotBreakTheStart() {
        // The guest sends notifications/message and tools/list_changed before answering initialize.
        try (McpServer server = module.start(HostPolicy.denyAll())) {
            assertEquals(ServerState.READY, server.state());
            assertEquals(19, server.tools().size());
        }
    }

    @Test
    void serverToClientRequestsGoToHostHandlersOrGetAnError() {
        try (McpServer server = module.start(HostPolicy.denyAll())) {
            String noHandler = server.call("ask_roots", Map.of()).text();
            assertTrue(noHandler.startsWith("error: ") && noHandler.contains("-32601"), noHandler);
            assertTrue(server.call("ping_client", Map.of()).text().startsWith("result: "), "client answers ping");
        }
        ServerOptions options = ServerOptions.builder()
                .rootsHandler(params -> JSON.readTree("{\"roots\":[{\"uri\":\"file:///work\",\"name\":\"work\"}]}"))
                .build();
        try (McpServer server = module.start(HostPolicy.denyAll(), options)) {
            String roots = server.call("ask_roots", Map.of()).text();
            assertTrue(roots.contains("file:///work"), roots);
        }
    }

    @Test
    void aTimedOutCallFailsTypedAndIsCancelledOnTheServer() throws Exception {
        try (McpServer server = module.start(HostPolicy.denyAll())) {
            CallOptions quick = CallOptions.builder().timeout(Duration.ofMillis(300)).build();
            assertThrows(CallTimeoutException.class, () -> server.call("wait_cancel", Map.of(), quick));
            // the guest saw notifications/cancelled for that request and is still serving
            assertFalse(server.call("cancelled_ids", Map.of()).text().isEmpty());
            assertEquals(ServerState.READY, server.state());
        }
    }

    @Test
    void callerCancellationSendsCancelledAndFailsTheCall() throws Exception {
        try (McpServer server = module.start(HostPolicy.denyAll())) {
            CompletableFuture<ToolResult> call = server.callAsync("wait_cancel", Map.of());
            Thread.sleep(100);
            assertTrue(call.cancel(true));
            assertTrue(call.isCancelled());
            String ids = "";
            for (int i = 0; i < 50 && ids.isEmpty(); i++) {
                ids = server.call("cancelled_ids", Map.of()).text();
                Thread.sleep(20);
            }
            assertFalse(ids.isEmpty(), "the server saw notifications/cancelled");
        }
    }

    @Test
    void interruptingTheThreadWaitingForACallCancelsItWithCallCancelledException() throws Exception {
        try (McpServer server = module.start(HostPolicy.denyAll())) {
            CompletableFuture<Throwable> thrown = new CompletableFuture<>();
            CompletableFuture<Boolean> flag = new CompletableFuture<>();
            Thread caller = new Thread(() -> {
                try {
                    server.call("wait_cancel", Map.of());
                    thrown.complete(null);
                } catch (RuntimeException e) {
                    flag.complete(Thread.currentThread().isInterrupted());
                    thrown.complete(e);
                }
            });
            caller.start();
            Thread.sleep(200);
            caller.interrupt();
            CallCancelledException e = assertInstanceOf(CallCancelledException.class, thrown.get(10, TimeUnit.SECONDS));
            assertEquals("protocol-server", e.serverName());
            assertEquals("tools/call", e.method());
            assertTrue(flag.get(), "the interrupt flag stays set");
            String ids = "";
            for (int i = 0; i < 50 && ids.isEmpty(); i++) {
                ids = server.call("cancelled_ids", Map.of()).text();
                Thread.sleep(20);
            }
            assertFalse(ids.isEmpty(), "the guest saw notifications/cancelled");
            assertEquals(ServerState.READY, server.state());
        }
    }

    @Test
    void aGuestBusyPastTheGraceIsInterruptedAndRestarted() throws Exception {
        ServerOptions options = ServerOptions.builder().unresponsiveGrace(Duration.ofMillis(300)).build();
        try (McpServer server = module.start(HostPolicy.denyAll(), options)) {
            CallOptions quick = CallOptions.builder().timeout(Duration.ofMillis(300)).build();
            assertThrows(CallTimeoutException.class, () -> server.call("spin", Map.of(), quick));
            // after the grace the spinning instance is interrupted...
            for (int i = 0; i < 200 && server.failure().isEmpty(); i++) {
                Thread.sleep(25);
            }
            assertEquals(FailureKind.UNRESPONSIVE, server.failure().orElseThrow().kind());
            // ...and a new one serves (calls wait for it)
            ToolResult r = server.call("echo", Map.of("text", "after restart"));
            assertEquals("after restart", r.text());
            assertEquals(ServerState.READY, server.state());
            assertEquals(FailureKind.UNRESPONSIVE, server.failure().orElseThrow().kind());
        }
    }

    @Test
    void aTimedOutButIdleGuestIsNotRestarted() throws Exception {
        ServerOptions options = ServerOptions.builder().unresponsiveGrace(Duration.ofMillis(200)).build();
        try (McpServer server = module.start(HostPolicy.denyAll(), options)) {
            CallOptions quick = CallOptions.builder().timeout(Duration.ofMillis(100)).build();
            assertThrows(CallTimeoutException.class, () -> server.call("sleep", Map.of("ms", 2000), quick));
            Thread.sleep(600);
            assertEquals(ServerState.READY, server.state());
            assertTrue(server.failure().isEmpty(), "sleeping is not being unresponsive");
        }
    }

    @Test
    void theGuestSeesOnlyGrantedEnvironmentVariables() {
        HostPolicy policy = HostPolicy.builder()
                .env("MCP_TEST_REVISION", "x")         // declared in the manifest: granted
                .env("AWS_SECRET_ACCESS_KEY", "nope")  // not declared: never granted
                .build();
        try (McpServer server = module.start(policy)) {
            String env = server.call("env", Map.of()).text();
            assertEquals("MCP_TEST_REVISION=x", env.trim());
        }
    }
}
