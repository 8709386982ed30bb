package io.mcpwasm;

import io.mcpwasm.wasi.McpWasmException;
import java.time.Duration;

/**
 * A request got no answer before its deadline. The host sent {@code notifications/cancelled} for it; a late
 * answer is ignored.
 */
public final class CallTimeoutException extends McpWasmException {
    private static final long serialVersionUID = 1L;
    private final String serverName;
    private final String method;
    private final long requestId;
    private final Duration timeout;

    /**
     * @param serverName the server that did not answer
     * @param method the request method
     * @param requestId the JSON-RPC id of the request
     * @param timeout the deadline that expired
     */
    public CallTimeoutException(String serverName, String method, long requestId, Duration timeout) {
        super("MCP server '" + serverName + "' did not answer " + method + " (request " + requestId + ") within "
                + timeout);
        this.serverName = serverName;
        this.method = method;
        this.requestId = requestId;
        this.timeout = timeout;
    }

    /** @return the server that did not answer */
    public String serverName() {
        return serverName;
    }

    /** @return the request method */
    public String method() {
        return method;
    }

    /** @return the JSON-RPC id of the request */
    public long requestId() {
        return requestId;
    }

    /** @return the deadline that expired */
    public Duration timeout() {
        return timeout;
    }
}
