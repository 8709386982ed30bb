package io.mcpwasm.wasi.http;

import io.mcpwasm.wasi.HttpLimits;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.mcpwasm.wasi.AuditEvent;
import io.mcpwasm.wasi.AuditListener;
import io.mcpwasm.wasi.Grants;
import io.mcpwasm.wasi.HostPolicy;
import io.mcpwasm.wasi.Manifest;
import io.mcpwasm.wasi.HostPattern;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The network capability end to end: a WAT guest run by Chicory calls the {@code mcpwasm_http_v1} imports, which
 * talk to a JDK HttpServer on 127.0.0.1 only. Host names such as {@code api.test} reach it through the injected
 * resolver; 127.0.0.1 is usable only because each policy here allows that exact address.
 */
class HttpImportsTest {

    private static final InetAddress LOOPBACK = loopback();

    private HttpServer server;
    private ExecutorService serverThreads;
    private int port;
    private final Map<String, AtomicInteger> hits = new ConcurrentHashMap<>();
    private final Map<String, String> lastRequestHeaders = new ConcurrentHashMap<>();
    private final CountDownLatch release = new CountDownLatch(1);
    private final List<AuditEvent> events = new CopyOnWriteArrayList<>();
    private final Map<String, List<InetAddress>> dns = new ConcurrentHashMap<>();
    private final List<HttpImports> toClose = new CopyOnWriteArrayList<>();

