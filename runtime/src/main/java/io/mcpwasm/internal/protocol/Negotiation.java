package io.mcpwasm.internal.protocol;

import static io.mcpwasm.internal.protocol.JsonRpcChannel.MAPPER;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mcpwasm.CallTimeoutException;
import io.mcpwasm.McpErrorException;
import io.mcpwasm.ProtocolException;
import io.mcpwasm.ServerInfo;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Protocol negotiation, following the 2026-07-28 backward-compatibility rules for stdio: probe with
 * {@code server/discover}; a result listing 2026-07-28 selects the stateless revision (no handshake, the protocol
 * version, client info and client capabilities ride in every request's {@code _meta}); an
 * {@code UnsupportedProtocolVersionError} means a modern server without our version; any other error, or no answer
 * within the probe timeout, means a handshake-era server, which gets the {@code initialize} handshake
 * (2025-11-25, accepting 2025-06-18, 2025-03-26 and 2024-11-05 answers). Holds the outcome: the revision and what
 * the server said about itself.
 */
final class Negotiation {
    /** The stateless revision, set up with {@code server/discover}. */
    static final String STATELESS_VERSION = "2026-07-28";
    /** The handshake revisions this client speaks, newest first; the first is the one requested. */
    static final List<String> HANDSHAKE_VERSIONS = List.of("2025-11-25", "2025-06-18", "2025-03-26",
            "2024-11-05");
    /** JSON-RPC error code of {@code UnsupportedProtocolVersionError} (2026-07-28). */
    static final int UNSUPPORTED_PROTOCOL_VERSION = -32022;
    static final String META_PROTOCOL_VERSION = "io.modelcontextprotocol/protocolVersion";
    static final String META_CLIENT_INFO = "io.modelcontextprotocol/clientInfo";
    static final String META_CLIENT_CAPABILITIES = "io.modelcontextprotocol/clientCapabilities";
    static final String META_SERVER_INFO = "io.modelcontextprotocol/serverInfo";
    private static final Logger LOG = LoggerFactory.getLogger(Negotiation.class);

    private final JsonRpcChannel channel;
    private final String serverName;
    private final boolean discovery;
    private final Duration discoveryTimeout;
    private final String clientVersion;
    private final Supplier<ObjectNode> capabilities;
    private volatile boolean stateless;
    private volatile ServerInfo serverInfo;

    /**
     * @param discovery whether to probe with {@code server/discover} first
     * @param capabilities the client capabilities to declare
     */
    Negotiation(JsonRpcChannel channel, boolean discovery, Duration discoveryTimeout, String clientVersion,
            Supplier<ObjectNode> capabilities) {
        this.channel = channel;
        this.serverName = channel.serverName();
        this.discovery = discovery;
        this.discoveryTimeout = discoveryTimeout;
        this.clientVersion = clientVersion;
        this.capabilities = capabilities;
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
     * Sets the session up: {@code server/discover} probe, then either the stateless revision or the
     * {@code initialize} handshake followed by {@code notifications/initialized}. Blocks.
     */
    ServerInfo initialize(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<String> handshakeCandidates = HANDSHAKE_VERSIONS;
        if (discovery) {
            Duration half = timeout.dividedBy(2);
            Duration probe = discoveryTimeout.compareTo(half) < 0 ? discoveryTimeout : half;
            ObjectNode params = MAPPER.createObjectNode();
            addModernMeta(params);
            CallFuture<JsonNode> f = channel.request("server/discover", params, probe, null, r -> r, false);
            try {
                JsonNode result = channel.await(f, probe);
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
        params.set("capabilities", capabilities.get());
        params.set("clientInfo", clientInfo());
        JsonNode result = channel.await(channel.request("initialize", params, timeout, null, r -> r, true),
                timeout);
        JsonNode pv = result.get("protocolVersion");
        if (pv == null || !pv.isTextual()) {
            throw new ProtocolException(serverName, "initialize result has no protocolVersion");
        }
        if (!HANDSHAKE_VERSIONS.contains(pv.asText())) {
            throw new ProtocolException(serverName, "answered initialize with protocol version '" + pv.asText()
                    + "', which this client does not support (supported: " + HANDSHAKE_VERSIONS + ")");
        }
        ServerInfo info = serverInfo(pv.asText(), result.get("serverInfo"), result, true, "initialize result");
        channel.notify("notifications/initialized", null);
        serverInfo = info;
        LOG.debug("MCP server '{}' initialized with protocol {}", serverName, pv.asText());
        return info;
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
