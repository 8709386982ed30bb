package io.mcpwasm.wasi.internal.fs;

import io.mcpwasm.wasi.internal.ErrnoException;
import java.io.Closeable;
import java.util.List;

/**
 * An open directory inside one grant. Holding it is the permission: every path is relative to it,
 * resolved component by component by {@code PathResolver}, and can never name anything outside the grant.
 *
 * <p>Paths are guest strings ("a/b/../c"). An absolute path, a {@code ..} that would climb above the grant
 * root, or a symlink whose target leaves the grant fails with {@code ENOTCAPABLE} (or {@code EPERM} where
 * WASI asks for it). {@code followFinal} controls only the last component; intermediate symlinks are always
 * followed, and only while they stay inside the grant.
 *
 * <p>Not thread-safe: one guest thread uses it.
 */
public interface FsDirectory extends FsNode {

    /** Opens a file or directory; returns an {@link FsFile} or an {@link FsDirectory}. */
    FsNode open(String path, boolean followFinal, OpenOptions options) throws ErrnoException;

    FileStat stat(String path, boolean followFinal) throws ErrnoException;

    /** Sets times of the node at path; {@code null} leaves a time unchanged, {@link #NOW} sets the current time. */
    void setTimes(String path, boolean followFinal, Long atimeNanos, Long mtimeNanos) throws ErrnoException;

    void createDirectory(String path) throws ErrnoException;

    void removeDirectory(String path) throws ErrnoException;

    void removeFile(String path) throws ErrnoException;

    /** Renames within this grant; {@code target} must belong to the same grant, else {@code EXDEV}. */
    void rename(String from, FsDirectory targetDir, String to) throws ErrnoException;

    /** Hard link within this grant; {@code target} must belong to the same grant, else {@code EXDEV}. */
    void link(String from, boolean followFrom, FsDirectory targetDir, String to) throws ErrnoException;

    /** Creates a symlink at {@code linkPath}; refused unless {@code target}, resolved from the link's directory, stays inside. */
    void symlink(String target, String linkPath) throws ErrnoException;

    /** The link's target as stored (always relative and inside the grant, else the link is reported as refused). */
    String readlink(String path) throws ErrnoException;

    /** Entries of this directory, {@code .} and {@code ..} first, in a stable order. */
    List<DirEntry> list() throws ErrnoException;

    /** Sentinel for {@link #setTimes} and {@link FsNode#setTimes}: the current time. */
    Long NOW = Long.MIN_VALUE;
}
