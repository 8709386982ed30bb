package io.mcpwasm.wasi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.mcpwasm.wasi.internal.Errno;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import run.endive.runtime.Instance;

/**
 * The race that the path-based fallbacks of JDK 17-21 lose: while a guest makes directories, symlinks and hard
 * links and reads a link in {@code /data/sub}, a thread outside the sandbox swaps {@code sub} for a symlink to a
 * directory outside the mount and back, as fast as it can. With the handle-relative calls of JDK 22+
 * ({@code NativeDirectory}: {@code mkdirat}, {@code symlinkat}, {@code linkat}, {@code readlinkat} on a descriptor
 * of {@code sub} itself) nothing may be created outside and no outside link may be read. Runs in the build on
 * JDK 25 (the {@code jdk25} surefire execution); skipped on older JDKs, which keep the fallbacks
 * (docs/security.md). Bounded to {@link #RACE_MILLIS}.
 */
class NativeSwapRaceTest {
    private static final Logger LOG = LoggerFactory.getLogger(NativeSwapRaceTest.class);
    private static final long RACE_MILLIS = 3000;
    /** Every right but fd_write (a directory is not opened for writing). */
    private static final long READ_DIR = ((1L << 30) - 1) & ~(1L << 6);

    @TempDir
    Path tmp;

