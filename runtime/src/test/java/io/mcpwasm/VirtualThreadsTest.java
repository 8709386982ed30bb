package io.mcpwasm;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.mcpwasm.wasi.HostPolicy;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Guests on virtual threads ({@code McpRuntime.Builder.virtualThreads()}): refused clearly before JDK 21; from 21 on,
 * idle servers hold no platform thread, and faults, stack exhaustion and the interrupt of a busy guest behave as on
 * platform threads. (CI runs JDK 17, where only the refusal is checked; run with a newer JDK, e.g.
 * {@code mvn -pl runtime test -Dtest=VirtualThreadsTest -Djvm=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}.)
 */
class VirtualThreadsTest {
    private static McpRuntime runtime() {
        return McpRuntime.builder().compileCache(Path.of("target/test-compile-cache")).virtualThreads().build();
    }

    @Test
    void beforeJdk21TheOptionIsRefusedWhenSet() {
        assumeTrue(Runtime.version().feature() < 21, "this JVM has virtual threads");
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                () -> McpRuntime.builder().virtualThreads());
        assertTrue(e.getMessage().contains("JDK 21"), e.getMessage());
    }

    @Test
    void idleServersHoldNoPlatformThread() {
        assumeTrue(Runtime.version().feature() >= 21, "virtual threads need JDK 21");
        try (McpRuntime runtime = runtime()) {
            McpModule faults = runtime.load(TestGuests.guest("fault-server"));
            faults.start(HostPolicy.denyAll()).close(); // the runtime's own helper threads exist now
            int before = ManagementFactory.getThreadMXBean().getThreadCount();
            List<McpServer> servers = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                servers.add(faults.start(HostPolicy.denyAll()));
            }
            for (McpServer s : servers) {
                assertEquals("echo", s.call("echo", Map.of()).text());
            }
            int during = ManagementFactory.getThreadMXBean().getThreadCount();
            assertTrue(during - before < 10, "50 idle servers added " + (during - before) + " platform threads");
            servers.forEach(McpServer::close);
        }
    }

    @Test
    void faultsAndStackExhaustionAreReportedAsOnPlatformThreads() throws Exception {
        assumeTrue(Runtime.version().feature() >= 21, "virtual threads need JDK 21");
        try (McpRuntime runtime = runtime()) {
            McpModule faults = runtime.load(TestGuests.guest("fault-server"));
            try (McpServer s = faults.start(HostPolicy.denyAll())) {
                assertEquals(FailureKind.TRAP, failure(s, "trap"));
            }
            try (McpServer s = faults.start(HostPolicy.denyAll())) {
                assertEquals(FailureKind.STACK_EXHAUSTED, failure(s, "recurse"));
            }
            try (McpServer s = faults.start(HostPolicy.denyAll())) {
                assertEquals("echo", s.call("echo", Map.of()).text(), "a new server on the same runtime serves");
            }
        }
    }

    @Test
    void aBusyGuestIsInterruptedAndRestarted() throws Exception {
        assumeTrue(Runtime.version().feature() >= 21, "virtual threads need JDK 21");
        try (McpRuntime runtime = runtime()) {
            McpModule protocol = runtime.load(TestGuests.guest("protocol-server"));
            ServerOptions options = ServerOptions.builder().unresponsiveGrace(Duration.ofMillis(300)).build();
            try (McpServer server = protocol.start(HostPolicy.denyAll(), options)) {
                CallOptions quick = CallOptions.builder().timeout(Duration.ofMillis(300)).build();
                assertThrows(CallTimeoutException.class, () -> server.call("spin", Map.of(), quick));
                for (int i = 0; i < 200 && server.failure().isEmpty(); i++) {
                    Thread.sleep(25);
                }
                assertEquals(FailureKind.UNRESPONSIVE, server.failure().orElseThrow().kind());
                assertEquals("after restart", server.call("echo", Map.of("text", "after restart")).text());
            }
        }
    }

    private static FailureKind failure(McpServer server, String tool) throws Exception {
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> server.callAsync(tool, Map.of()).get(30, TimeUnit.SECONDS));
        return assertInstanceOf(ServerFailedException.class, e.getCause()).kind();
    }
}