    private static InetAddress loopback() {
        try {
            return InetAddress.getByAddress(new byte[] {127, 0, 0, 1});
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    @BeforeEach
    void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(LOOPBACK, 0), 16);
        serverThreads = Executors.newFixedThreadPool(6);
        server.setExecutor(serverThreads);
        port = server.getAddress().getPort();
        handle("/hello", ex -> respond(ex, 200, "hello world"));
        handle("/echo", ex -> {
            byte[] body = ex.getRequestBody().readAllBytes();
            String ct = ex.getRequestHeaders().getFirst("Content-Type");
            respond(ex, 201, ex.getRequestMethod() + " " + ct + " " + new String(body, StandardCharsets.UTF_8));
        });
        handle("/to-evil", ex -> redirect(ex, 302, "http://evil.test:" + port + "/hello"));
        handle("/to-policy-refused", ex -> redirect(ex, 301, "http://b.test:" + port + "/hello"));
        handle("/to-hello", ex -> redirect(ex, 302, "/hello"));
        handle("/to-other-origin", ex -> redirect(ex, 307, "http://b.test:" + port + "/echo"));
        handle("/to-private", ex -> redirect(ex, 302, "http://intranet.test:" + port + "/hello"));
        handle("/post-303", ex -> {
            ex.getRequestBody().readAllBytes();
            redirect(ex, 303, "/echo");
        });
        handle("/loop", ex -> redirect(ex, 302, "/loop"));
        handle("/big-length", ex -> {
            byte[] b = new byte[10_000];
            Arrays.fill(b, (byte) 'x');
            ex.sendResponseHeaders(200, b.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(b);
            }
        });
        handle("/big-chunked", ex -> {
            byte[] b = new byte[10_000];
            Arrays.fill(b, (byte) 'y');
            ex.sendResponseHeaders(200, 0);
            try (OutputStream out = ex.getResponseBody()) {
                for (int i = 0; i < 10; i++) {
                    out.write(b, i * 1000, 1000);
                    out.flush();
                }
            }
        });
        handle("/fat-head", ex -> {
            ex.getResponseHeaders().add("X-Fat", "f".repeat(2000));
            respond(ex, 200, "thin body");
        });
        handle("/to-ftp", ex -> redirect(ex, 302, "ftp://api.test/file"));
        handle("/slow", ex -> {
            try {
                release.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            respond(ex, 200, "late");
        });
        server.start();
    }

    @AfterEach
    void stopServer() throws InterruptedException {
        toClose.forEach(HttpImports::close);
        release.countDown();
        server.stop(0);
        serverThreads.shutdownNow();
        assertTrue(serverThreads.awaitTermination(10, TimeUnit.SECONDS));
    }

    private interface Handler {
        void handle(HttpExchange ex) throws IOException;
    }

    private void handle(String path, Handler h) {
        server.createContext(path, ex -> {
            hits.computeIfAbsent(path, k -> new AtomicInteger()).incrementAndGet();
            lastRequestHeaders.put(path, ex.getRequestHeaders().entrySet().stream()
                    .map(e -> e.getKey().toLowerCase() + "=" + String.join(",", e.getValue()))
                    .sorted().collect(Collectors.joining(";")));
            try {
                h.handle(ex);
            } finally {
                ex.close();
            }
        });
    }

    private static void respond(HttpExchange ex, int status, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("X-Test", "yes");
        ex.sendResponseHeaders(status, b.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(b);
        }
    }

    private static void redirect(HttpExchange ex, int status, String location) throws IOException {
        ex.getResponseHeaders().add("Location", location);
        ex.sendResponseHeaders(status, -1);
    }

    private int hitCount(String path) {
        AtomicInteger n = hits.get(path);
        return n == null ? 0 : n.get();
    }

    private static List<HostPattern> patterns(String... p) {
        return Arrays.stream(p).map(HostPattern::parse).collect(Collectors.toList());
    }

    private HttpImports.Builder base() {
        dns.putIfAbsent("api.test", List.of(LOOPBACK));
        dns.putIfAbsent("b.test", List.of(LOOPBACK));
        dns.putIfAbsent("evil.test", List.of(LOOPBACK));
        return HttpImports.builder("net-test")
                .resolver(host -> {
                    List<InetAddress> a = dns.get(host);
                    if (a == null) {
                        throw new UnknownHostException(host);
                    }
                    return a;
                })
                .allowSpecialAddress(LOOPBACK)
                .auditListener(events::add);
    }

    private HttpImports standard() {
        return track(base()
                .hosts(patterns("http://api.test:" + port, "http://intranet.test:" + port))
                .build());
    }

    private HttpImports track(HttpImports h) {
        toClose.add(h);
        return h;
    }

    private String url(String host, String path) {
        return "http://" + host + ":" + port + path;
    }

    private List<AuditEvent> denials() {
        return events.stream().filter(e -> e.decision() == AuditEvent.Decision.DENIED).collect(Collectors.toList());
    }

    // ---- allowed traffic -----------------------------------------------------------------------------------

    @Test
    void allowedGetReturnsStatusBodyAndIsAudited() {
        HttpGuest g = new HttpGuest(standard());
        assertEquals(HttpError.OK, g.fetch(url("api.test", "/hello?token=s3cr3t")));
        assertEquals(200, g.status());
        assertEquals("hello world", g.body());
        assertEquals(1, hitCount("/hello"));

        String seen = lastRequestHeaders.get("/hello");
        assertTrue(seen.contains("host=api.test:" + port), seen);
        assertTrue(seen.contains("user-agent=mcpwasm"), seen);
        assertFalse(seen.contains("cookie"), seen);
        assertFalse(seen.contains("authorization"), seen);

        assertEquals(1, events.size(), events.toString());
        AuditEvent e = events.get(0);
        assertEquals("network", e.capability());
        assertEquals("net-test", e.server());
        assertEquals("api.test:" + port, e.target());
        assertEquals(AuditEvent.Decision.GRANTED, e.decision());
        assertTrue(e.reason().contains("GET") && e.reason().contains("200") && e.reason().contains("11"), e.reason());
        assertFalse(e.reason().contains("s3cr3t") || e.reason().contains("token"), e.reason());
    }

    @Test
    void allowedPostSendsBodyAndGuestHeaders() {
        HttpGuest g = new HttpGuest(standard());
        byte[] body = "{\"q\":1}".getBytes(StandardCharsets.UTF_8);
        assertEquals(HttpError.OK, g.fetch("POST", url("api.test", "/echo"),
                "Content-Type: application/json\r\nX-Trace: abc\n", body));
        assertEquals(201, g.status());
        assertEquals("POST application/json {\"q\":1}", g.body());
        String seen = lastRequestHeaders.get("/echo");
        assertTrue(seen.contains("x-trace=abc"), seen);
        assertTrue(seen.contains("content-length=7"), seen);
    }

    @Test
    void responseHeadersAreSerializedAndSizeCanBeQueried() {
        HttpGuest g = new HttpGuest(standard());
        assertEquals(HttpError.OK, g.open(url("api.test", "/hello")));
        int h = g.i32(HttpGuest.HANDLE);
        assertEquals(HttpError.BUFFER_TOO_SMALL, HttpGuest.code(g.call("headers", h, 4096, 0, HttpGuest.N)));
        int needed = g.i32(HttpGuest.N);
        assertTrue(needed > 0);
        assertEquals(HttpError.OK, HttpGuest.code(g.call("headers", h, 4096, needed, HttpGuest.N)));
        String text = new String(g.instance.memory().readBytes(4096, needed), StandardCharsets.ISO_8859_1);
        assertTrue(text.contains("x-test: yes\n"), text);
        assertTrue(text.contains("content-length: 11\n"), text);
        assertEquals(HttpError.OK, HttpGuest.code(g.call("close", h)));
        assertEquals(HttpError.BAD_HANDLE, HttpGuest.code(g.call("close", h)));
    }

    @Test
    void redirectToAnAllowedPathIsFollowed() {
        HttpGuest g = new HttpGuest(standard());
        assertEquals(HttpError.OK, g.fetch(url("api.test", "/to-hello")));
        assertEquals(200, g.status());
        assertEquals("hello world", g.body());
        assertEquals(2, events.size(), events.toString());
        assertTrue(events.get(0).reason().contains("302"), events.get(0).reason());
    }

    @Test
    void postRedirectedWith303BecomesGetWithoutBody() {
        HttpGuest g = new HttpGuest(standard());
        assertEquals(HttpError.OK, g.fetch("POST", url("api.test", "/post-303"), "Content-Type: text/plain\n",
                "payload".getBytes(StandardCharsets.UTF_8)));
        assertEquals("GET null ", g.body());
    }

    @Test
    void theGrantedHostsAreExactlyTheDestinationsAllowed() {
        HttpGuest g = new HttpGuest(track(base().hosts(patterns("http://api.test:" + port)).build()));
        assertEquals(HttpError.OK, g.fetch(url("api.test", "/hello")));
        assertEquals(HttpError.DENIED_HOST, g.fetch(url("b.test", "/hello")));
        assertEquals(1, hitCount("/hello"));
        assertTrue(denials().get(0).reason().contains("not among the granted network hosts"),
                denials().get(0).reason());
    }

    // ---- refusals ------------------------------------------------------------------------------------------

    @Test
    void hostNotGrantedIsDenied() {
        HttpGuest g = new HttpGuest(standard());
        dns.put("other.test", List.of(LOOPBACK));
        assertEquals(HttpError.DENIED_HOST, g.fetch(url("other.test", "/hello")));
        assertEquals(0, hitCount("/hello"));
        AuditEvent e = denials().get(0);
        assertEquals("other.test:" + port, e.target());
        assertTrue(e.reason().contains("not among the granted network hosts"), e.reason());
    }

    @Test
    void wrongPortOrSchemeIsDenied() {
        HttpGuest g = new HttpGuest(standard());
        assertEquals(HttpError.DENIED_HOST, g.fetch("http://api.test:" + (port == 65535 ? 1 : port + 1) + "/hello"));
        assertEquals(HttpError.DENIED_HOST, g.fetch("https://api.test:" + port + "/hello"));
        assertEquals(0, hitCount("/hello"));
    }

    @Test
    void hostTheGrantsNarrowedAwayIsDenied() {
        // The manifest asks *.svc.test and api.test, the policy allows a.svc.test and api.test: Grants decides,
        // once, that b.svc.test is not granted, and the host functions refuse it from that decision alone.
        Manifest m = Manifest.parse("{\"manifestVersion\": 1, \"name\": \"net-test\", \"network\": {\"hosts\": "
                + "[\"http://*.svc.test:" + port + "\", \"http://api.test:" + port + "\"]}}");
        HostPolicy p = HostPolicy.builder().allowNetwork("http://a.svc.test:" + port)
                .allowNetwork("http://api.test:" + port).build();
        dns.put("b.svc.test", List.of(LOOPBACK));
        HttpGuest g = new HttpGuest(track(base().hosts(Grants.resolve(m, p, AuditListener.NONE).network()).build()));
        assertEquals(HttpError.DENIED_HOST, g.fetch(url("b.svc.test", "/hello")));
        assertEquals(0, hitCount("/hello"));
        assertTrue(denials().get(0).reason().contains("host policy"), denials().get(0).reason());
        assertEquals(HttpError.OK, g.fetch(url("api.test", "/hello")));
    }

    @Test
    void redirectToAHostOutsideTheManifestIsDenied() {
        HttpGuest g = new HttpGuest(standard());
        assertEquals(HttpError.DENIED_HOST, g.fetch(url("api.test", "/to-evil")));
        assertEquals(1, hitCount("/to-evil"));
        assertEquals(0, hitCount("/hello"));
        AuditEvent e = denials().get(0);
        assertEquals("evil.test:" + port, e.target());
    }

    @Test
    void redirectToAHostRefusedByPolicyIsDenied() {
        HttpGuest g = new HttpGuest(standard());
        assertEquals(HttpError.DENIED_HOST, g.fetch(url("api.test", "/to-policy-refused")));
        assertEquals(0, hitCount("/hello"));
    }

    @Test
    void redirectToANameResolvingToAPrivateAddressIsDenied() {
        dns.put("intranet.test", List.of(address(10, 1, 2, 3)));
        HttpGuest g = new HttpGuest(standard());
        assertEquals(HttpError.DENIED_ADDRESS, g.fetch(url("api.test", "/to-private")));
        assertEquals(0, hitCount("/hello"));
    }

    @Test
    void redirectLoopStopsAtTheHopLimit() {
        HttpGuest g = new HttpGuest(track(base().hosts(patterns("http://api.test:" + port))
                .limits(HttpLimits.defaults().withMaxRedirects(3)).build()));
        assertEquals(HttpError.TOO_MANY_REDIRECTS, g.fetch(url("api.test", "/loop")));
        assertEquals(4, hitCount("/loop"));
    }

    @Test
    void credentialsAreDroppedWhenARedirectLeavesTheOrigin() {
        HttpGuest g = new HttpGuest(track(base()
                .hosts(patterns("http://api.test:" + port, "http://b.test:" + port)).build()));
        assertEquals(HttpError.OK, g.fetch("POST", url("api.test", "/to-other-origin"),
                "Authorization: Bearer xyz\nCookie: a=b\nContent-Type: text/plain\n",
                "kept".getBytes(StandardCharsets.UTF_8)));
        assertEquals("POST text/plain kept", g.body());
        String seen = lastRequestHeaders.get("/echo");
        assertFalse(seen.contains("authorization") || seen.contains("cookie"), seen);
    }

    @Test
    void nameResolvingToPrivateAddressIsDeniedBeforeAnyConnection() {
        HttpGuest g = new HttpGuest(standard());
        for (InetAddress bad : List.of(address(10, 0, 0, 7), address(192, 168, 1, 1), address(172, 20, 0, 1),
                address(169, 254, 169, 254), address(127, 0, 0, 2), address(0, 0, 0, 0))) {
            dns.put("intranet.test", List.of(bad));
            events.clear();
            assertEquals(HttpError.DENIED_ADDRESS, g.fetch(url("intranet.test", "/hello")), bad.toString());
            AuditEvent e = denials().get(0);
            assertEquals("intranet.test:" + port, e.target());
            assertTrue(e.reason().contains(bad.getHostAddress()), e.reason());
        }
        // One bad answer among good ones refuses the name: a rebinding resolver cannot sneak one in.
        dns.put("intranet.test", List.of(LOOPBACK, address(10, 9, 9, 9)));
        assertEquals(HttpError.DENIED_ADDRESS, g.fetch(url("intranet.test", "/hello")));
        assertEquals(0, hitCount("/hello"));
    }

    @Test
    void loopbackIsRefusedWithoutTheExactAddressAllowance() {
        HttpImports h = track(HttpImports.builder("no-loopback")
                .hosts(patterns("http://127.0.0.1:" + port))
                .auditListener(events::add).build());
        HttpGuest g = new HttpGuest(h);
        assertEquals(HttpError.DENIED_ADDRESS, g.fetch("http://127.0.0.1:" + port + "/hello"));
        assertEquals(0, hitCount("/hello"));
        assertTrue(denials().get(0).reason().contains("loopback"), denials().get(0).reason());
    }

    @Test
    void unknownNameIsReported() {
        HttpGuest g = new HttpGuest(track(base().hosts(patterns("http://*.svc.test:" + port)).build()));
        assertEquals(HttpError.NAME_NOT_RESOLVED, g.fetch(url("nowhere.svc.test", "/hello")));
    }

    // ---- limits --------------------------------------------------------------------------------------------

    private HttpImports limited(HttpLimits limits) {
        return track(base().hosts(patterns("http://api.test:" + port)).limits(limits).build());
    }

    @Test
    void declaredResponseOverTheCapIsTooLarge() {
        HttpGuest g = new HttpGuest(limited(HttpLimits.defaults().withMaxResponseBytes(1000)));
        assertEquals(HttpError.TOO_LARGE, g.fetch(url("api.test", "/big-length")));
        assertTrue(denials().get(0).reason().contains("10000"), denials().get(0).reason());
    }

    @Test
    void streamedResponseOverTheCapIsTooLargeAfterAtMostTheCap() {
        HttpGuest g = new HttpGuest(limited(HttpLimits.defaults().withMaxResponseBytes(2500)));
        assertEquals(HttpError.TOO_LARGE, g.fetch(url("api.test", "/big-chunked")));
        assertTrue(g.bodyLength() <= 2500, "read " + g.bodyLength());
        assertEquals(1, denials().size(), events.toString());
    }

    @Test
    void streamedResponseUnderTheCapIsReadWhole() {
        HttpGuest g = new HttpGuest(limited(HttpLimits.defaults().withMaxResponseBytes(10_000)));
        assertEquals(HttpError.OK, g.fetch(url("api.test", "/big-chunked")));
        assertEquals(10_000, g.bodyLength());
        assertTrue(g.body().chars().allMatch(c -> c == 'y'));
    }

    @Test
    void responseHeadOverTheCapIsTooLarge() {
        HttpGuest g = new HttpGuest(limited(HttpLimits.defaults().withMaxHeaderBytes(512)));
        assertEquals(HttpError.TOO_LARGE, g.fetch(url("api.test", "/fat-head")));
        assertEquals(HttpError.OK, g.fetch(url("api.test", "/hello")));
    }

    @Test
    void redirectToANonHttpSchemeIsRefused() {
        HttpGuest g = new HttpGuest(standard());
        assertEquals(HttpError.DENIED_HOST, g.fetch(url("api.test", "/to-ftp")));
    }

    @Test
    void requestBodyOverTheCapIsTooLarge() {
        HttpGuest g = new HttpGuest(limited(HttpLimits.defaults().withMaxRequestBodyBytes(10)));
        assertEquals(HttpError.TOO_LARGE, g.fetch("POST", url("api.test", "/echo"), "", new byte[11]));
        assertEquals(0, hitCount("/echo"));
    }

    @Test
    void slowServerHitsTheTotalTimeout() {
        HttpGuest g = new HttpGuest(limited(HttpLimits.defaults().withTotalTimeout(Duration.ofMillis(300))));
        assertEquals(HttpError.TIMEOUT, g.fetch(url("api.test", "/slow")));
        assertTrue(events.get(0).reason().contains("TIMEOUT"), events.toString());
    }

    @Test
    void hangingDnsLookupHitsTheTotalTimeout() {
        HttpGuest g = new HttpGuest(track(base().hosts(patterns("http://api.test:" + port))
                .resolver(host -> {
                    try {
                        release.await(5, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    throw new UnknownHostException(host);
                })
                .limits(HttpLimits.defaults().withTotalTimeout(Duration.ofMillis(300))).build()));
        assertEquals(HttpError.TIMEOUT, g.fetch(url("api.test", "/hello")));
        assertEquals(0, hitCount("/hello"));
    }

    @Test
    void openRequestsBeyondTheLimitAreRefused() {
        HttpGuest g = new HttpGuest(limited(HttpLimits.defaults().withMaxConcurrent(3)));
        int[] handles = new int[3];
        for (int i = 0; i < 3; i++) {
            assertEquals(HttpError.OK, g.open(url("api.test", "/hello")));
            handles[i] = g.i32(HttpGuest.HANDLE);
        }
        assertEquals(3, Arrays.stream(handles).distinct().count());
        for (int i = 0; i < 5; i++) {
            assertEquals(HttpError.TOO_MANY_REQUESTS, g.open(url("api.test", "/hello")));
        }
        assertEquals(3, hitCount("/hello"));
        assertEquals(5, denials().size());
        assertEquals(HttpError.OK, HttpGuest.code(g.call("close", handles[1])));
        assertEquals(HttpError.OK, g.fetch(url("api.test", "/hello")));
        assertEquals("hello world", g.body());
    }

    // ---- hostile guests ------------------------------------------------------------------------------------

    @Test
    void garbagePointersAndLengthsAreBadArgumentsAndTheHostSurvives() {
        HttpImports http = standard();
        HttpGuest g = new HttpGuest(http);
        int ml = g.put(HttpGuest.METHOD, "GET");
        int ul = g.put(HttpGuest.URL, url("api.test", "/hello"));
        long end = (long) HttpGuest.PAGES * 65536;
        long[][] bad = {
            {0xFFFF_FFF0L, ml, HttpGuest.URL, ul, 0, 0, 0, 0, HttpGuest.HANDLE},
            {HttpGuest.METHOD, 0xFFFF_FFFFL, HttpGuest.URL, ul, 0, 0, 0, 0, HttpGuest.HANDLE},
            {HttpGuest.METHOD, ml, end - 2, ul, 0, 0, 0, 0, HttpGuest.HANDLE},
            {HttpGuest.METHOD, ml, HttpGuest.URL, 0x7FFF_FFFFL, 0, 0, 0, 0, HttpGuest.HANDLE},
            {HttpGuest.METHOD, ml, HttpGuest.URL, ul, end, 1, 0, 0, HttpGuest.HANDLE},
            {HttpGuest.METHOD, ml, HttpGuest.URL, ul, 0, 0, 0x8000_0000L, 16, HttpGuest.HANDLE},
            {HttpGuest.METHOD, ml, HttpGuest.URL, ul, 0, 0, 0, 0, end - 3},
            {HttpGuest.METHOD, ml, HttpGuest.URL, ul, 0, 0, 0, 0, 0xFFFF_FFFFL},
            {HttpGuest.METHOD, 0, HttpGuest.URL, ul, 0, 0, 0, 0, HttpGuest.HANDLE},
            {HttpGuest.METHOD, ml, HttpGuest.URL, 0, 0, 0, 0, 0, HttpGuest.HANDLE},
        };
        for (long[] args : bad) {
            assertEquals(HttpError.BAD_ARGUMENT, HttpGuest.code(g.call("request", args)), Arrays.toString(args));
        }
        assertEquals(0, hitCount("/hello"));

        assertEquals(HttpError.BAD_HANDLE, HttpGuest.code(g.call("status", 0, HttpGuest.STATUS)));
        assertEquals(HttpError.BAD_HANDLE, HttpGuest.code(g.call("read", -1, HttpGuest.OUT, 10, HttpGuest.N)));
        assertEquals(HttpError.BAD_HANDLE, HttpGuest.code(g.call("close", 12345)));

        assertEquals(HttpError.OK, g.open(url("api.test", "/hello")));
        int h = g.i32(HttpGuest.HANDLE);
        assertEquals(HttpError.BAD_ARGUMENT, HttpGuest.code(g.call("status", h, end - 1)));
        assertEquals(HttpError.BAD_ARGUMENT, HttpGuest.code(g.call("read", h, end - 4, 8, HttpGuest.N)));
        assertEquals(HttpError.BAD_ARGUMENT, HttpGuest.code(g.call("read", h, HttpGuest.OUT, 0, HttpGuest.N)));
        assertEquals(HttpError.BAD_ARGUMENT, HttpGuest.code(g.call("read", h, HttpGuest.OUT, 10, 0xFFFF_FFFEL)));
        assertEquals(HttpError.BAD_ARGUMENT, HttpGuest.code(g.call("headers", h, 0xFFFF_0000L, 4096, HttpGuest.N)));
        assertEquals(HttpError.OK, HttpGuest.code(g.call("close", h)));

        // Still works afterwards.
        assertEquals(HttpError.OK, g.fetch(url("api.test", "/hello")));
        assertEquals("hello world", g.body());
    }

    @Test
    void malformedRequestsAreBadArguments() {
        HttpGuest g = new HttpGuest(standard());
        String ok = url("api.test", "/hello");
        assertEquals(HttpError.BAD_ARGUMENT, g.fetch("get", ok, "", new byte[0]));
        assertEquals(HttpError.BAD_ARGUMENT, g.fetch("CONNECT", ok, "", new byte[0]));
        assertEquals(HttpError.BAD_ARGUMENT, g.fetch("GET", "ftp://api.test/x", "", new byte[0]));
        assertEquals(HttpError.BAD_ARGUMENT, g.fetch("GET", "/relative", "", new byte[0]));
        assertEquals(HttpError.BAD_ARGUMENT, g.fetch("GET", "http://user:pw@api.test:" + port + "/", "", new byte[0]));
        assertEquals(HttpError.BAD_ARGUMENT, g.fetch("GET", ok, "Host: evil.test\n", new byte[0]));
        assertEquals(HttpError.BAD_ARGUMENT, g.fetch("GET", ok, "Transfer-Encoding: chunked\n", new byte[0]));
        assertEquals(HttpError.BAD_ARGUMENT, g.fetch("GET", ok, "X-A: b\rInjected: 1\n", new byte[0]));
        assertEquals(HttpError.BAD_ARGUMENT, g.fetch("GET", ok, "no colon here\n", new byte[0]));
        assertEquals(0, hitCount("/hello"));
    }

    @Test
    void closeEndsOpenResponsesAndRefusesNewRequests() {
        HttpImports http = standard();
        HttpGuest g = new HttpGuest(http);
        assertEquals(HttpError.OK, g.open(url("api.test", "/hello")));
        int h = g.i32(HttpGuest.HANDLE);
        http.close();
        http.close();
        assertEquals(HttpError.CLOSED, HttpGuest.code(g.call("read", h, HttpGuest.OUT, 10, HttpGuest.N)));
        assertEquals(HttpError.CLOSED, g.fetch(url("api.test", "/hello")));
        // The open response was audited when it was closed.
        assertTrue(events.stream().anyMatch(e -> e.decision() == AuditEvent.Decision.GRANTED
                && e.reason().contains("200")), events.toString());
    }

    @Test
    void allErrorCodesAreDistinct() {
        assertEquals(HttpError.values().length,
                Arrays.stream(HttpError.values()).mapToInt(HttpError::code).distinct().count());
        assertNull(HttpError.ofCode(-1));
        assertEquals(HttpError.TOO_MANY_REQUESTS, HttpError.ofCode(8));
    }

    static InetAddress address(int a, int b, int c, int d) {
        try {
            return InetAddress.getByAddress(new byte[] {(byte) a, (byte) b, (byte) c, (byte) d});
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
