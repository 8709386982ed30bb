package io.mcpwasm.internal.protocol;

import static io.mcpwasm.internal.protocol.JsonRpcChannel.MAPPER;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mcpwasm.CallCancelledException;
import io.mcpwasm.CallOptions;
import io.mcpwasm.CallTimeoutException;
import io.mcpwasm.Completion;
import io.mcpwasm.CompletionReference;
import io.mcpwasm.ElicitationHandler;
import io.mcpwasm.FailureKind;
import io.mcpwasm.LogLevel;
import io.mcpwasm.McpErrorException;
import io.mcpwasm.Prompt;
import io.mcpwasm.PromptResult;
import io.mcpwasm.ProtocolException;
import io.mcpwasm.Resource;
import io.mcpwasm.ResourceContents;
import io.mcpwasm.ResourceTemplate;
import io.mcpwasm.RootsHandler;
import io.mcpwasm.SamplingHandler;
import io.mcpwasm.ServerFailedException;
import io.mcpwasm.ServerInfo;
import io.mcpwasm.ServerOptions;
import io.mcpwasm.ServerListener;
import io.mcpwasm.Tool;
import io.mcpwasm.ToolResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.LongConsumer;

/**
 * The client side of one MCP session over stdio framing (one JSON-RPC 2.0 message per line): a facade over
 * {@link JsonRpcChannel} (correlation), {@link Negotiation} (set-up), {@link HostRequests} (requests the server makes
 * of the host), {@link ServerLists} (paged list caches) and {@link Notifications}.
 *
 * <p>The runtime hands every line the guest writes to {@link #onMessage(byte[], int, int)} (on the guest thread;
 * it never blocks and never runs user code there) and sends through the {@link MessageSender}. Requests are
 * matched by long ids, many may be in flight; each has a deadline after which {@code notifications/cancelled} is
 * sent and the call fails with {@link CallTimeoutException}. Listener calls, host handlers and the completion of
 * every returned future run on the event executor, so they may call back into the session.
 *
 * <p>Set-up ({@link #initialize(Duration)}) follows the host's preference list of protocol revisions; see
 * {@link Negotiation}.
 *
 * <p>Faults in the guest's traffic (malformed JSON, a line over the size limit, a response to an id never issued,
 * a message that is not a JSON-RPC object) end the session: every pending call fails with a
 * {@link ServerFailedException} and the {@link FailureHandler} is told once.
 */
public final class McpSession implements AutoCloseable {
    private final String serverName;
    private final Duration defaultTimeout;
    private final List<ServerListener> listeners;
    private final JsonRpcChannel channel;
    private final Negotiation negotiation;
    private final HostRequests hostRequests;
    private final ServerLists lists;
    private final Notifications notifications;
    private final Subscriptions subscriptions;

    private McpSession(Builder b) {
        this.serverName = b.serverName;
        this.defaultTimeout = b.defaultTimeout;
        this.listeners = new CopyOnWriteArrayList<>(b.listeners);
        this.channel = new JsonRpcChannel(serverName, b.sender,
                b.failureHandler != null ? b.failureHandler : (k, m, c) -> { }, b.maxMessageBytes, b.executor,
                b.scheduler, b.timeoutListener != null ? b.timeoutListener : id -> { }, new Wiring());
        this.hostRequests = new HostRequests(channel, b.rootsHandler, b.samplingHandler, b.elicitationHandler);
        this.negotiation = new Negotiation(channel, b.protocolVersions, b.clientVersion,
                hostRequests::capabilities);
        this.lists = new ServerLists(channel, defaultTimeout, () -> negotiation.serverInfo() != null, listeners);
        this.subscriptions = new Subscriptions(channel, negotiation::isStateless, defaultTimeout);
        this.notifications = new Notifications(channel, listeners, lists, hostRequests, subscriptions);
    }

    /**
     * @param serverName the server's name (used in every error message and in the server's logger name)
     * @return a new builder
     */
    public static Builder builder(String serverName) {
        return new Builder(serverName);
    }

    /** @return the server's name */
    public String serverName() {
        return serverName;
    }

    /** @return what the server said at set-up, or {@code null} before {@link #initialize(Duration)} succeeded */
    public ServerInfo serverInfo() {
        return negotiation.serverInfo();
    }

    /** @return whether the session speaks the stateless 2026-07-28 revision */
    public boolean isStateless() {
        return negotiation.isStateless();
    }

