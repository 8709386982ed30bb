package io.mcpwasm.wasi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.mcpwasm.wasi.internal.GuestInput;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import run.endive.compiler.MachineFactoryCompiler;
import run.endive.runtime.Instance;
import run.endive.wasm.Parser;
import run.endive.wasm.WasmModule;

/**
 * The Rust guest kit's stdin reader (guest-kits/rust/src/stdio.rs) in a real tokio guest,
 * guest-kits/rust/timer-probe: a task of the guest's current-thread runtime writes {@code tick N} to stderr every
 * 10 ms while the reader waits for input, and every line read is echoed on stdout. The ticks must keep coming while
 * stdin stays quiet, both in the reader's first 100 ms after input (when it waits in poll_oneoff between the
 * runtime's turns) and after (when it sleeps on a tokio timer), and a line must be answered in either state. A
 * reader that blocked the runtime on stdin would stop the ticks; one that never woke would lose the echo.
 */
class WasiHostRustKitTest {
    /** Safety net only: nothing asserts on time, but no step may hang the build. */
    private static final long SAFETY_SECONDS = 120;

    @Test
    void timersOfTheGuestFireWhileTheKitsReaderWaitsForInput() throws Exception {
        WasmModule module = Parser.parse(Files.readAllBytes(probe()));
        GuestInput stdin = new GuestInput();
        BlockingQueue<String> out = new LinkedBlockingQueue<>();
        BlockingQueue<Integer> ticks = new LinkedBlockingQueue<>();
        try (WasiHost host = WasiHost.builder("timer-probe")
            .args(List.of("timer-probe"))
            .stdin(stdin)
            .stdout(lines(line -> out.add(line)))
            .stderr(lines(line -> ticks.add(Integer.parseInt(line.substring("tick ".length())))))
            .build()) {
            Instance guest = Instance.builder(module).withImportValues(host.toImportValues())
                .withMachineFactory(MachineFactoryCompiler.compile(module)).withStart(false).build();
            CompletableFuture<Void> run = WasiGuests.startOnThread(guest, "timer-probe");

            // No input yet: ticks while the reader is hot, then while it is cold (30 ticks are >= 300 ms).
            awaitTick(ticks, 30);
            stdin.write("one\n".getBytes(StandardCharsets.UTF_8));
            assertEquals("echo one", next(out));
            // Hot again after the read: the reader now waits in poll_oneoff between the runtime's turns.
            int after = awaitTick(ticks, 1);
            awaitTick(ticks, after + 3);
            stdin.write("two\n".getBytes(StandardCharsets.UTF_8));
            assertEquals("echo two", next(out));
            stdin.close();
            run.get(SAFETY_SECONDS, TimeUnit.SECONDS);
        }
    }

    /** Waits for a tick numbered at least {@code n} and returns its number. */
    private static int awaitTick(BlockingQueue<Integer> ticks, int n) throws InterruptedException {
        while (true) {
            Integer tick = ticks.poll(SAFETY_SECONDS, TimeUnit.SECONDS);
            assertNotNull(tick, "no tick from the guest's timer task while its stdin reader waited");
            if (tick >= n) {
                return tick;
            }
        }
    }

    private static String next(BlockingQueue<String> out) throws InterruptedException {
        String line = out.poll(SAFETY_SECONDS, TimeUnit.SECONDS);
        assertNotNull(line, "the guest answered nothing");
        return line;
    }

    /** Splits what the guest writes into lines. */
    private static GuestOutput lines(java.util.function.Consumer<String> sink) {
        StringBuilder partial = new StringBuilder();
        return (b, off, len) -> {
            partial.append(new String(b, off, len, StandardCharsets.UTF_8));
            int nl;
            while ((nl = partial.indexOf("\n")) >= 0) {
                sink.accept(partial.substring(0, nl));
                partial.delete(0, nl + 1);
            }
        };
    }

    /** guest-kits/rust/timer-probe/timer-probe.wasm, found above the working directory. */
    private static Path probe() {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            Path p = d.resolve("guest-kits/rust/timer-probe/timer-probe.wasm");
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        throw new AssertionError("guest-kits/rust/timer-probe/timer-probe.wasm not found above the working directory");
    }
}