    @Test
    void swappingTheDirectoryForALinkOutNeverLetsACreateOrReadlinkLandOutside() throws Exception {
        assumeTrue(Runtime.version().feature() >= 22, "JDK 17-21 keep the re-verified path fallbacks");
        Path base = tmp.toRealPath();
        Path data = Files.createDirectories(base.resolve("data"));
        Path sub = Files.createDirectories(data.resolve("sub"));
        Path outside = Files.createDirectories(base.resolve("outside"));
        Files.writeString(sub.resolve("f"), "inside");
        Files.createSymbolicLink(sub.resolve("lnk"), Path.of("inside-text"));
        Files.writeString(outside.resolve("f"), "outside");
        Files.createSymbolicLink(outside.resolve("lnk"), Path.of("OUTSIDE-TEXT"));
        Map<String, String> outsideBefore = tree(outside);

        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger swaps = new AtomicInteger();
        Thread swapper = new Thread(() -> {
            Path old = data.resolve("sub-old");
            while (!stop.get()) {
                try {
                    Files.move(sub, old);
                    Files.createSymbolicLink(sub, Path.of("../outside"));
                    Files.delete(sub);
                    Files.move(old, sub);
                    swaps.incrementAndGet();
                    LockSupport.parkNanos(20_000); // leave sub in place for a moment, so guest calls get through

                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }
        }, "outside-swapper");

        int[] done = new int[4];
        int outsideReads = 0;
        try (WasiHost host = WasiHost.builder("swap-race").mount("/data", data, MountMode.READ_WRITE).build()) {
            Instance guest = WasiGuests.probe(host);
            // the guest can set a symlink's own times only with the handle-relative calls: proof they are in use
            WasiGuests.putString(guest, 100, "sub/lnk");
            assertEquals(Errno.SUCCESS, WasiGuests.call(guest, "path_filestat_set_times", 3, 0, 100, 7, 0, 1_000_000L, 4),
                    "handle-relative calls are not in use (is META-INF/versions/22 on the class path?)");
            WasiGuests.putString(guest, 200, "sub/d");
            WasiGuests.putString(guest, 300, "sub/s");
            WasiGuests.putString(guest, 400, "sub/f");
            WasiGuests.putString(guest, 500, "sub/h");
            WasiGuests.putString(guest, 600, "target");
            swapper.start();
            long end = System.nanoTime() + RACE_MILLIS * 1_000_000L;
            while (System.nanoTime() < end) {
                if (WasiGuests.call(guest, "path_create_directory", 3, 200, 5) == Errno.SUCCESS) {
                    done[0]++;
                    WasiGuests.call(guest, "path_remove_directory", 3, 200, 5);
                }
                if (WasiGuests.call(guest, "path_symlink", 600, 6, 3, 300, 5) == Errno.SUCCESS) {
                    done[1]++;
                    WasiGuests.call(guest, "path_unlink_file", 3, 300, 5);
                }
                if (WasiGuests.call(guest, "path_link", 3, 0, 400, 5, 3, 500, 5) == Errno.SUCCESS) {
                    done[2]++;
                    WasiGuests.call(guest, "path_unlink_file", 3, 500, 5);
                }
                if (WasiGuests.call(guest, "path_readlink", 3, 100, 7, 1000, 64, 1100) == Errno.SUCCESS) {
                    done[3]++;
                    String text = WasiGuests.getString(guest, 1000, guest.memory().readInt(1100));
                    if (!text.equals("inside-text")) {
                        outsideReads++;
                    }
                }
            }
        } finally {
            stop.set(true);
            swapper.join();
        }
        LOG.info("{} swaps; guest made {} directories, {} symlinks, {} hard links and read {} links inside; "
                + "{} outside reads", swaps.get(), done[0], done[1], done[2], done[3], outsideReads);
        assertTrue(swaps.get() > 50, "the swapper barely ran: " + swaps.get());
        assertTrue(done[0] > 0 && done[1] > 0 && done[2] > 0 && done[3] > 0, "the guest barely ran");
        assertEquals(0, outsideReads, "read the text of a link outside the mount");
        assertEquals(outsideBefore, tree(outside), "something was created or changed outside the mount");
    }

    /**
     * The race pinned down: the guest holds a descriptor of {@code /data/sub}; then {@code sub} is renamed and a
     * symlink out of the mount put in its place. Every operation through the held descriptor must act on the
     * directory it names (now {@code sub-old}). The path fallbacks of JDK 17-21 refuse them instead ({@code ESTALE}:
     * the path no longer leads there), and would act outside if the swap came just after that check.
     */
    @Test
    void aHeldDirectoryDescriptorActsOnItsDirectoryAfterTheNameIsSwappedForALinkOut() throws Exception {
        assumeTrue(Runtime.version().feature() >= 22, "JDK 17-21 keep the re-verified path fallbacks");
        Path base = tmp.toRealPath();
        Path data = Files.createDirectories(base.resolve("data"));
        Path sub = Files.createDirectories(data.resolve("sub"));
        Path outside = Files.createDirectories(base.resolve("outside"));
        Files.writeString(sub.resolve("f"), "inside");
        Files.createSymbolicLink(sub.resolve("lnk"), Path.of("inside-text"));
        Files.createSymbolicLink(outside.resolve("lnk"), Path.of("OUTSIDE-TEXT"));
        Map<String, String> outsideBefore = tree(outside);
        try (WasiHost host = WasiHost.builder("held-fd").mount("/data", data, MountMode.READ_WRITE).build()) {
            Instance guest = WasiGuests.probe(host);
            WasiGuests.putString(guest, 100, "sub");
            assertEquals(Errno.SUCCESS, WasiGuests.call(guest, "path_open", 3, 0, 100, 3, 2, READ_DIR, READ_DIR, 0, 50));
            int subFd = guest.memory().readInt(50);
            Files.move(sub, data.resolve("sub-old"));
            Files.createSymbolicLink(sub, Path.of("../outside"));
            WasiGuests.putString(guest, 200, "d");
            WasiGuests.putString(guest, 300, "s");
            WasiGuests.putString(guest, 400, "f");
            WasiGuests.putString(guest, 500, "h");
            WasiGuests.putString(guest, 600, "lnk");
            assertEquals(Errno.SUCCESS, WasiGuests.call(guest, "path_create_directory", subFd, 200, 1));
            assertEquals(Errno.SUCCESS, WasiGuests.call(guest, "path_symlink", 400, 1, subFd, 300, 1));
            assertEquals(Errno.SUCCESS, WasiGuests.call(guest, "path_link", subFd, 0, 400, 1, subFd, 500, 1));
            assertEquals(Errno.SUCCESS, WasiGuests.call(guest, "path_readlink", subFd, 600, 3, 1000, 64, 1100));
            assertEquals("inside-text", WasiGuests.getString(guest, 1000, guest.memory().readInt(1100)));
        }
        Path old = data.resolve("sub-old");
        assertTrue(Files.isDirectory(old.resolve("d"), LinkOption.NOFOLLOW_LINKS));
        assertEquals("f", Files.readSymbolicLink(old.resolve("s")).toString());
        assertEquals("inside", Files.readString(old.resolve("h")));
        assertEquals(outsideBefore, tree(outside), "something was created or changed outside the mount");
    }

    /** Every entry under {@code dir}, links not followed, with its kind and link text or content. */
    private static Map<String, String> tree(Path dir) throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                String rel = dir.relativize(p).toString();
                if (Files.isSymbolicLink(p)) {
                    out.put(rel, "link " + Files.readSymbolicLink(p));
                } else if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    out.put(rel, "dir");
                } else {
                    out.put(rel, "file " + Files.readString(p) + " nlink "
                            + Files.getAttribute(p, "unix:nlink", LinkOption.NOFOLLOW_LINKS));
                }
            }
        }
        return out;
    }
}
