package io.mcpwasm.integrations.mcpsdk;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.mcpwasm.FailureKind;
import io.mcpwasm.GuestConnection;
import io.mcpwasm.McpModule;
import io.mcpwasm.ServerFailedException;
import io.mcpwasm.wasi.HostPolicy;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.TypeRef;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.spec.McpClientTransport;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.JSONRPCMessage;
import io.modelcontextprotocol.spec.McpSchema.JSONRPCRequest;
import io.modelcontextprotocol.spec.McpSchema.JSONRPCResponse;
import io.modelcontextprotocol.spec.McpSchema.JSONRPCResponse.JSONRPCError;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;

/**
 * An {@link McpClientTransport} for the official MCP Java SDK that talks to an MCP server compiled to WebAssembly
 * and run in this JVM by mcpwasm, over the raw line connection of {@link McpModule#connect}. The SDK's clients
 * use it unchanged:
 *
 * <pre>{@code
 * McpModule module = runtime.load(Path.of("server.wasm"));
 * WasmMcpTransport transport = WasmMcpTransport.start(module, HostPolicy.builder().build());
 * try (McpSyncClient client = McpClient.sync(transport).build()) {
 *     client.initialize();
 *     ListToolsResult tools = client.listTools();
 *     CallToolResult r = client.callTool(new CallToolRequest("echo", Map.of("text", "hi")));
 * }
 * }</pre>
 *
 * <p><b>Lifecycle.</b> {@link #start} instantiates the guest at once, so a policy that refuses a required
 * capability, or a module that cannot start, fails there and then (the SDK would only log an error raised from
 * {@link #connect}). Lines the guest writes before the client connects are kept and delivered, in order, when
 * it does. One transport serves one MCP session, as one guest process does: a second {@link #connect} fails.
 * {@link #closeGracefully()} closes the guest's stdin, waits for it to exit (up to the runtime's close grace)
 * and stops it otherwise.
 *
 * <p><b>Messages.</b> Each line from the guest is parsed with the {@link McpJsonMapper} into a
 * {@link JSONRPCMessage} and passed to the handler given to {@link #connect}. The handler's own result is
 * not sent anywhere: the SDK's client session answers the server's requests itself through
 * {@link #sendMessage}. A line that is not a JSON-RPC message breaks the stdio protocol: the session fails
 * with {@link FailureKind#MALFORMED_MESSAGE} and the guest is stopped, as mcpwasm's own client does.
 *
 * <p><b>Failures.</b> When the guest fails (trap, exit, stack or memory exhaustion, protocol violation), every
 * request still waiting for an answer is answered with a JSON-RPC error ({@code -32603}) whose message is the
 * {@link ServerFailedException}'s message, which names the server, and whose data holds {@code server} and
 * {@code kind}; the SDK turns it into an {@link io.modelcontextprotocol.spec.McpError} thrown from the pending
 * call. Every later {@link #sendMessage} fails with the {@link ServerFailedException} itself, and the exception
 * handler set by the SDK ({@link #setExceptionHandler}) is told of it once.
 *
 * <p>Thread-safe. Inbound messages are delivered on mcpwasm's event threads (or, for lines that arrived before
 * the client connected, on the thread that connects), one at a time and in order.
 */
public final class WasmMcpTransport implements McpClientTransport {
    private static final Logger LOG = LoggerFactory.getLogger(WasmMcpTransport.class);
    private static final int MAX_LINE_IN_ERROR = 200;
    /** How long {@link #closeGracefully} waits for the stop notice once the guest connection has closed. */
    private static final Duration STOP_NOTICE_WAIT = Duration.ofSeconds(10);

    private final String serverName;
    private final McpJsonMapper jsonMapper;
    private final Sinks.Many<JSONRPCMessage> inbound = Sinks.many().unicast().onBackpressureBuffer();
    /** Completes once the runtime has told us the guest stopped and pending requests were answered. */
    private final Sinks.Empty<Void> stopped = Sinks.empty();
    /** Ids of the requests sent to the guest and not yet answered. */
    private final Map<Object, Boolean> pending = new ConcurrentHashMap<>();
    private final AtomicBoolean connected = new AtomicBoolean();
    private final Object stateLock = new Object();
    private volatile GuestConnection connection;
    private volatile ServerFailedException failure;
    private volatile boolean closing;
    private volatile Consumer<Throwable> exceptionHandler = t -> { };

    private WasmMcpTransport(String serverName, McpJsonMapper jsonMapper) {
        this.serverName = serverName;
        this.jsonMapper = jsonMapper;
    }

