package io.mcpwasm.wasi.http;

import io.mcpwasm.wasi.AuditEvent;
import io.mcpwasm.wasi.AuditListener;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Emits {@code network} audit events to the listener and the {@code io.mcpwasm.audit} logger. Callers pass
 * host:port targets and reasons made of method, scheme, status and byte counts only: never paths, query
 * strings, header values or bodies.
 */
final class NetworkAudit {
    private static final Logger AUDIT = LoggerFactory.getLogger("io.mcpwasm.audit");
    private static final Logger LOG = LoggerFactory.getLogger(NetworkAudit.class);
    static final String CAPABILITY = "network";

    private final String server;
    private final AuditListener listener;

    NetworkAudit(String server, AuditListener listener) {
        this.server = server;
        this.listener = listener;
    }

    void granted(String target, String reason) {
        AUDIT.info("GRANTED server={} capability=network target={} reason={}", server, target, reason);
        emit(target, AuditEvent.Decision.GRANTED, reason);
    }

    void denied(String target, String reason) {
        AUDIT.warn("DENIED server={} capability=network target={} reason={}", server, target, reason);
        emit(target, AuditEvent.Decision.DENIED, reason);
    }

    private void emit(String target, AuditEvent.Decision decision, String reason) {
        try {
            listener.onEvent(new AuditEvent(Instant.now(), server, CAPABILITY, target, decision, reason));
        } catch (RuntimeException e) {
            LOG.warn("audit listener of server {} threw; event dropped", server, e);
        }
    }
}
