package io.mcpwasm.wasi;

import java.util.Objects;

/**
 * A capability the host policy granted cannot be set up on this host, so the guest does not start: a mounted host
 * directory is missing, is not a directory or cannot be opened, or a secret's directory collides with a mount at
 * the same guest path. Unlike {@link CapabilityDeniedException} nothing was refused; the grant itself is unusable.
 * Retrying unchanged fails again: fix the host (create the directory) or the policy. Thrown by
 * {@link WasiHost.Builder#build()}; when the runtime starts a server, it is the cause of the server's start failure
 * ({@code ServerFailedException}, {@code FailureKind.START_FAILED}).
 */
public final class SandboxSetupException extends McpWasmException {
    private static final long serialVersionUID = 1L;

    private final String serverName;

    /**
     * @param serverName the server whose sandbox could not be set up
     * @param message    what could not be set up, naming the guest path
     * @param cause      the underlying failure, or {@code null}
     */
    public SandboxSetupException(String serverName, String message, Throwable cause) {
        super("server '" + Objects.requireNonNull(serverName, "serverName") + "': " + message, cause);
        this.serverName = serverName;
    }

    /** @return the server whose sandbox could not be set up */
    public String serverName() {
        return serverName;
    }
}
