package io.mcpwasm.wasi.internal.fs;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the root {@link FsDirectory} of a grant: a host directory, or an in-memory read-only tree.
 *
 * <p>Host directories work on any {@link Path} whose provider hands out a {@link java.nio.file.SecureDirectoryStream}
 * (the JDK's default provider on Linux and macOS, and Jimfs). Every guest path is then resolved one name at a
 * time relative to directory handles ({@code openat} and friends), never as a host path string: see
 * {@link PathResolver}. Where the provider has no {@code SecureDirectoryStream} (the default provider on Windows,
 * zip file systems), nothing of that holds, and rather than fall back to path-string checks that a concurrent
 * symlink swap defeats, the mount is refused.
 */
public final class FsMounts {
    private static final Logger LOG = LoggerFactory.getLogger(FsMounts.class);
    private static final AtomicLong NEXT_DEVICE = new AtomicLong(0x4d43_5000L); // synthetic device ids

    private FsMounts() {}

    /**
     * Opens {@code root} now and returns it as a grant root.
     *
     * @param readOnly   refuse every mutation with {@code EROFS}, before the host file system is asked
     * @param quotaBytes bytes the guest may add to the tree (counted from now; deletions give bytes back);
     *                   {@code Long.MAX_VALUE} for no limit; ignored when read-only
     * @param refusals   told of every refused access
     * @throws IllegalArgumentException when the directory cannot be opened, naming the reason but not the path
     */
    public static FsDirectory hostDirectory(Path root, boolean readOnly, long quotaBytes, FsRefusalListener refusals) {
        return hostDirectory(root, readOnly, quotaBytes, Long.MAX_VALUE, refusals);
    }

    /**
     * As {@link #hostDirectory(Path, boolean, long, FsRefusalListener)}, with an entry limit: how many entries
     * (files, directories, symlinks, hard links) the guest may add, net of removals; {@code Long.MAX_VALUE} for none.
     * Every entry is also charged to {@code quotaBytes}: 4160 bytes plus its name (and a symlink's text).
     */
    public static FsDirectory hostDirectory(Path root, boolean readOnly, long quotaBytes, long maxEntries,
                                            FsRefusalListener refusals) {
        Objects.requireNonNull(root, "root");
        Objects.requireNonNull(refusals, "refusals");
        if (quotaBytes < 0) {
            throw new IllegalArgumentException("quotaBytes must be >= 0, was " + quotaBytes);
        }
        if (maxEntries < 0) {
            throw new IllegalArgumentException("maxEntries must be >= 0, was " + maxEntries);
        }
        HostHandle handle;
        try {
            handle = HostHandle.openRoot(root);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("the directory to mount does not exist");
        } catch (NotDirectoryException e) {
            throw new IllegalArgumentException("the path to mount is not a directory");
        } catch (AccessDeniedException e) {
            throw new IllegalArgumentException("the directory to mount cannot be read (access denied)");
        } catch (UnsupportedOperationException e) {
            throw new IllegalArgumentException("the file system of the directory to mount cannot open files relative "
                    + "to a directory handle (no SecureDirectoryStream), so it cannot be confined; refusing to mount");
        } catch (IOException e) {
            throw new IllegalArgumentException("the directory to mount cannot be opened ("
                    + e.getClass().getSimpleName() + ")");
        }
        HostGrant grant = new HostGrant(readOnly, readOnly ? 0 : quotaBytes, readOnly ? 0 : maxEntries, refusals,
                NEXT_DEVICE.getAndIncrement());
        LOG.debug("mounted a host directory, readOnly={}, quotaBytes={}, maxEntries={}", readOnly, quotaBytes, maxEntries);
        return new HostDirectory(grant, handle, "");
    }

    /**
     * An in-memory read-only tree. Keys are relative paths ("token", "a/b"); values are copied.
     * Mutations are refused with {@code EROFS} and not reported anywhere.
     */
    public static FsDirectory readOnlyFiles(Map<String, byte[]> files) {
        return readOnlyFiles(files, (operation, guestPath, errno, reason) -> { });
    }

    /** As {@link #readOnlyFiles(Map)}, reporting refusals to {@code refusals}. Contents are never logged. */
    public static FsDirectory readOnlyFiles(Map<String, byte[]> files, FsRefusalListener refusals) {
        Objects.requireNonNull(files, "files");
        Objects.requireNonNull(refusals, "refusals");
        return MemoryTree.build(files, refusals);
    }
}
