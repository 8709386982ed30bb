package io.mcpwasm.internal.protocol;

import io.mcpwasm.FailureKind;

/**
 * Told once when the guest's traffic breaks the protocol (malformed JSON, a message over the size limit, a
 * response to an id never issued, a message that is not a JSON-RPC object). Called on the thread that delivered
 * the bad line (the guest thread) after every pending call was failed; it must not block.
 */
@FunctionalInterface
public interface FailureHandler {
    /**
     * @param kind what was wrong
     * @param message a description naming the server
     * @param cause the underlying exception, or {@code null}
     */
    void onFailure(FailureKind kind, String message, Throwable cause);
}
