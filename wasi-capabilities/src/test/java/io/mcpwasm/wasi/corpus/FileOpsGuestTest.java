package io.mcpwasm.wasi.corpus;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mcpwasm.wasi.AuditEvent;
import io.mcpwasm.wasi.MountMode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Ordinary file work (read, write, seek, stat, mkdir, rename, readdir, truncate, append, unlink, rmdir) by four
 * guests written against their language's own standard library (C/wasi-libc, Go os, Rust std, Zig std), in a
 * read-write mount on the default file system and on Jimfs: each must print the expected transcript, leave
 * the mount as it found it, touch nothing outside and cause no refusal.
 */
class FileOpsGuestTest {

    /** All on the interpreter: even Go's 2.9 MB runtime finishes in a few seconds. */
    private static final Map<String, GuestRun.Guest> GUESTS = Map.of(
            "c", GuestRun.Guest.interpreted("fileops-c.wasm"),
            "go", GuestRun.Guest.interpreted("fileops-go.wasm"),
            "rust", GuestRun.Guest.interpreted("fileops-rust.wasm"),
            "zig", GuestRun.Guest.interpreted("fileops-zig.wasm"));

    private static final String EXPECTED = new String(GuestRun.load("fileops-expected.txt"), UTF_8);

    static Stream<Arguments> cases() {
        return Arrays.stream(HostTree.Fs.values())
                .flatMap(fs -> Stream.of("c", "go", "rust", "zig").map(lang -> Arguments.of(fs, lang)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void ordinaryFileWork(HostTree.Fs fs, String lang, @TempDir Path tmp) throws IOException {
        try (HostTree tree = HostTree.create(fs, tmp).layOutFileOps()) {
            Map<String, String> before = tree.snapshot(rel -> true);

            GuestRun.Result r = GuestRun.run(GUESTS.get(lang), "fileops-" + lang, b -> b
                    .args(List.of("fileops"))
                    .mount("/data", tree.path("data"), MountMode.READ_WRITE, 1 << 20));

            String where = fs + " " + lang + "\n" + r.describe();
            assertNull(r.trap(), where);
            assertEquals(0, r.exitCode(), where);
            assertEquals(EXPECTED, r.stdout(), where);
            // the guest removed what it made; directory mtimes of data/ legitimately moved
            Map<String, String> after = tree.snapshot(rel -> true);
            before.put("data", "dir");
            after.put("data", "dir");
            assertEquals(before, after, "only data/'s own mtime may change: " + where);
            try (Stream<Path> s = Files.list(tree.path("data"))) {
                assertEquals(List.of("input.txt"), s.map(p -> p.getFileName().toString()).toList(), where);
            }
            List<AuditEvent> denied = r.denied();
            assertTrue(denied.isEmpty(), () -> "ordinary work was refused: " + denied + "\n" + where);
        }
    }
}
