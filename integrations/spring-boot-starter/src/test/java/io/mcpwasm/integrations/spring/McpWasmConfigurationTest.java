package io.mcpwasm.integrations.spring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mcpwasm.McpRuntime;
import io.mcpwasm.wasi.AuditEvent;
import io.mcpwasm.wasi.Manifest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.chat.client.advisor.ToolCallAdvisor;
import org.springframework.ai.mcp.client.common.autoconfigure.NamedClientMcpTransport;
import org.springframework.ai.tool.ToolCallbackProvider;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ApplicationListener;
import org.springframework.context.PayloadApplicationEvent;

/**
 * Bad configuration fails the application's startup with a message naming the property to set, a secret comes
 * from a {@link SecretResolver} without reaching the logs, and closing the context leaves no mcpwasm thread behind.
 * Runs the real samples with the auto-configuration alone (Spring AI's MCP client hidden).
 */
@ExtendWith(OutputCaptureExtension.class)
class McpWasmConfigurationTest {
    private static final String ZIG = "mcpwasm.servers.zig.module=classpath:/wasm/zig-tools.wasm";

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(McpWasmAutoConfiguration.class))
            .withClassLoader(new FilteredClassLoader(NamedClientMcpTransport.class))
            .withPropertyValues("mcpwasm.cache-dir=../../samples/java-host/target/test-compile-cache");

    /** The configuration failure at the root of a failed startup. */
    private static McpWasmConfigurationException failure(Throwable startup) {
        assertNotNull(startup, "the context should have failed to start");
        for (Throwable t = startup; t != null; t = t.getCause()) {
            if (t instanceof McpWasmConfigurationException e) {
                return e;
            }
        }
        throw new AssertionError("not a configuration failure", startup);
    }

    @Test
    void aRefusedMountFailsStartupNamingThePropertyToSet() {
        runner.withPropertyValues("mcpwasm.servers.ws.module=file:../../samples/go-workspace/go-workspace.wasm")
                .run(context -> {
                    McpWasmConfigurationException e = failure(context.getStartupFailure());
                    assertEquals("mcpwasm.servers.ws.mounts", e.getProperty());
                    assertEquals("mcpwasm.servers.ws: server 'go-workspace': required mount /workspace is not bound"
                            + " by the host policy. To start it, bind it: mcpwasm.servers.ws.mounts[N].guest-path="
                            + "/workspace and mcpwasm.servers.ws.mounts[N].host-path=<a directory on this host>",
                            e.getMessage().replaceFirst(" by the host policy[^.]*\\.", " by the host policy."));
                });
    }

    // ChatClient.Builder#defaultToolCallbacks(ToolCallbackProvider...) and ToolCallAdvisor are deprecated for removal in
    // this Spring AI line with no drop-in replacement yet; the test drives the path Spring AI users take today.
    @SuppressWarnings("removal")
    @Test
    void aNetworkAccessTheConfigurationDoesNotAllowReachesTheModelAsTheToolsAnswer() {
        List<AuditEvent> audit = new CopyOnWriteArrayList<>();
        runner.withPropertyValues("mcpwasm.servers.web.module=file:../../samples/http-bindings/zig/http-fetch-zig.wasm")
                .withBean("auditLog", ApplicationListener.class,
                        () -> (ApplicationListener<PayloadApplicationEvent<AuditEvent>>) e -> audit.add(e.getPayload()))
                .run(context -> {
                    assertNull(context.getStartupFailure());
                    ScriptedChatModel model = new ScriptedChatModel()
                            .call("fetch_url", "{\"url\":\"https://en.wikipedia.org/wiki/WebAssembly\"}");
                    String answer = ChatClient.builder(model)
                            .defaultToolCallbacks(context.getBean(ToolCallbackProvider.class))
                            .defaultAdvisors(ToolCallAdvisor.builder().build())
                            .build().prompt("fetch").call().content();
                    assertEquals(1, model.toolResponses().size());
                    assertEquals("fetch failed: DENIED_HOST: the host is not allowed by the manifest and the host"
                            + " policy", answer);
                    assertTrue(audit.stream().anyMatch(e -> e.decision() == AuditEvent.Decision.DENIED
                            && e.capability().equals("network") && e.server().equals("http-fetch-zig")),
                            () -> "events: " + audit);
                });
    }

    @Test
    void aMissingModuleFailsStartupNamingTheModuleProperty() {
        runner.withPropertyValues("mcpwasm.servers.gone.module=classpath:/wasm/no-such.wasm").run(context -> {
            McpWasmConfigurationException e = failure(context.getStartupFailure());
            assertEquals("mcpwasm.servers.gone.module", e.getProperty());
            assertEquals("mcpwasm.servers.gone.module: no such resource classpath:/wasm/no-such.wasm", e.getMessage());
        });
        runner.withPropertyValues("mcpwasm.servers.unset.tool-prefix=x_").run(context ->
                assertEquals("mcpwasm.servers.unset.module", failure(context.getStartupFailure()).getProperty()));
    }

    @Test
    void malformedValuesFailStartupNamingTheirProperty() {
        runner.withPropertyValues(ZIG, "mcpwasm.servers.zig.network[0]=not a pattern").run(context ->
                assertEquals("mcpwasm.servers.zig.network", failure(context.getStartupFailure()).getProperty()));
        runner.withPropertyValues(ZIG, "mcpwasm.servers.zig.tool-prefix=a b").run(context ->
                assertEquals("mcpwasm.servers.zig.tool-prefix", failure(context.getStartupFailure()).getProperty()));
        runner.withPropertyValues("mcpwasm.servers.ws.module=file:../../samples/go-workspace/go-workspace.wasm",
                "mcpwasm.servers.ws.pool-size=2").run(context -> {
                    McpWasmConfigurationException e = failure(context.getStartupFailure());
                    assertEquals("mcpwasm.servers.ws.pool-size", e.getProperty());
                    assertTrue(e.getMessage().contains("\"stateless\": true"), e.getMessage());
                });
    }

    @Test
    void twoServersOfferingOneToolNameAreToldToSetAToolPrefix() {
        runner.withPropertyValues(ZIG, "mcpwasm.servers.zig2.module=classpath:/wasm/zig-tools.wasm").run(context -> {
            ToolCallbackProvider tools = context.getBean(ToolCallbackProvider.class);
            McpWasmConfigurationException e = assertThrows(McpWasmConfigurationException.class,
                    tools::getToolCallbacks);
            assertEquals("mcpwasm.servers.zig2.tool-prefix", e.getProperty());
        });
    }

    @Test
    void aSecretFromASecretResolverIsGrantedAndNeverLogged(@TempDir Path dir, CapturedOutput output)
            throws Exception {
        String secret = "s3cr3t-" + System.nanoTime();
        Path module = dir.resolve("zig-with-secret.wasm");
        byte[] zig = Files.readAllBytes(Path.of("../../samples/zig-tools/zig-tools.wasm"));
        String manifest = "{\"manifestVersion\":1,\"name\":\"zig-with-secret\",\"limits\":{\"memory\":\"64MiB\"},"
                + "\"secrets\":[{\"name\":\"api-token\",\"guestPath\":\"/run/secrets/api-token\"}]}";
        Files.write(module, Manifest.embed(zig, manifest.getBytes(StandardCharsets.UTF_8)));
        String location = "mcpwasm.servers.vaulted.module=file:" + module;

        runner.withPropertyValues(location).run(context -> {
            McpWasmConfigurationException e = failure(context.getStartupFailure());
            assertEquals("mcpwasm.servers.vaulted.secrets.api-token", e.getProperty());
            assertTrue(e.getMessage().endsWith("set mcpwasm.servers.vaulted.secrets.api-token or supply it from a"
                    + " SecretResolver bean"), e.getMessage());
        });
        runner.withPropertyValues(location)
                .withBean(SecretResolver.class, () -> (server, name) -> server.equals("vaulted")
                        && name.equals("api-token") ? secret.getBytes(StandardCharsets.UTF_8) : null)
                .run(context -> {
                    assertNull(context.getStartupFailure());
                    assertEquals(List.of("api-token"),
                            context.getBean(McpWasmServers.class).server("vaulted").grants().secretNames());
                });
        String fromProperties = "pr0p-" + System.nanoTime();
        runner.withPropertyValues(location, "mcpwasm.servers.vaulted.secrets.api-token=" + fromProperties)
                .run(context -> {
                    assertNull(context.getStartupFailure());
                    McpWasmServers servers = context.getBean(McpWasmServers.class);
                    assertEquals(List.of("api-token"), servers.server("vaulted").grants().secretNames());
                    assertFalse(servers.toString().contains(fromProperties));
                });
        assertFalse(output.getAll().contains(secret), "the secret's value reached the log");
        assertFalse(output.getAll().contains(fromProperties), "the secret's value from a property reached the log");
        assertTrue(output.getAll().contains("api-token"), "the secret's grant is audited by name");
    }

    @Test
    void closingTheContextStopsEveryGuestThread() {
        runner.withPropertyValues(ZIG, "mcpwasm.servers.zig.pool-size=2").run(context -> {
            assertNull(context.getStartupFailure());
            assertEquals(1, context.getBeansOfType(McpRuntime.class).size());
            assertFalse(mcpwasmThreads().isEmpty(), "the guests should be running");
        });
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!mcpwasmThreads().isEmpty() && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertEquals(List.of(), mcpwasmThreads());
    }

    @Test
    void disabledStartsNothing() {
        runner.withPropertyValues(ZIG, "mcpwasm.enabled=false").run(context -> {
            assertNull(context.getStartupFailure());
            assertTrue(context.getBeansOfType(McpRuntime.class).isEmpty());
        });
    }

    private static List<String> mcpwasmThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(n -> n.startsWith("mcpwasm-")).sorted().collect(Collectors.toList());
    }

    private static void assertNull(Object o) {
        org.junit.jupiter.api.Assertions.assertNull(o, () -> "unexpected: " + o);
    }
}
