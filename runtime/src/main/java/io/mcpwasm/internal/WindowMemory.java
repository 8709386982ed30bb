package io.mcpwasm.internal;

import com.dylibso.chicory.runtime.ConstantEvaluators;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.runtime.WasmRuntimeException;
import com.dylibso.chicory.wasm.ChicoryException;
import com.dylibso.chicory.wasm.UninstantiableException;
import com.dylibso.chicory.wasm.types.ActiveDataSegment;
import com.dylibso.chicory.wasm.types.DataSegment;
import com.dylibso.chicory.wasm.types.MemoryLimits;
import com.dylibso.chicory.wasm.types.PassiveDataSegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * A guest's linear memory whose Java heap covers only the span of addresses the guest has written: one
 * {@code byte[]} "window" from the lowest to the highest written page. Everything outside the window reads as
 * zeros and costs nothing.
 *
 * <p>Why our own: Chicory's memories allocate every declared page up front. Many guests declare far more than they
 * touch (a Zig program reserves a 16 MiB stack in linear memory; Go and Rust reserve heap arenas), so an idle
 * instance held 16 MiB of Java heap. Why one window rather than a table of pages: an access inside the window is
 * one subtraction, one range test and the array access, with no page-table load on the way; linear-memory access is
 * a large share of a guest's time (see benchmarks/results). Real guests write one dense region (data, heap, and
 * their stack beside it), so the window stays close to what they use. The cost of the design is that a guest that
 * writes two far-apart addresses holds the span between them; that span is within the memory the guest grew to, and
 * so within the host's cap, which is what any flat memory would hold.
 *
 * <p>The window grows by at least half its length each time (amortised copying), towards the side that was
 * written. A store of zero outside the window, or a fill with zeros, changes nothing and allocates nothing.
 *
 * <p>It also remembers a refused growth, so the fault that usually follows (Go's "out of memory" exit, Rust's abort)
 * is reported as memory exhaustion. Not for shared memories (threads proposal): those use Chicory's own.
 *
 * <p>Threading: like the instance, used by the guest's one thread (host functions run on it too).
 */
final class WindowMemory implements Memory {
    private static final int SHIFT = 16;
    private static final int SIZE = 1 << SHIFT;
    private static final byte[] EMPTY = new byte[0];
    private static final VarHandle SHORT = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private final int initialPages;
    private final int maximumPages;
    private int pageCount;
    /** Holds addresses [base, base + buf.length), page-aligned; empty until the first write. */
    private byte[] buf = EMPTY;
    private int base;
    /** The window: addresses [base, base + limit) are in {@code buf} and within the memory's current size. */
    private int limit;
    private DataSegment[] dataSegments;
    private int refusedGrowPages;
    private int reallocations;
    private final DataImage image;

    WindowMemory(MemoryLimits limits) {
        this(limits, null);
    }

    /** @param image the module's active data segments merged (see {@link DataImage}), or null */
    WindowMemory(MemoryLimits limits, DataImage image) {
        this.image = image;
        if (limits.shared()) {
            throw new IllegalArgumentException("shared memories are not supported by WindowMemory");
        }
        this.initialPages = limits.initialPages();
        this.maximumPages = Math.min(limits.maximumPages(), RUNTIME_MAX_PAGES);
        this.pageCount = initialPages;
    }

    /** Pages of the last refused growth request, or 0 when none was refused. */
    int refusedGrowPages() {
        return refusedGrowPages;
    }

    /** How many times the window moved to a bigger array (for tests and diagnostics). */
    int reallocations() {
        return reallocations;
    }

    /** Bytes of Java heap held for the guest's memory (for tests and diagnostics). */
    long allocatedBytes() {
        return buf.length;
    }

    // ------------------------------------------------------------------------------------------ the window

    private long sizeInBytes() {
        return (long) pageCount << SHIFT;
    }

