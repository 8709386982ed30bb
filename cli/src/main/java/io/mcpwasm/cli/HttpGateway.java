package io.mcpwasm.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.mcpwasm.McpModule;
import io.mcpwasm.McpRuntime;
import io.mcpwasm.wasi.Grants;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code mcpwasm serve}: the config's servers over Streamable HTTP, one endpoint per server at {@code /NAME/mcp}
 * (see {@link Endpoint}), on the JDK's built-in HTTP server. Every request is checked first for the bearer token
 * (when configured: 401) and the Origin header (a browser page of another origin: 403, against DNS rebinding).
 * Binds to 127.0.0.1 unless told otherwise.
 */
final class HttpGateway implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger("mcpwasm.gateway");

    private final HttpServer server;
    private final ExecutorService handlers;
    private final Map<String, Endpoint> endpoints = new LinkedHashMap<>();
    private final GatewayConfig config;

    private HttpGateway(McpRuntime runtime, GatewayConfig config, String address, ScheduledExecutorService timer)
            throws IOException {
        this.config = config;
        for (GatewayConfig.ServerConfig sc : config.servers.values()) {
            McpModule module = sc.load(runtime);
            // Refuse at start-up, not at the first client: the same decision every session will get.
            module.manifest().ifPresent(m -> Grants.resolve(m, sc.policy(), e -> { }));
            endpoints.put(sc.name(), new Endpoint(sc.name(), module, sc.policy(), sc.pool(), config, timer));
        }
        int colon = address.lastIndexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("--http " + address + ": expected HOST:PORT");
        }
        String host = address.substring(0, colon).replace("[", "").replace("]", "");
        int port = Integer.parseInt(address.substring(colon + 1));
        // Without TCP_NODELAY, the small writes of an SSE answer (headers, event, last chunk) wait on the client's
        // delayed ACK: about 40 ms per exchange. The JDK server reads this property when its first server is made.
        System.setProperty("sun.net.httpserver.nodelay", "true");
        server = HttpServer.create(new InetSocketAddress(host, port), 128);
        handlers = Executors.newCachedThreadPool(io.mcpwasm.wasi.internal.DaemonThreads.named("mcpwasm-http-"));
        server.setExecutor(handlers);
        server.createContext("/", this::route);
        server.start();
        LOG.info("serving {} on http://{}:{}/NAME/mcp", endpoints.keySet(), host, port());
    }

    /** Starts serving; the caller closes the returned gateway. */
    static HttpGateway start(McpRuntime runtime, GatewayConfig config, String address,
                             ScheduledExecutorService timer) throws IOException {
        return new HttpGateway(runtime, config, address, timer);
    }

    /** Serves until the JVM is asked to stop (Ctrl-C, SIGTERM). */
    @SuppressWarnings("try") // the gateway only needs to stay open for the body, which waits for the stop signal
    static int serve(McpRuntime runtime, GatewayConfig config, String addressFlag, ScheduledExecutorService timer) {
        String address = addressFlag != null ? addressFlag : config.http != null ? config.http : "127.0.0.1:8080";
        CountDownLatch stop = new CountDownLatch(1);
        try (HttpGateway g = start(runtime, config, address, timer)) {
            Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown));
            stop.await();
            return Main.OK;
        } catch (IOException e) {
            LOG.error("cannot serve on {}: {}", address, e.getMessage());
            return Main.FAILED;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Main.OK;
        }
    }

    int port() {
        return server.getAddress().getPort();
    }

    private void route(HttpExchange ex) throws IOException {
        try {
            String path = ex.getRequestURI().getPath();
            if (!authorized(ex)) {
                ex.getResponseHeaders().set("WWW-Authenticate", "Bearer");
                plain(ex, 401, "missing or wrong bearer token");
                return;
            }
            if (!originAllowed(ex.getRequestHeaders().getFirst("Origin"))) {
                plain(ex, 403, "origin " + ex.getRequestHeaders().getFirst("Origin") + " is not allowed");
                return;
            }
            // /NAME/mcp: clients (the Inspector among them) take a path ending in /mcp for Streamable HTTP
            Endpoint e = path.endsWith("/mcp") && path.length() > 5 && path.indexOf('/', 1) == path.length() - 4
                    ? endpoints.get(path.substring(1, path.length() - 4)) : null;
            if (e == null) {
                plain(ex, 404, "no MCP endpoint at " + path + "; the endpoints are "
                        + endpoints.keySet().stream().map(k -> "/" + k + "/mcp").toList());
                return;
            }
            e.handle(ex);
        } catch (IOException | RuntimeException e) {
            LOG.debug("request {} {} failed: {}", ex.getRequestMethod(), ex.getRequestURI(), e.toString());
            ex.close();
        }
    }

    private boolean authorized(HttpExchange ex) {
        if (config.bearerToken == null) {
            return true;
        }
        String h = ex.getRequestHeaders().getFirst("Authorization");
        if (h == null || !h.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return false;
        }
        return MessageDigest.isEqual(h.substring(7).strip().getBytes(StandardCharsets.UTF_8),
                config.bearerToken.getBytes(StandardCharsets.UTF_8));
    }

    private boolean originAllowed(String origin) {
        if (origin == null || config.allowedOrigins.contains(origin)) {
            return true; // not a browser, or an origin the config names
        }
        try {
            URI u = URI.create(origin);
            String host = u.getHost();
            return ("http".equals(u.getScheme()) || "https".equals(u.getScheme())) && host != null
                    && (host.equals("localhost") || host.equals("127.0.0.1") || host.equals("[::1]")
                    || host.equals("::1"));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    static void plain(HttpExchange ex, int status, String text) throws IOException {
        send(ex, status, "text/plain; charset=utf-8", text + "\n");
    }

    static void jsonError(HttpExchange ex, int status, int code, String message) throws IOException {
        send(ex, status, "application/json", JsonRpc.error(null, code, message));
    }

    static void send(HttpExchange ex, int status, String type, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", type);
        ex.sendResponseHeaders(status, b.length);
        ex.getResponseBody().write(b);
        ex.close();
    }

    @Override
    public void close() {
        server.stop(0);
        endpoints.values().forEach(Endpoint::close);
        handlers.shutdownNow();
    }
}
