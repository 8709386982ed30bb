package io.mcpwasm.internal.protocol;

import static io.mcpwasm.internal.protocol.JsonRpcChannel.MAPPER;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mcpwasm.CallTimeoutException;
import io.mcpwasm.ProtocolException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One of the server's lists ({@code tools/list}, {@code resources/list}, ...), fetched with every page and cached
 * until the server announces a change; then refreshed and the new list handed to {@code onChange}.
 */
final class ListCache<T> {
    private static final Logger LOG = LoggerFactory.getLogger(ListCache.class);
    private static final int MAX_PAGES = 10_000;

    private final JsonRpcChannel channel;
    private final Duration timeout;
    private final BooleanSupplier ready;
    private final String method;
    private final String field;
    private final Function<JsonNode, T> decoder;
    private final Consumer<List<T>> onChange;
    private final AtomicReference<CompletableFuture<List<T>>> current = new AtomicReference<>();
    private boolean refreshing; // guarded by this
    private boolean refreshAgain; // guarded by this

    /**
     * @param ready whether the session is set up (before that a change announcement only drops the cache)
     * @param method the list method
     * @param field the result's array member
     * @param onChange told the fresh list after an announced change (in order, on the event executor)
     */
    ListCache(JsonRpcChannel channel, Duration timeout, BooleanSupplier ready, String method, String field,
            Function<JsonNode, T> decoder, Consumer<List<T>> onChange) {
        this.channel = channel;
        this.timeout = timeout;
        this.ready = ready;
        this.method = method;
        this.field = field;
        this.decoder = decoder;
        this.onChange = onChange;
    }

    /** @return the whole list: cached, or fetched now (one fetch however many callers ask at once) */
    List<T> get() {
        CompletableFuture<List<T>> f = current.get();
        boolean started = false;
        while (!started && (f == null || f.isCompletedExceptionally())) {
            CompletableFuture<List<T>> mine = new CompletableFuture<>();
            if (current.compareAndSet(f, mine)) {
                started = true;
                fetchAll().whenComplete((list, err) -> {
                    if (err != null) {
                        mine.completeExceptionally(err instanceof CompletionException && err.getCause() != null
                                ? err.getCause() : err);
                    } else {
                        mine.complete(list);
                    }
                });
                f = mine;
            } else {
                f = current.get();
            }
        }
        return channel.await(f, timeout);
    }

    /** Drops the cached list; the next {@link #get()} fetches it. */
    void invalidate() {
        current.set(null);
    }

    /**
     * The server announced a change: fetches the list again and tells {@code onChange}. Announcements coalesce: at
     * most one refresh is in flight and one more pending, however fast the server announces.
     */
    void refresh() {
        if (!ready.getAsBoolean()) {
            // Announced before set-up finished: nothing was listed yet; the next get() lists afresh.
            invalidate();
            return;
        }
        synchronized (this) {
            if (refreshing) {
                refreshAgain = true;
                return;
            }
            refreshing = true;
        }
        startRefresh();
    }

    private void startRefresh() {
        CompletableFuture<List<T>> fresh = fetchAll();
        current.set(fresh);
        fresh.whenComplete((list, err) -> {
            if (err != null) {
                if (channel.failure() == null) {
                    LOG.warn("MCP server '{}': refreshing {} after list_changed failed: {}", channel.serverName(),
                            method, err.toString());
                }
            } else if (current.get() == fresh) {
                channel.inOrder(() -> {
                    try {
                        onChange.accept(list);
                    } catch (RuntimeException e) {
                        LOG.warn("listener of MCP server '{}' threw", channel.serverName(), e);
                    }
                });
            }
            boolean again;
            synchronized (this) {
                again = refreshAgain && channel.failure() == null;
                refreshAgain = false;
                refreshing = again;
            }
            if (again) {
                startRefresh();
            }
        });
    }

    private CompletableFuture<List<T>> fetchAll() {
        long deadline = System.nanoTime() + timeout.toNanos();
        return page(null, new ArrayList<>(), new HashSet<>(), deadline, 0);
    }

    private CompletableFuture<List<T>> page(String cursor, List<T> acc, Set<String> seen, long deadline,
            int pages) {
        ObjectNode params = MAPPER.createObjectNode();
        if (cursor != null) {
            params.put("cursor", cursor);
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            return CompletableFuture.failedFuture(new CallTimeoutException(channel.serverName(), method, -1,
                    timeout));
        }
        CallFuture<JsonNode> f = channel.request(method, params, Duration.ofNanos(left), null, r -> {
            Codec.requireObject(r, method + " result");
            return r;
        }, true);
        return f.thenCompose(r -> {
            try {
                for (JsonNode item : Codec.requiredArray(r, field, method + " result")) {
                    acc.add(decoder.apply(item));
                }
            } catch (Codec.BadShapeException e) {
                return CompletableFuture.failedFuture(new ProtocolException(channel.serverName(), "malformed "
                        + method + " result: " + e.getMessage()));
            }
            JsonNode next = r.get("nextCursor");
            if (next == null || next.isNull() || (next.isTextual() && next.asText().isEmpty())) {
                return CompletableFuture.completedFuture(List.copyOf(acc));
            }
            if (!next.isTextual()) {
                return CompletableFuture.failedFuture(new ProtocolException(channel.serverName(), method
                        + " result: nextCursor is not a string"));
            }
            if (!seen.add(next.asText()) || pages + 1 >= MAX_PAGES) {
                return CompletableFuture.failedFuture(new ProtocolException(channel.serverName(), method
                        + " pages loop: cursor '" + next.asText() + "' repeated or more than " + MAX_PAGES
                        + " pages"));
            }
            return page(next.asText(), acc, seen, deadline, pages + 1);
        });
    }
}
