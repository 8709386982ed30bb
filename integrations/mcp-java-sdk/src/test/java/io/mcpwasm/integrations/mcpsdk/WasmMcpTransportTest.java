package io.mcpwasm.integrations.mcpsdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mcpwasm.FailureKind;
import io.mcpwasm.McpModule;
import io.mcpwasm.McpRuntime;
import io.mcpwasm.ServerFailedException;
import io.mcpwasm.wasi.HostPolicy;
import io.modelcontextprotocol.client.McpAsyncClient;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.InitializeResult;
import io.modelcontextprotocol.spec.McpSchema.JSONRPCMessage;
import io.modelcontextprotocol.spec.McpSchema.JSONRPCResponse;
import io.modelcontextprotocol.spec.McpSchema.TextContent;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The official SDK's {@link McpSyncClient}, unchanged, over {@link WasmMcpTransport} to a real wasm MCP server:
 * the WAT guest of {@link EchoGuest}, compiled by wabt and run by mcpwasm.
 */
class WasmMcpTransportTest {
    /** Long enough that a hang shows up as a timeout failure, not as a quick pass. */
    private static final Duration REQUEST_TIMEOUT = Duration.ofMinutes(2);

    private static McpRuntime runtime;
    private static McpModule echo;

    @BeforeAll
    static void load() {
        runtime = McpRuntime.builder().compileCache(Path.of("target/test-compile-cache")).build();
        echo = runtime.load(EchoGuest.wasm(), EchoGuest.NAME);
    }

    @AfterAll
    static void close() {
        runtime.close();
    }

    private static McpSyncClient client(WasmMcpTransport transport) {
        return McpClient.sync(transport).requestTimeout(REQUEST_TIMEOUT).initializationTimeout(REQUEST_TIMEOUT)
                .build();
    }

    @Test
    void syncClientInitializesListsAndCallsTools() {
        WasmMcpTransport transport = WasmMcpTransport.start(echo, HostPolicy.builder().build());
        try (McpSyncClient client = client(transport)) {
            InitializeResult init = client.initialize();
            assertEquals(EchoGuest.NAME, init.serverInfo().name());
            assertEquals("2025-11-25", init.protocolVersion());
            assertTrue(init.capabilities().tools() != null, "the server announced tools");

            List<String> names = client.listTools().tools().stream().map(McpSchema.Tool::name).toList();
            assertEquals(List.of("echo", "crash", "garble"), names);

            String text = "h\u00e9llo \"wasm\"\nsecond line";
            CallToolResult result = client.callTool(call("echo", Map.of("text", text)));
            assertFalse(Boolean.TRUE.equals(result.isError()));
            assertEquals(1, result.content().size());
            assertEquals("echo: " + text, assertInstanceOf(TextContent.class, result.content().get(0)).text());

            // a second call on the same session, and a ping
            CallToolResult again = client.callTool(call("echo", Map.of("text", "again")));
            assertEquals("echo: again", ((TextContent) again.content().get(0)).text());
            client.ping();
            assertTrue(transport.failure().isEmpty());
            assertTrue(client.closeGracefully(), "the client closed gracefully");
        }
        // closing the client closed the guest: its stdin ended and it returned from _start
        assertEquals(FailureKind.CLOSED, transport.failure().orElseThrow().kind());
    }

    @Test
    void asyncClientWithConcurrentCallsGetsEachAnswerOnce() {
        WasmMcpTransport transport = WasmMcpTransport.start(echo, HostPolicy.builder().build());
        McpAsyncClient client = McpClient.async(transport).requestTimeout(REQUEST_TIMEOUT)
                .initializationTimeout(REQUEST_TIMEOUT).build();
        try {
            client.initialize().block();
            List<String> answers = Flux.range(0, 32)
                    .flatMap(i -> Mono.defer(() -> client.callTool(call("echo", Map.of("text", "n" + i))))
                            .subscribeOn(Schedulers.parallel()))
                    .map(r -> ((TextContent) r.content().get(0)).text())
                    .collectList()
                    .block();
            List<String> expected = IntStream.range(0, 32).mapToObj(i -> "echo: n" + i).sorted().toList();
            assertEquals(expected, answers.stream().sorted().toList());
        } finally {
            client.closeGracefully().block();
        }
        assertEquals(FailureKind.CLOSED, transport.failure().orElseThrow().kind());
    }

    @Test
    void guestTrapMidSessionFailsThePendingCallNamingTheServer() {
        WasmMcpTransport transport = WasmMcpTransport.start(echo, HostPolicy.builder().build());
        try (McpSyncClient client = client(transport)) {
            client.initialize();
            McpError error = assertThrows(McpError.class,
                    () -> client.callTool(call("crash", Map.of())));
            assertTrue(error.getMessage().contains("MCP server '" + EchoGuest.NAME + "' failed (TRAP)"),
                    error.getMessage());
            assertEquals(McpSchema.ErrorCodes.INTERNAL_ERROR, error.getJsonRpcError().code());
            assertEquals(Map.of("server", EchoGuest.NAME, "kind", "TRAP"), error.getJsonRpcError().data());

            ServerFailedException failure = transport.failure().orElseThrow();
            assertEquals(FailureKind.TRAP, failure.kind());
            assertEquals(EchoGuest.NAME, failure.serverName());

            // every later call fails at once with the same failure
            RuntimeException later = assertThrows(RuntimeException.class, client::listTools);
            assertTrue(causes(later).contains(failure), "later call fails with the server's failure: " + later);
        }
        transport.closeGracefully().block();
    }

