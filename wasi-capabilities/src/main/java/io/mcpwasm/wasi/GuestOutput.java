package io.mcpwasm.wasi;

/**
 * Where the guest's standard output or standard error goes. Called on the guest's thread for every
 * {@code fd_write}; the bytes are only valid during the call (copy them to keep them).
 *
 * <p>Whatever runtime exception an implementation throws propagates unchanged out of the guest call and
 * unwinds the guest: that is how an embedder stops a guest whose output it refuses (an output limit, a
 * closed transport). A large guest write may reach the sink in several calls of at most 1 MiB each.
 */
@FunctionalInterface
public interface GuestOutput {

    /** Receives {@code len} bytes of {@code b} starting at {@code off}. */
    void write(byte[] b, int off, int len);

    /** Drops everything written. */
    GuestOutput DISCARD = (b, off, len) -> { };
}
