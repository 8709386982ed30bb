package io.mcpwasm.wasi.internal.fs;

import static io.mcpwasm.wasi.internal.fs.FsTestEnv.CREATE_NEW;
import static io.mcpwasm.wasi.internal.fs.FsTestEnv.CREATE_RW;
import static io.mcpwasm.wasi.internal.fs.FsTestEnv.TRUNCATE;
import static io.mcpwasm.wasi.internal.fs.FsTestEnv.WRITE;
import static io.mcpwasm.wasi.internal.fs.FsTestEnv.read;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mcpwasm.wasi.internal.Errno;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The adversarial list, on the default file system and on Jimfs. After every test, the whole host tree outside
 * the grant is compared with its state before the test.
 */
class HostDirectoryEscapeTest {
    @TempDir
    Path tmp;
    private FsTestEnv env;
    private FsDirectory root;

    private FsDirectory start(FsTestEnv.Kind kind) throws IOException {
        env = new FsTestEnv(kind, tmp);
        root = env.mount();
        return root;
    }

    @AfterEach
    void outsideUntouched() throws IOException {
        if (env != null) {
            if (root != null) {
                root.close();
            }
            env.assertOutsideUnchanged();
            for (String r : env.refusalReasons) { // the guest path is the guest's own text; the reason is ours
                env.assertNoHostPath(r);
            }
            env.close();
        }
    }

    @ParameterizedTest
    @EnumSource(FsTestEnv.Kind.class)
    void absolutePathsAreEscapes(FsTestEnv.Kind kind) throws Exception {
        FsDirectory d = start(kind);
        String secret = env.outside.resolve("secret.txt").toString();
        env.expectEscape(() -> d.open(secret, true, FsTestEnv.CREATE_RW));
        env.expectEscape(() -> d.open("/", true, OpenOptions.DIRECTORY));
        env.expectEscape(() -> d.stat(secret, true));
        env.expectEscape(() -> d.createDirectory("/tmp/x"));
        env.expectEscape(() -> d.removeFile(secret));
        env.expectEscape(() -> d.rename("hello.txt", d, env.base.resolve("stolen").toString()));
        env.expectEscape(() -> d.symlink("hello.txt", "/abs-link"));
        env.expect(Errno.ENOENT, () -> d.open("", true, OpenOptions.READ));
    }

    @ParameterizedTest
    @EnumSource(FsTestEnv.Kind.class)
    void dotDotInEveryPosition(FsTestEnv.Kind kind) throws Exception {
        FsDirectory d = start(kind);
        for (String p : List.of("..", "../", "./..", "../outside.txt", "../outside/secret.txt", "sub/../..",
                "sub/../../outside.txt", "sub/deeper/../../..", "sub/deeper/../../../grant/hello.txt",
                "sub/./../.././outside.txt", "../grant/hello.txt")) {
            env.expectEscape(() -> d.open(p, true, OpenOptions.READ));
            env.expectEscape(() -> d.stat(p, false));
        }
        env.expectEscape(() -> d.createDirectory("../made"));
        env.expectEscape(() -> d.createDirectory("sub/../../made"));
        env.expectEscape(() -> d.open("../new.txt", true, CREATE_RW));
        env.expectEscape(() -> d.removeFile("../outside.txt"));
        env.expectEscape(() -> d.removeDirectory("../outside/dir"));
        env.expectEscape(() -> d.setTimes("../outside.txt", true, 0L, 0L));
        env.expectEscape(() -> d.readlink("../grant/rel-file"));
        // ".." that stays inside is fine
        assertEquals("hello", read(d, "sub/../hello.txt"));
        assertEquals("inner", read(d, "sub/deeper/../inner.txt"));
        assertEquals(FileStat.DIRECTORY, d.stat("sub/..", true).fileType());
        // a subdirectory fd is its own capability: it cannot climb to its parent either
        try (FsDirectory sub = (FsDirectory) d.open("sub", true, OpenOptions.DIRECTORY)) {
            env.expectEscape(() -> sub.open("../hello.txt", true, OpenOptions.READ));
            assertEquals("inner", read(sub, "deeper/../inner.txt"));
            assertTrue(env.refusals.get(env.refusals.size() - 1).contains(" sub/../hello.txt "),
                    "refusal reports the path relative to the mount: " + env.refusals);
        }
    }

