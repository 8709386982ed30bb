package io.mcpwasm.bench;

import run.endive.compiler.MachineFactoryCompiler;
import run.endive.runtime.Instance;
import com.dylibso.chicory.wabt.Wat2Wasm;
import run.endive.wasm.Parser;
import run.endive.wasm.WasmModule;
import io.mcpwasm.wasi.MountMode;
import io.mcpwasm.wasi.WasiHost;
import io.mcpwasm.wasi.internal.fs.FsDirectory;
import io.mcpwasm.wasi.internal.fs.FsFile;
import io.mcpwasm.wasi.internal.fs.FsMounts;
import io.mcpwasm.wasi.internal.fs.OpenOptions;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * File throughput through the sandbox against plain Java file I/O, on the same file in the same run: a 4 MiB file
 * read and written in 64 KiB chunks,
 * <ul>
 *   <li>{@code java*}: {@link FileChannel} directly (the baseline);
 *   <li>{@code kernel*}: the file-system kernel's Java API (path resolution over directory handles, quota);
 *   <li>{@code guest*}: a wasm guest calling {@code path_open} / {@code fd_read} / {@code fd_write} through our WASI
 *       host (Chicory-compiled guest code, the full ABI path including copies into linear memory).
 * </ul>
 * Score: whole-file passes per second; each pass moves 4 MiB, so MiB/s is four times the score.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-XX:-DontCompileHugeMethods"})
public class FileIoBenchmark {
    static final int CHUNK = 64 * 1024;
    static final int FILE_BYTES = 4 * 1024 * 1024;

    /** The guest: reads data.bin to its end, or writes n chunks to out.bin, through WASI preview1. */
    static final String GUEST = """
            (module
              (import "wasi_snapshot_preview1" "path_open"
                (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
              (import "wasi_snapshot_preview1" "fd_read" (func $fd_read (param i32 i32 i32 i32) (result i32)))
              (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
              (import "wasi_snapshot_preview1" "fd_close" (func $fd_close (param i32) (result i32)))
              (memory (export "memory") 2)
              (data (i32.const 16) "data.bin")
              (data (i32.const 24) "out.bin")
              (func (export "_start"))
              (func (export "read_file") (result i64)
                (local $fd i32) (local $total i64) (local $err i32)
                (local.set $err (call $path_open (i32.const 3) (i32.const 0) (i32.const 16) (i32.const 8)
                    (i32.const 0) (i64.const 2) (i64.const 0) (i32.const 0) (i32.const 0)))
                (if (local.get $err) (then (return (i64.sub (i64.const 0) (i64.extend_i32_u (local.get $err))))))
                (local.set $fd (i32.load (i32.const 0)))
                (i32.store (i32.const 32) (i32.const 65536))
                (i32.store (i32.const 36) (i32.const 65536))
                (block $done
                  (loop $next
                    (local.set $err (call $fd_read (local.get $fd) (i32.const 32) (i32.const 1) (i32.const 40)))
                    (br_if $done (local.get $err))
                    (br_if $done (i32.eqz (i32.load (i32.const 40))))
                    (local.set $total (i64.add (local.get $total) (i64.extend_i32_u (i32.load (i32.const 40)))))
                    (br $next)))
                (drop (call $fd_close (local.get $fd)))
                (local.get $total))
              (func (export "write_file") (param $chunks i32) (result i64)
                (local $fd i32) (local $total i64) (local $err i32)
                (local.set $err (call $path_open (i32.const 3) (i32.const 0) (i32.const 24) (i32.const 7)
                    (i32.const 9) (i64.const 64) (i64.const 0) (i32.const 0) (i32.const 0)))
                (if (local.get $err) (then (return (i64.sub (i64.const 0) (i64.extend_i32_u (local.get $err))))))
                (local.set $fd (i32.load (i32.const 0)))
                (i32.store (i32.const 32) (i32.const 65536))
                (i32.store (i32.const 36) (i32.const 65536))
                (block $done
                  (loop $next
                    (br_if $done (i32.eqz (local.get $chunks)))
                    (local.set $err (call $fd_write (local.get $fd) (i32.const 32) (i32.const 1) (i32.const 40)))
                    (br_if $done (local.get $err))
                    (local.set $total (i64.add (local.get $total) (i64.extend_i32_u (i32.load (i32.const 40)))))
                    (local.set $chunks (i32.sub (local.get $chunks) (i32.const 1)))
                    (br $next)))
                (drop (call $fd_close (local.get $fd)))
                (local.get $total)))
            """;

    Path dir;
    ByteBuffer buffer;
    FsDirectory kernel;
    WasiHost host;
    Instance guest;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        dir = Files.createTempDirectory("mcpwasm-fileio");
        byte[] data = new byte[FILE_BYTES];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) i;
        }
        Files.write(dir.resolve("data.bin"), data);
        buffer = ByteBuffer.allocate(CHUNK);
        kernel = FsMounts.hostDirectory(dir, false, Long.MAX_VALUE, (op, path, errno, reason) -> { });
        host = WasiHost.builder("fileio").mount("/data", dir, MountMode.READ_WRITE).build();
        WasmModule module = Parser.parse(Wat2Wasm.parse(GUEST));
        guest = Instance.builder(module).withImportValues(host.toImportValues())
                .withMachineFactory(MachineFactoryCompiler.compile(module)).build();
        if (guestRead() != FILE_BYTES || guestWrite() != FILE_BYTES) {
            throw new IllegalStateException("the guest did not move the whole file");
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        kernel.close();
        host.close();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(p);
            }
        }
    }

    @Benchmark
    public long javaRead() throws IOException {
        long total = 0;
        try (FileChannel ch = FileChannel.open(dir.resolve("data.bin"), StandardOpenOption.READ)) {
            int n;
            while ((n = ch.read(buffer.clear())) > 0) {
                total += n;
            }
        }
        return total;
    }

    @Benchmark
    public long javaWrite() throws IOException {
        long total = 0;
        try (FileChannel ch = FileChannel.open(dir.resolve("out.bin"), StandardOpenOption.WRITE,
                StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING)) {
            for (int i = 0; i < FILE_BYTES / CHUNK; i++) {
                total += ch.write(buffer.clear());
            }
        }
        return total;
    }

    @Benchmark
    public long kernelRead() throws Exception {
        long total = 0;
        try (FsFile f = (FsFile) kernel.open("data.bin", true, OpenOptions.READ)) {
            int n;
            while ((n = f.read(buffer.clear(), -1)) > 0) {
                total += n;
            }
        }
        return total;
    }

    @Benchmark
    public long kernelWrite() throws Exception {
        long total = 0;
        OpenOptions create = new OpenOptions(false, true, true, false, true, false, false);
        try (FsFile f = (FsFile) kernel.open("out.bin", true, create)) {
            for (int i = 0; i < FILE_BYTES / CHUNK; i++) {
                total += f.write(buffer.clear(), -1);
            }
        }
        return total;
    }

    @Benchmark
    public long guestRead() {
        return guest.export("read_file").apply()[0];
    }

    @Benchmark
    public long guestWrite() {
        return guest.export("write_file").apply(FILE_BYTES / CHUNK)[0];
    }
}
