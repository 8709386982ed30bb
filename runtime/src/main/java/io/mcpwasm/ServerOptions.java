package io.mcpwasm;

import java.time.Duration;
import io.mcpwasm.internal.protocol.McpSession;
import java.util.ArrayList;
import java.util.Arrays;
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
 * (16 MiB) of input queued for the guest and not yet read by it; no listeners; no host handlers, so roots,
 * sampling and elicitation requests from the server are answered with a JSON-RPC error; protocol revisions
 * {@link #DEFAULT_PROTOCOL_VERSIONS}.
 *
 * <p>A guest that leaves its input unread for longer than its call timeout is unresponsive just like one that
 * stays busy: it is interrupted and restarted.
 */
public final class ServerOptions {
    /** Every MCP protocol revision this runtime speaks, newest first. */
    public static final List<String> SUPPORTED_PROTOCOL_VERSIONS = List.of("2026-07-28", "2025-11-25",
            "2025-06-18", "2025-03-26", "2024-11-05");

    /**
     * The default preference: the {@code initialize} handshake requesting 2025-11-25 (and accepting the older
     * handshake revisions a server may answer with), then 2026-07-28 for a server that refuses {@code initialize}.
     *
     * <p>Why the handshake first: it is what makes unchanged servers work. Every MCP server of today speaks it;
     * and the SDKs' request-style APIs for sampling, elicitation, roots and ping (go-sdk v1.8.0
     * {@code CreateMessage}, {@code Elicit}, {@code ListRoots}, {@code Ping}, used by its own everything example)
     * refuse to run on 2026-07-28, where a server must return input requests instead. A server written for
     * 2026-07-28 gets it by listing it first ({@code protocolVersions("2026-07-28", "2025-11-25")}) or alone.
     */
    public static final List<String> DEFAULT_PROTOCOL_VERSIONS = List.of("2025-11-25", "2025-06-18",
            "2025-03-26", "2024-11-05", "2026-07-28");
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
    private final List<String> protocolVersions;
    private final List<String> args;
    private final boolean argsGiven;

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
        this.protocolVersions = b.protocolVersions;
        this.args = List.copyOf(b.args);
        this.argsGiven = b.argsGiven;
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
    /** The protocol revisions accepted, most wanted first; see {@link Builder#protocolVersions(String...)}. */
    public List<String> protocolVersions() { return protocolVersions; }
    /**
     * The guest's command-line arguments after argv[0], which is always the server's name, as set with
     * {@link Builder#args(String...)}; default none, and then the manifest's {@code "args"} are used.
     */
    public List<String> args() { return args; }

    /** The arguments the guest gets: these options' when they were set (even to none), else the manifest's. */
    List<String> argsOr(List<String> manifestArgs) {
        return argsGiven ? args : manifestArgs;
    }

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
        private List<String> protocolVersions = DEFAULT_PROTOCOL_VERSIONS;
        private final List<String> args = new ArrayList<>();
        private boolean argsGiven;

        private Builder() {}

        /**
         * The guest's command-line arguments, as {@code args_get} gives them after argv[0] (the server's name),
         * e.g. {@code args("-memory", "/data/memory.json")}. Replaces earlier ones, and the manifest's
         * {@code "args"} (calling it with none gives the guest no arguments even when the manifest has some).
         * Each must be free of NUL.
         */
        public Builder args(String... arguments) {
            return args(List.of(arguments));
        }

        /** Like {@link #args(String...)}. */
        public Builder args(List<String> arguments) {
            Objects.requireNonNull(arguments, "args");
            for (int i = 0; i < arguments.size(); i++) {
                String a = arguments.get(i);
                if (a == null || a.indexOf('\0') >= 0) {
                    throw new IllegalArgumentException("args[" + i + "] must be non-null and contain no NUL");
                }
            }
            args.clear();
            args.addAll(arguments);
            argsGiven = true;
            return this;
        }

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

        /**
         * The most that starting (instantiating and the MCP set-up) may take. A guest that does not answer its
         * set-up request within it fails to start ({@link FailureKind#START_FAILED}); no second handshake is sent
         * to a guest that may still answer the first, so on a slow or loaded machine raise this rather than
         * expecting a retry.
         */
        public Builder startTimeout(Duration timeout) {
            this.startTimeout = positive(timeout, "startTimeout");
            return this;
        }

        /**
         * The protocol revisions to accept, most wanted first (default {@link #DEFAULT_PROTOCOL_VERSIONS}). The
         * handshake revisions (2025-11-25 and older) are one set-up step, {@code initialize} requesting the first
         * of them listed; 2026-07-28 is the other, {@code server/discover}. The step named first is tried first;
         * the other follows only when the server answered the first with a refusal. {@code protocolVersions(
         * "2026-07-28")} speaks only the stateless revision; {@code protocolVersions("2025-11-25")} only 2025-11-25.
         *
         * @throws IllegalArgumentException when the list is empty, repeats a revision or names one not in
         *     {@link #SUPPORTED_PROTOCOL_VERSIONS}
         */
        public Builder protocolVersions(String... versions) {
            this.protocolVersions = McpSession.checkProtocolVersions(
                    Arrays.asList(Objects.requireNonNull(versions, "versions")));
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
