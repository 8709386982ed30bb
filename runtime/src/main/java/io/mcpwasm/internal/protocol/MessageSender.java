package io.mcpwasm.internal.protocol;

/**
 * Queues one complete JSON-RPC line (UTF-8, ending in {@code '\n'}) on the guest's stdin. Must be thread-safe and
 * must not block; may throw when the guest is gone.
 */
@FunctionalInterface
public interface MessageSender {
    /** @param line the bytes of one message, newline included; the callee may keep the array */
    void send(byte[] line);
}
