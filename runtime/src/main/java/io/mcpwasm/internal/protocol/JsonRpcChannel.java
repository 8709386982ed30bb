package io.mcpwasm.internal.protocol;

import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mcpwasm.CallCancelledException;
import io.mcpwasm.CallTimeoutException;
import io.mcpwasm.FailureKind;
import io.mcpwasm.McpErrorException;
import io.mcpwasm.ProgressListener;
import io.mcpwasm.ProtocolException;
import io.mcpwasm.ServerFailedException;
import io.mcpwasm.wasi.McpWasmException;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * JSON-RPC 2.0 correlation over newline-framed messages: request ids, the pending map, deadlines, cancellation, and
 * routing of what the peer sends (responses to their requests; requests and notifications to the {@link Peer}).
 * It knows no MCP method names: everything protocol-specific is asked of the {@link Peer}.
 *
 * <p>Faults in the peer's traffic (malformed JSON, a line over the size limit, a response to an id never issued,
 * a message that is not a JSON-RPC object) end the channel: every pending call fails with a
 * {@link ServerFailedException} and the {@link FailureHandler} is told once.
 */
final class JsonRpcChannel {
    static final int METHOD_NOT_FOUND = -32601;
    static final int INTERNAL_ERROR = -32603;
    /** How many events (progress, resource updates) may wait for the event executor before more are dropped. */
    static final int MAX_QUEUED_EVENTS = 1024;
    private static final java.util.concurrent.ThreadFactory AFTER_CLOSE =
            io.mcpwasm.wasi.internal.DaemonThreads.named("mcpwasm-events-after-close-");
    /** How many warnings about single guest messages are logged per second; the rest are counted. */
    static final int MAX_WARNINGS_PER_SECOND = 10;
    static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final Logger LOG = LoggerFactory.getLogger(JsonRpcChannel.class);

    /** The protocol layer above the channel. Called on the thread that delivered the message; must not block. */
    interface Peer {
        /** A request from the peer (its id is a string or an integer). */
        void onRequest(JsonNode id, String method, JsonNode params);

        /** A notification from the peer. */
        void onNotification(String method, JsonNode params);

        /**
         * @return the params to send for this round of {@code exchange} under {@code id}: {@code params} itself when
         *     nothing is added, else a changed copy ({@code params} must stay as given, a later round reuses them)
         */
        ObjectNode stamp(long id, Exchange exchange, ObjectNode params);

        /** @return whether {@code result} asks for another round instead of ending the exchange */
        boolean needsAnotherRound(JsonNode result);

        /** Starts the next round of {@code round}'s exchange (on the event executor); may throw to fail it. */
        void nextRound(Pending round, JsonNode result);

        /** Tells the peer that request {@code id} was abandoned (timed out or cancelled by the caller). */
        void abandoned(long id, String reason);
    }

    private final String serverName;
    private final MessageSender sender;
    private final FailureHandler failureHandler;
    private final int maxMessageBytes;
    private final Executor executor;
    private final ScheduledExecutorService scheduler;
    private final LongConsumer timeoutListener;
    private final Peer peer;
    private final SerialLane lane;
    private final FloodGuard warnings;

    private final AtomicBoolean faultReported = new AtomicBoolean();
    private final AtomicLong nextId = new AtomicLong(1);
    private final ConcurrentHashMap<Long, Pending> pending = new ConcurrentHashMap<>();
    private final AtomicReference<Throwable> terminal = new AtomicReference<>();

    JsonRpcChannel(String serverName, MessageSender sender, FailureHandler failureHandler, int maxMessageBytes,
            Executor executor, ScheduledExecutorService scheduler, LongConsumer timeoutListener, Peer peer) {
        this.serverName = serverName;
        this.sender = sender;
        this.failureHandler = failureHandler;
        this.maxMessageBytes = maxMessageBytes;
        this.executor = executor;
        this.scheduler = scheduler;
        this.timeoutListener = timeoutListener;
        this.peer = peer;
        this.lane = new SerialLane(executor, JsonRpcChannel::runDetached);
        this.warnings = new FloodGuard(serverName, "messages the host warns about", MAX_WARNINGS_PER_SECOND);
    }

    String serverName() {
        return serverName;
    }

    /** @return the failure that ended the channel, or {@code null} while it is usable */
    Throwable failure() {
        return terminal.get();
    }

    /** @return the pending round with this id, or {@code null} */
    Pending pending(long id) {
        return pending.get(id);
    }

    // ------------------------------------------------------------------------------------------ lifecycle

