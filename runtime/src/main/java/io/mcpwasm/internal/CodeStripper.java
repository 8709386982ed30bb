package io.mcpwasm.internal;

import run.endive.wasm.WasmModule;
import run.endive.wasm.types.DataSegment;
import run.endive.wasm.types.PassiveDataSegment;
import java.io.ByteArrayOutputStream;
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
    private static final int CODE_SECTION = 10;
    private static final int IMPORT_SECTION = 2;
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
        private int pos;
        private int importedFunctions;

        Run(byte[] in, Set<Integer> interpreted, DataImage data) {
            this.in = in;
            this.interpreted = interpreted;
            this.data = data;
        }

        byte[] run() {
            if (in.length < 8 || in[0] != 0 || in[1] != 'a' || in[2] != 's' || in[3] != 'm') {
                throw new IllegalArgumentException("not a wasm module");
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream(in.length / 2);
            out.write(in, 0, 8);
            pos = 8;
            while (pos < in.length) {
                int id = in[pos++] & 0xff;
                int size = (int) u32();
                int start = pos;
                int end = Math.addExact(start, size);
                if (end > in.length) {
                    throw new IllegalArgumentException("section past the end");
                }
                if (id == IMPORT_SECTION) {
                    countImportedFunctions(end);
                }
                byte[] merged = id == DATA_SECTION && data != null ? oneSegment(data) : null;
                if (id == CODE_SECTION) {
                    byte[] code = stripCode(end);
                    out.write(CODE_SECTION);
                    writeU32(out, code.length);
                    out.write(code, 0, code.length);
                } else if (merged != null) {
                    out.write(DATA_SECTION);
                    writeU32(out, merged.length);
                    out.write(merged, 0, merged.length);
                } else {
                    out.write(id);
                    writeU32(out, size);
                    out.write(in, start, size);
                }
                pos = end;
            }
            return out.toByteArray();
        }

        /** A data section whose one active segment writes the image. */
        private static byte[] oneSegment(DataImage data) {
            byte[] image = data.bytes();
            ByteArrayOutputStream out = new ByteArrayOutputStream(image.length + 16);
            writeU32(out, 1);
            writeU32(out, 0); // active, memory 0
            out.write(0x41); // i32.const
            writeS32(out, data.base());
            out.write(0x0b); // end
            writeU32(out, image.length);
            out.write(image, 0, image.length);
            return out.toByteArray();
        }

        private void countImportedFunctions(int end) {
            int count = (int) u32();
            for (int i = 0; i < count; i++) {
                skipName();
                skipName();
                int kind = in[pos++] & 0xff;
                switch (kind) {
                    case 0 -> {
                        importedFunctions++;
                        u32();
                    }
                    case 1 -> { // table: reftype + limits
                        pos++;
                        skipLimits();
                    }
                    case 2 -> skipLimits();
                    case 3 -> pos += 2; // valtype + mutability
                    case 4 -> { // tag: attribute + type index
                        pos++;
                        u32();
                    }
                    default -> throw new IllegalArgumentException("import kind " + kind);
                }
            }
            if (pos != end) {
                throw new IllegalArgumentException("import section size");
            }
        }

        private byte[] stripCode(int end) {
            ByteArrayOutputStream code = new ByteArrayOutputStream();
            int count = (int) u32();
            writeU32(code, count);
            for (int i = 0; i < count; i++) {
                int bodySize = (int) u32();
                int bodyStart = pos;
                pos = Math.addExact(pos, bodySize);
                if (interpreted.contains(importedFunctions + i)) {
                    writeU32(code, bodySize);
                    code.write(in, bodyStart, bodySize);
                } else {
                    writeU32(code, STUB.length);
                    code.write(STUB, 0, STUB.length);
                }
            }
            if (pos != end) {
                throw new IllegalArgumentException("code section size");
            }
            return code.toByteArray();
        }

        private void skipName() {
            int len = (int) u32();
            pos = Math.addExact(pos, len);
        }

        private void skipLimits() {
            int flags = in[pos++] & 0xff;
            u64();
            if ((flags & 1) != 0) {
                u64();
            }
        }

        private long u32() {
            long v = u64();
            if (v > 0xffffffffL) {
                throw new IllegalArgumentException("u32 too large");
            }
            return v;
        }

        private long u64() {
            long result = 0;
            int shift = 0;
            while (true) {
                byte b = in[pos++];
                result |= (long) (b & 0x7f) << shift;
                if ((b & 0x80) == 0) {
                    return result;
                }
                shift += 7;
                if (shift > 63) {
                    throw new IllegalArgumentException("LEB128 too long");
                }
            }
        }

        private static void writeS32(ByteArrayOutputStream out, int v) {
            while (true) {
                int b = v & 0x7f;
                v >>= 7;
                if ((v == 0 && (b & 0x40) == 0) || (v == -1 && (b & 0x40) != 0)) {
                    out.write(b);
                    return;
                }
                out.write(b | 0x80);
            }
        }

        private static void writeU32(ByteArrayOutputStream out, long v) {
            do {
                int b = (int) (v & 0x7f);
                v >>>= 7;
                out.write(v != 0 ? b | 0x80 : b);
            } while (v != 0);
        }
    }
}
