package io.mcpwasm.wasi.internal.fs;

import static io.mcpwasm.wasi.internal.fs.FsTestEnv.APPEND;
import static io.mcpwasm.wasi.internal.fs.FsTestEnv.CREATE_NEW;
import static io.mcpwasm.wasi.internal.fs.FsTestEnv.CREATE_RW;
import static io.mcpwasm.wasi.internal.fs.FsTestEnv.TRUNCATE;
import static io.mcpwasm.wasi.internal.fs.FsTestEnv.read;
import static io.mcpwasm.wasi.internal.fs.FsTestEnv.readAll;
import static io.mcpwasm.wasi.internal.fs.FsTestEnv.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mcpwasm.wasi.internal.Errno;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Ordinary work, quota, and the mount factory, on the default file system and on Jimfs. */
class HostDirectoryTest {
    @TempDir
    Path tmp;
    private FsTestEnv env;
    private FsDirectory root;

    private FsDirectory start(FsTestEnv.Kind kind, long quota) throws IOException {
        env = new FsTestEnv(kind, tmp);
        root = env.mount(false, quota);
        return root;
    }

    @AfterEach
    void outsideUntouched() throws IOException {
        if (env != null) {
            if (root != null) {
                root.close();
            }
            env.assertOutsideUnchanged();
            env.close();
        }
    }

    @ParameterizedTest
    @EnumSource(FsTestEnv.Kind.class)
    void createWriteReadSeek(FsTestEnv.Kind kind) throws Exception {
        FsDirectory d = start(kind, Long.MAX_VALUE);
        try (FsFile f = (FsFile) d.open("sub/new.txt", true, CREATE_NEW)) {
            assertEquals(11, write(f, "hello world"));
            assertEquals(11, f.position());
            assertEquals(6, f.seek(6, 0));
            assertEquals("world", readAll(f));
            assertEquals(0, f.seek(-11, 1));
            assertEquals(9, f.seek(-2, 2));
            f.write(ByteBuffer.wrap("XY".getBytes(StandardCharsets.UTF_8)), 0); // pwrite: cursor unchanged
            assertEquals(9, f.position());
            ByteBuffer two = ByteBuffer.allocate(2);
            assertEquals(2, f.read(two, 9)); // pread
            assertEquals("ld", new String(two.array(), StandardCharsets.UTF_8));
            assertEquals(9, f.position());
            env.expect(Errno.EINVAL, () -> f.seek(-100, 1));
            env.expect(Errno.EINVAL, () -> f.seek(0, 7));
            f.sync();
            FileStat s = f.stat();
            assertEquals(FileStat.REGULAR_FILE, s.fileType());
            assertEquals(11, s.size());
            assertEquals(d.stat("sub/new.txt", true).inode(), s.inode());
        }
        assertEquals("XYllo world", Files.readString(env.grant.resolve("sub/new.txt")));
        env.expect(Errno.EEXIST, () -> d.open("sub/new.txt", true, CREATE_NEW));
        try (FsFile f = (FsFile) d.open("sub/new.txt", true, TRUNCATE)) {
            assertEquals(0, f.stat().size());
            write(f, "short");
        }
        assertEquals("short", read(d, "sub/new.txt"));
        try (FsFile f = (FsFile) d.open("sub/new.txt", true, APPEND)) {
            assertTrue(f.append());
            f.seek(0, 0);
            write(f, "+tail");
            assertEquals(10, f.position());
            f.setAppend(false);
            f.seek(0, 0);
            write(f, "S");
        }
        assertEquals("Short+tail", read(d, "sub/new.txt"));
        try (FsFile f = (FsFile) d.open("sub/new.txt", true, OpenOptions.READ)) {
            env.expect(Errno.EBADF, () -> write(f, "x"));
        }
        try (FsFile f = (FsFile) d.open("hello.txt", true, FsTestEnv.WRITE)) {
            env.expect(Errno.EBADF, () -> f.read(ByteBuffer.allocate(1), -1));
        }
    }

