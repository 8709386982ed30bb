package io.mcpwasm.wasi.internal;

import io.mcpwasm.wasi.AuditEvent;
import io.mcpwasm.wasi.AuditListener;
import java.time.Instant;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns refused accesses into {@link AuditEvent}s for the {@link AuditListener} and a line on the
 * {@code io.mcpwasm.audit} logger. Callers pass only guest-visible names, never secret values or contents.
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

    /** Records one refused access. */
    public void denied(String capability, String target, String reason) {
        AuditEvent event = new AuditEvent(Instant.now(), server, capability, target, AuditEvent.Decision.DENIED,
            reason);
        AUDIT.warn("DENIED server={} capability={} target={} reason={}", server, capability, target, reason);
        try {
            listener.onEvent(event);
        } catch (RuntimeException e) {
            LOG.warn("audit listener of server {} threw; event dropped", server, e);
        }
    }
}
