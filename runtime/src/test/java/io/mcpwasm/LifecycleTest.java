package io.mcpwasm;

import static org.junit.jupiter.api.Assertions.*;

import io.mcpwasm.wasi.HostPolicy;
import java.lang.management.ManagementFactory;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Start/close cycles leave nothing behind. */
class LifecycleTest {

    @Test
    void aThousandStartCloseCyclesLeaveNoThreadsBehind() throws Exception {
        try (McpRuntime runtime = TestGuests.runtime()) {
            McpModule module = runtime.load(TestGuests.guest("fault-server"));
            // warm up the runtime's own pools
            for (int i = 0; i < 20; i++) {
                try (McpServer s = module.start(HostPolicy.denyAll())) {
                    s.ping();
                }
            }
            int before = liveThreads();
            long heapBefore = usedHeapAfterGc();
            for (int i = 0; i < 1000; i++) {
                try (McpServer s = module.start(HostPolicy.denyAll())) {
                    if (i % 100 == 0) {
                        assertEquals("echo", s.call("echo", Map.of()).text());
                    }
                }
            }
            int after = liveThreads();
            assertTrue(after <= before + 2, "threads before " + before + ", after " + after);
            long heapAfter = usedHeapAfterGc();
            assertTrue(heapAfter < heapBefore + (64L << 20), "heap grew from " + heapBefore + " to " + heapAfter);
        }
    }

    @Test
    void closeIsIdempotentAndCallsAfterCloseFailClearly() {
        try (McpRuntime runtime = TestGuests.runtime()) {
            McpServer s = runtime.load(TestGuests.guest("fault-server")).start(HostPolicy.denyAll());
            s.close();
            s.close();
            assertEquals(ServerState.CLOSED, s.state());
            ServerFailedException e = assertThrows(ServerFailedException.class, () -> s.call("echo", Map.of()));
            assertEquals(FailureKind.CLOSED, e.kind());
        }
    }

    @Test
    void closingTheRuntimeClosesItsServers() {
        McpRuntime runtime = TestGuests.runtime();
        McpServer s = runtime.load(TestGuests.guest("fault-server")).start(HostPolicy.denyAll());
        runtime.close();
        assertEquals(ServerState.CLOSED, s.state());
        assertThrows(IllegalStateException.class, () -> runtime.load(TestGuests.guest("fault-server")));
    }

    private static int liveThreads() throws InterruptedException {
        Thread.sleep(200);
        return ManagementFactory.getThreadMXBean().getThreadCount();
    }

    private static long usedHeapAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(50);
        }
        Runtime r = Runtime.getRuntime();
        return r.totalMemory() - r.freeMemory();
    }
}
