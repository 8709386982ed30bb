package io.mcpwasm;

import static org.junit.jupiter.api.Assertions.*;

import io.mcpwasm.wasi.HostPolicy;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every fault kind, each from a real guest: the failing server moves to FAILED with the cause, its pending calls
 * fail with that cause, and a second server in the same JVM keeps working.
 */
class FaultTest {
    static McpRuntime runtime;
    static McpModule faults;
    static McpModule protocol;
    static McpServer bystander;

    @BeforeAll
    static void load() {
        runtime = TestGuests.runtime();
        faults = runtime.load(TestGuests.guest("fault-server"));
        protocol = runtime.load(TestGuests.guest("protocol-server"));
        bystander = protocol.start(HostPolicy.denyAll());
    }

    @AfterAll
    static void close() {
        runtime.close();
    }

    private static ServerFailedException failsWith(McpServer server, String tool, Map<String, ?> args, FailureKind kind) {
        CompletableFuture<ToolResult> pending = server.callAsync("echo", Map.of());
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> server.callAsync(tool, args).get(30, TimeUnit.SECONDS));
        ServerFailedException f = assertInstanceOf(ServerFailedException.class, e.getCause());
        assertEquals(kind, f.kind(), f.getMessage());
        assertEquals(ServerState.FAILED, server.state());
        assertEquals(kind, server.failure().orElseThrow().kind());
        // later calls fail fast with the same cause
        ServerFailedException later = assertThrows(ServerFailedException.class, () -> server.call("echo", Map.of()));
        assertEquals(kind, later.kind());
        pending.handle((r, t) -> null).join();
        // and the other server is unaffected
        assertEquals("still here", bystander.call("echo", Map.of("text", "still here")).text());
        return f;
    }

    @Test
    void trap() {
        try (McpServer s = faults.start(HostPolicy.denyAll())) {
            ServerFailedException f = failsWith(s, "trap", Map.of(), FailureKind.TRAP);
            assertTrue(f.getMessage().contains("fault-server"), f.getMessage());
        }
    }

    @Test
    void stackExhaustion() {
        try (McpServer s = faults.start(HostPolicy.denyAll())) {
            failsWith(s, "recurse", Map.of(), FailureKind.STACK_EXHAUSTED);
        }
    }

    @Test
    void memoryGrowthPastTheCap() {
        try (McpServer s = faults.start(HostPolicy.denyAll())) {
            ServerFailedException f = failsWith(s, "grow", Map.of(), FailureKind.OUT_OF_MEMORY);
            assertTrue(f.getMessage().contains("8 MiB"), f.getMessage());
        }
    }

    @Test
    void theHostPolicyLowersTheMemoryCap() {
        try (McpServer s = faults.start(HostPolicy.builder().maxMemory(2L << 20).build())) {
            ServerFailedException f = failsWith(s, "grow", Map.of(), FailureKind.OUT_OF_MEMORY);
            assertTrue(f.getMessage().contains("2 MiB"), f.getMessage());
        }
    }

    @Test
    void aModuleDeclaringMoreInitialMemoryThanTheCapDoesNotStart() {
        byte[] big = com.dylibso.chicory.wabt.Wat2Wasm.parse(
                "(module (memory (export \"memory\") 300) (func (export \"_start\")))"); // 300 pages = 18.75 MiB
        McpModule m = runtime.load(big, "big-memory");
        ServerFailedException f = assertThrows(ServerFailedException.class,
                () -> m.start(HostPolicy.builder().maxMemory(1L << 20).build()));
        assertEquals(FailureKind.START_FAILED, f.kind());
        assertTrue(f.getMessage().contains("300 initial memory pages"), f.getMessage());
        // Under a cap it fits, it starts, returns from _start without serving: that is an exit, not a hang.
        ServerFailedException exited = assertThrows(ServerFailedException.class, () -> m.start(HostPolicy.denyAll()));
        assertTrue(exited.getMessage().contains("_start"), exited.getMessage());
    }

    @Test
    void procExitWithACode() {
        try (McpServer s = protocol.start(HostPolicy.denyAll())) {
            ServerFailedException f = failsWith(s, "exit", Map.of("code", 7), FailureKind.EXIT);
            assertTrue(f.getMessage().contains("code 7"), f.getMessage());
        }
    }

    @Test
    void malformedJson() {
        try (McpServer s = protocol.start(HostPolicy.denyAll())) {
            failsWith(s, "malformed", Map.of(), FailureKind.MALFORMED_MESSAGE);
        }
    }

    @Test
    void messageOverTheSizeLimit() {
        try (McpServer s = protocol.start(HostPolicy.builder().maxMessageBytes(64 * 1024).build())) {
            failsWith(s, "huge", Map.of("bytes", 200_000), FailureKind.MESSAGE_TOO_LARGE);
        }
    }

    @Test
    void responseToAnUnknownId() {
        try (McpServer s = protocol.start(HostPolicy.denyAll())) {
            failsWith(s, "unknown_id", Map.of(), FailureKind.UNKNOWN_RESPONSE_ID);
        }
    }

    @Test
    void automaticRestartWithBackoff() throws Exception {
        ServerOptions options = ServerOptions.builder()
                .autoRestart(Duration.ofMillis(50), Duration.ofSeconds(1)).build();
        try (McpServer s = faults.start(HostPolicy.denyAll(), options)) {
            assertThrows(ServerFailedException.class, () -> s.call("trap", Map.of()));
            // calls wait for the restart and then succeed
            assertEquals("echo", s.call("echo", Map.of()).text());
            assertEquals(ServerState.READY, s.state());
            assertEquals(FailureKind.TRAP, s.failure().orElseThrow().kind());
        }
    }
}
