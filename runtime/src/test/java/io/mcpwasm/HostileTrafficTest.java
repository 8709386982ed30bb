package io.mcpwasm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mcpwasm.wasi.HostPolicy;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A hostile guest (the hidden tools of src/test/guests/protocol-server) against the host's bounds: whatever it
 * sends, however fast, costs the host bounded memory and work; a guest that stops reading its input is noticed
 * and restarted, and the input waiting for it is bounded and released.
 */
class HostileTrafficTest {
    static McpRuntime runtime;
    static McpModule module;
    static final ObjectMapper JSON = new ObjectMapper();
    static final CallOptions LONG = CallOptions.builder().timeout(Duration.ofSeconds(60)).build();

    @BeforeAll
    static void load() {
        runtime = TestGuests.runtime();
        module = runtime.load(TestGuests.guest("protocol-server"));
    }

    @AfterAll
    static void close() {
        runtime.close();
    }

    /** What the guest counted, once it has stopped changing (the host's refreshes have settled). */
    private static JsonNode settledCounts(McpServer server) throws Exception {
        String last = null;
        for (int i = 0; i < 100; i++) {
            String now = server.call("counts", Map.of()).text();
            if (now.equals(last)) {
                return JSON.readTree(now);
            }
            last = now;
            Thread.sleep(150);
        }
        throw new AssertionError("the guest's counts never settled: " + last);
    }

    @Test
    void aListChangedFloodCoalescesIntoAFewRefreshes() throws Exception {
        AtomicInteger toolsChanged = new AtomicInteger();
        AtomicInteger resourcesChanged = new AtomicInteger();
        AtomicInteger promptsChanged = new AtomicInteger();
        ServerOptions options = ServerOptions.builder().listener(new ServerListener() {
            @Override
            public void toolsChanged(List<Tool> tools) {
                toolsChanged.incrementAndGet();
            }

            @Override
            public void resourcesChanged(List<Resource> resources) {
                resourcesChanged.incrementAndGet();
            }

            @Override
            public void promptsChanged(List<Prompt> prompts) {
                promptsChanged.incrementAndGet();
            }
        }).build();
        try (McpServer server = module.start(HostPolicy.denyAll(), options)) {
            assertEquals(19, server.tools().size());
            int before = settledCounts(server).get("toolsList").asInt();
            int threadsBefore = Thread.activeCount();
            int flood = 2000;
            for (String kind : List.of("tools", "resources", "prompts")) {
                assertEquals("flooded " + flood + " " + kind,
                        server.call("flood", Map.of("kind", kind, "count", flood), LONG).text());
            }
            int lists = settledCounts(server).get("toolsList").asInt() - before;
            // 19 tools come in pages of 4: one refresh is 5 tools/list requests. At most one refresh is in flight
            // and one pending, so the flood costs at most two refreshes (one per list_changed before).
            assertTrue(lists > 0 && lists <= 10, "tools/list requests after " + flood + " list_changed: " + lists);
            assertTrue(toolsChanged.get() >= 1 && toolsChanged.get() <= 2, "toolsChanged " + toolsChanged);
            assertTrue(resourcesChanged.get() >= 1 && resourcesChanged.get() <= 2,
                    "resourcesChanged " + resourcesChanged);
            assertTrue(promptsChanged.get() >= 1 && promptsChanged.get() <= 2, "promptsChanged " + promptsChanged);
            assertTrue(Thread.activeCount() - threadsBefore <= 8,
                    "host threads grew from " + threadsBefore + " to " + Thread.activeCount());
            assertEquals(19, server.tools().size());
            assertEquals(ServerState.READY, server.state());
        }
    }