    /** Fails every pending and later call with {@code cause}; the first cause wins. */
    boolean terminate(Throwable cause) {
        if (!terminal.compareAndSet(null, Objects.requireNonNull(cause, "cause"))) {
            return false;
        }
        for (Long id : new ArrayList<>(pending.keySet())) {
            Pending p = pending.remove(id);
            if (p != null) {
                p.cancelTimer();
                deliverFailure(p, cause);
            }
        }
        return true;
    }

    /** A fault in the peer's traffic: tells the failure handler once, then ends the channel. */
    void fault(FailureKind kind, String message, Throwable cause) {
        if (terminal.get() != null || !faultReported.compareAndSet(false, true)) {
            return;
        }
        LOG.warn("MCP server '{}': protocol fault ({}): {}", serverName, kind, message);
        // The handler runs first, so that the owner has recorded the failure before any caller sees it.
        try {
            failureHandler.onFailure(kind, message, cause);
        } catch (RuntimeException e) {
            LOG.warn("failure handler of MCP server '{}' threw", serverName, e);
        }
        terminate(new ServerFailedException(serverName, kind, message, cause));
    }

    // ------------------------------------------------------------------------------------------ sending

    /**
     * Sends a request and returns its future, which completes on the event executor (or on the delivering thread
     * when only a blocking {@link #await} waits on it).
     */
    <T> CallFuture<T> request(String method, ObjectNode params, Duration timeout, ProgressListener progress,
            Function<JsonNode, T> decoder, boolean reportTimeout) {
        return start(method, params, timeout, progress, decoder, reportTimeout, false);
    }

    /**
     * Sends a request and waits for its result on this thread, as {@link #await} does. The future is known to be
     * this thread's alone from the start, so the answer is always completed on the delivering thread (no hop
     * through the event executor, however fast the guest answers) and the deadline is kept by this thread's own
     * wait instead of a timer task per call.
     */
    <T> T call(String method, ObjectNode params, Duration timeout, ProgressListener progress,
            Function<JsonNode, T> decoder, boolean reportTimeout) {
        return await(start(method, params, timeout, progress, decoder, reportTimeout, true), timeout);
    }

    private <T> CallFuture<T> start(String method, ObjectNode params, Duration timeout, ProgressListener progress,
            Function<JsonNode, T> decoder, boolean reportTimeout, boolean callerWaits) {
        long deadline = System.nanoTime() + timeout.toNanos();
        CallFuture<T> future = new CallFuture<>(this, method, callerWaits, deadline);
        @SuppressWarnings("unchecked")
        CallFuture<Object> f = (CallFuture<Object>) future;
        @SuppressWarnings("unchecked")
        Function<JsonNode, Object> d = (Function<JsonNode, Object>) decoder;
        Exchange ex = new Exchange(method, timeout, deadline, progress, f, d, reportTimeout);
        sendRound(ex, params != null ? params : MAPPER.createObjectNode(), 0);
        return future;
    }

    /** Sends one round of an exchange under a fresh id and registers it as pending. */
    void sendRound(Exchange ex, ObjectNode params, int round) {
        long id = nextId.getAndIncrement();
        ex.future.setCurrentId(id);
        Throwable dead = terminal.get();
        if (dead != null) {
            ex.future.fail(dead);
            return;
        }
        ObjectNode msg = MAPPER.createObjectNode();
        msg.put("jsonrpc", "2.0");
        msg.put("id", id);
        msg.put("method", ex.method);
        msg.set("params", peer.stamp(id, ex, params));
        byte[] bytes = encode(msg);
        Pending pend = new Pending(id, ex, params, round);
        pending.put(id, pend);
        dead = terminal.get();
        if (dead != null || ex.future.isDone()) {
            if (pending.remove(id) != null && dead != null) {
                ex.future.fail(dead);
            }
            return;
        }
        if (!ex.future.callerTimed()) {
            long left = Math.max(ex.deadline - System.nanoTime(), 0L);
            pend.timer = scheduler.schedule(() -> onTimeout(id), left, TimeUnit.NANOSECONDS);
        }
        try {
            sender.send(bytes);
        } catch (RuntimeException e) {
            if (pending.remove(id) != null) {
                pend.cancelTimer();
                ex.future.fail(e instanceof McpWasmException ? e : new ServerFailedException(serverName,
                        FailureKind.CLOSED, "cannot send " + ex.method + ": " + e.getMessage(), e));
            }
        }
    }

