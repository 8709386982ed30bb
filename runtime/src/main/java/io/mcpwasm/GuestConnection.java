package io.mcpwasm;

import io.mcpwasm.FailureKind;
import io.mcpwasm.internal.GuestProcess;
import io.mcpwasm.internal.InputWatch;
import io.mcpwasm.internal.protocol.SerialLane;
import io.mcpwasm.wasi.Grants;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * A raw line connection to a running guest, for hosts that speak MCP themselves (such as the official MCP Java
 * SDK through an adapter): the host sends JSON-RPC messages and receives every line the guest writes, in order.
 * No MCP logic runs here; the sandbox, limits and fault handling are the same as for {@link McpServer}: a guest
 * that leaves its input unread for longer than its call timeout is unresponsive, and the connection is closed
 * with a {@link ServerFailedException} of kind {@link FailureKind#UNRESPONSIVE}.
 * Obtain one from {@link McpModule#connect}.
 *
 * <p>Threading: {@link #send} is thread-safe and never blocks. Inbound messages and the final close notice are
 * delivered one at a time, in order, on the runtime's event threads (never on the guest's thread).
 */
public final class GuestConnection implements AutoCloseable {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(GuestConnection.class);
    private final String name;
    private final GuestProcess process;
    private final SerialLane inbound;
    private final Duration closeGrace;
    private final McpRuntime runtime;
    private volatile InputWatch inputWatch;
    private volatile boolean closed;

    private GuestConnection(String name, GuestProcess process, SerialLane inbound, Duration closeGrace,
                            McpRuntime runtime) {
        this.runtime = runtime;
        this.name = name;
        this.process = process;
        this.inbound = inbound;
        this.closeGrace = closeGrace;
    }

    static GuestConnection open(McpModule module, Grants grants, ServerOptions options, Consumer<String> onMessage,
                                Consumer<ServerFailedException> onClosed) {
        McpRuntime runtime = module.runtime();
        // A closed runtime refuses the drain: nobody is left to tell.
        SerialLane inbound = new SerialLane(runtime.events(), drain -> { });
        InputWatch[] watch = new InputWatch[1];
        GuestProcess process = module.newProcess(grants, options,
                (b, off, len) -> {
                    String line = new String(b, off, len, StandardCharsets.UTF_8);
                    inbound.execute(() -> deliver(() -> onMessage.accept(line)));
                },
                exit -> {
                    InputWatch w = watch[0];
                    if (w != null) {
                        w.stop();
                    }
                    ServerFailedException f = exit.clean() ? null
                            : new ServerFailedException(module.name(), exit.kind(), exit.message(), exit.cause());
                    inbound.execute(() -> deliver(() -> onClosed.accept(f)));
                });
        GuestConnection c = new GuestConnection(module.name(), process, inbound, options.closeGrace(), runtime);
        runtime.register(c);
        process.start();
        // input left unread past the call timeout: the guest is unresponsive, and the connection closes with that
        c.inputWatch = InputWatch.start(module.name(), runtime.timer(), process, grants.limits().callTimeout(),
                () -> !c.closed && process.isAlive());
        watch[0] = c.inputWatch;
        return c;
    }

    /** The server's name. */
    public String name() {
        return name;
    }

    /**
     * Sends one JSON-RPC message; it must not contain a newline (JSON text never needs one).
     *
     * @throws InputQueueFullException when the guest's unread input would exceed
     *     {@link ServerOptions#maxQueuedInputBytes()}
     */
    public void send(String jsonMessage) {
        Objects.requireNonNull(jsonMessage, "jsonMessage");
        if (jsonMessage.indexOf('\n') >= 0) {
            throw new IllegalArgumentException("a stdio MCP message must not contain a newline");
        }
        if (closed) {
            throw new ServerFailedException(name, FailureKind.CLOSED, "connection to '" + name + "' is closed", null);
        }
        byte[] bytes = (jsonMessage + "\n").getBytes(StandardCharsets.UTF_8);
        process.send(bytes);
    }

    /** True until the guest has stopped. */
    public boolean isOpen() {
        return process.isAlive() && !closed;
    }

    /** Closes stdin, waits up to the close grace for the guest to exit, then interrupts it. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        InputWatch w = inputWatch;
        if (w != null) {
            w.stop();
        }
        runtime.unregister(this);
        process.stop(closeGrace);
    }

    @Override
    public String toString() {
        return "GuestConnection[" + name + (closed ? ", closed" : "") + "]";
    }

    /** Runs one user handler; what it throws is logged, so that the lane keeps delivering. */
    private static void deliver(Runnable handler) {
        try {
            handler.run();
        } catch (RuntimeException e) {
            LOG.warn("inbound handler failed", e);
        }
    }
}
