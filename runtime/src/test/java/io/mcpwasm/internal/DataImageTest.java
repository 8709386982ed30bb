package io.mcpwasm.internal;

import static org.junit.jupiter.api.Assertions.*;

import run.endive.runtime.Instance;
import run.endive.runtime.Memory;
import com.dylibso.chicory.wabt.Wat2Wasm;
import run.endive.wasm.Parser;
import run.endive.wasm.UninstantiableException;
import run.endive.wasm.WasmModule;
import org.junit.jupiter.api.Test;

/** Instantiating from the merged image gives exactly the memory that writing segment by segment gives. */
class DataImageTest {
    private static final String SEGMENTS = """
            (module
              (memory (export "memory") 2)
              (data (i32.const 16) "abcdefgh")
              (data (i32.const 20) "XY")
              (data (i32.const 70000) "far")
              (data $p "passive!")
              (func (export "init") (memory.init $p (i32.const 100) (i32.const 0) (i32.const 8))))
            """;

    @Test
    void theImageWritesWhatTheSegmentsWriteInOrder() {
        WasmModule module = Parser.parse(Wat2Wasm.parse(SEGMENTS));
        DataImage image = DataImage.of(module);
        assertNotNull(image, "constant offsets, dense enough");
        assertEquals(16, image.base());

        Instance merged = Instance.builder(module).withMemoryFactory(l -> new PagedMemory(l, image)).build();
        Instance bySegment = Instance.builder(module).withMemoryFactory(l -> new PagedMemory(l, null)).build();
        merged.export("init").apply();
        bySegment.export("init").apply();
        byte[] expected = bySegment.memory().readBytes(0, 2 * Memory.PAGE_SIZE);
        assertArrayEquals(expected, merged.memory().readBytes(0, 2 * Memory.PAGE_SIZE));
        assertEquals("abcdXYgh", merged.memory().readString(16, 8), "the later segment overwrote the earlier");
        assertEquals("far", merged.memory().readString(70000, 3));
        assertEquals("passive!", merged.memory().readString(100, 8), "passive segments still work");

        // The image alone does it: no segment is evaluated.
        PagedMemory alone = new PagedMemory(new run.endive.wasm.types.MemoryLimits(2, 2), image);
        alone.initialize(null, new run.endive.wasm.types.DataSegment[0]);
        assertEquals("abcdXYgh", alone.readString(16, 8));
    }

    @Test
    void anImagePastTheMemoryFailsInstantiation() {
        WasmModule module = Parser.parse(Wat2Wasm.parse("""
                (module (memory 1) (data (i32.const 10) "a") (data (i32.const 65535) "bc"))"""));
        DataImage image = DataImage.of(module);
        assertNotNull(image);
        UninstantiableException e = assertThrows(UninstantiableException.class, () ->
                Instance.builder(module).withMemoryFactory(l -> new PagedMemory(l, image)).build());
        assertTrue(e.getMessage().contains("out of bounds memory access"), e.getMessage());
    }

    @Test
    void noImageForOffsetsFromGlobalsOrSparseLayouts() {
        WasmModule fromGlobal = Parser.parse(Wat2Wasm.parse("""
                (module (import "env" "g" (global $g i32)) (memory 1)
                  (data (i32.const 0) "a") (data (global.get $g) "b"))"""));
        assertNull(DataImage.of(fromGlobal), "an offset read from an imported global");
        WasmModule sparse = Parser.parse(Wat2Wasm.parse("""
                (module (memory 100) (data (i32.const 0) "a") (data (i32.const 6000000) "b"))"""));
        assertNull(DataImage.of(sparse), "two bytes 6 MB apart");
    }
}
