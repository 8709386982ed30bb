package io.mcpwasm.wasi.internal.fs;

import io.mcpwasm.wasi.internal.ErrnoException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The handle-relative directory calls that {@link java.nio.file.SecureDirectoryStream} lacks ({@code mkdirat},
 * {@code symlinkat}, {@code linkat}, {@code readlinkat}, {@code utimensat} without following), on a directory
 * descriptor of its own. This is the JDK 17 version, compiled into the jar's base: there is no such call before
 * {@code java.lang.foreign} (JDK 22), so {@link #openRoot} says "none" (null) and {@link HostHandle} keeps its
 * re-verified path fallbacks. The multi-release jar carries the real one for JDK 22+ on Linux
 * ({@code src/main/java22}); both versions have the same package-private surface.
 */
final class NativeDirectory {
    private static final Logger LOG = LoggerFactory.getLogger(NativeDirectory.class);
    private static final AtomicBoolean LOGGED = new AtomicBoolean();

    private NativeDirectory() {}

    /**
     * A descriptor of the directory {@code root} whose file key is {@code expectedKey}, or null when this JVM has no
     * handle-relative calls (always, in this version; logged once).
     */
    static NativeDirectory openRoot(Path root, Object expectedKey) throws ErrnoException {
        if (LOGGED.compareAndSet(false, true)) {
            LOG.info("Java {}: mkdir, symlink, link, readlink and symlink times in host directories use re-verified "
                    + "path fallbacks (handle-relative calls need JDK 22+ on Linux); see docs/security.md",
                    Runtime.version().feature());
        }
        return null;
    }

    NativeDirectory openChild(String name, Object expectedKey) throws ErrnoException {
        throw new UnsupportedOperationException();
    }

    void mkdir(String name) throws ErrnoException {
        throw new UnsupportedOperationException();
    }

    void symlink(String name, String target) throws ErrnoException {
        throw new UnsupportedOperationException();
    }

    void link(String name, NativeDirectory targetDir, String targetName) throws ErrnoException {
        throw new UnsupportedOperationException();
    }

    String readlink(String name) throws ErrnoException {
        throw new UnsupportedOperationException();
    }

    void setTimes(String name, FileTime atime, FileTime mtime) throws ErrnoException {
        throw new UnsupportedOperationException();
    }

    void close() {
    }
}