    @ParameterizedTest
    @EnumSource(FsTestEnv.Kind.class)
    void truncateAndExtend(FsTestEnv.Kind kind) throws Exception {
        FsDirectory d = start(kind, Long.MAX_VALUE);
        try (FsFile f = (FsFile) d.open("hello.txt", true, CREATE_RW)) {
            f.seek(5, 0);
            f.setSize(2);
            assertEquals(2, f.stat().size());
            f.setSize(4);
            assertEquals(4, f.stat().size());
            assertEquals(5, f.position());
            env.expect(Errno.EINVAL, () -> f.setSize(-1));
        }
        assertEquals("he\0\0", Files.readString(env.grant.resolve("hello.txt")));
    }

    @ParameterizedTest
    @EnumSource(FsTestEnv.Kind.class)
    void directoriesListRenameUnlink(FsTestEnv.Kind kind) throws Exception {
        FsDirectory d = start(kind, Long.MAX_VALUE);
        d.createDirectory("made");
        d.createDirectory("made/inner/"); // a trailing slash is fine for mkdir
        d.open("made/b.txt", true, CREATE_NEW).close();
        d.open("made/a.txt", true, CREATE_NEW).close();
        try (FsDirectory m = (FsDirectory) d.open("made", true, OpenOptions.DIRECTORY)) {
            List<DirEntry> entries = m.list();
            assertEquals(List.of(".", "..", "a.txt", "b.txt", "inner"),
                    entries.stream().map(DirEntry::name).collect(Collectors.toList()));
            assertEquals(FileStat.DIRECTORY, entries.get(4).fileType());
            assertEquals(FileStat.REGULAR_FILE, entries.get(2).fileType());
            assertEquals(entries, m.list(), "listing is stable");
            assertEquals(FileStat.DIRECTORY, m.stat().fileType());
            // the fd follows the directory, not the name
            d.rename("made", d, "renamed");
            assertEquals(3, m.list().size() - 2);
            m.open("c.txt", true, CREATE_NEW).close();
        }
        assertTrue(Files.exists(env.grant.resolve("renamed/c.txt")));
        List<String> top = d.list().stream().map(DirEntry::name).collect(Collectors.toList());
        assertTrue(top.contains("renamed") && !top.contains("made"), top.toString());
        assertEquals(FileStat.SYMBOLIC_LINK,
                d.list().stream().filter(e -> e.name().equals("rel-file")).findFirst().orElseThrow().fileType());

        // Linux rename semantics
        d.rename("renamed/a.txt", d, "renamed/b.txt"); // over an existing file
        assertFalse(Files.exists(env.grant.resolve("renamed/a.txt")));
        env.expect(Errno.EISDIR, () -> d.rename("renamed/b.txt", d, "renamed/inner"));
        env.expect(Errno.ENOTDIR, () -> d.rename("renamed/inner", d, "renamed/b.txt"));
        d.createDirectory("empty");
        d.rename("renamed/inner", d, "empty"); // over an empty directory
        env.expect(Errno.ENOTEMPTY, () -> d.rename("empty", d, "renamed"));
        env.expect(Errno.EINVAL, () -> d.rename("renamed", d, "renamed/c-dir"));
        env.expect(Errno.ENOENT, () -> d.rename("nothing", d, "x"));
        d.rename("hello.txt", d, "hello.txt"); // same name: nothing happens
        assertEquals("hello", read(d, "hello.txt"));

        d.removeFile("renamed/b.txt");
        d.removeFile("renamed/c.txt");
        env.expect(Errno.ENOENT, () -> d.removeFile("renamed/c.txt"));
        env.expect(Errno.ENOTDIR, () -> d.removeFile("hello.txt/"));
        d.removeDirectory("renamed");
        d.removeDirectory("empty/");
        assertFalse(Files.exists(env.grant.resolve("renamed")));
    }

