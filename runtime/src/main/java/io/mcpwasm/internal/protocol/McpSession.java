package io.mcpwasm.internal.protocol;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mcpwasm.CallCancelledException;
import io.mcpwasm.CallOptions;
import io.mcpwasm.CallTimeoutException;
import io.mcpwasm.ElicitationHandler;
import io.mcpwasm.FailureKind;
import io.mcpwasm.McpErrorException;
import io.mcpwasm.ProgressListener;
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
import io.mcpwasm.ServerListener;
import io.mcpwasm.Tool;
import io.mcpwasm.ToolResult;
import io.mcpwasm.wasi.McpWasmException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * The client side of one MCP session over stdio framing (one JSON-RPC 2.0 message per line).
 *
 * <p>The runtime hands every line the guest writes to {@link #onMessage(byte[], int, int)} (on the guest thread;
 * it never blocks and never runs user code there) and sends through the {@link MessageSender}. Requests are
 * matched by long ids, many may be in flight; each has a deadline after which {@code notifications/cancelled} is
 * sent and the call fails with {@link CallTimeoutException}. Listener calls, host handlers and the completion of
 * every returned future run on the event executor, so they may call back into the session.
 *
 * <p>Set-up ({@link #initialize(Duration)}) follows the 2026-07-28 backward-compatibility rules for stdio: probe
 * with {@code server/discover}; a result listing 2026-07-28 selects the stateless revision (no handshake, the
 * protocol version, client info and client capabilities ride in every request's {@code _meta}); an
 * {@code UnsupportedProtocolVersionError} means a modern server without our version; any other error, or no answer
 * within the probe timeout, means a handshake-era server, which gets the {@code initialize} handshake
 * (2025-11-25, accepting 2025-06-18, 2025-03-26 and 2024-11-05 answers).
 *
 * <p>Faults in the guest's traffic (malformed JSON, a line over the size limit, a response to an id never issued,
 * a message that is not a JSON-RPC object) end the session: every pending call fails with a
 * {@link ServerFailedException} and the {@link FailureHandler} is told once.
 */
public final class McpSession implements AutoCloseable {
    /** The stateless revision, set up with {@code server/discover}. */
    public static final String STATELESS_VERSION = "2026-07-28";
    /** The handshake revisions this client speaks, newest first; the first is the one requested. */
    public static final List<String> HANDSHAKE_VERSIONS = List.of("2025-11-25", "2025-06-18", "2025-03-26",
            "2024-11-05");
    /** JSON-RPC error code of {@code UnsupportedProtocolVersionError} (2026-07-28). */
    public static final int UNSUPPORTED_PROTOCOL_VERSION = -32022;
    static final String META_PROTOCOL_VERSION = "io.modelcontextprotocol/protocolVersion";
    static final String META_CLIENT_INFO = "io.modelcontextprotocol/clientInfo";
    static final String META_CLIENT_CAPABILITIES = "io.modelcontextprotocol/clientCapabilities";
    static final String META_SERVER_INFO = "io.modelcontextprotocol/serverInfo";
    private static final int METHOD_NOT_FOUND = -32601;
    private static final int INTERNAL_ERROR = -32603;
    private static final int MAX_PAGES = 10_000;
    private static final int MAX_INPUT_ROUNDS = 16;
    private static final Set<String> MRTR_METHODS = Set.of("tools/call", "prompts/get", "resources/read");

    static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final Logger LOG = LoggerFactory.getLogger(McpSession.class);

    private final String serverName;
    private final MessageSender sender;
    private final FailureHandler failureHandler;
    private final AtomicBoolean faultReported = new AtomicBoolean();
    private final int maxMessageBytes;
    private final Duration defaultTimeout;
    private final Duration discoveryTimeout;
    private final boolean discovery;
    private final Executor executor;
    private final ScheduledExecutorService scheduler;
    private final RootsHandler rootsHandler;
    private final SamplingHandler samplingHandler;
    private final ElicitationHandler elicitationHandler;
    private final List<ServerListener> listeners;
    private final LongConsumer timeoutListener;
    private final String clientVersion;
    private final Logger serverLog;

    private final AtomicLong nextId = new AtomicLong(1);
    private final ConcurrentHashMap<Long, Pending> pending = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, AtomicBoolean> serverRequests = new ConcurrentHashMap<>();
    private final AtomicReference<Throwable> terminal = new AtomicReference<>();
    private final SerialLane events;
    private volatile boolean stateless;
    private volatile ServerInfo serverInfo;

    private final ListCache<Tool> toolCache;
    private final ListCache<Resource> resourceCache;
    private final ListCache<ResourceTemplate> templateCache;
    private final ListCache<Prompt> promptCache;

    private McpSession(Builder b) {
        this.serverName = b.serverName;
        this.sender = Objects.requireNonNull(b.sender, "sender");
        this.failureHandler = b.failureHandler != null ? b.failureHandler : (k, m, c) -> { };
        this.maxMessageBytes = b.maxMessageBytes;
        this.defaultTimeout = b.defaultTimeout;
        this.discoveryTimeout = b.discoveryTimeout;
        this.discovery = b.discovery;
        this.executor = b.executor != null ? b.executor : Defaults.EVENTS;
        this.scheduler = b.scheduler != null ? b.scheduler : Defaults.TIMERS;
        this.rootsHandler = b.rootsHandler;
        this.samplingHandler = b.samplingHandler;
        this.elicitationHandler = b.elicitationHandler;
        this.listeners = new CopyOnWriteArrayList<>(b.listeners);
        this.timeoutListener = b.timeoutListener != null ? b.timeoutListener : id -> { };
        this.clientVersion = b.clientVersion;
        this.serverLog = LoggerFactory.getLogger("mcpwasm.server." + serverName);
        this.events = new SerialLane(executor, r -> Defaults.EVENTS.execute(r));
        this.toolCache = new ListCache<>("tools/list", "tools", Codec::tool,
                list -> listeners.forEach(l -> l.toolsChanged(list)));
        this.resourceCache = new ListCache<>("resources/list", "resources", Codec::resource,
                list -> listeners.forEach(l -> l.resourcesChanged(list)));
        this.templateCache = new ListCache<>("resources/templates/list", "resourceTemplates",
                Codec::resourceTemplate, list -> { });
        this.promptCache = new ListCache<>("prompts/list", "prompts", Codec::prompt,
                list -> listeners.forEach(l -> l.promptsChanged(list)));
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
        return serverInfo;
    }

    /** @return whether the session speaks the stateless 2026-07-28 revision */
    public boolean isStateless() {
        return stateless;
    }

    /** @return the failure that ended the session, or {@code null} while it is usable */
    public Throwable failure() {
        return terminal.get();
    }

    /** @param listener told about changes the server announces from now on */
    public void addListener(ServerListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /** @param listener a listener added before; no longer told */
    public void removeListener(ServerListener listener) {
        listeners.remove(listener);
    }

    // ------------------------------------------------------------------------------------------ set-up

    /**
     * Sets the session up: {@code server/discover} probe, then either the stateless revision or the
     * {@code initialize} handshake followed by {@code notifications/initialized}. Blocks.
     *
     * @param timeout the deadline for the whole set-up; the probe gets at most half of it
     * @return what the server said about itself
     * @throws ProtocolException when the server speaks no protocol version this client knows
     * @throws CallTimeoutException when the server does not answer {@code initialize} in time
     * @throws McpErrorException when the server refuses {@code initialize}
     * @throws ServerFailedException when the session failed meanwhile
     */
    public ServerInfo initialize(Duration timeout) {
        requirePositive(timeout, "timeout");
        long deadline = System.nanoTime() + timeout.toNanos();
        List<String> handshakeCandidates = HANDSHAKE_VERSIONS;
        if (discovery) {
            Duration half = timeout.dividedBy(2);
            Duration probe = discoveryTimeout.compareTo(half) < 0 ? discoveryTimeout : half;
            ObjectNode params = MAPPER.createObjectNode();
            addModernMeta(params);
            CallFuture<JsonNode> f = request("server/discover", params, probe, null, r -> r, false);
            try {
                JsonNode result = await(f, probe);
                JsonNode versions = result == null ? null : result.get("supportedVersions");
                List<String> supported = stringList(versions);
                if (versions == null || !versions.isArray()) {
                    LOG.debug("MCP server '{}' answered server/discover without supportedVersions; using the "
                            + "initialize handshake", serverName);
                } else if (supported.contains(STATELESS_VERSION)) {
                    ServerInfo info = discoverInfo(result);
                    stateless = true;
                    serverInfo = info;
                    LOG.debug("MCP server '{}' speaks {} (stateless)", serverName, STATELESS_VERSION);
                    return info;
                } else {
                    handshakeCandidates = commonHandshakeVersions(supported, "server/discover result");
                }
            } catch (McpErrorException e) {
                if (isUnsupportedVersion(e)) {
                    List<String> supported = stringList(e.data().get("supported"));
                    handshakeCandidates = commonHandshakeVersions(supported, "UnsupportedProtocolVersionError");
                } else {
                    LOG.debug("MCP server '{}' answered server/discover with error {}; using the initialize "
                            + "handshake", serverName, e.code());
                }
            } catch (CallTimeoutException e) {
                LOG.debug("MCP server '{}' did not answer server/discover within {}; using the initialize "
                        + "handshake", serverName, probe);
            }
        }
        return handshake(handshakeCandidates.get(0), remaining(deadline));
    }

    private List<String> commonHandshakeVersions(List<String> supported, String where) {
        List<String> common = new ArrayList<>();
        for (String v : HANDSHAKE_VERSIONS) {
            if (supported.contains(v)) {
                common.add(v);
            }
        }
        if (common.isEmpty()) {
            throw new ProtocolException(serverName, "speaks no protocol version this client supports (" + where
                    + " lists " + supported + "; supported: " + STATELESS_VERSION + ", " + HANDSHAKE_VERSIONS + ")");
        }
        return common;
    }

    private static boolean isUnsupportedVersion(McpErrorException e) {
        JsonNode data = e.data();
        return data != null && data.path("supported").isArray()
                && (e.code() == UNSUPPORTED_PROTOCOL_VERSION || data.path("requested").isTextual());
    }

    private ServerInfo discoverInfo(JsonNode result) {
        JsonNode impl = result.get("serverInfo");
        if (impl == null || !impl.isObject()) {
            impl = result.path("_meta").get(META_SERVER_INFO);
        }
        return serverInfo(STATELESS_VERSION, impl, result, false, "server/discover result");
    }

    private ServerInfo serverInfo(String version, JsonNode impl, JsonNode result, boolean legacy, String where) {
        if (impl == null || !impl.isObject() || !impl.path("name").isTextual()) {
            throw new ProtocolException(serverName, where + " has no serverInfo with a name");
        }
        JsonNode caps = result.get("capabilities");
        if (caps == null || !caps.isObject()) {
            caps = MAPPER.createObjectNode();
        }
        return new ServerInfo(version, impl.get("name").asText(), impl.path("version").asText(""),
                Codec.optText(impl, "title"), Codec.optText(result, "instructions"), caps, legacy);
    }

    private ServerInfo handshake(String requestedVersion, Duration timeout) {
        ObjectNode params = MAPPER.createObjectNode();
        params.put("protocolVersion", requestedVersion);
        params.set("capabilities", clientCapabilities());
        params.set("clientInfo", clientInfo());
        JsonNode result = await(request("initialize", params, timeout, null, r -> r, true), timeout);
        JsonNode pv = result.get("protocolVersion");
        if (pv == null || !pv.isTextual()) {
            throw new ProtocolException(serverName, "initialize result has no protocolVersion");
        }
        if (!HANDSHAKE_VERSIONS.contains(pv.asText())) {
            throw new ProtocolException(serverName, "answered initialize with protocol version '" + pv.asText()
                    + "', which this client does not support (supported: " + HANDSHAKE_VERSIONS + ")");
        }
        ServerInfo info = serverInfo(pv.asText(), result.get("serverInfo"), result, true, "initialize result");
        notify("notifications/initialized", null);
        serverInfo = info;
        LOG.debug("MCP server '{}' initialized with protocol {}", serverName, pv.asText());
        return info;
    }

    private ObjectNode clientCapabilities() {
        ObjectNode caps = MAPPER.createObjectNode();
        if (rootsHandler != null) {
            caps.putObject("roots");
        }
        if (samplingHandler != null) {
            caps.putObject("sampling");
        }
        if (elicitationHandler != null) {
            caps.putObject("elicitation");
        }
        return caps;
    }

    private ObjectNode clientInfo() {
        ObjectNode info = MAPPER.createObjectNode();
        info.put("name", "mcpwasm");
        info.put("version", clientVersion);
        return info;
    }

    private void addModernMeta(ObjectNode params) {
        ObjectNode meta = params.withObjectProperty("_meta");
        meta.put(META_PROTOCOL_VERSION, STATELESS_VERSION);
        meta.set(META_CLIENT_INFO, clientInfo());
        meta.set(META_CLIENT_CAPABILITIES, clientCapabilities());
    }

    // ------------------------------------------------------------------------------------------ public calls

    /** @return every tool (all pages), cached until the server announces a change */
    public List<Tool> tools() {
        return toolCache.get();
    }

    /** @return every resource (all pages), cached until the server announces a change */
    public List<Resource> resources() {
        return resourceCache.get();
    }

    /** @return every resource template (all pages), cached until the server announces a resource change */
    public List<ResourceTemplate> resourceTemplates() {
        return templateCache.get();
    }

    /** @return every prompt (all pages), cached until the server announces a change */
    public List<Prompt> prompts() {
        return promptCache.get();
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
        Objects.requireNonNull(name, "name");
        if (arguments != null && !arguments.isNull() && !arguments.isObject()) {
            throw new IllegalArgumentException("arguments must be a JSON object, got " + arguments.getNodeType());
        }
        CallOptions opts = options != null ? options : CallOptions.defaults();
        ObjectNode params = MAPPER.createObjectNode();
        params.put("name", name);
        if (arguments != null && !arguments.isNull()) {
            params.set("arguments", arguments);
        }
        return request("tools/call", params, timeoutOf(opts), opts.progressListener(), Codec::toolResult, true);
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
        return await(callAsync(name, arguments, opts), timeoutOf(opts));
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
        return await(callAsync(name, arguments, opts), timeoutOf(opts));
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
        return await(request("resources/read", params, defaultTimeout, null, Codec::readResult, true),
                defaultTimeout);
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
        return await(request("prompts/get", params, defaultTimeout, null, Codec::promptResult, true),
                defaultTimeout);
    }

    /** Sends {@code ping} and waits for the answer. */
    public void ping() {
        await(request("ping", null, defaultTimeout, null, r -> r, true), defaultTimeout);
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
        return request(method, params == null ? null : params.deepCopy(), timeoutOf(opts),
                opts.progressListener(), r -> r, true);
    }

    // ------------------------------------------------------------------------------------------ lifecycle

    /**
     * The guest is gone: every pending call fails with {@code cause}, and so does every later call. Idempotent;
     * the first cause wins.
     *
     * @param cause why the session ended
     */
    public void fail(Throwable cause) {
        terminate(Objects.requireNonNull(cause, "cause"));
    }

    /** Ends the session: pending and later calls fail with {@link ServerFailedException} of kind CLOSED. */
    @Override
    public void close() {
        terminate(new ServerFailedException(serverName, FailureKind.CLOSED, "closed", null));
    }

    private boolean terminate(Throwable cause) {
        if (!terminal.compareAndSet(null, cause)) {
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

    private void fault(FailureKind kind, String message, Throwable cause) {
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

    private <T> CallFuture<T> request(String method, ObjectNode params, Duration timeout, ProgressListener progress,
            Function<JsonNode, T> decoder, boolean reportTimeout) {
        CallFuture<T> future = new CallFuture<>(this, method);
        @SuppressWarnings("unchecked")
        CallFuture<Object> f = (CallFuture<Object>) future;
        @SuppressWarnings("unchecked")
        Function<JsonNode, Object> d = (Function<JsonNode, Object>) decoder;
        dispatch(f, method, params != null ? params : MAPPER.createObjectNode(), timeout,
                System.nanoTime() + timeout.toNanos(), progress, d, reportTimeout, 0);
        return future;
    }

    /** Sends one round of a request under a fresh id and registers it as pending for {@code future}. */
    private void dispatch(CallFuture<Object> future, String method, ObjectNode params, Duration timeout,
            long deadline, ProgressListener progress, Function<JsonNode, Object> decoder, boolean reportTimeout,
            int round) {
        long id = nextId.getAndIncrement();
        future.setCurrentId(id);
        Throwable dead = terminal.get();
        if (dead != null) {
            future.fail(dead);
            return;
        }
        ObjectNode p = params.deepCopy();
        if (stateless) {
            addModernMeta(p);
        }
        if (progress != null) {
            p.withObjectProperty("_meta").put("progressToken", id);
        }
        ObjectNode msg = MAPPER.createObjectNode();
        msg.put("jsonrpc", "2.0");
        msg.put("id", id);
        msg.put("method", method);
        msg.set("params", p);
        byte[] bytes = encode(msg);
        Pending pend = new Pending(id, method, params, timeout, deadline, progress, future, decoder, reportTimeout,
                round);
        pending.put(id, pend);
        dead = terminal.get();
        if (dead != null || future.isDone()) {
            if (pending.remove(id) != null && dead != null) {
                future.fail(dead);
            }
            return;
        }
        long left = Math.max(deadline - System.nanoTime(), 0L);
        pend.timer = scheduler.schedule(() -> onTimeout(id), left, TimeUnit.NANOSECONDS);
        try {
            sender.send(bytes);
        } catch (RuntimeException e) {
            if (pending.remove(id) != null) {
                pend.cancelTimer();
                future.fail(e instanceof McpWasmException ? e : new ServerFailedException(serverName,
                        FailureKind.CLOSED, "cannot send " + method + ": " + e.getMessage(), e));
            }
        }
    }

    private void notify(String method, ObjectNode params) {
        ObjectNode msg = MAPPER.createObjectNode();
        msg.put("jsonrpc", "2.0");
        msg.put("method", method);
        if (params != null) {
            msg.set("params", params);
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
        try {
            byte[] json = MAPPER.writeValueAsBytes(msg);
            byte[] line = new byte[json.length + 1];
            System.arraycopy(json, 0, line, 0, json.length);
            line[json.length] = '\n';
            return line;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode JSON-RPC message", e);
        }
    }

    private void sendCancelled(long id, String reason) {
        ObjectNode params = MAPPER.createObjectNode();
        params.put("requestId", id);
        params.put("reason", reason);
        notify("notifications/cancelled", params);
    }

    private void onTimeout(long id) {
        Pending p = pending.remove(id);
        if (p == null) {
            return;
        }
        if (p.reportTimeout) {
            sendCancelled(id, "timed out after " + p.timeout);
        }
        deliverFailure(p, new CallTimeoutException(serverName, p.method, id, p.timeout));
        if (p.reportTimeout) {
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
        sendCancelled(id, "cancelled by the client");
        p.future.fail(new CallCancelledException(serverName, method, id));
        return true;
    }

    // ------------------------------------------------------------------------------------------ receiving

    /**
     * Handles one line the guest wrote (without or with its trailing newline). Called on the guest thread; never
     * blocks and never runs user code.
     *
     * @param line the buffer
     * @param off where the line starts
     * @param len the line's length in bytes
     */
    public void onMessage(byte[] line, int off, int len) {
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
            dispatch(node);
        } catch (RuntimeException e) {
            LOG.warn("MCP server '{}': could not handle message {}", serverName, abbreviate(node), e);
        }
    }

    private static String abbreviate(JsonNode node) {
        String text = node.toString();
        return text.length() <= 200 ? text : text.substring(0, 200) + "...";
    }

    private void dispatch(JsonNode node) {
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
                    onServerRequest(id, method.asText(), node.get("params"));
                }
            } else {
                onNotification(method.asText(), node.get("params"));
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
                LOG.warn("MCP server '{}' reported an error without a request id: {}", serverName, msg.get("error"));
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
        if (msg.has("error")) {
            JsonNode err = msg.get("error");
            if (!err.isObject()) {
                fault(FailureKind.MALFORMED_MESSAGE, "error member of response " + id + " is not an object", null);
                return;
            }
            JsonNode data = err.get("data");
            deliverFailure(p, new McpErrorException(serverName, p.method, err.path("code").asInt(INTERNAL_ERROR),
                    err.path("message").asText(""), data == null || data.isNull() ? null : data));
        } else {
            deliverResult(p, msg.get("result"));
        }
    }

    private static Long idOf(JsonNode id) {
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
        if (p.future.awaited() && p.progress == null && !(stateless && result != null
                && "input_required".equals(result.path("resultType").asText()))) {
            // A blocking caller and nothing else waits on this future, and no progress notification can still be
            // queued for it: decode and complete it here, on the guest thread, which only unparks the caller
            // (no user code runs). Saves a thread handoff per call.
            completeNow(p, result);
            return;
        }
        if (p.progress != null) {
            // Through the lane that delivers progress notifications, so that every notification the server sent
            // before its result reaches the listener before the call completes.
            events.execute(() -> completeNow(p, result));
            return;
        }
        runOnExecutor(() -> completeNow(p, result));
    }

    private void completeNow(Pending p, JsonNode result) {
        Object value;
        try {
            if (stateless && result != null && "input_required".equals(result.path("resultType").asText())) {
                continueWithInput(p, result);
                return;
            }
            value = p.decoder.apply(result);
        } catch (Codec.BadShapeException e) {
            p.future.fail(new ProtocolException(serverName, "malformed " + p.method + " result: "
                    + e.getMessage()));
            return;
        } catch (RuntimeException e) {
            p.future.fail(e);
            return;
        }
        p.future.succeed(value);
    }

    /**
     * 2026-07-28 multi round-trip request: the server answered {@code input_required}. Runs on the event executor:
     * answers every input request with the host handler for its method, then sends the original request again
     * (a new id) with {@code inputResponses} and the echoed {@code requestState}, within the original deadline.
     */
    private void continueWithInput(Pending p, JsonNode result) {
        if (!MRTR_METHODS.contains(p.method)) {
            throw new Codec.BadShapeException("input_required is not allowed for " + p.method);
        }
        if (p.round + 1 >= MAX_INPUT_ROUNDS) {
            throw new Codec.BadShapeException("still input_required after " + MAX_INPUT_ROUNDS + " rounds");
        }
        JsonNode requests = result.get("inputRequests");
        JsonNode state = result.get("requestState");
        boolean hasRequests = requests != null && requests.isObject() && !requests.isEmpty();
        if (!hasRequests && (state == null || !state.isTextual())) {
            throw new Codec.BadShapeException("input_required result has neither inputRequests nor requestState");
        }
        ObjectNode responses = MAPPER.createObjectNode();
        if (hasRequests) {
            var fields = requests.fields();
            while (fields.hasNext()) {
                var entry = fields.next();
                JsonNode req = entry.getValue();
                String method = req.path("method").asText("");
                HostCall call = hostCall(method);
                if (call == null) {
                    throw new Codec.BadShapeException("input request '" + entry.getKey() + "' asks for " + method
                            + ", which this host does not handle");
                }
                JsonNode params = req.get("params");
                JsonNode answer;
                try {
                    answer = call.handle(params != null && params.isObject() ? params : MAPPER.createObjectNode());
                } catch (RuntimeException e) {
                    throw e;
                } catch (Exception e) {
                    throw new McpWasmException("host handler for " + method + " failed: " + e, e);
                }
                responses.set(entry.getKey(), answer != null ? answer : MAPPER.createObjectNode());
            }
        }
        ObjectNode params = p.params.deepCopy();
        params.remove("inputResponses");
        params.remove("requestState");
        if (hasRequests) {
            params.set("inputResponses", responses);
        }
        if (state != null && state.isTextual()) {
            params.set("requestState", state);
        }
        if (p.future.isDone()) {
            return;
        }
        long left = p.deadline - System.nanoTime();
        if (left <= 0) {
            p.future.fail(new CallTimeoutException(serverName, p.method, p.id, p.timeout));
            return;
        }
        dispatch(p.future, p.method, params, p.timeout, p.deadline, p.progress, p.decoder, p.reportTimeout,
                p.round + 1);
    }

    private void deliverFailure(Pending p, Throwable t) {
        runOnExecutor(() -> p.future.fail(t));
    }

    private void runOnExecutor(Runnable r) {
        try {
            executor.execute(r);
        } catch (RejectedExecutionException e) {
            LOG.debug("event executor of MCP server '{}' rejected a task; running it on a helper thread", serverName);
            Defaults.EVENTS.execute(r);
        }
    }

    private void onNotification(String method, JsonNode params) {
        JsonNode p = params != null ? params : MAPPER.createObjectNode();
        switch (method) {
            case "notifications/message":
                logServerMessage(p);
                break;
            case "notifications/progress":
                onProgress(p);
                break;
            case "notifications/tools/list_changed":
                toolCache.refresh();
                break;
            case "notifications/prompts/list_changed":
                promptCache.refresh();
                break;
            case "notifications/resources/list_changed":
                templateCache.invalidate();
                resourceCache.refresh();
                break;
            case "notifications/resources/updated": {
                String uri = p.path("uri").asText(null);
                if (uri != null) {
                    events.execute(() -> listeners.forEach(l -> safely(() -> l.resourceUpdated(uri))));
                }
                break;
            }
            case "notifications/cancelled": {
                AtomicBoolean flag = serverRequests.get(p.path("requestId").asText());
                if (flag != null) {
                    flag.set(true);
                }
                break;
            }
            default:
                LOG.debug("MCP server '{}' sent notification {} (ignored)", serverName, method);
        }
    }

    private void logServerMessage(JsonNode p) {
        Level level = levelOf(p.path("level").asText("info"));
        if (!serverLog.isEnabledForLevel(level)) {
            return;
        }
        JsonNode data = p.get("data");
        String text = data == null ? "" : data.isTextual() ? data.asText() : data.toString();
        String logger = p.path("logger").asText(null);
        serverLog.atLevel(level).log("{}", logger != null ? "[" + logger + "] " + text : text);
    }

    /**
     * Maps an MCP (RFC 5424) log level to slf4j: debug to DEBUG; info and notice to INFO; warning to WARN;
     * error, critical, alert, emergency and anything unknown to ERROR.
     */
    static Level levelOf(String mcpLevel) {
        switch (mcpLevel) {
            case "debug":
                return Level.DEBUG;
            case "info":
            case "notice":
                return Level.INFO;
            case "warning":
                return Level.WARN;
            default:
                return Level.ERROR;
        }
    }

    /** @return the name of the logger that server log messages go to */
    String serverLoggerName() {
        return serverLog.getName();
    }

    private void onProgress(JsonNode p) {
        Long token = idOf(p.get("progressToken"));
        Pending pend = token == null ? null : pending.get(token);
        if (pend == null || pend.progress == null) {
            LOG.debug("MCP server '{}' sent progress for unknown token {}", serverName, p.get("progressToken"));
            return;
        }
        double progress = p.path("progress").asDouble();
        JsonNode t = p.get("total");
        Double total = t != null && t.isNumber() ? t.asDouble() : null;
        String message = p.path("message").isTextual() ? p.get("message").asText() : null;
        ProgressListener l = pend.progress;
        events.execute(() -> safely(() -> l.onProgress(progress, total, message)));
    }

    private void onServerRequest(JsonNode id, String method, JsonNode params) {
        JsonNode p = params != null ? params : MAPPER.createObjectNode();
        if ("ping".equals(method)) {
            respond(id, MAPPER.createObjectNode());
            return;
        }
        HostCall call = hostCall(method);
        if (call == null) {
            respondError(id, METHOD_NOT_FOUND, "Method not found: " + method, null);
            return;
        }
        String key = id.asText();
        AtomicBoolean cancelled = new AtomicBoolean();
        serverRequests.put(key, cancelled);
        runOnExecutor(() -> {
            try {
                JsonNode result = call.handle(p);
                if (!cancelled.get()) {
                    respond(id, result != null ? result : MAPPER.createObjectNode());
                }
            } catch (McpErrorException e) {
                if (!cancelled.get()) {
                    respondError(id, e.code(), e.errorMessage(), e.data());
                }
            } catch (Exception e) {
                LOG.warn("host handler for {} from MCP server '{}' failed", method, serverName, e);
                if (!cancelled.get()) {
                    // the guest is untrusted: tell it nothing about the host's exception
                    respondError(id, INTERNAL_ERROR, "Internal error in the host's " + method + " handler", null);
                }
            } finally {
                serverRequests.remove(key, cancelled);
            }
        });
    }

    private interface HostCall {
        JsonNode handle(JsonNode params) throws Exception;
    }

    private HostCall hostCall(String method) {
        switch (method) {
            case "roots/list":
                return rootsHandler == null ? null : rootsHandler::listRoots;
            case "sampling/createMessage":
                return samplingHandler == null ? null : samplingHandler::createMessage;
            case "elicitation/create":
                return elicitationHandler == null ? null : elicitationHandler::elicit;
            default:
                return null;
        }
    }

    private void respond(JsonNode id, JsonNode result) {
        ObjectNode msg = MAPPER.createObjectNode();
        msg.put("jsonrpc", "2.0");
        msg.set("id", id);
        msg.set("result", result);
        sendQuietly(msg);
    }

    private void respondError(JsonNode id, int code, String message, JsonNode data) {
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

    private void safely(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            LOG.warn("listener of MCP server '{}' threw", serverName, e);
        }
    }

    // ------------------------------------------------------------------------------------------ helpers

    private Duration timeoutOf(CallOptions opts) {
        return opts.timeout() != null ? opts.timeout() : defaultTimeout;
    }

    private static Duration remaining(long deadlineNanos) {
        long left = deadlineNanos - System.nanoTime();
        return Duration.ofNanos(Math.max(left, 1_000_000L));
    }

    private static List<String> stringList(JsonNode arr) {
        List<String> out = new ArrayList<>();
        if (arr != null && arr.isArray()) {
            for (JsonNode v : arr) {
                if (v.isTextual()) {
                    out.add(v.asText());
                }
            }
        }
        return out;
    }

    /**
     * Waits for a future the session created. The future enforces the deadline itself; the wait here is a safety
     * net. Unwraps the failure; on interrupt cancels the call and keeps the interrupt flag.
     */
    private <T> T await(CompletableFuture<T> f, Duration timeout) {
        if (f instanceof CallFuture<?> cf) {
            cf.markAwaited(); // only this thread waits on it: its result may be delivered without a thread hop
        }
        try {
            return f.get(timeout.toMillis() + 5_000L, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw unwrap(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            f.cancel(true);
            try {
                f.getNow(null);
            } catch (RuntimeException ex) {
                throw unwrap(ex.getCause() != null ? ex.getCause() : ex);
            }
            throw new McpWasmException("interrupted while waiting for MCP server '" + serverName + "'", e);
        } catch (TimeoutException e) {
            f.cancel(true);
            throw new McpWasmException("MCP server '" + serverName + "': no answer within " + timeout, e);
        }
    }

    private static RuntimeException unwrap(Throwable t) {
        if (t instanceof RuntimeException) {
            return (RuntimeException) t;
        }
        if (t instanceof Error) {
            throw (Error) t;
        }
        return new McpWasmException(String.valueOf(t), t);
    }

    private static void requirePositive(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, got " + d);
        }
    }

    /** One request awaiting its response. */
    private static final class Pending {
        final long id;
        final String method;
        final ObjectNode params;
        final Duration timeout;
        final long deadline;
        final ProgressListener progress;
        final CallFuture<Object> future;
        final Function<JsonNode, Object> decoder;
        final boolean reportTimeout;
        final int round;
        volatile ScheduledFuture<?> timer;

        Pending(long id, String method, ObjectNode params, Duration timeout, long deadline, ProgressListener progress,
                CallFuture<Object> future, Function<JsonNode, Object> decoder, boolean reportTimeout, int round) {
            this.id = id;
            this.method = method;
            this.params = params;
            this.timeout = timeout;
            this.deadline = deadline;
            this.progress = progress;
            this.future = future;
            this.decoder = decoder;
            this.reportTimeout = reportTimeout;
            this.round = round;
        }

        void cancelTimer() {
            ScheduledFuture<?> t = timer;
            if (t != null) {
                t.cancel(false);
            }
        }
    }

    /** A cached, fully paged list that is refreshed when the server announces a change. */
    private final class ListCache<T> {
        private final String method;
        private final String field;
        private final Function<JsonNode, T> decoder;
        private final Consumer<List<T>> onChange;
        private final AtomicReference<CompletableFuture<List<T>>> current = new AtomicReference<>();

        ListCache(String method, String field, Function<JsonNode, T> decoder, Consumer<List<T>> onChange) {
            this.method = method;
            this.field = field;
            this.decoder = decoder;
            this.onChange = onChange;
        }

        List<T> get() {
            CompletableFuture<List<T>> f = current.get();
            boolean started = false;
            while (!started && (f == null || f.isCompletedExceptionally())) {
                CompletableFuture<List<T>> mine = new CompletableFuture<>();
                if (current.compareAndSet(f, mine)) {
                    started = true;
                    fetchAll().whenComplete((list, err) -> {
                        if (err != null) {
                            mine.completeExceptionally(err instanceof java.util.concurrent.CompletionException
                                    && err.getCause() != null ? err.getCause() : err);
                        } else {
                            mine.complete(list);
                        }
                    });
                    f = mine;
                } else {
                    f = current.get();
                }
            }
            return await(f, defaultTimeout);
        }

        void invalidate() {
            current.set(null);
        }

        void refresh() {
            if (serverInfo == null) {
                // Announced before set-up finished: nothing was listed yet; the next get() lists afresh.
                invalidate();
                return;
            }
            CompletableFuture<List<T>> fresh = fetchAll();
            current.set(fresh);
            fresh.whenComplete((list, err) -> {
                if (err != null) {
                    if (terminal.get() == null) {
                        LOG.warn("MCP server '{}': refreshing {} after list_changed failed: {}", serverName, method,
                                err.toString());
                    }
                } else if (current.get() == fresh) {
                    events.execute(() -> safely(() -> onChange.accept(list)));
                }
            });
        }

        private CompletableFuture<List<T>> fetchAll() {
            long deadline = System.nanoTime() + defaultTimeout.toNanos();
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
                return CompletableFuture.failedFuture(new CallTimeoutException(serverName, method, -1,
                        defaultTimeout));
            }
            CallFuture<JsonNode> f = request(method, params, Duration.ofNanos(left), null, r -> {
                Codec.requireObject(r, method + " result");
                return r;
            }, true);
            return f.thenCompose(r -> {
                try {
                    for (JsonNode item : Codec.requiredArray(r, field, method + " result")) {
                        acc.add(decoder.apply(item));
                    }
                } catch (Codec.BadShapeException e) {
                    return CompletableFuture.failedFuture(new ProtocolException(serverName, "malformed " + method
                            + " result: " + e.getMessage()));
                }
                JsonNode next = r.get("nextCursor");
                if (next == null || next.isNull() || (next.isTextual() && next.asText().isEmpty())) {
                    return CompletableFuture.completedFuture(List.copyOf(acc));
                }
                if (!next.isTextual()) {
                    return CompletableFuture.failedFuture(new ProtocolException(serverName, method
                            + " result: nextCursor is not a string"));
                }
                if (!seen.add(next.asText()) || pages + 1 >= MAX_PAGES) {
                    return CompletableFuture.failedFuture(new ProtocolException(serverName, method
                            + " pages loop: cursor '" + next.asText() + "' repeated or more than " + MAX_PAGES
                            + " pages"));
                }
                return page(next.asText(), acc, seen, deadline, pages + 1);
            });
        }
    }

    /** Shared default threads (daemon) for sessions built without an executor or scheduler. */
    private static final class Defaults {
        static final ExecutorService EVENTS = Executors.newCachedThreadPool(daemon("mcpwasm-events"));
        static final ScheduledExecutorService TIMERS = Executors.newSingleThreadScheduledExecutor(
                daemon("mcpwasm-timeouts"));

        private static ThreadFactory daemon(String prefix) {
            AtomicInteger n = new AtomicInteger();
            return r -> {
                Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
                t.setDaemon(true);
                return t;
            };
        }
    }

    /** Builds a {@link McpSession}; fails fast naming a bad argument. */
    public static final class Builder {
        private final String serverName;
        private MessageSender sender;
        private FailureHandler failureHandler;
        private int maxMessageBytes = 4 << 20;
        private Duration defaultTimeout = Duration.ofSeconds(30);
        private Duration discoveryTimeout = Duration.ofSeconds(10);
        private boolean discovery = true;
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
         * @param timeout how long the {@code server/discover} probe waits before assuming a handshake-era server
         *     (default 10 s, never longer than the set-up deadline)
         * @return this builder
         */
        public Builder discoveryTimeout(Duration timeout) {
            requirePositive(timeout, "discoveryTimeout");
            this.discoveryTimeout = timeout;
            return this;
        }

        /**
         * @param enabled whether {@link #initialize} probes with {@code server/discover} first (default true);
         *     false goes straight to the {@code initialize} handshake
         * @return this builder
         */
        public Builder discovery(boolean enabled) {
            this.discovery = enabled;
            return this;
        }

        /** @param executor runs listeners, host handlers and future completions @return this builder */
        public Builder eventExecutor(Executor executor) {
            this.executor = Objects.requireNonNull(executor, "eventExecutor");
            return this;
        }

        /** @param scheduler runs the call deadlines (default: a shared daemon thread) @return this builder */
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
            return new McpSession(this);
        }
    }
}
