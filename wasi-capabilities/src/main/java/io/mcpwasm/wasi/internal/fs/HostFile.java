package io.mcpwasm.wasi.internal.fs;

import io.mcpwasm.wasi.internal.Errno;
import io.mcpwasm.wasi.internal.ErrnoException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * An open regular file of a host-directory grant. Reads and writes go to the channel opened through the
 * directory handle, so they reach the same file whatever happens to its name later.
 *
 * <p>Stat and set-times have no channel-level call in NIO; they go through the parent directory handle and
 * the file's name, but only while that name still denotes the file that was opened (same file key). If it was
 * renamed or replaced since, stat reports what was seen at open time with the channel's current size, and
 * set-times is refused.
 *
 * <p>Every growth is charged to the grant's quota before the bytes are written; a write that does not fit is
 * refused whole ({@code EDQUOT}), nothing of it is written.
 */
final class HostFile implements FsFile {
    private final HostGrant grant;
    private final HostHandle parent;
    private final String name;
    private final BasicFileAttributes atOpen;
    private final SeekableByteChannel channel;
    private final boolean readable;
    private final boolean writable;
    private final String guestPath;
    private boolean append;
    private boolean closed;

    HostFile(HostGrant grant, HostHandle parent, String name, BasicFileAttributes atOpen, SeekableByteChannel channel,
             boolean readable, boolean writable, boolean append, String guestPath) {
        this.grant = grant;
        this.parent = parent;
        this.name = name;
        this.atOpen = atOpen;
        this.channel = channel;
        this.readable = readable;
        this.writable = writable;
        this.append = append;
        this.guestPath = guestPath;
        grant.opened(fileKey());
    }

    private Object fileKey() {
        return atOpen == null ? null : atOpen.fileKey();
    }

    private void checkOpen() throws ErrnoException {
        if (closed) {
            throw new ErrnoException(Errno.EBADF, "file is closed");
        }
    }

    @Override
    public int read(ByteBuffer dst, long position) throws ErrnoException {
        checkOpen();
        if (!readable) {
            throw new ErrnoException(Errno.EBADF, "file not open for reading");
        }
        try {
            if (position == -1) {
                return channel.read(dst);
            }
            if (position < 0) {
                throw new ErrnoException(Errno.EINVAL, "negative offset");
            }
            if (channel instanceof FileChannel fc) {
                return fc.read(dst, position);
            }
            long saved = channel.position();
            try {
                channel.position(position);
                return channel.read(dst);
            } finally {
                channel.position(saved);
            }
        } catch (IOException e) {
            throw HostHandle.errno("read", e);
        }
    }

    @Override
    public int write(ByteBuffer src, long position) throws ErrnoException {
        checkOpen();
        if (grant.readOnly()) {
            throw PathResolver.refuse(grant.refusals(), "fd_write", guestPath, Errno.EROFS, "the grant is read-only");
        }
        if (!writable) {
            throw new ErrnoException(Errno.EBADF, "file not open for writing");
        }
        if (position < -1) {
            throw new ErrnoException(Errno.EINVAL, "negative offset");
        }
        try {
            long size = channel.size();
            boolean atCursor = position == -1;
            long start = atCursor ? (append ? size : channel.position()) : position;
            int len = src.remaining();
            long end = start + len;
            if (end < start) {
                throw new ErrnoException(Errno.EFBIG, "offset overflow");
            }
            long growth = Math.max(0, end - size);
            grant.charge(growth, "fd_write", guestPath);
            int written = 0;
            try {
                written = writeFully(src, start);
            } finally {
                long actualGrowth = Math.max(0, start + written - size);
                grant.credit(growth - actualGrowth);
            }
            if (atCursor) {
                channel.position(start + written);
            }
            return written;
        } catch (IOException e) {
            throw HostHandle.errno("write", e);
        }
    }

    private int writeFully(ByteBuffer src, long start) throws IOException {
        int total = 0;
        if (channel instanceof FileChannel fc) {
            while (src.hasRemaining()) {
                total += fc.write(src, start + total);
            }
            return total;
        }
        long saved = channel.position();
        channel.position(start);
        try {
            while (src.hasRemaining()) {
                total += channel.write(src);
            }
        } finally {
            channel.position(saved);
        }
        return total;
    }

