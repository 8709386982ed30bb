package io.mcpwasm.wasi.internal.fs;

import io.mcpwasm.wasi.internal.ErrnoException;
import java.nio.ByteBuffer;

/** An open regular file inside a grant. Writes are charged to the grant's byte quota. */
public interface FsFile extends FsNode {

    /** Reads at {@code position}, or at the current offset (advancing it) when position is -1; -1 at end. */
    int read(ByteBuffer dst, long position) throws ErrnoException;

    /** Writes at {@code position}, or at the current offset (advancing it) when position is -1; honours append mode. */
    int write(ByteBuffer src, long position) throws ErrnoException;

    /** whence: 0 = SET, 1 = CUR, 2 = END (WASI numbering). Returns the new offset. */
    long seek(long offset, int whence) throws ErrnoException;

    long position() throws ErrnoException;

    void setSize(long size) throws ErrnoException;

    void sync() throws ErrnoException;

    boolean append();

    void setAppend(boolean append) throws ErrnoException;
}