    /** @return the failure that ended the session, or {@code null} while it is usable */
    public Throwable failure() {
        return channel.failure();
    }

    /** @param listener told about changes the server announces from now on */
    public void addListener(ServerListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /** @param listener a listener added before; no longer told */
    public void removeListener(ServerListener listener) {
        listeners.remove(listener);
    }

    /**
     * Sets the session up in the order of the preference list ({@link Builder#protocolVersions}): the
     * {@code initialize} handshake followed by {@code notifications/initialized} (2025-11-25 and older), or the
     * {@code server/discover} probe (2026-07-28, stateless). The next step is taken only after the server answered
     * the previous one with a refusal; a step it does not answer in time ends the set-up, and nothing else is sent.
     * Blocks.
     *
     * @param timeout the deadline for the whole set-up
     * @return what the server said about itself
     * @throws ProtocolException when the server speaks no protocol version this client knows
     * @throws CallTimeoutException when the server does not answer {@code initialize} in time
     * @throws McpErrorException when the server refuses {@code initialize}
     * @throws ServerFailedException when the session failed meanwhile
     */
    public ServerInfo initialize(Duration timeout) {
        requirePositive(timeout, "timeout");
        ServerInfo info = negotiation.initialize(timeout);
        if (negotiation.isStateless()) {
            subscriptions.listenForListChanges(info.capabilities());
        }
        return info;
    }

    // ------------------------------------------------------------------------------------------ calls

    /** @return every tool (all pages), cached until the server announces a change */
    public List<Tool> tools() {
        return lists.tools();
    }

    /** @return every resource (all pages), cached until the server announces a change */
    public List<Resource> resources() {
        return lists.resources();
    }

    /** @return every resource template (all pages), cached until the server announces a resource change */
    public List<ResourceTemplate> resourceTemplates() {
        return lists.resourceTemplates();
    }

    /** @return every prompt (all pages), cached until the server announces a change */
    public List<Prompt> prompts() {
        return lists.prompts();
    }

    /**
     * Calls a tool without blocking. The future completes on the event executor; cancelling it sends
     * {@code notifications/cancelled} and fails it with {@link CallCancelledException}.
     *
     * @param name the tool's name
     * @param arguments the arguments (a map Jackson can serialise), or {@code null} for none
     * @param options deadline and progress listener
     * @return the result; a tool error is a result with {@link ToolResult#isError()} set
     */
    public CompletableFuture<ToolResult> callAsync(String name, Map<String, ?> arguments, CallOptions options) {
        JsonNode args = arguments == null ? null : MAPPER.valueToTree(arguments);
        return callAsync(name, args, options);
    }

    /**
     * Calls a tool without blocking; see {@link #callAsync(String, Map, CallOptions)}.
     *
     * @param name the tool's name
     * @param arguments the arguments object, or {@code null} for none
     * @param options deadline and progress listener
     * @return the result
     */
    public CompletableFuture<ToolResult> callAsync(String name, JsonNode arguments, CallOptions options) {
        CallOptions opts = options != null ? options : CallOptions.defaults();
        return channel.request("tools/call", toolParams(name, arguments), timeoutOf(opts), opts.progressListener(),
                Codec::toolResult, true);
    }

    private static ObjectNode toolParams(String name, JsonNode arguments) {
        Objects.requireNonNull(name, "name");
        if (arguments != null && !arguments.isNull() && !arguments.isObject()) {
            throw new IllegalArgumentException("arguments must be a JSON object, got " + arguments.getNodeType());
        }
        ObjectNode params = MAPPER.createObjectNode();
        params.put("name", name);
        if (arguments != null && !arguments.isNull()) {
            params.set("arguments", arguments);
        }
        return params;
    }

    /**
     * Calls a tool and waits for the result.
     *
     * @param name the tool's name
     * @param arguments the arguments, or {@code null} for none
     * @param options deadline and progress listener
     * @return the result; a tool error is a result with {@link ToolResult#isError()} set
     */
    public ToolResult call(String name, Map<String, ?> arguments, CallOptions options) {
        CallOptions opts = options != null ? options : CallOptions.defaults();
        JsonNode args = arguments == null ? null : MAPPER.valueToTree(arguments);
        return channel.call("tools/call", toolParams(name, args), timeoutOf(opts), opts.progressListener(),
                Codec::toolResult, true);
    }

    /**
     * Calls a tool and waits for the result.
     *
     * @param name the tool's name
     * @param arguments the arguments object, or {@code null} for none
     * @param options deadline and progress listener
     * @return the result
     */
    public ToolResult call(String name, JsonNode arguments, CallOptions options) {
        CallOptions opts = options != null ? options : CallOptions.defaults();
        return channel.call("tools/call", toolParams(name, arguments), timeoutOf(opts), opts.progressListener(),
                Codec::toolResult, true);
    }

    /**
     * Reads a resource ({@code resources/read}).
     *
     * @param uri the resource's URI
     * @return its contents (one or more parts)
     */
    public List<ResourceContents> read(String uri) {
        Objects.requireNonNull(uri, "uri");
        ObjectNode params = MAPPER.createObjectNode().put("uri", uri);
        return channel.call("resources/read", params, defaultTimeout, null, Codec::readResult, true);
    }

    /**
     * Gets a prompt ({@code prompts/get}).
     *
     * @param name the prompt's name
     * @param arguments the prompt's arguments, or {@code null}
     * @return the rendered prompt
     */
    public PromptResult prompt(String name, Map<String, String> arguments) {
        Objects.requireNonNull(name, "name");
        ObjectNode params = MAPPER.createObjectNode().put("name", name);
        if (arguments != null && !arguments.isEmpty()) {
            ObjectNode args = params.putObject("arguments");
            arguments.forEach(args::put);
        }
        return channel.call("prompts/get", params, defaultTimeout, null, Codec::promptResult, true);
    }

    /**
     * Checks that the server answers: {@code ping} on the handshake revisions; on 2026-07-28, which has no
     * {@code ping}, {@code server/discover} (the cheapest request every 2026-07-28 server answers).
     */
    public void ping() {
        String method = negotiation.isStateless() ? "server/discover" : "ping";
        channel.call(method, null, defaultTimeout, null, r -> r, true);
    }

    /**
     * Sets the level from which the server sends log messages: {@code logging/setLevel} on the handshake
     * revisions; on 2026-07-28, which has no such request, the level rides in every later request's {@code _meta}
     * ({@code io.modelcontextprotocol/logLevel}).
     *
     * @param level the least severe level to send
     */
    public void setLogLevel(LogLevel level) {
        Objects.requireNonNull(level, "level");
        if (negotiation.isStateless()) {
            negotiation.logLevel(level.wireName());
            return;
        }
        ObjectNode params = MAPPER.createObjectNode().put("level", level.wireName());
        channel.call("logging/setLevel", params, defaultTimeout, null, r -> r, true);
    }

    /**
     * Asks the server for suggested values of a prompt's or resource template's argument
     * ({@code completion/complete}).
     *
     * @param ref what the argument belongs to
     * @param argument the argument's name
     * @param value what the user typed so far
     * @param context values of arguments already given, or {@code null}
     * @return the suggestions
     */
    public Completion complete(CompletionReference ref, String argument, String value, Map<String, String> context) {
        Objects.requireNonNull(ref, "ref");
        Objects.requireNonNull(argument, "argument");
        Objects.requireNonNull(value, "value");
        ObjectNode params = MAPPER.createObjectNode();
        ObjectNode r = params.putObject("ref").put("type", ref.type());
        r.put(ref.type().equals("ref/prompt") ? "name" : "uri", ref.target());
        params.putObject("argument").put("name", argument).put("value", value);
        if (context != null && !context.isEmpty()) {
            ObjectNode args = params.putObject("context").putObject("arguments");
            context.forEach(args::put);
        }
        return channel.call("completion/complete", params, defaultTimeout, null, Codec::completion, true);
    }

    /**
     * Subscribes to updates of a resource: {@link ServerListener#resourceUpdated} is told when the server reports
     * it changed. {@code resources/subscribe} on the handshake revisions; on 2026-07-28 a
     * {@code subscriptions/listen} request the server holds open until {@link #unsubscribe}. Returns once the
     * server accepted the subscription. Subscribing twice to one URI is one subscription.
     *
     * @param uri the resource's URI
     * @throws McpErrorException when the server refuses (for example, it does not support subscriptions)
     */
    public void subscribe(String uri) {
        subscriptions.subscribe(Objects.requireNonNull(uri, "uri"));
    }

    /**
     * Ends a subscription made with {@link #subscribe}: {@code resources/unsubscribe} on the handshake revisions;
     * on 2026-07-28, cancels the subscription's {@code subscriptions/listen} request.
     *
     * @param uri the resource's URI
     */
    public void unsubscribe(String uri) {
        subscriptions.unsubscribe(Objects.requireNonNull(uri, "uri"));
    }

    /**
     * Sends any request and returns its raw result, for methods this class has no wrapper for.
     *
     * @param method the method
     * @param params the params object, or {@code null}
     * @param options deadline and progress listener
     * @return the raw result
     */
    public CompletableFuture<JsonNode> requestAsync(String method, ObjectNode params, CallOptions options) {
        Objects.requireNonNull(method, "method");
        CallOptions opts = options != null ? options : CallOptions.defaults();
        return channel.request(method, params == null ? null : params.deepCopy(), timeoutOf(opts),
                opts.progressListener(), r -> r, true);
    }

    // ------------------------------------------------------------------------------------------ lifecycle

    /**
     * Handles one line the guest wrote (without or with its trailing newline). Called on the guest thread; never
     * blocks and never runs user code.
     *
     * @param line the buffer
     * @param off where the line starts
     * @param len the line's length in bytes
     */
    public void onMessage(byte[] line, int off, int len) {
        channel.onMessage(line, off, len);
    }

    /**
     * The guest is gone: every pending call fails with {@code cause}, and so does every later call. Idempotent;
     * the first cause wins.
     *
     * @param cause why the session ended
     */
    public void fail(Throwable cause) {
        channel.terminate(Objects.requireNonNull(cause, "cause"));
    }

    /** Ends the session: pending and later calls fail with {@link ServerFailedException} of kind CLOSED. */
    @Override
    public void close() {
        channel.terminate(new ServerFailedException(serverName, FailureKind.CLOSED, "closed", null));
    }

    /** @return the name of the logger that server log messages go to */
    String serverLoggerName() {
        return notifications.serverLoggerName();
    }

    /**
     * @param versions a preference list of protocol revisions
     * @return an immutable copy, when it is non-empty, has no duplicates and names only revisions this client
     *     speaks ({@link ServerOptions#SUPPORTED_PROTOCOL_VERSIONS})
     * @throws IllegalArgumentException naming the first bad entry
     */
    public static List<String> checkProtocolVersions(List<String> versions) {
        return List.copyOf(Negotiation.checkPreference(versions));
    }

    private Duration timeoutOf(CallOptions opts) {
        return opts.timeout() != null ? opts.timeout() : defaultTimeout;
    }

    private static void requirePositive(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, got " + d);
        }
    }

