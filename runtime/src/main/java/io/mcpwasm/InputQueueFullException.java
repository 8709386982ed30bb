package io.mcpwasm;

import io.mcpwasm.wasi.McpWasmException;

/**
 * A message for a server was refused because the input queued for its guest, and not yet read by it, would exceed
 * {@link ServerOptions#maxQueuedInputBytes()}: the guest is not keeping up with (or has stopped reading) its input.
 * The call fails at once instead of queueing; nothing was sent. A guest that stays this way past its call timeout
 * is restarted as unresponsive.
 */
public final class InputQueueFullException extends McpWasmException {
    private static final long serialVersionUID = 1L;
    private final String serverName;
    private final long queuedBytes;
    private final long limit;

    /**
     * @param serverName the server whose input is full
     * @param messageBytes the size of the refused message
     * @param queuedBytes the unread bytes already queued
     * @param limit the bound
     */
    public InputQueueFullException(String serverName, long messageBytes, long queuedBytes, long limit) {
        super("MCP server '" + serverName + "' has " + queuedBytes + " bytes of unread input; a message of "
                + messageBytes + " bytes more would exceed its limit of " + limit
                + " bytes (ServerOptions.maxQueuedInputBytes)");
        this.serverName = serverName;
        this.queuedBytes = queuedBytes;
        this.limit = limit;
    }

    /** @return the server whose input is full */
    public String serverName() {
        return serverName;
    }

    /** @return the unread bytes that were queued when the message was refused */
    public long queuedBytes() {
        return queuedBytes;
    }

    /** @return the bound, {@link ServerOptions#maxQueuedInputBytes()} */
    public long limit() {
        return limit;
    }
}
