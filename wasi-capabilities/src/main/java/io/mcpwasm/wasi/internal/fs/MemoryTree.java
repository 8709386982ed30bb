package io.mcpwasm.wasi.internal.fs;

import io.mcpwasm.wasi.internal.Errno;
import io.mcpwasm.wasi.internal.ErrnoException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * An in-memory, read-only tree of files (secrets). Built once from a map of relative paths to contents; every
 * mutation is refused with {@code EROFS} and reported. Paths go through the same {@link PathResolver} as host
 * grants, so absolute paths and {@code ..} above the root are refused the same way. There are no symlinks.
 *
 * <p>File contents are never logged, never put in a message, and no type here has a {@code toString} showing them.
 */
final class MemoryTree {
    private static final long DEVICE = 0x6d656d; // "mem": a synthetic device number for this kind of tree

    private MemoryTree() {}

    /** Builds the tree; a bad key fails with an {@link IllegalArgumentException} naming the key (never contents). */
    static FsDirectory build(Map<String, byte[]> files, FsRefusalListener refusals) {
        long now = TimeUnit.MILLISECONDS.toNanos(System.currentTimeMillis());
        long[] nextInode = {1};
        Node root = Node.directory(nextInode[0]++, now);
        for (Map.Entry<String, byte[]> e : new TreeMap<>(files).entrySet()) {
            String key = e.getKey();
            if (key == null || key.isEmpty() || key.startsWith("/") || key.endsWith("/")) {
                throw new IllegalArgumentException("file path must be relative and name a file: '" + key + "'");
            }
            if (e.getValue() == null) {
                throw new IllegalArgumentException("file '" + key + "' has no contents (null)");
            }
            String[] parts = key.split("/");
            Node dir = root;
            for (int i = 0; i < parts.length; i++) {
                String part = parts[i];
                if (part.isEmpty() || part.equals(".") || part.equals("..") || part.indexOf('\0') >= 0) {
                    throw new IllegalArgumentException("file path '" + key + "' has an invalid component '" + part + "'");
                }
                boolean last = i == parts.length - 1;
                Node child = dir.children.get(part);
                if (last) {
                    if (child != null) {
                        throw new IllegalArgumentException("file path '" + key + "' clashes with another entry");
                    }
                    dir.children.put(part, Node.file(nextInode[0]++, now, e.getValue().clone()));
                } else {
                    if (child == null) {
                        child = Node.directory(nextInode[0]++, now);
                        dir.children.put(part, child);
                    } else if (!child.isDirectory()) {
                        throw new IllegalArgumentException("file path '" + key + "' goes through a file");
                    }
                    dir = child;
                }
            }
        }
        return new Directory(root, "", refusals);
    }

    /** A node of the tree; immutable once built. A directory has children, a file has data. */
    private static final class Node implements PathResolver.Dir<Node> {
        final long inode;
        final long timeNanos;
        final byte[] data;
        final TreeMap<String, Node> children;

        private Node(long inode, long timeNanos, byte[] data, TreeMap<String, Node> children) {
            this.inode = inode;
            this.timeNanos = timeNanos;
            this.data = data;
            this.children = children;
        }

        static Node directory(long inode, long timeNanos) {
            return new Node(inode, timeNanos, null, new TreeMap<>());
        }

        static Node file(long inode, long timeNanos, byte[] data) {
            return new Node(inode, timeNanos, data, null);
        }

        boolean isDirectory() {
            return children != null;
        }

        FileStat stat() {
            return new FileStat(DEVICE, inode, isDirectory() ? FileStat.DIRECTORY : FileStat.REGULAR_FILE, 1,
                    isDirectory() ? 0 : data.length, timeNanos, timeNanos, timeNanos);
        }

        @Override
        public PathResolver.Kind kind(String name) {
            Node c = children.get(name);
            return c == null ? PathResolver.Kind.MISSING
                    : c.isDirectory() ? PathResolver.Kind.DIRECTORY : PathResolver.Kind.FILE;
        }

        @Override
        public Node openDirectory(String name) throws ErrnoException {
            Node c = children.get(name);
            if (c == null) {
                throw new ErrnoException(Errno.ENOENT, "no such directory");
            }
            if (!c.isDirectory()) {
                throw new ErrnoException(Errno.ENOTDIR, "not a directory");
            }
            return c;
        }

        @Override
        public String readSymlink(String name) throws ErrnoException {
            throw new ErrnoException(Errno.EINVAL, "not a symlink");
        }

        @Override
        public void release() {
            // nothing is held
        }
    }

    /** A directory of the tree as the guest holds it. */
    private static final class Directory implements FsDirectory {
        private final Node node;
        private final String guestPrefix;
        private final FsRefusalListener mountRefusals;
        private final FsRefusalListener refusals;

        Directory(Node node, String guestPrefix, FsRefusalListener mountRefusals) {
            this.node = node;
            this.guestPrefix = guestPrefix;
            this.mountRefusals = mountRefusals;
            this.refusals = (op, path, errno, reason) -> mountRefusals.refused(op, guestPath(path), errno, reason);
        }

        private String guestPath(String path) {
            return guestPrefix.isEmpty() ? path : guestPrefix + "/" + path;
        }

        private ErrnoException readOnly(String op, String path) {
            return ReadOnlyRule.refusal(refusals, op, path);
        }

