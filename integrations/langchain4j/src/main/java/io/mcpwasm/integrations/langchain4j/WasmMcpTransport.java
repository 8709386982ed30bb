package io.mcpwasm.integrations.langchain4j;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.mcp.client.McpCallContext;
import dev.langchain4j.mcp.client.transport.McpOperationHandler;
import dev.langchain4j.mcp.client.transport.McpTransport;
import dev.langchain4j.mcp.protocol.McpClientMessage;
import dev.langchain4j.mcp.protocol.McpInitializationNotification;
import dev.langchain4j.mcp.protocol.McpInitializeRequest;
import io.mcpwasm.FailureKind;
import io.mcpwasm.GuestConnection;
import io.mcpwasm.McpModule;
import io.mcpwasm.ServerFailedException;
import io.mcpwasm.wasi.HostPolicy;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A LangChain4j {@link McpTransport} to an MCP server compiled to WebAssembly and run in this JVM by mcpwasm, so
 * that langchain4j-mcp's {@code DefaultMcpClient} and {@code McpToolProvider} work with it unchanged:
 *
 * <pre>{@code
 * McpClient client = DefaultMcpClient.builder()
 *     .transport(new WasmMcpTransport(runtime.load(Path.of("server.wasm")), policy))
 *     .build();                                      // starts the guest and does the MCP handshake
 * ToolProvider tools = McpToolProvider.builder().mcpClients(client).build();
 * }</pre>
 *
 * <p>Each {@link #start} runs a new instance of the module under the policy over mcpwasm's raw line connection
 * ({@link McpModule#connect}); the client's own MCP session speaks JSON-RPC over it. A policy that refuses a
 * capability the module requires fails {@code start} (so building the client fails) with the runtime's
 * {@link io.mcpwasm.wasi.CapabilityDeniedException}, which names the capability.
 *
 * <p>When the guest stops on its own (trap, exit, memory or stack exhaustion), every request waiting for an answer
 * fails with the runtime's reason and the client's failure action ({@link #onFailure}) runs: {@code DefaultMcpClient}
 * then reconnects, which starts a fresh instance. {@link #checkHealth} fails while no instance runs. {@link #close}
 * closes the guest's stdin and stops it after the runtime's close grace.
 *
 * <p>The server's log messages ({@code notifications/message}) go to the client's log handler, which logs them
 * through slf4j by default; the sandbox's audit events are logged by mcpwasm on {@code io.mcpwasm.audit}.
 */
public final class WasmMcpTransport implements McpTransport {
    private static final Logger LOG = LoggerFactory.getLogger(WasmMcpTransport.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_LINE_IN_LOG = 200;

    private final McpModule module;
    private final HostPolicy policy;
    private final Object lock = new Object();
    private volatile McpOperationHandler handler;
    private volatile GuestConnection connection;
    private volatile Runnable failureAction = () -> { };
    private volatile boolean closed;

    /**
     * @param module the compiled server module; an instance is started by each {@link #start}
     * @param policy what the host allows each instance (intersected with the module's manifest)
     */
    public WasmMcpTransport(McpModule module, HostPolicy policy) {
        this.module = Objects.requireNonNull(module, "module");
        this.policy = Objects.requireNonNull(policy, "policy");
    }

    /**
     * Starts a new instance of the module (stopping the previous one, on a reconnect).
     *
     * @throws io.mcpwasm.wasi.CapabilityDeniedException when the policy refuses a capability the module requires
     * @throws IllegalStateException when this transport was closed or the module's runtime is closed
     */
    @Override
    public void start(McpOperationHandler messageHandler) {
        Objects.requireNonNull(messageHandler, "messageHandler");
        GuestConnection previous;
        GuestConnection next;
        synchronized (lock) {
            if (closed) {
                throw new IllegalStateException("the transport to MCP server '" + module.name() + "' is closed");
            }
            this.handler = messageHandler;
            previous = connection;
            connection = null;
        }
        if (previous != null) {
            previous.close();
        }
        GuestConnection[] self = new GuestConnection[1];
        next = module.connect(policy, line -> onLine(messageHandler, line), f -> onClosed(self[0], f));
        self[0] = next;
        synchronized (lock) {
            if (closed) {
                next.close();
                throw new IllegalStateException("the transport to MCP server '" + module.name() + "' is closed");
            }
            connection = next;
        }
        LOG.debug("started MCP server '{}' for LangChain4j", module.name());
    }

    /** Sends {@code initialize}; once answered, sends {@code notifications/initialized} and completes. */
    @Override
    public CompletableFuture<JsonNode> initialize(McpInitializeRequest request) {
        return executeOperationWithResponse(request).thenApply(response -> {
            executeOperationWithoutResponse(new McpInitializationNotification());
            return response;
        });
    }

    @Override
    public CompletableFuture<JsonNode> executeOperationWithResponse(McpClientMessage message) {
        CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        String json;
        try {
            json = JSON.writeValueAsString(message);
        } catch (JsonProcessingException e) {
            answer.completeExceptionally(e);
            return answer;
        }
        McpOperationHandler h = handler;
        if (h == null) {
            answer.completeExceptionally(new IllegalStateException("the transport to MCP server '" + module.name()
                    + "' was not started"));
            return answer;
        }
        h.startOperation(message.getId(), answer);
        try {
            send(json);
        } catch (RuntimeException e) {
            answer.completeExceptionally(e);
        }
        return answer;
    }

    @Override
    public CompletableFuture<JsonNode> executeOperationWithResponse(McpCallContext context) {
        return executeOperationWithResponse(context.message());
    }

    /** @throws ServerFailedException when the guest is not running */
    @Override
    public void executeOperationWithoutResponse(McpClientMessage message) {
        try {
            send(JSON.writeValueAsString(message));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot serialize a message for MCP server '" + module.name() + "': "
                    + e.getOriginalMessage(), e);
        }
    }

    @Override
    public void executeOperationWithoutResponse(McpCallContext context) {
        executeOperationWithoutResponse(context.message());
    }

    /** @throws IllegalStateException when no instance of the server is running */
    @Override
    public void checkHealth() {
        GuestConnection c = connection;
        if (c == null || !c.isOpen()) {
            throw new IllegalStateException("MCP server '" + module.name() + "' is not running");
        }
    }

    /** The client's action when the guest stops on its own ({@code DefaultMcpClient} reconnects). */
    @Override
    public void onFailure(Runnable action) {
        this.failureAction = Objects.requireNonNull(action, "action");
    }

    /** Stops the running instance, if any. Idempotent. */
    @Override
    public void close() {
        GuestConnection c;
        synchronized (lock) {
            closed = true;
            c = connection;
            connection = null;
        }
        if (c != null) {
            c.close();
        }
    }

    private void send(String json) {
        GuestConnection c = connection;
        if (c == null) {
            throw new ServerFailedException(module.name(), FailureKind.CLOSED,
                    "MCP server '" + module.name() + "' is not running", null);
        }
        c.send(json.indexOf('\n') < 0 ? json : json.replace('\n', ' '));
    }

    private void onLine(McpOperationHandler h, String line) {
        JsonNode message;
        try {
            message = JSON.readTree(line);
        } catch (JsonProcessingException e) {
            message = null;
        }
        if (message == null || !message.isObject()) {
            LOG.warn("MCP server '{}' wrote a line that is not a JSON-RPC message, stopping it: {}", module.name(),
                    line.length() <= MAX_LINE_IN_LOG ? line : line.substring(0, MAX_LINE_IN_LOG) + "...");
            GuestConnection c = connection;
            if (c != null) {
                c.close(); // onClosed then fails the pending requests and tells the client
            }
            return;
        }
        h.handle(message);
    }

    /** The guest stopped: fail what waits for it and, unless this transport stopped it, tell the client. */
    private void onClosed(GuestConnection which, ServerFailedException failure) {
        boolean current;
        McpOperationHandler h;
        synchronized (lock) {
            current = which != null && connection == which;
            if (current) {
                connection = null;
            }
            h = handler;
        }
        if (!current) {
            return; // closed by this transport (close or a reconnect): nothing is pending on it any more
        }
        String reason = failure != null ? failure.getMessage() : "MCP server '" + module.name() + "' exited";
        LOG.warn("{}", reason);
        if (h != null) {
            h.cancelAllPendingOperations(reason);
        }
        if (!closed) {
            try {
                failureAction.run();
            } catch (RuntimeException e) {
                LOG.warn("MCP server '{}': the client's failure action failed", module.name(), e);
            }
        }
    }
}
