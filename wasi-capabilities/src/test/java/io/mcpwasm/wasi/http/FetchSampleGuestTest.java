package io.mcpwasm.wasi.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import run.endive.runtime.HostFunction;
import run.endive.runtime.ImportValues;
import run.endive.runtime.Instance;
import run.endive.wasm.Parser;
import run.endive.wasm.WasmModule;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.mcpwasm.wasi.AuditEvent;
import io.mcpwasm.wasi.internal.GuestExitException;
import io.mcpwasm.wasi.internal.GuestInput;
import io.mcpwasm.wasi.HostPattern;
import io.mcpwasm.wasi.WasiHost;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The committed fetch_url samples of samples/http-bindings (Go: official Go MCP SDK + guest-kits/go's mcpwasmhttp;
 * Zig: std-only server + guest-kits/zig; Rust: serde_json server + guest-kits/rust's http module), each run by
 * Chicory's interpreter (for one short session that beats compiling the 14 MB Go module) under {@link WasiHost}
 * plus {@link HttpImports}: one MCP session calling fetch_url against a loopback server, once for a granted host
 * and once for a refused one.
 */
class FetchSampleGuestTest {

    private static final Path SAMPLES = Path.of("..", "samples", "http-bindings");
    private static final ObjectMapper JSON = new ObjectMapper();

    private static HttpServer server;
    private static int port;

    @BeforeAll
    static void setUp() throws Exception {
        server = HttpServer.create(new InetSocketAddress(HttpImportsTest.address(127, 0, 0, 1), 0), 8);
        server.createContext("/page", ex -> {
            byte[] b = "<html>hello from loopback</html>".getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "text/html");
            ex.sendResponseHeaders(200, b.length);
            try (OutputStream o = ex.getResponseBody()) {
                o.write(b);
            }
            ex.close();
        });
        server.start();
        port = server.getAddress().getPort();
    }

    @AfterAll
    static void tearDown() {
        server.stop(0);
    }

    @ParameterizedTest
    @ValueSource(strings = {"go/http-fetch-go.wasm", "zig/http-fetch-zig.wasm", "rust/http-fetch-rust.wasm"})
    void fetchUrlReachesAGrantedHostAndReportsARefusedOne(String sample) throws Exception {
        Path wasm = SAMPLES.resolve(sample);
        String name = wasm.getFileName().toString().replace(".wasm", "");
        WasmModule module = Parser.parse(Files.readAllBytes(wasm));
        List<AuditEvent> events = new CopyOnWriteArrayList<>();
        InetAddress lo = HttpImportsTest.address(127, 0, 0, 1);
        HttpImports http = HttpImports.builder(name)
                .hosts(List.of(HostPattern.parse("http://site.test:" + port)))
                .resolver(h -> {
                    if (h.equals("site.test") || h.equals("other.test")) {
                        return List.of(lo);
                    }
                    throw new UnknownHostException(h);
                })
                .allowSpecialAddress(lo)
                .auditListener(events::add)
                .build();

        GuestInput stdin = new GuestInput();
        LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
        ByteArrayOutputStream pending = new ByteArrayOutputStream();
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        WasiHost wasi = WasiHost.builder(name)
                .stdin(stdin)
                .stdout((b, off, len) -> {
                    synchronized (pending) {
                        for (int i = off; i < off + len; i++) {
                            if (b[i] == '\n') {
                                lines.add(pending.toString(StandardCharsets.UTF_8));
                                pending.reset();
                            } else {
                                pending.write(b[i]);
                            }
                        }
                    }
                })
                .stderr(stderr::write)
                .build();

        List<HostFunction> fns = new ArrayList<>(wasi.hostFunctions());
        fns.addAll(List.of(http.hostFunctions()));
        Thread guest = new Thread(() -> {
            try {
                Instance.builder(module)
                        .withImportValues(ImportValues.builder().withFunctions(new ArrayList<>(fns)).build())
                        .build();
            } catch (GuestExitException e) {
                // Some servers exit through proc_exit when stdin ends.
            }
        }, name + "-guest");
        guest.setDaemon(true);
        guest.start();
        try {
            send(stdin, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
                    + "\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}");
            JsonNode init = await(lines, 1);
            assertEquals(name, init.at("/result/serverInfo/name").asText(), init.toString());
            send(stdin, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");

            send(stdin, call(2, "http://site.test:" + port + "/page?q=1"));
            JsonNode ok = await(lines, 2);
            String text = ok.at("/result/content/0/text").asText();
            assertTrue(text.startsWith("HTTP 200\ncontent-type: text/html\n"), ok.toString());
            assertTrue(text.contains("hello from loopback"), text);
            assertTrue(!ok.at("/result/isError").asBoolean(), ok.toString());

            send(stdin, call(3, "http://other.test:" + port + "/page"));
            JsonNode denied = await(lines, 3);
            assertTrue(denied.at("/result/isError").asBoolean(), denied.toString());
            assertTrue(denied.at("/result/content/0/text").asText().contains("DENIED_HOST"), denied.toString());
        } finally {
            stdin.close();
            guest.join(TimeUnit.SECONDS.toMillis(20));
            http.close();
            wasi.close();
        }
        assertTrue(events.stream().anyMatch(e -> e.decision() == AuditEvent.Decision.GRANTED
                && e.target().equals("site.test:" + port)), events.toString());
        assertTrue(events.stream().anyMatch(e -> e.decision() == AuditEvent.Decision.DENIED
                && e.target().equals("other.test:" + port)), events.toString());
    }

    private static String call(int id, String url) {
        return "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"tools/call\",\"params\":{\"name\":\"fetch_url\","
                + "\"arguments\":{\"url\":\"" + url + "\",\"maxBytes\":1000}}}";
    }

    private static void send(GuestInput stdin, String line) {
        stdin.write((line + "\n").getBytes(StandardCharsets.UTF_8));
    }

    private static JsonNode await(LinkedBlockingQueue<String> lines, int id) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < end) {
            String line = lines.poll(1, TimeUnit.SECONDS);
            if (line == null) {
                continue;
            }
            JsonNode n = JSON.readTree(line);
            if (n.path("id").asInt(-1) == id) {
                return n;
            }
        }
        throw new AssertionError("no answer with id " + id + " within 60 s");
    }
}
