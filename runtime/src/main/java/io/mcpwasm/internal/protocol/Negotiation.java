package io.mcpwasm.internal.protocol;

import static io.mcpwasm.internal.protocol.JsonRpcChannel.MAPPER;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mcpwasm.CallTimeoutException;
import io.mcpwasm.McpErrorException;
import io.mcpwasm.ProtocolException;
import io.mcpwasm.ServerInfo;
import io.mcpwasm.ServerOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Protocol negotiation over one guest process, driven by the host's preference list of revisions (see
 * {@code ServerOptions.protocolVersions}). The handshake revisions in the list (2025-11-25 and older) are one
 * step: {@code initialize} requesting the first of them, accepting an answer with any of them. 2026-07-28 is the
 * other step: the {@code server/discover} probe, after which there is no handshake (the protocol version, client
 * info and client capabilities ride in every request's {@code _meta}). The steps are tried in the order the list
 * names them.
 *
 * <p>A step moves on to the next only when the server <em>answered</em> it: a JSON-RPC error, a discover result
 * that does not list 2026-07-28, or an {@code UnsupportedProtocolVersionError}. A step the server did not answer
 * within the set-up deadline ends the set-up with {@link CallTimeoutException}: a slow guest may still answer it,
 * and a second handshake sent to it then breaks the session (go-sdk answers a later {@code initialize} with
 * {@code duplicate "initialize" received}, because its {@code server/discover} already set the session up).
 */
final class Negotiation {
    /** The stateless revision, set up with {@code server/discover}. */
    static final String STATELESS_VERSION = "2026-07-28";
    /** The handshake revisions this client speaks, newest first. */
    static final List<String> HANDSHAKE_VERSIONS = List.of("2025-11-25", "2025-06-18", "2025-03-26",
            "2024-11-05");
    /** JSON-RPC error code of {@code UnsupportedProtocolVersionError} (2026-07-28). */
    static final int UNSUPPORTED_PROTOCOL_VERSION = -32022;
    static final String META_PROTOCOL_VERSION = "io.modelcontextprotocol/protocolVersion";
    static final String META_CLIENT_INFO = "io.modelcontextprotocol/clientInfo";
    static final String META_CLIENT_CAPABILITIES = "io.modelcontextprotocol/clientCapabilities";
    static final String META_SERVER_INFO = "io.modelcontextprotocol/serverInfo";
    static final String META_LOG_LEVEL = "io.modelcontextprotocol/logLevel";
    private static final Logger LOG = LoggerFactory.getLogger(Negotiation.class);

    private final JsonRpcChannel channel;
    private final String serverName;
    private final List<String> preference;
    private final String clientVersion;
    private final Supplier<ObjectNode> capabilities;
    private volatile boolean stateless;
    private volatile ServerInfo serverInfo;
    private volatile String logLevel;

    /**
     * @param preference the revisions the host accepts, most wanted first (checked by {@link #checkPreference})
     * @param capabilities the client capabilities to declare
     */
    Negotiation(JsonRpcChannel channel, List<String> preference, String clientVersion,
            Supplier<ObjectNode> capabilities) {
        this.channel = channel;
        this.serverName = channel.serverName();
        this.preference = List.copyOf(checkPreference(preference));
        this.clientVersion = clientVersion;
        this.capabilities = capabilities;
    }

    /**
     * @param preference a preference list of protocol revisions
     * @return it, when it is non-empty, has no duplicates and names only revisions this client speaks
     * @throws IllegalArgumentException naming the first bad entry
     */
    static List<String> checkPreference(List<String> preference) {
        if (preference == null || preference.isEmpty()) {
            throw new IllegalArgumentException("protocolVersions must name at least one revision (supported: "
                    + ServerOptions.SUPPORTED_PROTOCOL_VERSIONS + ")");
        }
        Set<String> seen = new HashSet<>();
        for (String v : preference) {
            if (v == null || !ServerOptions.SUPPORTED_PROTOCOL_VERSIONS.contains(v)) {
                throw new IllegalArgumentException("unknown MCP protocol revision '" + v + "' (supported: "
                        + ServerOptions.SUPPORTED_PROTOCOL_VERSIONS + ")");
            }
            if (!seen.add(v)) {
                throw new IllegalArgumentException("protocol revision '" + v + "' is listed twice");
            }
        }
        return preference;
    }

    /** @return whether the session speaks the stateless 2026-07-28 revision */
    boolean isStateless() {
        return stateless;
    }

    /** @return what the server said at set-up, or {@code null} before set-up succeeded */
    ServerInfo serverInfo() {
        return serverInfo;
    }

    /**
     * Sets the session up, trying the preference list's steps in order (see the class comment). Blocks.
     *
     * @param timeout the deadline for the whole set-up, every step included
     */
    ServerInfo initialize(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<String> handshake = new ArrayList<>(preference);
        handshake.remove(STATELESS_VERSION);
        boolean discoverFirst = STATELESS_VERSION.equals(preference.get(0));
        boolean discover = preference.contains(STATELESS_VERSION);
        if (discoverFirst || handshake.isEmpty()) {
            ServerInfo info = discover(handshake, deadline, "");
            if (info != null) {
                return info;
            }
            // answered without 2026-07-28: handshake now holds the versions both sides speak
            return handshake(handshake, deadline, false);
        }
        return handshake(handshake, deadline, discover);
    }

    /**
     * The {@code server/discover} step.
     *
     * @param handshake the handshake versions still to try; narrowed to what the server lists, when it lists any
     * @return the stateless session's info, or {@code null} when the server answered that it does not speak
     *     2026-07-28 and {@code handshake} is left non-empty
     */
    private ServerInfo discover(List<String> handshake, long deadline, String earlier) {
        Duration left = remaining(deadline);
        ObjectNode params = MAPPER.createObjectNode();
        addModernMeta(params);
        String refusal;
        List<String> supported = null;
        try {
            JsonNode result = channel.await(channel.request("server/discover", params, left, null, r -> r, false),
                    left);
            JsonNode versions = result == null ? null : result.get("supportedVersions");
            if (versions != null && versions.isArray()) {
                supported = stringList(versions);
                if (supported.contains(STATELESS_VERSION)) {
                    ServerInfo info = discoverInfo(result);
                    stateless = true;
                    serverInfo = info;
                    LOG.debug("MCP server '{}' speaks {} (stateless)", serverName, STATELESS_VERSION);
                    return info;
                }
                refusal = "its server/discover result lists " + supported;
            } else {
                refusal = "its server/discover result has no supportedVersions";
            }
        } catch (McpErrorException e) {
            if (isUnsupportedVersion(e)) {
                supported = stringList(e.data().get("supported"));
                refusal = "it answered server/discover with UnsupportedProtocolVersionError listing " + supported;
            } else {
                refusal = "it answered server/discover with error " + e.code() + " (" + e.errorMessage() + ")";
            }
        }
        if (supported != null) {
            handshake.retainAll(supported);
        }
        if (handshake.isEmpty()) {
            throw new ProtocolException(serverName, "speaks none of the protocol revisions this host accepts ("
                    + earlier + refusal + "; accepted: " + preference + ")");
        }
        LOG.debug("MCP server '{}' does not speak {}: {}; trying the initialize handshake", serverName,
                STATELESS_VERSION, refusal);
        return null;
    }

    /**
     * The {@code initialize} step.
     *
     * @param accepted the handshake versions accepted; the first is the one requested
     * @param thenDiscover whether the discover step follows when the server refuses {@code initialize} with an
     *     error
     */
    private ServerInfo handshake(List<String> accepted, long deadline, boolean thenDiscover) {
        Duration left = remaining(deadline);
        ObjectNode params = MAPPER.createObjectNode();
        params.put("protocolVersion", accepted.get(0));
        params.set("capabilities", capabilities.get());
        params.set("clientInfo", clientInfo());
        JsonNode result;
        try {
            result = channel.await(channel.request("initialize", params, left, null, r -> r, true), left);
        } catch (McpErrorException e) {
            if (!thenDiscover) {
                throw e;
            }
            LOG.debug("MCP server '{}' refused initialize with error {} ({}); trying server/discover", serverName,
                    e.code(), e.errorMessage());
            return discover(new ArrayList<>(), deadline, "it answered initialize with error " + e.code() + " ("
                    + e.errorMessage() + "), ");
        }
        JsonNode pv = result.get("protocolVersion");
        if (pv == null || !pv.isTextual()) {
            throw new ProtocolException(serverName, "initialize result has no protocolVersion");
        }
        if (!accepted.contains(pv.asText())) {
            throw new ProtocolException(serverName, "answered initialize with protocol version '" + pv.asText()
                    + "', which this host does not accept (accepted: " + accepted + ")");
        }
        ServerInfo info = serverInfo(pv.asText(), result.get("serverInfo"), result, true, "initialize result");
        channel.notify("notifications/initialized", null);
        serverInfo = info;
        LOG.debug("MCP server '{}' initialized with protocol {}", serverName, pv.asText());
        return info;
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

    private ObjectNode clientInfo() {
        ObjectNode info = MAPPER.createObjectNode();
        info.put("name", "mcpwasm");
        info.put("version", clientVersion);
        return info;
    }

    /** Adds what every stateless request carries in {@code _meta}: protocol version, client info, capabilities. */
    void addModernMeta(ObjectNode params) {
        ObjectNode meta = params.withObjectProperty("_meta");
        meta.put(META_PROTOCOL_VERSION, STATELESS_VERSION);
        meta.set(META_CLIENT_INFO, clientInfo());
        meta.set(META_CLIENT_CAPABILITIES, capabilities.get());
        String level = logLevel;
        if (level != null) {
            meta.put(META_LOG_LEVEL, level);
        }
    }

    /**
     * The 2026-07-28 revision has no {@code logging/setLevel}: the level the host wants rides in every request's
     * {@code _meta} from now on.
     */
    void logLevel(String level) {
        this.logLevel = level;
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
}
