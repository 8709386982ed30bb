package io.mcpwasm.wasi.internal;

import static io.mcpwasm.wasi.internal.WasiConstants.*;

import run.endive.runtime.WasmInterruptedException;
import run.endive.runtime.HostFunction;
import run.endive.runtime.Instance;
import run.endive.wasm.WasmEngineException;
import run.endive.wasm.types.FunctionType;
import run.endive.wasm.types.ValType;
import io.mcpwasm.wasi.GuestOutput;
import io.mcpwasm.wasi.McpWasmException;
import io.mcpwasm.wasi.SandboxSetupException;
import io.mcpwasm.wasi.internal.fs.DirEntry;
import io.mcpwasm.wasi.internal.fs.FileStat;
import io.mcpwasm.wasi.internal.fs.FsDirectory;
import io.mcpwasm.wasi.internal.fs.FsFile;
import io.mcpwasm.wasi.internal.fs.FsNode;
import io.mcpwasm.wasi.internal.fs.OpenOptions;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code wasi_snapshot_preview1} functions of one guest instance: argument, environment, clock and
 * random functions, the descriptor table with standard streams and preopened directories, the
 * {@code fd_*} / {@code path_*} family over the file-system kernel, and {@code poll_oneoff}.
 *
 * <p>Every function returns an errno and never throws for bad guest input. The exceptions that do leave a
 * call, on purpose, are {@link GuestExitException} ({@code proc_exit}), {@link WasmInterruptedException}
 * (the guest thread was interrupted while blocked) and whatever exception the embedder's {@link GuestOutput}
 * throws (its way to stop the guest).
 */
public final class WasiPreview1 {
    /** The import module name. */
    public static final String MODULE = "wasi_snapshot_preview1";

    private static final Logger LOG = LoggerFactory.getLogger(WasiPreview1.class);
    /** Largest host buffer one read or write uses; bigger guest requests are served in parts or short. */
    private static final int CHUNK = 1 << 20;
    /** Most subscriptions one poll_oneoff may carry. */
    private static final int MAX_SUBSCRIPTIONS = 4096;

    /** A preopened directory: the guest path it is announced under and the directory it grants. */
    public record Preopen(String guestPath, FsDirectory directory) {
        public Preopen {
            Objects.requireNonNull(guestPath, "guestPath");
            Objects.requireNonNull(directory, "directory");
        }
    }

    private final List<byte[]> args;
    private final List<byte[]> env;
    private final WasiClock clock;
    private final SecureRandom random;
    private final FdTable fds = new FdTable();
    /**
     * Set once the guest calls {@code sched_yield}. Go's wasip1 runtime calls it only from a note wait that spins
     * (yield, reschedule, look again) for as long as the note is not woken; the one such wait that outlives
     * start-up is os/signal's receiver, which waits for ever once a program calls {@code signal.Notify}
     * (mcp-go's {@code ServeStdio} does). From then on a goroutine is always runnable, and Go's scheduler
     * calls its poller ({@code poll_oneoff}) only when none is: a goroutine that parked on stdin after
     * {@code EAGAIN} is never woken again. So stdin reads of such a guest wait for input instead of
     * returning {@code EAGAIN}, even with {@code NONBLOCK} set.
     */
    private volatile boolean guestSpins;
    private final Auditor auditor;

    /**
     * @param args       the guest's argv
     * @param env        the granted environment, each {@code NAME=value}
     * @param fixedClock null for real clocks, else the start instant of deterministic virtual clocks
     * @param wallClockStart null for the real date, else where a hidden wall clock starts (see WasiClock)
     * @param preopens   directories numbered from fd 3 in this order
     */
    public WasiPreview1(List<String> args, List<String> env, Instant fixedClock, Instant wallClockStart,
                        SecureRandom random,
                        GuestInput stdin, GuestOutput stdout, GuestOutput stderr, List<Preopen> preopens,
                        Auditor auditor) {
        this.args = encodeAll(args);
        this.env = encodeAll(env);
        this.clock = new WasiClock(fixedClock, wallClockStart);
        this.random = Objects.requireNonNull(random, "random");
        this.auditor = Objects.requireNonNull(auditor, "auditor");
        try {
            fds.add(new Descriptor.Stdin(Objects.requireNonNull(stdin, "stdin")));
            fds.add(new Descriptor.Output(Objects.requireNonNull(stdout, "stdout"), "stdout"));
            fds.add(new Descriptor.Output(Objects.requireNonNull(stderr, "stderr"), "stderr"));
            for (Preopen p : preopens) {
                fds.add(new Descriptor.Directory(p.directory(), p.guestPath(), RIGHTS_DIRECTORY, RIGHTS_ALL, 0));
            }
        } catch (ErrnoException e) {
            throw new SandboxSetupException(auditor.serverName(), "cannot set up the descriptor table: " + e.getMessage(),
                    e);
        }
    }

    private static List<byte[]> encodeAll(List<String> strings) {
        List<byte[]> out = new ArrayList<>(strings.size());
        for (String s : strings) {
            out.add(s.getBytes(StandardCharsets.UTF_8));
        }
        return Collections.unmodifiableList(out);
    }

    /** Closes every open descriptor. Idempotent; afterwards every descriptor is {@code EBADF}. */
    public void close() {
        for (Descriptor d : fds.closeAll()) {
            closeQuietly(d);
        }
    }

    private static void closeQuietly(Descriptor d) {
        try {
            d.close();
        } catch (RuntimeException e) {
            LOG.warn("closing a guest descriptor failed", e);
        }
    }

    // ------------------------------------------------------------------ registration

    @FunctionalInterface
    private interface Impl {
        int call(GuestMemory m, long[] a) throws ErrnoException, InterruptedException;
    }

    private static final ValType I32 = ValType.I32;
    private static final ValType I64 = ValType.I64;

