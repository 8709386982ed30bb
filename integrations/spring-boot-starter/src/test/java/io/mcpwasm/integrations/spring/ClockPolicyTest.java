package io.mcpwasm.integrations.spring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.springframework.ai.mcp.client.common.autoconfigure.NamedClientMcpTransport;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * {@code mcpwasm.servers.<name>.clock} (with {@code clock-start} / {@code clock-offset}) decides what the guest's
 * realtime clock reads: a Go guest whose tool {@code now} answers {@code time.Now()} reports it.
 */
class ClockPolicyTest {
    private static final Duration SLACK = Duration.ofMinutes(5);

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(McpWasmAutoConfiguration.class))
            .withClassLoader(new FilteredClassLoader(NamedClientMcpTransport.class))
            .withPropertyValues("mcpwasm.cache-dir=../../samples/java-host/target/test-compile-cache",
                    "mcpwasm.servers.clock.module=classpath:/wasm/clock-server.wasm");

    /** Starts a context with the properties and gives the time the guest reports. */
    private void guestTime(Consumer<Instant> check, String... properties) {
        runner.withPropertyValues(properties).run(context -> {
            assertEquals(null, context.getStartupFailure());
            String now = context.getBean(McpWasmServers.class).server("clock").call("now", Map.of()).text();
            check.accept(Instant.parse(now));
        });
    }

    private static void near(Instant expected, Instant actual) {
        assertTrue(Duration.between(expected, actual).abs().compareTo(SLACK) < 0,
                () -> "guest time " + actual + ", expected about " + expected);
    }

    @Test
    void byDefaultTheGuestReadsTheRealTime() {
        guestTime(t -> near(Instant.now(), t));
    }

    @Test
    void withheldStartsAt1970OrAtClockStart() {
        guestTime(t -> near(Instant.EPOCH, t), "mcpwasm.servers.clock.clock=withheld");
        guestTime(t -> near(Instant.parse("2001-02-03T04:05:06Z"), t), "mcpwasm.servers.clock.clock=withheld",
                "mcpwasm.servers.clock.clock-start=2001-02-03T04:05:06Z");
    }

    @Test
    void fixedStartsAtClockStart() {
        guestTime(t -> near(Instant.parse("2030-01-01T00:00:00Z"), t), "mcpwasm.servers.clock.clock=fixed",
                "mcpwasm.servers.clock.clock-start=2030-01-01T00:00:00Z");
    }

    @Test
    void offsetShiftsTheRealTime() {
        guestTime(t -> near(Instant.now().minus(Duration.ofDays(3650)), t), "mcpwasm.servers.clock.clock=offset",
                "mcpwasm.servers.clock.clock-offset=-3650d");
    }

    /** A clock setting that cannot apply fails the startup, naming the property to set. */
    private void fails(String property, String... properties) {
        runner.withPropertyValues(properties).run(context -> {
            Throwable t = context.getStartupFailure();
            assertNotNull(t, "the context should have failed to start");
            while (!(t instanceof McpWasmConfigurationException) && t.getCause() != null) {
                t = t.getCause();
            }
            McpWasmConfigurationException e = (McpWasmConfigurationException) t;
            assertEquals(property, e.getProperty());
            assertTrue(e.getMessage().contains(property), e.getMessage());
        });
    }

    @Test
    void aClockSettingThatCannotApplyFailsStartupNamingItsProperty() {
        fails("mcpwasm.servers.clock.clock-start", "mcpwasm.servers.clock.clock=fixed");
        fails("mcpwasm.servers.clock.clock-offset", "mcpwasm.servers.clock.clock=offset");
        fails("mcpwasm.servers.clock.clock-start", "mcpwasm.servers.clock.clock-start=2030-01-01T00:00:00Z");
        fails("mcpwasm.servers.clock.clock-offset", "mcpwasm.servers.clock.clock-offset=1h");
        fails("mcpwasm.servers.clock.clock-start", "mcpwasm.servers.clock.clock=withheld",
                "mcpwasm.servers.clock.clock-start=tomorrow");
    }
}
