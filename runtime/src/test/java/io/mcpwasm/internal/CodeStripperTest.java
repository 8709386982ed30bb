package io.mcpwasm.internal;

import static org.junit.jupiter.api.Assertions.*;

import run.endive.runtime.Instance;
import run.endive.runtime.TrapException;
import com.dylibso.chicory.wabt.Wat2Wasm;
import run.endive.wasm.Parser;
import run.endive.wasm.WasmModule;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The stripped copy the compile cache keeps: compiled bodies stubbed, interpreted ones kept, same behaviour. */
class CodeStripperTest {

    /** A module with a small function and one too large for a JVM method (it must run on the interpreter). */
    private static byte[] module() {
        StringBuilder big = new StringBuilder();
        for (int i = 0; i < 40_000; i++) {
            big.append("(local.set 0 (i32.add (local.get 0) (i32.const 1)))\n");
        }
        return Wat2Wasm.parse("(module (import \"wasi_snapshot_preview1\" \"sched_yield\" (func (result i32)))"
                + " (memory (export \"memory\") 1)"
                + " (func (export \"small\") (param i32) (result i32) (i32.mul (local.get 0) (i32.const 3)))"
                + " (func (export \"big\") (param i32) (result i32) " + big + " (local.get 0))"
                + " (func (export \"_start\")))");
    }

    @Test
    void theStrippedCopyRunsTheCompiledAndTheInterpretedFunctions(@TempDir Path dir) {
        byte[] wasm = module();
        DiskCompileCache cache = new DiskCompileCache(dir);
        WasmModule original = Parser.parse(wasm);
        ModuleCompiler.Compiled compiled = ModuleCompiler.compile(original, cache, original.digest(), "t");
        assertTrue(compiled.fresh());
        assertEquals(java.util.Set.of(2), compiled.interpreted(), "'big' (import 0, small 1, big 2) is interpreted");

        byte[] stripped = CodeStripper.strip(wasm, compiled.interpreted(), original);
        assertNotNull(stripped);
        assertTrue(stripped.length < wasm.length);
        WasmModule strippedModule = Parser.parse(stripped);
        byte[] jar = cache.read(original.digest());
        Instance instance = instantiate(strippedModule, jar);
        assertEquals(21, instance.export("small").apply(7)[0], "compiled code, not the stub");
        assertEquals(40_005, instance.export("big").apply(5)[0], "the interpreted body was kept");

        // Stubbing the interpreted function too shows the test can tell: it would trap.
        byte[] overStripped = CodeStripper.strip(wasm, java.util.Set.of(), original);
        WasmModule bad = Parser.parse(overStripped);
        Instance broken = instantiate(bad, jar);
        assertThrows(TrapException.class, () -> broken.export("big").apply(5));
    }

    /** An instance of a (stripped) module running the cached classes, with its one import stubbed. */
    private static Instance instantiate(WasmModule module, byte[] jar) {
        var schedYield = new run.endive.runtime.HostFunction("wasi_snapshot_preview1", "sched_yield",
                run.endive.wasm.types.FunctionType.of(java.util.List.of(),
                        java.util.List.of(run.endive.wasm.types.ValType.I32)),
                (inst, args) -> new long[] {0});
        return Instance.builder(module)
                .withImportValues(run.endive.runtime.ImportValues.builder().addFunction(schedYield).build())
                .withMachineFactory(ModuleCompiler.fromCache(module, jar))
                .withStart(false)
                .build();
    }

    @Test
    void aModuleLoadedFromTheCacheDoesNotClaimToKnowItsInterpretedFunctions(@TempDir Path dir) {
        byte[] wasm = module();
        DiskCompileCache cache = new DiskCompileCache(dir);
        String key = Parser.parse(wasm).digest();
        ModuleCompiler.compile(Parser.parse(wasm), cache, key, "t");
        ModuleCompiler.Compiled again = ModuleCompiler.compile(Parser.parse(wasm), cache, key, "t");
        assertFalse(again.fresh(), "from the cache: the interpreted set is unknown, so nothing may be stripped");
    }

    @Test
    void activeDataSegmentsAreMergedIntoOneThatWritesTheSameBytes() {
        byte[] wasm = Wat2Wasm.parse("""
                (module (memory (export "memory") 2)
                  (data (i32.const 100) "hello") (data (i32.const 101) "XY") (data (i32.const 70000) "far")
                  (data (i32.const 64) "z"))"""); // the lowest offset, 64, needs two bytes of signed LEB128
        byte[] stripped = CodeStripper.strip(wasm, java.util.Set.of(), Parser.parse(wasm));
        WasmModule merged = Parser.parse(stripped);
        assertEquals(1, merged.dataSection().dataSegmentCount());
        byte[] expected = Instance.builder(Parser.parse(wasm)).build().memory().readBytes(0, 2 << 16);
        byte[] actual = Instance.builder(merged).build().memory().readBytes(0, 2 << 16);
        assertArrayEquals(expected, actual);
        assertEquals("hXYlo", new String(actual, 100, 5, java.nio.charset.StandardCharsets.US_ASCII));
    }

    @Test
    void dataSegmentsCodeCanNameAreKept() {
        byte[] wasm = Wat2Wasm.parse("""
                (module (memory 1) (data (i32.const 0) "a") (data (i32.const 8) "b") (data $p "passive")
                  (func (export "init") (memory.init $p (i32.const 16) (i32.const 0) (i32.const 7))))""");
        byte[] stripped = CodeStripper.strip(wasm, java.util.Set.of(), Parser.parse(wasm));
        assertEquals(3, Parser.parse(stripped).dataSection().dataSegmentCount(), "memory.init names segment 2");
    }

    @Test
    void garbageIsNotStripped() {
        assertNull(CodeStripper.strip(new byte[] {1, 2, 3}, java.util.Set.of(), Parser.parse(module())));
    }
}
