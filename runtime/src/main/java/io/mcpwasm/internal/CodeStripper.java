package io.mcpwasm.internal;

import java.io.ByteArrayOutputStream;
import java.util.Set;

/**
 * Makes a copy of a module whose compiled function bodies are replaced by {@code unreachable}: everything else
 * (types, imports, globals, tables, memory, exports, elements, custom sections, the bodies of functions that
 * run on the interpreter) is kept byte for byte, and the data segments write the same bytes.
 *
 * <p>Data: when every segment is active, at an {@code i32.const} offset in memory 0, and the module has no data
 * count section (so its code cannot name a segment: {@code memory.init} and {@code data.drop} require that
 * section), the segments are merged into one that writes what they wrote, in their order. Go modules carry about
 * 100,000 small segments, and parsing them was most of the time a cached load of the Go sample spent parsing.
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
    private static final int DATA_COUNT_SECTION = 12;
    private static final long MAX_MERGED_SLACK = 1 << 20;
    /** A body with no locals whose only instruction is {@code unreachable}. */
    private static final byte[] STUB = {0x00, 0x00, 0x0b};

    private CodeStripper() {}

    /**
     * @param interpreted absolute function indices (imports included) whose bodies must be kept
     * @return the stripped module, or null when the input is not a module this understands (then nothing is cached)
     */
    public static byte[] strip(byte[] wasm, Set<Integer> interpreted) {
        try {
            return new CodeStripper.Run(wasm, interpreted).run();
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static final class Run {
        private final byte[] in;
        private final Set<Integer> interpreted;
        private int pos;
        private int importedFunctions;

        Run(byte[] in, Set<Integer> interpreted) {
            this.in = in;
            this.interpreted = interpreted;
        }

        byte[] run() {
            if (in.length < 8 || in[0] != 0 || in[1] != 'a' || in[2] != 's' || in[3] != 'm') {
                throw new IllegalArgumentException("not a wasm module");
            }
            boolean hasDataCount = hasSection(DATA_COUNT_SECTION);
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
                byte[] merged = id == DATA_SECTION && !hasDataCount ? mergeData(end) : null;
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

        private boolean hasSection(int wanted) {
            pos = 8;
            while (pos < in.length) {
                int id = in[pos++] & 0xff;
                int size = (int) u32();
                if (id == wanted) {
                    return true;
                }
                pos = Math.addExact(pos, size);
            }
            return false;
        }

        /**
         * The data section's segments merged into one (see the class comment), or null to keep the section as it is.
         * Leaves {@code pos} anywhere inside the section (the caller moves on to its end).
         */
        private byte[] mergeData(int end) {
            int count = (int) u32();
            if (count < 2) {
                return null;
            }
            long[] offsets = new long[count];
            int[] starts = new int[count];
            int[] lengths = new int[count];
            long low = Long.MAX_VALUE;
            long high = 0;
            long total = 0;
            for (int i = 0; i < count; i++) {
                int flags = (int) u32();
                if (flags == 2 && u32() != 0) {
                    return null; // another memory
                } else if (flags != 0 && flags != 2) {
                    return null; // passive
                }
                if ((in[pos++] & 0xff) != 0x41) {
                    return null; // not i32.const
                }
                offsets[i] = s32() & 0xffffffffL;
                if ((in[pos++] & 0xff) != 0x0b) {
                    return null; // a longer expression
                }
                lengths[i] = (int) u32();
                starts[i] = pos;
                pos = Math.addExact(pos, lengths[i]);
                low = Math.min(low, offsets[i]);
                high = Math.max(high, offsets[i] + lengths[i]);
                total += lengths[i];
            }
            if (pos != end) {
                throw new IllegalArgumentException("data section size");
            }
            if (high - low > 2 * total + MAX_MERGED_SLACK || high > Integer.MAX_VALUE) {
                return null;
            }
            byte[] image = new byte[(int) (high - low)];
            for (int i = 0; i < count; i++) {
                System.arraycopy(in, starts[i], image, (int) (offsets[i] - low), lengths[i]);
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream(image.length + 16);
            writeU32(out, 1);
            writeU32(out, 0);
            out.write(0x41);
            writeS32(out, (int) low);
            out.write(0x0b);
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

        /** A signed LEB128 of at most 32 bits. */
        private int s32() {
            int result = 0;
            int shift = 0;
            byte b;
            do {
                if (shift >= 35) {
                    throw new IllegalArgumentException("LEB128 too long");
                }
                b = in[pos++];
                result |= (b & 0x7f) << shift;
                shift += 7;
            } while ((b & 0x80) != 0);
            if (shift < 32 && (b & 0x40) != 0) {
                result |= -1 << shift;
            }
            return result;
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
