package io.mcpwasm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.mcpwasm.wasi.HostPolicy;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link HostPolicy.Builder#sslContext} reaches a real guest: the Zig fetch sample asks for an https URL on a loopback
 * server whose certificate (made by the JDK's keytool at test time) only the policy's TLS context trusts. With that
 * context the call succeeds; with the JVM's default one the handshake fails and the server never sees a request.
 */
class PolicyTlsTest {
    private static final char[] PASS = "changeit".toCharArray();

    @TempDir
    static Path dir;

    static HttpsServer server;
    static int port;
    static SSLContext trusting;
    static McpRuntime runtime;
    static McpModule fetch;
    static final AtomicInteger hits = new AtomicInteger();

    @BeforeAll
    static void setUp() throws Exception {
        Path ks = dir.resolve("server.p12");
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        Process p = new ProcessBuilder(keytool, "-genkeypair", "-alias", "srv", "-keyalg", "EC", "-groupname",
                "secp256r1", "-dname", "CN=api.test", "-ext", "SAN=dns:api.test", "-validity", "2",
                "-storetype", "PKCS12", "-keystore", ks.toString(), "-storepass", "changeit", "-keypass",
                "changeit").redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "keytool did not finish");
        assertEquals(0, p.exitValue(), new String(out, StandardCharsets.UTF_8));
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(ks)) {
            store.load(in, PASS);
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(store, PASS);
        SSLContext serverTls = SSLContext.getInstance("TLS");
        serverTls.init(kmf.getKeyManagers(), null, null);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(store);
        trusting = SSLContext.getInstance("TLS");
        trusting.init(null, tmf.getTrustManagers(), null);

        server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(serverTls));
        server.createContext("/secure", ex -> {
            hits.incrementAndGet();
            byte[] body = "secret weather".getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "text/plain");
            ex.sendResponseHeaders(200, body.length);
            try (OutputStream o = ex.getResponseBody()) {
                o.write(body);
            }
            ex.close();
        });
        server.start();
        port = server.getAddress().getPort();

        Path wasm = dir.resolve("http-fetch-zig.wasm");
        Files.copy(Path.of("../samples/http-bindings/zig/http-fetch-zig.wasm"), wasm);
        Files.writeString(dir.resolve("http-fetch-zig.manifest.json"), "{\"manifestVersion\":1,"
                + "\"name\":\"http-fetch-zig\",\"network\":{\"hosts\":[\"https://api.test:" + port + "\"]}}");
        runtime = McpRuntime.builder().compileCache(Path.of("target/test-compile-cache")).build();
        fetch = runtime.load(wasm);
    }

    @AfterAll
    static void tearDown() {
        if (runtime != null) {
            runtime.close();
        }
        if (server != null) {
            server.stop(0);
        }
    }

    private static HostPolicy.Builder policy() {
        return HostPolicy.builder().allowNetwork("https://api.test:" + port)
                .allowSpecialAddress(InetAddress.getLoopbackAddress())
                .hostResolver(host -> {
                    if (!host.equals("api.test")) {
                        throw new UnknownHostException(host);
                    }
                    return List.of(InetAddress.getLoopbackAddress());
                });
    }

    @Test
    void thePolicysTlsContextIsTheOneTheGuestsHttpsUses() {
        int before = hits.get();
        try (McpServer s = fetch.start(policy().sslContext(trusting).build())) {
            ToolResult r = s.call("fetch_url", Map.of("url", "https://api.test:" + port + "/secure"));
            assertFalse(r.isError(), r.text());
            assertTrue(r.text().contains("secret weather"), r.text());
        }
        assertEquals(before + 1, hits.get());
    }

    @Test
    void withoutItTheJvmsTrustStoreRefusesTheCertificate() {
        int before = hits.get();
        try (McpServer s = fetch.start(policy().build())) {
            ToolResult r = s.call("fetch_url", Map.of("url", "https://api.test:" + port + "/secure"));
            assertTrue(r.isError(), r.text());
            assertTrue(r.text().contains("TLS"), r.text());
        }
        assertEquals(before, hits.get(), "no request may reach a server whose certificate was refused");
    }
}