    @Override
    public long seek(long offset, int whence) throws ErrnoException {
        checkOpen();
        try {
            long base = switch (whence) {
                case 0 -> 0;
                case 1 -> channel.position();
                case 2 -> channel.size();
                default -> throw new ErrnoException(Errno.EINVAL, "bad whence");
            };
            long target = base + offset;
            if (target < 0 || ((base ^ target) & (offset ^ target)) < 0) {
                throw new ErrnoException(Errno.EINVAL, "offset out of range");
            }
            channel.position(target);
            return target;
        } catch (IOException e) {
            throw HostHandle.errno("seek", e);
        }
    }

    @Override
    public long position() throws ErrnoException {
        checkOpen();
        try {
            return channel.position();
        } catch (IOException e) {
            throw HostHandle.errno("tell", e);
        }
    }

    @Override
    public void setSize(long size) throws ErrnoException {
        checkOpen();
        grant.checkWritable("fd_filestat_set_size", guestPath);
        if (!writable) {
            throw new ErrnoException(Errno.EBADF, "file not open for writing");
        }
        if (size < 0) {
            throw new ErrnoException(Errno.EINVAL, "negative size");
        }
        try {
            long old = channel.size();
            if (size > old) {
                grant.charge(size - old, "fd_filestat_set_size", guestPath);
                try {
                    extend(size);
                } catch (IOException | RuntimeException e) {
                    grant.credit(size - Math.max(old, channel.size()));
                    throw e;
                }
            } else if (size < old) {
                long pos = channel.position();
                channel.truncate(size);
                channel.position(pos); // truncate moves a cursor past the new end; ftruncate does not
                grant.credit(old - size);
            }
        } catch (IOException e) {
            throw HostHandle.errno("set size", e);
        }
    }

    /** Grows the file with zeros by writing one zero byte at the last position (NIO truncate cannot grow). */
    private void extend(long size) throws IOException {
        ByteBuffer zero = ByteBuffer.allocate(1);
        if (channel instanceof FileChannel fc) {
            while (zero.hasRemaining()) {
                fc.write(zero, size - 1);
            }
            return;
        }
        long saved = channel.position();
        try {
            channel.position(size - 1);
            while (zero.hasRemaining()) {
                channel.write(zero);
            }
        } finally {
            channel.position(saved);
        }
    }

    @Override
    public void sync() throws ErrnoException {
        checkOpen();
        try {
            if (channel instanceof FileChannel fc) {
                fc.force(true);
            }
        } catch (IOException e) {
            throw HostHandle.errno("sync", e);
        }
    }

    @Override
    public boolean append() {
        return append;
    }

    @Override
    public void setAppend(boolean append) throws ErrnoException {
        checkOpen();
        this.append = append;
    }

    @Override
    public FileStat stat() throws ErrnoException {
        checkOpen();
        long size;
        try {
            size = channel.size();
        } catch (IOException e) {
            throw HostHandle.errno("stat", e);
        }
        BasicFileAttributes now = sameFileByName();
        if (now == null && atOpen == null) {
            return new FileStat(0, 0, FileStat.REGULAR_FILE, 1, size, 0, 0, 0);
        }
        return grant.stats().toStat(now != null ? now : atOpen, size);
    }

    @Override
    public void setTimes(Long atimeNanos, Long mtimeNanos) throws ErrnoException {
        checkOpen();
        grant.checkWritable("fd_filestat_set_times", guestPath);
        if (sameFileByName() == null) {
            throw new ErrnoException(Errno.ENOTSUP, "the file was renamed or removed since it was opened");
        }
        parent.setTimes(name, HostStats.fileTime(atimeNanos), HostStats.fileTime(mtimeNanos));
    }

    /** Attributes of {@code parent/name} if that name still denotes the opened file, else null. */
    private BasicFileAttributes sameFileByName() throws ErrnoException {
        BasicFileAttributes now = parent.lstatOrNull(name);
        if (now == null || atOpen == null || atOpen.fileKey() == null || !atOpen.fileKey().equals(now.fileKey())) {
            return null;
        }
        return now;
    }

    @Override
    public boolean readOnly() {
        return grant.readOnly();
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        long size = 0;
        try {
            size = channel.size();
        } catch (IOException e) {
            // size unknown: nothing to give back
        }
        grant.closed(fileKey(), size);
        try {
            channel.close();
        } catch (IOException e) {
            // nothing the guest can do about it
        } finally {
            parent.release();
        }
    }
}
