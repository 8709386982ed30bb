package io.mcpwasm;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;

/**
 * What a server said about itself when the session was set up.
 *
 * @param protocolVersion the MCP revision in use, e.g. {@code "2025-11-25"} or {@code "2026-07-28"}
 * @param name the server implementation's name
 * @param version the server implementation's version
 * @param title a display title, or {@code null}
 * @param instructions usage instructions for a model, or {@code null}
 * @param capabilities the server's capabilities object as sent (never {@code null}; empty object when absent)
 * @param legacyHandshake {@code true} when the session was set up with the {@code initialize} handshake (revisions
 *     up to 2025-11-25), {@code false} for the stateless 2026-07-28 revision found through {@code server/discover}
 */
public record ServerInfo(String protocolVersion, String name, String version, String title, String instructions,
        JsonNode capabilities, boolean legacyHandshake) {
    /** Checks the required members. */
    public ServerInfo {
        Objects.requireNonNull(protocolVersion, "protocolVersion");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(capabilities, "capabilities");
    }

    /**
     * @param capability a top-level capability name such as {@code "tools"}
     * @return whether the server declared it
     */
    public boolean hasCapability(String capability) {
        return capabilities.has(capability);
    }
}