    @ParameterizedTest
    @EnumSource(FsTestEnv.Kind.class)
    void hostPlantedSymlinksOutAreRefused(FsTestEnv.Kind kind) throws Exception {
        FsDirectory d = start(kind);
        for (String p : List.of("abs-file", "rel-file", "abs-dir/secret.txt", "rel-dir/secret.txt",
                "sub/up2/secret.txt", "chain1/secret.txt", "dotdot/outside.txt", "dotdot/grant/hello.txt",
                "dir-link/up2/secret.txt", "sub/deeper/../up2/secret.txt")) {
            env.expectEscape(() -> d.open(p, true, OpenOptions.READ));
            env.expectEscape(() -> d.open(p, true, CREATE_RW));
            env.expectEscape(() -> d.open(p, true, TRUNCATE));
            env.expectEscape(() -> d.stat(p, true));
        }
        for (String dir : List.of("abs-dir", "rel-dir", "sub/up2", "chain1", "dotdot")) {
            env.expectEscape(() -> d.open(dir, true, OpenOptions.DIRECTORY));
            env.expectEscape(() -> d.open(dir + "/new.txt", true, CREATE_NEW));
            env.expectEscape(() -> d.createDirectory(dir + "/newdir"));
            env.expectEscape(() -> d.removeDirectory(dir + "/dir"));
            env.expectEscape(() -> d.symlink("x", dir + "/planted"));
            env.expectEscape(() -> d.rename("hello.txt", d, dir + "/stolen.txt"));
        }
        env.expectEscape(() -> d.removeFile("rel-dir/secret.txt"));
        env.expectEscape(() -> d.setTimes("rel-file", true, 0L, 0L));
        env.expect(Errno.ELOOP, () -> d.open("loop1", true, OpenOptions.READ));
        env.expect(Errno.ELOOP, () -> d.stat("loop1/x", false));
        // Not following the final link looks at the link itself, never at its target.
        assertEquals(FileStat.SYMBOLIC_LINK, d.stat("rel-file", false).fileType());
        assertEquals(FileStat.SYMBOLIC_LINK, d.stat("abs-dir", false).fileType());
        env.expect(Errno.ELOOP, () -> d.open("rel-file", false, OpenOptions.READ));
        // Removing a link removes the link, not what it points to (the after-check proves the target is intact).
        d.removeFile("rel-file");
        d.removeFile("abs-dir");
        assertFalse(Files.exists(env.grant.resolve("rel-file"), java.nio.file.LinkOption.NOFOLLOW_LINKS));
        // Links that stay inside work.
        assertEquals("inner", read(d, "inside-link"));
        assertEquals("hello", read(d, "sub/to-hello"));
        assertEquals("inner", read(d, "dir-link/inner.txt"));
    }

    @ParameterizedTest
    @EnumSource(FsTestEnv.Kind.class)
    void readlinkNeverShowsOutside(FsTestEnv.Kind kind) throws Exception {
        FsDirectory d = start(kind);
        for (String p : List.of("abs-file", "abs-dir", "rel-file", "rel-dir", "sub/up2", "dotdot")) {
            env.expectEscape(() -> d.readlink(p));
        }
        assertEquals("sub/inner.txt", d.readlink("inside-link"));
        assertEquals("../hello.txt", d.readlink("sub/to-hello"));
        assertEquals("chain2", d.readlink("chain1")); // names a link inside; following it is checked when used
        env.expect(Errno.EINVAL, () -> d.readlink("hello.txt"));
        env.expect(Errno.ENOENT, () -> d.readlink("nope"));
    }

    @ParameterizedTest
    @EnumSource(FsTestEnv.Kind.class)
    void guestCreatedSymlinksOutAreRefused(FsTestEnv.Kind kind) throws Exception {
        FsDirectory d = start(kind);
        for (String target : List.of("..", "../outside", "../outside/secret.txt", "/etc/passwd",
                env.outside.toString(), "sub/../../outside", "sub/up2/secret.txt", "rel-dir/secret.txt",
                "missing/../../outside", "a/b/../../../x")) {
            env.expectEscape(() -> d.symlink(target, "evil"));
            assertFalse(Files.exists(env.grant.resolve("evil"), java.nio.file.LinkOption.NOFOLLOW_LINKS));
        }
        env.expectEscape(() -> d.symlink("../../outside", "sub/evil"));
        env.expectEscape(() -> d.symlink("..", "evil/"));
        // inside targets, including dangling ones, are fine
        d.symlink("hello.txt", "good");
        d.symlink("../hello.txt", "sub/good");
        d.symlink("not-yet", "dangling");
        d.symlink("sub/deeper/..", "good-dir");
        assertEquals("hello", read(d, "good"));
        assertEquals("hello", read(d, "sub/good"));
        assertEquals("inner", read(d, "good-dir/inner.txt"));
        env.expect(Errno.ENOENT, () -> d.open("dangling", true, OpenOptions.READ));
        env.expect(Errno.EEXIST, () -> d.symlink("hello.txt", "good"));
    }

