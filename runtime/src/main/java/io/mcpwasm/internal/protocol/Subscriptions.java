package io.mcpwasm.internal.protocol;

import static io.mcpwasm.internal.protocol.JsonRpcChannel.MAPPER;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mcpwasm.CallCancelledException;
import io.mcpwasm.CallTimeoutException;
import io.mcpwasm.McpErrorException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Resource subscriptions, on both revisions. Handshake revisions: {@code resources/subscribe} and
 * {@code resources/unsubscribe}. 2026-07-28 has neither: a subscription is a {@code subscriptions/listen} request
 * the server holds open, acknowledged by {@code notifications/subscriptions/acknowledged} (its {@code _meta}
 * names the listen request), and ended by cancelling that request. One listen per URI, so adding or dropping one
 * URI never re-opens the others (go-sdk keys its subscriptions by session and URI, and a replaced listen that
 * ends late would drop the URIs its successor had just taken over). {@code notifications/resources/updated}
 * reaches the {@link io.mcpwasm.ServerListener}s the same way on both revisions. On 2026-07-28 one more listen,
 * open for the session's life, asks for the list changes the server announces ({@link #listenForListChanges}).
 */
final class Subscriptions {
    /** A listen stream has no deadline of its own: it ends when unsubscribed or when the session ends. */
    private static final Duration LISTEN_LIFETIME = Duration.ofDays(365);
    private static final String META_SUBSCRIPTION_ID = "io.modelcontextprotocol/subscriptionId";
    private static final List<String> LISTS = List.of("tools", "prompts", "resources");
    private static final Logger LOG = LoggerFactory.getLogger(Subscriptions.class);

    private final JsonRpcChannel channel;
    private final BooleanSupplier stateless;
    private final Duration timeout;
    // guarded by this
    private final Map<String, CallFuture<JsonNode>> listens = new HashMap<>();
    private final Map<Long, CompletableFuture<JsonNode>> acks = new HashMap<>();

    Subscriptions(JsonRpcChannel channel, BooleanSupplier stateless, Duration timeout) {
        this.channel = channel;
        this.stateless = stateless;
        this.timeout = timeout;
    }

    void subscribe(String uri) {
        if (!stateless.getAsBoolean()) {
            ObjectNode params = MAPPER.createObjectNode().put("uri", uri);
            channel.await(channel.request("resources/subscribe", params, timeout, null, r -> r, true), timeout);
            return;
        }
        synchronized (this) {
            if (listens.containsKey(uri)) {
                return;
            }
        }
        ObjectNode params = MAPPER.createObjectNode();
        params.putObject("notifications").putArray("resourceSubscriptions").add(uri);
        CallFuture<JsonNode> listen = channel.request("subscriptions/listen", params, LISTEN_LIFETIME, null,
                r -> r, false);
        CompletableFuture<JsonNode> ack = ackFor(listen.currentId());
        try {
            JsonNode acknowledged = awaitAck(ack, listen, uri);
            boolean granted = false;
            for (JsonNode u : acknowledged.path("notifications").path("resourceSubscriptions")) {
                granted |= uri.equals(u.asText());
            }
            if (!granted) {
                listen.cancel(true);
                throw new McpErrorException(channel.serverName(), "subscriptions/listen",
                        JsonRpcChannel.METHOD_NOT_FOUND, "the server did not acknowledge a subscription to " + uri
                        + " (it does not support resource subscriptions)", acknowledged);
            }
            CallFuture<JsonNode> earlier;
            synchronized (this) {
                earlier = listens.put(uri, listen);
            }
            if (earlier != null) { // a concurrent subscribe to the same URI won too: keep one stream
                earlier.cancel(true);
            }
            listen.whenComplete((r, e) -> {
                synchronized (this) {
                    listens.remove(uri, listen);
                }
            });
        } finally {
            synchronized (this) {
                acks.remove(listen.currentId());
            }
        }
    }

    /**
     * 2026-07-28 sends {@code list_changed} notifications only on a listen stream that asked for them: one stream
     * for the session's life, asking for the list changes the server's capabilities announce. Does not wait.
     */
    void listenForListChanges(JsonNode serverCapabilities) {
        ObjectNode params = MAPPER.createObjectNode();
        ObjectNode wanted = params.putObject("notifications");
        for (String list : LISTS) {
            if (serverCapabilities.path(list).path("listChanged").asBoolean(false)) {
                wanted.put(list + "ListChanged", true);
            }
        }
        if (wanted.isEmpty()) {
            return;
        }
        CallFuture<JsonNode> listen = channel.request("subscriptions/listen", params, LISTEN_LIFETIME, null,
                r -> r, false);
        long id = listen.currentId();
        ackFor(id).whenComplete((r, e) -> {
            synchronized (this) {
                acks.remove(id);
            }
        });
        listen.whenComplete((r, e) -> {
            if (e != null) {
                LOG.debug("MCP server '{}' ended the list-change stream: {}", channel.serverName(), e.toString());
            }
        });
    }

    void unsubscribe(String uri) {
        if (!stateless.getAsBoolean()) {
            ObjectNode params = MAPPER.createObjectNode().put("uri", uri);
            channel.await(channel.request("resources/unsubscribe", params, timeout, null, r -> r, true), timeout);
            return;
        }
        CallFuture<JsonNode> listen;
        synchronized (this) {
            listen = listens.remove(uri);
        }
        if (listen != null) {
            listen.cancel(true); // sends notifications/cancelled: the server ends the stream
        }
    }

    /** {@code notifications/subscriptions/acknowledged}: completes the wait of the listen it names. */
    void acknowledged(JsonNode params) {
        Long id = JsonRpcChannel.idOf(params.path("_meta").get(META_SUBSCRIPTION_ID));
        if (id != null) {
            ackFor(id).complete(params);
        }
    }

    private synchronized CompletableFuture<JsonNode> ackFor(long id) {
        return acks.computeIfAbsent(id, k -> new CompletableFuture<>());
    }

    private JsonNode awaitAck(CompletableFuture<JsonNode> ack, CallFuture<JsonNode> listen, String uri) {
        // the listen ending first (an error, or a server that ends it at once) ends the wait too
        CompletableFuture<Object> first = CompletableFuture.anyOf(ack, listen);
        try {
            first.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            listen.cancel(true);
            Thread.currentThread().interrupt();
            throw new CallCancelledException(channel.serverName(), "subscriptions/listen",
                    listen.currentId());
        } catch (TimeoutException e) {
            listen.cancel(true);
            throw new CallTimeoutException(channel.serverName(), "subscriptions/listen", listen.currentId(),
                    timeout);
        } catch (ExecutionException e) {
            // the listen failed before it was acknowledged: report its failure below
        }
        if (ack.isDone()) {
            return ack.join();
        }
        channel.await(listen, timeout); // throws the listen's failure
        return MAPPER.createObjectNode(); // it ended without an acknowledgement: nothing was granted
    }
}
