package io.mcpwasm;

import io.mcpwasm.wasi.McpWasmException;
import java.util.Objects;

/**
 * A handler of the host ({@link SamplingHandler}, {@link ElicitationHandler}, {@link RootsHandler}) threw a checked
 * exception while answering a request the server made in the middle of a call (the multi round-trip path, where
 * the handler's answer is part of the call). The call fails with this exception; {@link #getCause()} is the
 * handler's own failure. (An unchecked exception of a handler fails the call unchanged; on the path where the
 * server sends its request separately, a handler's failure is answered to the server as a JSON-RPC error.)
 */
public final class HostHandlerException extends McpWasmException {
    private static final long serialVersionUID = 1L;
    private final String serverName;
    private final String method;

    /**
     * @param serverName the server whose request the handler answered
     * @param method the server's request method, e.g. {@code sampling/createMessage}
     * @param cause the handler's failure
     */
    public HostHandlerException(String serverName, String method, Throwable cause) {
        super("MCP server '" + serverName + "': host handler for " + method + " failed: " + cause, cause);
        this.serverName = Objects.requireNonNull(serverName, "serverName");
        this.method = Objects.requireNonNull(method, "method");
    }

    /** @return the server whose request the handler answered */
    public String serverName() {
        return serverName;
    }

    /** @return the server's request method the handler was answering */
    public String method() {
        return method;
    }
}
