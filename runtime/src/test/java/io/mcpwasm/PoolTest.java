package io.mcpwasm;

import static org.junit.jupiter.api.Assertions.*;

import io.mcpwasm.wasi.HostPolicy;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A pool of instances of a stateless server (the C fault server declares "stateless": true). */
class PoolTest {
    static McpRuntime runtime;
    static McpModule stateless;
    static McpModule stateful;

    @BeforeAll
    static void load() {
        runtime = TestGuests.runtime();
        stateless = runtime.load(TestGuests.guest("fault-server"));
        stateful = runtime.load(TestGuests.guest("protocol-server"));
    }

    @AfterAll
    static void close() {
        runtime.close();
    }

    @Test
    void callsAreSpreadOverTheInstances() throws Exception {
        try (McpServerPool pool = stateless.startPool(HostPolicy.denyAll(), ServerOptions.defaults(), 3)) {
            assertEquals(3, pool.servers().size());
            assertTrue(pool.tools().stream().anyMatch(t -> t.name().equals("whoami")));
            Set<String> answered = new HashSet<>();
            for (int i = 0; i < 3; i++) {
                answered.add(pool.call("whoami", Map.of()).text()); // idle instances are taken in turn
            }
            assertEquals(3, answered.size(), "each instance has its own identity: " + answered);
            List<CompletableFuture<ToolResult>> calls = new java.util.ArrayList<>();
            for (int i = 0; i < 30; i++) {
                calls.add(pool.callAsync("echo", Map.of(), CallOptions.defaults()));
            }
            for (CompletableFuture<ToolResult> c : calls) {
                assertEquals("echo", c.get(30, TimeUnit.SECONDS).text());
            }
        }
    }

    @Test
    void aFailedInstanceIsSkipped() {
        try (McpServerPool pool = stateless.startPool(HostPolicy.denyAll(), ServerOptions.defaults(), 2)) {
            assertThrows(ServerFailedException.class, () -> pool.call("trap", Map.of()));
            assertEquals(1, pool.servers().stream().filter(s -> s.state() == ServerState.FAILED).count());
            for (int i = 0; i < 5; i++) {
                assertEquals("echo", pool.call("echo", Map.of()).text(), "served by the live instance");
            }
        }
    }

    @Test
    void aServerThatDoesNotDeclareItselfStatelessCannotBePooled() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> stateful.startPool(HostPolicy.denyAll(), ServerOptions.defaults(), 2));
        assertTrue(e.getMessage().contains("protocol-server") && e.getMessage().contains("stateless"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> stateless.startPool(HostPolicy.denyAll(), ServerOptions.defaults(), 0));
    }
}
