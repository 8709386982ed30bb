package io.mcpwasm.wasi;

import static io.mcpwasm.wasi.WasiGuests.call;
import static io.mcpwasm.wasi.WasiGuests.putString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import run.endive.runtime.Instance;

/**
 * Entries count against a mount's quota: a guest flooding a read-write mount with empty files, directories,
 * symlinks or hard links is stopped with {@code EDQUOT} at the documented count (each entry costs 4160 bytes plus
 * its name, plus a symlink's text), removals give the cost back, the optional entry limit stops it earlier, and the disk
 * usage under the mount stays within the quota. Driven through a real wasm guest (the probe), on the default file
 * system and on Jimfs.
 */
class WasiHostEntryQuotaTest {
    private static final long QUOTA = 1L << 20;
    private static final int NAME = 100;
    private static final int TARGET = 200;
    private static final int OPENED = 300;
    private static final long ALL_BUT_WRITE = ((1L << 30) - 1) & ~(1L << 6);

    @TempDir
    Path temp;
    private FileSystem jimfs;

    @AfterEach
    void closeJimfs() throws IOException {
        if (jimfs != null) {
            jimfs.close();
        }
    }

    private Path mountDir(String fs) throws IOException {
        if (fs.equals("jimfs")) {
            jimfs = Jimfs.newFileSystem(Configuration.unix());
            return Files.createDirectories(jimfs.getPath("/mnt"));
        }
        return Files.createDirectories(temp.toRealPath().resolve("mnt"));
    }

    /** Makes entry number {@code i} ("e00042": 6 bytes) of the given kind; returns the errno. */
    private static int create(Instance g, String kind, int i) {
        String name = String.format("e%05d", i);
        putString(g, NAME, name);
        return switch (kind) {
            case "dir" -> call(g, "path_create_directory", 3, NAME, 6);
            case "file" -> {
                int e = call(g, "path_open", 3, 0, NAME, 6, 1 | 4, ALL_BUT_WRITE, ALL_BUT_WRITE, 0, OPENED);
                if (e == Errno.SUCCESS) {
                    call(g, "fd_close", g.memory().readInt(OPENED));
                }
                yield e;
            }
            case "symlink" -> call(g, "path_symlink", TARGET, 1, 3, NAME, 6);
            case "link" -> call(g, "path_link", 3, 0, TARGET, 1, 3, NAME, 6);
            default -> throw new IllegalArgumentException(kind);
        };
    }

    private static int remove(Instance g, String kind, int i) {
        putString(g, NAME, String.format("e%05d", i));
        return kind.equals("dir") ? call(g, "path_remove_directory", 3, NAME, 6) : call(g, "path_unlink_file", 3, NAME, 6);
    }

    /** Creates until the first failure (at most {@code max}); returns how many were made and the failing errno. */
    private static int[] flood(Instance g, String kind, int max) {
        for (int i = 0; i < max; i++) {
            int e = create(g, kind, i);
            if (e != Errno.SUCCESS) {
                return new int[] {i, e};
            }
        }
        return new int[] {max, Errno.SUCCESS};
    }

