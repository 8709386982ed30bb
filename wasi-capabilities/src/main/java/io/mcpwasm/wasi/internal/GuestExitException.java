package io.mcpwasm.wasi.internal;

import io.mcpwasm.wasi.McpWasmException;

/**
 * Thrown out of the guest when it calls {@code proc_exit}; unwinds the guest's stack to the host. Control flow
 * between the WASI host and the runtime (which turns it into the server's exit status), not an exception of the
 * API: callers of the runtime never see it.
 */
public final class GuestExitException extends McpWasmException {
    private static final long serialVersionUID = 1L;
    private final int exitCode;

    public GuestExitException(int exitCode) {
        super("guest exited with code " + exitCode);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}
