package io.mcpwasm;

import io.mcpwasm.wasi.McpWasmException;
import java.util.Objects;

/**
 * The server is unusable: its guest failed (trap, exit, stack or memory exhaustion), it sent traffic that breaks
 * the protocol, or it was closed. Every call pending on the server fails with this exception, and so does every
 * later call.
 */
public final class ServerFailedException extends McpWasmException {
    private static final long serialVersionUID = 1L;
    private final String serverName;
    private final FailureKind kind;

    /**
     * @param serverName the server's name
     * @param kind what went wrong
     * @param message a human-readable description
     * @param cause the underlying exception, or {@code null}
     */
    public ServerFailedException(String serverName, FailureKind kind, String message, Throwable cause) {
        super("MCP server '" + serverName + "' failed (" + Objects.requireNonNull(kind, "kind") + "): " + message,
                cause);
        this.serverName = serverName;
        this.kind = kind;
    }

    /** @return the name of the failed server */
    public String serverName() {
        return serverName;
    }

    /** @return what went wrong */
    public FailureKind kind() {
        return kind;
    }
}
