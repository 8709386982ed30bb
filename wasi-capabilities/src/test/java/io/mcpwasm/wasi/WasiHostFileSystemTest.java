package io.mcpwasm.wasi;

import static io.mcpwasm.wasi.WasiGuests.call;
import static io.mcpwasm.wasi.WasiGuests.getString;
import static io.mcpwasm.wasi.WasiGuests.iovec;
import static io.mcpwasm.wasi.WasiGuests.putString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import run.endive.runtime.Instance;
import run.endive.runtime.Memory;
import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import io.mcpwasm.wasi.internal.Errno;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Preopens, mounts and secrets: the fd_* / path_* family through real wasm guests over the FS kernel. */
class WasiHostFileSystemTest {
    private static final long FD_READ = 1L << 1;
    private static final long FD_SEEK = 1L << 2;
    private static final long FD_TELL = 1L << 5;
    private static final long FD_WRITE = 1L << 6;
    private static final long FD_READDIR = 1L << 14;
    private static final long FD_FILESTAT_GET = 1L << 21;
    private static final long FD_ALLOCATE = 1L << 8;
    private static final long PATH_OPEN = 1L << 13;
    private static final long PATH_FILESTAT_GET = 1L << 18;
    private static final long FD_FILESTAT_SET_SIZE = 1L << 22;
    private static final long FD_FILESTAT_SET_TIMES = 1L << 23;
    /** As wasi-libc asks for O_RDONLY: reading, and (for a directory) opening and stat-ing beneath it. */
    private static final long READ = FD_READ | FD_SEEK | FD_TELL | FD_FILESTAT_GET | FD_READDIR | PATH_OPEN
        | PATH_FILESTAT_GET;
    private static final long READ_WRITE = READ | FD_WRITE | FD_ALLOCATE | FD_FILESTAT_SET_SIZE | FD_FILESTAT_SET_TIMES;
    private static final int CREAT = 1;
    private static final int DIRECTORY = 2;
    private static final int EXCL = 4;
    private static final int TRUNC = 8;
    private static final int FOLLOW = 1;

    private static final int PATH = 4000;
    private static final int PATH2 = 4500;
    private static final int OPENED = 400;
    private static final int NRESULT = 50;
    private static final int DATA = 8192;

    @TempDir
    Path temp;
    private FileSystem jimfs;
    private Path data;
    private Path scratch;
    private final List<AuditEvent> events = new ArrayList<>();

    @BeforeEach
    void setUp() throws IOException {
        jimfs = Jimfs.newFileSystem(Configuration.unix());
        data = Files.createDirectories(jimfs.getPath("/host/data"));
        Files.writeString(data.resolve("readme.txt"), "read me");
        Files.createDirectories(data.resolve("sub"));
        Files.writeString(data.resolve("sub/inner.txt"), "inner");
        scratch = Files.createDirectories(temp.resolve("scratch"));
    }

    @AfterEach
    void tearDown() throws IOException {
        jimfs.close();
    }

    private WasiHost host() {
        return WasiHost.builder("fs-srv")
            .mount("/data", data, MountMode.READ_ONLY)
            .mount("/scratch", scratch, MountMode.READ_WRITE, 1 << 20)
            .secret("/run/secrets/token", "s3cr3t-value".getBytes(StandardCharsets.UTF_8))
            .secret("/run/secrets/other", "second-secret".getBytes(StandardCharsets.UTF_8))
            .secret("/etc/app.conf", "conf".getBytes(StandardCharsets.UTF_8))
            .auditListener(events::add)
            .build();
    }

    private static int open(Instance g, int dirFd, String path, int oflags, long rights, int fdflags) {
        putString(g, PATH, path);
        g.memory().writeI32(OPENED, -1);
        return call(g, "path_open", dirFd, FOLLOW, PATH, path.getBytes(StandardCharsets.UTF_8).length, oflags,
            rights, rights, fdflags, OPENED);
    }

    private static int openedFd(Instance g) {
        return g.memory().readInt(OPENED);
    }

    private static int write(Instance g, int fd, String text) {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        g.memory().write(DATA, b);
        iovec(g, 0, DATA, b.length);
        return call(g, "fd_write", fd, 0, 1, NRESULT);
    }