    /** Every function of {@code wasi_snapshot_preview1}, with the exact signatures of the specification. */
    public List<HostFunction> hostFunctions() {
        List<HostFunction> f = new ArrayList<>();
        add(f, "args_get", List.of(I32, I32), (m, a) -> argsGet(m, i(a[0]), i(a[1])));
        add(f, "args_sizes_get", List.of(I32, I32), (m, a) -> sizesGet(m, args, i(a[0]), i(a[1])));
        add(f, "environ_get", List.of(I32, I32), (m, a) -> stringsGet(m, env, i(a[0]), i(a[1])));
        add(f, "environ_sizes_get", List.of(I32, I32), (m, a) -> sizesGet(m, env, i(a[0]), i(a[1])));
        add(f, "clock_res_get", List.of(I32, I32), (m, a) -> {
            m.writeI64(i(a[1]), clock.resolution(i(a[0])));
            return Errno.SUCCESS;
        });
        add(f, "clock_time_get", List.of(I32, I64, I32), (m, a) -> {
            m.check(i(a[2]), 8);
            m.writeI64(i(a[2]), clock.now(i(a[0])));
            return Errno.SUCCESS;
        });
        add(f, "fd_advise", List.of(I32, I64, I64, I32), (m, a) -> fdAdvise(i(a[0]), a[1], a[2], i(a[3])));
        add(f, "fd_allocate", List.of(I32, I64, I64), (m, a) -> fdAllocate(i(a[0]), a[1], a[2]));
        add(f, "fd_close", List.of(I32), (m, a) -> {
            closeQuietly(fds.remove(i(a[0])));
            return Errno.SUCCESS;
        });
        add(f, "fd_datasync", List.of(I32), (m, a) -> fdSync(i(a[0])));
        add(f, "fd_fdstat_get", List.of(I32, I32), (m, a) -> fdFdstatGet(m, i(a[0]), i(a[1])));
        add(f, "fd_fdstat_set_flags", List.of(I32, I32), (m, a) -> fdFdstatSetFlags(i(a[0]), i(a[1])));
        add(f, "fd_fdstat_set_rights", List.of(I32, I64, I64), (m, a) -> fdFdstatSetRights(i(a[0]), a[1], a[2]));
        add(f, "fd_filestat_get", List.of(I32, I32), (m, a) -> fdFilestatGet(m, i(a[0]), i(a[1])));
        add(f, "fd_filestat_set_size", List.of(I32, I64), (m, a) -> fdFilestatSetSize(i(a[0]), a[1]));
        add(f, "fd_filestat_set_times", List.of(I32, I64, I64, I32),
            (m, a) -> fdFilestatSetTimes(i(a[0]), a[1], a[2], i(a[3])));
        add(f, "fd_pread", List.of(I32, I32, I32, I64, I32),
            (m, a) -> fdRead(m, i(a[0]), i(a[1]), i(a[2]), a[3], i(a[4]), true));
        add(f, "fd_prestat_get", List.of(I32, I32), (m, a) -> fdPrestatGet(m, i(a[0]), i(a[1])));
        add(f, "fd_prestat_dir_name", List.of(I32, I32, I32), (m, a) -> fdPrestatDirName(m, i(a[0]), i(a[1]), i(a[2])));
        add(f, "fd_pwrite", List.of(I32, I32, I32, I64, I32),
            (m, a) -> fdWrite(m, i(a[0]), i(a[1]), i(a[2]), a[3], i(a[4]), true));
        add(f, "fd_read", List.of(I32, I32, I32, I32), (m, a) -> fdRead(m, i(a[0]), i(a[1]), i(a[2]), -1, i(a[3]), false));
        add(f, "fd_readdir", List.of(I32, I32, I32, I64, I32),
            (m, a) -> fdReaddir(m, i(a[0]), i(a[1]), i(a[2]), a[3], i(a[4])));
        add(f, "fd_renumber", List.of(I32, I32), (m, a) -> {
            Descriptor old = fds.renumber(i(a[0]), i(a[1]));
            if (old != null) {
                closeQuietly(old);
            }
            return Errno.SUCCESS;
        });
        add(f, "fd_seek", List.of(I32, I64, I32, I32), (m, a) -> fdSeek(m, i(a[0]), a[1], i(a[2]), i(a[3])));
        add(f, "fd_sync", List.of(I32), (m, a) -> fdSync(i(a[0])));
        add(f, "fd_tell", List.of(I32, I32), (m, a) -> fdTell(m, i(a[0]), i(a[1])));
        add(f, "fd_write", List.of(I32, I32, I32, I32), (m, a) -> fdWrite(m, i(a[0]), i(a[1]), i(a[2]), -1, i(a[3]), false));
        add(f, "path_create_directory", List.of(I32, I32, I32), (m, a) -> {
            directory(i(a[0]), RIGHT_PATH_CREATE_DIRECTORY).dir.createDirectory(m.readPath(i(a[1]), i(a[2])));
            return Errno.SUCCESS;
        });
        add(f, "path_filestat_get", List.of(I32, I32, I32, I32, I32),
            (m, a) -> pathFilestatGet(m, i(a[0]), i(a[1]), i(a[2]), i(a[3]), i(a[4])));
        add(f, "path_filestat_set_times", List.of(I32, I32, I32, I32, I64, I64, I32), (m, a) -> {
            Long[] t = times(a[4], a[5], i(a[6]));
            directory(i(a[0]), RIGHT_PATH_FILESTAT_SET_TIMES).dir.setTimes(m.readPath(i(a[2]), i(a[3])), follow(i(a[1])), t[0], t[1]);
            return Errno.SUCCESS;
        });
        add(f, "path_link", List.of(I32, I32, I32, I32, I32, I32, I32), (m, a) -> {
            Descriptor.Directory from = directory(i(a[0]), RIGHT_PATH_LINK_SOURCE);
            Descriptor.Directory to = directory(i(a[4]), RIGHT_PATH_LINK_TARGET);
            from.dir.link(m.readPath(i(a[2]), i(a[3])), follow(i(a[1])), to.dir, m.readPath(i(a[5]), i(a[6])));
            return Errno.SUCCESS;
        });
        add(f, "path_open", List.of(I32, I32, I32, I32, I32, I64, I64, I32, I32),
            (m, a) -> pathOpen(m, i(a[0]), i(a[1]), i(a[2]), i(a[3]), i(a[4]), a[5], a[6], i(a[7]), i(a[8])));
        add(f, "path_readlink", List.of(I32, I32, I32, I32, I32, I32),
            (m, a) -> pathReadlink(m, i(a[0]), i(a[1]), i(a[2]), i(a[3]), i(a[4]), i(a[5])));
        add(f, "path_remove_directory", List.of(I32, I32, I32), (m, a) -> {
            directory(i(a[0]), RIGHT_PATH_REMOVE_DIRECTORY).dir.removeDirectory(m.readPath(i(a[1]), i(a[2])));
            return Errno.SUCCESS;
        });
        add(f, "path_rename", List.of(I32, I32, I32, I32, I32, I32), (m, a) -> {
            Descriptor.Directory from = directory(i(a[0]), RIGHT_PATH_RENAME_SOURCE);
            Descriptor.Directory to = directory(i(a[3]), RIGHT_PATH_RENAME_TARGET);
            from.dir.rename(m.readPath(i(a[1]), i(a[2])), to.dir, m.readPath(i(a[4]), i(a[5])));
            return Errno.SUCCESS;
        });
        add(f, "path_symlink", List.of(I32, I32, I32, I32, I32), (m, a) -> {
            String target = m.readPath(i(a[0]), i(a[1]));
            directory(i(a[2]), RIGHT_PATH_SYMLINK).dir.symlink(target, m.readPath(i(a[3]), i(a[4])));
            return Errno.SUCCESS;
        });
        add(f, "path_unlink_file", List.of(I32, I32, I32), (m, a) -> {
            directory(i(a[0]), RIGHT_PATH_UNLINK_FILE).dir.removeFile(m.readPath(i(a[1]), i(a[2])));
            return Errno.SUCCESS;
        });
        add(f, "poll_oneoff", List.of(I32, I32, I32, I32), (m, a) -> pollOneoff(m, i(a[0]), i(a[1]), i(a[2]), i(a[3])));
        f.add(new HostFunction(MODULE, "proc_exit", FunctionType.of(List.of(I32), List.of()), (inst, a) -> {
            throw new GuestExitException((int) a[0]);
        }));
        add(f, "proc_raise", List.of(I32), (m, a) -> Errno.ENOTSUP);
        add(f, "sched_yield", List.of(), (m, a) -> {
            guestSpins = true;
            Thread.yield();
            return Errno.SUCCESS;
        });
        add(f, "random_get", List.of(I32, I32), (m, a) -> randomGet(m, i(a[0]), i(a[1])));
        add(f, "sock_accept", List.of(I32, I32, I32), (m, a) -> socket("sock_accept", i(a[0])));
        add(f, "sock_recv", List.of(I32, I32, I32, I32, I32, I32), (m, a) -> socket("sock_recv", i(a[0])));
        add(f, "sock_send", List.of(I32, I32, I32, I32, I32), (m, a) -> socket("sock_send", i(a[0])));
        add(f, "sock_shutdown", List.of(I32, I32), (m, a) -> socket("sock_shutdown", i(a[0])));
        return f;
    }