    /** What the channel asks of the MCP layer: routing of the server's messages and per-request metadata. */
    private final class Wiring implements JsonRpcChannel.Peer {
        @Override
        public void onRequest(JsonNode id, String method, JsonNode params) {
            hostRequests.onRequest(id, method, params);
        }

        @Override
        public void onNotification(String method, JsonNode params) {
            notifications.onNotification(method, params);
        }

        @Override
        public ObjectNode stamp(long id, JsonRpcChannel.Exchange exchange, ObjectNode params) {
            boolean stateless = negotiation.isStateless();
            if (!stateless && exchange.progress == null) {
                return params; // sent as given: no copy
            }
            ObjectNode sent = params.deepCopy();
            if (stateless) {
                negotiation.addModernMeta(sent);
            }
            if (exchange.progress != null) {
                sent.withObjectProperty("_meta").put("progressToken", id);
            }
            return sent;
        }

        @Override
        public boolean needsAnotherRound(JsonNode result) {
            return negotiation.isStateless() && HostRequests.isInputRequired(result);
        }

        @Override
        public void nextRound(JsonRpcChannel.Pending round, JsonNode result) {
            hostRequests.continueWithInput(round, result);
        }

        @Override
        public void abandoned(long id, String reason) {
            ObjectNode params = MAPPER.createObjectNode();
            params.put("requestId", id);
            params.put("reason", reason);
            channel.notify("notifications/cancelled", params);
        }
    }

