package io.mcpwasm.internal;

import com.dylibso.chicory.runtime.ByteBufferMemory;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.wasm.types.DataSegment;
import com.dylibso.chicory.wasm.types.MemoryLimits;
import java.nio.charset.Charset;

/**
 * A guest's linear memory under the host's cap. Delegates everything to Chicory's {@link ByteBufferMemory}
 * and remembers whether the guest ever asked to grow past the cap, so that the fault that usually follows
 * (Go's "out of memory" exit, Rust's abort trap) is reported as what it is: memory exhaustion.
 */
final class CappedMemory implements Memory {
    private final Memory inner;
    private volatile int refusedGrowPages;

    CappedMemory(MemoryLimits limits) {
        this.inner = new ByteBufferMemory(limits);
    }

    /** Pages of the last refused growth request, or 0 when none was refused. */
    int refusedGrowPages() {
        return refusedGrowPages;
    }

    @Override
    public int grow(int size) {
        int previous = inner.grow(size);
        if (previous < 0) {
            refusedGrowPages = size;
        }
        return previous;
    }

    @Override
    public int pages() {
        return inner.pages();
    }

    @Override
    public int initialPages() {
        return inner.initialPages();
    }

    @Override
    public int maximumPages() {
        return inner.maximumPages();
    }

    @Override
    public boolean shared() {
        return inner.shared();
    }

    @Override
    public Object lock(int a0) {
        return inner.lock(a0);
    }

    @Override
    public int waitOn(int a0, int a1, long a2) {
        return inner.waitOn(a0, a1, a2);
    }

    @Override
    public int waitOn(int a0, long a1, long a2) {
        return inner.waitOn(a0, a1, a2);
    }

    @Override
    public int notify(int a0, int a1) {
        return inner.notify(a0, a1);
    }

    @Override
    public void atomicFence() {
        inner.atomicFence();
    }

    @Override
    public int atomicWait(int a0, int a1, long a2) {
        return inner.atomicWait(a0, a1, a2);
    }

    @Override
    public int atomicWait(int a0, long a1, long a2) {
        return inner.atomicWait(a0, a1, a2);
    }

    @Override
    public int atomicNotify(int a0, int a1) {
        return inner.atomicNotify(a0, a1);
    }

    @Override
    public int atomicReadInt(int a0) {
        return inner.atomicReadInt(a0);
    }

    @Override
    public long atomicReadLong(int a0) {
        return inner.atomicReadLong(a0);
    }

    @Override
    public short atomicReadShort(int a0) {
        return inner.atomicReadShort(a0);
    }

    @Override
    public byte atomicReadByte(int a0) {
        return inner.atomicReadByte(a0);
    }

    @Override
    public void atomicWriteInt(int a0, int a1) {
        inner.atomicWriteInt(a0, a1);
    }

    @Override
    public void atomicWriteLong(int a0, long a1) {
        inner.atomicWriteLong(a0, a1);
    }

    @Override
    public void atomicWriteShort(int a0, short a1) {
        inner.atomicWriteShort(a0, a1);
    }

    @Override
    public void atomicWriteByte(int a0, byte a1) {
        inner.atomicWriteByte(a0, a1);
    }

    @Override
    public int atomicAddInt(int a0, int a1) {
        return inner.atomicAddInt(a0, a1);
    }

    @Override
    public int atomicAndInt(int a0, int a1) {
        return inner.atomicAndInt(a0, a1);
    }

    @Override
    public int atomicOrInt(int a0, int a1) {
        return inner.atomicOrInt(a0, a1);
    }

    @Override
    public int atomicXorInt(int a0, int a1) {
        return inner.atomicXorInt(a0, a1);
    }

    @Override
    public int atomicXchgInt(int a0, int a1) {
        return inner.atomicXchgInt(a0, a1);
    }

    @Override
    public int atomicCmpxchgInt(int a0, int a1, int a2) {
        return inner.atomicCmpxchgInt(a0, a1, a2);
    }

    @Override
    public long atomicAddLong(int a0, long a1) {
        return inner.atomicAddLong(a0, a1);
    }

    @Override
    public long atomicAndLong(int a0, long a1) {
        return inner.atomicAndLong(a0, a1);
    }

    @Override
    public long atomicOrLong(int a0, long a1) {
        return inner.atomicOrLong(a0, a1);
    }

    @Override
    public long atomicXorLong(int a0, long a1) {
        return inner.atomicXorLong(a0, a1);
    }

    @Override
    public long atomicXchgLong(int a0, long a1) {
        return inner.atomicXchgLong(a0, a1);
    }

    @Override
    public long atomicCmpxchgLong(int a0, long a1, long a2) {
        return inner.atomicCmpxchgLong(a0, a1, a2);
    }

    @Override
    public short atomicAddShort(int a0, short a1) {
        return inner.atomicAddShort(a0, a1);
    }

    @Override
    public short atomicAndShort(int a0, short a1) {
        return inner.atomicAndShort(a0, a1);
    }

    @Override
    public short atomicOrShort(int a0, short a1) {
        return inner.atomicOrShort(a0, a1);
    }