    private static String read(Instance g, int fd, int max) {
        iovec(g, 0, DATA, max);
        assertEquals(0, call(g, "fd_read", fd, 0, 1, NRESULT));
        return getString(g, DATA, g.memory().readInt(NRESULT));
    }

    private static String prestatName(Instance g, int fd) {
        assertEquals(0, call(g, "fd_prestat_get", fd, 100));
        assertEquals(0, g.memory().read(100));
        int len = g.memory().readInt(104);
        assertEquals(0, call(g, "fd_prestat_dir_name", fd, 200, len));
        return getString(g, 200, len);
    }

    private static int pathCall(Instance g, String fn, int fd, String path) {
        putString(g, PATH, path);
        return call(g, fn, fd, PATH, path.getBytes(StandardCharsets.UTF_8).length);
    }

    @Test
    void preopensAreListedFromThreeInMountOrderThenSecretDirectories() {
        try (WasiHost host = host()) {
            Instance g = WasiGuests.probe(host);
            assertEquals(List.of("/data", "/scratch", "/run/secrets", "/etc"), host.preopenPaths());
            assertEquals("/data", prestatName(g, 3));
            assertEquals("/scratch", prestatName(g, 4));
            assertEquals("/run/secrets", prestatName(g, 5));
            assertEquals("/etc", prestatName(g, 6));
            assertEquals(Errno.EBADF, call(g, "fd_prestat_get", 7, 100));
            assertEquals(Errno.ENAMETOOLONG, call(g, "fd_prestat_dir_name", 3, 200, 2));
            assertEquals(0, call(g, "fd_fdstat_get", 3, 300));
            assertEquals(3, g.memory().read(300));
        }
    }

    @Test
    void fileRoundTripThroughAReadWriteMount() throws IOException {
        try (WasiHost host = host()) {
            Instance g = WasiGuests.probe(host);
            assertEquals(0, open(g, 4, "notes.txt", CREAT | TRUNC, READ_WRITE, 0));
            int fd = openedFd(g);
            assertEquals(7, fd);
            assertEquals(0, write(g, fd, "hello, "));
            assertEquals(0, write(g, fd, "file"));
            assertEquals(4, g.memory().readInt(NRESULT));
            assertEquals(0, call(g, "fd_tell", fd, 60));
            assertEquals(11L, g.memory().readLong(60));
            assertEquals(0, call(g, "fd_seek", fd, 0, 0, 60));
            assertEquals(0L, g.memory().readLong(60));
            assertEquals("hello, file", read(g, fd, 100));
            assertEquals(0, call(g, "fd_filestat_get", fd, 128));
            assertEquals(4, g.memory().read(128 + 16));
            assertEquals(11L, g.memory().readLong(128 + 32));
            assertEquals(0, call(g, "fd_close", fd));
            assertEquals(Errno.EBADF, call(g, "fd_read", fd, 0, 1, NRESULT));
        }
        assertEquals("hello, file", Files.readString(scratch.resolve("notes.txt")));
    }

    @Test
    void preadPwriteSetSizeAndAppend() throws IOException {
        try (WasiHost host = host()) {
            Instance g = WasiGuests.probe(host);
            assertEquals(0, open(g, 4, "p.bin", CREAT, READ_WRITE, 0));
            int fd = openedFd(g);
            assertEquals(0, write(g, fd, "0123456789"));
            g.memory().write(DATA, "AB".getBytes());
            iovec(g, 0, DATA, 2);
            assertEquals(0, call(g, "fd_pwrite", fd, 0, 1, 3, NRESULT));
            iovec(g, 0, DATA + 100, 4);
            assertEquals(0, call(g, "fd_pread", fd, 0, 1, 2, NRESULT));
            assertEquals(4, g.memory().readInt(NRESULT));
            assertEquals("2AB5", getString(g, DATA + 100, 4));
            assertEquals(0, call(g, "fd_tell", fd, 60));
            assertEquals(10L, g.memory().readLong(60), "pread/pwrite leave the offset alone");
            assertEquals(0, call(g, "fd_filestat_set_size", fd, 4));
            assertEquals(0, call(g, "fd_close", fd));
            assertEquals(0, open(g, 4, "p.bin", 0, READ_WRITE, 1));
            fd = openedFd(g);
            assertEquals(0, write(g, fd, "!"));
            assertEquals(0, call(g, "fd_fdstat_get", fd, 300));
            assertEquals(1, g.memory().readShort(302));
            assertEquals(0, call(g, "fd_close", fd));
        }
        assertEquals("012A!", Files.readString(scratch.resolve("p.bin")));
    }