    /**
     * Starts an instance of the module under the policy and returns a transport over it, using a Jackson 2
     * {@link McpJsonMapper} with default settings (the SDK's own default).
     *
     * @throws io.mcpwasm.wasi.CapabilityDeniedException when the policy refuses a capability the module's manifest
     *         requires
     * @throws IllegalStateException when the module's runtime is closed
     */
    public static WasmMcpTransport start(McpModule module, HostPolicy policy) {
        return start(module, policy, new JacksonMcpJsonMapper(new ObjectMapper()));
    }

    /**
     * Starts an instance of the module under the policy and returns a transport over it that reads and writes
     * messages with the given mapper.
     *
     * @throws io.mcpwasm.wasi.CapabilityDeniedException when the policy refuses a capability the module's manifest
     *         requires
     * @throws IllegalStateException when the module's runtime is closed
     */
    public static WasmMcpTransport start(McpModule module, HostPolicy policy, McpJsonMapper jsonMapper) {
        Objects.requireNonNull(module, "module");
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(jsonMapper, "jsonMapper");
        WasmMcpTransport transport = new WasmMcpTransport(module.name(), jsonMapper);
        GuestConnection c = module.connect(policy, transport::onLine, transport::onClosed);
        transport.connection = c;
        if (transport.failure != null) {
            // The guest broke the protocol before we held its connection: stop it now.
            transport.closeInBackground();
        }
        LOG.debug("started MCP server '{}' for the MCP Java SDK", module.name());
        return transport;
    }

    /** The server's name, as the module (its manifest, or the name it was loaded under) gives it. */
    public String serverName() {
        return serverName;
    }

    /** Why the session ended, once the guest failed or the transport was closed; empty while it is usable. */
    public Optional<ServerFailedException> failure() {
        return Optional.ofNullable(failure);
    }

    /**
     * Subscribes the SDK's session to the guest's messages. The guest already runs (see {@link #start}); lines
     * it wrote before this call are delivered first.
     *
     * @return completes once the handler is subscribed; fails with {@link IllegalStateException} when this
     *         transport was already connected
     */
    @Override
    public Mono<Void> connect(Function<Mono<JSONRPCMessage>, Mono<JSONRPCMessage>> handler) {
        Objects.requireNonNull(handler, "handler");
        return Mono.defer(() -> {
            if (!connected.compareAndSet(false, true)) {
                return Mono.error(new IllegalStateException("the transport to MCP server '" + serverName
                        + "' is already connected; one guest serves one session, start a new transport"));
            }
            inbound.asFlux()
                    .flatMap(message -> Mono.defer(() -> handler.apply(Mono.just(message))).onErrorResume(e -> {
                        LOG.warn("MCP server '{}': the client failed to handle {}", serverName, message, e);
                        return Mono.empty();
                    }))
                    .subscribe(ignored -> { }, e -> LOG.error("MCP server '{}': inbound stream failed", serverName, e));
            return Mono.empty();
        });
    }

    /** The SDK's handler for transport failures; told once, with the {@link ServerFailedException}. */
    @Override
    public void setExceptionHandler(Consumer<Throwable> handler) {
        Objects.requireNonNull(handler, "handler");
        this.exceptionHandler = handler;
        ServerFailedException f = failure;
        if (f != null && !closing) {
            handler.accept(f);
        }
    }

    /**
     * Serializes the message and queues it on the guest's stdin; never blocks. Fails with the
     * {@link ServerFailedException} once the guest has failed or the transport was closed.
     */
    @Override
    public Mono<Void> sendMessage(JSONRPCMessage message) {
        Objects.requireNonNull(message, "message");
        return Mono.defer(() -> {
            ServerFailedException f = failure;
            if (f != null) {
                return Mono.error(f);
            }
            String json;
            try {
                json = toLine(jsonMapper.writeValueAsString(message));
            } catch (IOException | RuntimeException e) {
                return Mono.error(new IllegalArgumentException(
                        "cannot serialize a message for MCP server '" + serverName + "': " + e.getMessage(), e));
            }
            Object id = message instanceof JSONRPCRequest request ? request.id() : null;
            if (id != null) {
                pending.put(id, Boolean.TRUE);
            }
            try {
                connection.send(json);
            } catch (RuntimeException e) {
                if (id != null) {
                    pending.remove(id);
                }
                return Mono.error(e);
            }
            // The guest may have failed meanwhile: whichever side removes the id answers the request, once.
            f = failure;
            if (f != null && id != null && pending.remove(id) != null) {
                return Mono.error(f);
            }
            return Mono.empty();
        });
    }

