package io.mcpwasm.wasi;

import io.mcpwasm.wasi.internal.GuestExitException;
import io.mcpwasm.wasi.internal.GuestInput;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import run.endive.runtime.Instance;
import run.endive.wasm.Parser;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real C program linked with wasi-libc (source and build line in libc-probe.c beside the module) runs on the
 * host: libc finds the preopens by itself, and files, directories, secrets, env, sleep and stdin behave.
 */
class WasiHostLibcGuestTest {
    @TempDir
    Path temp;

    @Test
    void wasiLibcProgramSeesExactlyWhatWasGranted() throws IOException {
        Path data = Files.createDirectories(temp.resolve("data"));
        Files.writeString(data.resolve("readme.txt"), "hello from data");
        Files.writeString(data.resolve("other.txt"), "x");
        Path scratch = Files.createDirectories(temp.resolve("scratch"));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        List<AuditEvent> events = new ArrayList<>();
        byte[] wasm;
        try (InputStream in = getClass().getResourceAsStream("libc-probe.wasm")) {
            wasm = in.readAllBytes();
        }
        try (WasiHost host = WasiHost.builder("c-guest")
            .args(List.of("libc-probe", "arg1"))
            .env("GRANTED", "yes")
            .mount("/data", data, MountMode.READ_ONLY)
            .mount("/scratch", scratch, MountMode.READ_WRITE, 4 * 4096) // room for a few entries (4160 bytes plus the name each)
            .secret("/run/secrets/token", "tok-123".getBytes(StandardCharsets.UTF_8))
            .stdin(GuestInput.of("line one\nline two\n".getBytes(StandardCharsets.UTF_8)))
            .stdout(out::write)
            .stderr(err::write)
            .auditListener(events::add)
            .build()) {
            Instance guest = Instance.builder(Parser.parse(wasm)).withImportValues(host.toImportValues())
                .withStart(false).build();
            GuestExitException exit = assertThrows(GuestExitException.class, () -> guest.export("_start").apply());
            assertEquals(3, exit.exitCode());
        }
        List<String> lines = List.of(out.toString(StandardCharsets.UTF_8).split("\n"));
        assertEquals(List.of(
            "argc=2 argv1=arg1",
            "env GRANTED=yes HOME=(none) PATH=(none)",
            "readme: hello from data",
            "token: tok-123",
            "escape: error Capabilities insufficient",
            "unmounted: error Capabilities insufficient",
            "scratch write: ok",
            "read-only write: Read-only file system",
            "data entries=2",
            "size=13",
            "moved=1",
            "slept at least 20ms=1",
            "stdin: line one",
            "stdin: line two",
            "stdin eof"), lines);
        assertEquals("bye\n", err.toString(StandardCharsets.UTF_8));
        assertEquals("written by C\n", Files.readString(scratch.resolve("dir/moved.txt")));
        assertTrue(events.stream().anyMatch(e -> e.target().equals("/data/../run/secrets/token")), events.toString());
        assertTrue(events.stream().anyMatch(e -> e.target().equals("/data/new.txt")), events.toString());
        assertFalse(events.toString().contains("tok-123"));
    }
}
