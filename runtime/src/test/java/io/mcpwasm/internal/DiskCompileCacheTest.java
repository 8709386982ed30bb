package io.mcpwasm.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The disk compile cache stays under its cap, evicts the least recently used entries, and never serves half an entry. */
class DiskCompileCacheTest {
    private static final int ENTRY = 100_000;

    @Test
    void theLeastRecentlyUsedEntriesGoFirstAndTheTotalStaysUnderTheCap(@TempDir Path dir) throws IOException {
        long cap = 3 * ENTRY + 1_000; // three entries and their headers fit, four do not
        DiskCompileCache cache = new DiskCompileCache(dir, cap);
        cache.putIfAbsent("a", payload(1));
        cache.putIfAbsent("b", payload(2));
        cache.putIfAbsent("c", payload(3));
        Instant now = Instant.now();
        age(cache, "a", now.minus(Duration.ofHours(3)));
        age(cache, "b", now.minus(Duration.ofHours(2)));
        age(cache, "c", now.minus(Duration.ofHours(1)));

        assertArrayEquals(payload(1), cache.get("a"), "a use makes 'a' the most recently used");
        cache.putIfAbsent("d", payload(4));

        assertNull(cache.read("b"), "'b' was the least recently used");
        assertArrayEquals(payload(1), cache.read("a"));
        assertArrayEquals(payload(3), cache.read("c"));
        assertArrayEquals(payload(4), cache.read("d"));
        assertTrue(size(dir) <= cap, size(dir) + " bytes in a cache capped at " + cap);
    }

    @Test
    void anEntryLargerThanTheCapIsNotStoredAndEvictsNothing(@TempDir Path dir) throws IOException {
        DiskCompileCache cache = new DiskCompileCache(dir, 2 * ENTRY);
        cache.putIfAbsent("small", payload(1));
        cache.putIfAbsent("huge", new byte[3 * ENTRY]);
        assertNull(cache.read("huge"));
        assertArrayEquals(payload(1), cache.read("small"));
    }

    @Test
    void temporaryFilesOfDeadWritersAreDeletedAndLiveOnesKept(@TempDir Path dir) throws IOException {
        DiskCompileCache cache = new DiskCompileCache(dir, 10L * ENTRY);
        Files.createDirectories(dir);
        Path dead = Files.write(dir.resolve("entry-dead.tmp"), new byte[ENTRY]);
        Files.setLastModifiedTime(dead, FileTime.from(Instant.now().minus(Duration.ofHours(2))));
        Path live = Files.write(dir.resolve("entry-live.tmp"), new byte[ENTRY]);
        cache.putIfAbsent("a", payload(1));
        assertFalse(Files.exists(dead), "a writer that died hours ago left it");
        assertTrue(Files.exists(live), "another JVM may be writing it now");
    }

    @Test
    void readersSeeAWholeEntryOrNoneWhileOthersWriteAndEvict(@TempDir Path dir) throws Exception {
        // Writers keep storing and evicting (the cap holds about two entries of four keys) while readers read.
        DiskCompileCache cache = new DiskCompileCache(dir, 2 * (4 * ENTRY) + 1_000);
        List<byte[]> payloads = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            byte[] p = new byte[4 * ENTRY];
            Arrays.fill(p, (byte) (i + 1));
            payloads.add(p);
        }
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger whole = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> tasks = new ArrayList<>();
            for (int w = 0; w < 2; w++) {
                tasks.add(pool.submit(() -> {
                    for (int n = 0; !stop.get(); n++) {
                        cache.putIfAbsent("k" + (n % 4), payloads.get(n % 4));
                    }
                    return null;
                }));
            }
            for (int r = 0; r < 2; r++) {
                tasks.add(pool.submit(() -> {
                    for (int n = 0; !stop.get(); n++) {
                        byte[] got = cache.get("k" + (n % 4));
                        if (got != null) {
                            assertArrayEquals(payloads.get(n % 4), got, "a whole entry, never part of one");
                            whole.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            Thread.sleep(1_500);
            stop.set(true);
            for (Future<?> t : tasks) {
                t.get(30, TimeUnit.SECONDS); // rethrows a reader's failed assertion
            }
        } finally {
            pool.shutdownNow();
        }
        assertTrue(whole.get() > 0, "readers saw entries");
        assertTrue(size(dir) <= 2 * (4 * ENTRY) + 1_000 + 2L * (4 * ENTRY + 100),
                "under the cap, give or take what writers had in flight: " + size(dir));
    }

    @Test
    void aCapMustBePositive(@TempDir Path dir) {
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new DiskCompileCache(dir, 0));
    }

    private static byte[] payload(int fill) {
        byte[] p = new byte[ENTRY];
        Arrays.fill(p, (byte) fill);
        return p;
    }

    private static void age(DiskCompileCache cache, String key, Instant usedAt) throws IOException {
        Path entry = cache.entryFor(key);
        assertNotNull(cache.read(key), key);
        Files.setLastModifiedTime(entry, FileTime.from(usedAt));
    }

    static long size(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.mapToLong(p -> p.toFile().length()).sum();
        }
    }
}