    @ParameterizedTest
    @EnumSource(FsTestEnv.Kind.class)
    void hardLinksOutAreRefused(FsTestEnv.Kind kind) throws Exception {
        FsDirectory d = start(kind);
        env.expectEscape(() -> d.link("rel-file", true, d, "stolen"));
        env.expectEscape(() -> d.link("rel-dir/secret.txt", false, d, "stolen"));
        env.expectEscape(() -> d.link("hello.txt", false, d, "../stolen"));
        env.expectEscape(() -> d.link("hello.txt", false, d, "rel-dir/stolen"));
        env.expectEscape(() -> d.link("abs-file", false, d, "copied-link")); // the link itself points out
        env.expectEscape(() -> d.link("sub/to-hello", false, d, "moved-up")); // would point out from the root
        env.expect(Errno.EPERM, () -> d.link("sub", false, d, "dir-hardlink"));
        FsDirectory other = FsMounts.hostDirectory(env.outside, false, Long.MAX_VALUE, env.listener);
        try {
            env.expect(Errno.EXDEV, () -> d.link("hello.txt", false, other, "stolen"));
            env.expect(Errno.EXDEV, () -> other.link("secret.txt", false, d, "stolen"));
            env.expect(Errno.EXDEV, () -> d.rename("hello.txt", other, "stolen"));
            env.expect(Errno.EXDEV, () -> other.rename("secret.txt", d, "stolen"));
        } finally {
            other.close();
        }
        d.link("hello.txt", false, d, "sub/hello-again");
        assertEquals("hello", read(d, "sub/hello-again"));
    }

    @ParameterizedTest
    @EnumSource(FsTestEnv.Kind.class)
    void renamesOutAreRefused(FsTestEnv.Kind kind) throws Exception {
        FsDirectory d = start(kind);
        env.expectEscape(() -> d.rename("hello.txt", d, "../stolen.txt"));
        env.expectEscape(() -> d.rename("hello.txt", d, "sub/../../stolen.txt"));
        env.expectEscape(() -> d.rename("../outside.txt", d, "stolen.txt"));
        env.expectEscape(() -> d.rename("rel-dir/secret.txt", d, "stolen.txt"));
        env.expectEscape(() -> d.rename("sub/to-hello", d, "moved")); // "../hello.txt" from the root points out
        assertTrue(Files.exists(env.grant.resolve("hello.txt")));
        // a host-planted link that points out cannot be given a new name where it still points out ...
        env.expectEscape(() -> d.rename("rel-file", d, "renamed-link"));
        // ... but can be moved where its text stays inside; it is then just a (dangling) inside link
        d.rename("rel-file", d, "sub/deeper/renamed-link");
        env.expect(Errno.ENOENT, () -> d.open("sub/deeper/renamed-link", true, OpenOptions.READ));
    }

    @ParameterizedTest
    @EnumSource(FsTestEnv.Kind.class)
    void theGrantRootCannotBeRemovedOrRenamed(FsTestEnv.Kind kind) throws Exception {
        FsDirectory d = start(kind);
        env.expect(Errno.EBUSY, () -> d.removeDirectory("."));
        env.expect(Errno.EBUSY, () -> d.removeDirectory("sub/.."));
        env.expect(Errno.EBUSY, () -> d.rename(".", d, "moved"));
        env.expect(Errno.EBUSY, () -> d.rename("sub/..", d, "moved"));
        env.expect(Errno.EBUSY, () -> d.rename("sub", d, "."));
        env.expectEscape(() -> d.removeDirectory("../grant"));
        env.expectEscape(() -> d.rename("../grant", d, "moved"));
        assertTrue(env.refusals.stream().anyMatch(r -> r.contains("EBUSY")), env.refusals.toString());
        assertTrue(Files.isDirectory(env.grant));
    }

