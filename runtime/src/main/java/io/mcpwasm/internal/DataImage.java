package io.mcpwasm.internal;

import run.endive.wasm.WasmModule;
import run.endive.wasm.types.ActiveDataSegment;
import run.endive.wasm.types.DataSegment;
import run.endive.wasm.types.Instruction;
import run.endive.wasm.types.OpCode;
import java.util.List;

/**
 * What a module's active data segments write into its memory 0 at instantiation, as one block of bytes computed once
 * per module, so that each new instance copies one array instead of evaluating and writing every segment (and the
 * compile cache's stripped copy can carry one segment instead of many, see {@link CodeStripper}).
 *
 * <p>Why: Go programs carry tens of thousands of data segments (the Go sample: about 100,000, 5 MB); evaluating each
 * segment's offset expression and writing it was a tenth of every Go instance's start. Only for segments whose
 * offsets are plain {@code i32.const} (what compilers emit; an offset read from an imported global can differ per
 * instance) and whose span is not much larger than their bytes (a sparse layout would make a large block of zeros).
 */
public final class DataImage {
    private static final long SLACK = 1 << 20;

    private final int base;
    private final byte[] bytes;

    private DataImage(int base, byte[] bytes) {
        this.base = base;
        this.bytes = bytes;
    }

    /** The image of the module's active segments for memory 0, or null when they cannot be or need not be merged. */
    public static DataImage of(WasmModule module) {
        if (module.dataSection() == null) {
            return null;
        }
        DataSegment[] segments = module.dataSection().dataSegments();
        long low = Long.MAX_VALUE;
        long high = 0;
        long total = 0;
        int active = 0;
        for (DataSegment s : segments) {
            if (!(s instanceof ActiveDataSegment a)) {
                continue;
            }
            Long offset = a.index() == 0 ? constantOffset(a.offsetInstructions()) : null;
            if (offset == null) {
                return null;
            }
            active++;
            low = Math.min(low, offset);
            high = Math.max(high, offset + a.data().length);
            total += a.data().length;
        }
        if (active < 2 || high - low > 2 * total + SLACK || high > Integer.MAX_VALUE) {
            return null;
        }
        byte[] image = new byte[(int) (high - low)];
        for (DataSegment s : segments) { // in order: a later segment overwrites an earlier one, as instantiation does
            if (s instanceof ActiveDataSegment a) {
                byte[] data = a.data();
                System.arraycopy(data, 0, image, (int) (constantOffset(a.offsetInstructions()) - low), data.length);
            }
        }
        return new DataImage((int) low, image);
    }

    /** The unsigned offset of {@code i32.const n} (with or without its {@code end}), else null. */
    private static Long constantOffset(List<Instruction> expr) {
        if (expr.isEmpty() || expr.get(0).opcode() != OpCode.I32_CONST
                || (expr.size() == 2 && expr.get(1).opcode() != OpCode.END) || expr.size() > 2) {
            return null;
        }
        return expr.get(0).operand(0) & 0xffffffffL;
    }

    /** Address of the first byte. */
    int base() {
        return base;
    }

    /** The bytes from {@link #base()} on; never modified. */
    byte[] bytes() {
        return bytes;
    }
}
