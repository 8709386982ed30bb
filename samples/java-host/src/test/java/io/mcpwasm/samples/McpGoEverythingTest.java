package io.mcpwasm.samples;

import static io.mcpwasm.samples.SampleSupport.assertContains;
import static io.mcpwasm.samples.SampleSupport.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mcpwasm.McpModule;
import io.mcpwasm.McpRuntime;
import io.mcpwasm.McpServer;
import io.mcpwasm.Resource;
import io.mcpwasm.ServerFailedException;
import io.mcpwasm.ServerOptions;
import io.mcpwasm.wasi.HostPolicy;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * mcp-go's examples/everything (github.com/mark3labs/mcp-go v1.2.1), built unchanged by
 * samples/third-party/build.sh, through the native API. Its ServeStdio calls signal.Notify, so Go's runtime keeps a
 * goroutine spinning in sched_yield and never polls stdin again; before the WASI host answered such a guest's
 * stdin reads by waiting instead of EAGAIN, every request after the first timed out.
 *
 * <p>It offers no sampling, elicitation or roots. Every tool, resource and prompt on both revisions is exercised by
 * the runtime's ThirdPartyServersTest, and through the MCP Java SDK adapter by integrations/mcp-java-sdk's
 * GoSdkEverythingSdkTest; here a host application's view of it.
 */
class McpGoEverythingTest {
    private static McpRuntime runtime;
    private static McpModule module;
    private static McpServer server;

    @BeforeAll
    static void start() {
        runtime = SampleSupport.runtime(event -> { });
        module = runtime.load(SampleSupport.sample("third-party/mcp-go-everything.wasm"));
        server = module.start(HostPolicy.denyAll(), ServerOptions.builder()
                .startTimeout(SampleSupport.CALL_TIMEOUT).closeGrace(java.time.Duration.ofSeconds(20))
                .args("-t", "stdio").build());
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
        if (runtime != null) {
            runtime.close();
        }
    }

    @Test
    void everyRequestIsAnsweredNotOnlyTheFirst() {
        assertEquals("example-servers/everything", server.info().name());
        assertTrue(SampleSupport.toolNames(server).containsAll(List.of("echo", "add", "getTinyImage")),
                () -> "tools: " + SampleSupport.toolNames(server));
        for (int i = 0; i < 3; i++) {
            assertContains(ok(server, "echo", Map.of("message", "hello " + i)), "hello " + i);
        }
        assertContains(ok(server, "add", Map.of("a", 2, "b", 3)), "5");
    }

    @Test
    void resourcesAndPromptsAnswer() {
        List<String> uris = server.resources().stream().map(Resource::uri).collect(Collectors.toList());
        assertTrue(uris.contains("test://static/resource"), () -> "resources: " + uris);
        assertContains(server.read("test://static/resource").toString(), "test://static/resource");
        assertTrue(server.prompts().stream().anyMatch(p -> p.name().equals("simple_prompt")));
        assertContains(server.prompt("simple_prompt", Map.of()).toString(), "simple prompt");
    }

    @Test
    void argvReachesTheGuest() {
        ServerFailedException e = assertThrows(ServerFailedException.class,
                () -> module.start(HostPolicy.denyAll(), ServerOptions.builder()
                        .startTimeout(SampleSupport.CALL_TIMEOUT).args("-no-such-flag").build()));
        assertContains(e.getMessage(), "mcp-go-everything");
    }
}