    private void checkRange(int addr, int size) {
        if (size < 0 || (addr & 0xffffffffL) + size > sizeInBytes()) {
            throw outOfBounds(addr, size);
        }
    }

    private WasmRuntimeException outOfBounds(int addr, int size) {
        return new WasmRuntimeException("out of bounds memory access: attempted to access address: " + addr
                + " but limit is: " + sizeInBytes() + " and size: " + size);
    }

    /** The byte at a checked address: from the window, or zero outside it. */
    private byte byteAt(int addr) {
        int rel = addr - base;
        return rel >= 0 && rel < limit ? buf[rel] : 0;
    }

    /**
     * Makes the window cover [addr, addr + size) of a range already checked to be in bounds, and returns its array.
     * A new array is bigger than needed by at least half the old length (up to the memory's maximum), on the side
     * being written, so that a guest growing its memory a page at a time does not copy its memory each time.
     */
    private byte[] cover(int addr, int size) {
        long from = addr & 0xffffffffL;
        long to = from + size;
        long low = base;
        long high = low + buf.length;
        if (buf.length > 0 && from >= low && to <= high) {
            return buf;
        }
        long wantLow = (from >>> SHIFT) << SHIFT;
        long wantHigh = ((to + SIZE - 1) >>> SHIFT) << SHIFT;
        if (buf.length == 0) {
            low = wantLow;
            high = wantHigh;
        } else {
            long slack = Math.max((long) (buf.length / 2) >>> SHIFT << SHIFT, SIZE);
            if (wantLow < low) {
                low = Math.max(0, Math.min(wantLow, low - slack));
            }
            if (wantHigh > high) {
                high = Math.min((long) maximumPages << SHIFT, Math.max(wantHigh, high + slack));
            }
        }
        byte[] grown = new byte[Math.toIntExact(high - low)];
        if (buf.length > 0) {
            System.arraycopy(buf, 0, grown, (int) (base - low), buf.length);
        }
        buf = grown;
        base = (int) low;
        reallocations++;
        updateLimit();
        return grown;
    }

    /** The window is the array's range cut at the memory's current size. */
    private void updateLimit() {
        limit = (int) Math.max(0, Math.min(buf.length, sizeInBytes() - base));
    }

    /** Reads {@code size} (1..8) bytes little-endian from anywhere in bounds, window or not. */
    private long readSlow(int addr, int size) {
        checkRange(addr, size);
        long v = 0;
        for (int i = size - 1; i >= 0; i--) {
            v = (v << 8) | (byteAt(addr + i) & 0xffL);
        }
        return v;
    }

    /** Writes the low {@code size} (1..8) bytes of {@code v} little-endian anywhere in bounds. */
    private void writeSlow(int addr, int size, long v) {
        checkRange(addr, size);
        if (v == 0 && !overlapsWindow(addr, size)) {
            return; // zeros where everything reads as zero already
        }
        byte[] w = cover(addr, size);
        int rel = addr - base;
        for (int i = 0; i < size; i++) {
            w[rel + i] = (byte) (v >>> (8 * i));
        }
    }

    private boolean overlapsWindow(int addr, int size) {
        long from = addr & 0xffffffffL;
        return from < (long) base + limit && from + size > base;
    }

    // ------------------------------------------------------------------------------------------ size

    @Override
    public int pages() {
        return pageCount;
    }

    @Override
    public int grow(int size) {
        int previous = pageCount;
        long wanted = (long) previous + size;
        if (size < 0 || wanted > maximumPages) {
            refusedGrowPages = size;
            return -1;
        }
        pageCount = (int) wanted;
        updateLimit();
        return previous;
    }

    @Override
    public int initialPages() {
        return initialPages;
    }

    @Override
    public int maximumPages() {
        return maximumPages;
    }

    @Override
    public boolean shared() {
        return false;
    }

    // ------------------------------------------------------------------------------------------ atomics