    /** Builds a {@link McpSession}; fails fast naming a bad argument. */
    public static final class Builder {
        private final String serverName;
        private MessageSender sender;
        private FailureHandler failureHandler;
        private int maxMessageBytes = 4 << 20;
        private Duration defaultTimeout = Duration.ofSeconds(30);
        private List<String> protocolVersions = ServerOptions.DEFAULT_PROTOCOL_VERSIONS;
        private Executor executor;
        private ScheduledExecutorService scheduler;
        private RootsHandler rootsHandler;
        private SamplingHandler samplingHandler;
        private ElicitationHandler elicitationHandler;
        private final List<ServerListener> listeners = new ArrayList<>();
        private LongConsumer timeoutListener;
        private String clientVersion = defaultClientVersion();

        private Builder(String serverName) {
            Objects.requireNonNull(serverName, "serverName");
            if (serverName.isBlank()) {
                throw new IllegalArgumentException("serverName must not be blank");
            }
            this.serverName = serverName;
        }

        private static String defaultClientVersion() {
            String v = McpSession.class.getPackage().getImplementationVersion();
            return v != null ? v : "0.1.0";
        }

        /** @param sender queues one JSON line on the guest's stdin (required) @return this builder */
        public Builder sender(MessageSender sender) {
            this.sender = Objects.requireNonNull(sender, "sender");
            return this;
        }

