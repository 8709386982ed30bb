package io.mcpwasm.internal;

import run.endive.runtime.ConstantEvaluators;
import run.endive.runtime.Instance;
import run.endive.runtime.Memory;
import run.endive.wasm.WasmEngineException;
import run.endive.wasm.UninstantiableException;
import run.endive.runtime.WasmRuntimeException;
import run.endive.wasm.types.ActiveDataSegment;
import run.endive.wasm.types.DataSegment;
import run.endive.wasm.types.MemoryLimits;
import run.endive.wasm.types.PassiveDataSegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * A guest's linear memory, allocated a 64 KiB page at a time on first write, under the host's cap.
 *
 * <p>Why our own: Chicory's memories allocate every declared page up front. Many guests declare far more than they
 * touch (a Zig program reserves a 16 MiB stack in linear memory; Go and Rust reserve heap arenas), so an idle
 * instance held 16 MiB of Java heap. Here a page that was never written is shared zeros; reading it costs nothing,
 * writing it allocates it. Accesses within a page go through little-endian {@link VarHandle}s on {@code byte[]}.
 *
 * <p>Measured against a design with one array over the written span (one range test, no page-table load): that
 * one was 5-10% faster on guest compute and calls, but held twice the heap per idle instance (a small guest's span
 * becomes one G1 humongous object that takes a whole region), so pages stayed (benchmarks/results/2026-11-27).
 *
 * <p>It also remembers a refused growth, so the fault that usually follows (Go's "out of memory" exit, Rust's abort)
 * is reported as memory exhaustion. Not for shared memories (threads proposal): those use Chicory's own.
 *
 * <p>Threading: like the instance, used by the guest's one thread (host functions run on it too).
 */
final class PagedMemory implements Memory {
    private static final int SHIFT = 16;
    private static final int SIZE = 1 << SHIFT;
    private static final int MASK = SIZE - 1;
    private static final byte[] ZEROS = new byte[SIZE];
    private static final VarHandle SHORT = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private final int initialPages;
    private final int maximumPages;
    private byte[][] pages;
    private int pageCount;
    private DataSegment[] dataSegments;
    private int refusedGrowPages;
    private final DataImage image;

    PagedMemory(MemoryLimits limits) {
        this(limits, null);
    }

    /** @param image the module's active data segments merged (see {@link DataImage}), or null */
    PagedMemory(MemoryLimits limits, DataImage image) {
        this.image = image;
        if (limits.shared()) {
            throw new IllegalArgumentException("shared memories are not supported by PagedMemory");
        }
        this.initialPages = limits.initialPages();
        this.maximumPages = Math.min(limits.maximumPages(), RUNTIME_MAX_PAGES);
        this.pageCount = initialPages;
        this.pages = new byte[Math.max(initialPages, 16)][];
    }

    /** Pages of the last refused growth request, or 0 when none was refused. */
    int refusedGrowPages() {
        return refusedGrowPages;
    }

    /** Bytes of Java heap held by written pages (for tests and diagnostics). */
    long allocatedBytes() {
        long n = 0;
        for (int i = 0; i < pageCount; i++) {
            if (pages[i] != null) {
                n += SIZE;
            }
        }
        return n;
    }

    // ------------------------------------------------------------------------------------------ pages

    private byte[] readPage(int addr, int size) {
        int index = addr >>> SHIFT;
        if (index >= pageCount) {
            throw outOfBounds(addr, size);
        }
        byte[] page = pages[index];
        return page != null ? page : ZEROS;
    }

    private byte[] writePage(int addr, int size) {
        int index = addr >>> SHIFT;
        if (index >= pageCount) {
            throw outOfBounds(addr, size);
        }
        byte[] page = pages[index];
        if (page == null) {
            page = new byte[SIZE];
            pages[index] = page;
        }
        return page;
    }

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
        if (wanted > pages.length) {
            pages = Arrays.copyOf(pages, (int) Math.min(maximumPages, Math.max(wanted, pages.length * 2L)));
        }
        pageCount = (int) wanted;
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
    // Endive's Memory declares these abstract and deprecated for removal at once: they must be implemented until the
    // engine drops them, so the removal warning is suppressed on each (and nowhere else).

    @Override
    @SuppressWarnings("removal")
    public Object lock(int address) {
        return this; // one thread owns a non-shared memory: the default atomics need no real lock
    }

    @Override
    @SuppressWarnings("removal")
    public int waitOn(int address, int expected, long timeout) {
        throw new WasmEngineException("Attempt to wait on a non-shared memory, not supported.");
    }

