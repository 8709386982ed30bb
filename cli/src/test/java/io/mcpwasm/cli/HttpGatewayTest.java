package io.mcpwasm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.mcpwasm.McpRuntime;
import io.mcpwasm.ModuleLoadException;
import io.mcpwasm.wasi.CapabilityDeniedException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Streamable HTTP gateway on 127.0.0.1 (ephemeral port) with real guests: zig-tools (answers at once, pooled
 * for sessionless requests) and a WAT guest that never answers. Bad input gets the transport's status codes and
 * JSON-RPC errors; sessions stay independent.
 */
class HttpGatewayTest {
    private static final String INIT = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{"
            + "\"protocolVersion\":\"2025-11-25\",\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}";
    private static final String BOTH = "application/json, text/event-stream";

    @TempDir
    static Path tmp;
    static McpRuntime runtime;
    static ScheduledExecutorService timer;
    static HttpGateway gateway;
    static HttpClient http;

    @BeforeAll
    static void start() throws Exception {
        runtime = McpRuntime.create();
        timer = Executors.newSingleThreadScheduledExecutor();
        Path silent = TestGuests.silent(tmp);
        gateway = HttpGateway.start(runtime, GatewayConfig.parse("""
                {"maxBodyBytes": "64KiB",
                 "servers": {
                   "zig": {"module": "%s", "pool": 2},
                   "silent": {"module": "%s", "policy": {"timeout": "1s"}}}}
                """.formatted(TestGuests.ZIG, silent), tmp), "127.0.0.1:0", timer);
        http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    }

    @AfterAll
    static void stop() {
        gateway.close();
        runtime.close();
        timer.shutdownNow();
    }

    private static URI uri(String server) {
        return URI.create("http://127.0.0.1:" + gateway.port() + "/" + server + "/mcp");
    }

    private static HttpResponse<String> post(String server, String body, String session, String accept,
                                             String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(server)).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        if (accept != null) {
            b.header("Accept", accept);
        }
        if (session != null) {
            b.header("Mcp-Session-Id", session);
        }
        if (headers.length > 0) {
            b.headers(headers);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The JSON-RPC messages of an SSE body, or the one JSON body. */
    private static List<JsonNode> messages(HttpResponse<String> r) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        if (r.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream")) {
            for (String line : r.body().split("\n")) {
                if (line.startsWith("data: ")) {
                    out.add(JsonRpc.JSON.readTree(line.substring(6)));
                }
            }
        } else {
            out.add(JsonRpc.JSON.readTree(r.body()));
        }
        return out;
    }

    private static String initialize(String server) throws Exception {
        HttpResponse<String> r = post(server, INIT, null, BOTH);
        assertEquals(200, r.statusCode(), r.body());
        assertEquals("zig-tools", messages(r).get(0).path("result").path("serverInfo").path("name").asText());
        String session = r.headers().firstValue("Mcp-Session-Id").orElseThrow();
        assertEquals(202, post(server, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}", session, BOTH)
                .statusCode());
        return session;
    }

    private static String sha256Call(Object id, String text) {
        return "{\"jsonrpc\":\"2.0\",\"id\":" + JsonRpc.JSON.valueToTree(id) + ",\"method\":\"tools/call\",\"params\":"
                + "{\"name\":\"sha256\",\"arguments\":{\"text\":\"" + text + "\"}}}";
    }

    private static String sha256(String text) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(text.getBytes(StandardCharsets.UTF_8)));
    }

    private static void assertCallWorks(String session, String text) throws Exception {
        HttpResponse<String> r = post("zig", sha256Call(text, text), session, BOTH);
        assertEquals(200, r.statusCode(), r.body());
        JsonNode answer = messages(r).get(messages(r).size() - 1);
        assertEquals(text, answer.path("id").asText());
        assertEquals(sha256(text), answer.path("result").path("content").get(0).path("text").asText(), r.body());
    }

    @Test
    void aSessionIsOpenedUsedAsSseAndJsonAndEndedByDelete() throws Exception {
        String session = initialize("zig");
        assertCallWorks(session, "sse");
        HttpResponse<String> json = post("zig", sha256Call(5, "json"), session, "application/json");
        assertEquals("application/json", json.headers().firstValue("Content-Type").orElse(""));
        assertEquals(sha256("json"), JsonRpc.JSON.readTree(json.body()).path("result").path("content").get(0)
                .path("text").asText());
        HttpResponse<Void> deleted = http.send(HttpRequest.newBuilder(uri("zig")).DELETE()
                .header("Mcp-Session-Id", session).build(), HttpResponse.BodyHandlers.discarding());
        assertEquals(204, deleted.statusCode());
        HttpResponse<String> after = post("zig", sha256Call(6, "x"), session, BOTH);
        assertEquals(404, after.statusCode());
    }

    @Test
    void badInputGetsTheTransportsErrorsAndOtherSessionsKeepWorking() throws Exception {
        String session = initialize("zig");
        HttpResponse<String> malformed = post("zig", "{\"jsonrpc\":\"2.0\",", session, BOTH);
        assertEquals(400, malformed.statusCode());
        assertEquals(JsonRpc.PARSE_ERROR, JsonRpc.JSON.readTree(malformed.body()).path("error").path("code").asInt());
        HttpResponse<String> batch = post("zig", "[" + sha256Call(1, "a") + "]", session, BOTH);
        assertEquals(400, batch.statusCode());
        assertEquals(JsonRpc.INVALID_REQUEST, JsonRpc.JSON.readTree(batch.body()).path("error").path("code").asInt());
        HttpResponse<String> big = post("zig", sha256Call(2, "a".repeat(70_000)), session, BOTH);
        assertEquals(413, big.statusCode());
        assertTrue(big.body().contains("over the limit of 65536 bytes"), big.body());
        assertEquals(404, post("zig", sha256Call(3, "a"), "feedbeef", BOTH).statusCode());
        assertEquals(400, post("silent", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}", null, BOTH)
                .statusCode()); // no session, and that server keeps sessions only
        assertEquals(400, post("zig", sha256Call(4, "a"), session, BOTH, "MCP-Protocol-Version", "1999-01-01")
                .statusCode());
        assertEquals(406, post("zig", sha256Call(4, "a"), session, "text/html").statusCode());
        assertEquals(403, post("zig", sha256Call(4, "a"), session, BOTH, "Origin", "https://evil.example")
                .statusCode());
        assertEquals(404, post("nosuch", INIT, null, BOTH).statusCode());
        assertEquals(405, http.send(HttpRequest.newBuilder(uri("zig")).PUT(HttpRequest.BodyPublishers.noBody())
                .build(), HttpResponse.BodyHandlers.discarding()).statusCode());
        assertCallWorks(session, "still-working");
        assertEquals(200, post("zig", sha256Call(4, "a"), session, BOTH, "Origin", "http://localhost:6274")
                .statusCode());
    }

    @Test
    void aClientThatLeavesMidStreamLeavesTheOtherSessionsWorking() throws Exception {
        String session = initialize("zig");
        // A raw client opens a session on the silent server (no answer ever comes) and leaves mid-stream.
        try (Socket s = new Socket("127.0.0.1", gateway.port())) {
            byte[] body = INIT.getBytes(StandardCharsets.UTF_8);
            OutputStream out = s.getOutputStream();
            out.write(("POST /silent/mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "Accept: " + BOTH + "\r\nContent-Length: " + body.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
            assertEquals("HTTP/1.1 200 OK", in.readLine());
        }
        assertCallWorks(session, "after-disconnect");
        // The silent server's own sessions still work: a request there is answered by the timeout (1 s).
        HttpResponse<String> r = post("silent", INIT, null, BOTH);
        assertEquals(200, r.statusCode());
        JsonNode answer = messages(r).get(0);
        assertEquals(GuestLink.TIMEOUT_CODE, answer.path("error").path("code").asInt(), r.body());
        assertTrue(answer.path("error").path("message").asText().contains("--timeout"));
    }

    @Test
    void aGetStreamIsOnePerSessionAndEndsWithTheSession() throws Exception {
        String session = initialize("zig");
        HttpRequest get = HttpRequest.newBuilder(uri("zig")).header("Accept", "text/event-stream")
                .header("Mcp-Session-Id", session).GET().build();
        HttpResponse<InputStream> stream = http.send(get, HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, stream.statusCode());
        assertEquals(409, http.send(get, HttpResponse.BodyHandlers.discarding()).statusCode());
        assertEquals(404, http.send(HttpRequest.newBuilder(uri("zig")).header("Accept", "text/event-stream")
                .header("Mcp-Session-Id", "0123").GET().build(), HttpResponse.BodyHandlers.discarding()).statusCode());
        http.send(HttpRequest.newBuilder(uri("zig")).DELETE().header("Mcp-Session-Id", session).build(),
                HttpResponse.BodyHandlers.discarding());
        try (InputStream in = stream.body()) {
            assertEquals(-1, in.read()); // the stream ended with the session (before the test's timeout)
        }
    }

    @Test
    void sessionlessRequestsOfProtocol20260728AreServedByThePool() throws Exception {
        HttpResponse<String> r = post("zig", sha256Call(11, "stateless"), null, "application/json",
                "MCP-Protocol-Version", "2026-07-28");
        assertEquals(200, r.statusCode(), r.body());
        assertFalse(r.headers().firstValue("Mcp-Session-Id").isPresent());
        assertEquals(sha256("stateless"), JsonRpc.JSON.readTree(r.body()).path("result").path("content").get(0)
                .path("text").asText());
    }

    @Test
    void hundredConcurrentClientsEachGetTheirOwnAnswers() throws Exception {
        ExecutorService clients = Executors.newFixedThreadPool(100);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<?>> done = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            String text = "client-" + i;
            boolean withSession = i % 2 == 0; // half open sessions, half use the sessionless pool
            done.add(clients.submit(() -> {
                go.await();
                if (withSession) {
                    String session = initialize("zig");
                    assertCallWorks(session, text);
                    http.send(HttpRequest.newBuilder(uri("zig")).DELETE().header("Mcp-Session-Id", session).build(),
                            HttpResponse.BodyHandlers.discarding());
                } else {
                    assertCallWorks(null, text);
                }
                return null;
            }));
        }
        go.countDown();
        for (Future<?> f : done) {
            f.get(180, TimeUnit.SECONDS);
        }
        clients.shutdown();
    }

    @Test
    void sessionsBeyondMaxSessionsAreRefusedAndIdleSessionsEnd() throws Exception {
        try (HttpGateway g = HttpGateway.start(runtime, GatewayConfig.parse(
                "{\"maxSessions\": 1, \"sessionIdle\": \"1s\", \"servers\": {\"zig\": {\"module\": \"" + TestGuests.ZIG
                        + "\"}}}", tmp), "127.0.0.1:0", timer)) {
            URI u = URI.create("http://127.0.0.1:" + g.port() + "/zig/mcp");
            HttpRequest init = HttpRequest.newBuilder(u).header("Accept", BOTH)
                    .POST(HttpRequest.BodyPublishers.ofString(INIT)).build();
            HttpResponse<String> first = http.send(init, HttpResponse.BodyHandlers.ofString());
            assertEquals(200, first.statusCode());
            String session = first.headers().firstValue("Mcp-Session-Id").orElseThrow();
            HttpResponse<String> second = http.send(init, HttpResponse.BodyHandlers.ofString());
            assertEquals(503, second.statusCode());
            assertTrue(second.body().contains("maxSessions"), second.body());
            Thread.sleep(2_500); // idle for over 1 s: the sweep (every 0.5 s) ends it
            HttpRequest call = HttpRequest.newBuilder(u).header("Accept", BOTH).header("Mcp-Session-Id", session)
                    .POST(HttpRequest.BodyPublishers.ofString(sha256Call(1, "late"))).build();
            assertEquals(404, http.send(call, HttpResponse.BodyHandlers.ofString()).statusCode());
            assertEquals(200, http.send(init, HttpResponse.BodyHandlers.ofString()).statusCode());
        }
    }

    @Test
    void aBearerTokenIsRequiredWhenConfigured() throws Exception {
        Path token = Files.writeString(tmp.resolve("token.txt"), "s3cret\n");
        try (HttpGateway g = HttpGateway.start(runtime, GatewayConfig.parse("""
                {"bearerTokenFile": "%s", "servers": {"zig": {"module": "%s"}}}
                """.formatted(token, TestGuests.ZIG), tmp), "127.0.0.1:0", timer)) {
            URI u = URI.create("http://127.0.0.1:" + g.port() + "/zig/mcp");
            HttpRequest.Builder b = HttpRequest.newBuilder(u).header("Accept", BOTH)
                    .POST(HttpRequest.BodyPublishers.ofString(INIT));
            HttpResponse<String> denied = http.send(b.copy().header("Authorization", "Bearer wrong").build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(401, denied.statusCode());
            assertEquals("Bearer", denied.headers().firstValue("WWW-Authenticate").orElse(""));
            assertEquals(401, http.send(b.copy().build(), HttpResponse.BodyHandlers.ofString()).statusCode());
            assertEquals(200, http.send(b.copy().header("Authorization", "Bearer s3cret").build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode());
        }
    }

    @Test
    void aModuleByUrlMustMatchItsSha256() throws Exception {
        byte[] wasm = Files.readAllBytes(TestGuests.ZIG);
        HttpServer files = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        files.createContext("/zig.wasm", ex -> {
            ex.sendResponseHeaders(200, wasm.length);
            ex.getResponseBody().write(wasm);
            ex.close();
        });
        files.start();
        try {
            String url = "http://127.0.0.1:" + files.getAddress().getPort() + "/zig.wasm";
            String good = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(wasm));
            try (HttpGateway g = HttpGateway.start(runtime, GatewayConfig.parse("""
                    {"servers": {"zig": {"url": "%s", "sha256": "%s"}}}""".formatted(url, good), tmp),
                    "127.0.0.1:0", timer)) {
                assertNotNull(g);
            }
            String bad = "0".repeat(64);
            ModuleLoadException e = assertThrows(ModuleLoadException.class, () -> HttpGateway.start(runtime,
                    GatewayConfig.parse("""
                    {"servers": {"zig": {"url": "%s", "sha256": "%s"}}}""".formatted(url, bad), tmp),
                    "127.0.0.1:0", timer));
            assertTrue(e.getMessage().contains(good) && e.getMessage().contains(bad), e.getMessage());
            IllegalArgumentException noSha = assertThrows(IllegalArgumentException.class, () -> GatewayConfig.parse(
                    "{\"servers\": {\"zig\": {\"url\": \"" + url + "\"}}}", tmp));
            assertTrue(noSha.getMessage().contains("sha256"), noSha.getMessage());
        } finally {
            files.stop(0);
        }
    }

    @Test
    void aServerWhosePolicyRefusesARequiredCapabilityIsRefusedAtStartUp() {
        CapabilityDeniedException e = assertThrows(CapabilityDeniedException.class, () -> HttpGateway.start(runtime,
                GatewayConfig.parse("{\"servers\": {\"notes\": {\"module\": \"" + TestGuests.RUST_NOTES + "\"}}}", tmp),
                "127.0.0.1:0", timer));
        assertTrue(e.getMessage().contains("/notes"), e.getMessage());
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> GatewayConfig.parse(
                "{\"servers\": {\"zig\": {\"module\": \"x.wasm\", \"polcy\": {}}}}", tmp));
        assertTrue(unknown.getMessage().contains("\"polcy\""), unknown.getMessage());
    }
}