        /** @param handler told once about a protocol fault in the guest's traffic @return this builder */
        public Builder failureHandler(FailureHandler handler) {
            this.failureHandler = Objects.requireNonNull(handler, "failureHandler");
            return this;
        }

        /** @param bytes the longest line accepted from the guest (default 4 MiB) @return this builder */
        public Builder maxMessageBytes(int bytes) {
            if (bytes <= 0) {
                throw new IllegalArgumentException("maxMessageBytes must be positive, got " + bytes);
            }
            this.maxMessageBytes = bytes;
            return this;
        }

        /** @param timeout deadline of calls without their own (default 30 s) @return this builder */
        public Builder defaultTimeout(Duration timeout) {
            requirePositive(timeout, "defaultTimeout");
            this.defaultTimeout = timeout;
            return this;
        }

        /**
         * @param versions the protocol revisions accepted, most wanted first (default
         *     {@link ServerOptions#DEFAULT_PROTOCOL_VERSIONS}); see {@link #initialize(Duration)}
         * @return this builder
         * @throws IllegalArgumentException when the list is empty, repeats a revision or names one this client does
         *     not speak
         */
        public Builder protocolVersions(List<String> versions) {
            this.protocolVersions = checkProtocolVersions(versions);
            return this;
        }

        /** @param executor runs listeners, host handlers and future completions (required) @return this builder */
        public Builder eventExecutor(Executor executor) {
            this.executor = Objects.requireNonNull(executor, "eventExecutor");
            return this;
        }

        /** @param scheduler runs the call deadlines (required) @return this builder */
        public Builder scheduler(ScheduledExecutorService scheduler) {
            this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
            return this;
        }

        /** @param handler answers {@code roots/list}; declares the roots capability @return this builder */
        public Builder rootsHandler(RootsHandler handler) {
            this.rootsHandler = handler;
            return this;
        }

        /** @param handler answers {@code sampling/createMessage}; declares sampling @return this builder */
        public Builder samplingHandler(SamplingHandler handler) {
            this.samplingHandler = handler;
            return this;
        }

        /** @param handler answers {@code elicitation/create}; declares elicitation @return this builder */
        public Builder elicitationHandler(ElicitationHandler handler) {
            this.elicitationHandler = handler;
            return this;
        }

        /** @param listener told about list changes and resource updates @return this builder */
        public Builder listener(ServerListener listener) {
            this.listeners.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        /** @param all listeners to add (see {@link #listener}) @return this builder */
        public Builder listeners(List<ServerListener> all) {
            Objects.requireNonNull(all, "listeners").forEach(this::listener);
            return this;
        }

        /**
         * @param listener told the id of every call whose deadline expired (on the timer thread; must not block)
         * @return this builder
         */
        public Builder timeoutListener(LongConsumer listener) {
            this.timeoutListener = Objects.requireNonNull(listener, "timeoutListener");
            return this;
        }

        /** @param version the version sent in {@code clientInfo} @return this builder */
        public Builder clientVersion(String version) {
            this.clientVersion = Objects.requireNonNull(version, "clientVersion");
            return this;
        }

        /** @return the session */
        public McpSession build() {
            if (sender == null) {
                throw new IllegalStateException("sender is required");
            }
            if (executor == null) {
                throw new IllegalStateException("eventExecutor is required");
            }
            if (scheduler == null) {
                throw new IllegalStateException("scheduler is required");
            }
            return new McpSession(this);
        }
    }
}
