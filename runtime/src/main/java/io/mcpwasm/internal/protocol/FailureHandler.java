package io.mcpwasm.internal.protocol;

import io.mcpwasm.FailureKind;

/**
 * Told once when the guest's traffic breaks the protocol (malformed JSON, a message over the size limit, a
 * response to an id never issued, a message that is not a JSON-RPC object). Called on the thread that delivered
 * the bad line (the guest thread) before any pending call is failed, so that its owner can record the failure
 * first; it must not block. The session then fails every pending call (unless the handler already did).
 */
@FunctionalInterface
public interface FailureHandler {
    /**
     * @param kind what was wrong
     * @param message what was wrong, without the server's name
     * @param cause the underlying exception, or {@code null}
     */
    void onFailure(FailureKind kind, String message, Throwable cause);
}