    /** Sends a notification; a failure to send is logged, not thrown. */
    void notify(String method, ObjectNode params) {
        ObjectNode msg = MAPPER.createObjectNode();
        msg.put("jsonrpc", "2.0");
        msg.put("method", method);
        if (params != null) {
            msg.set("params", params);
        }
        sendQuietly(msg);
    }

    /** Answers a request of the peer. */
    void respond(JsonNode id, JsonNode result) {
        ObjectNode msg = MAPPER.createObjectNode();
        msg.put("jsonrpc", "2.0");
        msg.set("id", id);
        msg.set("result", result);
        sendQuietly(msg);
    }

    /** Answers a request of the peer with an error. */
    void respondError(JsonNode id, int code, String message, JsonNode data) {
        ObjectNode msg = MAPPER.createObjectNode();
        msg.put("jsonrpc", "2.0");
        msg.set("id", id);
        ObjectNode err = msg.putObject("error");
        err.put("code", code);
        err.put("message", message);
        if (data != null) {
            err.set("data", data);
        }
        sendQuietly(msg);
    }

    private void sendQuietly(ObjectNode msg) {
        try {
            sender.send(encode(msg));
        } catch (RuntimeException e) {
            LOG.debug("MCP server '{}': could not send {}: {}", serverName, msg.path("method").asText("response"),
                    e.toString());
        }
    }

    private static byte[] encode(ObjectNode msg) {
        // Written with its newline into one builder: one copy out, not two.
        ByteArrayBuilder out = new ByteArrayBuilder(256);
        try {
            MAPPER.writeValue(out, msg);
            out.write('\n');
            return out.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode JSON-RPC message", e);
        }
    }

    private void onTimeout(long id) {
        Pending p = pending.remove(id);
        if (p == null) {
            return;
        }
        Exchange ex = p.exchange;
        if (ex.reportTimeout) {
            peer.abandoned(id, "timed out after " + ex.timeout);
        }
        deliverFailure(p, new CallTimeoutException(serverName, ex.method, id, ex.timeout));
        if (ex.reportTimeout) {
            try {
                timeoutListener.accept(id);
            } catch (RuntimeException e) {
                LOG.warn("timeout listener of MCP server '{}' threw", serverName, e);
            }
        }
    }

    /** Called by {@link CallFuture#cancel(boolean)}. */
    boolean cancelByCaller(long id, String method) {
        Pending p = id > 0 ? pending.remove(id) : null;
        if (p == null) {
            return false;
        }
        p.cancelTimer();
        peer.abandoned(id, "cancelled by the client");
        p.exchange.future.fail(new CallCancelledException(serverName, method, id));
        return true;
    }

    // ------------------------------------------------------------------------------------------ receiving

    /**
     * Handles one line the peer wrote (without or with its trailing newline). Never blocks and never runs user
     * code.
     */
    void onMessage(byte[] line, int off, int len) {
        if (terminal.get() != null) {
            return;
        }
        if (len > maxMessageBytes) {
            fault(FailureKind.MESSAGE_TOO_LARGE, "message of " + len + " bytes exceeds the limit of "
                    + maxMessageBytes + " bytes", null);
            return;
        }
        JsonNode node;
        try {
            node = MAPPER.readTree(line, off, len);
        } catch (IOException e) {
            String why = String.valueOf(e.getMessage()).split("\n", 2)[0];
            fault(FailureKind.MALFORMED_MESSAGE, "malformed JSON: " + why, e);
            return;
        }
        if (node == null || node.isMissingNode()) {
            return; // blank line
        }
        if (!node.isObject()) {
            fault(FailureKind.MALFORMED_MESSAGE, "message is not a JSON object but " + node.getNodeType(), null);
            return;
        }
        try {
            route(node);
        } catch (RuntimeException e) {
            if (warnings.admit()) {
                LOG.warn("MCP server '{}': could not handle message {}", serverName, abbreviate(node), e);
            }
        }
    }

    private static String abbreviate(JsonNode node) {
        String text = node.toString();
        return text.length() <= 200 ? text : text.substring(0, 200) + "...";
    }

