package io.mcpwasm.wasi;

import java.util.List;
import java.util.Objects;

/**
 * A capability that a server's manifest requires was refused by the host policy, so the server cannot start.
 * Thrown by {@link Grants#resolve(Manifest, HostPolicy, AuditListener)} after every decision was made and
 * audited; the message names each refused capability, for example
 * {@code server 'notes': required mount /data is not bound by the host policy}.
 */
public final class CapabilityDeniedException extends McpWasmException {
    private static final long serialVersionUID = 1L;

    private final String serverName;
    private final String capability;
    private final String target;
    private final List<String> denials;

    /**
     * @param serverName the server's name
     * @param capability the kind of the first refused capability ("filesystem", "secret", "network", "clock")
     * @param target     what the first refusal was about (a guest path, a secret name, a host pattern)
     * @param denials    one sentence per refused required capability, at least one
     */
    public CapabilityDeniedException(String serverName, String capability, String target, List<String> denials) {
        super(message(serverName, denials));
        this.serverName = Objects.requireNonNull(serverName, "serverName");
        this.capability = Objects.requireNonNull(capability, "capability");
        this.target = Objects.requireNonNull(target, "target");
        this.denials = List.copyOf(denials);
    }

    private static String message(String server, List<String> denials) {
        if (denials == null || denials.isEmpty()) {
            throw new IllegalArgumentException("denials must name at least one refused capability");
        }
        String prefix = "server '" + server + "': ";
        if (denials.size() == 1) {
            return prefix + denials.get(0);
        }
        return prefix + denials.size() + " required capabilities refused: " + String.join("; ", denials);
    }

    /** The server's name. */
    public String serverName() {
        return serverName;
    }

    /** The kind of the first refused capability, as in {@link AuditEvent#capability()}. */
    public String capability() {
        return capability;
    }

    /** What the first refusal was about, as in {@link AuditEvent#target()}. */
    public String target() {
        return target;
    }

    /** Every refusal, one sentence each, in manifest order. */
    public List<String> denials() {
        return denials;
    }
}
