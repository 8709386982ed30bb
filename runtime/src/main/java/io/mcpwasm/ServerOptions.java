package io.mcpwasm;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * How a server is run, apart from its capabilities (those come from the manifest and the
 * {@link io.mcpwasm.wasi.HostPolicy}). Immutable; build with {@link #builder()}.
 *
 * <p>Defaults: no automatic restart (a failed server stays {@link ServerState#FAILED}); restart backoff 200 ms
 * doubling to 30 s; an unresponsive guest (busy past {@code unresponsiveGrace} after a call timed out or was
 * cancelled) is interrupted and restarted whatever the restart setting, because it can serve nothing else;
 * grace 2 s; close grace 2 s; start timeout 30 s; at most {@value #DEFAULT_MAX_QUEUED_INPUT_BYTES} bytes
 * (16 MiB) of input queued for the guest and not yet read by it; no listeners; no host handlers, so roots, sampling
 * and elicitation requests from the server are answered with a JSON-RPC error.
 *
 * <p>A guest that leaves its input unread for longer than its call timeout is unresponsive just like one that
 * stays busy: it is interrupted and restarted.
 */
public final class ServerOptions {
    /** The default of {@link Builder#maxQueuedInputBytes(long)}: 16 MiB. */
    public static final long DEFAULT_MAX_QUEUED_INPUT_BYTES = 16L << 20;

    private final boolean autoRestart;
    private final Duration restartBackoff;
    private final Duration maxRestartBackoff;
    private final Duration unresponsiveGrace;
    private final Duration closeGrace;
    private final Duration startTimeout;
    private final long maxQueuedInputBytes;
    private final List<ServerListener> listeners;
    private final RootsHandler rootsHandler;
    private final SamplingHandler samplingHandler;
    private final ElicitationHandler elicitationHandler;

    private ServerOptions(Builder b) {
        this.autoRestart = b.autoRestart;
        this.restartBackoff = b.restartBackoff;
        this.maxRestartBackoff = b.maxRestartBackoff;
        this.unresponsiveGrace = b.unresponsiveGrace;
        this.closeGrace = b.closeGrace;
        this.startTimeout = b.startTimeout;
        this.maxQueuedInputBytes = b.maxQueuedInputBytes;
        this.listeners = List.copyOf(b.listeners);
        this.rootsHandler = b.rootsHandler;
        this.samplingHandler = b.samplingHandler;
        this.elicitationHandler = b.elicitationHandler;
    }

    /** The defaults listed in the class comment. */
    public static ServerOptions defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public boolean autoRestart() { return autoRestart; }
    public Duration restartBackoff() { return restartBackoff; }
    public Duration maxRestartBackoff() { return maxRestartBackoff; }
    public Duration unresponsiveGrace() { return unresponsiveGrace; }
    public Duration closeGrace() { return closeGrace; }
    public Duration startTimeout() { return startTimeout; }
    /** The most input bytes queued for the guest and not yet read; see {@link Builder#maxQueuedInputBytes}. */
    public long maxQueuedInputBytes() { return maxQueuedInputBytes; }
    public List<ServerListener> listeners() { return listeners; }
    public RootsHandler rootsHandler() { return rootsHandler; }
    public SamplingHandler samplingHandler() { return samplingHandler; }
    public ElicitationHandler elicitationHandler() { return elicitationHandler; }

    /** Builds {@link ServerOptions}; every setter fails fast on a bad value. */
    public static final class Builder {
        private boolean autoRestart;
        private Duration restartBackoff = Duration.ofMillis(200);
        private Duration maxRestartBackoff = Duration.ofSeconds(30);
        private Duration unresponsiveGrace = Duration.ofSeconds(2);
        private Duration closeGrace = Duration.ofSeconds(2);
        private Duration startTimeout = Duration.ofSeconds(30);
        private long maxQueuedInputBytes = DEFAULT_MAX_QUEUED_INPUT_BYTES;
        private final List<ServerListener> listeners = new ArrayList<>();
        private RootsHandler rootsHandler;
        private SamplingHandler samplingHandler;
        private ElicitationHandler elicitationHandler;

        private Builder() {}

        /** Restart a failed guest automatically, waiting {@code initial} and doubling up to {@code max}. */
        public Builder autoRestart(Duration initial, Duration max) {
            this.autoRestart = true;
            this.restartBackoff = positive(initial, "initial");
            this.maxRestartBackoff = positive(max, "max");
            if (max.compareTo(initial) < 0) {
                throw new IllegalArgumentException("max restart backoff " + max + " is below initial " + initial);
            }
            return this;
        }

        /** How long a guest may stay busy after a call timed out or was cancelled before it is interrupted. */
        public Builder unresponsiveGrace(Duration grace) {
            this.unresponsiveGrace = positive(grace, "unresponsiveGrace");
            return this;
        }

        /** How long {@link McpServer#close()} waits for the guest to exit after its stdin is closed. */
        public Builder closeGrace(Duration grace) {
            this.closeGrace = positive(grace, "closeGrace");
            return this;
        }

        /** The most that starting (instantiating and the MCP handshake) may take. */
        public Builder startTimeout(Duration timeout) {
            this.startTimeout = positive(timeout, "startTimeout");
            return this;
        }

        /**
         * The most bytes of input (requests, notifications, answers) queued for the guest and not yet read by it.
         * A call whose request would queue more fails at once with {@link InputQueueFullException} instead of
         * waiting behind a guest that does not read. Default {@value ServerOptions#DEFAULT_MAX_QUEUED_INPUT_BYTES}.
         */
        public Builder maxQueuedInputBytes(long bytes) {
            if (bytes <= 0) {
                throw new IllegalArgumentException("maxQueuedInputBytes must be positive, was " + bytes);
            }
            this.maxQueuedInputBytes = bytes;
            return this;
        }

        public Builder listener(ServerListener listener) {
            listeners.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        /** Answers the server's {@code roots/list} requests; without it they get a JSON-RPC error. */
        public Builder rootsHandler(RootsHandler handler) {
            this.rootsHandler = Objects.requireNonNull(handler, "rootsHandler");
            return this;
        }

        /** Answers the server's {@code sampling/createMessage} requests; without it they get a JSON-RPC error. */
        public Builder samplingHandler(SamplingHandler handler) {
            this.samplingHandler = Objects.requireNonNull(handler, "samplingHandler");
            return this;
        }

        /** Answers the server's {@code elicitation/create} requests; without it they get a JSON-RPC error. */
        public Builder elicitationHandler(ElicitationHandler handler) {
            this.elicitationHandler = Objects.requireNonNull(handler, "elicitationHandler");
            return this;
        }

        public ServerOptions build() {
            return new ServerOptions(this);
        }

        private static Duration positive(Duration d, String what) {
            Objects.requireNonNull(d, what);
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(what + " must be positive, was " + d);
            }
            return d;
        }
    }
}