    /** Routes one received message: a request or notification to the peer layer, a response to its pending call. */
    private void route(JsonNode node) {
        JsonNode method = node.get("method");
        JsonNode id = node.get("id");
        boolean hasResult = node.has("result");
        boolean hasError = node.has("error");
        if (method != null) {
            if (!method.isTextual()) {
                fault(FailureKind.MALFORMED_MESSAGE, "message has a non-string method", null);
            } else if (id != null && !id.isNull()) {
                if (!id.isTextual() && !id.isIntegralNumber()) {
                    fault(FailureKind.MALFORMED_MESSAGE, "request id is neither a string nor an integer", null);
                } else {
                    peer.onRequest(id, method.asText(), node.get("params"));
                }
            } else {
                peer.onNotification(method.asText(), node.get("params"));
            }
        } else if (hasResult || hasError) {
            if (hasResult && hasError) {
                fault(FailureKind.MALFORMED_MESSAGE, "response has both result and error", null);
            } else {
                onResponse(id, node);
            }
        } else {
            fault(FailureKind.MALFORMED_MESSAGE, "message has neither method nor result nor error", null);
        }
    }

    private void onResponse(JsonNode idNode, JsonNode msg) {
        Long id = idOf(idNode);
        if (id == null) {
            if ((idNode == null || idNode.isNull()) && msg.has("error")) {
                if (warnings.admit()) {
                    LOG.warn("MCP server '{}' reported an error without a request id: {}", serverName,
                            abbreviate(msg.get("error")));
                }
                return;
            }
            fault(FailureKind.UNKNOWN_RESPONSE_ID, "response to unknown request id " + idNode, null);
            return;
        }
        Pending p = pending.remove(id);
        if (p == null) {
            if (id > 0 && id < nextId.get()) {
                LOG.debug("MCP server '{}': ignoring late response to request {}", serverName, id);
            } else {
                fault(FailureKind.UNKNOWN_RESPONSE_ID, "response to request id " + idNode + ", never issued", null);
            }
            return;
        }
        p.cancelTimer();
        if (System.nanoTime() - p.exchange.deadline > 0) {
            // Answered after the deadline: a timeout, whether or not the timer's thread has run yet (on a busy
            // machine the guest can answer first). The server did answer, so it is neither told to cancel nor
            // counted as unresponsive.
            deliverFailure(p, new CallTimeoutException(serverName, p.exchange.method, id, p.exchange.timeout));
            return;
        }
        if (msg.has("error")) {
            JsonNode err = msg.get("error");
            if (!err.isObject()) {
                fault(FailureKind.MALFORMED_MESSAGE, "error member of response " + id + " is not an object", null);
                return;
            }
            JsonNode data = err.get("data");
            deliverFailure(p, new McpErrorException(serverName, p.exchange.method,
                    err.path("code").asInt(INTERNAL_ERROR), err.path("message").asText(""),
                    data == null || data.isNull() ? null : data));
        } else {
            deliverResult(p, msg.get("result"));
        }
    }

