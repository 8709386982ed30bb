package io.mcpwasm;

import io.mcpwasm.wasi.McpWasmException;

/**
 * The caller cancelled a request (by cancelling its future or interrupting the waiting thread). The host sent
 * {@code notifications/cancelled} for it; a late answer is ignored.
 */
public final class CallCancelledException extends McpWasmException {
    private static final long serialVersionUID = 1L;
    private final String serverName;
    private final String method;
    private final long requestId;

    /**
     * @param serverName the server the request went to
     * @param method the request method
     * @param requestId the JSON-RPC id of the request
     */
    public CallCancelledException(String serverName, String method, long requestId) {
        super("call " + method + " (request " + requestId + ") to MCP server '" + serverName + "' was cancelled");
        this.serverName = serverName;
        this.method = method;
        this.requestId = requestId;
    }

    /**
     * For a wait that was abandoned before any request was sent (for example an interrupt while a server starts).
     *
     * @param message what was cancelled
     */
    public CallCancelledException(String message) {
        super(message);
        this.serverName = null;
        this.method = null;
        this.requestId = -1;
    }

    /** @return the server the request went to, or {@code null} when no request was sent */
    public String serverName() {
        return serverName;
    }

    /** @return the request method, or {@code null} when no request was sent */
    public String method() {
        return method;
    }

    /** @return the JSON-RPC id of the request, or -1 when no request was sent */
    public long requestId() {
        return requestId;
    }
}
