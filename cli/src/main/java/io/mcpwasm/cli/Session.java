package io.mcpwasm.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.mcpwasm.ServerFailedException;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One MCP session of the 2025-11-25 Streamable HTTP transport: one guest instance of its own, the POSTs waiting
 * for answers, and at most one GET stream. Routes what the guest writes: an answer to the POST that asked; a
 * progress notification to the POST that carried its token; other server requests and notifications to the most
 * recent POST stream still open (they are normally about that request: sampling, elicitation, logging during a
 * tool call), else to the GET stream; list-changed and resource-updated notifications to the GET stream. What has
 * no stream to go to waits (bounded) for the next GET stream.
 */
final class Session implements GuestLink.Sink {
    private static final Logger LOG = LoggerFactory.getLogger("mcpwasm.gateway");
    private static final int MAX_BACKLOG = 1024;

    final String id;
    private final String server;
    private final Runnable onClosed;
    private final Map<String, Reply> waiting = new ConcurrentHashMap<>();
    private final Map<String, Reply> progress = new ConcurrentHashMap<>();
    private final ArrayDeque<String> backlog = new ArrayDeque<>();
    private volatile Reply latestStream;
    private SseStream getStream; // guarded by backlog
    private volatile GuestLink link;
    volatile long lastUsedNanos = System.nanoTime();

    Session(String id, String server, Runnable onClosed) {
        this.id = id;
        this.server = server;
        this.onClosed = onClosed;
    }

    void attach(GuestLink link) {
        this.link = link;
    }

    /** Forwards a client message; a request's answer goes to {@code reply}. */
    void send(String line, JsonNode message, Reply reply) {
        lastUsedNanos = System.nanoTime();
        if (reply != null) {
            waiting.put(message.get("id").toString(), reply);
            if (reply.progressToken != null) {
                progress.put(reply.progressToken, reply);
            }
            if (reply.sse != null) {
                latestStream = reply;
            }
        }
        link.send(line, message);
    }

    /** Opens the session's GET stream and hands it what was waiting; null when one is open already. */
    SseStream openGetStream() {
        synchronized (backlog) {
            if (getStream != null && getStream.isOpen()) {
                return null;
            }
            getStream = new SseStream();
            while (!backlog.isEmpty()) {
                getStream.send(backlog.poll());
            }
            return getStream;
        }
    }

    /** True while the client holds the session's GET stream open (the session is in use, not idle). */
    boolean listening() {
        synchronized (backlog) {
            return getStream != null && getStream.isOpen();
        }
    }

    @Override
    public void fromGuest(String line, JsonNode message) {
        if (message == null || !message.isObject()) {
            LOG.warn("server '{}' session {} wrote a line that is not JSON-RPC; dropped", server, id);
            return;
        }
        if (JsonRpc.isResponse(message)) {
            Reply r = waiting.remove(message.get("id").toString());
            if (r == null) {
                LOG.debug("server '{}' answered request {} that no client waits for", server, message.get("id"));
                return;
            }
            if (r.progressToken != null) {
                progress.remove(r.progressToken);
            }
            r.answer(line);
            return;
        }
        String method = message.path("method").asText();
        if (method.equals("notifications/progress")) {
            Reply r = progress.get(message.path("params").path("progressToken").toString());
            if (r != null && r.related(line)) {
                return;
            }
        }
        boolean unrelated = method.endsWith("/list_changed") || method.equals("notifications/resources/updated");
        Reply latest = latestStream;
        if (!unrelated && latest != null && latest.isOpen() && latest.related(line)) {
            return;
        }
        synchronized (backlog) {
            if (getStream != null && getStream.send(line)) {
                return;
            }
            if (backlog.size() == MAX_BACKLOG) {
                backlog.poll();
                LOG.warn("server '{}' session {}: no stream open for the server's messages; dropped the oldest",
                        server, id);
            }
            backlog.add(line);
        }
    }

    @Override
    public void closed(ServerFailedException failure) {
        if (failure != null) {
            LOG.error("server '{}' session {} stopped: {}", server, id, failure.getMessage());
        }
        String why = failure != null ? failure.getMessage() : "the server exited";
        waiting.forEach((key, r) -> {
            try {
                r.answer(JsonRpc.error(JsonRpc.JSON.readTree(key), -32603, why));
            } catch (java.io.IOException e) {
                r.answer(JsonRpc.error(null, -32603, why));
            }
        });
        waiting.clear();
        synchronized (backlog) {
            if (getStream != null) {
                getStream.finish();
            }
        }
        onClosed.run();
    }

    boolean isOpen() {
        GuestLink l = link;
        return l != null && l.isOpen();
    }

    /** Ends the session: stops its guest (which ends its streams). */
    void close() {
        GuestLink l = link;
        if (l != null) {
            l.close();
        }
    }
}
