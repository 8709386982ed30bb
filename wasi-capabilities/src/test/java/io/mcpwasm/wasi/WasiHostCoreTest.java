package io.mcpwasm.wasi;

import io.mcpwasm.wasi.internal.GuestExitException;
import static io.mcpwasm.wasi.WasiGuests.call;
import static io.mcpwasm.wasi.WasiGuests.getString;
import static io.mcpwasm.wasi.WasiGuests.iovec;
import static io.mcpwasm.wasi.WasiGuests.putString;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import run.endive.runtime.Instance;
import run.endive.runtime.Memory;
import io.mcpwasm.wasi.internal.Errno;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Arguments, environment, clocks, random, exit, descriptors and pointer checks, through real wasm guests. */
class WasiHostCoreTest {

    @Test
    void everyPreview1FunctionIsImportableWithTheSpecSignature() {
        try (WasiHost host = WasiHost.builder("probe").build()) {
            Instance guest = WasiGuests.probe(host);
            assertEquals(46, WasiGuests.SIGNATURES.size());
            assertEquals(46, host.toImportValues().functionCount());
            assertEquals(Errno.SUCCESS, call(guest, "sched_yield"));
        }
    }

    @Test
    void argsReachTheGuest() {
        try (WasiHost host = WasiHost.builder("srv").args(List.of("srv", "--mode", "héllo")).build()) {
            Instance guest = WasiGuests.probe(host);
            assertEquals(0, call(guest, "args_sizes_get", 0, 4));
            Memory mem = guest.memory();
            assertEquals(3, mem.readInt(0));
            int size = mem.readInt(4);
            assertEquals("srv\0--mode\0héllo\0".getBytes(StandardCharsets.UTF_8).length, size);
            assertEquals(0, call(guest, "args_get", 100, 200));
            assertEquals("srv", mem.readCString(mem.readInt(100)));
            assertEquals("--mode", mem.readCString(mem.readInt(104)));
            assertEquals("héllo", mem.readCString(mem.readInt(108), StandardCharsets.UTF_8));
        }
    }

    @Test
    void defaultArgsAreJustTheServerName() {
        try (WasiHost host = WasiHost.builder("only-name").build()) {
            Instance guest = WasiGuests.probe(host);
            assertEquals(0, call(guest, "args_sizes_get", 0, 4));
            assertEquals(1, guest.memory().readInt(0));
            assertEquals(0, call(guest, "args_get", 100, 200));
            assertEquals("only-name", guest.memory().readCString(guest.memory().readInt(100)));
        }
    }