    @Override
    public short atomicXorShort(int a0, short a1) {
        return inner.atomicXorShort(a0, a1);
    }

    @Override
    public short atomicXchgShort(int a0, short a1) {
        return inner.atomicXchgShort(a0, a1);
    }

    @Override
    public short atomicCmpxchgShort(int a0, short a1, short a2) {
        return inner.atomicCmpxchgShort(a0, a1, a2);
    }

    @Override
    public byte atomicAddByte(int a0, byte a1) {
        return inner.atomicAddByte(a0, a1);
    }

    @Override
    public byte atomicAndByte(int a0, byte a1) {
        return inner.atomicAndByte(a0, a1);
    }

    @Override
    public byte atomicOrByte(int a0, byte a1) {
        return inner.atomicOrByte(a0, a1);
    }

    @Override
    public byte atomicXorByte(int a0, byte a1) {
        return inner.atomicXorByte(a0, a1);
    }

    @Override
    public byte atomicXchgByte(int a0, byte a1) {
        return inner.atomicXchgByte(a0, a1);
    }

    @Override
    public byte atomicCmpxchgByte(int a0, byte a1, byte a2) {
        return inner.atomicCmpxchgByte(a0, a1, a2);
    }

    @Override
    public void initialize(Instance a0, DataSegment[] a1) {
        inner.initialize(a0, a1);
    }

    @Override
    public void initialize(Instance a0, DataSegment[] a1, int a2) {
        inner.initialize(a0, a1, a2);
    }

    @Override
    public void initPassiveSegment(int a0, int a1, int a2, int a3) {
        inner.initPassiveSegment(a0, a1, a2, a3);
    }

    @Override
    public void writeString(int a0, String a1, Charset a2) {
        inner.writeString(a0, a1, a2);
    }

    @Override
    public void writeString(int a0, String a1) {
        inner.writeString(a0, a1);
    }

    @Override
    public String readString(int a0, int a1) {
        return inner.readString(a0, a1);
    }

    @Override
    public String readString(int a0, int a1, Charset a2) {
        return inner.readString(a0, a1, a2);
    }

    @Override
    public void writeCString(int a0, String a1) {
        inner.writeCString(a0, a1);
    }

    @Override
    public void writeCString(int a0, String a1, Charset a2) {
        inner.writeCString(a0, a1, a2);
    }

    @Override
    public String readCString(int a0, Charset a1) {
        return inner.readCString(a0, a1);
    }

    @Override
    public String readCString(int a0) {
        return inner.readCString(a0);
    }

    @Override
    public void write(int a0, byte[] a1) {
        inner.write(a0, a1);
    }

    @Override
    public void write(int a0, byte[] a1, int a2, int a3) {
        inner.write(a0, a1, a2, a3);
    }

    @Override
    public byte read(int a0) {
        return inner.read(a0);
    }

    @Override
    public byte[] readBytes(int a0, int a1) {
        return inner.readBytes(a0, a1);
    }

    @Override
    public void writeI32(int a0, int a1) {
        inner.writeI32(a0, a1);
    }

    @Override
    public int readInt(int a0) {
        return inner.readInt(a0);
    }

    @Override
    public long readI32(int a0) {
        return inner.readI32(a0);
    }

    @Override
    public long readU32(int a0) {
        return inner.readU32(a0);
    }

    @Override
    public void writeLong(int a0, long a1) {
        inner.writeLong(a0, a1);
    }

    @Override
    public long readLong(int a0) {
        return inner.readLong(a0);
    }

    @Override
    public long readI64(int a0) {
        return inner.readI64(a0);
    }

    @Override
    public void writeShort(int a0, short a1) {
        inner.writeShort(a0, a1);
    }

    @Override
    public short readShort(int a0) {
        return inner.readShort(a0);
    }

    @Override
    public long readI16(int a0) {
        return inner.readI16(a0);
    }

    @Override
    public long readU16(int a0) {
        return inner.readU16(a0);
    }

    @Override
    public void writeByte(int a0, byte a1) {
        inner.writeByte(a0, a1);
    }

    @Override
    public long readU8(int a0) {
        return inner.readU8(a0);
    }

    @Override
    public long readI8(int a0) {
        return inner.readI8(a0);
    }

    @Override
    public void writeF32(int a0, float a1) {
        inner.writeF32(a0, a1);
    }

    @Override
    public long readF32(int a0) {
        return inner.readF32(a0);
    }

    @Override
    public float readFloat(int a0) {
        return inner.readFloat(a0);
    }

    @Override
    public void writeF64(int a0, double a1) {
        inner.writeF64(a0, a1);
    }

    @Override
    public double readDouble(int a0) {
        return inner.readDouble(a0);
    }

    @Override
    public long readF64(int a0) {
        return inner.readF64(a0);
    }

    @Override
    public void zero() {
        inner.zero();
    }

    @Override
    public void fill(byte a0, int a1, int a2) {
        inner.fill(a0, a1, a2);
    }

    @Override
    public void copy(int a0, int a1, int a2) {
        inner.copy(a0, a1, a2);
    }

    @Override
    public void drop(int a0) {
        inner.drop(a0);
    }
}
