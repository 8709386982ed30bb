package io.mcpwasm;

import io.mcpwasm.wasi.McpWasmException;
import java.util.Objects;

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
     * For a wait that was abandoned before any request was sent (an interrupt while the server starts) or whose
     * request is not known to the waiting thread.
     *
     * @param serverName the server that was waited for
     * @param message what was cancelled
     * @param cause the interrupt that cancelled it, or {@code null}
     */
    public CallCancelledException(String serverName, String message, Throwable cause) {
        super(message, cause);
        this.serverName = Objects.requireNonNull(serverName, "serverName");
        this.method = null;
        this.requestId = -1;
    }

    /** @return the server the request went (or was to go) to */
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
