package io.mcpwasm.wasi.internal.fs;

import io.mcpwasm.wasi.internal.Errno;
import io.mcpwasm.wasi.internal.ErrnoException;

/**
 * The read-only rule, worded once: a mutation of a read-only grant (a host directory mounted read-only, the
 * in-memory secret files) is refused with {@code EROFS} and reported, before any path is resolved or the host file
 * system is asked. {@link HostGrant#checkWritable} applies it to host grants; {@link MemoryTree}, which is read-only
 * throughout, refuses every mutation with it.
 */
final class ReadOnlyRule {
    static final String REASON = "the grant is read-only";

    private ReadOnlyRule() {
    }

    /** Reports the refused mutation and returns the exception for the caller to throw. */
    static ErrnoException refusal(FsRefusalListener refusals, String operation, String guestPath) {
        return PathResolver.refuse(refusals, operation, guestPath, Errno.EROFS, REASON);
    }
}
