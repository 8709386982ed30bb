package io.mcpwasm;

import io.mcpwasm.FailureKind;
import io.mcpwasm.internal.GuestProcess;
import io.mcpwasm.internal.InputWatch;
import io.mcpwasm.internal.protocol.McpSession;
import io.mcpwasm.wasi.Grants;
import io.mcpwasm.wasi.HostPolicy;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running MCP server: one isolated instance of a {@link McpModule}, with the capabilities granted when it
 * started. Its tools, resources and prompts are used through blocking methods with deadlines, or
 * {@link #callAsync} for many calls in flight; every method is thread-safe and fine to call from virtual threads.
 *
 * <p>Threading: the guest runs on its own platform thread, which nothing else touches. Listeners and host handlers
 * run on the runtime's event threads, never on the guest's, so they may call back into the server.
 *
 * <p>Faults: a trap, an exit, stack exhaustion, memory growth past the cap, malformed traffic from the guest or a
 * response to an unknown id moves the server to {@link ServerState#FAILED} (or {@link ServerState#RESTARTING}
 * when automatic restart is on); every pending call then fails with a {@link ServerFailedException} naming the
 * cause. Other servers are not affected. A call that outlives its timeout fails with {@link CallTimeoutException};
 * if the guest then stays busy past {@link ServerOptions#unresponsiveGrace()} its thread is interrupted and the
 * server restarted. So is a guest that leaves its input unread for longer than its call timeout (one that sleeps
 * or waits for something else while requests queue). Input queued for a guest is bounded
 * ({@link ServerOptions#maxQueuedInputBytes()}); past it a call fails at once with {@link InputQueueFullException}.
 */
public final class McpServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(McpServer.class);

    private final McpModule module;
    private final McpRuntime runtime;
    private final Grants grants;
    /** {@link #grants} without secret values: what {@link #grants()} hands out. */
    private final Grants grantsReport;
    private final ServerOptions options;
    private final String name;
    private final Object lock = new Object();

    // guarded by lock
    private Generation current;
    private ServerState state = ServerState.STARTING;
    private ServerFailedException failure;
    private String failureDetail;
    private Duration nextBackoff;
    private int generations;

    /** One started instance and its MCP session; a restart makes a new one. */
    private static final class Generation {
        final int number;
        boolean failed; // guarded by the server's lock
        GuestProcess process;
        McpSession session;
        volatile ServerInfo info;
        volatile InputWatch inputWatch;

        Generation(int number) {
            this.number = number;
        }
    }

    private McpServer(McpModule module, Grants grants, ServerOptions options) {
        this.module = module;
        this.runtime = module.runtime();
        this.grants = grants;
        this.grantsReport = grants.withoutSecretValues();
        this.options = options;
        this.name = module.name();
        this.nextBackoff = options.restartBackoff();
    }

    static McpServer start(McpModule module, HostPolicy policy, ServerOptions options) {
        Grants grants = module.grants(policy);
        McpServer server = new McpServer(module, grants, options);
        module.runtime().register(server);
        try {
            server.launch();
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
        return server;
    }

    /** The server's name (from its manifest). */
    public String name() {
        return name;
    }

    /** What the server said about itself in the handshake (version, capabilities, instructions). */
    public ServerInfo info() {
        return ready().info;
    }

    /**
     * The capabilities this server was granted: manifest ∩ host policy, as a report without secret values
     * ({@link Grants#withoutSecretValues()}): code holding a server can see what it may use, not read its secrets.
     */
    public Grants grants() {
        return grantsReport;
    }

    public ServerState state() {
        synchronized (lock) {
            return state;
        }
    }

    /** Why the server last failed, if it did. */
    public Optional<ServerFailedException> failure() {
        synchronized (lock) {
            return Optional.ofNullable(failure);
        }
    }

    /** The server's tools, every page; cached and refreshed when the server says its list changed. */
    public List<Tool> tools() {
        return ready().session.tools();
    }

    /** Calls a tool and waits for its result, up to the call timeout. A tool error is a result with {@code isError}. */
    public ToolResult call(String tool, Map<String, ?> arguments) {
        return call(tool, arguments, CallOptions.defaults());
    }

    public ToolResult call(String tool, Map<String, ?> arguments, CallOptions callOptions) {
        return ready().session.call(tool, arguments, withDefaultTimeout(callOptions));
    }

    /**
     * Calls a tool without waiting. Cancelling the future sends {@code notifications/cancelled} to the server and
     * fails it with {@link CallCancelledException}.
     */
    public CompletableFuture<ToolResult> callAsync(String tool, Map<String, ?> arguments, CallOptions callOptions) {
        return ready().session.callAsync(tool, arguments, withDefaultTimeout(callOptions));
    }

    public CompletableFuture<ToolResult> callAsync(String tool, Map<String, ?> arguments) {
        return callAsync(tool, arguments, CallOptions.defaults());
    }

    public List<Resource> resources() {
        return ready().session.resources();
    }

    public List<ResourceTemplate> resourceTemplates() {
        return ready().session.resourceTemplates();
    }

    public List<ResourceContents> read(String uri) {
        return ready().session.read(uri);
    }

    public List<Prompt> prompts() {
        return ready().session.prompts();
    }

    public PromptResult prompt(String prompt, Map<String, String> arguments) {
        return ready().session.prompt(prompt, arguments);
    }

    /**
     * Checks that the server answers, on every protocol revision: {@code ping} on the handshake revisions,
     * {@code server/discover} on 2026-07-28 (which has no {@code ping}).
     */
    public void ping() {
        ready().session.ping();
    }

    /**
     * Sets the least severe level of the log messages the server sends (they go to the logger
     * {@code mcpwasm.server.<name>}). On 2026-07-28 the level rides in every later request instead of a
     * {@code logging/setLevel} request. A restarted server starts again at its own default level.
     */
    public void setLogLevel(LogLevel level) {
        ready().session.setLogLevel(level);
    }

    /**
     * Suggested values for an argument of a prompt or resource template ({@code completion/complete}).
     *
     * @param ref the prompt or resource template
     * @param argument the argument's name
     * @param value what was typed so far
     * @param context values of the arguments already given, or {@code null}
     */
    public Completion complete(CompletionReference ref, String argument, String value, Map<String, String> context) {
        return ready().session.complete(ref, argument, value, context);
    }

    /**
     * Subscribes to a resource: {@link ServerListener#resourceUpdated} is told when the server reports it changed.
     * Returns once the server accepted; throws {@link McpErrorException} when it refuses. A restarted server
     * starts without subscriptions.
     */
    public void subscribe(String uri) {
        ready().session.subscribe(uri);
    }

    /** Ends a subscription made with {@link #subscribe}. */
    public void unsubscribe(String uri) {
        ready().session.unsubscribe(uri);
    }

    /**
     * Closes the server: closes the guest's stdin (an MCP server exits on EOF), waits up to the close grace, then
     * interrupts the guest. Pending calls fail. Idempotent.
     */
    @Override
    public void close() {
        Generation g;
        synchronized (lock) {
            if (state == ServerState.CLOSED) {
                return;
            }
            state = ServerState.CLOSED;
            g = current;
            lock.notifyAll();
        }
        runtime.unregister(this);
        if (g != null) {
            stopWatchingInput(g);
        }
        if (g != null && g.process != null) {
            g.process.stop(options.closeGrace());
            g.process.releaseInput(); // even if the guest was left to end: what it did not read is dropped now
            if (g.session != null) {
                g.session.fail(new ServerFailedException(name, FailureKind.CLOSED, "closed", null));
            }
        }
    }

    @Override
    public String toString() {
        return "McpServer[" + name + ", " + state() + "]";
    }

    // ---------------------------------------------------------------------------------------------------------

    private CallOptions withDefaultTimeout(CallOptions o) {
        Objects.requireNonNull(o, "callOptions");
        return o.timeout() != null ? o : o.withTimeout(grants.limits().callTimeout());
    }

    private Generation ready() {
        long deadline = System.nanoTime() + options.startTimeout().toNanos();
        synchronized (lock) {
            while (state == ServerState.STARTING || state == ServerState.RESTARTING) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new ServerFailedException(name, FailureKind.START_FAILED,
                            "did not become ready within " + options.startTimeout(), failure);
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(lock, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new CallCancelledException(name, "interrupted while waiting for server '" + name
                            + "' to start", e);
                }
            }
            if (state == ServerState.READY) {
                return current;
            }
            if (state == ServerState.CLOSED) {
                throw new ServerFailedException(name, FailureKind.CLOSED, "closed", null);
            }
            throw new ServerFailedException(name, failure.kind(), "is not running: " + failureDetail, failure);
        }
    }

    /** Starts a new generation and waits for its handshake; on failure records it and throws. */
    private void launch() {
        Generation g;
        synchronized (lock) {
            if (state == ServerState.CLOSED) {
                return;
            }
            g = new Generation(++generations);
            current = g;
        }
        Generation gen = g;
        var limits = grants.limits();
        McpSession session = McpSession.builder(name)
                .sender(bytes -> gen.process.send(bytes))
                .failureHandler((kind, message, cause) -> {
                    failGeneration(gen, kind, message, cause);
                    gen.process.abort(kind, message, cause);
                })
                .maxMessageBytes((int) Math.min(Integer.MAX_VALUE, limits.maxMessageBytes()))
                .defaultTimeout(limits.callTimeout())
                .eventExecutor(runtime.events())
                .scheduler(runtime.timer())
                .timeoutListener(requestId -> watchForUnresponsive(gen))
                .rootsHandler(options.rootsHandler())
                .samplingHandler(options.samplingHandler())
                .elicitationHandler(options.elicitationHandler())
                .protocolVersions(options.protocolVersions())
                .listeners(options.listeners())
                .build();
        gen.session = session;
        gen.process = module.newProcess(grants, options, (b, off, len) -> session.onMessage(b, off, len),
                exit -> onExit(gen, exit));
        gen.process.start();
        try {
            gen.info = session.initialize(options.startTimeout());
        } catch (RuntimeException e) {
            ServerFailedException f = e instanceof ServerFailedException s ? s
                    : new ServerFailedException(name, FailureKind.START_FAILED,
                    "failed its MCP handshake: " + e.getMessage() + (e instanceof CallTimeoutException
                    ? " (ServerOptions.startTimeout; no other handshake was sent, the guest may still answer)"
                    : ""), e);
            gen.process.abort(f.kind(), f.getMessage(), e);
            synchronized (lock) {
                gen.failed = true; // the caller (start or restart) decides what happens next
                if (current == gen && state != ServerState.CLOSED) {
                    failure = f;
                    failureDetail = f.getMessage();
                    state = ServerState.FAILED;
                    lock.notifyAll();
                }
            }
            throw f;
        }
        synchronized (lock) {
            if (current == gen && state != ServerState.CLOSED) {
                state = ServerState.READY;
                nextBackoff = options.restartBackoff();
                lock.notifyAll();
            }
        }
        LOG.info("server '{}' ready (protocol {}, instance {})", name, gen.info.protocolVersion(), gen.number);
        watchInput(gen);
    }

    /**
     * While the generation is current: a guest whose queued input has waited unread for longer than the call
     * timeout is unresponsive (it may be sleeping or waiting on a clock, where the busy check cannot see it).
     */
    private void watchInput(Generation gen) {
        gen.inputWatch = InputWatch.start(name, runtime.timer(), gen.process, grants.limits().callTimeout(), () -> {
            synchronized (lock) {
                return gen == current && !gen.failed && state != ServerState.CLOSED;
            }
        });
    }

    /**
     * Ends a generation's input watch at once, so that a closed or failed generation is not held by the timer
     * until the watch's next run.
     */
    private static void stopWatchingInput(Generation gen) {
        InputWatch w = gen.inputWatch;
        if (w != null) {
            w.stop();
        }
    }

    /** @return the bytes queued for the current guest and not yet read by it (for tests) */
    long queuedInputBytes() {
        Generation g;
        synchronized (lock) {
            g = current;
        }
        return g == null || g.process == null ? 0 : g.process.queuedInputBytes();
    }

    /** Called once on the guest thread when a generation's guest has stopped. */
    private void onExit(Generation gen, GuestProcess.Exit exit) {
        if (exit.clean()) {
            failGeneration(gen, FailureKind.EXIT, "exited", null);
        } else {
            failGeneration(gen, exit.kind(), exit.message(), exit.cause());
        }
    }

    /**
     * Records that a generation failed (once; the first cause wins), fails its pending calls and restarts it when
     * the options say so or when it was unresponsive. Called from the guest thread (exit, protocol fault).
     */
    private void failGeneration(Generation gen, FailureKind kind, String message, Throwable cause) {
        boolean restart;
        ServerFailedException f;
        synchronized (lock) {
            if (gen.failed) {
                return;
            }
            gen.failed = true;
            stopWatchingInput(gen);
            if (gen != current || state == ServerState.CLOSED) {
                f = null;
                restart = false;
            } else {
                f = new ServerFailedException(name, kind, message, cause);
                failure = f;
                failureDetail = message;
                restart = options.autoRestart() || kind == FailureKind.UNRESPONSIVE;
                state = restart ? ServerState.RESTARTING : ServerState.FAILED;
                lock.notifyAll();
            }
        }
        if (f == null) {
            if (gen.session != null) {
                gen.session.fail(new ServerFailedException(name, FailureKind.CLOSED, "closed", null));
            }
            return;
        }
        LOG.warn("{}{}", f.getMessage(), restart ? "; restarting" : "");
        gen.session.fail(f);
        if (restart) {
            scheduleRestart();
        }
    }

    private void scheduleRestart() {
        Duration delay;
        synchronized (lock) {
            delay = nextBackoff;
            Duration doubled = nextBackoff.multipliedBy(2);
            nextBackoff = doubled.compareTo(options.maxRestartBackoff()) > 0 ? options.maxRestartBackoff() : doubled;
        }
        runtime.timer().schedule(() -> runtime.events().execute(this::restartNow),
                delay.toNanos(), TimeUnit.NANOSECONDS);
    }

    private void restartNow() {
        try {
            launch();
        } catch (RuntimeException e) {
            boolean again;
            synchronized (lock) {
                again = options.autoRestart() && state != ServerState.CLOSED;
                if (again) {
                    state = ServerState.RESTARTING;
                }
            }
            if (again) {
                scheduleRestart();
            }
        }
    }

    /** After a timeout: if the guest stays busy through the grace period, interrupt it (then it is restarted). */
    private void watchForUnresponsive(Generation gen) {
        long graceNanos = options.unresponsiveGrace().toNanos();
        long step = Math.max(1, graceNanos / 8);
        long[] elapsed = {0};
        Runnable[] check = new Runnable[1];
        check[0] = () -> {
            synchronized (lock) {
                if (gen != current || state != ServerState.READY) {
                    return;
                }
            }
            if (!gen.process.busy()) {
                return; // it went back to waiting for input: responsive
            }
            elapsed[0] += step;
            if (elapsed[0] >= graceNanos) {
                gen.process.abort(FailureKind.UNRESPONSIVE, "stayed busy for "
                        + options.unresponsiveGrace().toMillis() + " ms after a call timed out", null);
            } else {
                runtime.timer().schedule(check[0], step, TimeUnit.NANOSECONDS);
            }
        };
        runtime.timer().schedule(check[0], step, TimeUnit.NANOSECONDS);
    }
}