    @ParameterizedTest
    @EnumSource(FsTestEnv.Kind.class)
    void everyMutationOnAReadOnlyGrantIsRefused(FsTestEnv.Kind kind) throws Exception {
        env = new FsTestEnv(kind, tmp);
        java.util.Map<String, String> before = env.snapshot();
        FsDirectory d = env.mount(true, 0);
        root = d;
        assertTrue(d.readOnly());
        env.expect(Errno.EROFS, () -> d.open("hello.txt", true, WRITE));
        env.expect(Errno.EROFS, () -> d.open("hello.txt", true, TRUNCATE));
        env.expect(Errno.EROFS, () -> d.open("new.txt", true, CREATE_RW));
        env.expect(Errno.EROFS, () -> d.open("hello.txt", true, FsTestEnv.APPEND));
        env.expect(Errno.EROFS, () -> d.createDirectory("newdir"));
        env.expect(Errno.EROFS, () -> d.removeDirectory("sub/deeper"));
        env.expect(Errno.EROFS, () -> d.removeFile("hello.txt"));
        env.expect(Errno.EROFS, () -> d.rename("hello.txt", d, "renamed.txt"));
        env.expect(Errno.EROFS, () -> d.link("hello.txt", false, d, "linked.txt"));
        env.expect(Errno.EROFS, () -> d.symlink("hello.txt", "sym"));
        env.expect(Errno.EROFS, () -> d.setTimes("hello.txt", true, 0L, 0L));
        env.expect(Errno.EROFS, () -> d.setTimes(0L, 0L));
        // read-only also refuses before resolving: even an escape attempt is just EROFS, no OS call
        env.expect(Errno.EROFS, () -> d.open("../outside.txt", true, WRITE));
        try (FsFile f = (FsFile) d.open("hello.txt", true, OpenOptions.READ)) {
            env.expect(Errno.EROFS, () -> f.write(ByteBuffer.wrap(new byte[] {1}), -1));
            env.expect(Errno.EROFS, () -> f.write(ByteBuffer.wrap(new byte[] {1}), 0));
            env.expect(Errno.EROFS, () -> f.setSize(0));
            env.expect(Errno.EROFS, () -> f.setTimes(0L, 0L));
            assertEquals("hello", FsTestEnv.readAll(f));
        }
        try (FsDirectory sub = (FsDirectory) d.open("sub", true, OpenOptions.DIRECTORY)) {
            assertTrue(sub.readOnly());
            env.expect(Errno.EROFS, () -> sub.open("x", true, CREATE_RW));
        }
        assertEquals(18, env.refusals.stream().filter(r -> r.contains("EROFS")).count(), env.refusals.toString());
        assertEquals(before, env.snapshot(), "a read-only grant changed the host tree");
    }

    @ParameterizedTest
    @EnumSource(FsTestEnv.Kind.class)
    void statAndErrorsShowNoHostPath(FsTestEnv.Kind kind) throws Exception {
        FsDirectory d = start(kind);
        FileStat s = d.stat("hello.txt", true);
        assertEquals(FileStat.REGULAR_FILE, s.fileType());
        assertEquals(5, s.size());
        // every errno a guest can provoke here carries a message without the host path (checked inside expect)
        env.expect(Errno.ENOENT, () -> d.stat("missing", true));
        env.expect(Errno.ENOENT, () -> d.open("missing/x", true, CREATE_RW));
        env.expect(Errno.ENOTDIR, () -> d.open("hello.txt/x", true, OpenOptions.READ));
        env.expect(Errno.ENOTDIR, () -> d.open("hello.txt", true, OpenOptions.DIRECTORY));
        env.expect(Errno.EISDIR, () -> d.open("sub", true, WRITE));
        env.expect(Errno.EEXIST, () -> d.createDirectory("sub"));
        env.expect(Errno.ENOTEMPTY, () -> d.removeDirectory("sub"));
        env.expect(Errno.ENOTDIR, () -> d.removeDirectory("hello.txt"));
        env.expect(Errno.EISDIR, () -> d.removeFile("sub"));
        env.expect(Errno.EINVAL, () -> d.open("bad\0name", true, OpenOptions.READ));
        env.expect(Errno.ENAMETOOLONG, () -> d.open("x".repeat(300), true, OpenOptions.READ));
    }

    @ParameterizedTest
    @EnumSource(FsTestEnv.Kind.class)
    void symlinkExpansionIsCapped(FsTestEnv.Kind kind) throws Exception {
        FsDirectory d = start(kind);
        // a chain of 45 links, each inside: more expansions than allowed
        for (int i = 0; i < 45; i++) {
            d.symlink("c" + (i + 1), "c" + i);
        }
        d.open("c45", true, CREATE_NEW).close();
        env.expect(Errno.ELOOP, () -> d.open("c0", true, OpenOptions.READ));
        try (FsNode n = d.open("c10", true, OpenOptions.READ)) {
            assertEquals(FileStat.REGULAR_FILE, n.stat().fileType());
        }
    }
}
