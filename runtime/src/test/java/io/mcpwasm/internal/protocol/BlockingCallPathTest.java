package io.mcpwasm.internal.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mcpwasm.CallOptions;
import io.mcpwasm.CallTimeoutException;
import io.mcpwasm.ToolResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The blocking call path ({@link McpSession#call}): its answer is completed on the delivering thread even when it
 * arrives before the caller starts to wait, and its deadline is kept by the waiting caller, not by a timer task.
 */
class BlockingCallPathTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final AtomicInteger eventTasks = new AtomicInteger();
    private final AtomicInteger timerTasks = new AtomicInteger();
    private final ScheduledThreadPoolExecutor timers = new ScheduledThreadPoolExecutor(1) {
        @Override
        public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
            timerTasks.incrementAndGet();
            return super.schedule(command, delay, unit);
        }
    };
    private volatile boolean answer = true;
    private final AtomicInteger cancels = new AtomicInteger();
    private McpSession session;

    @AfterEach
    void tearDown() {
        session.close();
        timers.shutdownNow();
    }

    /** A session whose "server" answers every tools/call inside {@code send}, before the caller can wait. */
    private McpSession session() {
        McpSession[] self = new McpSession[1];
        session = McpSession.builder("instant")
                .eventExecutor(r -> {
                    eventTasks.incrementAndGet();
                    r.run();
                })
                .scheduler(timers)
                .sender(line -> {
                    JsonNode msg = parse(line);
                    if ("notifications/cancelled".equals(msg.path("method").asText())) {
                        cancels.incrementAndGet();
                    }
                    if (!answer || !"tools/call".equals(msg.path("method").asText())) {
                        return;
                    }
                    byte[] reply = ("{\"jsonrpc\":\"2.0\",\"id\":" + msg.get("id") + ",\"result\":{\"content\":"
                            + "[{\"type\":\"text\",\"text\":\"done\"}]}}").getBytes(StandardCharsets.UTF_8);
                    self[0].onMessage(reply, 0, reply.length);
                })
                .build();
        self[0] = session;
        return session;
    }

    private static JsonNode parse(byte[] line) {
        try {
            return JSON.readTree(line);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void anAnswerBeforeTheCallerWaitsIsCompletedWithoutTheEventExecutor() {
        McpSession s = session();
        for (int i = 0; i < 3; i++) {
            ToolResult r = s.call("t", Map.of(), CallOptions.defaults());
            assertEquals("done", r.text());
        }
        assertEquals(0, eventTasks.get(), "a blocking call's answer needs no hop through the event executor");
    }

    @Test
    void aBlockingCallSchedulesNoTimerTaskButAnAsyncCallDoes() throws Exception {
        McpSession s = session();
        s.call("t", Map.of(), CallOptions.defaults());
        assertEquals(0, timerTasks.get(), "the blocking caller keeps the deadline itself");
        assertEquals("done", s.callAsync("t", Map.of(), CallOptions.defaults()).get(5, TimeUnit.SECONDS).text());
        assertEquals(1, timerTasks.get(), "a future others may hold keeps its deadline with a timer task");
    }

    @Test
    void aBlockingCallStillTimesOutOnItsOwnDeadlineAndSendsCancelled() {
        McpSession s = session();
        answer = false;
        long start = System.nanoTime();
        CallTimeoutException e = assertThrows(CallTimeoutException.class,
                () -> s.call("t", Map.of(), CallOptions.builder().timeout(Duration.ofMillis(100)).build()));
        long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertEquals("tools/call", e.method());
        assertEquals(1, cancels.get(), "the server is told the request was abandoned");
        assertEquals(0, timerTasks.get());
        assertTrue(tookMillis >= 100 && tookMillis < 4_000, "timed out after " + tookMillis + " ms");
        // the session stays usable
        answer = true;
        assertEquals("done", s.call("t", Map.of(), CallOptions.defaults()).text());
    }

    @Test
    void anAsyncCallStillTimesOutThroughItsTimer() {
        McpSession s = session();
        answer = false;
        ExecutionException e = assertThrows(ExecutionException.class, () -> s.callAsync("t", Map.of(),
                CallOptions.builder().timeout(Duration.ofMillis(50)).build()).get(5, TimeUnit.SECONDS));
        assertInstanceOf(CallTimeoutException.class, e.getCause());
        assertEquals(1, timerTasks.get());
    }
}