    private static int i(long v) {
        return (int) v;
    }

    private static boolean follow(int lookupflags) {
        return (lookupflags & LOOKUP_SYMLINK_FOLLOW) != 0;
    }

    private void add(List<HostFunction> out, String name, List<ValType> params, Impl impl) {
        out.add(new HostFunction(MODULE, name, FunctionType.of(params, List.of(I32)),
            (instance, a) -> new long[] {invoke(name, impl, instance, a)}));
    }

    private int invoke(String name, Impl impl, Instance instance, long[] a) {
        try {
            return impl.call(new GuestMemory(instance.memory()), a);
        } catch (ErrnoException e) {
            if (LOG.isTraceEnabled()) {
                LOG.trace("{} -> {}", name, e.getMessage());
            }
            return e.errno();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new WasmInterruptedException("guest interrupted while blocked in " + name, e);
        } catch (SinkFailure e) {
            throw e.original();
        } catch (McpWasmException | WasmInterruptedException e) {
            throw e;
        } catch (WasmEngineException e) {
            // A memory access the checks above did not foresee: refuse it rather than kill the host.
            LOG.debug("{}: guest memory access failed: {}", name, e.getMessage());
            return Errno.EFAULT;
        } catch (RuntimeException e) {
            LOG.warn("{} failed unexpectedly; returning EIO to the guest", name, e);
            return Errno.EIO;
        }
    }

    // ------------------------------------------------------------------ args, environ, random, sockets

    private static int sizesGet(GuestMemory m, List<byte[]> strings, int countPtr, int sizePtr) throws ErrnoException {
        long size = 0;
        for (byte[] s : strings) {
            size += s.length + 1;
        }
        m.check(countPtr, 4);
        m.check(sizePtr, 4);
        m.writeI32(countPtr, strings.size());
        m.writeI32(sizePtr, (int) size);
        return Errno.SUCCESS;
    }

    private int argsGet(GuestMemory m, int argv, int buf) throws ErrnoException {
        return stringsGet(m, args, argv, buf);
    }

    private static int stringsGet(GuestMemory m, List<byte[]> strings, int ptrs, int buf) throws ErrnoException {
        long size = 0;
        for (byte[] s : strings) {
            size += s.length + 1;
        }
        m.check(ptrs, 4L * strings.size());
        m.check(buf, size);
        int at = buf;
        for (int k = 0; k < strings.size(); k++) {
            byte[] s = strings.get(k);
            m.writeI32(ptrs + 4 * k, at);
            byte[] z = new byte[s.length + 1];
            System.arraycopy(s, 0, z, 0, s.length);
            m.write(at, z);
            at += z.length;
        }
        return Errno.SUCCESS;
    }

    private int randomGet(GuestMemory m, int buf, int len) throws ErrnoException {
        long n = Integer.toUnsignedLong(len);
        m.check(buf, n);
        byte[] chunk = new byte[(int) Math.min(n, 65536)];
        long done = 0;
        while (done < n) {
            int k = (int) Math.min(chunk.length, n - done);
            random.nextBytes(chunk);
            m.write((int) (buf + done), chunk, 0, k);
            done += k;
        }
        return Errno.SUCCESS;
    }