    /**
     * Closes the guest's stdin and waits for it to exit (up to the runtime's close grace), stopping it otherwise.
     * Completes once the guest has stopped and every request still pending was answered with an error; the
     * waiting happens on Reactor's bounded-elastic scheduler. Idempotent. (The SDK's non-blocking
     * {@code close()} subscribes to this without waiting.)
     */
    @Override
    public Mono<Void> closeGracefully() {
        return Mono.<Void>fromRunnable(() -> {
            closing = true;
            GuestConnection c = connection;
            if (c != null) {
                c.close();
            }
        }).subscribeOn(Schedulers.boundedElastic())
                .then(stopped.asMono().timeout(STOP_NOTICE_WAIT, Mono.fromRunnable(() -> LOG.warn(
                        "MCP server '{}': no stop notice {} after closing its connection", serverName,
                        STOP_NOTICE_WAIT))));
    }

    /** Converts a decoded JSON value (maps, lists, scalars) to the requested type with the mapper. */
    @Override
    public <T> T unmarshalFrom(Object data, TypeRef<T> typeRef) {
        return jsonMapper.convertValue(data, typeRef);
    }

    // ---- callbacks from the runtime, one at a time on its event threads ----

    private void onLine(String line) {
        if (failure != null) {
            LOG.debug("MCP server '{}': dropping a line written after the session ended", serverName);
            return;
        }
        JSONRPCMessage message;
        try {
            message = McpSchema.deserializeJsonRpcMessage(jsonMapper, line);
        } catch (IOException | RuntimeException e) {
            fail(new ServerFailedException(serverName, FailureKind.MALFORMED_MESSAGE, "server '" + serverName
                    + "' wrote a line that is not a JSON-RPC message: " + abbreviate(line), e));
            closeInBackground();
            return;
        }
        if (message instanceof JSONRPCResponse response && response.id() != null) {
            pending.remove(response.id());
        }
        emit(message);
    }

    private void onClosed(ServerFailedException exit) {
        if (exit != null && !(closing && exit.kind() == FailureKind.CLOSED)) {
            LOG.warn("{}", exit.getMessage());
            fail(exit);
        } else {
            LOG.debug("MCP server '{}' closed", serverName);
            fail(new ServerFailedException(serverName, FailureKind.CLOSED,
                    "the connection to server '" + serverName + "' was closed", null));
        }
        inbound.tryEmitComplete();
        stopped.tryEmitEmpty();
    }

    /** Records the first failure, answers every pending request with it and tells the SDK's exception handler. */
    private void fail(ServerFailedException f) {
        synchronized (stateLock) {
            if (failure != null) {
                return;
            }
            failure = f;
        }
        JSONRPCError error = new JSONRPCError(McpSchema.ErrorCodes.INTERNAL_ERROR, f.getMessage(),
                Map.of("server", serverName, "kind", f.kind().name()));
        for (Object id : pending.keySet()) {
            if (pending.remove(id) != null) {
                emit(JSONRPCResponse.error(id, error));
            }
        }
        if (f.kind() != FailureKind.CLOSED) {
            try {
                exceptionHandler.accept(f);
            } catch (RuntimeException e) {
                LOG.warn("MCP server '{}': the client's exception handler failed", serverName, e);
            }
        }
    }

    private void emit(JSONRPCMessage message) {
        Sinks.EmitResult r = inbound.tryEmitNext(message);
        if (r.isFailure()) {
            LOG.warn("MCP server '{}': could not deliver {} to the client ({})", serverName, message, r);
        }
    }

    private void closeInBackground() {
        GuestConnection c = connection;
        if (c != null) {
            Schedulers.boundedElastic().schedule(c::close);
        }
    }

    /**
     * A stdio message must be one line. JSON text keeps line breaks only as whitespace between tokens (inside
     * strings they are escaped), so a mapper configured to indent is made safe by turning them into spaces.
     */
    static String toLine(String json) {
        if (json.indexOf('\n') < 0 && json.indexOf('\r') < 0) {
            return json;
        }
        return json.replace('\n', ' ').replace('\r', ' ');
    }

    private static String abbreviate(String line) {
        return line.length() <= MAX_LINE_IN_ERROR ? line : line.substring(0, MAX_LINE_IN_ERROR) + "...";
    }
}
