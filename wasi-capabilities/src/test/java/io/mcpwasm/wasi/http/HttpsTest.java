package io.mcpwasm.wasi.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.mcpwasm.wasi.HostPattern;
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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
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
 * https through the pinned-address TLS layer: a loopback HttpsServer with a certificate for {@code api.test} only
 * (made by the JDK's keytool at test time). The host connects to the checked address 127.0.0.1 but verifies the
 * certificate against the URL's name, so {@code b.test}, which resolves to the same address, fails.
 */
class HttpsTest {

    private static final char[] PASS = "changeit".toCharArray();

    @TempDir
    static Path dir;

    private static HttpsServer server;
    private static ExecutorService threads;
    private static SSLContext clientTls;
    private static int port;
    private static final AtomicInteger HITS = new AtomicInteger();

    @BeforeAll
    static void start() throws Exception {
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
        clientTls = SSLContext.getInstance("TLS");
        clientTls.init(null, tmf.getTrustManagers(), null);

        server = HttpsServer.create(new InetSocketAddress(HttpImportsTest.address(127, 0, 0, 1), 0), 8);
        server.setHttpsConfigurator(new HttpsConfigurator(serverTls));
        threads = Executors.newFixedThreadPool(2);
        server.setExecutor(threads);
        server.createContext("/secure", ex -> {
            HITS.incrementAndGet();
            byte[] b = ("secure " + ex.getRequestHeaders().getFirst("Host")).getBytes(StandardCharsets.UTF_8);
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
    static void stop() throws InterruptedException {
        server.stop(0);
        threads.shutdownNow();
        assertTrue(threads.awaitTermination(10, TimeUnit.SECONDS));
    }

    private HttpImports http(SSLContext tls) {
        InetAddress lo = HttpImportsTest.address(127, 0, 0, 1);
        Map<String, List<InetAddress>> dns = Map.of("api.test", List.of(lo), "b.test", List.of(lo));
        List<HostPattern> hosts = List.of(HostPattern.parse("https://api.test:" + port),
                HostPattern.parse("https://b.test:" + port));
        HttpImports.Builder b = HttpImports.builder("tls-test")
                .hosts(hosts)
                .resolver(h -> {
                    List<InetAddress> a = dns.get(h);
                    if (a == null) {
                        throw new UnknownHostException(h);
                    }
                    return a;
                })
                .allowSpecialAddress(lo);
        if (tls != null) {
            b.sslContext(tls);
        }
        return b.build();
    }

    @Test
    void httpsToTheCertifiedNameWorks() {
        try (HttpImports h = http(clientTls)) {
            HttpGuest g = new HttpGuest(h);
            assertEquals(HttpError.OK, g.fetch("https://api.test:" + port + "/secure"));
            assertEquals(200, g.status());
            assertEquals("secure api.test:" + port, g.body());
        }
    }

    @Test
    void certificateIsCheckedAgainstTheNameNotTheAddress() {
        int before = HITS.get();
        try (HttpImports h = http(clientTls)) {
            HttpGuest g = new HttpGuest(h);
            assertEquals(HttpError.TLS, g.fetch("https://b.test:" + port + "/secure"));
        }
        assertEquals(before, HITS.get());
    }

    @Test
    void untrustedCertificateFailsWithTheDefaultTrustStore() {
        int before = HITS.get();
        try (HttpImports h = http(null)) {
            HttpGuest g = new HttpGuest(h);
            assertEquals(HttpError.TLS, g.fetch("https://api.test:" + port + "/secure"));
        }
        assertEquals(before, HITS.get());
    }
}
