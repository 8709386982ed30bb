package io.mcpwasm;

import io.mcpwasm.wasi.McpWasmException;

/**
 * The server sent something that breaks the MCP / JSON-RPC protocol: a result of the wrong shape, a protocol
 * version mcpwasm does not speak, a paging cursor that loops, and the like. The message names the server.
 */
public final class ProtocolException extends McpWasmException {
    private static final long serialVersionUID = 1L;
    private final String serverName;

    /**
     * @param serverName the offending server's name
     * @param message what was wrong
     */
    public ProtocolException(String serverName, String message) {
        this(serverName, message, null);
    }

    /**
     * @param serverName the offending server's name
     * @param message what was wrong
     * @param cause the underlying exception, or {@code null}
     */
    public ProtocolException(String serverName, String message, Throwable cause) {
        super("MCP server '" + serverName + "': " + message, cause);
        this.serverName = serverName;
    }

    /** @return the offending server's name */
    public String serverName() {
        return serverName;
    }
}
