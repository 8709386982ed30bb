package io.mcpwasm;

/** Where a {@link McpServer} is in its life. */
public enum ServerState {
    /** The guest is starting and the MCP handshake is under way. */
    STARTING,
    /** Initialized: calls are served. */
    READY,
    /** The guest failed and a new instance is being started (automatic restart, or after an unresponsive call). */
    RESTARTING,
    /** The guest failed and will not be restarted: every call fails with {@link McpServer#failure()}. */
    FAILED,
    /** Closed by the host. */
    CLOSED
}