    @Test
    void onlyGrantedEnvironmentIsVisible() {
        assertFalse(System.getenv().isEmpty(), "the test needs a host environment to leak");
        try (WasiHost host = WasiHost.builder("srv").env("API_MODE", "test").env("EMPTY", "").build()) {
            Instance guest = WasiGuests.probe(host);
            assertEquals(0, call(guest, "environ_sizes_get", 0, 4));
            Memory mem = guest.memory();
            assertEquals(2, mem.readInt(0));
            assertEquals("API_MODE=test\0EMPTY=\0".length(), mem.readInt(4));
            assertEquals(0, call(guest, "environ_get", 100, 200));
            List<String> vars = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                vars.add(mem.readCString(mem.readInt(100 + 4 * i)));
            }
            assertEquals(List.of("API_MODE=test", "EMPTY="), vars);
            String block = getString(guest, 200, mem.readInt(4));
            for (Map.Entry<String, String> e : System.getenv().entrySet()) {
                assertFalse(block.contains(e.getKey() + "="), "host variable leaked: " + e.getKey());
            }
        }
    }

    @Test
    void noEnvironmentByDefault() {
        try (WasiHost host = WasiHost.builder("srv").build()) {
            Instance guest = WasiGuests.probe(host);
            guest.memory().writeI32(0, 99);
            assertEquals(0, call(guest, "environ_sizes_get", 0, 4));
            assertEquals(0, guest.memory().readInt(0));
            assertEquals(0, guest.memory().readInt(4));
        }
    }

    @Test
    void fixedClockIsDeterministic() {
        Instant start = Instant.parse("2024-05-06T07:08:09.123456789Z");
        long startNanos = start.getEpochSecond() * 1_000_000_000L + start.getNano();
        try (WasiHost host = WasiHost.builder("srv").fixedClock(start).build()) {
            Instance guest = WasiGuests.probe(host);
            Memory mem = guest.memory();
            for (int i = 0; i < 3; i++) {
                assertEquals(0, call(guest, "clock_time_get", 0, 1, 8));
                assertEquals(startNanos, mem.readLong(8));
                assertEquals(0, call(guest, "clock_time_get", 1, 1, 8));
                assertEquals(1_000_000_000L, mem.readLong(8), "monotonic starts at 1 s, never 0 (Go aborts on 0)");
            }
            for (int id = 0; id < 4; id++) {
                assertEquals(0, call(guest, "clock_res_get", id, 16));
                assertTrue(mem.readLong(16) > 0);
            }
            assertEquals(Errno.EINVAL, call(guest, "clock_time_get", 9, 1, 8));
            assertEquals(Errno.EINVAL, call(guest, "clock_res_get", 9, 8));
        }
    }

    @Test
    void wallClockStartHidesTheDateButKeepsElapsedTime() {
        Instant start = Instant.parse("2000-01-01T00:00:00Z");
        long startNanos = start.getEpochSecond() * 1_000_000_000L;
        try (WasiHost host = WasiHost.builder("srv").wallClockStart(start).build()) {
            Instance guest = WasiGuests.probe(host);
            Memory mem = guest.memory();
            assertEquals(0, call(guest, "clock_time_get", 0, 1, 8));
            long first = mem.readLong(8);
            assertTrue(first >= startNanos && first < startNanos + 3_600_000_000_000L, "realtime near the start: " + first);
            assertEquals(0, call(guest, "clock_time_get", 1, 1, 16));
            long mono = mem.readLong(16);
            assertTrue(mono > 0, "monotonic never reads zero");
            // sleep 2 ms in the guest: both clocks move by at least that much
            mem.write(1000, new byte[48]);
            mem.writeI32(1016, 1);
            mem.writeLong(1024, 2_000_000);
            assertEquals(0, call(guest, "poll_oneoff", 1000, 2000, 1, 3000));
            assertEquals(0, call(guest, "clock_time_get", 0, 1, 8));
            assertTrue(mem.readLong(8) - first >= 2_000_000);
            assertEquals(0, call(guest, "clock_time_get", 1, 1, 16));
            assertTrue(mem.readLong(16) - mono >= 2_000_000);
        }
    }

    @Test
    void realClocksAdvanceAndReadTheRealTime() {
        try (WasiHost host = WasiHost.builder("srv").build()) {
            Instance guest = WasiGuests.probe(host);
            Memory mem = guest.memory();
            long before = System.currentTimeMillis();
            assertEquals(0, call(guest, "clock_time_get", 0, 1, 8));
            long real = mem.readLong(8) / 1_000_000L;
            long after = System.currentTimeMillis();
            assertTrue(real >= before - 1 && real <= after + 1, "realtime " + real + " not in [" + before + "," + after + "]");
            assertEquals(0, call(guest, "clock_time_get", 1, 1, 8));
            long m1 = mem.readLong(8);
            assertEquals(0, call(guest, "clock_time_get", 1, 1, 8));
            assertTrue(mem.readLong(8) >= m1);
            for (int id = 2; id < 4; id++) {
                assertEquals(0, call(guest, "clock_time_get", id, 1, 8));
                assertTrue(mem.readLong(8) >= 0);
            }
        }
    }

    @Test
    void randomGetFillsFromTheGivenSource() {
        SecureRandom counting = new SecureRandom() {
            private byte next = 1;

            @Override
            public void nextBytes(byte[] bytes) {
                for (int i = 0; i < bytes.length; i++) {
                    bytes[i] = next++;
                }
            }
        };
        try (WasiHost host = WasiHost.builder("srv").random(counting).build()) {
            Instance guest = WasiGuests.probe(host);
            assertEquals(0, call(guest, "random_get", 32, 5));
            assertArrayEquals(new byte[] {0, 1, 2, 3, 4, 5, 0}, guest.memory().readBytes(31, 7));
            assertEquals(Errno.EFAULT, call(guest, "random_get", 65536 - 2, 5));
        }
    }

    @Test
    void defaultRandomIsNotConstant() {
        try (WasiHost host = WasiHost.builder("srv").build()) {
            Instance guest = WasiGuests.probe(host);
            assertEquals(0, call(guest, "random_get", 0, 64));
            assertFalse(java.util.Arrays.equals(new byte[64], guest.memory().readBytes(0, 64)));
        }
    }

    @Test
    void procExitUnwindsWithTheCode() {
        try (WasiHost host = WasiHost.builder("srv").build()) {
            Instance guest = WasiGuests.probe(host);
            GuestExitException e = assertThrows(GuestExitException.class, () -> call(guest, "proc_exit", 42));
            assertEquals(42, e.exitCode());
        }
    }

    @Test
    void procRaiseIsNotSupported() {
        try (WasiHost host = WasiHost.builder("srv").build()) {
            assertEquals(Errno.ENOTSUP, call(WasiGuests.probe(host), "proc_raise", 9));
        }
    }

    @Test
    void stdoutAndStderrReachTheirSinks() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try (WasiHost host = WasiHost.builder("srv").stdout(out::write).stderr(err::write).build()) {
            Instance guest = WasiGuests.probe(host);
            putString(guest, 100, "hello ");
            putString(guest, 200, "world\n");
            iovec(guest, 0, 100, 6);
            iovec(guest, 8, 200, 6);
            assertEquals(0, call(guest, "fd_write", 1, 0, 2, 50));
            assertEquals(12, guest.memory().readInt(50));
            assertEquals(0, call(guest, "fd_write", 2, 8, 1, 50));
            assertEquals(6, guest.memory().readInt(50));
        }
        assertEquals("hello world\n", out.toString(StandardCharsets.UTF_8));
        assertEquals("world\n", err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void largeWritesReachTheSinkWholeAndInOrder() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        List<Integer> calls = new ArrayList<>();
        try (WasiHost host = WasiHost.builder("srv").stdout((b, off, len) -> {
            calls.add(len);
            out.write(b, off, len);
        }).build()) {
            Instance guest = WasiGuests.probe(host);
            guest.memory().grow(48);
            byte[] big = new byte[1_500_000];
            for (int i = 0; i < big.length; i++) {
                big[i] = (byte) (i * 31 + 7);
            }
            guest.memory().write(4096, big, 0, 1_000_000);
            guest.memory().write(4096 + 1_200_000, big, 1_000_000, 500_000);
            iovec(guest, 0, 4096, 1_000_000);
            iovec(guest, 8, 4096 + 1_200_000, 500_000);
            assertEquals(0, call(guest, "fd_write", 1, 0, 2, 50));
            assertEquals(1_500_000, guest.memory().readInt(50));
            assertArrayEquals(big, out.toByteArray());
            assertTrue(calls.stream().allMatch(n -> n <= 1 << 20), "each sink call is bounded: " + calls);
        }
    }

    @Test
    void anExceptionOfTheOutputSinkPropagatesUnchanged() {
        IllegalStateException gone = new IllegalStateException("transport closed");
        GuestOutput broken = (b, off, len) -> {
            throw gone;
        };
        try (WasiHost host = WasiHost.builder("srv").stdout(broken).build()) {
            Instance guest = WasiGuests.probe(host);
            iovec(guest, 0, 100, 3);
            assertSame(gone, assertThrows(IllegalStateException.class, () -> call(guest, "fd_write", 1, 0, 1, 50)));
        }
    }

    @Test
    void outputSinkMayStopTheGuestWithMcpWasmException() {
        GuestOutput limit = (b, off, len) -> {
            throw new McpWasmException("output limit") { };
        };
        try (WasiHost host = WasiHost.builder("srv").stdout(limit).build()) {
            Instance guest = WasiGuests.probe(host);
            iovec(guest, 0, 100, 3);
            assertThrows(McpWasmException.class, () -> call(guest, "fd_write", 1, 0, 1, 50));
        }
    }

    @Test
    void forgedClosedAndOutOfRangeDescriptorsAreEbadf() {
        try (WasiHost host = WasiHost.builder("srv").build()) {
            Instance guest = WasiGuests.probe(host);
            iovec(guest, 0, 100, 3);
            for (long fd : new long[] {3, 4, 99, 1024, 65535, -1, Integer.MAX_VALUE, Integer.MIN_VALUE}) {
                assertEquals(Errno.EBADF, call(guest, "fd_write", fd, 0, 1, 50), "fd " + fd);
                assertEquals(Errno.EBADF, call(guest, "fd_read", fd, 0, 1, 50), "fd " + fd);
                assertEquals(Errno.EBADF, call(guest, "fd_close", fd), "fd " + fd);
                assertEquals(Errno.EBADF, call(guest, "fd_fdstat_get", fd, 200), "fd " + fd);
                assertEquals(Errno.EBADF, call(guest, "fd_prestat_get", fd, 200), "fd " + fd);
                assertEquals(Errno.EBADF, call(guest, "path_open", fd, 1, 300, 1, 0, -1L, -1L, 0, 400), "fd " + fd);
                assertEquals(Errno.EBADF, call(guest, "fd_renumber", fd, 1), "fd " + fd);
                assertEquals(Errno.EBADF, call(guest, "fd_seek", fd, 0, 0, 200), "fd " + fd);
            }
            assertEquals(0, call(guest, "fd_close", 1));
            assertEquals(Errno.EBADF, call(guest, "fd_write", 1, 0, 1, 50));
            assertEquals(Errno.EBADF, call(guest, "fd_close", 1));
        }
    }

    @Test
    void renumberMovesADescriptorAndClosesTheTarget() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try (WasiHost host = WasiHost.builder("srv").stdout(out::write).stderr(err::write).build()) {
            Instance guest = WasiGuests.probe(host);
            putString(guest, 100, "abc");
            iovec(guest, 0, 100, 3);
            assertEquals(0, call(guest, "fd_renumber", 2, 1));
            assertEquals(Errno.EBADF, call(guest, "fd_write", 2, 0, 1, 50));
            assertEquals(0, call(guest, "fd_write", 1, 0, 1, 50));
            assertEquals(Errno.EBADF, call(guest, "fd_renumber", 1, 7));
            assertEquals(0, call(guest, "fd_renumber", 1, 1));
        }
        assertEquals("", out.toString(StandardCharsets.UTF_8));
        assertEquals("abc", err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void badPointersAreEfaultNeverAnException() {
        try (WasiHost host = WasiHost.builder("srv").args(List.of("a", "b")).env("K", "V").build()) {
            Instance guest = WasiGuests.probe(host);
            long end = 65536;
            long[] bad = {end, end - 1, end - 3, 0xFFFF_FFF0L, -1};
            for (long p : bad) {
                assertEquals(Errno.EFAULT, call(guest, "args_sizes_get", p, 0), "ptr " + p);
                assertEquals(Errno.EFAULT, call(guest, "args_get", p, 0), "ptr " + p);
                assertEquals(Errno.EFAULT, call(guest, "args_get", 0, p), "ptr " + p);
                assertEquals(Errno.EFAULT, call(guest, "environ_get", 0, p), "ptr " + p);
                assertEquals(Errno.EFAULT, call(guest, "clock_time_get", 0, 0, p), "ptr " + p);
                assertEquals(Errno.EFAULT, call(guest, "fd_fdstat_get", 1, p), "ptr " + p);
                assertEquals(Errno.EFAULT, call(guest, "fd_filestat_get", 1, p), "ptr " + p);
                assertEquals(Errno.EFAULT, call(guest, "fd_write", 1, p, 1, 0), "ptr " + p);
                assertEquals(Errno.EFAULT, call(guest, "poll_oneoff", p, 0, 1, 0), "ptr " + p);
                assertEquals(Errno.EFAULT, call(guest, "random_get", p, 16), "ptr " + p);
            }
            // an iovec that points outside memory, and a huge iovec count
            iovec(guest, 0, 65530, 100);
            assertEquals(Errno.EFAULT, call(guest, "fd_write", 1, 0, 1, 50));
            assertEquals(Errno.EFAULT, call(guest, "fd_read", 0, 0, 1, 50));
            assertEquals(Errno.EINVAL, call(guest, "fd_write", 1, 0, 0x2000_0000, 50), "more than IOV_MAX iovecs");
            assertEquals(Errno.EFAULT, call(guest, "fd_write", 1, 65536 - 8, 2, 50));
            assertEquals(Errno.EFAULT, call(guest, "random_get", 0, -1));
            // the result pointer is checked before anything is consumed
            iovec(guest, 0, 100, 3);
            assertEquals(Errno.EFAULT, call(guest, "fd_write", 1, 0, 1, end));
        }
    }

    @Test
    void aGuestWithoutMemoryGetsEfaultForPointersOnly() {
        String wat = """
            (module
              (import "wasi_snapshot_preview1" "sched_yield" (func $y (result i32)))
              (import "wasi_snapshot_preview1" "fd_write" (func $w (param i32 i32 i32 i32) (result i32)))
              (func (export "yield") (result i32) call $y)
              (func (export "write") (result i32) (call $w (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 0))))
            """;
        try (WasiHost host = WasiHost.builder("srv").build()) {
            Instance guest = WasiGuests.instantiate(wat, host);
            assertEquals(0, call(guest, "yield"));
            assertEquals(Errno.EFAULT, call(guest, "write"));
        }
    }

    @Test
    void stdioDescribeThemselves() {
        try (WasiHost host = WasiHost.builder("srv").build()) {
            Instance guest = WasiGuests.probe(host);
            Memory mem = guest.memory();
            assertEquals(0, call(guest, "fd_fdstat_get", 1, 64));
            assertEquals(2, mem.read(64));
            assertTrue((mem.readLong(72) & (1L << 6)) != 0, "stdout has fd_write");
            assertEquals(0, call(guest, "fd_fdstat_get", 0, 64));
            assertTrue((mem.readLong(72) & (1L << 1)) != 0, "stdin has fd_read");
            assertEquals(0, call(guest, "fd_filestat_get", 2, 128));
            assertEquals(2, mem.read(128 + 16));
            assertEquals(Errno.ESPIPE, call(guest, "fd_seek", 1, 0, 0, 200));
            assertEquals(Errno.ESPIPE, call(guest, "fd_tell", 0, 200));
            assertEquals(Errno.EBADF, call(guest, "fd_prestat_get", 0, 200));
            assertEquals(Errno.ENOTDIR, call(guest, "path_open", 1, 1, 300, 1, 0, -1L, -1L, 0, 400));
            assertEquals(Errno.ENOTCAPABLE, call(guest, "fd_fdstat_set_rights", 1, -1L, 0));
            assertEquals(0, call(guest, "fd_fdstat_set_rights", 1, 1L << 6, 0));
            assertEquals(0, call(guest, "fd_fdstat_get", 1, 64));
            assertEquals(1L << 6, mem.readLong(72));
        }
    }

    @Test
    void socketsAreRefusedAndAudited() {
        List<AuditEvent> events = new ArrayList<>();
        try (WasiHost host = WasiHost.builder("srv").auditListener(events::add).build()) {
            Instance guest = WasiGuests.probe(host);
            assertEquals(Errno.ENOTSOCK, call(guest, "sock_accept", 0, 0, 100));
            assertEquals(Errno.ENOTSOCK, call(guest, "sock_send", 1, 0, 0, 0, 100));
            assertEquals(Errno.EBADF, call(guest, "sock_recv", 77, 0, 0, 0, 100, 104));
            assertEquals(Errno.EBADF, call(guest, "sock_shutdown", 77, 0));
        }
        assertEquals(2, events.size());
        assertEquals("network", events.get(0).capability());
        assertEquals(AuditEvent.Decision.DENIED, events.get(0).decision());
        assertEquals("srv", events.get(0).server());
    }

    @Test
    void closeIsIdempotentAndRevokesEveryDescriptor() {
        WasiHost host = WasiHost.builder("srv").build();
        Instance guest = WasiGuests.probe(host);
        host.close();
        host.close();
        iovec(guest, 0, 100, 3);
        assertEquals(Errno.EBADF, call(guest, "fd_write", 1, 0, 1, 50));
    }

    @Test
    void builderFailsFastNamingTheBadArgument() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> WasiHost.builder("srv").env("A=B", "x"));
        assertTrue(e.getMessage().contains("A=B"));
        e = assertThrows(IllegalArgumentException.class,
            () -> WasiHost.builder("srv").mount("data", java.nio.file.Path.of("/tmp"), MountMode.READ_ONLY));
        assertTrue(e.getMessage().contains("data"));
        e = assertThrows(IllegalArgumentException.class,
            () -> WasiHost.builder("srv").mount("/a/../b", java.nio.file.Path.of("/tmp"), MountMode.READ_ONLY));
        assertTrue(e.getMessage().contains("/a/../b"));
        e = assertThrows(IllegalArgumentException.class, () -> WasiHost.builder("srv").secret("/", new byte[1]));
        assertTrue(e.getMessage().contains("secret"));
        assertThrows(IllegalArgumentException.class, () -> WasiHost.builder(" "));
        assertThrows(IllegalArgumentException.class,
            () -> WasiHost.builder("srv").mount("/x", java.nio.file.Path.of("/tmp"), MountMode.READ_WRITE, -1));
    }
}
