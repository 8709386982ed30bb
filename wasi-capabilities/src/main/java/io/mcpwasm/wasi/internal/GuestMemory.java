package io.mcpwasm.wasi.internal;

import run.endive.runtime.Memory;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;

/**
 * Bounds-checked access to a guest's linear memory. Every pointer is an unsigned 32-bit guest address;
 * a range that does not lie inside the memory fails with {@code EFAULT} before anything is read or written.
 * The WASI functions and the HTTP functions (which report {@code EFAULT} as {@code BAD_ARGUMENT}) share it.
 */
public final class GuestMemory {
    /** Most iovecs one read or write may carry (POSIX IOV_MAX); more is {@code EINVAL}. */
    static final int IOV_MAX = 1024;
    /** Longest path a guest may pass, in bytes. */
    static final int PATH_MAX = 4096;

    private final Memory memory;
    private final long size;

    /** {@code memory} may be null (a module without memory): then every access is {@code EFAULT}. */
    public GuestMemory(Memory memory) {
        this.memory = memory;
        this.size = memory == null ? 0 : (long) memory.pages() * Memory.PAGE_SIZE;
    }

    /** Checks that {@code [ptr, ptr + len)} lies inside memory; len is a byte count (non-negative). */
    public void check(int ptr, long len) throws ErrnoException {
        long start = Integer.toUnsignedLong(ptr);
        if (memory == null) {
            throw new ErrnoException(Errno.EFAULT, "guest has no memory");
        }
        if (len < 0 || start + len > size) {
            throw new ErrnoException(Errno.EFAULT, "guest range " + start + "+" + len + " outside memory of " + size);
        }
    }

    int readI32(int ptr) throws ErrnoException {
        check(ptr, 4);
        return memory.readInt(ptr);
    }

    long readI64(int ptr) throws ErrnoException {
        check(ptr, 8);
        return memory.readLong(ptr);
    }

    int readU8(int ptr) throws ErrnoException {
        check(ptr, 1);
        return memory.read(ptr) & 0xff;
    }

    int readU16(int ptr) throws ErrnoException {
        check(ptr, 2);
        return memory.readShort(ptr) & 0xffff;
    }

    public void writeI32(int ptr, int value) throws ErrnoException {
        check(ptr, 4);
        memory.writeI32(ptr, value);
    }

    void writeI64(int ptr, long value) throws ErrnoException {
        check(ptr, 8);
        memory.writeLong(ptr, value);
    }

    public byte[] read(int ptr, int len) throws ErrnoException {
        check(ptr, Integer.toUnsignedLong(len));
        return memory.readBytes(ptr, len);
    }

    public void write(int ptr, byte[] bytes) throws ErrnoException {
        write(ptr, bytes, 0, bytes.length);
    }

    public void write(int ptr, byte[] bytes, int off, int len) throws ErrnoException {
        check(ptr, len);
        memory.write(ptr, bytes, off, len);
    }

    /** Reads a guest path: at most {@link #PATH_MAX} bytes of strict UTF-8 without NUL. */
    String readPath(int ptr, int len) throws ErrnoException {
        long n = Integer.toUnsignedLong(len);
        check(ptr, n);
        if (n > PATH_MAX) {
            throw new ErrnoException(Errno.ENAMETOOLONG, "path of " + n + " bytes");
        }
        byte[] bytes = memory.readBytes(ptr, len);
        for (byte b : bytes) {
            if (b == 0) {
                throw new ErrnoException(Errno.EINVAL, "path contains NUL");
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new ErrnoException(Errno.EILSEQ, "path is not UTF-8");
        }
    }

    /**
     * Reads an iovec/ciovec array and checks every buffer it points to.
     *
     * @return pairs {address, length} (length as unsigned int stored in a long)
     */
    long[][] iovecs(int iovsPtr, int iovsLen) throws ErrnoException {
        long count = Integer.toUnsignedLong(iovsLen);
        if (count > IOV_MAX) {
            throw new ErrnoException(Errno.EINVAL, "more than " + IOV_MAX + " iovecs");
        }
        check(iovsPtr, count * WasiConstants.IOVEC_SIZE);
        long[][] result = new long[(int) count][];
        for (int i = 0; i < count; i++) {
            int at = iovsPtr + i * WasiConstants.IOVEC_SIZE;
            int buf = memory.readInt(at);
            long len = Integer.toUnsignedLong(memory.readInt(at + 4));
            check(buf, len);
            result[i] = new long[] {Integer.toUnsignedLong(buf), len};
        }
        return result;
    }
}
