package io.mcpwasm.wasi.internal.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mcpwasm.wasi.internal.Errno;
import io.mcpwasm.wasi.internal.ErrnoException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class MemoryTreeTest {
    private static final String SECRET = "s3cr3t-token-value";
    private final List<String> refusals = new ArrayList<>();

    private FsDirectory tree() {
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("token", SECRET.getBytes(StandardCharsets.UTF_8));
        files.put("a/b", "nested".getBytes(StandardCharsets.UTF_8));
        files.put("a/c/d", new byte[0]);
        return FsMounts.readOnlyFiles(files, (op, path, errno, reason) ->
                refusals.add(op + " " + path + " " + Errno.name(errno) + " " + reason));
    }

    private static ErrnoException expect(int errno, Executable call) {
        ErrnoException e = assertThrows(ErrnoException.class, call);
        assertEquals(Errno.name(errno), Errno.name(e.errno()), e.getMessage());
        assertFalse(e.getMessage().contains(SECRET), "content leaked");
        return e;
    }

    @Test
    void readsStatsAndLists() throws Exception {
        FsDirectory d = tree();
        assertTrue(d.readOnly());
        assertEquals(SECRET, FsTestEnv.read(d, "token"));
        assertEquals("nested", FsTestEnv.read(d, "a/./c/../b"));
        FileStat s = d.stat("token", true);
        assertEquals(FileStat.REGULAR_FILE, s.fileType());
        assertEquals(SECRET.length(), s.size());
        assertEquals(FileStat.DIRECTORY, d.stat("a/c", false).fileType());
        assertEquals(List.of(".", "..", "a", "token"), d.list().stream().map(DirEntry::name).collect(Collectors.toList()));
        try (FsDirectory a = (FsDirectory) d.open("a", true, OpenOptions.DIRECTORY)) {
            assertEquals(List.of(".", "..", "b", "c"), a.list().stream().map(DirEntry::name).collect(Collectors.toList()));
            assertEquals("nested", FsTestEnv.read(a, "b"));
        }
        try (FsFile f = (FsFile) d.open("token", true, OpenOptions.READ)) {
            ByteBuffer b = ByteBuffer.allocate(4);
            assertEquals(4, f.read(b, 2)); // pread leaves the cursor
            assertEquals("cr3t", new String(b.array(), StandardCharsets.UTF_8));
            assertEquals(0, f.position());
            assertEquals(SECRET.length() - 3, f.seek(-3, 2));
            assertEquals("lue", FsTestEnv.readAll(f));
            assertEquals(-1, f.read(ByteBuffer.allocate(1), -1));
        }
        expect(Errno.ENOENT, () -> d.open("nope", true, OpenOptions.READ));
        expect(Errno.ENOTDIR, () -> d.open("token/x", true, OpenOptions.READ));
        expect(Errno.ENOTDIR, () -> d.open("token", true, OpenOptions.DIRECTORY));
        expect(Errno.EINVAL, () -> d.readlink("token"));
    }

    @Test
    void everyMutationIsRefusedAndReported() throws Exception {
        FsDirectory d = tree();
        OpenOptions write = new OpenOptions(false, true, false, false, false, false, false);
        OpenOptions create = new OpenOptions(true, true, true, false, false, false, false);
        expect(Errno.EROFS, () -> d.open("token", true, write));
        expect(Errno.EROFS, () -> d.open("new", true, create));
        expect(Errno.EROFS, () -> d.createDirectory("x"));
        expect(Errno.EROFS, () -> d.removeDirectory("a/c"));
        expect(Errno.EROFS, () -> d.removeFile("token"));
        expect(Errno.EROFS, () -> d.rename("token", d, "t2"));
        expect(Errno.EROFS, () -> d.link("token", false, d, "t2"));
        expect(Errno.EROFS, () -> d.symlink("token", "t2"));
        expect(Errno.EROFS, () -> d.setTimes("token", true, 0L, 0L));
        expect(Errno.EROFS, () -> d.setTimes(0L, 0L));
        try (FsFile f = (FsFile) d.open("token", true, OpenOptions.READ)) {
            expect(Errno.EROFS, () -> f.write(ByteBuffer.wrap(new byte[] {1}), -1));
            expect(Errno.EROFS, () -> f.setSize(0));
            expect(Errno.EROFS, () -> f.setTimes(0L, 0L));
        }
        assertEquals(13, refusals.size(), refusals.toString());
        assertTrue(refusals.stream().allMatch(r -> r.contains("EROFS") && !r.contains(SECRET)));
        assertEquals(SECRET, FsTestEnv.read(d, "token"));
    }

    @Test
    void escapesAreRefusedLikeOnHostGrants() {
        FsDirectory d = tree();
        for (String p : List.of("/token", "..", "../token", "a/../../token", "a/c/../../..")) {
            ErrnoException e = expect(Errno.ENOTCAPABLE, () -> d.open(p, true, OpenOptions.READ));
            assertTrue(e.getMessage().contains(PathResolver.ESCAPE), e.getMessage());
        }
        assertEquals(5, refusals.size(), refusals.toString());
    }

    @Test
    void contentsAreCopiedAndBadKeysRefused() throws Exception {
        byte[] bytes = "abc".getBytes(StandardCharsets.UTF_8);
        FsDirectory d = FsMounts.readOnlyFiles(Map.of("k", bytes));
        bytes[0] = 'X';
        assertEquals("abc", FsTestEnv.read(d, "k"));
        for (String bad : List.of("", "/abs", "a/../b", "a//b", "./a", "dir/")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> FsMounts.readOnlyFiles(Map.of(bad, new byte[] {1})));
            assertTrue(e.getMessage().contains("'"), e.getMessage());
        }
        Map<String, byte[]> clash = new LinkedHashMap<>();
        clash.put("a", SECRET.getBytes(StandardCharsets.UTF_8));
        clash.put("a/b", new byte[0]);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FsMounts.readOnlyFiles(clash));
        assertFalse(e.getMessage().contains(SECRET));
    }
}
