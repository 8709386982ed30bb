package io.mcpwasm.wasi;

import io.mcpwasm.wasi.internal.GuestExitException;
import io.mcpwasm.wasi.internal.GuestInput;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import run.endive.runtime.Instance;
import run.endive.wasm.Parser;
import run.endive.wasm.WasmModule;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Go (wasip1) program (go-probe.go beside the module): Go's runtime sets NONBLOCK on stdio, reads stdin
 * in a goroutine and parks in poll_oneoff with an fd_read plus a clock subscription. A ticker must keep firing
 * while stdin is idle, a line must wake the reader, and EOF must reach the program; os.ReadDir, os.ReadFile and
 * os.WriteFile go through the preopens.
 */
class WasiHostGoGuestTest {
    private static final long SAFETY_SECONDS = 180;

    @TempDir
    Path temp;

    @Test
    void goRuntimeParksInPollAndWakesOnInputAndTimers() throws Exception {
        Path data = Files.createDirectories(temp.resolve("data"));
        Files.writeString(data.resolve("b.txt"), "b");
        Files.writeString(data.resolve("a.txt"), "a");
        Path scratch = Files.createDirectories(temp.resolve("scratch"));
        WasmModule module;
        try (InputStream in = getClass().getResourceAsStream("go-probe.wasm")) {
            module = Parser.parse(in.readAllBytes());
        }
        GuestInput stdin = new GuestInput();
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        StringBuilder partial = new StringBuilder();
        GuestOutput stdout = (b, off, len) -> {
            partial.append(new String(b, off, len, StandardCharsets.UTF_8));
            int nl;
            while ((nl = partial.indexOf("\n")) >= 0) {
                lines.add(partial.substring(0, nl));
                partial.delete(0, nl + 1);
            }
        };
        try (WasiHost host = WasiHost.builder("go-probe")
            .args(List.of("go-probe", "first-arg"))
            .env("GRANTED", "yes")
            .mount("/data", data, MountMode.READ_ONLY)
            .mount("/scratch", scratch, MountMode.READ_WRITE, 1 << 16)
            .secret("/run/secrets/token", "go-tok".getBytes(StandardCharsets.UTF_8))
            .stdin(stdin)
            .stdout(stdout)
            .build()) {
            Instance guest = Instance.builder(module).withImportValues(host.toImportValues()).withStart(false).build();
            CompletableFuture<Void> run = WasiGuests.startOnThread(guest, "go-guest");

            assertEquals("arg=first-arg granted=\"yes\" home=\"\"", next(lines));
            assertEquals("data=[a.txt b.txt]", next(lines));
            assertEquals("token=go-tok err=<nil>", next(lines));
            assertEquals("escape refused=true", next(lines));
            assertEquals("secret elsewhere refused=true", next(lines));
            assertEquals("write err=<nil>", next(lines));
            // nothing written to stdin yet: only poll_oneoff's clock subscription can produce this line
            assertEquals("ticked while stdin idle", next(lines));
            stdin.write("hello go\n".getBytes(StandardCharsets.UTF_8));
            assertEquals("echo hello go", next(lines));
            stdin.write("second\n".getBytes(StandardCharsets.UTF_8));
            assertEquals("echo second", next(lines));
            stdin.close();
            assertEquals("eof ticked=true", next(lines));
            try {
                run.get(SAFETY_SECONDS, TimeUnit.SECONDS);
                throw new AssertionError("the guest should exit with proc_exit(5)");
            } catch (ExecutionException e) {
                assertInstanceOf(GuestExitException.class, e.getCause());
                assertEquals(5, ((GuestExitException) e.getCause()).exitCode());
            }
        }
        assertEquals("from go", Files.readString(scratch.resolve("go.txt")));
    }

    private static String next(BlockingQueue<String> lines) throws InterruptedException {
        String line = lines.poll(SAFETY_SECONDS, TimeUnit.SECONDS);
        assertNotNull(line, "the guest printed nothing more");
        return line;
    }
}