    private int socket(String function, int fd) throws ErrnoException {
        fds.get(fd);
        auditor.denied("network", "fd " + fd, function + ": the guest has no sockets (no network capability)");
        return Errno.ENOTSOCK;
    }

    // ------------------------------------------------------------------ descriptors

    private Descriptor.Directory directory(int fd) throws ErrnoException {
        Descriptor d = fds.get(fd);
        if (d instanceof Descriptor.Directory dir) {
            return dir;
        }
        throw new ErrnoException(Errno.ENOTDIR, "fd " + fd + " is not a directory");
    }

    /** A directory descriptor that holds every right in {@code needed}, else {@code ENOTCAPABLE}. */
    private Descriptor.Directory directory(int fd, long needed) throws ErrnoException {
        Descriptor.Directory d = directory(fd);
        require(d, fd, needed);
        return d;
    }

    /** Rights a descriptor lacks (never granted, or dropped by the guest) refuse the call with {@code ENOTCAPABLE}. */
    private static void require(Descriptor d, int fd, long needed) throws ErrnoException {
        long missing = needed & ~d.rightsBase;
        if (missing != 0) {
            throw new ErrnoException(Errno.ENOTCAPABLE, "fd " + fd + " lacks the rights 0x" + Long.toHexString(missing));
        }
    }

    private Descriptor.File file(int fd) throws ErrnoException {
        Descriptor d = fds.get(fd);
        if (d instanceof Descriptor.File file) {
            return file;
        }
        if (d instanceof Descriptor.Directory) {
            throw new ErrnoException(Errno.EISDIR, "fd " + fd + " is a directory");
        }
        throw new ErrnoException(Errno.ESPIPE, "fd " + fd + " is a stream");
    }

