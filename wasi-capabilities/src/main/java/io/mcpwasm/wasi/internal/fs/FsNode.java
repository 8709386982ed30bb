package io.mcpwasm.wasi.internal.fs;

import io.mcpwasm.wasi.internal.ErrnoException;

/** An open file or directory inside a grant. */
public interface FsNode extends AutoCloseable {

    FileStat stat() throws ErrnoException;

    /** {@code null} leaves a time unchanged; {@link FsDirectory#NOW} sets the current time. */
    void setTimes(Long atimeNanos, Long mtimeNanos) throws ErrnoException;

    /** True when the grant this node belongs to refuses every mutation. */
    boolean readOnly();

    @Override
    void close();
}
