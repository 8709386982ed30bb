package io.mcpwasm.cli;

import com.dylibso.chicory.wabt.Wat2Wasm;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The guests the gateway's tests run: the project's samples, and a WAT guest that never answers. */
final class TestGuests {
    static final Path SAMPLES = Path.of("..", "samples").toAbsolutePath().normalize();
    /** Zig, 160 KB, stateless, needs no capability: answers at once. */
    static final Path ZIG = SAMPLES.resolve("zig-tools/zig-tools.wasm");
    /** Rust, 1.2 MB, requires a read-write mount at /notes. */
    static final Path RUST_NOTES = SAMPLES.resolve("rust-notes/rust-notes.wasm");

    /**
     * A WASI command that reads its stdin to the end and never writes: every request to it times out, every
     * stream to it stays open until the gateway ends it.
     */
    static final String SILENT = """
            (module
              (import "wasi_snapshot_preview1" "fd_read" (func $fd_read (param i32 i32 i32 i32) (result i32)))
              (memory (export "memory") 1)
              (func (export "_start")
                (i32.store (i32.const 0) (i32.const 64))
                (i32.store (i32.const 4) (i32.const 1024))
                (loop $more
                  (drop (call $fd_read (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 8)))
                  (br_if $more (i32.ne (i32.load (i32.const 8)) (i32.const 0))))))
            """;

    private TestGuests() {
    }

    /** Writes the silent guest to {@code dir} and returns its path. */
    static Path silent(Path dir) throws IOException {
        Path p = dir.resolve("silent.wasm");
        Files.write(p, Wat2Wasm.parse(SILENT));
        return p;
    }
}
