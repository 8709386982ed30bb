package io.mcpwasm.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mcpwasm.GuestConnection;
import io.mcpwasm.McpModule;
import io.mcpwasm.ServerFailedException;
import io.mcpwasm.wasi.HostPolicy;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One running guest behind the gateway: client messages go in unchanged, every line the guest writes comes out
 * unchanged, in order. The only thing added is the per-request timeout: a client request the guest has not answered
 * in time is answered with an error naming the flag that raises the limit, and the guest is told to cancel it
 * (its late answer is dropped).
 */
final class GuestLink implements AutoCloseable {
    /** JSON-RPC error code of a request the guest did not answer in time (implementation-defined range). */
    static final int TIMEOUT_CODE = -32001;

    /** Receives what the guest writes, one message at a time, in order. */
    interface Sink {
        /** A message from the guest (or a timeout answer made by the gateway); {@code message} is its parse. */
        void fromGuest(String line, JsonNode message);

        /** The guest stopped: {@code failure} is null after a clean exit. */
        void closed(ServerFailedException failure);
    }

    private final String server;
    private final Duration timeout;
    private final ScheduledExecutorService timer;
    private final Sink sink;
    private final Map<String, ScheduledFuture<?>> pending = new ConcurrentHashMap<>();
    private final Map<String, Boolean> timedOut = new ConcurrentHashMap<>();
    private final GuestConnection connection;

    private GuestLink(McpModule module, HostPolicy policy, Duration timeout, ScheduledExecutorService timer,
                      Sink sink) {
        this.server = module.name();
        this.timeout = timeout;
        this.timer = timer;
        this.sink = sink;
        this.connection = module.connect(policy, this::received, sink::closed);
    }

    /**
     * Starts an instance of {@code module} under {@code policy}.
     *
     * @throws io.mcpwasm.wasi.CapabilityDeniedException when the policy refuses what the manifest requires
     */
    static GuestLink open(McpModule module, HostPolicy policy, Duration timeout, ScheduledExecutorService timer,
                          Sink sink) {
        return new GuestLink(module, policy, timeout, timer, sink);
    }

    /** Sends one client message; {@code message} is its parse (a JSON object). */
    void send(String line, JsonNode message) {
        if (message.hasNonNull("method") && message.has("id")) {
            String key = message.get("id").toString();
            JsonNode id = message.get("id");
            String method = message.get("method").asText();
            pending.put(key, timer.schedule(() -> expire(key, id, method), timeout.toMillis(), TimeUnit.MILLISECONDS));
        } else if ("notifications/cancelled".equals(message.path("method").asText())) {
            ScheduledFuture<?> t = pending.remove(message.path("params").path("requestId").toString());
            if (t != null) {
                t.cancel(false); // the client gave up on it: no timeout answer either
            }
        }
        connection.send(line);
    }

    private void received(String line) {
        JsonNode message;
        try {
            message = JsonRpc.JSON.readTree(line);
        } catch (Exception e) {
            message = null;
        }
        if (message != null && message.has("id") && !message.has("method")) {
            String key = message.get("id").toString();
            if (timedOut.remove(key) != null) {
                return; // answered by the gateway already
            }
            ScheduledFuture<?> t = pending.remove(key);
            if (t != null) {
                t.cancel(false);
            }
        }
        sink.fromGuest(line, message);
    }

    private void expire(String key, JsonNode id, String method) {
        if (pending.remove(key) == null) {
            return;
        }
        timedOut.put(key, Boolean.TRUE);
        ObjectNode cancel = JsonRpc.JSON.createObjectNode().put("jsonrpc", "2.0").put("method", "notifications/cancelled");
        cancel.putObject("params").put("reason", "timed out").set("requestId", id);
        if (connection.isOpen()) {
            connection.send(cancel.toString());
        }
        ObjectNode error = JsonRpc.errorNode(id, TIMEOUT_CODE, "server '" + server + "' did not answer " + method
                + " within " + timeout.toMillis() + " ms (raise the limit with --timeout)");
        sink.fromGuest(error.toString(), error);
    }

    /** Client requests not answered yet. */
    int pendingRequests() {
        return pending.size();
    }

    boolean isOpen() {
        return connection.isOpen();
    }

    String server() {
        return server;
    }

    @Override
    public void close() {
        pending.values().forEach(f -> f.cancel(false));
        pending.clear();
        timedOut.clear();
        connection.close();
    }
}