    @ParameterizedTest(name = "{0} on {1}")
    @CsvSource({"dir, default", "file, default", "symlink, default", "link, default",
                "dir, jimfs", "file, jimfs", "symlink, jimfs", "link, jimfs"})
    void aFloodOfEntriesStopsWithEdquotAtTheDocumentedCount(String kind, String fs) throws Exception {
        Path dir = mountDir(fs);
        // "link" links to a one-byte file "t", made by the guest too (4160 + 1 bytes for its entry, 1 for its byte)
        long used = 0;
        List<AuditEvent> events = new ArrayList<>();
        try (WasiHost host = WasiHost.builder("flood").mount("/data", dir, MountMode.READ_WRITE, QUOTA)
                .auditListener(events::add).build()) {
            Instance g = WasiGuests.probe(host);
            putString(g, TARGET, "t");
            if (kind.equals("link")) {
                assertEquals(Errno.SUCCESS, call(g, "path_open", 3, 0, TARGET, 1, 1, -1L, -1L, 0, OPENED));
                int fd = g.memory().readInt(OPENED);
                putString(g, 400, "x");
                WasiGuests.iovec(g, 410, 400, 1);
                assertEquals(Errno.SUCCESS, call(g, "fd_write", fd, 410, 1, 420));
                call(g, "fd_close", fd);
                used = 4160 + 1 + 1;
            }
            // documented cost: 4160 + 6 (name), plus 1 for a symlink's text "t"
            long cost = 4160 + 6 + (kind.equals("symlink") ? 1 : 0);
            long expected = (QUOTA - used) / cost;
            int[] r = flood(g, kind, 10_000);
            assertEquals(expected, r[0], kind + ": entries made before the quota stopped the flood");
            assertEquals(Errno.name(Errno.EDQUOT), Errno.name(r[1]));
            assertTrue(events.stream().anyMatch(e -> e.decision() == AuditEvent.Decision.DENIED
                    && e.reason().contains("EDQUOT")), "the refusal is audited: " + events);
            // removing ten gives their cost back: exactly ten more fit, then the quota stops it again
            for (int i = 0; i < 10; i++) {
                assertEquals(Errno.SUCCESS, remove(g, kind, i));
            }
            for (int i = 0; i < 10; i++) {
                assertEquals(Errno.SUCCESS, create(g, kind, i), "re-creating entry " + i);
            }
            assertEquals(Errno.EDQUOT, create(g, kind, r[0]));
        }
        if (fs.equals("default")) {
            assertTrue(diskUsage(dir) <= QUOTA, "disk usage " + diskUsage(dir) + " exceeds the quota " + QUOTA);
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"default", "jimfs"})
    void theEntryLimitStopsAFloodFirstAndRemovalsGiveEntriesBack(String fs) throws Exception {
        Path dir = mountDir(fs);
        try (WasiHost host = WasiHost.builder("flood")
                .mount("/data", dir, MountMode.READ_WRITE, Long.MAX_VALUE, 100).build()) {
            Instance g = WasiGuests.probe(host);
            putString(g, TARGET, "t");
            int[] r = flood(g, "dir", 1000);
            assertEquals(100, r[0]);
            assertEquals(Errno.name(Errno.EDQUOT), Errno.name(r[1]));
            assertEquals(Errno.EDQUOT, create(g, "symlink", 500), "every kind of entry counts");
            assertEquals(Errno.SUCCESS, remove(g, "dir", 7));
            assertEquals(Errno.SUCCESS, create(g, "symlink", 500));
            assertEquals(Errno.EDQUOT, create(g, "file", 501));
        }
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(100, s.count(), "what is on disk matches what was counted");
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"default", "jimfs"})
    void theManifestsEntryLimitWithinThePolicysCapIsWhatTheGuestGets(String fs) throws Exception {
        Path dir = mountDir(fs);
        Manifest m = Manifest.parse("{\"manifestVersion\":1,\"name\":\"flood\",\"limits\":{\"filesystemEntries\":40},"
                + "\"mounts\":[{\"guestPath\":\"/data\",\"mode\":\"rw\"}]}");
        Grants grants = Grants.resolve(m, HostPolicy.builder().mount("/data", dir).maxFilesystemEntries(25).build(),
                AuditListener.NONE);
        try (Sandbox host = Sandbox.builder(grants).build()) {
            int[] r = flood(WasiGuests.probe(host), "file", 1000);
            assertEquals(25, r[0], "the policy's cap is below the manifest's ask");
            assertEquals(Errno.name(Errno.EDQUOT), Errno.name(r[1]));
        }
    }

    /** Bytes the file system allocates under {@code dir} ({@code du}), directories and links included. */
    private static long diskUsage(Path dir) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("du", "-s", "-B1", dir.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        long total = Long.parseLong(out.trim().split("\\s+")[0]);
        return total - 4096; // the mount directory itself was there before
    }
}
