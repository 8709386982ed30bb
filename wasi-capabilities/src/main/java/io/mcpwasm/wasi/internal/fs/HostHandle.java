package io.mcpwasm.wasi.internal.fs;

import io.mcpwasm.wasi.internal.Errno;
import io.mcpwasm.wasi.internal.ErrnoException;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.ClosedDirectoryStreamException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystems;
import java.nio.file.FileSystemLoopException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.NotLinkException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * One open host directory: a {@link SecureDirectoryStream} (an {@code openat}-style handle) plus the primitives
 * the rest of this package builds on. Every primitive takes one validated name, never a path, so the operating
 * system only ever looks up a single entry of a directory we hold open.
 *
 * <p><b>Handle-relative calls beyond the JDK's.</b> {@code SecureDirectoryStream} has no {@code mkdirat},
 * {@code symlinkat}, {@code readlinkat}, {@code linkat}, nor a way to set a symlink's own times. Where the JVM can
 * make those calls itself (JDK 22+ on Linux, through {@code java.lang.foreign}: {@link NativeDirectory}), a handle
 * on the default file system holds a second descriptor of the same directory, opened relative to its parent's
 * without following a symlink, and those operations go through it: nothing is then resolved by path.
 *
 * <p><b>Fallbacks (JDK 17-21, or no native calls).</b> For those four operations the handle keeps
 * {@link #hostPath}: the path it was
 * reached by, rebuilt from names that were verified one by one. Before each fallback call the path is
 * re-checked: it must still lead (following whatever it contains) to the very directory this handle holds
 * (same file key). Only then is the single-name operation done on {@code hostPath/name}; none of the four
 * operations follows a symlink in that final name. <i>Residual race:</i> between that check and the call, a
 * process other than the guest (the guest itself is single-threaded and blocked in this call) could rename a
 * directory on the path and put a symlink in its place; the call would then act through that symlink, possibly
 * outside the grant. Creating a directory or symlink, reading a link's text, or adding a hard link is all that
 * window allows. Closing it needs the {@code *at} system calls, which the JDK does not expose.
 *
 * <p>Host paths never leave this class in an exception message: {@link #errno} keeps only the exception type.
 */
final class HostHandle implements PathResolver.Dir<HostHandle> {
    private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;

    private final SecureDirectoryStream<Path> stream;
    private final Path hostPath;
    /** The same directory as a native descriptor (see class comment); null where there are no native calls. */
    private final NativeDirectory nat;
    private boolean closed;

    private HostHandle(SecureDirectoryStream<Path> stream, Path hostPath, NativeDirectory nat) {
        this.stream = stream;
        this.hostPath = hostPath;
        this.nat = nat;
    }

    /**
     * Opens a grant's root. Symlinks in {@code root} itself are followed: the host chose that path.
     * Throws {@link UnsupportedOperationException} when the provider has no {@link SecureDirectoryStream}.
     */
    static HostHandle openRoot(Path root) throws IOException {
        Path abs = root.toAbsolutePath();
        DirectoryStream<Path> ds = Files.newDirectoryStream(abs);
        if (ds instanceof SecureDirectoryStream<Path> sds) {
            if (abs.getFileSystem() != FileSystems.getDefault()) {
                return new HostHandle(sds, abs, null);
            }
            try {
                Object key = sds.getFileAttributeView(BasicFileAttributeView.class).readAttributes().fileKey();
                return new HostHandle(sds, abs, NativeDirectory.openRoot(abs, key));
            } catch (IOException | ErrnoException | RuntimeException e) {
                sds.close();
                throw e instanceof IOException io ? io : new IOException("cannot open the directory natively", e);
            }
        }
        ds.close();
        throw new UnsupportedOperationException("no SecureDirectoryStream");
    }

    private Path name(String name) {
        return hostPath.getFileSystem().getPath(name);
    }

    // ---------------------------------------------------------------- PathResolver.Dir

    @Override
    public PathResolver.Kind kind(String name) throws ErrnoException {
        BasicFileAttributes a = lstatOrNull(name);
        if (a == null) {
            return PathResolver.Kind.MISSING;
        }
        return kindOf(a);
    }

    static PathResolver.Kind kindOf(BasicFileAttributes a) {
        if (a.isSymbolicLink()) {
            return PathResolver.Kind.SYMLINK;
        }
        if (a.isDirectory()) {
            return PathResolver.Kind.DIRECTORY;
        }
        if (a.isRegularFile()) {
            return PathResolver.Kind.FILE;
        }
        return PathResolver.Kind.OTHER;
    }

    /**
     * Opens a subdirectory with no-follow: if {@code name} is (or has just become) a symlink, this fails
     * instead of following it. That is what makes a swap between look-up and open harmless.
     */
    @Override
    public HostHandle openDirectory(String name) throws ErrnoException {
        try {
            return withNative(stream.newDirectoryStream(name(name), NOFOLLOW), hostPath.resolve(name), name);
        } catch (IOException | ClosedDirectoryStreamException e) {
            throw errno("open directory", e);
        }
    }

    /** Pairs a freshly opened child stream with a native descriptor of the same directory, when there are any. */
    private HostHandle withNative(SecureDirectoryStream<Path> child, Path childPath, String name) throws ErrnoException {
        if (nat == null) {
            return new HostHandle(child, childPath, null);
        }
        try {
            Object key = child.getFileAttributeView(BasicFileAttributeView.class).readAttributes().fileKey();
            return new HostHandle(child, childPath, nat.openChild(name, key));
        } catch (IOException | ErrnoException | RuntimeException e) {
            try {
                child.close();
            } catch (IOException ignored) {
                // already failing
            }
            if (e instanceof ErrnoException ee) {
                throw ee;
            }
            throw errno("open directory", e);
        }
    }

    /** Fallback (see class comment): reads the text of the symlink {@code name}. */
    @Override
    public String readSymlink(String name) throws ErrnoException {
        if (nat != null) {
            return nat.readlink(name);
        }
        Path p = verifiedPath().resolve(name);
        try {
            return Files.readSymbolicLink(p).toString();
        } catch (IOException | UnsupportedOperationException e) {
            throw errno("readlink", e);
        }
    }

    @Override
    public void release() {
        if (!closed) {
            closed = true;
            try {
                stream.close();
            } catch (IOException e) {
                // nothing the guest can do about it
            }
            if (nat != null) {
                nat.close();
            }
        }
    }

    // ---------------------------------------------------------------- handle-relative primitives

    /** A second handle to this same directory (opened as "." relative to this one). */
    HostHandle reopen() throws ErrnoException {
        try {
            return withNative(stream.newDirectoryStream(name("."), NOFOLLOW), hostPath, ".");
        } catch (IOException | ClosedDirectoryStreamException e) {
            throw errno("reopen directory", e);
        }
    }

    /** Attributes of {@code name} without following a symlink; null when there is no such entry. */
    BasicFileAttributes lstatOrNull(String name) throws ErrnoException {
        try {
            return stream.getFileAttributeView(name(name), BasicFileAttributeView.class, NOFOLLOW).readAttributes();
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException | ClosedDirectoryStreamException e) {
            throw errno("stat", e);
        }
    }

    /** Attributes of this directory itself (fstat on the handle). */
    BasicFileAttributes stat() throws ErrnoException {
        try {
            return stream.getFileAttributeView(BasicFileAttributeView.class).readAttributes();
        } catch (IOException | ClosedDirectoryStreamException e) {
            throw errno("stat", e);
        }
    }

    /** Sets times of {@code name} (not following a symlink) or, when name is null, of this directory. */
    void setTimes(String name, FileTime atime, FileTime mtime) throws ErrnoException {
        if (nat != null) {
            nat.setTimes(name, atime, mtime);
            return;
        }
        try {
            BasicFileAttributeView v = name == null
                    ? stream.getFileAttributeView(BasicFileAttributeView.class)
                    : stream.getFileAttributeView(name(name), BasicFileAttributeView.class, NOFOLLOW);
            v.setTimes(mtime, atime, null);
        } catch (IOException | ClosedDirectoryStreamException e) {
            throw errno("set times", e);
        }
    }

    /** Opens a file; {@code NOFOLLOW_LINKS} is always added, so a symlink in that place is never followed. */
    SeekableByteChannel openFile(String name, Set<OpenOption> options) throws ErrnoException {
        Set<OpenOption> opts = new HashSet<>(options);
        opts.add(NOFOLLOW);
        try {
            return stream.newByteChannel(name(name), opts);
        } catch (IOException | ClosedDirectoryStreamException | UnsupportedOperationException e) {
            throw errno("open", e);
        }
    }

    void deleteFile(String name) throws ErrnoException {
        try {
            stream.deleteFile(name(name));
        } catch (IOException | ClosedDirectoryStreamException e) {
            throw errno("unlink", e);
        }
    }

    void deleteDirectory(String name) throws ErrnoException {
        try {
            stream.deleteDirectory(name(name));
        } catch (IOException | ClosedDirectoryStreamException e) {
            throw errno("rmdir", e);
        }
    }

    /**
     * Moves {@code name} to {@code target/targetName} (renameat). Linux replaces an existing target; a provider
     * that refuses instead (Jimfs) gets the same result by removing the compatible target first. The caller
     * has already checked that the kinds are compatible.
     */
    void move(String name, HostHandle target, String targetName) throws ErrnoException {
        try {
            stream.move(name(name), target.stream, target.name(targetName));
        } catch (FileAlreadyExistsException e) {
            BasicFileAttributes existing = target.lstatOrNull(targetName);
            if (existing != null && existing.isDirectory()) {
                target.deleteDirectory(targetName);
            } else {
                target.deleteFile(targetName);
            }
            try {
                stream.move(name(name), target.stream, target.name(targetName));
            } catch (IOException | ClosedDirectoryStreamException e2) {
                throw errno("rename", e2);
            }
        } catch (IOException | ClosedDirectoryStreamException e) {
            throw errno("rename", e);
        }
    }

    /**
     * True when {@link #setTimes} can set a symlink's own times: with native calls ({@code utimensat} with
     * {@code AT_SYMLINK_NOFOLLOW}), or on a provider other than the default one (Jimfs's directory-stream view
     * honours {@code NOFOLLOW_LINKS}). The JDK's own view opens the entry with {@code O_NOFOLLOW}, which fails.
     */
    boolean setsSymlinkTimes() {
        return nat != null || hostPath.getFileSystem() != FileSystems.getDefault();
    }

    /**
     * True when {@link #move} is known to rename a symlink itself: the JDK's default provider ({@code renameat},
     * which never follows). Other providers may follow a symlink source (Jimfs does), so links are not moved there.
     */
    boolean moveNeverFollowsLinks() {
        return hostPath.getFileSystem() == FileSystems.getDefault();
    }

    /** Names in this directory (without "." and ".."), sorted. */
    List<String> list() throws ErrnoException {
        List<String> names = new ArrayList<>();
        try (SecureDirectoryStream<Path> again = stream.newDirectoryStream(name("."), NOFOLLOW)) {
            for (Path p : again) {
                Path fileName = p.getFileName();
                if (fileName != null) {
                    names.add(fileName.toString());
                }
            }
        } catch (IOException | ClosedDirectoryStreamException | java.nio.file.DirectoryIteratorException e) {
            throw errno("readdir", e);
        }
        names.sort(null);
        return names;
    }

    // ---------------------------------------------------------------- path-based fallbacks (see class comment)

    /** Fallback: mkdir of {@code name} in this directory. */
    void mkdir(String name) throws ErrnoException {
        if (nat != null) {
            nat.mkdir(name);
            return;
        }
        Path p = verifiedPath().resolve(name);
        try {
            Files.createDirectory(p);
        } catch (IOException | UnsupportedOperationException e) {
            throw errno("mkdir", e);
        }
    }

    /** Fallback: creates symlink {@code name} in this directory with the (already checked) text {@code target}. */
    void symlink(String name, String target) throws ErrnoException {
        if (nat != null) {
            nat.symlink(name, target);
            return;
        }
        Path p = verifiedPath().resolve(name);
        try {
            Files.createSymbolicLink(p, hostPath.getFileSystem().getPath(target));
        } catch (IOException | UnsupportedOperationException e) {
            throw errno("symlink", e);
        }
    }

    /**
     * Fallback: hard link {@code target/targetName} to the existing regular file {@code name} of this directory.
     * Linux {@code link(2)} does not follow a symlink in {@code name}; Jimfs's createLink does, so on Jimfs a
     * same-JVM thread swapping {@code name} for a symlink just before this call could link the link's target.
     * The caller never passes a name it saw as a symlink (those are copied as symlinks instead).
     */
    void link(String name, HostHandle target, String targetName) throws ErrnoException {
        if (nat != null && target.nat != null) {
            nat.link(name, target.nat, targetName);
            return;
        }
        Path existing = verifiedPath().resolve(name);
        Path created = target.verifiedPath().resolve(targetName);
        try {
            Files.createLink(created, existing);
        } catch (IOException | UnsupportedOperationException e) {
            throw errno("link", e);
        }
    }

    /**
     * Fallback: the link count of {@code name}, only if the provider has the "unix" view and the path still leads
     * to the file with {@code expectedKey}; -1 when unknown.
     */
    long linkCount(String name, Object expectedKey) {
        if (expectedKey == null) {
            return -1;
        }
        try {
            Map<String, Object> m = Files.readAttributes(verifiedPath().resolve(name), "unix:nlink,fileKey", NOFOLLOW);
            Object nlink = m.get("nlink");
            if (expectedKey.equals(m.get("fileKey")) && nlink instanceof Number n) {
                return n.longValue();
            }
        } catch (IOException | ErrnoException | UnsupportedOperationException | IllegalArgumentException
                 | NullPointerException e) {
            // Jimfs without the unix view throws NPE or IAE here; unknown then.
        }
        return -1;
    }

    /**
     * The rebuilt path, after checking that it still leads to the directory this handle holds. A handle whose
     * directory was moved (by the guest or anyone) can no longer use the fallbacks: {@code ESTALE}.
     */
    private Path verifiedPath() throws ErrnoException {
        Object expected = stat().fileKey();
        if (expected == null) {
            throw new ErrnoException(Errno.ENOTSUP, "file system gives no file identity; path fallback refused");
        }
        Object actual;
        try {
            actual = Files.readAttributes(hostPath, BasicFileAttributes.class).fileKey();
        } catch (IOException e) {
            actual = null;
        }
        if (!Objects.equals(expected, actual)) {
            throw new ErrnoException(Errno.ESTALE, "directory was moved since it was opened; path fallback refused");
        }
        return hostPath;
    }

    // ---------------------------------------------------------------- errors

    /** Maps an I/O failure to an errno. The message names the operation and exception type only, never a path. */
    static ErrnoException errno(String operation, Exception e) {
        return new ErrnoException(errnoOf(e), operation + " failed (" + e.getClass().getSimpleName() + ")");
    }

    static int errnoOf(Exception e) {
        if (e instanceof NoSuchFileException) {
            return Errno.ENOENT;
        }
        if (e instanceof FileAlreadyExistsException) {
            return Errno.EEXIST;
        }
        if (e instanceof DirectoryNotEmptyException) {
            return Errno.ENOTEMPTY;
        }
        if (e instanceof NotDirectoryException) {
            return Errno.ENOTDIR;
        }
        if (e instanceof AccessDeniedException) {
            return Errno.EACCES;
        }
        if (e instanceof NotLinkException) {
            return Errno.EINVAL;
        }
        if (e instanceof FileSystemLoopException) {
            return Errno.ELOOP;
        }
        if (e instanceof ClosedChannelException || e instanceof ClosedDirectoryStreamException) {
            return Errno.EBADF;
        }
        if (e instanceof UnsupportedOperationException) {
            return Errno.ENOTSUP;
        }
        String text = e instanceof FileSystemException fse ? fse.getReason() : e.getMessage();
        if (text == null) {
            return Errno.EIO;
        }
        text = text.toLowerCase(Locale.ROOT);
        if (text.contains("too many levels")) {
            return Errno.ELOOP;
        }
        if (text.contains("not a directory")) {
            return Errno.ENOTDIR;
        }
        if (text.contains("is a directory")) {
            return Errno.EISDIR;
        }
        if (text.contains("not empty")) {
            return Errno.ENOTEMPTY;
        }
        if (text.contains("read-only file system")) {
            return Errno.EROFS;
        }
        if (text.contains("no space")) {
            return Errno.ENOSPC;
        }
        if (text.contains("quota")) {
            return Errno.EDQUOT;
        }
        if (text.contains("not permitted")) {
            return Errno.EPERM;
        }
        if (text.contains("permission denied")) {
            return Errno.EACCES;
        }
        if (text.contains("invalid argument") || text.contains("subdirectory of itself")) {
            return Errno.EINVAL;
        }
        if (text.contains("name too long")) {
            return Errno.ENAMETOOLONG;
        }
        if (text.contains("busy")) {
            return Errno.EBUSY;
        }
        if (text.contains("cross-device")) {
            return Errno.EXDEV;
        }
        if (text.contains("too many open files")) {
            return Errno.EMFILE;
        }
        return Errno.EIO;
    }
}