    private int fdFdstatGet(GuestMemory m, int fd, int ptr) throws ErrnoException {
        Descriptor d = fds.get(fd);
        m.check(ptr, FDSTAT_SIZE);
        ByteBuffer b = ByteBuffer.allocate(FDSTAT_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        b.put(0, (byte) d.filetype());
        b.putShort(2, (short) d.fdflags);
        b.putLong(8, d.rightsBase);
        b.putLong(16, d.rightsInheriting);
        m.write(ptr, b.array());
        return Errno.SUCCESS;
    }

    private int fdFdstatSetFlags(int fd, int flags) throws ErrnoException {
        Descriptor d = fds.get(fd);
        if ((flags & ~FDFLAGS_ALL) != 0 || flags > 0xffff) {
            throw new ErrnoException(Errno.EINVAL, "unknown fdflags " + flags);
        }
        if (d instanceof Descriptor.File f) {
            f.file.setAppend((flags & FDFLAGS_APPEND) != 0);
        }
        d.fdflags = flags;
        return Errno.SUCCESS;
    }

    private int fdFdstatSetRights(int fd, long base, long inheriting) throws ErrnoException {
        Descriptor d = fds.get(fd);
        if ((base & ~d.rightsBase) != 0 || (inheriting & ~d.rightsInheriting) != 0) {
            throw new ErrnoException(Errno.ENOTCAPABLE, "rights can only be dropped");
        }
        d.rightsBase = base;
        d.rightsInheriting = inheriting;
        return Errno.SUCCESS;
    }

    private int fdFilestatGet(GuestMemory m, int fd, int ptr) throws ErrnoException {
        Descriptor d = fds.get(fd);
        require(d, fd, RIGHT_FD_FILESTAT_GET);
        m.check(ptr, FILESTAT_SIZE);
        FileStat s;
        if (d instanceof Descriptor.NodeDescriptor n) {
            s = n.node().stat();
        } else {
            s = new FileStat(0, 0, FILETYPE_CHARACTER_DEVICE, 1, 0, 0, 0, 0);
        }
        writeFilestat(m, ptr, s);
        return Errno.SUCCESS;
    }

    private static void writeFilestat(GuestMemory m, int ptr, FileStat s) throws ErrnoException {
        ByteBuffer b = ByteBuffer.allocate(FILESTAT_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(0, s.device());
        b.putLong(8, s.inode());
        b.put(16, (byte) s.fileType());
        b.putLong(24, s.linkCount());
        b.putLong(32, s.size());
        b.putLong(40, s.atimeNanos());
        b.putLong(48, s.mtimeNanos());
        b.putLong(56, s.ctimeNanos());
        m.write(ptr, b.array());
    }

    private int fdFilestatSetSize(int fd, long size) throws ErrnoException {
        Descriptor.File f = fileForWrite(fd);
        require(f, fd, RIGHT_FD_FILESTAT_SET_SIZE);
        if (size < 0) {
            throw new ErrnoException(Errno.EINVAL, "negative size");
        }
        f.file.setSize(size);
        return Errno.SUCCESS;
    }

    private Descriptor.File fileForWrite(int fd) throws ErrnoException {
        Descriptor d = fds.get(fd);
        if (d instanceof Descriptor.File f) {
            if (!f.has(RIGHT_FD_WRITE)) {
                throw new ErrnoException(Errno.EBADF, "fd " + fd + " is not open for writing");
            }
            return f;
        }
        if (d instanceof Descriptor.Directory) {
            throw new ErrnoException(Errno.EISDIR, "fd " + fd + " is a directory");
        }
        throw new ErrnoException(Errno.EINVAL, "fd " + fd + " is a stream");
    }

    private int fdFilestatSetTimes(int fd, long atim, long mtim, int flags) throws ErrnoException {
        Descriptor d = fds.get(fd);
        require(d, fd, RIGHT_FD_FILESTAT_SET_TIMES);
        Long[] t = times(atim, mtim, flags);
        if (d instanceof Descriptor.NodeDescriptor n) {
            n.node().setTimes(t[0], t[1]);
            return Errno.SUCCESS;
        }
        throw new ErrnoException(Errno.ENOTSUP, "fd " + fd + " is a stream");
    }

    private static Long[] times(long atim, long mtim, int flags) throws ErrnoException {
        if ((flags & ~(FST_ATIM | FST_ATIM_NOW | FST_MTIM | FST_MTIM_NOW)) != 0
            || ((flags & FST_ATIM) != 0 && (flags & FST_ATIM_NOW) != 0)
            || ((flags & FST_MTIM) != 0 && (flags & FST_MTIM_NOW) != 0)) {
            throw new ErrnoException(Errno.EINVAL, "bad fstflags " + flags);
        }
        Long a = null;
        Long mt = null;
        if ((flags & FST_ATIM_NOW) != 0) {
            a = FsDirectory.NOW;
        } else if ((flags & FST_ATIM) != 0) {
            a = timestamp(atim);
        }
        if ((flags & FST_MTIM_NOW) != 0) {
            mt = FsDirectory.NOW;
        } else if ((flags & FST_MTIM) != 0) {
            mt = timestamp(mtim);
        }
        return new Long[] {a, mt};
    }

    private static Long timestamp(long t) throws ErrnoException {
        if (t < 0) {
            throw new ErrnoException(Errno.EINVAL, "timestamp beyond 2262");
        }
        return t;
    }

    private int fdAdvise(int fd, long offset, long len, int advice) throws ErrnoException {
        Descriptor d = fds.get(fd);
        if (advice < 0 || advice > 5 || offset < 0 || len < 0) {
            throw new ErrnoException(Errno.EINVAL, "bad advice");
        }
        if (!(d instanceof Descriptor.File)) {
            file(fd);
        }
        return Errno.SUCCESS;
    }

    private int fdAllocate(int fd, long offset, long len) throws ErrnoException {
        Descriptor.File f = fileForWrite(fd);
        require(f, fd, RIGHT_FD_ALLOCATE);
        if (offset < 0 || len < 0 || offset + len < 0) {
            throw new ErrnoException(Errno.EINVAL, "bad range");
        }
        long end = offset + len;
        if (f.file.stat().size() < end) {
            f.file.setSize(end);
        }
        return Errno.SUCCESS;
    }

    private int fdSync(int fd) throws ErrnoException {
        Descriptor d = fds.get(fd);
        if (d instanceof Descriptor.File f) {
            f.file.sync();
        }
        return Errno.SUCCESS;
    }

    private int fdSeek(GuestMemory m, int fd, long offset, int whence, int resultPtr) throws ErrnoException {
        Descriptor.File f = file(fd);
        require(f, fd, offset == 0 && whence == WHENCE_CUR ? RIGHT_FD_TELL : RIGHT_FD_SEEK);
        m.check(resultPtr, 8);
        if (whence < WHENCE_SET || whence > WHENCE_END) {
            throw new ErrnoException(Errno.EINVAL, "bad whence " + whence);
        }
        m.writeI64(resultPtr, f.file.seek(offset, whence));
        return Errno.SUCCESS;
    }

    private int fdTell(GuestMemory m, int fd, int resultPtr) throws ErrnoException {
        Descriptor.File f = file(fd);
        require(f, fd, RIGHT_FD_TELL);
        m.check(resultPtr, 8);
        m.writeI64(resultPtr, f.file.position());
        return Errno.SUCCESS;
    }

    private int fdPrestatGet(GuestMemory m, int fd, int ptr) throws ErrnoException {
        Descriptor d = fds.get(fd);
        if (!(d instanceof Descriptor.Directory dir) || dir.preopenName == null) {
            throw new ErrnoException(Errno.EBADF, "fd " + fd + " is not a preopen");
        }
        m.check(ptr, PRESTAT_SIZE);
        ByteBuffer b = ByteBuffer.allocate(PRESTAT_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        b.put(0, (byte) PREOPENTYPE_DIR);
        b.putInt(4, dir.preopenName.getBytes(StandardCharsets.UTF_8).length);
        m.write(ptr, b.array());
        return Errno.SUCCESS;
    }

    private int fdPrestatDirName(GuestMemory m, int fd, int ptr, int len) throws ErrnoException {
        Descriptor d = fds.get(fd);
        if (!(d instanceof Descriptor.Directory dir) || dir.preopenName == null) {
            throw new ErrnoException(Errno.EBADF, "fd " + fd + " is not a preopen");
        }
        byte[] name = dir.preopenName.getBytes(StandardCharsets.UTF_8);
        m.check(ptr, Integer.toUnsignedLong(len));
        if (Integer.toUnsignedLong(len) < name.length) {
            throw new ErrnoException(Errno.ENAMETOOLONG, "buffer shorter than the preopen name");
        }
        m.write(ptr, name);
        return Errno.SUCCESS;
    }

    // ------------------------------------------------------------------ read and write

    private int fdRead(GuestMemory m, int fd, int iovs, int iovsLen, long offset, int resultPtr, boolean positioned)
        throws ErrnoException, InterruptedException {
        Descriptor d = fds.get(fd);
        long[][] vec = m.iovecs(iovs, iovsLen);
        m.check(resultPtr, 4);
        if (positioned && offset < 0) {
            throw new ErrnoException(Errno.EINVAL, "negative offset");
        }
        long total = 0;
        for (long[] v : vec) {
            total += v[1];
        }
        int n;
        if (d instanceof Descriptor.Stdin in) {
            if (positioned) {
                throw new ErrnoException(Errno.ESPIPE, "stdin is a stream");
            }
            n = readStdin(m, in, vec, total);
        } else if (d instanceof Descriptor.File f) {
            if (!f.has(RIGHT_FD_READ)) {
                throw new ErrnoException(Errno.EBADF, "fd " + fd + " is not open for reading");
            }
            n = readFile(m, f.file, vec, positioned ? offset : -1);
        } else if (d instanceof Descriptor.Directory) {
            throw new ErrnoException(Errno.EISDIR, "fd " + fd + " is a directory");
        } else {
            throw new ErrnoException(positioned ? Errno.ESPIPE : Errno.EBADF, "fd " + fd + " is not readable");
        }
        m.writeI32(resultPtr, n);
        return Errno.SUCCESS;
    }

    private int readStdin(GuestMemory m, Descriptor.Stdin in, long[][] vec, long total)
        throws ErrnoException, InterruptedException {
        if (total == 0) {
            return 0;
        }
        boolean nonblocking = (in.fdflags & FDFLAGS_NONBLOCK) != 0 && !guestSpins;
        while (true) {
            if (nonblocking) {
                if (!in.input.awaitReadable(0, TimeUnit.NANOSECONDS)) {
                    throw new ErrnoException(Errno.EAGAIN, "no input queued");
                }
            } else {
                in.input.awaitReadable();
            }
            // Size the host buffer by what is queued, not by the guest's (often much larger) buffer.
            long queued = in.input.available();
            byte[] buf = new byte[(int) Math.max(1, Math.min(Math.min(total, queued), CHUNK))];
            int n = in.input.readNonBlocking(buf, 0, buf.length);
            if (n == GuestInput.EOF) {
                return 0;
            }
            if (n > 0) {
                scatter(m, vec, buf, n);
                return n;
            }
            // another reader took the bytes first: wait again (or EAGAIN)
        }
    }

    private static void scatter(GuestMemory m, long[][] vec, byte[] buf, int n) throws ErrnoException {
        int done = 0;
        for (long[] v : vec) {
            if (done == n) {
                break;
            }
            int k = (int) Math.min(v[1], n - done);
            m.write((int) v[0], buf, done, k);
            done += k;
        }
    }

    private static int readFile(GuestMemory m, FsFile file, long[][] vec, long position) throws ErrnoException {
        long done = 0;
        for (long[] v : vec) {
            long off = 0;
            while (off < v[1]) {
                int want = (int) Math.min(CHUNK, v[1] - off);
                ByteBuffer b = ByteBuffer.allocate(want);
                int n = file.read(b, position < 0 ? -1 : position + done);
                if (n <= 0) {
                    return (int) done;
                }
                m.write((int) (v[0] + off), b.array(), 0, n);
                off += n;
                done += n;
                if (n < want || done >= Integer.MAX_VALUE - CHUNK) {
                    return (int) done;
                }
            }
        }
        return (int) done;
    }

    private int fdWrite(GuestMemory m, int fd, int iovs, int iovsLen, long offset, int resultPtr, boolean positioned)
        throws ErrnoException {
        Descriptor d = fds.get(fd);
        long[][] vec = m.iovecs(iovs, iovsLen);
        m.check(resultPtr, 4);
        if (positioned && offset < 0) {
            throw new ErrnoException(Errno.EINVAL, "negative offset");
        }
        int n;
        if (d instanceof Descriptor.Output out) {
            if (positioned) {
                throw new ErrnoException(Errno.ESPIPE, out.name + " is a stream");
            }
            n = writeOutput(m, out, vec);
        } else if (d instanceof Descriptor.File f) {
            if (!f.has(RIGHT_FD_WRITE)) {
                throw new ErrnoException(Errno.EBADF, "fd " + fd + " is not open for writing");
            }
            n = writeFile(m, f.file, vec, positioned ? offset : -1);
        } else if (d instanceof Descriptor.Directory) {
            throw new ErrnoException(Errno.EISDIR, "fd " + fd + " is a directory");
        } else {
            throw new ErrnoException(positioned ? Errno.ESPIPE : Errno.EBADF, "fd " + fd + " is not writable");
        }
        m.writeI32(resultPtr, n);
        return Errno.SUCCESS;
    }

    private static int writeOutput(GuestMemory m, Descriptor.Output out, long[][] vec) throws ErrnoException {
        long total = 0;
        for (long[] v : vec) {
            total += v[1];
        }
        if (total > Integer.MAX_VALUE) {
            throw new ErrnoException(Errno.EINVAL, "write larger than 2 GiB");
        }
        if (total == 0) {
            return 0;
        }
        if (vec.length == 1 && total <= CHUNK) {
            byte[] all = m.read((int) vec[0][0], (int) total);
            emit(out, all, all.length);
            return all.length;
        }
        // Gather into one buffer of at most CHUNK bytes; a larger write reaches the sink in several parts.
        byte[] buf = new byte[(int) Math.min(total, CHUNK)];
        int filled = 0;
        for (long[] v : vec) {
            long off = 0;
            while (off < v[1]) {
                int k = (int) Math.min(buf.length - filled, v[1] - off);
                byte[] part = m.read((int) (v[0] + off), k);
                System.arraycopy(part, 0, buf, filled, k);
                filled += k;
                off += k;
                if (filled == buf.length) {
                    emit(out, buf, filled);
                    filled = 0;
                }
            }
        }
        if (filled > 0) {
            emit(out, buf, filled);
        }
        return (int) total;
    }

    private static void emit(Descriptor.Output out, byte[] buf, int len) {
        try {
            out.output.write(buf, 0, len);
        } catch (RuntimeException e) {
            throw new SinkFailure(e);
        }
    }

    /** Carries an exception of the embedder's {@link GuestOutput} past the errno mapping, to be rethrown as is. */
    private static final class SinkFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        SinkFailure(RuntimeException cause) {
            super(null, cause, false, false);
        }

        RuntimeException original() {
            return (RuntimeException) getCause();
        }
    }

    private static int writeFile(GuestMemory m, FsFile file, long[][] vec, long position) throws ErrnoException {
        long done = 0;
        for (long[] v : vec) {
            long off = 0;
            while (off < v[1]) {
                int k = (int) Math.min(CHUNK, v[1] - off);
                ByteBuffer b = ByteBuffer.wrap(m.read((int) (v[0] + off), k));
                while (b.hasRemaining()) {
                    int n;
                    try {
                        n = file.write(b, position < 0 ? -1 : position + done);
                    } catch (ErrnoException e) {
                        if (done > 0) {
                            return (int) done;
                        }
                        throw e;
                    }
                    if (n <= 0) {
                        return (int) done;
                    }
                    done += n;
                    off += n;
                }
                if (done >= Integer.MAX_VALUE - CHUNK) {
                    return (int) done;
                }
            }
        }
        return (int) done;
    }

    // ------------------------------------------------------------------ directories and paths

    private int fdReaddir(GuestMemory m, int fd, int buf, int bufLen, long cookie, int usedPtr) throws ErrnoException {
        Descriptor.Directory d = directory(fd, RIGHT_FD_READDIR);
        long cap = Integer.toUnsignedLong(bufLen);
        m.check(buf, cap);
        m.check(usedPtr, 4);
        if (cookie == 0 || d.listing == null) {
            d.listing = d.dir.list();
        }
        List<DirEntry> entries = d.listing;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuffer header = ByteBuffer.allocate(DIRENT_HEADER_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        if (cookie >= 0) {
            for (long k = cookie; k < entries.size() && out.size() < cap; k++) {
                DirEntry e = entries.get((int) k);
                byte[] name = e.name().getBytes(StandardCharsets.UTF_8);
                header.clear();
                header.putLong(0, k + 1);
                header.putLong(8, e.inode());
                header.putInt(16, name.length);
                header.put(20, (byte) e.fileType());
                header.put(21, (byte) 0).put(22, (byte) 0).put(23, (byte) 0);
                out.write(header.array(), 0, DIRENT_HEADER_SIZE);
                out.write(name, 0, name.length);
            }
        }
        byte[] bytes = out.toByteArray();
        int used = (int) Math.min(bytes.length, cap);
        m.write(buf, bytes, 0, used);
        m.writeI32(usedPtr, used);
        return Errno.SUCCESS;
    }

    private int pathFilestatGet(GuestMemory m, int fd, int flags, int path, int pathLen, int ptr) throws ErrnoException {
        Descriptor.Directory d = directory(fd, RIGHT_PATH_FILESTAT_GET);
        String p = m.readPath(path, pathLen);
        m.check(ptr, FILESTAT_SIZE);
        writeFilestat(m, ptr, d.dir.stat(p, follow(flags)));
        return Errno.SUCCESS;
    }

    private int pathReadlink(GuestMemory m, int fd, int path, int pathLen, int buf, int bufLen, int usedPtr)
        throws ErrnoException {
        Descriptor.Directory d = directory(fd, RIGHT_PATH_READLINK);
        String p = m.readPath(path, pathLen);
        long cap = Integer.toUnsignedLong(bufLen);
        m.check(buf, cap);
        m.check(usedPtr, 4);
        byte[] target = d.dir.readlink(p).getBytes(StandardCharsets.UTF_8);
        int n = (int) Math.min(target.length, cap);
        m.write(buf, target, 0, n);
        m.writeI32(usedPtr, n);
        return Errno.SUCCESS;
    }

    private int pathOpen(GuestMemory m, int fd, int dirflags, int path, int pathLen, int oflags, long base,
                         long inheriting, int fdflags, int resultPtr) throws ErrnoException {
        Descriptor.Directory d = directory(fd, RIGHT_PATH_OPEN
            | ((oflags & OFLAGS_CREAT) != 0 ? RIGHT_PATH_CREATE_FILE : 0)
            | ((oflags & OFLAGS_TRUNC) != 0 ? RIGHT_PATH_FILESTAT_SET_SIZE : 0));
        String p = m.readPath(path, pathLen);
        m.check(resultPtr, 4);
        if ((oflags & ~OFLAGS_ALL) != 0 || oflags > 0xffff) {
            throw new ErrnoException(Errno.EINVAL, "unknown oflags " + oflags);
        }
        if ((fdflags & ~FDFLAGS_ALL) != 0 || fdflags > 0xffff) {
            throw new ErrnoException(Errno.EINVAL, "unknown fdflags " + fdflags);
        }
        // A new descriptor gets what was asked for, within what its directory passes on and what its kind can do.
        long b = base & d.rightsInheriting;
        long inh = inheriting & d.rightsInheriting;
        boolean read = (b & (RIGHT_FD_READ | RIGHT_FD_READDIR)) != 0;
        boolean write = (b & RIGHT_FD_WRITE) != 0;
        OpenOptions options = new OpenOptions(read, write, (oflags & OFLAGS_CREAT) != 0,
            (oflags & OFLAGS_EXCL) != 0, (oflags & OFLAGS_TRUNC) != 0, (oflags & OFLAGS_DIRECTORY) != 0,
            (fdflags & FDFLAGS_APPEND) != 0);
        FsNode node = d.dir.open(p, follow(dirflags), options);
        Descriptor opened;
        if (node instanceof FsDirectory dir) {
            opened = new Descriptor.Directory(dir, null, b & RIGHTS_DIRECTORY, inh, fdflags);
        } else if (node instanceof FsFile file) {
            opened = new Descriptor.File(file, b & RIGHTS_FILE, inh, fdflags);
        } else {
            node.close();
            throw new ErrnoException(Errno.ENOTSUP, "unsupported node type");
        }
        int newFd;
        try {
            newFd = fds.add(opened);
        } catch (ErrnoException e) {
            closeQuietly(opened);
            throw e;
        }
        m.writeI32(resultPtr, newFd);
        return Errno.SUCCESS;
    }

    // ------------------------------------------------------------------ poll_oneoff

    private int pollOneoff(GuestMemory m, int in, int out, int nsubs, int neventsPtr)
        throws ErrnoException, InterruptedException {
        long count = Integer.toUnsignedLong(nsubs);
        if (count == 0) {
            throw new ErrnoException(Errno.EINVAL, "no subscriptions");
        }
        if (count > MAX_SUBSCRIPTIONS) {
            throw new ErrnoException(Errno.EINVAL, "more than " + MAX_SUBSCRIPTIONS + " subscriptions");
        }
        int n = (int) count;
        m.check(in, count * SUBSCRIPTION_SIZE);
        m.check(out, count * EVENT_SIZE);
        m.check(neventsPtr, 4);

        long start = System.nanoTime();
        long[] userdata = new long[n];
        int[] tag = new int[n];
        long[] waitNanos = new long[n];
        long[] virtualFire = new long[n];
        GuestInput stdin = null;
        List<byte[]> events = new ArrayList<>();
        boolean[] pendingStdin = new boolean[n];

        for (int k = 0; k < n; k++) {
            int s = in + k * SUBSCRIPTION_SIZE;
            userdata[k] = m.readI64(s);
            tag[k] = m.readU8(s + 8);
            switch (tag[k]) {
                case EVENTTYPE_CLOCK -> {
                    int id = m.readI32(s + 16);
                    long timeout = m.readI64(s + 24);
                    int flags = m.readU16(s + 40);
                    long wait;
                    try {
                        wait = clockWait(id, timeout, (flags & SUBCLOCK_ABSTIME) != 0);
                    } catch (ErrnoException e) {
                        events.add(event(userdata[k], e.errno(), EVENTTYPE_CLOCK, 0, 0));
                        waitNanos[k] = -1;
                        continue;
                    }
                    waitNanos[k] = wait;
                    virtualFire[k] = saturatedAdd(clock.monotonic(), wait);
                    if (wait == 0) {
                        events.add(event(userdata[k], Errno.SUCCESS, EVENTTYPE_CLOCK, 0, 0));
                        waitNanos[k] = -1;
                    }
                }
                case EVENTTYPE_FD_READ, EVENTTYPE_FD_WRITE -> {
                    waitNanos[k] = -1;
                    int fd = m.readI32(s + 16);
                    Descriptor d;
                    try {
                        d = fds.get(fd);
                    } catch (ErrnoException e) {
                        events.add(event(userdata[k], Errno.EBADF, tag[k], 0, 0));
                        continue;
                    }
                    if (tag[k] == EVENTTYPE_FD_READ && d instanceof Descriptor.Stdin si) {
                        stdin = si.input;
                        byte[] ev = stdinEvent(userdata[k], si.input);
                        if (ev != null) {
                            events.add(ev);
                        } else {
                            pendingStdin[k] = true;
                        }
                    } else if (tag[k] == EVENTTYPE_FD_READ && d instanceof Descriptor.Output
                        || tag[k] == EVENTTYPE_FD_WRITE && d instanceof Descriptor.Stdin) {
                        events.add(event(userdata[k], Errno.EBADF, tag[k], 0, 0));
                    } else if (tag[k] == EVENTTYPE_FD_READ && d instanceof Descriptor.File f) {
                        events.add(event(userdata[k], Errno.SUCCESS, tag[k], remaining(f.file), 0));
                    } else {
                        events.add(event(userdata[k], Errno.SUCCESS, tag[k], 0, 0));
                    }
                }
                default -> throw new ErrnoException(Errno.EINVAL, "unknown subscription type " + tag[k]);
            }
        }

        if (events.isEmpty()) {
            int earliest = -1;
            for (int k = 0; k < n; k++) {
                if (waitNanos[k] > 0 && (earliest < 0 || waitNanos[k] < waitNanos[earliest])) {
                    earliest = k;
                }
            }
            long wait = earliest < 0 ? Long.MAX_VALUE : waitNanos[earliest];
            if (stdin != null) {
                if (wait == Long.MAX_VALUE) {
                    stdin.awaitReadable();
                } else {
                    stdin.awaitReadable(wait, TimeUnit.NANOSECONDS);
                }
                for (int k = 0; k < n; k++) {
                    if (pendingStdin[k]) {
                        byte[] ev = stdinEvent(userdata[k], stdin);
                        if (ev != null) {
                            events.add(ev);
                        }
                    }
                }
            } else {
                sleep(wait);
            }
            long elapsed = System.nanoTime() - start;
            for (int k = 0; k < n; k++) {
                if (waitNanos[k] > 0 && (waitNanos[k] <= elapsed || k == earliest && events.isEmpty())) {
                    events.add(event(userdata[k], Errno.SUCCESS, EVENTTYPE_CLOCK, 0, 0));
                    clock.advanceTo(virtualFire[k]);
                }
            }
        }

        byte[] all = new byte[events.size() * EVENT_SIZE];
        for (int k = 0; k < events.size(); k++) {
            System.arraycopy(events.get(k), 0, all, k * EVENT_SIZE, EVENT_SIZE);
        }
        m.write(out, all);
        m.writeI32(neventsPtr, events.size());
        return Errno.SUCCESS;
    }

    private static void sleep(long nanos) throws InterruptedException {
        if (nanos == Long.MAX_VALUE) {
            Object forever = new Object();
            synchronized (forever) {
                while (true) {
                    forever.wait();
                }
            }
        }
        TimeUnit.NANOSECONDS.sleep(nanos);
    }

    /** Nanoseconds from now until a clock subscription fires; Long.MAX_VALUE for "never". */
    private long clockWait(int id, long timeout, boolean absolute) throws ErrnoException {
        long now = clock.now(id);
        if (!absolute) {
            return timeout < 0 ? Long.MAX_VALUE : timeout;
        }
        if (timeout < 0) {
            return Long.MAX_VALUE;
        }
        return timeout <= now ? 0 : timeout - now;
    }

    private static long saturatedAdd(long a, long b) {
        long r = a + b;
        return r < 0 ? Long.MAX_VALUE : r;
    }

    private static byte[] stdinEvent(long userdata, GuestInput input) {
        long available = input.available();
        if (available > 0) {
            return event(userdata, Errno.SUCCESS, EVENTTYPE_FD_READ, available, 0);
        }
        if (input.isClosed()) {
            long again = input.available();
            return event(userdata, Errno.SUCCESS, EVENTTYPE_FD_READ, again, again == 0 ? EVENTRW_HANGUP : 0);
        }
        return null;
    }

    private static long remaining(FsFile f) {
        try {
            return Math.max(0, f.stat().size() - f.position());
        } catch (ErrnoException e) {
            return 0;
        }
    }

    private static byte[] event(long userdata, int errno, int type, long nbytes, int flags) {
        ByteBuffer b = ByteBuffer.allocate(EVENT_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(0, userdata);
        b.putShort(8, (short) errno);
        b.put(10, (byte) type);
        b.putLong(16, nbytes);
        b.putShort(24, (short) flags);
        return b.array();
    }
}