    @Test
    void adviseAllocateSyncAndPollOnFiles() throws IOException {
        Files.writeString(scratch.resolve("f.txt"), "0123456789");
        try (WasiHost host = host()) {
            Instance g = WasiGuests.probe(host);
            Memory mem = g.memory();
            assertEquals(0, open(g, 4, "f.txt", 0, READ_WRITE, 0));
            int fd = openedFd(g);
            assertEquals(0, call(g, "fd_advise", fd, 0, 10, 2));
            assertEquals(Errno.EINVAL, call(g, "fd_advise", fd, 0, 10, 9));
            assertEquals(Errno.EISDIR, call(g, "fd_advise", 4, 0, 10, 0));
            assertEquals(Errno.ESPIPE, call(g, "fd_advise", 1, 0, 10, 0));
            assertEquals(0, call(g, "fd_allocate", fd, 0, 20));
            assertEquals(0, call(g, "fd_filestat_get", fd, 128));
            assertEquals(20L, mem.readLong(128 + 32));
            assertEquals(0, call(g, "fd_allocate", fd, 0, 5), "allocate never shrinks");
            assertEquals(0, call(g, "fd_filestat_get", fd, 128));
            assertEquals(20L, mem.readLong(128 + 32));
            assertEquals(0, call(g, "fd_sync", fd));
            assertEquals(0, call(g, "fd_datasync", fd));
            assertEquals(0, call(g, "fd_sync", 4));
            assertEquals(0, call(g, "fd_seek", fd, 15, 0, 60));
            // poll: a file is always ready, reporting the bytes left after the offset
            mem.write(1000, new byte[48]);
            mem.writeLong(1000, 9);
            mem.writeByte(1008, (byte) 1);
            mem.writeI32(1016, fd);
            assertEquals(0, call(g, "poll_oneoff", 1000, 2000, 1, 3000));
            assertEquals(1, mem.readInt(3000));
            assertEquals(9L, mem.readLong(2000));
            assertEquals(0, mem.readShort(2008));
            assertEquals(5L, mem.readLong(2016));
            assertEquals(0, call(g, "fd_filestat_set_times", fd, 0L, 9_000_000_000L, 4));
            assertEquals(0, call(g, "fd_filestat_get", fd, 128));
            assertEquals(9_000_000_000L, mem.readLong(128 + 48));
        }
        assertEquals(20, Files.size(scratch.resolve("f.txt")));
    }

    @Test
    void readRightsAreHonoured() throws IOException {
        Files.writeString(scratch.resolve("r.txt"), "abc");
        try (WasiHost host = host()) {
            Instance g = WasiGuests.probe(host);
            assertEquals(0, open(g, 4, "r.txt", 0, READ, 0));
            int fd = openedFd(g);
            assertEquals(Errno.EBADF, write(g, fd, "x"));
            assertEquals("abc", read(g, fd, 10));
            assertEquals(0, open(g, 4, "r.txt", 0, FD_WRITE, 0));
            int wfd = openedFd(g);
            iovec(g, 0, DATA, 10);
            assertEquals(Errno.EBADF, call(g, "fd_read", wfd, 0, 1, NRESULT));
        }
        assertEquals("abc", Files.readString(scratch.resolve("r.txt")));
    }

    @Test
    void readOnlyMountReadsButRefusesWritesWithAnAuditEvent() {
        try (WasiHost host = host()) {
            Instance g = WasiGuests.probe(host);
            assertEquals(0, open(g, 3, "readme.txt", 0, READ, 0));
            assertEquals("read me", read(g, openedFd(g), 100));
            assertEquals(0, open(g, 3, "sub/inner.txt", 0, READ, 0));
            assertEquals("inner", read(g, openedFd(g), 100));
            assertEquals(Errno.EROFS, open(g, 3, "new.txt", CREAT, READ_WRITE, 0));
            assertEquals(Errno.EROFS, open(g, 3, "readme.txt", 0, READ_WRITE, 0));
            assertEquals(Errno.EROFS, pathCall(g, "path_create_directory", 3, "d"));
            assertEquals(Errno.EROFS, pathCall(g, "path_unlink_file", 3, "readme.txt"));
        }
        assertFalse(events.isEmpty());
        AuditEvent first = events.get(0);
        assertEquals("filesystem", first.capability());
        assertEquals("/data/new.txt", first.target());
        assertEquals("fs-srv", first.server());
        assertEquals(AuditEvent.Decision.DENIED, first.decision());
        assertTrue(events.stream().anyMatch(e -> e.target().equals("/data/readme.txt")));
    }

