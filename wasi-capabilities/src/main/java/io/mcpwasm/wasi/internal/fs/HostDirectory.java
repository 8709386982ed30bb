package io.mcpwasm.wasi.internal.fs;

import io.mcpwasm.wasi.internal.Errno;
import io.mcpwasm.wasi.internal.ErrnoException;
import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.OpenOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A directory of a host-directory grant, as the guest holds it. Every path goes through {@link PathResolver}
 * with this directory as the boundary, so a guest fd for a subdirectory cannot climb above it either
 * (the cap-std / wasmtime rule: each directory fd is its own capability).
 *
 * <p>Mutations on a read-only grant are refused with {@code EROFS} before any path is resolved.
 * Symlinks the guest creates, renames or hard-links must resolve inside, from the directory they end up in,
 * both as the tree is now and by their text alone ({@link PathResolver#checkTargetText}).
 * Known limit: moving a whole directory to a shallower place is not scanned for symlinks inside it whose
 * {@code ..} would then point above the grant. The guest still cannot follow such a link out (every
 * resolution re-checks), but a host process following it later could.
 */
final class HostDirectory implements FsDirectory {
    private final HostGrant grant;
    private final HostHandle handle;
    private final String guestPrefix;
    private final FsRefusalListener refusals;

    HostDirectory(HostGrant grant, HostHandle handle, String guestPrefix) {
        this.grant = grant;
        this.handle = handle;
        this.guestPrefix = guestPrefix;
        this.refusals = (op, path, errno, reason) -> grant.refusals().refused(op, guestPath(path), errno, reason);
    }

    /** The path as reported to the refusal listener: relative to the mount, not to this fd. */
    private String guestPath(String path) {
        return guestPrefix.isEmpty() ? path : guestPrefix + "/" + path;
    }

    private PathResolver.Resolved<HostHandle> resolve(String op, String path, boolean follow) throws ErrnoException {
        return PathResolver.resolve(handle, path, follow, op, refusals);
    }

    private ErrnoException refuse(String op, String path, int errno, String reason) {
        return PathResolver.refuse(refusals, op, path, errno, reason);
    }


    // ---------------------------------------------------------------- open

    @Override
    public FsNode open(String path, boolean followFinal, OpenOptions o) throws ErrnoException {
        if (o.mutates()) {
            grant.checkWritable("path_open", path);
        }
        try (PathResolver.Resolved<HostHandle> r = resolve("path_open", path, followFinal)) {
            String name = r.name();
            if (name == null) {
                if (o.create() && o.exclusive()) {
                    throw new ErrnoException(Errno.EEXIST, "directory exists");
                }
                if (o.write() || o.truncate() || o.append()) {
                    throw new ErrnoException(Errno.EISDIR, "cannot open a directory for writing");
                }
                HostHandle h = r.ownsDir() ? r.takeDir() : r.dir().reopen();
                return new HostDirectory(grant, h, guestPath(path));
            }
            BasicFileAttributes a = r.dir().lstatOrNull(name);
            PathResolver.Kind kind = a == null ? PathResolver.Kind.MISSING : HostHandle.kindOf(a);
            switch (kind) {
                case MISSING: {
                    if (!o.create()) {
                        throw new ErrnoException(Errno.ENOENT, "no such file");
                    }
                    if (r.trailingSlash()) {
                        throw new ErrnoException(Errno.EISDIR, "cannot create a file with a trailing slash");
                    }
                    if (o.directory()) {
                        throw new ErrnoException(Errno.EINVAL, "cannot create a directory with open");
                    }
                    // CREATE_NEW is O_CREAT|O_EXCL: it never follows a symlink planted here in the meantime.
                    Set<OpenOption> opts = channelOptions(o, true);
                    opts.add(StandardOpenOption.CREATE_NEW);
                    long cost = HostGrant.entryCost(name, null);
                    grant.chargeEntry(cost, "path_open", path);
                    SeekableByteChannel ch;
                    try {
                        ch = r.dir().openFile(name, opts);
                    } catch (ErrnoException | RuntimeException e) {
                        grant.creditEntry(cost); // nothing was created
                        if (!(e instanceof ErrnoException ee) || ee.errno() != Errno.EEXIST || o.exclusive()) {
                            throw e;
                        }
                        // Created by someone else since the look-up: open what is there, still without following.
                        ch = r.dir().openFile(name, channelOptions(o, false));
                    }
                    return newFile(r, name, ch, o, path);
                }
                case DIRECTORY: {
                    if (o.create() && o.exclusive()) {
                        throw new ErrnoException(Errno.EEXIST, "directory exists");
                    }
                    if (o.write() || o.truncate() || o.append()) {
                        throw new ErrnoException(Errno.EISDIR, "cannot open a directory for writing");
                    }
                    return new HostDirectory(grant, r.dir().openDirectory(name), guestPath(path));
                }
                case SYMLINK: {
                    if (o.create() && o.exclusive()) {
                        throw new ErrnoException(Errno.EEXIST, "a symlink exists there");
                    }
                    throw new ErrnoException(Errno.ELOOP, "final component is a symlink and may not be followed");
                }
                case FILE: {
                    if (o.create() && o.exclusive()) {
                        throw new ErrnoException(Errno.EEXIST, "file exists");
                    }
                    if (o.directory() || r.trailingSlash()) {
                        throw new ErrnoException(Errno.ENOTDIR, "not a directory");
                    }
                    SeekableByteChannel ch = r.dir().openFile(name, channelOptions(o, false));
                    if (o.truncate()) {
                        try {
                            long before = ch.size();
                            ch.truncate(0);
                            grant.credit(before);
                        } catch (IOException e) {
                            closeQuietly(ch);
                            throw HostHandle.errno("truncate", e);
                        }
                    }
                    return newFile(r, name, ch, o, path);
                }
                default:
                    throw refuse("path_open", path, Errno.EACCES, "special files (devices, fifos, sockets) are not served");
            }
        }
    }

    private static Set<OpenOption> channelOptions(OpenOptions o, boolean creating) {
        Set<OpenOption> opts = new HashSet<>();
        boolean write = o.write() || o.append() || o.truncate() || creating;
        if (o.read() || !write) {
            opts.add(StandardOpenOption.READ);
        }
        if (write) {
            opts.add(StandardOpenOption.WRITE);
        }
        return opts;
    }

    private HostFile newFile(PathResolver.Resolved<HostHandle> r, String name, SeekableByteChannel ch,
                             OpenOptions o, String path) throws ErrnoException {
        HostHandle parent = null;
        try {
            parent = r.ownsDir() ? r.takeDir() : r.dir().reopen();
            BasicFileAttributes a = parent.lstatOrNull(name);
            return new HostFile(grant, parent, name, a, ch, o.read() || !(o.write() || o.append()),
                    o.write() || o.append() || o.truncate(), o.append(), guestPath(path));
        } catch (ErrnoException | RuntimeException e) {
            closeQuietly(ch);
            if (parent != null) {
                parent.release();
            }
            throw e;
        }
    }

    private static void closeQuietly(SeekableByteChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // closing after a failure
        }
    }

    // ---------------------------------------------------------------- stat, times

    @Override
    public FileStat stat(String path, boolean followFinal) throws ErrnoException {
        try (PathResolver.Resolved<HostHandle> r = resolve("path_filestat_get", path, followFinal)) {
            if (r.name() == null) {
                return grant.stats().toStat(r.dir().stat(), -1);
            }
            BasicFileAttributes a = r.dir().lstatOrNull(r.name());
            if (a == null) {
                throw new ErrnoException(Errno.ENOENT, "no such file");
            }
            if (r.trailingSlash() && !a.isDirectory()) {
                throw new ErrnoException(Errno.ENOTDIR, "not a directory");
            }
            return grant.stats().toStat(a, -1);
        }
    }

    @Override
    public void setTimes(String path, boolean followFinal, Long atimeNanos, Long mtimeNanos) throws ErrnoException {
        grant.checkWritable("path_filestat_set_times", path);
        try (PathResolver.Resolved<HostHandle> r = resolve("path_filestat_set_times", path, followFinal)) {
            if (r.name() != null) {
                PathResolver.Kind k = r.dir().kind(r.name());
                if (k == PathResolver.Kind.MISSING) {
                    throw new ErrnoException(Errno.ENOENT, "no such file");
                }
                if (k == PathResolver.Kind.SYMLINK && !r.dir().setsSymlinkTimes()) {
                    throw new ErrnoException(Errno.ENOTSUP, "times of a symlink itself cannot be set on this JVM");
                }
            }
            r.dir().setTimes(r.name(), HostStats.fileTime(atimeNanos), HostStats.fileTime(mtimeNanos));
        }
    }

    @Override
    public FileStat stat() throws ErrnoException {
        return grant.stats().toStat(handle.stat(), -1);
    }

    @Override
    public void setTimes(Long atimeNanos, Long mtimeNanos) throws ErrnoException {
        grant.checkWritable("fd_filestat_set_times", ".");
        handle.setTimes(null, HostStats.fileTime(atimeNanos), HostStats.fileTime(mtimeNanos));
    }

    // ---------------------------------------------------------------- create / remove

    @Override
    public void createDirectory(String path) throws ErrnoException {
        grant.checkWritable("path_create_directory", path);
        try (PathResolver.Resolved<HostHandle> r = resolve("path_create_directory", path, false)) {
            if (r.name() == null || r.dir().kind(r.name()) != PathResolver.Kind.MISSING) {
                throw new ErrnoException(Errno.EEXIST, "already exists");
            }
            createCharged("path_create_directory", path, r.name(), null, () -> r.dir().mkdir(r.name()));
        }
    }

    /** An operation that makes one entry. */
    @FunctionalInterface
    private interface Creation {
        void run() throws ErrnoException;
    }

    /** Charges the entry {@code name} (see {@link HostGrant#entryCost}), makes it, and gives the charge back if that fails. */
    private void createCharged(String op, String path, String name, String linkText, Creation create)
            throws ErrnoException {
        long cost = HostGrant.entryCost(name, linkText);
        grant.chargeEntry(cost, op, path);
        try {
            create.run();
        } catch (ErrnoException | RuntimeException e) {
            grant.creditEntry(cost);
            throw e;
        }
    }

    /** What removing the entry {@code name} (attributes {@code a}) gives back; read before it goes. */
    private static long entryCostOf(HostHandle dir, String name, BasicFileAttributes a) {
        String text = null;
        if (a.isSymbolicLink()) {
            try {
                text = dir.readSymlink(name);
            } catch (ErrnoException e) {
                // unreadable: give back only the block and the name (less than was charged, never more)
            }
        }
        return HostGrant.entryCost(name, text);
    }

    @Override
    public void removeDirectory(String path) throws ErrnoException {
        grant.checkWritable("path_remove_directory", path);
        try (PathResolver.Resolved<HostHandle> r = resolve("path_remove_directory", path, false)) {
            if (r.name() == null) {
                if (r.atRoot()) {
                    throw refuse("path_remove_directory", path, Errno.EBUSY, "the grant root cannot be removed");
                }
                throw new ErrnoException(Errno.EINVAL, "path ends in '.' or '..'");
            }
            PathResolver.Kind k = r.dir().kind(r.name());
            if (k == PathResolver.Kind.MISSING) {
                throw new ErrnoException(Errno.ENOENT, "no such directory");
            }
            if (k != PathResolver.Kind.DIRECTORY) {
                throw new ErrnoException(Errno.ENOTDIR, "not a directory");
            }
            r.dir().deleteDirectory(r.name());
            grant.creditEntry(HostGrant.entryCost(r.name(), null));
        }
    }

    @Override
    public void removeFile(String path) throws ErrnoException {
        grant.checkWritable("path_unlink_file", path);
        try (PathResolver.Resolved<HostHandle> r = resolve("path_unlink_file", path, false)) {
            if (r.name() == null) {
                throw new ErrnoException(Errno.EISDIR, "is a directory");
            }
            BasicFileAttributes a = r.dir().lstatOrNull(r.name());
            if (a == null) {
                throw new ErrnoException(Errno.ENOENT, "no such file");
            }
            if (a.isDirectory()) {
                throw new ErrnoException(Errno.EISDIR, "is a directory");
            }
            if (r.trailingSlash()) {
                throw new ErrnoException(Errno.ENOTDIR, "not a directory");
            }
            removeCountingQuota(r, a);
        }
    }

    /** Deletes a non-directory entry and gives its bytes back if it was the file's last link. */
    private void removeCountingQuota(PathResolver.Resolved<HostHandle> r, BasicFileAttributes a) throws ErrnoException {
        long nlink = linkCountBefore(r.dir(), r.name(), a);
        long cost = entryCostOf(r.dir(), r.name(), a);
        r.dir().deleteFile(r.name());
        grant.creditEntry(cost);
        creditRemoved(a, nlink);
    }

    /** The link count of a regular file about to lose a name (-1 when unknown); read before the name goes. */
    private static long linkCountBefore(HostHandle dir, String name, BasicFileAttributes a) {
        return a.isRegularFile() ? dir.linkCount(name, a.fileKey()) : -1;
    }

    /** After a name of {@code a} was removed: gives its bytes back when it was the last link (see HostGrant). */
    private void creditRemoved(BasicFileAttributes a, long nlinkBefore) {
        if (a.isRegularFile() && grant.removingLastLink(a.fileKey(), nlinkBefore)) {
            grant.lastLinkRemoved(a.fileKey(), a.size());
        }
    }

    // ---------------------------------------------------------------- rename, link, symlink, readlink

    @Override
    public void rename(String from, FsDirectory targetDir, String to) throws ErrnoException {
        grant.checkWritable("path_rename", from);
        HostDirectory target = sameGrant("path_rename", targetDir, to);
        try (PathResolver.Resolved<HostHandle> src = resolve("path_rename", from, false);
             PathResolver.Resolved<HostHandle> dst = target.resolve("path_rename", to, false)) {
            if (src.name() == null || dst.name() == null) {
                if ((src.name() == null && src.atRoot()) || (dst.name() == null && dst.atRoot())) {
                    throw refuse("path_rename", src.name() == null ? from : to, Errno.EBUSY,
                            "the grant root cannot be renamed or replaced");
                }
                throw new ErrnoException(Errno.EINVAL, "path ends in '.' or '..'");
            }
            BasicFileAttributes sa = src.dir().lstatOrNull(src.name());
            if (sa == null) {
                throw new ErrnoException(Errno.ENOENT, "no such file");
            }
            BasicFileAttributes da = dst.dir().lstatOrNull(dst.name());
            if (!sa.isDirectory() && (src.trailingSlash() || dst.trailingSlash())) {
                throw new ErrnoException(Errno.ENOTDIR, "not a directory");
            }
            if (da != null) {
                if (sa.isDirectory() && !da.isDirectory()) {
                    throw new ErrnoException(Errno.ENOTDIR, "cannot replace a non-directory with a directory");
                }
                if (!sa.isDirectory() && da.isDirectory()) {
                    throw new ErrnoException(Errno.EISDIR, "cannot replace a directory with a non-directory");
                }
                if (sa.fileKey() != null && sa.fileKey().equals(da.fileKey())) {
                    return; // both names are the same file: POSIX says do nothing
                }
            }
            // the entry keeps its cost but for its name: a longer name is charged, a shorter one gives back
            long growth = HostGrant.entryCost(dst.name(), null) - HostGrant.entryCost(src.name(), null);
            grant.charge(growth, "path_rename", to);
            try {
                moveEntry(src, sa, dst, da, to);
            } catch (ErrnoException | RuntimeException e) {
                grant.credit(growth);
                throw e;
            }
            grant.credit(-growth);
        }
    }

    /** The rename itself, its kinds checked; gives back what a replaced entry cost. */
    private void moveEntry(PathResolver.Resolved<HostHandle> src, BasicFileAttributes sa,
                           PathResolver.Resolved<HostHandle> dst, BasicFileAttributes da, String to)
            throws ErrnoException {
        if (sa.isSymbolicLink()) {
            String text = src.dir().readSymlink(src.name());
            checkSymlinkInside("path_rename", to, text, dst);
            if (!src.dir().moveNeverFollowsLinks()) {
                // Jimfs 1.3's SecureDirectoryStream.move looks the source up *following* a final symlink, so
                // it would move the link's target (possibly from outside the grant). There a link is moved
                // as: recreate at the new place, delete the old one (not atomic; Jimfs is for tests).
                if (da != null) {
                    removeCountingQuota(dst, da);
                }
                dst.dir().symlink(dst.name(), text);
                src.dir().deleteFile(src.name());
                return;
            }
        }
        long replacedLinks = da == null ? -1 : linkCountBefore(dst.dir(), dst.name(), da);
        long replacedCost = da == null ? 0 : entryCostOf(dst.dir(), dst.name(), da);
        src.dir().move(src.name(), dst.dir(), dst.name());
        if (da != null) {
            grant.creditEntry(replacedCost);
            creditRemoved(da, replacedLinks);
        }
    }

    @Override
    public void link(String from, boolean followFrom, FsDirectory targetDir, String to) throws ErrnoException {
        grant.checkWritable("path_link", from);
        HostDirectory target = sameGrant("path_link", targetDir, to);
        try (PathResolver.Resolved<HostHandle> src = resolve("path_link", from, followFrom);
             PathResolver.Resolved<HostHandle> dst = target.resolve("path_link", to, false)) {
            if (src.name() == null) {
                throw new ErrnoException(Errno.EPERM, "cannot hard-link a directory");
            }
            BasicFileAttributes sa = src.dir().lstatOrNull(src.name());
            if (sa == null) {
                throw new ErrnoException(Errno.ENOENT, "no such file");
            }
            if (sa.isDirectory()) {
                throw new ErrnoException(Errno.EPERM, "cannot hard-link a directory");
            }
            checkNewName(dst);
            checkNoTrailingSlash(dst);
            if (sa.isSymbolicLink()) {
                // A hard link to a symlink is made as a new symlink with the same text: Jimfs's createLink
                // follows a symlink source, which could hard-link a file outside the grant.
                String text = src.dir().readSymlink(src.name());
                checkSymlinkInside("path_link", to, text, dst);
                createCharged("path_link", to, dst.name(), text, () -> dst.dir().symlink(dst.name(), text));
                return;
            }
            createCharged("path_link", to, dst.name(), null, () -> src.dir().link(src.name(), dst.dir(), dst.name()));
            grant.noteGuestLink(sa.fileKey());
        }
    }

    @Override
    public void symlink(String target, String linkPath) throws ErrnoException {
        grant.checkWritable("path_symlink", linkPath);
        try (PathResolver.Resolved<HostHandle> r = resolve("path_symlink", linkPath, false)) {
            checkNewName(r);
            checkSymlinkInside("path_symlink", linkPath, target, r);
            checkNoTrailingSlash(r);
            createCharged("path_symlink", linkPath, r.name(), target, () -> r.dir().symlink(r.name(), target));
        }
    }

    /** The place of a new link must be free. */
    private static void checkNewName(PathResolver.Resolved<HostHandle> r) throws ErrnoException {
        if (r.name() == null || r.dir().kind(r.name()) != PathResolver.Kind.MISSING) {
            throw new ErrnoException(Errno.EEXIST, "already exists");
        }
    }

    /** A link is not a directory: its new name may not end in {@code /} (POSIX gives {@code ENOENT}). */
    private static void checkNoTrailingSlash(PathResolver.Resolved<HostHandle> r) throws ErrnoException {
        if (r.trailingSlash()) {
            throw new ErrnoException(Errno.ENOENT, "a link cannot be named with a trailing slash");
        }
    }

    @Override
    public String readlink(String path) throws ErrnoException {
        try (PathResolver.Resolved<HostHandle> r = resolve("path_readlink", path, false)) {
            if (r.name() == null) {
                throw new ErrnoException(Errno.EINVAL, "not a symlink");
            }
            PathResolver.Kind k = r.dir().kind(r.name());
            if (k == PathResolver.Kind.MISSING) {
                throw new ErrnoException(Errno.ENOENT, "no such file");
            }
            if (k != PathResolver.Kind.SYMLINK) {
                throw new ErrnoException(Errno.EINVAL, "not a symlink");
            }
            String text = r.dir().readSymlink(r.name());
            checkSymlinkInside("path_readlink", path, text, r);
            return text;
        }
    }

    /**
     * Refuses (ENOTCAPABLE, reported) a symlink text that, placed in {@code where}'s directory, would leave
     * this capability: by its text alone, or by resolving it through the tree as it is now. A target that does
     * not exist (yet) is fine: its text was checked.
     */
    private void checkSymlinkInside(String op, String guestPath, String text,
                                    PathResolver.Resolved<HostHandle> where) throws ErrnoException {
        PathResolver.checkTargetText(text, where.depth(), op, guestPath, refusals);
        // Only the refusals that are rethrown below are reported; a loop or a missing part is not a refusal here.
        FsRefusalListener fatalOnly = (o, p, errno, reason) -> {
            if (fatal(errno)) {
                refusals.refused(o, p, errno, reason);
            }
        };
        try {
            PathResolver.resolveFrom(where, text, op, guestPath, fatalOnly).close(); // resolves inside
        } catch (ErrnoException e) {
            if (fatal(e.errno())) {
                throw e;
            }
            // missing, not-a-directory or looping parts: the text check above is what guards them
        }
    }

    private static boolean fatal(int errno) {
        return errno == Errno.ENOTCAPABLE || errno == Errno.EINVAL;
    }

    private HostDirectory sameGrant(String op, FsDirectory other, String path) throws ErrnoException {
        if (other instanceof HostDirectory h && h.grant == grant) {
            return h;
        }
        throw refuse(op, path, Errno.EXDEV, "source and target are in different grants");
    }

    // ---------------------------------------------------------------- list, misc

    @Override
    public List<DirEntry> list() throws ErrnoException {
        FileStat self = stat();
        List<DirEntry> out = new ArrayList<>();
        out.add(new DirEntry(".", FileStat.DIRECTORY, self.inode()));
        // ".." is not opened: above a capability there is nothing to show. It reports this directory's inode.
        out.add(new DirEntry("..", FileStat.DIRECTORY, self.inode()));
        for (String name : handle.list()) {
            BasicFileAttributes a = handle.lstatOrNull(name);
            if (a == null) {
                continue; // removed meanwhile
            }
            FileStat s = grant.stats().toStat(a, -1);
            out.add(new DirEntry(name, s.fileType(), s.inode()));
        }
        return out;
    }

    @Override
    public boolean readOnly() {
        return grant.readOnly();
    }

    @Override
    public void close() {
        handle.release();
    }

    /** For tests and the mount factory: the handle this directory holds. */
    HostHandle handle() {
        return handle;
    }

    /** For tests: the grant's quota accounting. */
    HostGrant grant() {
        return grant;
    }
}
