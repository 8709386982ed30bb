package io.mcpwasm.internal;

import static org.junit.jupiter.api.Assertions.*;

import run.endive.runtime.Instance;
import com.dylibso.chicory.wabt.Wat2Wasm;
import run.endive.wasm.WasmEngineException;
import run.endive.wasm.Parser;
import run.endive.wasm.WasmModule;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Classes from a cache entry serve exactly the module object they are bound to, and bad entries fail clearly. */
class CachedClassesTest {
    private static final byte[] WASM = Wat2Wasm.parse("(module (memory (export \"memory\") 1)"
            + " (func (export \"triple\") (param i32) (result i32) (i32.mul (local.get 0) (i32.const 3))))");

    @Test
    void theFactoryRunsTheCompiledCodeOfItsModuleAndRefusesAnyOtherModuleObject(@TempDir Path dir) {
        DiskCompileCache cache = new DiskCompileCache(dir);
        WasmModule compiledFrom = Parser.parse(WASM);
        ModuleCompiler.compile(compiledFrom, cache, compiledFrom.digest(), "t");
        byte[] jar = cache.read(compiledFrom.digest());
        assertNotNull(jar);

        WasmModule bound = Parser.parse(WASM);
        CachedClasses classes = CachedClasses.define(jar);
        Instance ok = Instance.builder(bound).withMachineFactory(classes.factoryFor(bound)).build();
        assertEquals(21, ok.export("triple").apply(7)[0]);

        WasmModule other = Parser.parse(WASM); // equal content, another object: refused, as Chicory's factories do
        WasmEngineException e = assertThrows(WasmEngineException.class, () ->
                Instance.builder(other).withMachineFactory(classes.factoryFor(bound)).build());
        assertTrue(e.getMessage().contains("does not match"), e.getMessage());
    }

    @Test
    void anEntryThatIsNoJarOfClassesIsRefused() {
        assertThrows(WasmEngineException.class,
                () -> CachedClasses.define("not a jar".getBytes(StandardCharsets.UTF_8)));
        assertThrows(WasmEngineException.class, () -> CachedClasses.define(new byte[0]));
    }
}