    @Test
    void escapesAreRefusedAndAudited() {
        try (WasiHost host = host()) {
            Instance g = WasiGuests.probe(host);
            int errno = open(g, 3, "../scratch/x", 0, READ, 0);
            assertTrue(errno == Errno.ENOTCAPABLE || errno == Errno.EPERM, Errno.name(errno));
            errno = open(g, 4, "/etc/passwd", 0, READ, 0);
            assertTrue(errno == Errno.ENOTCAPABLE || errno == Errno.EPERM, Errno.name(errno));
            assertEquals(-1, openedFd(g));
        }
        assertTrue(events.stream().anyMatch(e -> e.target().startsWith("/data") && e.target().contains("..")),
            events.toString());
    }

    @Test
    void anEmptySymlinkTargetOnTheHostIsARefusalThatIsReported() throws IOException {
        // The guest cannot make such a link (path_symlink refuses an empty target); a host tree can hold one.
        Files.createSymbolicLink(data.resolve("empty"), jimfs.getPath(""));
        assertEquals("", Files.readSymbolicLink(data.resolve("empty")).toString());
        try (WasiHost host = host()) {
            Instance g = WasiGuests.probe(host);
            assertEquals(Errno.ENOENT, open(g, 3, "empty/readme.txt", 0, READ, 0));
            assertEquals(Errno.ENOENT, open(g, 3, "empty", 0, READ, 0));
            assertEquals(-1, openedFd(g));
        }
        assertEquals(2, events.stream().filter(e -> e.decision() == AuditEvent.Decision.DENIED
                && e.target().startsWith("/data/empty") && e.reason().contains("empty symlink target")).count(),
                events.toString());
    }

    @Test
    void secretIsReadableAtItsPathAndNowhereElse() {
        try (WasiHost host = host()) {
            Instance g = WasiGuests.probe(host);
            assertEquals(0, open(g, 5, "token", 0, READ, 0));
            assertEquals("s3cr3t-value", read(g, openedFd(g), 100));
            assertEquals(0, open(g, 6, "app.conf", 0, READ, 0));
            assertEquals("conf", read(g, openedFd(g), 100));
            assertEquals(Errno.ENOENT, open(g, 3, "token", 0, READ, 0));
            assertEquals(Errno.ENOENT, open(g, 4, "token", 0, READ, 0));
            assertEquals(Errno.ENOENT, open(g, 6, "token", 0, READ, 0));
            assertEquals(Errno.ENOENT, open(g, 5, "app.conf", 0, READ, 0));
            assertEquals(Errno.EROFS, open(g, 5, "token", TRUNC, READ_WRITE, 0));
            int errno = open(g, 5, "../etc/app.conf", 0, READ, 0);
            assertTrue(errno == Errno.ENOTCAPABLE || errno == Errno.EPERM, Errno.name(errno));
        }
        for (AuditEvent e : events) {
            assertFalse(e.toString().contains("s3cr3t"), "secret value in an audit event: " + e);
        }
    }

    @Test
    void readdirWalksEntriesWithCookiesAndPartialBuffers() throws IOException {
        Set<String> expected = new TreeSet<>(Set.of(".", ".."));
        for (int i = 0; i < 20; i++) {
            String name = "file-" + i + ".txt";
            Files.writeString(scratch.resolve(name), "x");
            expected.add(name);
        }
        try (WasiHost host = host()) {
            Instance g = WasiGuests.probe(host);
            Memory mem = g.memory();
            Set<String> seen = new TreeSet<>();
            long cookie = 0;
            int bufLen = 100; // fits at most two entries: forces partial buffers
            for (int round = 0; round < 100; round++) {
                assertEquals(0, call(g, "fd_readdir", 4, DATA, bufLen, cookie, NRESULT));
                int used = mem.readInt(NRESULT);
                int at = 0;
                while (at + 24 <= used) {
                    long next = mem.readLong(DATA + at);
                    int namlen = mem.readInt(DATA + at + 16);
                    if (at + 24 + namlen > used) {
                        break; // truncated entry: ask again from its cookie
                    }
                    seen.add(getString(g, DATA + at + 24, namlen));
                    cookie = next;
                    at += 24 + namlen;
                }
                if (used < bufLen) {
                    break;
                }
            }
            assertEquals(expected, seen);
            assertEquals(0, call(g, "fd_readdir", 4, DATA, bufLen, 100_000, NRESULT));
            assertEquals(0, mem.readInt(NRESULT));
            assertEquals(Errno.ENOTDIR, call(g, "fd_readdir", 1, DATA, bufLen, 0, NRESULT));
        }
    }