    @ParameterizedTest
    @EnumSource(FsTestEnv.Kind.class)
    void statAndTimes(FsTestEnv.Kind kind) throws Exception {
        FsDirectory d = start(kind, Long.MAX_VALUE);
        long t = 1_700_000_000_123_000_000L; // micro precision survives every file system here
        d.setTimes("hello.txt", true, t, t + 1_000_000_000L);
        FileStat s = d.stat("hello.txt", true);
        assertEquals(t, s.atimeNanos());
        assertEquals(t + 1_000_000_000L, s.mtimeNanos());
        d.setTimes("inside-link", true, null, t); // follows to sub/inner.txt
        assertEquals(t, d.stat("sub/inner.txt", true).mtimeNanos());
        if (kind == FsTestEnv.Kind.JIMFS) {
            // Jimfs's directory-stream view sets the link's own times; the target keeps its own
            d.setTimes("inside-link", false, t, t + 7_000_000_000L);
            assertEquals(t + 7_000_000_000L, d.stat("inside-link", false).mtimeNanos());
            assertEquals(t, d.stat("sub/inner.txt", true).mtimeNanos());
        } else {
            // JDK 17-21: no handle-relative call reaches a symlink itself (JDK 22+: NativeDirectory, NativeSwapRaceTest)
            env.expect(Errno.ENOTSUP, () -> d.setTimes("inside-link", false, t, t));
        }
        try (FsFile f = (FsFile) d.open("hello.txt", true, OpenOptions.READ)) {
            f.setTimes(null, t + 5_000_000_000L);
            assertEquals(t + 5_000_000_000L, f.stat().mtimeNanos());
        }
        d.setTimes("sub", true, FsDirectory.NOW, FsDirectory.NOW);
        assertTrue(d.stat("sub", true).mtimeNanos() > t);
        FileStat dir = d.stat(".", true);
        assertEquals(FileStat.DIRECTORY, dir.fileType());
        assertEquals(dir.inode(), d.stat().inode());
        assertNotEquals(dir.inode(), d.stat("sub", true).inode());
        assertEquals(d.stat("sub/inner.txt", true).inode(), d.stat("inside-link", true).inode());
        assertEquals(FileStat.SYMBOLIC_LINK, d.stat("inside-link", false).fileType());
        env.expect(Errno.ENOTDIR, () -> d.stat("hello.txt/", true));
    }

    @ParameterizedTest
    @EnumSource(FsTestEnv.Kind.class)
    void quotaCountsWhatTheGuestAdds(FsTestEnv.Kind kind) throws Exception {
        // the new entry q.txt costs its own share of the quota (4 KiB + its name); 10 bytes of content fit after it
        FsDirectory d = start(kind, HostGrant.entryCost("q.txt", null) + 10);
        try (FsFile f = (FsFile) d.open("q.txt", true, CREATE_NEW)) {
            assertEquals(8, write(f, "12345678"));
            env.expect(Errno.EDQUOT, () -> write(f, "abc")); // 11 > 10: refused whole
            assertEquals(8, f.stat().size());
            assertTrue(env.refusals.get(env.refusals.size() - 1).contains("EDQUOT"), env.refusals.toString());
            assertEquals(2, write(f, "90"));
            f.seek(0, 0);
            assertEquals(3, write(f, "abc")); // overwriting is free
            env.expect(Errno.EDQUOT, () -> f.write(ByteBuffer.wrap(new byte[] {1}), 1_000_000));
            env.expect(Errno.EDQUOT, () -> f.setSize(11));
            f.setSize(4); // gives 6 back
            f.setSize(10);
            env.expect(Errno.EDQUOT, () -> f.setSize(11));
        }
        assertEquals(10, Files.size(env.grant.resolve("q.txt")));
        env.expect(Errno.EDQUOT, () -> d.createDirectory("no-room"));
    }

