package io.mcpwasm.integrations.mcpsdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;

/**
 * The adapter on the module path with the SDK, Reactor, the runtime and the sandbox: a named module that says only
 * {@code requires io.mcpwasm.integrations.mcpsdk} compiles against the adapter, the SDK's client, Reactor and the
 * mcpwasm API (so the {@code requires transitive} edges are the right ones), and the SDK's own
 * {@code McpSyncClient} initializes, lists and calls a tool of a real wasm guest through the adapter. The other tests
 * run on the class path (surefire's {@code useModulePath=false}); this one launches a JVM with {@code --module-path}.
 */
class ModulePathTest {
    private static final Path WORK = Path.of("target/module-path-test");

    /** The adapter's run-time dependencies, by Maven repository directory; test-only jars stay off the path. */
    private static final List<String> DEPENDENCIES = List.of("/run/endive/", "/org/ow2/asm/", "/com/fasterxml/jackson/",
            "/org/slf4j/slf4j-api/", "/org/slf4j/slf4j-simple/", "/io/modelcontextprotocol/", "/io/projectreactor/",
            "/org/reactivestreams/", "/com/networknt/", "/com/ethlo/time/", "/org/yaml/snakeyaml/");

    @Test
    void theSdkClientCallsAWasmToolThroughTheAdapterFromANamedModule() throws Exception {
        List<String> modulePath = modulePath();
        Files.createDirectories(WORK); // a clean build has no target/module-path-test yet
        Path guest = WORK.resolve(EchoGuest.NAME + ".wasm");
        Files.write(guest, EchoGuest.wasm());
        Path src = WORK.resolve("demo-src");
        Path out = WORK.resolve("demo-classes");
        write(src.resolve("module-info.java"), "module demo { requires io.mcpwasm.integrations.mcpsdk; }\n");
        write(src.resolve("demo/Main.java"), """
                package demo;

                import io.mcpwasm.McpRuntime;
                import io.mcpwasm.integrations.mcpsdk.WasmMcpTransport;
                import io.mcpwasm.wasi.HostPolicy;
                import io.modelcontextprotocol.client.McpClient;
                import io.modelcontextprotocol.client.McpSyncClient;
                import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
                import io.modelcontextprotocol.spec.McpSchema.TextContent;
                import java.nio.file.Path;
                import java.time.Duration;
                import java.util.Map;
                import reactor.core.publisher.Mono;

                public class Main {
                    public static void main(String[] args) {
                        Module adapter = WasmMcpTransport.class.getModule();
                        System.out.println("adapter=" + adapter.getName() + " exports="
                                + adapter.getDescriptor().exports() + " runtimeInternal="
                                + McpRuntime.class.getModule().isExported("io.mcpwasm.internal", Main.class.getModule()));
                        try (McpRuntime runtime = McpRuntime.builder().compileCache(Path.of(args[1])).build()) {
                            WasmMcpTransport transport =
                                    WasmMcpTransport.start(runtime.load(Path.of(args[0])), HostPolicy.denyAll());
                            McpSyncClient client = McpClient.sync(transport).requestTimeout(Duration.ofMinutes(2))
                                    .initializationTimeout(Duration.ofMinutes(2)).build();
                            try {
                                System.out.println("server=" + client.initialize().serverInfo().name());
                                System.out.println("tools=" + client.listTools().tools().size());
                                TextContent text = (TextContent) client.callTool(
                                        CallToolRequest.builder("echo").arguments(Map.of("text", "module path")).build())
                                        .content().get(0);
                                System.out.println("call=" + text.text());
                            } finally {
                                client.closeGracefully();
                            }
                            Mono<Void> closed = transport.closeGracefully();
                            closed.block(Duration.ofMinutes(1));
                        }
                    }
                }
                """);
        javac(modulePath, src, out);
        // The SDK's JSON module is automatic, so it cannot say that it needs the schema validator (a named module
        // nothing requires): an application on the module path adds it, as here.
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                        .toString(), "-XX:-DontCompileHugeMethods", "-Xss8m", "--module-path",
                String.join(File.pathSeparator, modulePath) + File.pathSeparator + out.toAbsolutePath(),
                "--add-modules", "com.networknt.schema", "-m", "demo/demo.Main", guest.toAbsolutePath().toString(),
                WORK.resolve("compile-cache").toAbsolutePath().toString()));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(180, TimeUnit.SECONDS), output);
        assertEquals(0, p.exitValue(), output);
        assertTrue(output.contains("adapter=io.mcpwasm.integrations.mcpsdk exports=[io.mcpwasm.integrations.mcpsdk]"
                + " runtimeInternal=false"), output);
        assertTrue(output.contains("server=" + EchoGuest.NAME), output);
        assertTrue(output.contains("tools=3"), output);
        assertTrue(output.contains("call=echo: module path"), output);
    }

    private static List<String> modulePath() {
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> path = new ArrayList<>();
        for (String entry : cp.split(File.pathSeparator)) {
            String e = entry.replace('\\', '/');
            boolean ours = e.endsWith("/target/classes") && (e.contains("/runtime/") || e.contains("wasi-capabilities")
                    || e.contains("mcp-java-sdk"))
                    || e.matches(".*/mcpwasm-(runtime|wasi-capabilities|mcp-java-sdk)-[^/]*\\.jar");
            if (ours || DEPENDENCIES.stream().anyMatch(e::contains)) {
                path.add(Path.of(entry).toAbsolutePath().toString());
            }
        }
        assertEquals(3, path.stream().filter(e -> e.endsWith("classes") || e.contains("mcpwasm-")).count(),
                "the adapter, the runtime and the sandbox on the module path: " + path);
        return path;
    }

    private static void javac(List<String> modulePath, Path src, Path out) throws IOException {
        deleteTree(out);
        Files.createDirectories(out);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        ByteArrayOutputStream messages = new ByteArrayOutputStream();
        int status = javac.run(null, messages, messages, "-Xlint:all", "-Werror", "--module-path",
                String.join(File.pathSeparator, modulePath), "-d", out.toString(), src.resolve("module-info.java").toString(),
                src.resolve("demo/Main.java").toString());
        assertEquals(0, status, messages.toString(StandardCharsets.UTF_8));
    }

    private static void write(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }

    private static void deleteTree(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (var walk = Files.walk(dir)) {
                for (Path p : walk.sorted((a, b) -> b.compareTo(a)).collect(Collectors.toList())) {
                    Files.delete(p);
                }
            }
        }
    }
}
