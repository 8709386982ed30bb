package io.mcpwasm.internal;

import static org.junit.jupiter.api.Assertions.*;

import run.endive.runtime.ByteBufferMemory;
import run.endive.runtime.Memory;
import run.endive.runtime.WasmRuntimeException;
import run.endive.wasm.types.MemoryLimits;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** PagedMemory behaves exactly like Chicory's ByteBufferMemory (the oracle), and allocates only written pages. */
class PagedMemoryTest {

    @Test
    void randomOperationsAgreeWithChicorysMemory() {
        for (long seed = 0; seed < 20; seed++) {
            Random r = new Random(seed);
            MemoryLimits limits = new MemoryLimits(3, 6);
            PagedMemory paged = new PagedMemory(limits);
            Memory oracle = new ByteBufferMemory(limits);
            for (int step = 0; step < 5_000; step++) {
                int addr = address(r, paged.pages());
                int op = r.nextInt(16);
                String what = "seed " + seed + " step " + step + " op " + op + " addr " + addr;
                switch (op) {
                    case 0 -> { byte v = (byte) r.nextInt(); same(what, m -> { m.writeByte(addr, v); return null; }, paged, oracle, r); }
                    case 1 -> { short v = (short) r.nextInt(); same(what, m -> { m.writeShort(addr, v); return null; }, paged, oracle, r); }
                    case 2 -> { int v = r.nextInt(); same(what, m -> { m.writeI32(addr, v); return null; }, paged, oracle, r); }
                    case 3 -> { long v = r.nextLong(); same(what, m -> { m.writeLong(addr, v); return null; }, paged, oracle, r); }
                    case 4 -> same(what, m -> m.read(addr), paged, oracle, r);
                    case 5 -> same(what, m -> m.readShort(addr), paged, oracle, r);
                    case 6 -> same(what, m -> m.readInt(addr), paged, oracle, r);
                    case 7 -> same(what, m -> m.readLong(addr), paged, oracle, r);
                    case 8 -> same(what, m -> m.readU16(addr), paged, oracle, r);
                    case 9 -> same(what, m -> m.readF32(addr), paged, oracle, r);
                    case 10 -> { float v = r.nextFloat(); same(what, m -> { m.writeF32(addr, v); return null; }, paged, oracle, r); }
                    case 11 -> { int src = address(r, paged.pages()); int n = r.nextInt(70_000);
                        same(what, m -> { m.copy(addr, src, n); return null; }, paged, oracle, r); }
                    case 12 -> { int n = r.nextInt(70_000); byte v = (byte) (r.nextBoolean() ? 0 : r.nextInt());
                        same(what, m -> { m.fill(v, addr, addr + n); return null; }, paged, oracle, r); }
                    case 13 -> { int n = r.nextInt(3); same(what, m -> m.grow(n), paged, oracle, r); }
                    case 14 -> { byte[] b = new byte[r.nextInt(70_000)]; r.nextBytes(b);
                        same(what, m -> { m.write(addr, b, 0, b.length); return null; }, paged, oracle, r); }
                    default -> { int n = r.nextInt(70_000); same(what, m -> java.util.Arrays.hashCode(m.readBytes(addr, n)), paged, oracle, r); }
                }
            }
            assertEquals(oracle.pages(), paged.pages());
            assertArrayEquals(oracle.readBytes(0, oracle.pages() * Memory.PAGE_SIZE),
                    paged.readBytes(0, paged.pages() * Memory.PAGE_SIZE), "seed " + seed);
        }
    }

    private static int address(Random r, int pages) {
        int size = pages * Memory.PAGE_SIZE;
        return switch (r.nextInt(5)) {
            case 0 -> (r.nextInt(pages + 1) * Memory.PAGE_SIZE) - r.nextInt(9);  // around page boundaries
            case 1 -> size - r.nextInt(12);                                     // around the end
            case 2 -> -r.nextInt(5) - 1;                                        // negative (huge unsigned)
            default -> r.nextInt(size);
        };
    }

    private static void same(String what, Function<Memory, Object> op, Memory paged, Memory oracle, Random r) {
        Object expected;
        Class<?> expectedError = null;
        try {
            expected = op.apply(oracle);
        } catch (RuntimeException e) {
            expected = null;
            expectedError = e.getClass();
        }
        Object actual;
        Class<?> actualError = null;
        try {
            actual = op.apply(paged);
        } catch (RuntimeException e) {
            actual = null;
            actualError = e.getClass();
        }
        assertEquals(expectedError != null, actualError != null, what + ": oracle threw " + expectedError
                + ", paged threw " + actualError);
        if (actualError != null) {
            assertEquals(WasmRuntimeException.class, actualError, what);
        }
        assertEquals(expected, actual, what);
    }

    @Test
    void onlyWrittenPagesTakeHeap() {
        PagedMemory m = new PagedMemory(new MemoryLimits(256, 512)); // 16 MiB declared
        assertEquals(0, m.allocatedBytes());
        assertEquals(0, m.readLong(10 * Memory.PAGE_SIZE + 8), "untouched pages read as zeros");
        m.fill((byte) 0, 0, 200 * Memory.PAGE_SIZE);
        assertEquals(0, m.allocatedBytes(), "zero-filling untouched pages allocates nothing");
        m.writeI32(5 * Memory.PAGE_SIZE - 2, 0x01020304); // straddles pages 4 and 5
        assertEquals(2L * Memory.PAGE_SIZE, m.allocatedBytes());
        assertEquals(0x01020304, m.readInt(5 * Memory.PAGE_SIZE - 2));
    }

    @Test
    void aRefusedGrowthIsRemembered() {
        PagedMemory m = new PagedMemory(new MemoryLimits(1, 4));
        assertEquals(1, m.grow(2));
        assertEquals(0, m.refusedGrowPages());
        assertEquals(-1, m.grow(5));
        assertEquals(5, m.refusedGrowPages());
        assertEquals(3, m.pages());
    }
}