    /** @return a request id or progress token as a long, or {@code null} when it is none this channel issued */
    static Long idOf(JsonNode id) {
        if (id == null) {
            return null;
        }
        if (id.isIntegralNumber() && id.canConvertToLong()) {
            return id.asLong();
        }
        if (id.isTextual()) {
            try {
                return Long.parseLong(id.asText());
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return null;
    }

    private void deliverResult(Pending p, JsonNode result) {
        Exchange ex = p.exchange;
        if (ex.future.awaited() && ex.progress == null && !peer.needsAnotherRound(result)) {
            // A blocking caller and nothing else waits on this future, and no progress notification can still be
            // queued for it: decode and complete it here, on the guest thread, which only unparks the caller
            // (no user code runs). Saves a thread handoff per call.
            completeNow(p, result);
            return;
        }
        if (ex.progress != null) {
            // Through the lane that delivers progress notifications, so that every notification the server sent
            // before its result reaches the listener before the call completes.
            lane.execute(() -> completeNow(p, result));
            return;
        }
        runOnExecutor(() -> completeNow(p, result));
    }

    private void completeNow(Pending p, JsonNode result) {
        Exchange ex = p.exchange;
        Object value;
        try {
            if (peer.needsAnotherRound(result)) {
                peer.nextRound(p, result);
                return;
            }
            value = ex.decoder.apply(result);
        } catch (Codec.BadShapeException e) {
            ex.future.fail(new ProtocolException(serverName, "malformed " + ex.method + " result: "
                    + e.getMessage()));
            return;
        } catch (RuntimeException e) {
            ex.future.fail(e);
            return;
        }
        ex.future.succeed(value);
    }

    private void deliverFailure(Pending p, Throwable t) {
        runOnExecutor(() -> p.exchange.future.fail(t));
    }

    // ------------------------------------------------------------------------------------------ threads

    /** Runs {@code r} on the event executor (user code may run there). */
    void runOnExecutor(Runnable r) {
        try {
            executor.execute(r);
        } catch (RejectedExecutionException e) {
            LOG.debug("event executor of MCP server '{}' rejected a task; running it on a helper thread", serverName);
            runDetached(r);
        }
    }

    /** Runs {@code r} on the event executor after every task given here before it, one at a time. */
    void inOrder(Runnable r) {
        lane.execute(r);
    }

    /**
     * Like {@link #inOrder}, for events a guest may send at any rate: refused when {@link #MAX_QUEUED_EVENTS}
     * tasks already wait.
     *
     * @return false when {@code r} was dropped
     */
    boolean inOrderIfRoom(Runnable r) {
        return lane.offer(r, MAX_QUEUED_EVENTS);
    }

    /** The event executor is shut down (its runtime closed): a late completion still runs, off the caller. */
    private static void runDetached(Runnable r) {
        AFTER_CLOSE.newThread(r).start();
    }

    /**
     * Waits for a future the session created. The future enforces the deadline itself; the wait here is a safety
     * net ({@link CallTimeoutException} if it ever fires). Unwraps the failure. An interrupt of the waiting thread
     * cancels the call, keeps the interrupt flag and throws {@link CallCancelledException}, as an interrupt while the
     * server starts does.
     */
    <T> T await(CompletableFuture<T> f, Duration timeout) {
        CallFuture<?> call = f instanceof CallFuture<?> cf ? cf : null;
        if (call != null) {
            call.markAwaited(); // only this thread waits on it: its result may be delivered without a thread hop
        }
        try {
            if (call != null && call.callerTimed()) {
                try {
                    return f.get(Math.max(0L, call.deadline() - System.nanoTime()), TimeUnit.NANOSECONDS);
                } catch (TimeoutException e) {
                    onTimeout(call.currentId()); // what the timer task does for other requests
                }
                return f.get(5_000L, TimeUnit.MILLISECONDS);
            }
            return f.get(timeout.toMillis() + 5_000L, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw unwrap(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            f.cancel(true);
            throw cancelledByInterrupt(f, e);
        } catch (TimeoutException e) {
            f.cancel(true);
            CallTimeoutException t = call != null
                    ? new CallTimeoutException(serverName, call.method(), call.currentId(), timeout)
                    : new CallTimeoutException(serverName, "request", -1, timeout);
            t.initCause(e);
            throw t;
        }
    }

    /** The call's own cancellation (it names the request) when the cancel produced one, else a new one. */
    private CallCancelledException cancelledByInterrupt(CompletableFuture<?> f, InterruptedException interrupt) {
        try {
            f.getNow(null);
        } catch (CompletionException | CancellationException e) {
            if (e.getCause() instanceof CallCancelledException c) {
                return c;
            }
        }
        return new CallCancelledException(serverName, "interrupted while waiting for MCP server '" + serverName
                + "'", interrupt);
    }

    private static RuntimeException unwrap(Throwable t) {
        if (t instanceof RuntimeException) {
            return (RuntimeException) t;
        }
        if (t instanceof Error) {
            throw (Error) t;
        }
        // The session fails its futures with unchecked exceptions only; a checked one is a bug here.
        return new IllegalStateException("unexpected checked failure: " + t, t);
    }

    /** One logical request: its rounds (a multi round-trip request sends one per round) share its deadline. */
    static final class Exchange {
        final String method;
        final Duration timeout;
        final long deadline;
        final ProgressListener progress;
        final CallFuture<Object> future;
        final Function<JsonNode, Object> decoder;
        final boolean reportTimeout;

        Exchange(String method, Duration timeout, long deadline, ProgressListener progress,
                CallFuture<Object> future, Function<JsonNode, Object> decoder, boolean reportTimeout) {
            this.method = method;
            this.timeout = timeout;
            this.deadline = deadline;
            this.progress = progress;
            this.future = future;
            this.decoder = decoder;
            this.reportTimeout = reportTimeout;
        }
    }

    /** One round of an exchange, sent under {@link #id} and awaiting its response. */
    static final class Pending {
        final long id;
        final Exchange exchange;
        /** The params of this round as the layer above gave them (before {@link Peer#stamp}). */
        final ObjectNode params;
        final int round;
        volatile ScheduledFuture<?> timer;

        Pending(long id, Exchange exchange, ObjectNode params, int round) {
            this.id = id;
            this.exchange = exchange;
            this.params = params;
            this.round = round;
        }

        void cancelTimer() {
            ScheduledFuture<?> t = timer;
            if (t != null) {
                t.cancel(false);
            }
        }
    }
}