    @Override
    @SuppressWarnings("removal")
    public int waitOn(int address, long expected, long timeout) {
        throw new WasmEngineException("Attempt to wait on a non-shared memory, not supported.");
    }

    @Override
    @SuppressWarnings("removal")
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
                throw new WasmEngineException("Data segment should be active or passive: " + s);
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
        while (size > 0) {
            int inPage = addr & MASK;
            int chunk = Math.min(size, SIZE - inPage);
            System.arraycopy(data, offset, writePage(addr, chunk), inPage, chunk);
            addr += chunk;
            offset += chunk;
            size -= chunk;
        }
    }

    @Override
    public byte[] readBytes(int addr, int len) {
        checkRange(addr, len);
        byte[] out = new byte[len];
        int done = 0;
        while (done < len) {
            int inPage = addr & MASK;
            int chunk = Math.min(len - done, SIZE - inPage);
            System.arraycopy(readPage(addr, chunk), inPage, out, done, chunk);
            addr += chunk;
            done += chunk;
        }
        return out;
    }

    @Override
    public void zero() {
        Arrays.fill(pages, null);
    }

    @Override
    public void fill(byte value, int fromIndex, int toIndex) {
        int size = toIndex - fromIndex;
        checkRange(fromIndex, size);
        int addr = fromIndex;
        while (size > 0) {
            int inPage = addr & MASK;
            int chunk = Math.min(size, SIZE - inPage);
            int index = addr >>> SHIFT;
            if (value != 0 || pages[index] != null) { // zeros into an untouched page: nothing to do
                Arrays.fill(writePage(addr, chunk), inPage, inPage + chunk, value);
            }
            addr += chunk;
            size -= chunk;
        }
    }

    @Override
    public void copy(int dest, int src, int size) {
        checkRange(dest, size);
        checkRange(src, size);
        if (size == 0 || dest == src) {
            return;
        }
        if (size <= SIZE && (dest & MASK) + size <= SIZE && (src & MASK) + size <= SIZE) {
            System.arraycopy(readPage(src, size), src & MASK, writePage(dest, size), dest & MASK, size);
            return;
        }
        // Across pages: through a buffer, which also makes overlapping ranges right.
        write(dest, readBytes(src, size), 0, size);
    }

    // ------------------------------------------------------------------------------------------ scalars

    @Override
    public byte read(int addr) {
        return readPage(addr, 1)[addr & MASK];
    }

    @Override
    public void writeByte(int addr, byte data) {
        writePage(addr, 1)[addr & MASK] = data;
    }

    @Override
    public short readShort(int addr) {
        int off = addr & MASK;
        if (off <= SIZE - 2) {
            return (short) SHORT.get(readPage(addr, 2), off);
        }
        checkRange(addr, 2);
        return (short) ((read(addr) & 0xff) | (read(addr + 1) << 8));
    }

    @Override
    public long readU16(int addr) {
        return readShort(addr) & 0xffffL;
    }

    @Override
    public void writeShort(int addr, short data) {
        int off = addr & MASK;
        if (off <= SIZE - 2) {
            SHORT.set(writePage(addr, 2), off, data);
            return;
        }
        checkRange(addr, 2);
        writeByte(addr, (byte) data);
        writeByte(addr + 1, (byte) (data >> 8));
    }

    @Override
    public int readInt(int addr) {
        int off = addr & MASK;
        if (off <= SIZE - 4) {
            return (int) INT.get(readPage(addr, 4), off);
        }
        checkRange(addr, 4);
        return (read(addr) & 0xff) | (read(addr + 1) & 0xff) << 8 | (read(addr + 2) & 0xff) << 16
                | (read(addr + 3) & 0xff) << 24;
    }

    @Override
    public void writeI32(int addr, int data) {
        int off = addr & MASK;
        if (off <= SIZE - 4) {
            INT.set(writePage(addr, 4), off, data);
            return;
        }
        checkRange(addr, 4);
        for (int i = 0; i < 4; i++) {
            writeByte(addr + i, (byte) (data >>> (8 * i)));
        }
    }

    @Override
    public long readLong(int addr) {
        int off = addr & MASK;
        if (off <= SIZE - 8) {
            return (long) LONG.get(readPage(addr, 8), off);
        }
        checkRange(addr, 8);
        return (readInt(addr) & 0xffffffffL) | ((long) readInt(addr + 4) << 32);
    }

    @Override
    public void writeLong(int addr, long data) {
        int off = addr & MASK;
        if (off <= SIZE - 8) {
            LONG.set(writePage(addr, 8), off, data);
            return;
        }
        checkRange(addr, 8);
        writeI32(addr, (int) data);
        writeI32(addr + 4, (int) (data >>> 32));
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