    @Test
    void aProgressFloodIsBoundedWhileTheListenerIsSlow() throws Exception {
        AtomicInteger delivered = new AtomicInteger();
        CountDownLatch floodOver = new CountDownLatch(1);
        CallOptions withProgress = CallOptions.builder().timeout(Duration.ofSeconds(60))
                .progressListener((progress, total, message) -> {
                    if (delivered.incrementAndGet() == 1) {
                        try {
                            floodOver.await(30, TimeUnit.SECONDS); // a slow listener: meanwhile the guest floods
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                }).build();
        try (McpServer server = module.start(HostPolicy.denyAll())) {
            int flood = 20_000;
            CompletableFuture<ToolResult> call = server.callAsync("flood",
                    Map.of("kind", "progress", "count", flood), withProgress);
            for (int i = 0; i < 600 && JSON.readTree(server.call("counts", Map.of()).text())
                    .get("floodsDone").asInt() == 0; i++) {
                Thread.sleep(50);
            }
            floodOver.countDown(); // every notification has reached the host: delivered or dropped
            assertEquals("flooded " + flood + " progress", call.get(60, TimeUnit.SECONDS).text());
            // the one the listener was in, and at most 1024 waiting behind it
            assertTrue(delivered.get() > 0 && delivered.get() <= 1 + 1024,
                    "progress notifications delivered to a slow listener: " + delivered);
            assertEquals("still here", server.call("echo", Map.of("text", "still here")).text());
        } finally {
            floodOver.countDown();
        }
    }

    @Test
    void logStderrAndWarningFloodsAreRateLimited() throws Exception {
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        int flood = 10_000;
        long elapsed;
        try (McpServer server = module.start(HostPolicy.denyAll())) {
            System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
            long start = System.nanoTime();
            try {
                server.call("flood", Map.of("kind", "log", "count", flood), LONG);
                server.call("flood", Map.of("kind", "error_no_id", "count", flood), LONG);
                server.call("flood", Map.of("kind", "stderr", "count", flood), LONG);
            } finally {
                elapsed = System.nanoTime() - start;
                System.setErr(err);
            }
        }
        long seconds = TimeUnit.NANOSECONDS.toSeconds(elapsed) + 1;
        String log = captured.toString(StandardCharsets.UTF_8);
        long logged = log.lines().filter(l -> l.contains("[flood] flood ")).count();
        long warned = log.lines().filter(l -> l.contains("reported an error without a request id")).count();
        long stderr = log.lines().filter(l -> l.contains("flood-stderr ")).count();
        // at most 100 log messages and 10 warnings a second, each with a burst of one second's worth
        assertTrue(logged > 0 && logged <= 100 * (seconds + 1), logged + " log lines in " + seconds + " s");
        assertTrue(warned > 0 && warned <= 10 * (seconds + 1), warned + " warnings in " + seconds + " s");
        assertTrue(stderr > 0 && stderr <= 100 * (seconds + 1), stderr + " stderr lines in " + seconds + " s");
        assertTrue(logged < flood && warned < flood && stderr < flood);
        assertTrue(log.contains("faster than the host takes them: dropped"), "the drops are reported");
    }

    @Test
    void requestsToTheHostAreLimitedInFlight() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger running = new AtomicInteger();
        AtomicInteger mostAtOnce = new AtomicInteger();
        ServerOptions options = ServerOptions.builder().samplingHandler(params -> {
            mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
            try {
                release.await(20, TimeUnit.SECONDS);
            } finally {
                running.decrementAndGet();
            }
            return JSON.createObjectNode().put("role", "assistant");
        }).build();
        try (McpServer server = module.start(HostPolicy.denyAll(), options)) {
            int flood = 200;
            server.call("flood", Map.of("kind", "sampling", "count", flood), LONG);
            JsonNode counts = null;
            for (int i = 0; i < 100; i++) {
                counts = JSON.readTree(server.call("counts", Map.of()).text());
                if (counts.get("refused").asInt() >= flood - 16) {
                    break;
                }
                Thread.sleep(50);
            }
            assertEquals(flood - 16, counts.get("refused").asInt(), "refused at once: " + counts);
            release.countDown();
            for (int i = 0; i < 100 && counts.get("answered").asInt() < 16; i++) {
                Thread.sleep(50);
                counts = JSON.readTree(server.call("counts", Map.of()).text());
            }
            assertEquals(16, counts.get("answered").asInt(), "answered: " + counts);
            assertEquals(16, mostAtOnce.get());
        } finally {
            release.countDown();
        }
    }

    @Test
    void aGuestThatStopsReadingItsInputIsRestartedAsUnresponsive() throws Exception {
        HostPolicy policy = HostPolicy.builder().maxCallTimeout(Duration.ofMillis(800)).build();
        try (McpServer server = module.start(policy)) {
            assertEquals("no longer reading", server.call("stop_reading", Map.of()).text());
            long start = System.nanoTime();
            assertThrows(CallTimeoutException.class, () -> server.call("echo", Map.of("text", "x")));
            for (int i = 0; i < 200 && server.failure().isEmpty(); i++) {
                Thread.sleep(25);
            }
            ServerFailedException f = server.failure().orElseThrow(
                    () -> new AssertionError("a guest sleeping with its input unread was never noticed"));
            assertEquals(FailureKind.UNRESPONSIVE, f.kind());
            assertTrue(f.getMessage().contains("unread"), f.getMessage());
            assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5), "noticed within a few timeouts");
            // a new instance serves
            assertEquals("after restart", server.call("echo", Map.of("text", "after restart")).text());
            assertEquals(ServerState.READY, server.state());
        }
    }

    @Test
    void aRawConnectionWhoseGuestStopsReadingIsClosedAsUnresponsive() throws Exception {
        HostPolicy policy = HostPolicy.builder().maxCallTimeout(Duration.ofMillis(800)).build();
        java.util.concurrent.BlockingQueue<String> lines = new java.util.concurrent.LinkedBlockingQueue<>();
        CompletableFuture<ServerFailedException> closed = new CompletableFuture<>();
        try (GuestConnection c = module.connect(policy, lines::add, closed::complete)) {
            c.send("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"stop_reading\"}}");
            String reply = lines.poll(60, TimeUnit.SECONDS);
            assertTrue(reply != null && reply.contains("no longer reading"), "reply: " + reply);
            Thread.sleep(1500); // longer than the call timeout: with no input queued, the idle guest is fine
            assertTrue(c.isOpen(), "a guest with nothing to read is not unresponsive");
            long start = System.nanoTime();
            c.send("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"ping\"}");
            ServerFailedException f = closed.get(10, TimeUnit.SECONDS);
            assertTrue(f != null, "closed with a failure, not as a clean exit");
            assertEquals(FailureKind.UNRESPONSIVE, f.kind());
            assertTrue(f.getMessage().contains("left its input unread"), f.getMessage());
            assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5), "noticed within a few timeouts");
            for (int i = 0; i < 200 && c.isOpen(); i++) {
                Thread.sleep(25); // the close notice comes from the guest thread just before it ends
            }
            assertFalse(c.isOpen());
            assertTrue(lines.isEmpty(), "the ping was never answered: " + lines);
        }
    }

    @Test
    void inputForAGuestIsBoundedAndReleasedOnClose() throws Exception {
        HostPolicy policy = HostPolicy.builder().maxCallTimeout(Duration.ofSeconds(20)).build();
        ServerOptions options = ServerOptions.builder().maxQueuedInputBytes(64 * 1024).build();
        McpServer server = module.start(policy, options);
        try {
            assertEquals("no longer reading", server.call("stop_reading", Map.of()).text());
            String big = "x".repeat(20 * 1024);
            for (int i = 0; i < 3; i++) {
                assertFalse(server.callAsync("echo", Map.of("text", big)).isDone(), "queued, waiting for the guest");
            }
            assertTrue(server.queuedInputBytes() > 60 * 1024, "queued: " + server.queuedInputBytes());
            long start = System.nanoTime();
            CompletableFuture<ToolResult> refused = server.callAsync("echo", Map.of("text", big));
            ExecutionException e = assertThrows(ExecutionException.class, () -> refused.get(5, TimeUnit.SECONDS));
            assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(2), "refused at once");
            InputQueueFullException full = assertInstanceOf(InputQueueFullException.class, e.getCause());
            assertEquals(64 * 1024, full.limit());
            assertEquals("protocol-server", full.serverName());
            assertTrue(full.getMessage().contains("maxQueuedInputBytes"), full.getMessage());
            assertThrows(InputQueueFullException.class, () -> server.call("echo", Map.of("text", big)));
            assertTrue(server.queuedInputBytes() <= 64 * 1024, "queued: " + server.queuedInputBytes());
        } finally {
            server.close();
        }
        // The caller still holds the server: its guest's unread input is gone all the same.
        assertEquals(0, server.queuedInputBytes());
        assertEquals(ServerState.CLOSED, server.state());
    }
}
