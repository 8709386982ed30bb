package io.mcpwasm.wasi;

/**
 * Receives every {@link AuditEvent}. Called on the thread that made the decision (often the guest's
 * thread): keep it fast and never throw; an exception is logged and swallowed.
 */
@FunctionalInterface
public interface AuditListener {
    void onEvent(AuditEvent event);

    /** A listener that drops every event (events are still logged through slf4j). */
    AuditListener NONE = e -> { };
}
