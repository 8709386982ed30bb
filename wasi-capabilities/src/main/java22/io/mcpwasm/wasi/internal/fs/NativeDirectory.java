package io.mcpwasm.wasi.internal.fs;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import io.mcpwasm.wasi.internal.Errno;
import io.mcpwasm.wasi.internal.ErrnoException;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * JDK 22+ version (multi-release jar): a directory descriptor of our own, opened with
 * {@code openat(parent, name, O_PATH|O_DIRECTORY|O_NOFOLLOW|O_CLOEXEC)}, and the five calls that
 * {@link java.nio.file.SecureDirectoryStream} lacks, each relative to that descriptor and each acting on one
 * validated name without following a symlink in it: {@code mkdirat}, {@code symlinkat}, {@code linkat} (flags 0:
 * a symlink source is linked itself), {@code readlinkat}, {@code utimensat(AT_SYMLINK_NOFOLLOW)}. No path string
 * that an outside writer could redirect reaches the kernel: that is the whole point of this class.
 *
 * <p>Each descriptor is checked to be the very directory the matching {@code SecureDirectoryStream} holds (same
 * device and inode, read through {@code /proc/self/fd}, which names the open file itself); a swap between the two
 * opens is refused with {@code ESTALE}. Linux on x86-64 and aarch64 only (the {@code O_*} values differ by
 * architecture); elsewhere {@link #openRoot} returns null and the path fallbacks stay.
 */
final class NativeDirectory {
    private static final Logger LOG = LoggerFactory.getLogger(NativeDirectory.class);
    private static final Calls CALLS = Calls.load();

    private final int fd;
    private boolean closed;

    private NativeDirectory(int fd) {
        this.fd = fd;
    }

    /** Opens {@code root} (the host chose it; symlinks in it are followed), or null without native calls. */
    static NativeDirectory openRoot(Path root, Object expectedKey) throws ErrnoException {
        if (CALLS == null) {
            return null;
        }
        return verified(CALLS.openat(Calls.AT_FDCWD, root.toString(), CALLS.oDirectory), expectedKey, "open root");
    }

    /** Opens subdirectory {@code name} relative to this one, never following a symlink there. */
    NativeDirectory openChild(String name, Object expectedKey) throws ErrnoException {
        return verified(CALLS.openat(fd(), name, CALLS.oDirectory | CALLS.oNofollow), expectedKey, "open directory");
    }

    private static NativeDirectory verified(int fd, Object expectedKey, String op) throws ErrnoException {
        NativeDirectory d = new NativeDirectory(fd);
        Object actual;
        try {
            actual = Files.readAttributes(Path.of("/proc/self/fd/" + fd), BasicFileAttributes.class).fileKey();
        } catch (IOException e) {
            actual = null;
        }
        if (expectedKey == null || !expectedKey.equals(actual)) {
            d.close();
            throw new ErrnoException(Errno.ESTALE, op + ": the directory changed while it was being opened");
        }
        return d;
    }

    void mkdir(String name) throws ErrnoException {
        CALLS.check("mkdir", CALLS.call(CALLS.mkdirat, fd(), name, 0777));
    }

    void symlink(String name, String target) throws ErrnoException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment err = a.allocate(Calls.ERRNO_STATE);
            int r = (int) Calls.invoke(CALLS.symlinkat, err, a.allocateFrom(target), fd(), a.allocateFrom(name));
            CALLS.check("symlink", r < 0 ? -Calls.errno(err) : r);
        }
    }

    void link(String name, NativeDirectory targetDir, String targetName) throws ErrnoException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment err = a.allocate(Calls.ERRNO_STATE);
            int r = (int) Calls.invoke(CALLS.linkat, err, fd(), a.allocateFrom(name), targetDir.fd(),
                    a.allocateFrom(targetName), 0);
            CALLS.check("link", r < 0 ? -Calls.errno(err) : r);
        }
    }

    String readlink(String name) throws ErrnoException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment err = a.allocate(Calls.ERRNO_STATE);
            int cap = 4096;
            MemorySegment buf = a.allocate(cap);
            long n = (long) Calls.invoke(CALLS.readlinkat, err, fd(), a.allocateFrom(name), buf, (long) cap);
            CALLS.check("readlink", n < 0 ? -Calls.errno(err) : 0);
            if (n >= cap) {
                throw new ErrnoException(Errno.ENAMETOOLONG, "readlink: link text too long");
            }
            return new String(buf.asSlice(0, n).toArray(JAVA_BYTE), StandardCharsets.UTF_8);
        }
    }

    /** Sets times of {@code name} itself (a symlink's own times), or of this directory when name is null. */
    void setTimes(String name, FileTime atime, FileTime mtime) throws ErrnoException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment err = a.allocate(Calls.ERRNO_STATE);
            MemorySegment ts = a.allocate(JAVA_LONG, 4);
            timespec(ts, 0, atime);
            timespec(ts, 2, mtime);
            MemorySegment path = a.allocateFrom(name == null ? "." : name);
            int r = (int) Calls.invoke(CALLS.utimensat, err, fd(), path, ts, Calls.AT_SYMLINK_NOFOLLOW);
            CALLS.check("set times", r < 0 ? -Calls.errno(err) : r);
        }
    }

    private static void timespec(MemorySegment ts, int at, FileTime t) {
        if (t == null) {
            ts.setAtIndex(JAVA_LONG, at, 0);
            ts.setAtIndex(JAVA_LONG, at + 1, Calls.UTIME_OMIT);
        } else {
            java.time.Instant i = t.toInstant();
            ts.setAtIndex(JAVA_LONG, at, i.getEpochSecond());
            ts.setAtIndex(JAVA_LONG, at + 1, i.getNano());
        }
    }

    private int fd() throws ErrnoException {
        if (closed) {
            throw new ErrnoException(Errno.EBADF, "directory closed");
        }
        return fd;
    }

    void close() {
        if (!closed) {
            closed = true;
            try {
                Calls.invoke(CALLS.close, null, fd);
            } catch (RuntimeException e) {
                LOG.debug("closing a directory descriptor failed", e);
            }
        }
    }

    /** The libc functions, their errno capture and this architecture's flag values. */
    private static final class Calls {
        static final int AT_FDCWD = -100;
        static final int AT_SYMLINK_NOFOLLOW = 0x100;
        static final long UTIME_OMIT = (1L << 30) - 2;
        static final int O_PATH = 0x200000;
        static final int O_CLOEXEC = 0x80000;
        static final StructLayout ERRNO_STATE = Linker.Option.captureStateLayout();
        static final VarHandle ERRNO = ERRNO_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));

        final int oDirectory;
        final int oNofollow;
        final MethodHandle openat;
        final MethodHandle mkdirat;
        final MethodHandle symlinkat;
        final MethodHandle linkat;
        final MethodHandle readlinkat;
        final MethodHandle utimensat;
        final MethodHandle close;

        private Calls(int oDirectory, int oNofollow) {
            this.oDirectory = oDirectory;
            this.oNofollow = oNofollow;
            Linker linker = Linker.nativeLinker();
            SymbolLookup libc = linker.defaultLookup();
            Linker.Option errno = Linker.Option.captureCallState("errno");
            openat = handle(linker, libc, "openat", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT), errno);
            mkdirat = handle(linker, libc, "mkdirat", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT), errno);
            symlinkat = handle(linker, libc, "symlinkat", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS),
                    errno);
            linkat = handle(linker, libc, "linkat",
                    FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT), errno);
            readlinkat = handle(linker, libc, "readlinkat",
                    FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG), errno);
            utimensat = handle(linker, libc, "utimensat",
                    FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT), errno);
            close = handle(linker, libc, "close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
        }

        private static MethodHandle handle(Linker linker, SymbolLookup libc, String name, FunctionDescriptor d,
                                           Linker.Option... options) {
            MemorySegment f = libc.find(name).orElseThrow(() -> new UnsupportedOperationException("no " + name));
            return linker.downcallHandle(f, d, options);
        }

        /** The calls for this platform, or null (logged once) where they are not available. */
        static Calls load() {
            String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
            String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
            if (!os.contains("linux")) {
                LOG.info("handle-relative directory calls are implemented for Linux only; on {} mkdir, symlink, link, "
                        + "readlink and symlink times use re-verified path fallbacks", os);
                return null;
            }
            try {
                switch (arch) {
                    case "amd64", "x86_64":
                        return new Calls(0x10000, 0x20000);
                    case "aarch64", "arm64":
                        return new Calls(0x4000, 0x8000);
                    default:
                        LOG.info("handle-relative directory calls: unknown architecture {}; using re-verified path "
                                + "fallbacks", arch);
                        return null;
                }
            } catch (RuntimeException | LinkageError e) {
                LOG.warn("handle-relative directory calls unavailable ({}); using re-verified path fallbacks",
                        e.toString());
                return null;
            }
        }

        /** openat with O_PATH|O_CLOEXEC plus {@code flags}; returns the new descriptor. */
        int openat(int dirfd, String name, int flags) throws ErrnoException {
            int r = call(openat, dirfd, name, flags | O_PATH | O_CLOEXEC);
            check("open directory", r);
            return r;
        }

        /** Calls {@code f(dirfd, name, intArg)}; returns the result, or minus errno on failure. */
        int call(MethodHandle f, int dirfd, String name, int intArg) {
            try (Arena a = Arena.ofConfined()) {
                MemorySegment err = a.allocate(ERRNO_STATE);
                int r = (int) invoke(f, err, dirfd, a.allocateFrom(name), intArg);
                return r < 0 ? -errno(err) : r;
            }
        }

        static int errno(MemorySegment state) {
            return (int) ERRNO.get(state, 0L);
        }

        static Object invoke(MethodHandle f, MemorySegment errnoState, Object... args) {
            Object[] all = args;
            if (errnoState != null) {
                all = new Object[args.length + 1];
                all[0] = errnoState;
                System.arraycopy(args, 0, all, 1, args.length);
            }
            try {
                return f.invokeWithArguments(all);
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Throwable t) {
                throw new IllegalStateException(t);
            }
        }

        /** Throws the WASI errno for a negative result (minus the Linux errno). */
        void check(String op, int result) throws ErrnoException {
            if (result >= 0) {
                return;
            }
            int e = -result;
            throw new ErrnoException(wasi(e), op + " failed (errno " + e + ")");
        }

        private static int wasi(int linux) {
            return switch (linux) {
                case 1 -> Errno.EPERM;
                case 2 -> Errno.ENOENT;
                case 5 -> Errno.EIO;
                case 9 -> Errno.EBADF;
                case 13 -> Errno.EACCES;
                case 16 -> Errno.EBUSY;
                case 17 -> Errno.EEXIST;
                case 18 -> Errno.EXDEV;
                case 20 -> Errno.ENOTDIR;
                case 21 -> Errno.EISDIR;
                case 22 -> Errno.EINVAL;
                case 24 -> Errno.EMFILE;
                case 28 -> Errno.ENOSPC;
                case 30 -> Errno.EROFS;
                case 31 -> Errno.EMLINK;
                case 36 -> Errno.ENAMETOOLONG;
                case 39 -> Errno.ENOTEMPTY;
                case 40 -> Errno.ELOOP;
                case 95 -> Errno.ENOTSUP;
                case 116 -> Errno.ESTALE;
                case 122 -> Errno.EDQUOT;
                default -> Errno.EIO;
            };
        }
    }
}
