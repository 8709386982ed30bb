package io.mcpwasm.integrations.spring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mcpwasm.wasi.Manifest;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
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

    private static McpWasmConfigurationException failure(Throwable startup) {
        assertNotNull(startup, "the context should have failed to start");
        for (Throwable t = startup; t != null; t = t.getCause()) {
            if (t instanceof McpWasmConfigurationException e) {
                return e;
            }
        }
        throw new AssertionError("not a configuration failure", startup);
    }

    /** A clock setting that cannot apply fails the startup, naming the property to set. */
    private void fails(String property, String... properties) {
        runner.withPropertyValues(properties).run(context -> {
            McpWasmConfigurationException e = failure(context.getStartupFailure());
            assertEquals(property, e.getProperty());
            assertTrue(e.getMessage().contains(property), e.getMessage());
        });
    }

    @Test
    void aServerWhoseManifestRequiresTheRealTimeFailsStartupUnlessClockIsReal(@TempDir Path dir) throws Exception {
        Path module = dir.resolve("clock-realtime.wasm");
        String manifest = "{\"manifestVersion\":1,\"name\":\"clock-realtime\",\"clock\":{\"realtime\":true}}";
        try (InputStream in = ClockPolicyTest.class.getResourceAsStream("/wasm/clock-server.wasm")) {
            Files.write(module, Manifest.embed(in.readAllBytes(), manifest.getBytes(StandardCharsets.UTF_8)));
        }
        String location = "mcpwasm.servers.clock.module=file:" + module;
        runner.withPropertyValues(location, "mcpwasm.servers.clock.clock=withheld").run(context -> {
            McpWasmConfigurationException e = failure(context.getStartupFailure());
            assertEquals("mcpwasm.servers.clock.clock", e.getProperty());
            assertTrue(e.getMessage().endsWith("To start it, set mcpwasm.servers.clock.clock=real"), e.getMessage());
        });
        guestTime(t -> near(Instant.now(), t), location);
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