    @Override
    public Object lock(int address) {
        return this; // one thread owns a non-shared memory: the default atomics need no real lock
    }

    @Override
    public int waitOn(int address, int expected, long timeout) {
        throw new ChicoryException("Attempt to wait on a non-shared memory, not supported.");
    }

    @Override
    public int waitOn(int address, long expected, long timeout) {
        throw new ChicoryException("Attempt to wait on a non-shared memory, not supported.");
    }

    @Override
    public int notify(int address, int maxThreads) {
        return 0;
    }

    // ------------------------------------------------------------------------------------------ data segments

    @Override
    public void initialize(Instance instance, DataSegment[] segments) {
        initialize(instance, segments, 0);
    }

    @Override
    public void initialize(Instance instance, DataSegment[] segments, int memoryIndex) {
        this.dataSegments = segments;
        if (segments == null) {
            return;
        }
        if (image != null && memoryIndex == 0) {
            int offset = image.base();
            byte[] data = image.bytes();
            if ((long) offset + data.length > sizeInBytes()) {
                throw new UninstantiableException("out of bounds memory access: data segments up to "
                        + ((long) offset + data.length) + ", memory is " + sizeInBytes() + " bytes");
            }
            write(offset, data, 0, data.length);
            return;
        }
        for (DataSegment s : segments) {
            if (s instanceof ActiveDataSegment active) {
                if (active.index() != memoryIndex) {
                    continue;
                }
                int offset = (int) ConstantEvaluators.computeConstantValue(instance, active.offsetInstructions())[0];
                byte[] data = active.data();
                if (offset < 0 || (long) offset + data.length > sizeInBytes()) {
                    throw new UninstantiableException("out of bounds memory access: data segment at " + offset
                            + " of " + data.length + " bytes, memory is " + sizeInBytes() + " bytes");
                }
                write(offset, data, 0, data.length);
            } else if (!(s instanceof PassiveDataSegment)) {
                throw new ChicoryException("Data segment should be active or passive: " + s);
            }
        }
    }

    @Override
    public void initPassiveSegment(int segmentId, int dest, int offset, int size) {
        write(dest, dataSegments[segmentId].data(), offset, size);
    }

    @Override
    public void drop(int segment) {
        dataSegments[segment] = PassiveDataSegment.EMPTY;
    }

    // ------------------------------------------------------------------------------------------ bulk

    @Override
    public void write(int addr, byte[] data, int offset, int size) {
        if (offset < 0 || size < 0 || (long) offset + size > data.length) {
            throw outOfBounds(offset, size);
        }
        checkRange(addr, size);
        if (size == 0) {
            return;
        }
        System.arraycopy(data, offset, cover(addr, size), addr - base, size);
    }

    @Override
    public byte[] readBytes(int addr, int len) {
        checkRange(addr, len);
        byte[] out = new byte[len];
        copyOut(addr, out, len);
        return out;
    }

    /** Copies [addr, addr + len) (checked) into out[0, len): the part inside the window; the rest stays zero. */
    private void copyOut(int addr, byte[] out, int len) {
        long from = Math.max(addr & 0xffffffffL, base);
        long to = Math.min((addr & 0xffffffffL) + len, (long) base + limit);
        if (from < to) {
            System.arraycopy(buf, (int) (from - base), out, (int) (from - (addr & 0xffffffffL)), (int) (to - from));
        }
    }

    @Override
    public void zero() {
        buf = EMPTY;
        base = 0;
        limit = 0;
    }

    @Override
    public void fill(byte value, int fromIndex, int toIndex) {
        int size = toIndex - fromIndex;
        checkRange(fromIndex, size);
        if (size == 0) {
            return;
        }
        if (value != 0) {
            byte[] w = cover(fromIndex, size);
            Arrays.fill(w, fromIndex - base, fromIndex - base + size, value);
            return;
        }
        // Zeros: only the part inside the window can hold anything else.
        long from = Math.max(fromIndex & 0xffffffffL, base);
        long to = Math.min((fromIndex & 0xffffffffL) + size, (long) base + limit);
        if (from < to) {
            Arrays.fill(buf, (int) (from - base), (int) (to - base), (byte) 0);
        }
    }