    @ParameterizedTest
    @EnumSource(FsTestEnv.Kind.class)
    void removalsGiveBackWhatTheyFreeAndLinksMintNothing(FsTestEnv.Kind kind) throws Exception {
        FsDirectory d = start(kind, Long.MAX_VALUE);
        HostGrant g = ((HostDirectory) d).grant();
        // pre-existing content is not counted, but deleting it gives room: its bytes and its entry
        d.removeFile("hello.txt");
        assertEquals(-(HostGrant.entryCost("hello.txt", null) + 5), g.added());
        long q = HostGrant.entryCost("q.txt", null);
        long link = HostGrant.entryCost("q-link.txt", null);
        long base = g.added();
        try (FsFile f = (FsFile) d.open("q.txt", true, CREATE_NEW)) {
            assertEquals(10, write(f, "0123456789"));
        }
        assertEquals(base + q + 10, g.added());
        try (FsFile f = (FsFile) d.open("q.txt", true, TRUNCATE)) { // truncating on open gives back the 10 bytes
            assertEquals(base + q, g.added());
            assertEquals(10, write(f, "0123456789"));
        }
        // a hard link costs an entry; unlinking one name frees its entry but not the bytes, still linked
        d.link("q.txt", false, d, "q-link.txt");
        assertEquals(base + q + link + 10, g.added());
        d.removeFile("q.txt");
        assertEquals(base + link + 10, g.added());
        d.removeFile("q-link.txt"); // the last link: now the bytes come back too
        assertEquals(base, g.added());
        // renaming over a file frees the replaced entry and its bytes; the moved entry is charged for its new name
        try (FsFile f = (FsFile) d.open("x.txt", true, CREATE_NEW)) {
            assertEquals(3, write(f, "abc"));
        }
        try (FsFile f = (FsFile) d.open("longer.txt", true, CREATE_NEW)) {
            assertEquals(4, write(f, "abcd"));
        }
        d.rename("x.txt", d, "longer.txt");
        assertEquals(base + HostGrant.entryCost("longer.txt", null) + 3, g.added());
        // a symlink costs its entry and its text; a directory its entry; both come back on removal
        d.symlink("hello.txt", "ln");
        d.createDirectory("dir");
        assertEquals(base + HostGrant.entryCost("longer.txt", null) + 3 + HostGrant.entryCost("ln", "hello.txt")
                + HostGrant.entryCost("dir", null), g.added());
        d.removeFile("ln");
        d.removeDirectory("dir");
        d.removeFile("longer.txt");
        assertEquals(base, g.added());
    }

    @ParameterizedTest
    @EnumSource(FsTestEnv.Kind.class)
    void zeroQuotaRefusesEveryNewEntry(FsTestEnv.Kind kind) throws Exception {
        FsDirectory d = start(kind, 0);
        env.expect(Errno.EDQUOT, () -> d.createDirectory("d"));
        env.expect(Errno.EDQUOT, () -> d.open("empty", true, CREATE_NEW));
        env.expect(Errno.EDQUOT, () -> d.symlink("hello.txt", "ln"));
        env.expect(Errno.EDQUOT, () -> d.link("hello.txt", false, d, "hl"));
        try (Stream<Path> s = Files.list(env.grant)) {
            assertTrue(s.noneMatch(p -> List.of("d", "empty", "ln", "hl").contains(p.getFileName().toString())));
        }
        // what is there can still be rewritten in place
        try (FsFile f = (FsFile) d.open("hello.txt", true, FsTestEnv.WRITE)) {
            assertEquals(5, write(f, "HELLO"));
        }
    }

    @ParameterizedTest
    @EnumSource(FsTestEnv.Kind.class)
    void mountFailuresNameTheProblemNotThePath(FsTestEnv.Kind kind) throws Exception {
        env = new FsTestEnv(kind, tmp);
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> FsMounts.hostDirectory(env.base.resolve("nope"), false, 0, env.listener));
        assertTrue(missing.getMessage().contains("does not exist"), missing.getMessage());
        env.assertNoHostPath(missing.getMessage());
        IllegalArgumentException file = assertThrows(IllegalArgumentException.class,
                () -> FsMounts.hostDirectory(env.base.resolve("outside.txt"), false, 0, env.listener));
        assertTrue(file.getMessage().contains("not a directory"), file.getMessage());
        env.assertNoHostPath(file.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> FsMounts.hostDirectory(env.grant, false, -1, env.listener));
    }

    @Test
    void mountRefusesAFileSystemWithoutSecureDirectoryStream() throws Exception {
        Path zip = tmp.resolve("a.zip");
        try (java.nio.file.FileSystem zfs = java.nio.file.FileSystems.newFileSystem(zip,
                java.util.Map.of("create", "true"))) {
            Files.createDirectory(zfs.getPath("/dir"));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> FsMounts.hostDirectory(zfs.getPath("/dir"), true, 0, (o, p, n, r) -> { }));
            assertTrue(e.getMessage().contains("SecureDirectoryStream"), e.getMessage());
        }
    }
}