    @Test
    void aLineThatIsNotJsonRpcFailsTheSessionAsMalformed() {
        WasmMcpTransport transport = WasmMcpTransport.start(echo, HostPolicy.builder().build());
        try (McpSyncClient client = client(transport)) {
            client.initialize();
            McpError error = assertThrows(McpError.class,
                    () -> client.callTool(call("garble", Map.of())));
            assertTrue(error.getMessage().contains("'" + EchoGuest.NAME + "'"), error.getMessage());
            assertTrue(error.getMessage().contains("this is not JSON-RPC"), error.getMessage());
            assertEquals(FailureKind.MALFORMED_MESSAGE, transport.failure().orElseThrow().kind());
        }
        transport.closeGracefully().block();
    }

    @Test
    void transportContractWithoutTheClient() throws Exception {
        WasmMcpTransport transport = WasmMcpTransport.start(echo, HostPolicy.builder().build());
        assertEquals(EchoGuest.NAME, transport.serverName());
        BlockingQueue<JSONRPCMessage> received = new LinkedBlockingQueue<>();
        BlockingQueue<Throwable> errors = new LinkedBlockingQueue<>();
        transport.setExceptionHandler(errors::add);

        // sent before connecting: the answer waits for the handler
        transport.sendMessage(new McpSchema.JSONRPCRequest("ping", "p-1", null)).block();
        transport.connect(m -> m.doOnNext(received::add)).block();
        JSONRPCResponse pong = assertInstanceOf(JSONRPCResponse.class, received.poll(2, TimeUnit.MINUTES));
        assertEquals("p-1", pong.id());
        assertEquals(Map.of(), pong.result());

        IllegalStateException twice = assertThrows(IllegalStateException.class,
                () -> transport.connect(m -> m).block());
        assertTrue(twice.getMessage().contains("already connected"), twice.getMessage());

        // unknown methods get the server's own JSON-RPC error
        transport.sendMessage(new McpSchema.JSONRPCRequest("nope", 7, null)).block();
        JSONRPCResponse notFound = (JSONRPCResponse) received.poll(2, TimeUnit.MINUTES);
        assertEquals(-32601, notFound.error().code());

        // a trap answers the pending request with an error and tells the exception handler, once
        transport.sendMessage(new McpSchema.JSONRPCRequest("tools/call", "c-1",
                Map.of("name", "crash", "arguments", Map.of()))).block();
        JSONRPCResponse failed = (JSONRPCResponse) received.poll(2, TimeUnit.MINUTES);
        assertEquals("c-1", failed.id());
        assertTrue(failed.error().message().startsWith("MCP server '" + EchoGuest.NAME + "' failed (TRAP)"),
                failed.error().message());
        Throwable told = errors.poll(2, TimeUnit.MINUTES);
        ServerFailedException failure = assertInstanceOf(ServerFailedException.class, told);
        assertEquals(FailureKind.TRAP, failure.kind());

        ServerFailedException send = assertThrows(ServerFailedException.class,
                () -> transport.sendMessage(new McpSchema.JSONRPCRequest("ping", "p-2", null)).block());
        assertEquals(failure, send);
        transport.closeGracefully().block();
        assertTrue(errors.isEmpty(), "exception handler told only once: " + errors);
    }

    @Test
    void unmarshalFromUsesTheMapper() {
        WasmMcpTransport transport = WasmMcpTransport.start(echo, HostPolicy.builder().build());
        try {
            McpSchema.Implementation impl = transport.unmarshalFrom(Map.of("name", "x", "version", "1"),
                    new io.modelcontextprotocol.json.TypeRef<McpSchema.Implementation>() { });
            assertEquals("x", impl.name());
            assertEquals("1", impl.version());
        } finally {
            transport.closeGracefully().block();
        }
    }

    @Test
    void indentedJsonIsSentOnOneLine() {
        assertEquals("{   \"a\" : 1  }", WasmMcpTransport.toLine("{\n  \"a\" : 1\r\n}"));
        assertEquals("{\"a\":\"x\\ny\"}", WasmMcpTransport.toLine("{\"a\":\"x\\ny\"}"));
    }

    private static List<Throwable> causes(Throwable t) {
        java.util.ArrayList<Throwable> all = new java.util.ArrayList<>();
        for (Throwable c = t; c != null && !all.contains(c); c = c.getCause()) {
            all.add(c);
        }
        return all;
    }

    private static CallToolRequest call(String tool, Map<String, Object> arguments) {
        return CallToolRequest.builder(tool).arguments(arguments).build();
    }
}
