package io.mcpwasm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.dylibso.chicory.wabt.Wat2Wasm;
import io.mcpwasm.wasi.HostPolicy;
import java.io.ByteArrayOutputStream;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A module's bytes are untrusted: whatever they make the loader throw leaves {@code load} as a
 * {@link ModuleLoadException} naming the module and what is wrong, counts that would make the engine allocate
 * gigabytes are refused before it does, and imports the host cannot satisfy are refused at load, not at start.
 */
class HostileModuleTest {

    private static McpRuntime runtime;

    @BeforeAll
    static void start() {
        runtime = McpRuntime.builder().noCompileCache().build();
    }

    @AfterAll
    static void stop() {
        runtime.close();
    }

    // ---- the engine's own exceptions -------------------------------------------------------------------------

    /** One function {@code () -> ()}, its body given as bytes (locals included). */
    private static byte[] withBody(int... body) {
        return module(section(1, 1, 0x60, 0, 0), section(3, 1, 0), section(10, concat(new int[] {1, body.length}, body)));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        // try_table with a catch clause of kind 0x20: the engine indexes a 4-entry table with it
        "catch-kind,     ArrayIndexOutOfBoundsException",
        // the 0xfc prefix with sub-opcode 1232: the engine indexes its opcode table past the end
        "prefixed-op,    ArrayIndexOutOfBoundsException",
        // 'else' after the function's final 'end': the engine dereferences a control frame that is not there
        "else-after-end, NullPointerException",
        // a second 'end': the engine pops an empty control stack
        "extra-end,      IndexOutOfBoundsException",
    })
    void whatTheEngineThrowsOnMalformedCodeIsAModuleLoadException(String name, String engineThrew) {
        byte[] wasm = switch (name) {
            case "catch-kind" -> withBody(0, 0x1f, 0x40, 1, 0x20, 0x0b, 0x0b);
            case "prefixed-op" -> withBody(0, 0xfc, 0xd0, 0x09, 0x0b);
            case "else-after-end" -> withBody(0, 0x0b, 0x05, 0x0b);
            default -> withBody(0, 0x0b, 0x0b);
        };
        ModuleLoadException e = assertThrows(ModuleLoadException.class, () -> runtime.load(wasm, name));
        assertEquals(name, e.source());
        assertTrue(e.getMessage().contains("not a valid WebAssembly module"), e.getMessage());
        assertTrue(e.getMessage().contains(engineThrew), "the cause is named: " + e.getMessage());
    }

    @Test
    void anAssertionOfTheEngineIsAModuleLoadException() throws Exception {
        // Found by LoaderFuzzTest: this byte makes the engine's parser fail an assert when assertions are on (as in
        // these tests), and throw its InvalidException when they are off.
        byte[] wasm = java.nio.file.Files.readAllBytes(TestGuests.guest("fault-server"));
        wasm[26593] = (byte) 0x80;
        ModuleLoadException e = assertThrows(ModuleLoadException.class, () -> runtime.load(wasm, "asserted"));
        assertTrue(e.getMessage().contains("not a valid WebAssembly module"), e.getMessage());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "types         | 1 | ff ff ff ff 0f       | the type section at offset 8: declares 4294967295 entries",
        "imports       | 2 | ff ff ff ff 0f       | the import section at offset 8: declares 4294967295 entries",
        "functions     | 3 | ff ff ff ff 0f       | the function section at offset 8: declares 4294967295 entries",
        "exports       | 7 | ff ff ff ff 0f       | the export section at offset 8: declares 4294967295 entries",
        "code          | 10 | ff ff ff ff 0f      | the code section at offset 8: declares 4294967295 entries",
        "data          | 11 | ff ff ff ff 0f      | the data section at offset 8: declares 4294967295 entries",
        "params        | 1 | 01 60 ff ff ff 7f 7f 00 | declares 268435455 parameters of a function type",
        "results       | 1 | 01 60 00 ff ff ff 7f 7f | declares 268435455 results of a function type",
        "rec-group     | 1 | 01 4e ff ff ff 7f 60 00 00 | declares 268435455 types in a recursion group",
        "import-name   | 2 | 01 ff ff ff 7f 61 | declares 268435455 bytes in an import's module name",
        "elements      | 9 | 01 00 41 00 0b ff ff ff 7f 00 | declares 268435455 elements in an element segment",
        "data-segment  | 11 | 01 01 ff ff ff 7f 00 | declares 268435455 bytes in a data segment",
    })
    void countsLargerThanTheModuleAreRefusedBeforeTheEngineAllocates(String name, int id, String hex, String says) {
        // Each of these made the engine allocate by the declared count: an OutOfMemoryError on a 256 MiB heap, or a
        // type section of 2^32-1 types read as none ("exports no _start").
        byte[] wasm = module(section(id, hex(hex)));
        ModuleLoadException e = assertThrows(ModuleLoadException.class, () -> runtime.load(wasm, name));
        assertTrue(e.getMessage().contains("malformed module: " ) && e.getMessage().contains(says), e.getMessage());
        assertFalse(e.getMessage().contains("_start"), e.getMessage());
    }

    @Test
    void deeplyNestedBlocksLoadOnASmallStack() throws Exception {
        // 50,000 nested blocks: a recursive parser, validator or compiler would overflow a 256 KiB stack.
        int depth = 50_000;
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(0);
        for (int i = 0; i < depth; i++) {
            body.write(0x02);
            body.write(0x40);
        }
        for (int i = 0; i <= depth; i++) {
            body.write(0x0b);
        }
        byte[] code = body.toByteArray();
        ByteArrayOutputStream codeSection = new ByteArrayOutputStream();
        codeSection.write(1);
        codeSection.writeBytes(leb(code.length));
        codeSection.writeBytes(code);
        byte[] wasm = module(section(1, 1, 0x60, 0, 0), section(3, 1, 0),
                section(7, 1, 6, '_', 's', 't', 'a', 'r', 't', 0, 0), section(10, toInts(codeSection.toByteArray())));
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        AtomicReference<McpModule> loaded = new AtomicReference<>();
        Thread small = new Thread(null, () -> {
            try {
                loaded.set(runtime.load(wasm, "deep"));
            } catch (Throwable t) {
                thrown.set(t);
            }
        }, "small-stack", 256 * 1024);
        small.start();
        small.join();
        assertEquals(null, thrown.get(), "nothing escapes, not even a StackOverflowError");
        assertEquals("deep", loaded.get().name());
    }

    // ---- imports -----------------------------------------------------------------------------------------------

    @Test
    void aWasiFunctionTheHostDoesNotProvideIsRefusedAtLoad() {
        byte[] wasm = Wat2Wasm.parse("""
                (module
                  (import "wasi_snapshot_preview1" "sock_open" (func (param i32 i32 i32) (result i32)))
                  (import "wasi_snapshot_preview1" "fd_write" (func (param i32 i32 i32 i32) (result i32)))
                  (memory (export "memory") 1)
                  (func (export "_start")))
                """);
        ModuleLoadException e = assertThrows(ModuleLoadException.class, () -> runtime.load(wasm, "sockets"));
        String m = e.getMessage();
        assertTrue(m.contains("does not provide: wasi_snapshot_preview1.sock_open."), m);
        assertFalse(m.contains("wasi_snapshot_preview1.fd_write"), "fd_write is provided: " + m);
        assertTrue(m.contains("wasi_snapshot_preview1 (args_get, args_sizes_get"), "what the host provides: " + m);
        assertTrue(m.contains("mcpwasm_http_v1 (request, response_close"), m);
    }

    @Test
    void everyMissingImportIsListedAtOnce() {
        byte[] wasm = Wat2Wasm.parse("""
                (module
                  (import "env" "host_secret" (func))
                  (import "wasi_snapshot_preview1" "fd_write" (func (param i32) (result i32)))
                  (import "mcpwasm_http_v1" "websocket" (func))
                  (import "env" "table" (table 1 funcref))
                  (memory (export "memory") 1)
                  (func (export "_start")))
                """);
        ModuleLoadException e = assertThrows(ModuleLoadException.class, () -> runtime.load(wasm, "greedy"));
        String m = e.getMessage();
        assertTrue(m.contains("env.host_secret"), m);
        assertTrue(m.contains("wasi_snapshot_preview1.fd_write of type"), "a wrong signature: " + m);
        assertTrue(m.contains("mcpwasm_http_v1.websocket"), m);
        assertTrue(m.contains("env.table (a table; the host provides only functions)"), m);
    }

    @Test
    void aModuleImportingOnlyWhatTheHostProvidesStillRuns() {
        byte[] wasm = Wat2Wasm.parse("""
                (module
                  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
                  (import "mcpwasm_http_v1" "response_close" (func (param i32) (result i32)))
                  (memory (export "memory") 1)
                  (func (export "_start") (call $exit (i32.const 0))))
                """);
        McpModule m = runtime.load(wasm, "fine");
        // it exits at once: the start fails as an exit, not as an unknown import
        ServerFailedException e = assertThrows(ServerFailedException.class, () -> m.start(HostPolicy.denyAll()));
        assertFalse(e.getMessage().contains("unknown import"), e.getMessage());
    }

    // ---- bytes -------------------------------------------------------------------------------------------------

    static byte[] module(byte[]... sections) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {0, 'a', 's', 'm', 1, 0, 0, 0});
        for (byte[] s : sections) {
            out.writeBytes(s);
        }
        return out.toByteArray();
    }

    static byte[] section(int id, byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(id);
        out.writeBytes(leb(content.length));
        out.writeBytes(content);
        return out.toByteArray();
    }

    static byte[] section(int id, int... content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(id);
        out.writeBytes(leb(content.length));
        for (int c : content) {
            out.write(c);
        }
        return out.toByteArray();
    }

    static byte[] leb(int value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int n = value;
        do {
            int b = n & 0x7f;
            n >>>= 7;
            out.write(n != 0 ? b | 0x80 : b);
        } while (n != 0);
        return out.toByteArray();
    }

    private static int[] toInts(byte[] bytes) {
        int[] out = new int[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            out[i] = bytes[i] & 0xff;
        }
        return out;
    }

    private static int[] hex(String hex) {
        String[] parts = hex.trim().split("\\s+");
        int[] out = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            out[i] = Integer.parseInt(parts[i], 16);
        }
        return out;
    }

    private static int[] concat(int[] a, int[] b) {
        int[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