        /** The node the path names (followFinal does not matter: there are no symlinks). */
        private Node lookup(String op, String path) throws ErrnoException {
            try (PathResolver.Resolved<Node> r = PathResolver.resolve(node, path, true, op, refusals)) {
                Node n = r.name() == null ? r.dir() : r.dir().children.get(r.name());
                if (n == null) {
                    throw new ErrnoException(Errno.ENOENT, "no such file");
                }
                if (r.trailingSlash() && !n.isDirectory()) {
                    throw new ErrnoException(Errno.ENOTDIR, "not a directory");
                }
                return n;
            }
        }

        @Override
        public FsNode open(String path, boolean followFinal, OpenOptions options) throws ErrnoException {
            if (options.mutates()) {
                throw readOnly("path_open", path);
            }
            Node n = lookup("path_open", path);
            if (n.isDirectory()) {
                return new Directory(n, guestPath(path), mountRefusals);
            }
            if (options.directory()) {
                throw new ErrnoException(Errno.ENOTDIR, "not a directory");
            }
            return new File(n, guestPath(path), mountRefusals);
        }

        @Override
        public FileStat stat(String path, boolean followFinal) throws ErrnoException {
            return lookup("path_filestat_get", path).stat();
        }

        @Override
        public void setTimes(String path, boolean followFinal, Long atimeNanos, Long mtimeNanos) throws ErrnoException {
            throw readOnly("path_filestat_set_times", path);
        }

        @Override
        public void createDirectory(String path) throws ErrnoException {
            throw readOnly("path_create_directory", path);
        }

        @Override
        public void removeDirectory(String path) throws ErrnoException {
            throw readOnly("path_remove_directory", path);
        }

        @Override
        public void removeFile(String path) throws ErrnoException {
            throw readOnly("path_unlink_file", path);
        }

        @Override
        public void rename(String from, FsDirectory targetDir, String to) throws ErrnoException {
            throw readOnly("path_rename", from);
        }

        @Override
        public void link(String from, boolean followFrom, FsDirectory targetDir, String to) throws ErrnoException {
            throw readOnly("path_link", from);
        }

        @Override
        public void symlink(String target, String linkPath) throws ErrnoException {
            throw readOnly("path_symlink", linkPath);
        }

        @Override
        public String readlink(String path) throws ErrnoException {
            lookup("path_readlink", path);
            throw new ErrnoException(Errno.EINVAL, "not a symlink");
        }

        @Override
        public List<DirEntry> list() {
            List<DirEntry> out = new ArrayList<>();
            out.add(new DirEntry(".", FileStat.DIRECTORY, node.inode));
            out.add(new DirEntry("..", FileStat.DIRECTORY, node.inode));
            for (Map.Entry<String, Node> e : node.children.entrySet()) {
                out.add(new DirEntry(e.getKey(), e.getValue().stat().fileType(), e.getValue().inode));
            }
            return out;
        }

        @Override
        public FileStat stat() {
            return node.stat();
        }

        @Override
        public void setTimes(Long atimeNanos, Long mtimeNanos) throws ErrnoException {
            throw readOnly("fd_filestat_set_times", ".");
        }

        @Override
        public boolean readOnly() {
            return true;
        }

        @Override
        public void close() {
            // nothing is held
        }
    }

    /** An open file of the tree: a cursor over immutable bytes. */
    private static final class File implements FsFile {
        private final Node node;
        private final String guestPath;
        private final FsRefusalListener refusals;
        private long position;
        private boolean append;
        private boolean closed;

        File(Node node, String guestPath, FsRefusalListener refusals) {
            this.node = node;
            this.guestPath = guestPath;
            this.refusals = refusals;
        }

        private void checkOpen() throws ErrnoException {
            if (closed) {
                throw new ErrnoException(Errno.EBADF, "file is closed");
            }
        }

        private ErrnoException readOnly(String op) {
            return ReadOnlyRule.refusal(refusals, op, guestPath);
        }

        @Override
        public int read(ByteBuffer dst, long at) throws ErrnoException {
            checkOpen();
            if (at < -1) {
                throw new ErrnoException(Errno.EINVAL, "negative offset");
            }
            long from = at == -1 ? position : at;
            if (from >= node.data.length) {
                return dst.hasRemaining() ? -1 : 0;
            }
            int n = (int) Math.min(dst.remaining(), node.data.length - from);
            dst.put(node.data, (int) from, n);
            if (at == -1) {
                position += n;
            }
            return n;
        }

        @Override
        public int write(ByteBuffer src, long at) throws ErrnoException {
            throw readOnly("fd_write");
        }

        @Override
        public long seek(long offset, int whence) throws ErrnoException {
            checkOpen();
            long base = switch (whence) {
                case 0 -> 0;
                case 1 -> position;
                case 2 -> node.data.length;
                default -> throw new ErrnoException(Errno.EINVAL, "bad whence");
            };
            long target = base + offset;
            if (target < 0 || ((base ^ target) & (offset ^ target)) < 0) {
                throw new ErrnoException(Errno.EINVAL, "offset out of range");
            }
            position = target;
            return target;
        }

        @Override
        public long position() throws ErrnoException {
            checkOpen();
            return position;
        }

        @Override
        public void setSize(long size) throws ErrnoException {
            throw readOnly("fd_filestat_set_size");
        }

        @Override
        public void sync() throws ErrnoException {
            checkOpen();
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
            return node.stat();
        }

        @Override
        public void setTimes(Long atimeNanos, Long mtimeNanos) throws ErrnoException {
            throw readOnly("fd_filestat_set_times");
        }

        @Override
        public boolean readOnly() {
            return true;
        }

        @Override
        public void close() {
            closed = true;
        }
    }
}
