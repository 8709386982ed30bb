package io.mcpwasm.wasi;

import java.time.Instant;
import java.util.Objects;

/**
 * One capability decision: a grant made or refused when a server starts, or an access refused while it runs.
 * Never carries secret values, file contents, request bodies or host paths that the guest did not name.
 *
 * @param time       when the decision was made
 * @param server     the server's name
 * @param capability what kind of capability: "filesystem", "env", "secret", "network", "limit", "clock", "random"
 * @param target     what was asked for: a guest path, an env var name, a secret name, host:port
 * @param decision   granted or denied
 * @param reason     why, in words a user can act on
 */
public record AuditEvent(Instant time, String server, String capability, String target, Decision decision,
                         String reason) {

    /** The outcome of a capability decision. */
    public enum Decision { GRANTED, DENIED }

    public AuditEvent {
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(capability, "capability");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(decision, "decision");
        Objects.requireNonNull(reason, "reason");
    }
}
