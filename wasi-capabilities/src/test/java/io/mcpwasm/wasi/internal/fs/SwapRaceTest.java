package io.mcpwasm.wasi.internal.fs;

import static io.mcpwasm.wasi.internal.fs.FsTestEnv.CREATE_NEW;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mcpwasm.wasi.internal.Errno;
import io.mcpwasm.wasi.internal.ErrnoException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A directory swapped for a symlink pointing outside, at the worst moments, made deterministic: the swap is done
 * by the host (as another process would) exactly between two resolution steps, through a wrapper around the
 * real handle, or while the guest holds a directory fd.
 *
 * <p>Why the design holds in general: the resolver looks at an entry (no-follow), then opens it with no-follow
 * relative to a handle it already holds. A swap before the look-up is seen as a symlink and checked; a swap
 * between look-up and open makes the open fail (O_NOFOLLOW on a symlink); a swap after the open does not
 * matter, because the handle refers to the directory itself, not to its name. These tests pin down each case.
 */
class SwapRaceTest {
    @TempDir
    Path tmp;
    private FsTestEnv env;

    @AfterEach
    void outsideUntouched() throws IOException {
        if (env != null) {
            env.assertOutsideUnchanged();
            env.close();
        }
    }

    /** Moves grant/a away and puts a symlink a -> ../outside in its place. */
    private void swapAForLinkOut() {
        try {
            Files.move(env.grant.resolve("a"), env.grant.resolve("a-old"));
            Files.createSymbolicLink(env.grant.resolve("a"), env.base.getFileSystem().getPath("../outside"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A handle that runs a hook just before it opens a given subdirectory: the race, on demand. */
    private static final class Racing implements PathResolver.Dir<Racing> {
        final HostHandle real;
        final String raceOn;
        final Runnable swap;

        Racing(HostHandle real, String raceOn, Runnable swap) {
            this.real = real;
            this.raceOn = raceOn;
            this.swap = swap;
        }

        @Override
        public PathResolver.Kind kind(String name) throws ErrnoException {
            return real.kind(name);
        }

        @Override
        public Racing openDirectory(String name) throws ErrnoException {
            if (name.equals(raceOn)) {
                swap.run(); // the look-up said "directory"; now it is a symlink pointing outside
            }
            return new Racing(real.openDirectory(name), raceOn, swap);
        }

        @Override
        public String readSymlink(String name) throws ErrnoException {
            return real.readSymlink(name);
        }

        @Override
        public void release() {
            real.release();
        }
    }

    @ParameterizedTest
    @EnumSource(FsTestEnv.Kind.class)
    void swapBetweenLookupAndOpenCannotEscape(FsTestEnv.Kind kind) throws Exception {
        env = new FsTestEnv(kind, tmp);
        Files.createDirectory(env.grant.resolve("a"));
        try (FsDirectory root = env.mount()) {
            HostHandle rootHandle = ((HostDirectory) root).handle();
            Racing racing = new Racing(rootHandle, "a", this::swapAForLinkOut);
            ErrnoException e = assertThrows(ErrnoException.class,
                    () -> PathResolver.resolve(racing, "a/secret.txt", true, "path_open", env.listener).close());
            assertTrue(e.errno() == Errno.ELOOP || e.errno() == Errno.ENOTDIR, e.getMessage());
            assertTrue(Files.isSymbolicLink(env.grant.resolve("a")), "the swap did happen");
            // and after the swap, a fresh resolution sees the link and refuses it as an escape
            env.expectEscape(() -> root.open("a/secret.txt", true, OpenOptions.READ));
        }
    }

    @ParameterizedTest
    @EnumSource(FsTestEnv.Kind.class)
    void theNoFollowPrimitivesRefuseALinkWhereTheyExpectedAFileOrDirectory(FsTestEnv.Kind kind) throws Exception {
        env = new FsTestEnv(kind, tmp);
        try (FsDirectory root = env.mount()) {
            HostHandle h = ((HostDirectory) root).handle();
            // As if the look-up had seen a file or directory and the host then swapped in a link:
            assertThrows(ErrnoException.class, () -> h.openFile("rel-file", Set.of(StandardOpenOption.READ)));
            assertThrows(ErrnoException.class, () -> h.openFile("rel-file", Set.of(StandardOpenOption.WRITE)));
            assertThrows(ErrnoException.class, () -> h.openDirectory("rel-dir"));
            assertThrows(ErrnoException.class, () -> h.openDirectory("abs-dir"));
            // creating with O_EXCL where a link now stands fails instead of writing through it
            ErrnoException e = assertThrows(ErrnoException.class, () -> h.openFile("rel-file",
                    Set.of(StandardOpenOption.WRITE, StandardOpenOption.CREATE_NEW)));
            assertEquals(Errno.EEXIST, e.errno(), e.getMessage());
        }
    }

    @ParameterizedTest
    @EnumSource(FsTestEnv.Kind.class)
    void aHeldDirectoryFdFollowsTheDirectoryNotItsName(FsTestEnv.Kind kind) throws Exception {
        env = new FsTestEnv(kind, tmp);
        Files.createDirectory(env.grant.resolve("a"));
        try (FsDirectory root = env.mount();
             FsDirectory a = (FsDirectory) root.open("a", true, OpenOptions.DIRECTORY)) {
            swapAForLinkOut();
            // handle-relative operations land in the real directory, now called a-old
            a.open("made.txt", true, CREATE_NEW).close();
            assertTrue(Files.exists(env.grant.resolve("a-old/made.txt")));
            assertFalse(Files.exists(env.outside.resolve("made.txt")));
            assertEquals(FileStat.REGULAR_FILE, a.stat("made.txt", false).fileType());
            a.rename("made.txt", a, "renamed.txt");
            a.removeFile("renamed.txt");
            assertEquals(2, a.list().size());
            // the path-based fallbacks notice that the path no longer leads to this directory
            env.expect(Errno.ESTALE, () -> a.createDirectory("d"));
            env.expect(Errno.ESTALE, () -> a.symlink("x", "l"));
            assertFalse(Files.exists(env.outside.resolve("d"), LinkOption.NOFOLLOW_LINKS));
            assertFalse(Files.exists(env.outside.resolve("l"), LinkOption.NOFOLLOW_LINKS));
        }
    }

    @ParameterizedTest
    @EnumSource(FsTestEnv.Kind.class)
    void concurrentSwappingNeverLetsAnOpenReachOutside(FsTestEnv.Kind kind) throws Exception {
        // Not a timing assertion: whatever the interleaving, every open either reads the inside file or fails.
        env = new FsTestEnv(kind, tmp);
        Files.createDirectory(env.grant.resolve("a"));
        Files.writeString(env.grant.resolve("a/secret.txt"), "inside");
        try (FsDirectory root = env.mount()) {
            Thread swapper = new Thread(() -> {
                for (int i = 0; i < 300; i++) {
                    try {
                        Files.move(env.grant.resolve("a"), env.grant.resolve("a-old"));
                        Files.createSymbolicLink(env.grant.resolve("a"), env.base.getFileSystem().getPath("../outside"));
                        Files.delete(env.grant.resolve("a"));
                        Files.move(env.grant.resolve("a-old"), env.grant.resolve("a"));
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
            });
            swapper.start();
            while (swapper.isAlive()) {
                try (FsNode n = root.open("a/secret.txt", true, OpenOptions.READ)) {
                    String text = FsTestEnv.readAll((FsFile) n);
                    assertEquals("inside", text, "read something that is not the inside file");
                } catch (ErrnoException e) {
                    // refused or not found mid-swap: fine, nothing was read
                    env.assertNoHostPath(e.getMessage());
                }
            }
            swapper.join();
        }
    }
}
