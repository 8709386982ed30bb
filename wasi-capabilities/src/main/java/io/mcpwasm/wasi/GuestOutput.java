package io.mcpwasm.wasi;

/**
 * Where the guest's standard output or standard error goes. Called on the guest's thread for every
 * {@code fd_write}; the bytes are only valid during the call (copy them to keep them).
 *
 * <p>An implementation may throw {@link McpWasmException} to stop the guest (for example when an output
 * limit is exceeded): it propagates out of the guest call. Any other runtime exception is logged and the
 * guest's write fails with {@code EIO}.
 */
@FunctionalInterface
public interface GuestOutput {

    /** Receives {@code len} bytes of {@code b} starting at {@code off}. */
    void write(byte[] b, int off, int len);

    /** Drops everything written. */
    GuestOutput DISCARD = (b, off, len) -> { };
}