    @Override
    public void copy(int dest, int src, int size) {
        checkRange(dest, size);
        checkRange(src, size);
        if (size == 0 || dest == src) {
            return;
        }
        if (!overlapsWindow(src, size)) {
            fill((byte) 0, dest, dest + size); // the source reads as zeros
            return;
        }
        byte[] w = cover(dest, size);
        long srcFrom = src & 0xffffffffL;
        if (srcFrom >= base && srcFrom + size <= (long) base + limit) {
            System.arraycopy(w, src - base, w, dest - base, size); // overlapping ranges are right
            return;
        }
        byte[] tmp = new byte[size];
        copyOut(src, tmp, size);
        System.arraycopy(tmp, 0, w, dest - base, size);
    }

    // ------------------------------------------------------------------------------------------ scalars

    @Override
    public byte read(int addr) {
        byte[] w = buf;
        int rel = addr - base;
        if (rel >= 0 && rel < limit) {
            return w[rel];
        }
        return (byte) readSlow(addr, 1);
    }

    @Override
    public void writeByte(int addr, byte data) {
        byte[] w = buf;
        int rel = addr - base;
        if (rel >= 0 && rel < limit) {
            w[rel] = data;
            return;
        }
        writeSlow(addr, 1, data);
    }

    @Override
    public short readShort(int addr) {
        byte[] w = buf;
        int rel = addr - base;
        if (rel >= 0 && rel <= limit - 2) {
            return (short) SHORT.get(w, rel);
        }
        return (short) readSlow(addr, 2);
    }

    @Override
    public long readU16(int addr) {
        return readShort(addr) & 0xffffL;
    }

    @Override
    public void writeShort(int addr, short data) {
        byte[] w = buf;
        int rel = addr - base;
        if (rel >= 0 && rel <= limit - 2) {
            SHORT.set(w, rel, data);
            return;
        }
        writeSlow(addr, 2, data);
    }

    @Override
    public int readInt(int addr) {
        byte[] w = buf;
        int rel = addr - base;
        if (rel >= 0 && rel <= limit - 4) {
            return (int) INT.get(w, rel);
        }
        return (int) readSlow(addr, 4);
    }

    @Override
    public void writeI32(int addr, int data) {
        byte[] w = buf;
        int rel = addr - base;
        if (rel >= 0 && rel <= limit - 4) {
            INT.set(w, rel, data);
            return;
        }
        writeSlow(addr, 4, data & 0xffffffffL);
    }

    @Override
    public long readLong(int addr) {
        byte[] w = buf;
        int rel = addr - base;
        if (rel >= 0 && rel <= limit - 8) {
            return (long) LONG.get(w, rel);
        }
        return readSlow(addr, 8);
    }

    @Override
    public void writeLong(int addr, long data) {
        byte[] w = buf;
        int rel = addr - base;
        if (rel >= 0 && rel <= limit - 8) {
            LONG.set(w, rel, data);
            return;
        }
        writeSlow(addr, 8, data);
    }

    @Override
    public void writeF32(int addr, float data) {
        writeI32(addr, Float.floatToRawIntBits(data));
    }

    @Override
    public long readF32(int addr) {
        return readInt(addr);
    }

    @Override
    public float readFloat(int addr) {
        return Float.intBitsToFloat(readInt(addr));
    }

    @Override
    public void writeF64(int addr, double data) {
        writeLong(addr, Double.doubleToRawLongBits(data));
    }

    @Override
    public double readDouble(int addr) {
        return Double.longBitsToDouble(readLong(addr));
    }

    @Override
    public long readF64(int addr) {
        return readLong(addr);
    }
}