    @Test
    void pathOperationsCreateStatRenameLinkAndRemove() throws IOException {
        try (WasiHost host = host()) {
            Instance g = WasiGuests.probe(host);
            Memory mem = g.memory();
            assertEquals(0, pathCall(g, "path_create_directory", 4, "dir"));
            assertEquals(Errno.EEXIST, pathCall(g, "path_create_directory", 4, "dir"));
            assertEquals(0, open(g, 4, "dir/a.txt", CREAT | EXCL, READ_WRITE, 0));
            assertEquals(0, write(g, openedFd(g), "12345"));
            assertEquals(0, call(g, "fd_close", openedFd(g)));
            assertEquals(Errno.EEXIST, open(g, 4, "dir/a.txt", CREAT | EXCL, READ_WRITE, 0));

            putString(g, PATH, "dir/a.txt");
            assertEquals(0, call(g, "path_filestat_get", 4, FOLLOW, PATH, 9, 128));
            assertEquals(4, mem.read(128 + 16));
            assertEquals(5L, mem.readLong(128 + 32));

            putString(g, PATH, "dir/a.txt");
            putString(g, PATH2, "dir/b.txt");
            assertEquals(0, call(g, "path_rename", 4, PATH, 9, 4, PATH2, 9));
            assertEquals(Errno.ENOENT, pathCall(g, "path_unlink_file", 4, "dir/a.txt"));

            putString(g, PATH, "b.txt");
            putString(g, PATH2, "dir/link");
            assertEquals(0, call(g, "path_symlink", PATH, 5, 4, PATH2, 8));
            putString(g, PATH, "dir/link");
            assertEquals(0, call(g, "path_readlink", 4, PATH, 8, DATA, 64, NRESULT));
            assertEquals("b.txt", getString(g, DATA, mem.readInt(NRESULT)));
            assertEquals(0, call(g, "path_readlink", 4, PATH, 8, DATA, 2, NRESULT));
            assertEquals(2, mem.readInt(NRESULT), "readlink truncates to the buffer");
            assertEquals(0, call(g, "path_filestat_get", 4, 0, PATH, 8, 128));
            assertEquals(7, mem.read(128 + 16), "no-follow stat sees the link");
            assertEquals(0, call(g, "path_filestat_get", 4, FOLLOW, PATH, 8, 128));
            assertEquals(4, mem.read(128 + 16));

            putString(g, PATH, "dir/b.txt");
            putString(g, PATH2, "hard.txt");
            assertEquals(0, call(g, "path_link", 4, 0, PATH, 9, 4, PATH2, 8));
            assertEquals("12345", Files.readString(scratch.resolve("hard.txt")));

            assertEquals(Errno.ENOTEMPTY, pathCall(g, "path_remove_directory", 4, "dir"));
            assertEquals(0, pathCall(g, "path_unlink_file", 4, "dir/link"));
            assertEquals(0, pathCall(g, "path_unlink_file", 4, "dir/b.txt"));
            assertEquals(0, pathCall(g, "path_remove_directory", 4, "dir"));
            assertFalse(Files.exists(scratch.resolve("dir")));

            putString(g, PATH, "hard.txt");
            assertEquals(0, call(g, "path_filestat_set_times", 4, FOLLOW, PATH, 8, 5_000_000_000L, 7_000_000_000L, 1 | 4));
            assertEquals(0, call(g, "path_filestat_get", 4, FOLLOW, PATH, 8, 128));
            assertEquals(7_000_000_000L, mem.readLong(128 + 48));
            assertEquals(Errno.EINVAL, call(g, "path_filestat_set_times", 4, FOLLOW, PATH, 8, 0L, 0L, 1 | 2));
        }
    }

