package io.mcpwasm.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.dylibso.chicory.wabt.Wat2Wasm;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import run.endive.runtime.Instance;
import run.endive.wasm.Parser;
import run.endive.wasm.WasmModule;

/**
 * Functions too large for a JVM method are found before the module is compiled, so the module is compiled once and
 * those functions run on the interpreter; functions that are large but fit are still compiled.
 */
class ModuleCompilerTest {

    /**
     * A function adding {@code step} to its argument {@code times} times: four wasm instructions per addition, 7 bytes
     * of wasm when {@code step} is under 64, 9 bytes when under 2^20.
     */
    private static String adder(String name, int times, int step) {
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < times; i++) {
            body.append("(local.set 0 (i32.add (local.get 0) (i32.const ").append(step).append(")))\n");
        }
        return " (func (export \"" + name + "\") (param i32) (result i32) " + body + " (local.get 0))";
    }

    /**
     * Functions 0 and 2 need more than 64 KiB of JVM code each (100,000 instructions); 1 is small; 3 has 45,000 bytes
     * of wasm (a candidate for the probe) and fits.
     */
    private static byte[] module() {
        return Wat2Wasm.parse("(module (memory (export \"memory\") 1)"
                + adder("big1", 25_000, 1)
                + " (func (export \"small\") (param i32) (result i32) (i32.mul (local.get 0) (i32.const 3)))"
                + adder("big2", 25_000, 2)
                + adder("fits", 5_000, 300_000)
                + ")");
    }

    @Test
    void twoFunctionsTooLargeForTheJvmAreCompiledOnceAndRunInterpreted(@TempDir Path dir) {
        WasmModule module = Parser.parse(module());
        ModuleCompiler.Compiled compiled =
                ModuleCompiler.compile(module, new DiskCompileCache(dir), module.digest(), "t");

        assertEquals(Set.of(0, 2), compiled.interpreted());
        assertEquals(1, compiled.attempts(), "predicted, so the module is compiled once (not once per refusal)");
        Instance instance = Instance.builder(module).withMachineFactory(compiled.factory()).withStart(false).build();
        assertEquals(25_005, instance.export("big1").apply(5)[0]);
        assertEquals(50_005, instance.export("big2").apply(5)[0]);
        assertEquals(21, instance.export("small").apply(7)[0]);
        assertEquals(1_500_000_005, instance.export("fits").apply(5)[0]);

        // The cache entry written by the compile serves the same module in another load.
        WasmModule again = Parser.parse(module());
        ModuleCompiler.Compiled cached =
                ModuleCompiler.compile(again, new DiskCompileCache(dir), module.digest(), "t");
        assertEquals(0, cached.attempts());
        Instance fromCache = Instance.builder(again).withMachineFactory(cached.factory()).withStart(false).build();
        assertEquals(50_005, fromCache.export("big2").apply(5)[0]);
        assertEquals(1_500_000_005, fromCache.export("fits").apply(5)[0]);
    }

    @Test
    void theProbeNamesExactlyTheFunctionsTheCompilerRefuses() {
        WasmModule module = Parser.parse(module());
        assertEquals(Set.of(0, 2), ModuleCompiler.tooLarge(module, "t"),
                "'fits' is probed (45,000 bytes) and not refused; 'small' is not probed");
    }

    @Test
    void aLargeFunctionThatFitsIsCompiled() {
        WasmModule module = Parser.parse(Wat2Wasm.parse("(module" + adder("fits", 5_000, 300_000) + ")"));
        assertTrue(ModuleCompiler.bodyBytes(module, 0) > ModuleCompiler.CANDIDATE_BYTES,
                "the function is a candidate of the probe");
        assertEquals(Set.of(), ModuleCompiler.tooLarge(module, "t"));
        ModuleCompiler.Compiled compiled = ModuleCompiler.compile(module, null, null, "t");
        assertEquals(Set.of(), compiled.interpreted());
        assertEquals(1, compiled.attempts());
    }
}
