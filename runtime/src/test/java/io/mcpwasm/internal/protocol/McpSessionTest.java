package io.mcpwasm.internal.protocol;

import static io.mcpwasm.internal.protocol.FakeServer.JSON;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mcpwasm.AudioContent;
import io.mcpwasm.CallCancelledException;
import io.mcpwasm.CallOptions;
import io.mcpwasm.CallTimeoutException;
import io.mcpwasm.Completion;
import io.mcpwasm.CompletionReference;
import io.mcpwasm.EmbeddedResource;
import io.mcpwasm.FailureKind;
import io.mcpwasm.ImageContent;
import io.mcpwasm.LogLevel;
import io.mcpwasm.McpErrorException;
import io.mcpwasm.Prompt;
import io.mcpwasm.PromptResult;
import io.mcpwasm.ProtocolException;
import io.mcpwasm.Resource;
import io.mcpwasm.ResourceContents;
import io.mcpwasm.ResourceLink;
import io.mcpwasm.ResourceTemplate;
import io.mcpwasm.ServerFailedException;
import io.mcpwasm.ServerInfo;
import io.mcpwasm.ServerListener;
import io.mcpwasm.TextContent;
import io.mcpwasm.Tool;
import io.mcpwasm.ToolResult;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class McpSessionTest {
    private static final Duration WAIT = Duration.ofSeconds(5);

    private final FakeServer server = new FakeServer();
    private final AtomicInteger eventThreads = new AtomicInteger();
    private final ExecutorService events = Executors.newCachedThreadPool(
            r -> new Thread(r, "events-" + eventThreads.incrementAndGet()));
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor();
    private final BlockingQueue<String> faults = new LinkedBlockingQueue<>();
    private final BlockingQueue<Long> timedOut = new LinkedBlockingQueue<>();

    @AfterEach
    void tearDown() {
        server.assertCleanLines();
        server.close();
        events.shutdownNow();
        timers.shutdownNow();
    }

    private McpSession.Builder builder() {
        return McpSession.builder("fake")
                .sender(server)
                .eventExecutor(events)
                .scheduler(timers)
                .defaultTimeout(WAIT)
                .failureHandler((kind, message, cause) -> faults.add(kind + ": " + message))
                .timeoutListener(timedOut::add);
    }

    private McpSession start(Consumer<McpSession.Builder> config) {
        McpSession.Builder b = builder();
        config.accept(b);
        McpSession s = b.build();
        server.session = s;
        return s;
    }

    private McpSession initialized() {
        server.legacy("2025-11-25");
        McpSession s = start(b -> { });
        s.initialize(WAIT);
        return s;
    }

    private static ObjectNode page(String field, List<? extends Object> items, String nextCursor) {
        ObjectNode r = JSON.createObjectNode();
        r.set(field, JSON.valueToTree(items));
        if (nextCursor != null) {
            r.put("nextCursor", nextCursor);
        }
        return r;
    }

    private static Map<String, Object> tool(String name) {
        return Map.of("name", name, "description", "tool " + name, "inputSchema", Map.of("type", "object"));
    }

    private static ObjectNode textResult(String text) {
        ObjectNode r = JSON.createObjectNode();
        r.putArray("content").addObject().put("type", "text").put("text", text);
        return r;
    }

    // ------------------------------------------------------------------ versions and set-up

    /** The host's preference that tries 2026-07-28 first. */
    private static final List<String> STATELESS_FIRST = List.of("2026-07-28", "2025-11-25");

    @Test
    void byDefaultAHandshakeServerGetsInitializeFirstAndNoProbe() throws Exception {
        server.legacy("2025-11-25");
        McpSession s = start(b -> { });
        ServerInfo info = s.initialize(WAIT);

        assertEquals("2025-11-25", info.protocolVersion());
        assertEquals("fake", info.name());
        assertEquals("1.2.3", info.version());
        assertEquals("Fake Server", info.title());
        assertEquals("use it well", info.instructions());
        assertTrue(info.legacyHandshake());
        assertTrue(info.hasCapability("tools"));
        assertFalse(s.isStateless());

        JsonNode init = server.received.get(0);
        assertEquals("initialize", init.path("method").asText());
        assertEquals("2.0", init.path("jsonrpc").asText());
        assertEquals("2025-11-25", init.path("params").path("protocolVersion").asText());
        assertEquals("mcpwasm", init.path("params").path("clientInfo").path("name").asText());
        assertTrue(init.path("params").path("clientInfo").path("version").isTextual());
        assertEquals(JSON.createObjectNode(), init.path("params").path("capabilities"),
                "no handler set, so no client capability is declared");
        assertTrue(init.path("id").isIntegralNumber());
        JsonNode initialized = server.received.get(1);
        assertEquals("notifications/initialized", initialized.path("method").asText());
        assertFalse(initialized.has("id"));
        assertEquals(0, server.count("server/discover"));
    }

    @Test
    void statelessFirstProbesThenGivesAHandshakeServerInitialize() throws Exception {
        server.legacy("2025-11-25");
        McpSession s = start(b -> b.protocolVersions(STATELESS_FIRST));
        assertTrue(s.initialize(WAIT).legacyHandshake());
        JsonNode discover = server.received.get(0);
        assertEquals("server/discover", discover.path("method").asText());
        assertEquals("2026-07-28",
                discover.path("params").path("_meta").path("io.modelcontextprotocol/protocolVersion").asText());
        assertEquals("initialize", server.received.get(1).path("method").asText());
        assertEquals("notifications/initialized", server.received.get(2).path("method").asText());
    }

    @Test
    void byDefaultAServerThatRefusesInitializeIsReachedThroughDiscover() throws Exception {
        modernDiscover();
        McpSession s = start(b -> { });
        ServerInfo info = s.initialize(WAIT);
        assertTrue(s.isStateless());
        assertEquals("2026-07-28", info.protocolVersion());
        assertEquals("initialize", server.received.get(0).path("method").asText());
        assertEquals("server/discover", server.received.get(1).path("method").asText());
        server.drainGuest();
        assertEquals(0, server.count("notifications/initialized"));
    }

    @Test
    void anUnansweredInitializeEndsTheSetUpAndNothingElseIsSent() throws Exception {
        List<JsonNode> init = Collections.synchronizedList(new ArrayList<>());
        server.on("initialize", init::add); // a slow guest: it answers only after the deadline
        modernDiscoverOnly();
        McpSession s = start(b -> { });
        CallTimeoutException e = assertThrows(CallTimeoutException.class,
                () -> s.initialize(Duration.ofMillis(300)));
        assertEquals("initialize", e.method());
        Thread.sleep(200);
        assertEquals(0, server.count("server/discover"), "a second handshake went to a guest that may still answer");
    }

    @Test
    void anUnansweredDiscoverEndsTheSetUpAndNoInitializeIsSent() throws Exception {
        // The slow-guest case: go-sdk answers a late server/discover and then refuses a second handshake
        // ("duplicate initialize received"), so initialize must never follow an unanswered probe.
        server.legacy("2025-11-25");
        List<JsonNode> discover = Collections.synchronizedList(new ArrayList<>());
        server.on("server/discover", discover::add);
        McpSession s = start(b -> b.protocolVersions(STATELESS_FIRST));
        CallTimeoutException e = assertThrows(CallTimeoutException.class,
                () -> s.initialize(Duration.ofMillis(300)));
        assertEquals("server/discover", e.method());
        Thread.sleep(200);
        assertEquals(0, server.count("initialize"));
        assertTrue(timedOut.isEmpty(), "the probe is not reported as a timed-out call");

        server.replyError(discover.get(0), -32601, "Method not found", null); // late: ignored
        server.drainGuest();
        assertTrue(faults.isEmpty(), faults.toString());
    }

    @Test
    void aHandshakeOnlyPreferenceNeverProbes() {
        server.legacy("2025-11-25");
        McpSession s = start(b -> b.protocolVersions(List.of("2025-11-25")));
        s.initialize(WAIT);
        assertEquals(0, server.count("server/discover"));
        assertEquals("initialize", server.received.get(0).path("method").asText());
    }

    @Test
    void aHandshakeOnlyPreferenceRefusesAnAnswerWithAnotherRevision() {
        server.legacy("2025-06-18");
        McpSession s = start(b -> b.protocolVersions(List.of("2025-11-25")));
        ProtocolException e = assertThrows(ProtocolException.class, () -> s.initialize(WAIT));
        assertTrue(e.getMessage().contains("2025-06-18"), e.getMessage());
        assertEquals(0, server.count("notifications/initialized"));
    }

    @Test
    void aStatelessOnlyPreferenceNeverSendsInitialize() {
        server.legacy("2025-11-25");
        McpSession s = start(b -> b.protocolVersions(List.of("2026-07-28")));
        ProtocolException e = assertThrows(ProtocolException.class, () -> s.initialize(WAIT));
        assertTrue(e.getMessage().contains("-32601"), e.getMessage());
        assertEquals(0, server.count("initialize"));
    }

    @Test
    void aRefusedInitializeWithoutTheStatelessRevisionIsTheServersError() {
        server.on("initialize", m -> server.replyError(m, -32602, "bad params", null));
        McpSession s = start(b -> b.protocolVersions(List.of("2025-11-25")));
        McpErrorException e = assertThrows(McpErrorException.class, () -> s.initialize(WAIT));
        assertEquals(-32602, e.code());
        assertEquals(0, server.count("server/discover"));
    }

    @Test
    void aServerRefusingBothStepsFailsNamingBothRefusals() {
        server.on("initialize", m -> server.replyError(m, -32602, "bad params", null));
        server.on("server/discover", m -> server.replyError(m, -32601, "Method not found", null));
        McpSession s = start(b -> { });
        ProtocolException e = assertThrows(ProtocolException.class, () -> s.initialize(WAIT));
        assertTrue(e.getMessage().contains("initialize with error -32602"), e.getMessage());
        assertTrue(e.getMessage().contains("server/discover with error -32601"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "2025-11-25,2025-11-25", "2026-07-28,2099-01-01"})
    void badPreferenceListsAreRefusedNamingTheProblem(String list) {
        List<String> versions = list.isEmpty() ? List.of() : List.of(list.split(","));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> McpSession.builder("x").protocolVersions(versions));
        assertTrue(e.getMessage().contains(list.isEmpty() ? "at least one" : list.contains("2099") ? "2099-01-01"
                : "twice"), e.getMessage());
    }

    @Test
    void capabilitiesAreDeclaredForEachHandlerSet() {
        server.legacy("2025-11-25");
        McpSession s = start(b -> b.rootsHandler(p -> JSON.createObjectNode())
                .samplingHandler(p -> JSON.createObjectNode())
                .elicitationHandler(p -> JSON.createObjectNode()));
        s.initialize(WAIT);
        JsonNode caps = server.received.get(0).path("params").path("capabilities");
        assertTrue(caps.has("roots"));
        assertTrue(caps.has("sampling"));
        assertTrue(caps.path("elicitation").has("form"));
        assertTrue(caps.path("elicitation").has("url"), "both elicitation modes are declared");

        FakeServer other = new FakeServer();
        try {
            other.legacy("2025-11-25");
            McpSession s2 = McpSession.builder("other").sender(other).eventExecutor(events).scheduler(timers)
                    .rootsHandler(p -> JSON.createObjectNode()).build();
            other.session = s2;
            s2.initialize(WAIT);
            JsonNode caps2 = other.received.get(0).path("params").path("capabilities");
            assertTrue(caps2.has("roots"));
            assertFalse(caps2.has("sampling"));
            assertFalse(caps2.has("elicitation"));
        } finally {
            other.close();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"2025-06-18", "2025-03-26", "2024-11-05"})
    void olderSupportedVersionsAreAccepted(String version) {
        server.legacy(version);
        McpSession s = start(b -> { });
        assertEquals(version, s.initialize(WAIT).protocolVersion());
        assertEquals(1, server.count("notifications/initialized"));
    }

    @Test
    void unknownVersionFailsClearlyAndSendsNoInitialized() throws Exception {
        server.legacy("2099-01-01");
        McpSession s = start(b -> { });
        ProtocolException e = assertThrows(ProtocolException.class, () -> s.initialize(WAIT));
        assertTrue(e.getMessage().contains("2099-01-01"), e.getMessage());
        assertTrue(e.getMessage().contains("fake"), e.getMessage());
        server.drainGuest();
        assertEquals(0, server.count("notifications/initialized"));
        assertNull(s.serverInfo());
    }

    @Test
    void anyOtherDiscoverErrorAlsoMeansAHandshakeServer() {
        server.legacy("2025-11-25");
        server.on("server/discover", m -> server.replyError(m, -32602, "Invalid request parameters", null));
        McpSession s = start(b -> b.protocolVersions(STATELESS_FIRST));
        assertTrue(s.initialize(WAIT).legacyHandshake());
    }

    @Test
    void aDiscoverResultWithoutSupportedVersionsMeansAHandshakeServer() {
        server.legacy("2025-11-25");
        server.onResult("server/discover", m -> Map.of());
        McpSession s = start(b -> b.protocolVersions(STATELESS_FIRST));
        assertTrue(s.initialize(WAIT).legacyHandshake());
        assertEquals(1, server.count("initialize"));
    }

    @Test
    void statelessServerIsDetectedByDiscoverAndEveryRequestCarriesTheVersion() throws Exception {
        server.onResult("server/discover", m -> {
            ObjectNode r = JSON.createObjectNode();
            r.put("resultType", "complete");
            r.putArray("supportedVersions").add("2026-07-28").add("2025-11-25");
            r.putObject("capabilities").putObject("tools");
            r.putObject("serverInfo").put("name", "modern").put("version", "2.0");
            r.put("instructions", "be stateless");
            return r;
        });
        server.onResult("tools/list", m -> page("tools", List.of(tool("a")), null));
        McpSession s = start(b -> b.rootsHandler(p -> JSON.createObjectNode()).protocolVersions(STATELESS_FIRST));
        ServerInfo info = s.initialize(WAIT);

        assertEquals("2026-07-28", info.protocolVersion());
        assertFalse(info.legacyHandshake());
        assertEquals("modern", info.name());
        assertEquals("be stateless", info.instructions());
        assertTrue(s.isStateless());
        assertEquals(1, s.tools().size());
        server.drainGuest();
        assertEquals(0, server.count("initialize"));
        assertEquals(0, server.count("notifications/initialized"));

        JsonNode meta = server.received.stream().filter(m -> "tools/list".equals(m.path("method").asText()))
                .findFirst().orElseThrow().path("params").path("_meta");
        assertEquals("2026-07-28", meta.path("io.modelcontextprotocol/protocolVersion").asText());
        assertEquals("mcpwasm", meta.path("io.modelcontextprotocol/clientInfo").path("name").asText());
        assertTrue(meta.path("io.modelcontextprotocol/clientCapabilities").has("roots"));
    }

    @Test
    void statelessServerInfoMayComeInMeta() {
        server.onResult("server/discover", m -> {
            ObjectNode r = JSON.createObjectNode();
            r.putArray("supportedVersions").add("2026-07-28");
            r.putObject("capabilities");
            r.putObject("_meta").putObject("io.modelcontextprotocol/serverInfo").put("name", "meta-named")
                    .put("version", "3");
            return r;
        });
        McpSession s = start(b -> b.protocolVersions(STATELESS_FIRST));
        assertEquals("meta-named", s.initialize(WAIT).name());
    }

    /** A 2026-07-28-only server: refuses initialize, answers server/discover. */
    private void modernDiscover() {
        server.on("initialize", m -> server.replyError(m, -32601, "Method not found: initialize", null));
        modernDiscoverOnly();
    }

    private void modernDiscoverOnly() {
        server.onResult("server/discover", m -> {
            ObjectNode r = JSON.createObjectNode();
            r.put("resultType", "complete");
            r.putArray("supportedVersions").add("2026-07-28");
            r.putObject("capabilities").putObject("tools");
            r.putObject("serverInfo").put("name", "modern").put("version", "2.0");
            return r;
        });
    }

    @Test
    void statelessInputRequiredIsAnsweredByTheHostHandlersAndRetried() throws Exception {
        modernDiscover();
        server.onResult("tools/call", m -> {
            JsonNode params = m.path("params");
            if (!params.has("inputResponses")) {
                ObjectNode r = JSON.createObjectNode();
                r.put("resultType", "input_required");
                ObjectNode reqs = r.putObject("inputRequests");
                reqs.putObject("confirm").put("method", "elicitation/create").putObject("params")
                        .put("message", "really delete?");
                reqs.putObject("where").put("method", "roots/list");
                r.put("requestState", "opaque-1");
                return r;
            }
            ObjectNode r = textResult("deleted in "
                    + params.path("inputResponses").path("where").path("roots").path(0).path("uri").asText()
                    + " after " + params.path("inputResponses").path("confirm").path("action").asText()
                    + " with state " + params.path("requestState").asText()
                    + " args " + params.path("arguments").path("file").asText());
            r.put("resultType", "complete");
            return r;
        });
        List<String> asked = Collections.synchronizedList(new ArrayList<>());
        McpSession s = start(b -> b
                .elicitationHandler(p -> {
                    asked.add(p.path("message").asText());
                    return JSON.createObjectNode().put("action", "accept");
                })
                .rootsHandler(p -> {
                    ObjectNode r = JSON.createObjectNode();
                    r.putArray("roots").addObject().put("uri", "file:///w").put("name", "w");
                    return r;
                }));
        s.initialize(WAIT);
        ToolResult r = s.call("delete", Map.of("file", "x.txt"), CallOptions.defaults());
        assertEquals("deleted in file:///w after accept with state opaque-1 args x.txt", r.text());
        assertEquals(List.of("really delete?"), asked);
        List<JsonNode> calls = server.received.stream()
                .filter(m -> "tools/call".equals(m.path("method").asText())).toList();
        assertEquals(2, calls.size());
        assertNotEquals(calls.get(0).path("id").asLong(), calls.get(1).path("id").asLong());
        assertEquals("2026-07-28", calls.get(1).path("params").path("_meta")
                .path("io.modelcontextprotocol/protocolVersion").asText());
    }

    @Test
    void statelessInputRequiredForAMethodWithoutAHandlerFailsTheCallClearly() {
        modernDiscover();
        server.onResult("tools/call", m -> Map.of("resultType", "input_required", "inputRequests",
                Map.of("llm", Map.of("method", "sampling/createMessage", "params", Map.of()))));
        server.onResult("ping", m -> Map.of());
        McpSession s = start(b -> { });
        s.initialize(WAIT);
        ProtocolException e = assertThrows(ProtocolException.class,
                () -> s.call("t", Map.of(), CallOptions.defaults()));
        assertTrue(e.getMessage().contains("sampling/createMessage"), e.getMessage());
        s.ping();
    }

    @Test
    void unsupportedProtocolVersionErrorListingHandshakeVersionsLeadsToInitializeWithOne() {
        server.legacy("2025-06-18");
        server.on("server/discover", m -> server.replyError(m, -32022, "Unsupported protocol version",
                Map.of("requested", "2026-07-28", "supported", List.of("2025-06-18", "2024-11-05"))));
        McpSession s = start(b -> b.protocolVersions(List.of("2026-07-28", "2025-11-25", "2025-06-18")));
        ServerInfo info = s.initialize(WAIT);
        assertEquals("2025-06-18", info.protocolVersion());
        assertEquals("2025-06-18", server.received.get(1).path("params").path("protocolVersion").asText());
    }

    @Test
    void unsupportedProtocolVersionErrorWithNoCommonVersionFailsClearly() {
        server.on("server/discover", m -> server.replyError(m, -32022, "Unsupported protocol version",
                Map.of("requested", "2026-07-28", "supported", List.of("2031-01-01"))));
        McpSession s = start(b -> b.protocolVersions(STATELESS_FIRST));
        ProtocolException e = assertThrows(ProtocolException.class, () -> s.initialize(WAIT));
        assertTrue(e.getMessage().contains("2031-01-01"), e.getMessage());
        assertEquals(0, server.count("initialize"));
    }

    @Test
    void notificationsBeforeTheInitializeResponseAreHandled() throws Exception {
        BlockingQueue<String> updated = new LinkedBlockingQueue<>();
        server.on("server/discover", m -> server.replyError(m, -32601, "Method not found", null));
        server.on("initialize", m -> {
            server.notifyClient("notifications/message", Map.of("level", "info", "data", "starting up"));
            server.notifyClient("notifications/tools/list_changed", null);
            server.notifyClient("notifications/resources/updated", Map.of("uri", "file:///early"));
            server.requestClient("early-ping", "ping", null);
            server.reply(m, FakeServer.initResult("2025-11-25"));
        });
        server.on("notifications/initialized", m -> { });
        server.onResult("tools/list", m -> page("tools", List.of(tool("x")), null));
        McpSession s = start(b -> b.listener(new ServerListener() {
            @Override
            public void resourceUpdated(String uri) {
                updated.add(uri);
            }
        }));
        s.initialize(WAIT);
        assertEquals("file:///early", updated.poll(5, TimeUnit.SECONDS));
        JsonNode pong = server.nextResponse();
        assertEquals("early-ping", pong.path("id").asText());
        assertTrue(pong.path("result").isObject());
        assertEquals(List.of("x"), s.tools().stream().map(Tool::name).toList());
        assertTrue(faults.isEmpty(), faults.toString());
    }

    // ------------------------------------------------------------------ lists

    @Test
    void toolsFollowEveryPageAndAreCached() throws Exception {
        server.onResult("tools/list", m -> {
            String cursor = m.path("params").path("cursor").asText(null);
            if (cursor == null) {
                return page("tools", List.of(tool("a"), tool("b")), "p2");
            } else if (cursor.equals("p2")) {
                return page("tools", List.of(tool("c")), "p3");
            }
            ObjectNode last = page("tools", List.of(), null);
            ((ArrayNode) last.get("tools")).addObject().put("name", "d").put("title", "D")
                    .set("outputSchema", JSON.createObjectNode().put("type", "object"));
            return last;
        });
        McpSession s = initialized();
        List<Tool> tools = s.tools();
        assertEquals(List.of("a", "b", "c", "d"), tools.stream().map(Tool::name).toList());
        assertEquals("tool a", tools.get(0).description());
        assertEquals("object", tools.get(3).inputSchema().path("type").asText(), "missing inputSchema defaulted");
        assertEquals("D", tools.get(3).title());
        assertEquals("object", tools.get(3).outputSchema().path("type").asText());
        assertEquals(3, server.count("tools/list"));
        assertSame(tools, s.tools());
        assertEquals(3, server.count("tools/list"), "second tools() is served from the cache");
    }

    @Test
    void concurrentFirstListingsShareOneFetch() throws Exception {
        CompletableFuture<Void> release = new CompletableFuture<>();
        server.on("tools/list", m -> {
            release.get(5, TimeUnit.SECONDS);
            server.reply(m, page("tools", List.of(tool("only")), null));
        });
        McpSession s = initialized();
        ExecutorService callers = Executors.newFixedThreadPool(4);
        try {
            List<CompletableFuture<List<Tool>>> results = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                results.add(CompletableFuture.supplyAsync(s::tools, callers));
            }
            Thread.sleep(100); // let the callers reach the cache; correctness does not depend on it
            release.complete(null);
            for (CompletableFuture<List<Tool>> r : results) {
                assertEquals("only", r.get(5, TimeUnit.SECONDS).get(0).name());
            }
        } finally {
            callers.shutdownNow();
        }
        assertEquals(1, server.count("tools/list"));
    }

    @Test
    void listingAfterTheSessionFailedThrowsTheFailure() {
        McpSession s = initialized();
        ServerFailedException trap = new ServerFailedException("fake", FailureKind.TRAP, "boom", null);
        s.fail(trap);
        assertSame(trap, assertThrows(ServerFailedException.class, s::tools));
        assertSame(trap, assertThrows(ServerFailedException.class, s::tools));
    }

    @Test
    void serverLogLevelsMapToSlf4jUnderThePerServerLogger() throws Exception {
        assertEquals(org.slf4j.event.Level.DEBUG, Notifications.levelOf("debug"));
        assertEquals(org.slf4j.event.Level.INFO, Notifications.levelOf("info"));
        assertEquals(org.slf4j.event.Level.INFO, Notifications.levelOf("notice"));
        assertEquals(org.slf4j.event.Level.WARN, Notifications.levelOf("warning"));
        for (String l : List.of("error", "critical", "alert", "emergency", "bogus")) {
            assertEquals(org.slf4j.event.Level.ERROR, Notifications.levelOf(l));
        }
        McpSession s = initialized();
        assertEquals("mcpwasm.server.fake", s.serverLoggerName());
        server.notifyClient("notifications/message", Map.of("level", "warning", "logger", "db",
                "data", Map.of("rows", 3)));
        server.drainGuest();
        assertTrue(faults.isEmpty());
    }

    @Test
    void aLoopingCursorIsAProtocolError() {
        server.onResult("tools/list", m -> page("tools", List.of(tool("a")), "same"));
        McpSession s = initialized();
        ProtocolException e = assertThrows(ProtocolException.class, s::tools);
        assertTrue(e.getMessage().contains("same"), e.getMessage());
    }

    @Test
    void resourcesTemplatesAndReadWork() {
        server.onResult("resources/list", m -> m.path("params").has("cursor")
                ? page("resources", List.of(Map.of("uri", "file:///b", "name", "b", "size", 42)), null)
                : page("resources", List.of(Map.of("uri", "file:///a", "name", "a", "mimeType", "text/plain")),
                        "next"));
        server.onResult("resources/templates/list", m -> page("resourceTemplates",
                List.of(Map.of("uriTemplate", "file:///{path}", "name", "files")), null));
        String blob = Base64.getEncoder().encodeToString(new byte[] {1, 2, 3});
        server.onResult("resources/read", m -> Map.of("contents", List.of(
                Map.of("uri", m.path("params").path("uri").asText(), "mimeType", "text/plain", "text", "hello"),
                Map.of("uri", "file:///bin", "blob", blob))));
        McpSession s = initialized();

        List<Resource> resources = s.resources();
        assertEquals(List.of("file:///a", "file:///b"), resources.stream().map(Resource::uri).toList());
        assertEquals("text/plain", resources.get(0).mimeType());
        assertEquals(42L, resources.get(1).size());
        List<ResourceTemplate> templates = s.resourceTemplates();
        assertEquals("file:///{path}", templates.get(0).uriTemplate());
        List<ResourceContents> contents = s.read("file:///a");
        assertEquals("hello", contents.get(0).text());
        assertTrue(contents.get(0).isText());
        assertFalse(contents.get(1).isText());
        assertArrayEquals(new byte[] {1, 2, 3}, contents.get(1).bytes());
    }

    @Test
    void promptsAndPromptGetWork() {
        server.onResult("prompts/list", m -> m.path("params").has("cursor")
                ? page("prompts", List.of(Map.of("name", "second")), null)
                : page("prompts", List.of(Map.of("name", "first", "description", "d",
                        "arguments", List.of(Map.of("name", "topic", "required", true)))), "c1"));
        server.onResult("prompts/get", m -> Map.of("description", "rendered", "messages", List.of(
                Map.of("role", "user", "content", Map.of("type", "text",
                        "text", "about " + m.path("params").path("arguments").path("topic").asText())))));
        McpSession s = initialized();
        List<Prompt> prompts = s.prompts();
        assertEquals(List.of("first", "second"), prompts.stream().map(Prompt::name).toList());
        assertEquals("topic", prompts.get(0).arguments().get(0).name());
        assertTrue(prompts.get(0).arguments().get(0).required());
        PromptResult r = s.prompt("first", Map.of("topic", "wasm"));
        assertEquals("rendered", r.description());
        assertEquals("user", r.messages().get(0).role());
        assertEquals("about wasm", ((TextContent) r.messages().get(0).content()).text());
    }

    // ------------------------------------------------------------------ tools/call

    @Test
    void everyContentTypeAndStructuredContentAreDecoded() {
        String png = Base64.getEncoder().encodeToString(new byte[] {(byte) 0x89, 'P', 'N', 'G'});
        String wav = Base64.getEncoder().encodeToString(new byte[] {'R', 'I', 'F', 'F'});
        server.onResult("tools/call", m -> Map.of(
                "content", List.of(
                        Map.of("type", "text", "text", "line one"),
                        Map.of("type", "image", "data", png, "mimeType", "image/png"),
                        Map.of("type", "audio", "data", wav, "mimeType", "audio/wav"),
                        Map.of("type", "resource_link", "uri", "file:///r", "name", "r", "mimeType", "text/plain"),
                        Map.of("type", "resource", "resource",
                                Map.of("uri", "file:///t", "mimeType", "text/plain", "text", "embedded")),
                        Map.of("type", "resource", "resource", Map.of("uri", "file:///b", "blob", png)),
                        Map.of("type", "text", "text", "line two", "annotations", Map.of("priority", 1))),
                "structuredContent", Map.of("answer", 42)));
        McpSession s = initialized();
        ToolResult r = s.call("everything", Map.of("x", 1), CallOptions.defaults());

        assertFalse(r.isError());
        assertEquals(7, r.content().size());
        assertEquals("line one\nline two", r.text());
        ImageContent img = assertInstanceOf(ImageContent.class, r.content().get(1));
        assertEquals("image/png", img.mimeType());
        assertEquals('P', img.bytes()[1]);
        AudioContent audio = assertInstanceOf(AudioContent.class, r.content().get(2));
        assertEquals("audio/wav", audio.mimeType());
        assertEquals('R', audio.bytes()[0]);
        ResourceLink link = assertInstanceOf(ResourceLink.class, r.content().get(3));
        assertEquals("file:///r", link.uri());
        EmbeddedResource text = assertInstanceOf(EmbeddedResource.class, r.content().get(4));
        assertEquals("embedded", text.resource().text());
        EmbeddedResource bin = assertInstanceOf(EmbeddedResource.class, r.content().get(5));
        assertEquals('N', bin.resource().bytes()[2]);
        assertEquals(1, ((TextContent) r.content().get(6)).annotations().path("priority").asInt());
        assertEquals(42, r.structuredContent().path("answer").asInt());

        JsonNode sent = server.received.stream().filter(m -> "tools/call".equals(m.path("method").asText()))
                .findFirst().orElseThrow();
        assertEquals("everything", sent.path("params").path("name").asText());
        assertEquals(1, sent.path("params").path("arguments").path("x").asInt());
    }

    @Test
    void aToolErrorIsANormalResult() {
        server.onResult("tools/call", m -> Map.of("content", List.of(Map.of("type", "text", "text", "boom")),
                "isError", true));
        McpSession s = initialized();
        ToolResult r = s.call("failing", (Map<String, ?>) null, CallOptions.defaults());
        assertTrue(r.isError());
        assertEquals("boom", r.text());
        assertNull(r.structuredContent());
    }

    @Test
    void aJsonRpcErrorIsAnMcpErrorException() {
        server.on("tools/call", m -> server.replyError(m, -32602, "Unknown tool: nope", Map.of("tool", "nope")));
        McpSession s = initialized();
        McpErrorException e = assertThrows(McpErrorException.class,
                () -> s.call("nope", Map.of(), CallOptions.defaults()));
        assertEquals(-32602, e.code());
        assertEquals("Unknown tool: nope", e.errorMessage());
        assertEquals("nope", e.data().path("tool").asText());
        assertEquals("tools/call", e.method());
        assertTrue(faults.isEmpty());
    }

    @Test
    void anUnknownContentTypeIsAProtocolExceptionForThatCallOnly() {
        server.onResult("tools/call", m -> Map.of("content", List.of(Map.of("type", "hologram"))));
        server.onResult("ping", m -> Map.of());
        McpSession s = initialized();
        ProtocolException e = assertThrows(ProtocolException.class,
                () -> s.call("x", Map.of(), CallOptions.defaults()));
        assertTrue(e.getMessage().contains("hologram"), e.getMessage());
        s.ping();
    }

    @Test
    void malformedResultShapesAreProtocolExceptionsNamingTheMember() {
        server.onResult("tools/list", m -> page("tools", List.of(Map.of("description", "nameless")), null));
        server.onResult("resources/read", m -> Map.of("contents", List.of(
                Map.of("uri", "file:///x", "text", "t", "blob", "AA=="))));
        server.onResult("prompts/get", m -> Map.of("description", "no messages"));
        McpSession s = initialized();
        ProtocolException tools = assertThrows(ProtocolException.class, s::tools);
        assertTrue(tools.getMessage().contains("'name'"), tools.getMessage());
        assertTrue(tools.getMessage().contains("fake"), tools.getMessage());
        ProtocolException read = assertThrows(ProtocolException.class, () -> s.read("file:///x"));
        assertTrue(read.getMessage().contains("exactly one of text and blob"), read.getMessage());
        ProtocolException prompt = assertThrows(ProtocolException.class, () -> s.prompt("p", null));
        assertTrue(prompt.getMessage().contains("'messages'"), prompt.getMessage());
        assertTrue(faults.isEmpty(), "a bad result fails that call, not the server");
    }

    @Test
    void newlinesInArgumentsNeverBreakTheLineFraming() {
        server.onResult("tools/call", m -> textResult(m.path("params").path("arguments").path("s").asText()));
        McpSession s = initialized();
        String tricky = "a\nb\r\nc\u2028d\u00e9\u4e16";
        assertEquals(tricky, s.call("echo", Map.of("s", tricky), CallOptions.defaults()).text());
        // assertCleanLines() in tearDown checks every line had exactly one trailing newline
    }

    @Test
    void completionsRunOnTheEventExecutorNotTheGuestThread() throws Exception {
        server.onResult("tools/call", m -> textResult("ok"));
        McpSession s = initialized();
        CompletableFuture<ToolResult> f = s.callAsync("t", Map.of(), CallOptions.defaults());
        String thread = f.thenApply(r -> Thread.currentThread().getName()).get(5, TimeUnit.SECONDS);
        // the dependent runs where the future was completed, unless it was already complete
        assertNotEquals(FakeServer.GUEST_THREAD, thread);
        CompletableFuture<String> seen = new CompletableFuture<>();
        CompletableFuture<ToolResult> g = s.callAsync("t", Map.of(), CallOptions.defaults());
        g.whenComplete((r, e) -> seen.complete(Thread.currentThread().getName()));
        String t2 = seen.get(5, TimeUnit.SECONDS);
        assertTrue(t2.startsWith("events-") || t2.equals(Thread.currentThread().getName()), t2);
        assertNotEquals(FakeServer.GUEST_THREAD, t2);
    }

    @Test
    void manyConcurrentCallsAnsweredOutOfOrderAreMatchedById() throws Exception {
        int n = 24;
        List<JsonNode> held = Collections.synchronizedList(new ArrayList<>());
        server.on("tools/call", m -> {
            held.add(m);
            if (held.size() == n) {
                for (int i = n - 1; i >= 0; i--) {
                    JsonNode req = held.get(i);
                    server.reply(req, textResult("echo " + req.path("params").path("arguments").path("i").asInt()));
                }
            }
        });
        McpSession s = initialized();
        ExecutorService callers = Executors.newFixedThreadPool(4);
        try {
            List<CompletableFuture<CompletableFuture<ToolResult>>> submitted = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int k = i;
                submitted.add(CompletableFuture.supplyAsync(
                        () -> s.callAsync("echo", Map.of("i", k), CallOptions.defaults()), callers));
            }
            for (int i = 0; i < n; i++) {
                assertEquals("echo " + i, submitted.get(i).get(5, TimeUnit.SECONDS).get(5, TimeUnit.SECONDS).text());
            }
        } finally {
            callers.shutdownNow();
        }
        assertEquals(n, held.stream().map(m -> m.path("id").asLong()).distinct().count(), "ids are unique");
    }

    @Test
    void aStringIdThatNamesAPendingRequestIsAccepted() {
        server.on("tools/call", m -> server.write("{\"jsonrpc\":\"2.0\",\"id\":\"" + m.path("id").asLong()
                + "\",\"result\":{\"content\":[{\"type\":\"text\",\"text\":\"via string id\"}]}}"));
        McpSession s = initialized();
        assertEquals("via string id", s.call("t", Map.of(), CallOptions.defaults()).text());
        assertTrue(faults.isEmpty());
    }

    // ------------------------------------------------------------------ progress, timeouts, cancellation

    @Test
    void progressReachesTheCallsListenerInOrder() throws Exception {
        server.on("tools/call", m -> {
            JsonNode token = m.path("params").path("_meta").path("progressToken");
            for (int i = 1; i <= 5; i++) {
                server.notifyClient("notifications/progress", Map.of("progressToken", token, "progress", i,
                        "total", 5, "message", "step " + i));
            }
            server.notifyClient("notifications/progress", Map.of("progressToken", 987654, "progress", 1));
            server.reply(m, textResult("done"));
        });
        McpSession s = initialized();
        List<String> seen = Collections.synchronizedList(new ArrayList<>());
        CompletableFuture<Void> allSeen = new CompletableFuture<>();
        CallOptions opts = CallOptions.builder().progressListener((p, total, msg) -> {
            seen.add((int) p + "/" + total.intValue() + " " + msg + " on " + Thread.currentThread().getName());
            if (seen.size() == 5) {
                allSeen.complete(null);
            }
        }).build();
        assertEquals("done", s.call("slow", Map.of(), opts).text());
        allSeen.get(5, TimeUnit.SECONDS);
        for (int i = 0; i < 5; i++) {
            assertTrue(seen.get(i).startsWith((i + 1) + "/5 step " + (i + 1)), seen.toString());
            assertFalse(seen.get(i).endsWith(FakeServer.GUEST_THREAD), seen.toString());
        }
        JsonNode sent = server.received.stream().filter(m -> "tools/call".equals(m.path("method").asText()))
                .findFirst().orElseThrow();
        assertEquals(sent.path("id").asLong(), sent.path("params").path("_meta").path("progressToken").asLong());
        assertTrue(faults.isEmpty(), "progress for an unknown token is not a fault");
    }

    @Test
    void aTimedOutCallSendsCancelledFailsAndIsReportedAndItsLateAnswerIsIgnored() throws Exception {
        List<JsonNode> held = Collections.synchronizedList(new ArrayList<>());
        server.on("tools/call", held::add);
        server.onResult("ping", m -> Map.of());
        McpSession s = initialized();
        CallOptions opts = CallOptions.builder().timeout(Duration.ofMillis(200)).build();
        CallTimeoutException e = assertThrows(CallTimeoutException.class, () -> s.call("sleepy", Map.of(), opts));
        long id = held.get(0).path("id").asLong();
        assertEquals(id, e.requestId());
        assertEquals("tools/call", e.method());

        JsonNode cancelled = server.expect("notifications/cancelled");
        assertEquals(id, cancelled.path("params").path("requestId").asLong());
        assertTrue(cancelled.path("params").path("reason").asText().contains("timed out"));
        assertEquals(id, timedOut.poll(5, TimeUnit.SECONDS));

        server.reply(held.get(0), textResult("too late"));
        s.ping();
        server.drainGuest();
        assertTrue(faults.isEmpty(), faults.toString());
        assertNull(s.failure());
    }

    /**
     * On a busy machine the guest can answer after the deadline but before the timer's thread runs: that answer is
     * still a timeout. The server did answer, so it is not reported as timed out (no cancel, not unresponsive).
     */
    @Test
    void anAnswerAfterTheDeadlineIsATimeoutEvenBeforeTheTimerRuns() throws Exception {
        List<JsonNode> held = Collections.synchronizedList(new ArrayList<>());
        server.on("tools/call", held::add);
        server.onResult("ping", m -> Map.of());
        McpSession s = initialized();
        java.util.concurrent.CountDownLatch timerThreadBusy = new java.util.concurrent.CountDownLatch(1);
        timers.submit(() -> {
            timerThreadBusy.await();
            return null;
        });
        try {
            CompletableFuture<ToolResult> call = s.callAsync("slow", Map.of(),
                    CallOptions.builder().timeout(Duration.ofMillis(50)).build());
            while (held.isEmpty()) {
                Thread.sleep(5);
            }
            Thread.sleep(150); // past the deadline; the timer cannot run
            server.reply(held.get(0), textResult("late"));
            ExecutionException e = assertThrows(ExecutionException.class, () -> call.get(5, TimeUnit.SECONDS));
            assertInstanceOf(CallTimeoutException.class, e.getCause(), String.valueOf(e.getCause()));
        } finally {
            timerThreadBusy.countDown();
        }
        s.ping();
        assertNull(timedOut.poll(200, TimeUnit.MILLISECONDS), "a server that answered is not reported as timed out");
        assertTrue(faults.isEmpty(), faults.toString());
    }

    @Test
    void cancellingTheFutureSendsCancelledAndFailsWithCallCancelledException() throws Exception {
        List<JsonNode> held = Collections.synchronizedList(new ArrayList<>());
        server.on("tools/call", held::add);
        server.onResult("ping", m -> Map.of());
        McpSession s = initialized();
        CompletableFuture<ToolResult> f = s.callAsync("forever", Map.of(), CallOptions.defaults());
        JsonNode req = waitFor(held);
        assertTrue(f.cancel(true));
        assertTrue(f.isCancelled());
        assertTrue(f.isDone());
        ExecutionException e = assertThrows(ExecutionException.class, f::get);
        CallCancelledException cce = assertInstanceOf(CallCancelledException.class, e.getCause());
        assertEquals(req.path("id").asLong(), cce.requestId());

        JsonNode cancelled = server.expect("notifications/cancelled");
        assertEquals(req.path("id").asLong(), cancelled.path("params").path("requestId").asLong());
        assertTrue(cancelled.path("params").path("reason").isTextual());
        assertTrue(timedOut.isEmpty(), "a caller cancel is not a timeout");

        server.reply(req, textResult("late"));
        s.ping();
        server.drainGuest();
        assertTrue(faults.isEmpty(), faults.toString());
        assertTrue(f.cancel(true), "like CompletableFuture, cancelling again reports that it is cancelled");
        assertEquals(1, server.count("notifications/cancelled"), "but sends nothing more");
    }

    @Test
    void interruptingABlockedCallerCancelsTheCall() throws Exception {
        List<JsonNode> held = Collections.synchronizedList(new ArrayList<>());
        server.on("tools/call", held::add);
        McpSession s = initialized();
        CompletableFuture<Throwable> thrown = new CompletableFuture<>();
        Thread caller = new Thread(() -> {
            try {
                s.call("forever", Map.of(), CallOptions.defaults());
                thrown.complete(null);
            } catch (RuntimeException ex) {
                thrown.complete(ex);
            }
        });
        caller.start();
        waitFor(held);
        caller.interrupt();
        assertInstanceOf(CallCancelledException.class, thrown.get(5, TimeUnit.SECONDS));
        assertEquals(held.get(0).path("id").asLong(),
                server.expect("notifications/cancelled").path("params").path("requestId").asLong());
        caller.join();
    }

    /**
     * A list is awaited on a future of the list cache, not on the request's own: an interrupt there used to escape
     * as a bare {@code java.util.concurrent.CancellationException}. Like an interrupt during a call or during start,
     * it is a {@link CallCancelledException} naming the server, and the interrupt flag stays set.
     */
    @Test
    void interruptingACallerWaitingForAListIsCallCancelledNamingTheServer() throws Exception {
        List<JsonNode> held = Collections.synchronizedList(new ArrayList<>());
        server.on("tools/list", held::add);
        McpSession s = initialized();
        CompletableFuture<Throwable> thrown = new CompletableFuture<>();
        CompletableFuture<Boolean> flag = new CompletableFuture<>();
        Thread caller = new Thread(() -> {
            try {
                s.tools();
                thrown.complete(null);
            } catch (RuntimeException ex) {
                flag.complete(Thread.currentThread().isInterrupted());
                thrown.complete(ex);
            }
        });
        caller.start();
        waitFor(held);
        caller.interrupt();
        CallCancelledException e = assertInstanceOf(CallCancelledException.class, thrown.get(5, TimeUnit.SECONDS));
        assertEquals("fake", e.serverName());
        assertTrue(flag.get(5, TimeUnit.SECONDS), "the interrupt flag stays set");
        caller.join();
    }

    private static JsonNode waitFor(List<JsonNode> held) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (held.isEmpty() && System.nanoTime() < end) {
            Thread.sleep(5);
        }
        assertFalse(held.isEmpty(), "the server never received the request");
        return held.get(0);
    }

    // ------------------------------------------------------------------ ping, log level, completion, subscriptions

    private McpSession stateless(Consumer<McpSession.Builder> config) {
        modernDiscover();
        McpSession s = start(config);
        s.initialize(WAIT);
        assertTrue(s.isStateless());
        return s;
    }

    @Test
    void pingIsPingOnTheHandshakeRevisionAndServerDiscoverOnTheStatelessOne() {
        McpSession legacy = initialized();
        server.onResult("ping", m -> Map.of());
        legacy.ping();
        assertEquals(1, server.count("ping"));

        FakeServer other = new FakeServer();
        try {
            other.on("initialize", m -> other.replyError(m, -32601, "Method not found", null));
            other.onResult("server/discover", m -> Map.of("supportedVersions", List.of("2026-07-28"),
                    "capabilities", Map.of(), "serverInfo", Map.of("name", "modern", "version", "1")));
            other.on("ping", m -> other.replyError(m, -32601, "\"ping\" is not supported in the new protocol", null));
            McpSession modern = builder().sender(other).build();
            other.session = modern;
            modern.initialize(WAIT);
            modern.ping();
            assertEquals(2, other.count("server/discover"));
            assertEquals(0, other.count("ping"));
            JsonNode probe = other.received.get(other.received.size() - 1);
            assertEquals("2026-07-28",
                    probe.path("params").path("_meta").path("io.modelcontextprotocol/protocolVersion").asText());
        } finally {
            other.close();
        }
    }

    @Test
    void setLogLevelSendsLoggingSetLevelOnTheHandshakeRevision() {
        McpSession s = initialized();
        server.onResult("logging/setLevel", m -> Map.of());
        s.setLogLevel(LogLevel.WARNING);
        JsonNode req = server.received.stream().filter(m -> "logging/setLevel".equals(m.path("method").asText()))
                .findFirst().orElseThrow();
        assertEquals("warning", req.path("params").path("level").asText());
    }

    @Test
    void setLogLevelRidesInEveryLaterRequestOnTheStatelessRevision() {
        McpSession s = stateless(b -> { });
        server.onResult("tools/call", m -> textResult(m.path("params").path("_meta")
                .path("io.modelcontextprotocol/logLevel").asText("none")));
        assertEquals("none", s.call("t", Map.of(), CallOptions.defaults()).text());
        s.setLogLevel(LogLevel.DEBUG);
        assertEquals("debug", s.call("t", Map.of(), CallOptions.defaults()).text());
        assertEquals(0, server.count("logging/setLevel"));
    }

    @Test
    void completeSendsTheReferenceArgumentAndContextAndDecodesTheSuggestions() {
        McpSession s = initialized();
        server.onResult("completion/complete", m -> Map.of("completion", Map.of("values",
                List.of(m.path("params").path("ref").path("name").asText() + ":"
                        + m.path("params").path("argument").path("value").asText() + ":"
                        + m.path("params").path("context").path("arguments").path("lang").asText()),
                "total", 7, "hasMore", true)));
        Completion c = s.complete(CompletionReference.prompt("review"), "file", "Ma", Map.of("lang", "java"));
        assertEquals(List.of("review:Ma:java"), c.values());
        assertEquals(7, c.total());
        assertTrue(c.hasMore());

        server.onResult("completion/complete", m -> Map.of("completion", Map.of("values",
                List.of(m.path("params").path("ref").path("type").asText(),
                        m.path("params").path("ref").path("uri").asText()))));
        Completion r = s.complete(CompletionReference.resourceTemplate("file:///{path}"), "path", "", null);
        assertEquals(List.of("ref/resource", "file:///{path}"), r.values());
        assertNull(r.total());
        assertFalse(r.hasMore());

        server.onResult("completion/complete", m -> Map.of("completion", Map.of("values", List.of(1, 2))));
        ProtocolException bad = assertThrows(ProtocolException.class,
                () -> s.complete(CompletionReference.prompt("p"), "a", "v", null));
        assertTrue(bad.getMessage().contains("values"), bad.getMessage());
    }

    @Test
    void subscribeAndUnsubscribeAreRequestsOnTheHandshakeRevision() throws Exception {
        BlockingQueue<String> updated = new LinkedBlockingQueue<>();
        server.legacy("2025-11-25");
        McpSession s = start(b -> b.listener(new ServerListener() {
            @Override
            public void resourceUpdated(String uri) {
                updated.add(uri);
            }
        }));
        s.initialize(WAIT);
        server.on("resources/subscribe", m -> {
            server.reply(m, Map.of());
            server.notifyClient("notifications/resources/updated", Map.of("uri", m.path("params").path("uri")
                    .asText()));
        });
        server.onResult("resources/unsubscribe", m -> Map.of());
        s.subscribe("file:///a");
        assertEquals("file:///a", updated.poll(5, TimeUnit.SECONDS));
        s.unsubscribe("file:///a");
        assertEquals(1, server.count("resources/unsubscribe"));

        server.on("resources/subscribe", m -> server.replyError(m, -32601, "Method not found", null));
        McpErrorException e = assertThrows(McpErrorException.class, () -> s.subscribe("file:///b"));
        assertEquals(-32601, e.code());
    }

    /** Acknowledges a subscriptions/listen as go-sdk does, granting the URIs in {@code granted}. */
    private void acknowledgeListens(List<String> granted) {
        server.on("subscriptions/listen", m -> {
            List<String> asked = new ArrayList<>();
            m.path("params").path("notifications").path("resourceSubscriptions").forEach(u -> asked.add(u.asText()));
            asked.retainAll(granted);
            server.notifyClient("notifications/subscriptions/acknowledged", Map.of(
                    "notifications", Map.of("resourceSubscriptions", asked),
                    "_meta", Map.of("io.modelcontextprotocol/subscriptionId", m.path("id").asLong())));
            for (String uri : asked) {
                server.notifyClient("notifications/resources/updated", Map.of("uri", uri,
                        "_meta", Map.of("io.modelcontextprotocol/subscriptionId", m.path("id").asLong())));
            }
            if (asked.isEmpty()) {
                server.reply(m, Map.of("resultType", "complete"));
            }
        });
    }

    @Test
    void onTheStatelessRevisionASubscriptionIsAListenStreamEndedByCancellingIt() throws Exception {
        BlockingQueue<String> updated = new LinkedBlockingQueue<>();
        McpSession s = stateless(b -> b.listener(new ServerListener() {
            @Override
            public void resourceUpdated(String uri) {
                updated.add(uri);
            }
        }));
        acknowledgeListens(List.of("file:///a", "file:///b"));
        s.subscribe("file:///a");
        s.subscribe("file:///b");
        s.subscribe("file:///a"); // already subscribed: no new stream
        assertEquals("file:///a", updated.poll(5, TimeUnit.SECONDS));
        assertEquals("file:///b", updated.poll(5, TimeUnit.SECONDS));
        List<JsonNode> listens = server.received.stream()
                .filter(m -> "subscriptions/listen".equals(m.path("method").asText())).toList();
        assertEquals(2, listens.size());
        assertEquals("2026-07-28", listens.get(0).path("params").path("_meta")
                .path("io.modelcontextprotocol/protocolVersion").asText());
        assertEquals(0, server.count("resources/subscribe"));

        s.unsubscribe("file:///a");
        JsonNode cancelled = server.expect("notifications/cancelled");
        assertEquals(listens.get(0).path("id").asLong(), cancelled.path("params").path("requestId").asLong());
        assertEquals(0, server.count("resources/unsubscribe"));
        s.unsubscribe("file:///a"); // not subscribed any more: nothing sent
        server.drainGuest();
        assertEquals(1, server.count("notifications/cancelled"));
        assertTrue(timedOut.isEmpty());
        assertTrue(faults.isEmpty(), faults.toString());
    }

    @Test
    void onTheStatelessRevisionASubscriptionTheServerDoesNotAcknowledgeFailsClearly() throws Exception {
        McpSession s = stateless(b -> { });
        acknowledgeListens(List.of());
        McpErrorException e = assertThrows(McpErrorException.class, () -> s.subscribe("file:///nope"));
        assertTrue(e.getMessage().contains("file:///nope"), e.getMessage());

        server.on("subscriptions/listen", m -> server.replyError(m, -32602, "missing notifications", null));
        McpErrorException refused = assertThrows(McpErrorException.class, () -> s.subscribe("file:///x"));
        assertEquals(-32602, refused.code());
    }

    @Test
    void onTheStatelessRevisionListChangesAreAskedForOnAListenStreamAndRefreshTheCache() throws Exception {
        server.on("initialize", m -> server.replyError(m, -32601, "Method not found", null));
        server.onResult("server/discover", m -> Map.of("supportedVersions", List.of("2026-07-28"),
                "capabilities", Map.of("tools", Map.of("listChanged", true), "prompts", Map.of()),
                "serverInfo", Map.of("name", "modern", "version", "1")));
        List<String> tools = Collections.synchronizedList(new ArrayList<>(List.of("a")));
        server.onResult("tools/list", m -> page("tools", tools.stream().map(McpSessionTest::tool).toList(), null));
        BlockingQueue<List<Tool>> changed = new LinkedBlockingQueue<>();
        McpSession s = start(b -> b.listener(new ServerListener() {
            @Override
            public void toolsChanged(List<Tool> now) {
                changed.add(now);
            }
        }));
        s.initialize(WAIT);
        assertEquals(1, s.tools().size());
        JsonNode listen = server.expect("subscriptions/listen");
        JsonNode wanted = listen.path("params").path("notifications");
        assertTrue(wanted.path("toolsListChanged").asBoolean());
        assertFalse(wanted.has("promptsListChanged"), "the server announced no prompt list changes");
        server.notifyClient("notifications/subscriptions/acknowledged", Map.of("notifications", wanted,
                "_meta", Map.of("io.modelcontextprotocol/subscriptionId", listen.path("id").asLong())));

        tools.add("b");
        server.notifyClient("notifications/tools/list_changed",
                Map.of("_meta", Map.of("io.modelcontextprotocol/subscriptionId", listen.path("id").asLong())));
        assertEquals(2, changed.poll(5, TimeUnit.SECONDS).size());
        assertEquals(2, s.tools().size());
        assertTrue(faults.isEmpty(), faults.toString());
    }

    @Test
    void onTheStatelessRevisionAnUnacknowledgedListenTimesOutAndIsCancelled() throws Exception {
        McpSession s = stateless(b -> b.defaultTimeout(Duration.ofMillis(300)));
        server.on("subscriptions/listen", m -> { }); // never acknowledged
        assertThrows(CallTimeoutException.class, () -> s.subscribe("file:///slow"));
        server.expect("notifications/cancelled");
    }

    // ------------------------------------------------------------------ server -> client

    @Test
    void aPingFromTheServerIsAnswered() throws Exception {
        McpSession s = initialized();
        server.requestClient(77, "ping", null);
        JsonNode pong = server.nextResponse();
        assertEquals(77, pong.path("id").asInt());
        assertEquals(JSON.createObjectNode(), pong.path("result"));
        assertNull(s.failure());
    }

    @Test
    void serverRequestsWithoutAHandlerGetMethodNotFound() throws Exception {
        initialized();
        for (String method : List.of("roots/list", "sampling/createMessage", "elicitation/create", "foo/bar")) {
            server.requestClient("r-" + method, method, Map.of());
            JsonNode answer = server.nextResponse();
            assertEquals("r-" + method, answer.path("id").asText());
            assertEquals(-32601, answer.path("error").path("code").asInt(), answer.toString());
            assertFalse(answer.has("result"));
        }
    }

    @Test
    void serverRequestsGoToTheHostHandlersOffTheGuestThread() throws Exception {
        List<String> threads = Collections.synchronizedList(new ArrayList<>());
        server.legacy("2025-11-25");
        McpSession s = start(b -> b
                .rootsHandler(p -> {
                    threads.add(Thread.currentThread().getName());
                    ObjectNode r = JSON.createObjectNode();
                    r.putArray("roots").addObject().put("uri", "file:///work").put("name", "work");
                    return r;
                })
                .samplingHandler(p -> {
                    throw new McpErrorException("fake", "sampling/createMessage", -1, "User rejected sampling",
                            JSON.createObjectNode().put("why", "no"));
                })
                .elicitationHandler(p -> {
                    throw new IllegalStateException("handler bug");
                }));
        s.initialize(WAIT);

        server.requestClient(1, "roots/list", null);
        JsonNode roots = server.nextResponse();
        assertEquals("file:///work", roots.path("result").path("roots").path(0).path("uri").asText());
        assertFalse(threads.get(0).equals(FakeServer.GUEST_THREAD), threads.toString());

        server.requestClient(2, "sampling/createMessage", Map.of("messages", List.of()));
        JsonNode sampling = server.nextResponse();
        assertEquals(-1, sampling.path("error").path("code").asInt());
        assertEquals("User rejected sampling", sampling.path("error").path("message").asText());
        assertEquals("no", sampling.path("error").path("data").path("why").asText());

        server.requestClient(3, "elicitation/create", Map.of("message", "name?"));
        JsonNode elicit = server.nextResponse();
        assertEquals(-32603, elicit.path("error").path("code").asInt());
        assertEquals(3, elicit.path("id").asInt());
    }

    @Test
    void aHandlerMayCallBackIntoTheSession() throws Exception {
        server.legacy("2025-11-25");
        server.onResult("tools/list", m -> page("tools", List.of(tool("inner")), null));
        McpSession[] self = new McpSession[1];
        McpSession s = start(b -> b.rootsHandler(p -> {
            ObjectNode r = JSON.createObjectNode();
            r.putArray("roots").addObject().put("uri", "file:///" + self[0].tools().get(0).name()).put("name", "x");
            return r;
        }));
        self[0] = s;
        s.initialize(WAIT);
        server.requestClient(5, "roots/list", null);
        assertEquals("file:///inner", server.nextResponse().path("result").path("roots").path(0).path("uri").asText());
    }

    @Test
    void aServerRequestTheServerCancelsIsNotAnswered() throws Exception {
        CompletableFuture<Void> release = new CompletableFuture<>();
        CompletableFuture<Void> finished = new CompletableFuture<>();
        server.legacy("2025-11-25");
        McpSession s = start(b -> b.samplingHandler(p -> {
            try {
                release.get(5, TimeUnit.SECONDS);
                return JSON.createObjectNode().put("role", "assistant");
            } finally {
                finished.complete(null);
            }
        }));
        s.initialize(WAIT);
        server.requestClient(41, "sampling/createMessage", Map.of());
        server.notifyClient("notifications/cancelled", Map.of("requestId", 41, "reason", "no longer needed"));
        server.drainGuest();
        release.complete(null);
        finished.get(5, TimeUnit.SECONDS);
        server.requestClient(42, "ping", null);
        JsonNode next = server.nextResponse();
        assertEquals(42, next.path("id").asInt(), "no answer to the cancelled request 41: " + next);
        assertNull(server.responses.poll(200, TimeUnit.MILLISECONDS));
    }

    // ------------------------------------------------------------------ list_changed and listeners

    @Test
    void listChangedRefreshesTheCacheAndTellsListenersWhoMayCallBack() throws Exception {
        AtomicInteger version = new AtomicInteger(1);
        server.onResult("tools/list", m -> version.get() == 1 ? page("tools", List.of(tool("a")), null)
                : page("tools", List.of(tool("a"), tool("b")), null));
        server.onResult("prompts/list", m -> page("prompts", List.of(Map.of("name", "p" + version.get())), null));
        server.onResult("resources/list", m -> page("resources",
                List.of(Map.of("uri", "file:///" + version.get(), "name", "r")), null));
        BlockingQueue<String> told = new LinkedBlockingQueue<>();
        McpSession[] self = new McpSession[1];
        server.legacy("2025-11-25");
        McpSession s = start(b -> b.listener(new ServerListener() {
            @Override
            public void toolsChanged(List<Tool> tools) {
                // calling back into the session from a listener must not deadlock
                told.add("tools " + tools.stream().map(Tool::name).toList() + " cached "
                        + self[0].tools().size());
            }

            @Override
            public void promptsChanged(List<Prompt> prompts) {
                told.add("prompts " + prompts.get(0).name());
            }

            @Override
            public void resourcesChanged(List<Resource> resources) {
                told.add("resources " + resources.get(0).uri());
            }
        }));
        self[0] = s;
        s.initialize(WAIT);
        assertEquals(1, s.tools().size());
        assertEquals(1, server.count("tools/list"));

        version.set(2);
        server.notifyClient("notifications/tools/list_changed", null);
        assertEquals("tools [a, b] cached 2", told.poll(5, TimeUnit.SECONDS));
        assertEquals(2, server.count("tools/list"));
        assertEquals(List.of("a", "b"), s.tools().stream().map(Tool::name).toList());
        assertEquals(2, server.count("tools/list"), "the refreshed list is cached");

        server.notifyClient("notifications/prompts/list_changed", null);
        assertEquals("prompts p2", told.poll(5, TimeUnit.SECONDS));
        server.notifyClient("notifications/resources/list_changed", null);
        assertEquals("resources file:///2", told.poll(5, TimeUnit.SECONDS));
    }

    // ------------------------------------------------------------------ faults

    @ParameterizedTest
    @ValueSource(strings = {"malformed", "truncated", "array", "scalar", "empty-object", "result-and-error",
            "unknown-id", "unknown-string-id", "future-id", "non-string-method", "bad-request-id", "bad-utf8",
            "two-objects"})
    void eachFaultFailsPendingCallsAndTellsTheFailureHandler(String which) throws Exception {
        List<JsonNode> held = Collections.synchronizedList(new ArrayList<>());
        server.on("tools/call", held::add);
        McpSession s = initialized();
        CompletableFuture<ToolResult> pendingCall = s.callAsync("t", Map.of(), CallOptions.defaults());
        waitFor(held);
        FailureKind expected = FailureKind.MALFORMED_MESSAGE;
        switch (which) {
            case "malformed" -> server.write("{\"jsonrpc\":\"2.0\",");
            case "truncated" -> server.write("{\"jsonrpc\":\"2.0\",\"id\":1} trailing");
            case "array" -> server.write("[{\"jsonrpc\":\"2.0\",\"method\":\"ping\",\"id\":1}]");
            case "scalar" -> server.write("42");
            case "empty-object" -> server.write("{\"jsonrpc\":\"2.0\"}");
            case "result-and-error" -> server.write("{\"jsonrpc\":\"2.0\",\"id\":" + held.get(0).path("id")
                    + ",\"result\":{},\"error\":{\"code\":1,\"message\":\"x\"}}");
            case "unknown-id" -> {
                server.write("{\"jsonrpc\":\"2.0\",\"id\":999999,\"result\":{}}");
                expected = FailureKind.UNKNOWN_RESPONSE_ID;
            }
            case "unknown-string-id" -> {
                server.write("{\"jsonrpc\":\"2.0\",\"id\":\"abc\",\"result\":{}}");
                expected = FailureKind.UNKNOWN_RESPONSE_ID;
            }
            case "future-id" -> {
                server.write("{\"jsonrpc\":\"2.0\",\"id\":" + (held.get(0).path("id").asLong() + 1)
                        + ",\"result\":{}}");
                expected = FailureKind.UNKNOWN_RESPONSE_ID;
            }
            case "two-objects" -> server.write("{\"jsonrpc\":\"2.0\",\"method\":\"a\"} {\"jsonrpc\":\"2.0\"}");
            case "non-string-method" -> server.write("{\"jsonrpc\":\"2.0\",\"method\":7}");
            case "bad-request-id" -> server.write("{\"jsonrpc\":\"2.0\",\"id\":{\"x\":1},\"method\":\"ping\"}");
            case "bad-utf8" -> {
                byte[] bad = "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/message\",\"params\":{\"data\":\"X\"}}"
                        .getBytes(StandardCharsets.UTF_8);
                bad[bad.length - 4] = (byte) 0xC3; // a lead byte followed by '"' is not UTF-8
                server.session.onMessage(bad, 0, bad.length);
            }
            default -> throw new IllegalArgumentException(which);
        }
        assertFault(s, pendingCall, expected);
    }

    @Test
    void aLineOverTheSizeLimitIsAFault() throws Exception {
        List<JsonNode> held = Collections.synchronizedList(new ArrayList<>());
        server.on("tools/call", held::add);
        server.legacy("2025-11-25");
        McpSession s = start(b -> b.maxMessageBytes(1024));
        s.initialize(WAIT);
        CompletableFuture<ToolResult> pendingCall = s.callAsync("t", Map.of(), CallOptions.defaults());
        server.reply(waitFor(held), textResult("x".repeat(2000)));
        assertFault(s, pendingCall, FailureKind.MESSAGE_TOO_LARGE);
    }

    private void assertFault(McpSession s, CompletableFuture<ToolResult> pendingCall, FailureKind kind)
            throws Exception {
        ExecutionException e = assertThrows(ExecutionException.class, () -> pendingCall.get(5, TimeUnit.SECONDS));
        ServerFailedException sfe = assertInstanceOf(ServerFailedException.class, e.getCause());
        assertEquals(kind, sfe.kind());
        assertEquals("fake", sfe.serverName());
        String fault = faults.poll(5, TimeUnit.SECONDS);
        assertTrue(fault != null && fault.startsWith(kind.name()), String.valueOf(fault));
        // later calls fail at once with the same failure; further bad lines are not reported again
        ServerFailedException later = assertThrows(ServerFailedException.class,
                () -> s.call("t", Map.of(), CallOptions.defaults()));
        assertEquals(kind, later.kind());
        server.write("not json either");
        server.drainGuest();
        assertTrue(faults.isEmpty(), "the failure handler is told once");
    }

    @Test
    void blankLinesAndAnErrorWithNullIdAreNotFaults() throws Exception {
        server.onResult("ping", m -> Map.of());
        McpSession s = initialized();
        server.write("");
        server.write("   ");
        server.write("{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32700,\"message\":\"Parse error\"}}");
        server.write("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/something/new\"}");
        s.ping();
        server.drainGuest();
        assertTrue(faults.isEmpty(), faults.toString());
    }

    @Test
    void failFailsEveryPendingCallWithTheCauseAndEveryLaterCall() throws Exception {
        List<JsonNode> held = Collections.synchronizedList(new ArrayList<>());
        server.on("tools/call", held::add);
        McpSession s = initialized();
        CompletableFuture<ToolResult> a = s.callAsync("a", Map.of(), CallOptions.defaults());
        CompletableFuture<ToolResult> b = s.callAsync("b", Map.of(), CallOptions.defaults());
        ServerFailedException trap = new ServerFailedException("fake", FailureKind.TRAP, "unreachable", null);
        s.fail(trap);
        assertSame(trap, assertThrows(ExecutionException.class, () -> a.get(5, TimeUnit.SECONDS)).getCause());
        assertSame(trap, assertThrows(ExecutionException.class, () -> b.get(5, TimeUnit.SECONDS)).getCause());
        assertSame(trap, assertThrows(ServerFailedException.class, s::ping));
        assertSame(trap, s.failure());
        assertTrue(faults.isEmpty(), "fail() comes from the runtime; the failure handler is not told");
        s.fail(new RuntimeException("second"));
        assertSame(trap, s.failure());
    }

    @Test
    void closeFailsPendingCallsWithClosed() throws Exception {
        List<JsonNode> held = Collections.synchronizedList(new ArrayList<>());
        server.on("tools/call", held::add);
        McpSession s = initialized();
        CompletableFuture<ToolResult> a = s.callAsync("a", Map.of(), CallOptions.defaults());
        s.close();
        ServerFailedException e = assertInstanceOf(ServerFailedException.class,
                assertThrows(ExecutionException.class, () -> a.get(5, TimeUnit.SECONDS)).getCause());
        assertEquals(FailureKind.CLOSED, e.kind());
    }

    @Test
    void aSenderThatThrowsFailsOnlyThatCall() {
        McpSession s = McpSession.builder("dead").eventExecutor(events).scheduler(timers).sender(line -> {
            throw new IllegalStateException("stdin closed");
        }).build();
        ServerFailedException e = assertThrows(ServerFailedException.class, s::ping);
        assertEquals(FailureKind.CLOSED, e.kind());
        assertTrue(e.getMessage().contains("stdin closed"), e.getMessage());
    }

    @Test
    void theBuilderFailsFastNamingTheBadArgument() {
        assertTrue(assertThrows(NullPointerException.class, () -> McpSession.builder(null)).getMessage()
                .contains("serverName"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> McpSession.builder("x").maxMessageBytes(0))
                .getMessage().contains("maxMessageBytes"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> McpSession.builder("x").defaultTimeout(Duration.ZERO)).getMessage().contains("defaultTimeout"));
        assertTrue(assertThrows(IllegalStateException.class, () -> McpSession.builder("x").build()).getMessage()
                .contains("sender"));
        assertTrue(assertThrows(IllegalStateException.class, () -> McpSession.builder("x").sender(server).build())
                .getMessage().contains("eventExecutor"));
        assertTrue(assertThrows(IllegalStateException.class,
                () -> McpSession.builder("x").sender(server).eventExecutor(events).build()).getMessage()
                .contains("scheduler"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> CallOptions.builder().timeout(Duration.ofSeconds(-1))).getMessage().contains("timeout"));
    }
}
