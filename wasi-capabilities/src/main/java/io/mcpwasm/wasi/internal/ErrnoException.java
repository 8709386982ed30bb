package io.mcpwasm.wasi.internal;

/**
 * A refused or failed guest operation, carrying the WASI errno the guest will see.
 * Checked, so that every host path that can refuse says so in its signature.
 * The message is for logs and audit only; it never reaches the guest and must not contain host paths.
 */
public final class ErrnoException extends Exception {
    private static final long serialVersionUID = 1L;
    private final int errno;

    public ErrnoException(int errno, String message) {
        super(Errno.name(errno) + ": " + message, null, false, false);
        this.errno = errno;
    }

    public int errno() {
        return errno;
    }
}
