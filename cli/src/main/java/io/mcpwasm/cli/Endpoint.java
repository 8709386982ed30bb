package io.mcpwasm.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import io.mcpwasm.McpModule;
import io.mcpwasm.ServerFailedException;
import io.mcpwasm.wasi.HostPolicy;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Streamable HTTP endpoint of one served module ({@code /NAME/mcp}). An {@code initialize} POST opens a
 * session (2025-11-25: {@code Mcp-Session-Id}, its own guest instance, GET stream, DELETE); a POST without a
 * session id that is not {@code initialize} is the stateless transport of 2026-07-28 and is served by one of the
 * server's pooled instances (only for servers configured with a pool). A request is answered with an SSE stream
 * when the client accepts one, else with one JSON body.
 */
final class Endpoint {
    private static final Logger LOG = LoggerFactory.getLogger("mcpwasm.gateway");
    static final List<String> VERSIONS = List.of("2026-07-28", "2025-11-25", "2025-06-18", "2025-03-26");
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final long KEEP_ALIVE_MS = 15_000;

    final String name;
    private final McpModule module;
    private final HostPolicy policy;
    private final Duration timeout;
    private final ScheduledExecutorService timer;
    private final GatewayConfig config;
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    private final BlockingQueue<Pooled> pool = new LinkedBlockingQueue<>();
    private final int poolSize;
    private final java.util.concurrent.ScheduledFuture<?> idleSweep;

    Endpoint(String name, McpModule module, HostPolicy policy, int poolSize, GatewayConfig config,
             ScheduledExecutorService timer) {
        this.name = name;
        this.module = module;
        this.policy = policy;
        this.poolSize = poolSize;
        this.config = config;
        this.timer = timer;
        this.timeout = PolicyFlags.callTimeout(module.manifest().orElse(null), policy);
        for (int i = 0; i < poolSize; i++) {
            pool.add(new Pooled());
        }
        long sweep = Math.max(100, Math.min(60_000, config.sessionIdle.toMillis() / 2));
        this.idleSweep = timer.scheduleAtFixedRate(this::expireIdle, sweep, sweep, TimeUnit.MILLISECONDS);
    }

    void handle(HttpExchange ex) throws IOException {
        switch (ex.getRequestMethod()) {
            case "POST" -> post(ex);
            case "GET" -> get(ex);
            case "DELETE" -> delete(ex);
            default -> {
                ex.getResponseHeaders().set("Allow", "GET, POST, DELETE");
                HttpGateway.plain(ex, 405, "method not allowed");
            }
        }
    }

    private void post(HttpExchange ex) throws IOException {
        String accept = ex.getRequestHeaders().getFirst("Accept");
        boolean sse = accepts(accept, "text/event-stream");
        if (!sse && !accepts(accept, "application/json")) {
            HttpGateway.jsonError(ex, 406, JsonRpc.INVALID_REQUEST,
                    "Accept must list application/json and text/event-stream");
            return;
        }
        byte[] body = readBody(ex.getRequestBody(), config.maxBodyBytes);
        if (body == null) {
            HttpGateway.jsonError(ex, 413, JsonRpc.INVALID_REQUEST,
                    "request body over the limit of " + config.maxBodyBytes + " bytes");
            return;
        }
        String line = new String(body, StandardCharsets.UTF_8).strip();
        JsonNode message;
        try {
            message = JsonRpc.parse(line);
        } catch (JsonRpc.BadMessage e) {
            HttpGateway.send(ex, 400, "application/json", e.errorLine());
            return;
        }
        if (line.indexOf('\n') >= 0) {
            line = message.toString(); // pretty-printed JSON: one line for the guest, same content
        }
        boolean initialize = "initialize".equals(message.path("method").asText(null));
        String sessionId = ex.getRequestHeaders().getFirst("Mcp-Session-Id");
        if (!initialize && !versionOk(ex)) {
            return;
        }
        if (initialize) {
            if (sessionId != null) {
                HttpGateway.jsonError(ex, 400, JsonRpc.INVALID_REQUEST, "initialize must not carry Mcp-Session-Id");
                return;
            }
            if (sessions.size() >= config.maxSessions) {
                HttpGateway.jsonError(ex, 503, -32000, "server '" + name + "' has " + sessions.size()
                        + " sessions, the most allowed (maxSessions)");
                return;
            }
            Session s = openSession();
            if (s == null) {
                HttpGateway.jsonError(ex, 500, -32603, "server '" + name + "' could not start; see the gateway's log");
                return;
            }
            ex.getResponseHeaders().set("Mcp-Session-Id", s.id);
            exchange(ex, s, line, message, sse);
        } else if (sessionId != null) {
            Session s = sessions.get(sessionId);
            if (s == null || !s.isOpen()) {
                HttpGateway.jsonError(ex, 404, -32001, "no session " + sessionId + " (ended or unknown):"
                        + " initialize a new one");
                return;
            }
            exchange(ex, s, line, message, sse);
        } else if (poolSize > 0) {
            stateless(ex, line, message, sse);
        } else {
            HttpGateway.jsonError(ex, 400, JsonRpc.INVALID_REQUEST, "Mcp-Session-Id header missing: server '" + name
                    + "' keeps sessions (initialize first); it serves requests without a session only with a pool");
        }
    }

