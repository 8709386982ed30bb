package io.mcpwasm;

import static org.junit.jupiter.api.Assertions.*;

import com.sun.net.httpserver.HttpServer;
import io.mcpwasm.wasi.AuditEvent;
import io.mcpwasm.wasi.CapabilityDeniedException;
import io.mcpwasm.wasi.HostPolicy;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The network capability through the runtime: the Zig fetch sample (samples/http-bindings/zig) reaches a
 * loopback HTTP server only when its manifest names it and the host policy allows it (loopback included).
 */
class NetworkTest {
    static HttpServer http;
    static int port;
    static final List<AuditEvent> events = new CopyOnWriteArrayList<>();
    static McpRuntime runtime;
    static McpModule fetch;

    @BeforeAll
    static void setUp(@TempDir Path dir) throws Exception {
        http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        http.createContext("/hello", ex -> {
            byte[] body = "hello from the host's loopback".getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "text/plain");
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        http.start();
        port = http.getAddress().getPort();
        // The sample's own manifest names *.wikipedia.org; this copy names the test server instead.
        Path wasm = dir.resolve("http-fetch-zig.wasm");
        Files.copy(Path.of("../samples/http-bindings/zig/http-fetch-zig.wasm"), wasm);
        Files.writeString(dir.resolve("http-fetch-zig.manifest.json"), "{\"manifestVersion\":1,"
                + "\"name\":\"http-fetch-zig\",\"network\":{\"hosts\":[\"http://127.0.0.1:" + port + "\"]}}");
        runtime = McpRuntime.builder().compileCache(Path.of("target/test-compile-cache"))
                .auditListener(events::add).build();
        fetch = runtime.load(wasm);
    }

    @AfterAll
    static void tearDown() {
        runtime.close();
        http.stop(0);
    }

    private static HostPolicy allowLoopback() {
        return HostPolicy.builder().allowNetwork("http://127.0.0.1:" + port)
                .allowSpecialAddress(InetAddress.getLoopbackAddress()).build();
    }

    @Test
    void anAllowedHostIsReached() {
        try (McpServer s = fetch.start(allowLoopback())) {
            ToolResult r = s.call("fetch_url", Map.of("url", "http://127.0.0.1:" + port + "/hello"));
            assertFalse(r.isError(), r.text());
            assertTrue(r.text().contains("hello from the host's loopback"), r.text());
            // What the server hands out reports the grant but cannot wire another guest's sandbox.
            assertFalse(s.grants().network().isEmpty(), s.grants().toString());
            assertThrows(IllegalArgumentException.class, () -> io.mcpwasm.wasi.Sandbox.builder(s.grants()));
        }
        assertTrue(events.stream().anyMatch(e -> e.capability().equals("network")
                && e.decision() == AuditEvent.Decision.GRANTED && e.target().contains(String.valueOf(port))));
    }

    @Test
    void aHostOutsideTheManifestIsRefused() {
        try (McpServer s = fetch.start(allowLoopback())) {
            ToolResult r = s.call("fetch_url", Map.of("url", "http://localhost:" + port + "/hello"));
            assertTrue(r.isError(), r.text());
            assertTrue(r.text().contains("DENIED"), r.text());
        }
    }

    @Test
    void thePolicysHttpLimitsReachTheGuest() {
        HostPolicy small = allowLoopback().toBuilder()
                .httpLimits(io.mcpwasm.wasi.HttpLimits.defaults().withMaxResponseBytes(10)).build();
        try (McpServer s = fetch.start(small)) {
            ToolResult r = s.call("fetch_url", Map.of("url", "http://127.0.0.1:" + port + "/hello"));
            assertTrue(r.isError(), r.text());
            assertTrue(r.text().contains("TOO_LARGE"), r.text());
        }
    }

    /** Names resolve through the policy's resolver: the system's would not know this one. */
    @Test
    void thePolicysHostResolverAnswersForTheGuest(@TempDir Path dir) throws Exception {
        Path wasm = dir.resolve("http-fetch-zig.wasm");
        Files.copy(Path.of("../samples/http-bindings/zig/http-fetch-zig.wasm"), wasm);
        Files.writeString(dir.resolve("http-fetch-zig.manifest.json"), "{\"manifestVersion\":1,"
                + "\"name\":\"http-fetch-zig\",\"network\":{\"hosts\":[\"http://weather.test:" + port + "\"]}}");
        List<String> asked = new CopyOnWriteArrayList<>();
        HostPolicy policy = HostPolicy.builder().allowNetwork("http://weather.test:" + port)
                .allowSpecialAddress(InetAddress.getLoopbackAddress())
                .hostResolver(host -> {
                    asked.add(host);
                    if (!host.equals("weather.test")) {
                        throw new java.net.UnknownHostException(host);
                    }
                    return List.of(InetAddress.getLoopbackAddress());
                })
                .build();
        try (McpServer s = runtime.load(wasm).start(policy)) {
            ToolResult r = s.call("fetch_url", Map.of("url", "http://weather.test:" + port + "/hello"));
            assertFalse(r.isError(), r.text());
            assertTrue(r.text().contains("hello from the host's loopback"), r.text());
        }
        assertTrue(asked.contains("weather.test"), asked.toString());
    }

    @Test
    void loopbackIsRefusedUnlessThePolicyAllowsThatAddress() {
        HostPolicy noLoopback = HostPolicy.builder().allowNetwork("http://127.0.0.1:" + port).build();
        try (McpServer s = fetch.start(noLoopback)) {
            ToolResult r = s.call("fetch_url", Map.of("url", "http://127.0.0.1:" + port + "/hello"));
            assertTrue(r.isError(), r.text());
            assertTrue(r.text().contains("DENIED_ADDRESS"), r.text());
        }
    }

    @Test
    void aManifestHostThePolicyRefusesStopsTheStart() {
        CapabilityDeniedException e = assertThrows(CapabilityDeniedException.class,
                () -> fetch.start(HostPolicy.denyAll()));
        assertTrue(e.getMessage().contains("127.0.0.1:" + port), e.getMessage());
    }
}