    @Test
    void directoriesOpenAsDirectoryDescriptorsAndFdsAreReused() {
        try (WasiHost host = host()) {
            Instance g = WasiGuests.probe(host);
            assertEquals(0, open(g, 3, "sub", DIRECTORY, READ, 0));
            int sub = openedFd(g);
            assertEquals(7, sub);
            assertEquals(0, call(g, "fd_fdstat_get", sub, 300));
            assertEquals(3, g.memory().read(300));
            assertEquals(Errno.EBADF, call(g, "fd_prestat_get", sub, 100), "a guest-opened dir is no preopen");
            assertEquals(0, open(g, sub, "inner.txt", 0, READ, 0));
            int inner = openedFd(g);
            assertEquals(8, inner);
            assertEquals("inner", read(g, inner, 100));
            assertEquals(Errno.ENOTDIR, open(g, 3, "readme.txt", DIRECTORY, READ, 0));
            iovec(g, 0, DATA, 10);
            assertEquals(Errno.EISDIR, call(g, "fd_read", sub, 0, 1, NRESULT));
            assertEquals(0, call(g, "fd_close", sub));
            assertEquals(0, open(g, 3, "readme.txt", 0, READ, 0));
            assertEquals(7, openedFd(g), "lowest free number is reused");
            // renumber a file over a preopen: the preopen is gone, the file answers at its number
            assertEquals(0, call(g, "fd_renumber", 7, 6));
            assertEquals(Errno.EBADF, call(g, "fd_prestat_get", 6, 100));
            assertEquals("read me", read(g, 6, 100));
            assertEquals(Errno.EBADF, call(g, "fd_close", 7));
        }
    }

    @Test
    void tooManyOpenFilesIsEmfile() {
        try (WasiHost host = host()) {
            Instance g = WasiGuests.probe(host);
            int errno = 0;
            int opened = 0;
            for (int i = 0; i < 2000 && errno == 0; i++) {
                errno = open(g, 3, "readme.txt", 0, READ, 0);
                if (errno == 0) {
                    opened++;
                }
            }
            assertEquals(Errno.EMFILE, errno);
            assertEquals(1024 - 7, opened);
        }
    }

    @Test
    void quotaStopsGrowthWithAnAuditEvent() {
        // the entry "big" costs 4160 + 3 bytes of the quota; 8 bytes of content fit after it
        WasiHost host = WasiHost.builder("q").mount("/s", scratch, MountMode.READ_WRITE, 4160 + 3 + 8)
            .auditListener(events::add).build();
        try (host) {
            Instance g = WasiGuests.probe(host);
            assertEquals(0, open(g, 3, "big", CREAT, READ_WRITE, 0));
            int fd = openedFd(g);
            int errno = write(g, fd, "0123456789abcdef");
            if (errno == 0) {
                assertTrue(g.memory().readInt(NRESULT) <= 8, "wrote past the quota");
                errno = write(g, fd, "more");
            }
            assertEquals(Errno.EDQUOT, errno);
        }
        assertTrue(events.stream().anyMatch(e -> e.target().startsWith("/s")));
    }

    @Test
    void missingOrNonDirectoryMountFailsAtBuildNamingTheGuestPath() throws IOException {
        SandboxSetupException e = assertThrows(SandboxSetupException.class,
            () -> WasiHost.builder("srv").mount("/nope", jimfs.getPath("/missing"), MountMode.READ_ONLY).build());
        assertTrue(e.getMessage().contains("/nope"), e.getMessage());
        assertEquals("srv", e.serverName());
        Path file = Files.writeString(jimfs.getPath("/plain.txt"), "x");
        e = assertThrows(SandboxSetupException.class,
            () -> WasiHost.builder("srv").mount("/file", file, MountMode.READ_WRITE).build());
        assertTrue(e.getMessage().contains("/file"), e.getMessage());
    }

    @Test
    void secretDirectoryCollidingWithAMountFailsAtBuild() {
        SandboxSetupException e = assertThrows(SandboxSetupException.class, () -> WasiHost.builder("srv")
            .mount("/run/secrets", scratch, MountMode.READ_ONLY).secret("/run/secrets/token", new byte[1]).build());
        assertTrue(e.getMessage().contains("/run/secrets"), e.getMessage());
        assertEquals("srv", e.serverName());
    }
}