    /** Sends one message into a session and answers the POST. */
    private void exchange(HttpExchange ex, Session s, String line, JsonNode message, boolean sse) throws IOException {
        if (!JsonRpc.isRequest(message)) {
            s.send(line, message, null);
            ex.sendResponseHeaders(202, -1);
            ex.close();
            return;
        }
        Reply reply = sse ? Reply.stream(progressToken(message)) : Reply.json(null);
        s.send(line, message, reply);
        answer(ex, reply);
    }

    private void answer(HttpExchange ex, Reply reply) throws IOException {
        if (reply.sse != null) {
            ex.getResponseHeaders().set("Content-Type", "text/event-stream");
            ex.getResponseHeaders().set("Cache-Control", "no-cache");
            ex.sendResponseHeaders(200, 0);
            try (OutputStream out = ex.getResponseBody()) {
                reply.sse.pump(out, KEEP_ALIVE_MS);
            } catch (IOException e) {
                LOG.debug("client left a stream of '{}': {}", name, e.toString());
            }
            ex.close();
            return;
        }
        String answer;
        try {
            answer = reply.json.get(timeout.toMillis() + 5_000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            answer = JsonRpc.error(null, -32603, "interrupted");
        } catch (ExecutionException | TimeoutException e) {
            answer = JsonRpc.error(null, -32603, "no answer from server '" + name + "'");
        }
        HttpGateway.send(ex, 200, "application/json", answer);
    }

    private void get(HttpExchange ex) throws IOException {
        if (!accepts(ex.getRequestHeaders().getFirst("Accept"), "text/event-stream")) {
            HttpGateway.plain(ex, 406, "GET opens an SSE stream: Accept must list text/event-stream");
            return;
        }
        Session s = session(ex);
        if (s == null || !versionOk(ex)) {
            return;
        }
        SseStream stream = s.openGetStream();
        if (stream == null) {
            HttpGateway.plain(ex, 409, "session " + s.id + " has a GET stream open already");
            return;
        }
        ex.getResponseHeaders().set("Content-Type", "text/event-stream");
        ex.getResponseHeaders().set("Cache-Control", "no-cache");
        ex.sendResponseHeaders(200, 0);
        try (OutputStream out = ex.getResponseBody()) {
            stream.pump(out, KEEP_ALIVE_MS);
        } catch (IOException e) {
            LOG.debug("client left the GET stream of '{}': {}", name, e.toString());
        }
        ex.close();
    }

    private void delete(HttpExchange ex) throws IOException {
        Session s = session(ex);
        if (s == null) {
            return;
        }
        sessions.remove(s.id);
        s.close();
        ex.sendResponseHeaders(204, -1);
        ex.close();
    }

    /** The session the request names; answers 400/404 itself and returns null when there is none. */
    private Session session(HttpExchange ex) throws IOException {
        String id = ex.getRequestHeaders().getFirst("Mcp-Session-Id");
        if (id == null) {
            HttpGateway.plain(ex, poolSize > 0 ? 405 : 400, "Mcp-Session-Id header missing");
            return null;
        }
        Session s = sessions.get(id);
        if (s == null || !s.isOpen()) {
            HttpGateway.plain(ex, 404, "no session " + id + " (ended or unknown)");
            return null;
        }
        return s;
    }

    private boolean versionOk(HttpExchange ex) throws IOException {
        String v = ex.getRequestHeaders().getFirst("MCP-Protocol-Version");
        if (v != null && !VERSIONS.contains(v)) {
            HttpGateway.jsonError(ex, 400, JsonRpc.INVALID_REQUEST, "unsupported MCP-Protocol-Version " + v
                    + " (supported: " + String.join(", ", VERSIONS) + ")");
            return false;
        }
        return true;
    }

    private Session openSession() {
        byte[] b = new byte[16];
        RANDOM.nextBytes(b);
        String id = HexFormat.of().formatHex(b);
        Session s = new Session(id, name, () -> sessions.remove(id));
        try {
            s.attach(GuestLink.open(module, policy, timeout, timer, s));
        } catch (RuntimeException e) {
            LOG.error("server '{}' could not start a session: {}", name, e.getMessage());
            return null;
        }
        sessions.put(id, s);
        LOG.info("server '{}': session {} opened ({} open)", name, id, sessions.size());
        return s;
    }

    private void expireIdle() {
        long idle = config.sessionIdle.toNanos();
        long now = System.nanoTime();
        sessions.values().removeIf(s -> {
            if (now - s.lastUsedNanos > idle && !s.listening()) {
                LOG.info("server '{}': session {} idle for {}; ended", name, s.id, config.sessionIdle);
                s.close();
                return true;
            }
            return false;
        });
    }

    /** Serves a request without a session (2026-07-28) on a pooled instance, one request at a time each. */
    private void stateless(HttpExchange ex, String line, JsonNode message, boolean sse) throws IOException {
        if (!JsonRpc.isRequest(message)) {
            ex.sendResponseHeaders(202, -1); // nothing to relate a notification or response to without a session
            ex.close();
            return;
        }
        Pooled p;
        try {
            p = pool.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        if (p == null) {
            HttpGateway.jsonError(ex, 503, -32000, "every pooled instance of '" + name + "' stayed busy for "
                    + timeout.toMillis() + " ms");
            return;
        }
        try {
            Reply reply = sse ? Reply.stream(progressToken(message)) : Reply.json(null);
            if (!p.send(line, message, reply)) {
                HttpGateway.jsonError(ex, 500, -32603, "server '" + name + "' could not start; see the gateway's log");
                return;
            }
            answer(ex, reply);
        } finally {
            p.release();
            pool.add(p);
        }
    }

    /** One pooled instance: started on first use, restarted when it stopped. */
    private final class Pooled implements GuestLink.Sink {
        private GuestLink link;
        private volatile Reply current;

        boolean send(String line, JsonNode message, Reply reply) {
            if (link == null || !link.isOpen()) {
                try {
                    link = GuestLink.open(module, policy, timeout, timer, this);
                } catch (RuntimeException e) {
                    LOG.error("server '{}' could not start a pooled instance: {}", name, e.getMessage());
                    return false;
                }
            }
            current = reply;
            link.send(line, message);
            return true;
        }

        /** The request is answered (or abandoned): later messages belong to no reply. */
        void release() {
            current = null;
        }

        @Override
        public void fromGuest(String line, JsonNode message) {
            Reply r = current;
            if (r == null) {
                return;
            }
            if (JsonRpc.isResponse(message)) {
                r.answer(line);
            } else if (!r.related(line)) {
                LOG.debug("server '{}' (stateless) wrote a message with no stream to carry it; dropped", name);
            }
        }

        @Override
        public void closed(ServerFailedException failure) {
            if (failure != null) {
                LOG.error("server '{}' pooled instance stopped: {}", name, failure.getMessage());
            }
            Reply r = current;
            if (r != null) {
                r.answer(JsonRpc.error(null, -32603, failure != null ? failure.getMessage() : "the server exited"));
            }
        }
    }

    private static String progressToken(JsonNode request) {
        JsonNode t = request.path("params").path("_meta").path("progressToken");
        return t.isMissingNode() || t.isNull() ? null : t.toString();
    }

    private static boolean accepts(String accept, String type) {
        if (accept == null) {
            return false;
        }
        for (String part : accept.toLowerCase(Locale.ROOT).split(",")) {
            String t = part.strip().split(";", 2)[0].strip();
            if (t.equals(type) || t.equals("*/*") || t.equals(type.substring(0, type.indexOf('/')) + "/*")) {
                return true;
            }
        }
        return false;
    }

    /** Reads at most {@code max} bytes; null when the body is longer. */
    private static byte[] readBody(InputStream in, long max) throws IOException {
        byte[] b = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, max + 1));
        return b.length > max ? null : b;
    }

    void close() {
        idleSweep.cancel(false);
        sessions.values().forEach(Session::close);
        sessions.clear();
        for (Pooled p : pool) {
            if (p.link != null) {
                p.link.close();
            }
        }
    }
}
