package io.mcpwasm.internal;

import run.endive.wasm.WasmModule;
import run.endive.wasm.types.DataSegment;
import run.endive.wasm.types.PassiveDataSegment;
import java.util.Set;

/**
 * Makes a copy of a module whose compiled function bodies are replaced by {@code unreachable}: everything else
 * (types, imports, globals, tables, memory, exports, elements, custom sections, the bodies of functions that
 * run on the interpreter) is kept byte for byte, and the data segments write the same bytes.
 *
 * <p>Data: when the module's active segments merge into a {@link DataImage}, it has no passive segment and no data
 * count section (so its code cannot name a segment: {@code memory.init} and {@code data.drop} require that
 * section), the copy carries the image as its one segment. Go modules carry about 100,000 small segments, and
 * parsing them was most of what a cached load of the Go sample spent parsing.
 *
 * <p>Why: parsing and validating a large module's code dominates loading it (a 14 MB Go module spends seconds
 * there) although, once compiled, the bodies are never read again. The compile cache keeps the stripped copy beside
 * the compiled classes; a later load parses the small copy and takes the classes from the cache, and never falls back
 * to compiling the stubs (see {@link ModuleCompiler#fromCache}).
 */
public final class CodeStripper {
    private static final int DATA_SECTION = 11;
    /** A body with no locals whose only instruction is {@code unreachable}. */
    private static final byte[] STUB = {0x00, 0x00, 0x0b};

    private CodeStripper() {}

    /**
     * @param interpreted absolute function indices (imports included) whose bodies must be kept
     * @param module      {@code wasm} parsed: says whether its data segments may be merged
     * @return the stripped module, or null when the input is not a module this understands (then nothing is cached)
     */
    public static byte[] strip(byte[] wasm, Set<Integer> interpreted, WasmModule module) {
        try {
            return new CodeStripper.Run(wasm, interpreted, mergedData(module)).run();
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** The image that may replace the module's data segments in the copy, or null. */
    private static DataImage mergedData(WasmModule module) {
        if (module.dataCountSection().isPresent() || module.dataSection() == null) {
            return null;
        }
        for (DataSegment s : module.dataSection().dataSegments()) {
            if (s instanceof PassiveDataSegment) {
                return null;
            }
        }
        return DataImage.of(module);
    }

    private static final class Run {
        private final byte[] in;
        private final Set<Integer> interpreted;
        private final DataImage data;
        private int importedFunctions;

        Run(byte[] in, Set<Integer> interpreted, DataImage data) {
            this.in = in;
            this.interpreted = interpreted;
            this.data = data;
        }

        byte[] run() {
            return WasmBytes.rewriteSections(in, in.length / 2, (id, cursor, end) -> {
                if (id == WasmBytes.IMPORT_SECTION) {
                    importedFunctions = cursor.importedFunctions(end, null);
                }
                if (id == WasmBytes.CODE_SECTION) {
                    return stripCode(cursor, end);
                }
                return id == DATA_SECTION && data != null ? oneSegment(data) : null;
            });
        }

        /** A data section whose one active segment writes the image. */
        private static WasmBytes.Out oneSegment(DataImage data) {
            byte[] image = data.bytes();
            WasmBytes.Out out = new WasmBytes.Out(image.length + 16);
            out.u32(1);
            out.u32(0); // active, memory 0
            out.write(0x41); // i32.const
            out.s64(data.base());
            out.write(0x0b); // end
            out.u32(image.length);
            out.write(image, 0, image.length);
            return out;
        }

        private WasmBytes.Out stripCode(WasmBytes.Cursor c, int end) {
            WasmBytes.Out code = new WasmBytes.Out(1024);
            int count = c.u32();
            code.u32(count);
            for (int i = 0; i < count; i++) {
                int bodySize = c.u32();
                int bodyStart = c.pos;
                c.skip(bodySize);
                if (interpreted.contains(importedFunctions + i)) {
                    code.u32(bodySize);
                    code.write(c.in, bodyStart, bodySize);
                } else {
                    code.u32(STUB.length);
                    code.write(STUB, 0, STUB.length);
                }
            }
            if (c.pos != end) {
                throw new IllegalArgumentException("code section size");
            }
            return code;
        }
    }
}
