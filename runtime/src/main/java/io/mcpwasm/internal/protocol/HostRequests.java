package io.mcpwasm.internal.protocol;

import static io.mcpwasm.internal.protocol.JsonRpcChannel.MAPPER;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mcpwasm.CallTimeoutException;
import io.mcpwasm.ElicitationHandler;
import io.mcpwasm.HostHandlerException;
import io.mcpwasm.McpErrorException;
import io.mcpwasm.RootsHandler;
import io.mcpwasm.SamplingHandler;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Requests the server makes of the host ({@code roots/list}, {@code sampling/createMessage},
 * {@code elicitation/create}, {@code ping}), answered by one set of host handlers on both paths: as JSON-RPC
 * requests (2025-11-25 and older), and as the input requests of a 2026-07-28 multi round-trip result
 * ({@code input_required}), after which the original request is sent again with the answers. At most
 * {@link #MAX_IN_FLIGHT} requests are worked on at once; the server learns of the excess from an error answer.
 */
final class HostRequests {
    private static final Logger LOG = LoggerFactory.getLogger(HostRequests.class);
    private static final int MAX_INPUT_ROUNDS = 16;
    /**
     * How many of the server's requests the host handlers work on at once (and how many input requests one
     * {@code input_required} result may carry); a request past it is answered at once with {@link #TOO_MANY}.
     */
    static final int MAX_IN_FLIGHT = 16;
    /** JSON-RPC error code (implementation-defined server error range) for a request over {@link #MAX_IN_FLIGHT}. */
    static final int TOO_MANY = -32000;
    private static final Set<String> MRTR_METHODS = Set.of("tools/call", "prompts/get", "resources/read");

    private final JsonRpcChannel channel;
    private final RootsHandler rootsHandler;
    private final SamplingHandler samplingHandler;
    private final ElicitationHandler elicitationHandler;
    private final ConcurrentHashMap<String, AtomicBoolean> inFlight = new ConcurrentHashMap<>();
    private final AtomicInteger running = new AtomicInteger();
    private final FloodGuard refused;

    HostRequests(JsonRpcChannel channel, RootsHandler roots, SamplingHandler sampling,
            ElicitationHandler elicitation) {
        this.channel = channel;
        this.rootsHandler = roots;
        this.samplingHandler = sampling;
        this.elicitationHandler = elicitation;
        this.refused = new FloodGuard(channel.serverName(), "requests to the host (answered with an error)", 0);
    }

    /** @return the client capabilities the configured handlers declare */
    ObjectNode capabilities() {
        ObjectNode caps = MAPPER.createObjectNode();
        if (rootsHandler != null) {
            caps.putObject("roots");
        }
        if (samplingHandler != null) {
            caps.putObject("sampling");
        }
        if (elicitationHandler != null) {
            ObjectNode elicitation = caps.putObject("elicitation");
            elicitation.putObject("form");
            elicitation.putObject("url");
        }
        return caps;
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

    /** A JSON-RPC request from the server: answered on the event executor by the handler for its method. */
    void onRequest(JsonNode id, String method, JsonNode params) {
        JsonNode p = params != null ? params : MAPPER.createObjectNode();
        if ("ping".equals(method)) {
            channel.respond(id, MAPPER.createObjectNode());
            return;
        }
        HostCall call = hostCall(method);
        if (call == null) {
            channel.respondError(id, JsonRpcChannel.METHOD_NOT_FOUND, "Method not found: " + method, null);
            return;
        }
        if (running.incrementAndGet() > MAX_IN_FLIGHT) {
            running.decrementAndGet();
            refused.drop();
            channel.respondError(id, TOO_MANY, "Too many requests in flight: the host answers at most "
                    + MAX_IN_FLIGHT + " at once", null);
            return;
        }
        String key = id.asText();
        AtomicBoolean cancelled = new AtomicBoolean();
        inFlight.put(key, cancelled);
        channel.runOnExecutor(() -> {
            try {
                JsonNode result = call.handle(p);
                if (!cancelled.get()) {
                    channel.respond(id, result != null ? result : MAPPER.createObjectNode());
                }
            } catch (McpErrorException e) {
                if (!cancelled.get()) {
                    channel.respondError(id, e.code(), e.errorMessage(), e.data());
                }
            } catch (Exception e) {
                LOG.warn("host handler for {} from MCP server '{}' failed", method, channel.serverName(), e);
                if (!cancelled.get()) {
                    // the guest is untrusted: tell it nothing about the host's exception
                    channel.respondError(id, JsonRpcChannel.INTERNAL_ERROR,
                            "Internal error in the host's " + method + " handler", null);
                }
            } finally {
                inFlight.remove(key, cancelled);
                running.decrementAndGet();
            }
        });
    }

    /** The server cancelled its request {@code requestId}: its answer, when the handler returns, is not sent. */
    void cancelled(String requestId) {
        AtomicBoolean flag = inFlight.get(requestId);
        if (flag != null) {
            flag.set(true);
        }
    }

    /** @return whether {@code result} is a 2026-07-28 {@code input_required} result */
    static boolean isInputRequired(JsonNode result) {
        return result != null && "input_required".equals(result.path("resultType").asText());
    }

    /**
     * 2026-07-28 multi round-trip request: the server answered {@code input_required}. Runs on the event executor:
     * answers every input request with the host handler for its method, then sends the original request again
     * (a new id) with {@code inputResponses} and the echoed {@code requestState}, within the original deadline.
     */
    void continueWithInput(JsonRpcChannel.Pending p, JsonNode result) {
        JsonRpcChannel.Exchange ex = p.exchange;
        if (!MRTR_METHODS.contains(ex.method)) {
            throw new Codec.BadShapeException("input_required is not allowed for " + ex.method);
        }
        if (p.round + 1 >= MAX_INPUT_ROUNDS) {
            throw new Codec.BadShapeException("still input_required after " + MAX_INPUT_ROUNDS + " rounds");
        }
        JsonNode requests = result.get("inputRequests");
        JsonNode state = result.get("requestState");
        boolean hasRequests = requests != null && requests.isObject() && !requests.isEmpty();
        if (hasRequests && requests.size() > MAX_IN_FLIGHT) {
            throw new Codec.BadShapeException("input_required result carries " + requests.size()
                    + " input requests; the host answers at most " + MAX_IN_FLIGHT);
        }
        if (!hasRequests && (state == null || !state.isTextual())) {
            throw new Codec.BadShapeException("input_required result has neither inputRequests nor requestState");
        }
        ObjectNode responses = MAPPER.createObjectNode();
        if (hasRequests) {
            var fields = requests.properties().iterator();
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
                    throw new HostHandlerException(channel.serverName(), method, e);
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
        if (ex.future.isDone()) {
            return;
        }
        if (ex.deadline - System.nanoTime() <= 0) {
            ex.future.fail(new CallTimeoutException(channel.serverName(), ex.method, p.id, ex.timeout));
            return;
        }
        channel.sendRound(ex, params, p.round + 1);
    }
}
