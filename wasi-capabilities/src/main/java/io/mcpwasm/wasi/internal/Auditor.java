package io.mcpwasm.wasi.internal;

import io.mcpwasm.wasi.AuditEvent;
import io.mcpwasm.wasi.AuditListener;
import java.time.Instant;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place that turns a decision into an {@link AuditEvent} for the {@link AuditListener} and a line on the
 * {@code io.mcpwasm.audit} logger (INFO for grants, WARN for refusals): the grant decisions, the WASI host's
 * run-time refusals and the HTTP functions' requests all go through it. Callers pass only guest-visible names
 * and host:port targets, never secret values, contents, host paths, query strings, header values or bodies. A
 * listener that throws is logged and ignored.
 */
public final class Auditor {
    private static final Logger AUDIT = LoggerFactory.getLogger("io.mcpwasm.audit");
    private static final Logger LOG = LoggerFactory.getLogger(Auditor.class);

    private final String server;
    private final AuditListener listener;

    /** @return the name of the server this auditor reports for */
    public String serverName() {
        return server;
    }

    public Auditor(String server, AuditListener listener) {
        this.server = Objects.requireNonNull(server, "server");
        this.listener = Objects.requireNonNull(listener, "listener");
    }

    /** Records one grant (INFO). */
    public void granted(String capability, String target, String reason) {
        AUDIT.info("GRANTED server={} capability={} target={} reason={}", server, capability, target, reason);
        emit(capability, target, AuditEvent.Decision.GRANTED, reason);
    }

    /** Records one refusal (WARN). */
    public void denied(String capability, String target, String reason) {
        AUDIT.warn("DENIED server={} capability={} target={} reason={}", server, capability, target, reason);
        emit(capability, target, AuditEvent.Decision.DENIED, reason);
    }

    /** Records one refusal that is the policy's default rather than anything the server asked for (INFO). */
    public void deniedByDefault(String capability, String target, String reason) {
        AUDIT.info("DENIED server={} capability={} target={} reason={}", server, capability, target, reason);
        emit(capability, target, AuditEvent.Decision.DENIED, reason);
    }

    private void emit(String capability, String target, AuditEvent.Decision decision, String reason) {
        try {
            listener.onEvent(new AuditEvent(Instant.now(), server, capability, target, decision, reason));
        } catch (RuntimeException e) {
            LOG.warn("audit listener of server {} threw; event dropped", server, e);
        }
    }
}
