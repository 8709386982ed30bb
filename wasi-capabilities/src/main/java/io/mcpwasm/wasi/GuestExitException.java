package io.mcpwasm.wasi;

/** Thrown out of the guest when it calls {@code proc_exit}; unwinds the guest's stack to the host. */
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
