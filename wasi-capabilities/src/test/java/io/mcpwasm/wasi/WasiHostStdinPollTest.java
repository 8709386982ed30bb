package io.mcpwasm.wasi;

import io.mcpwasm.wasi.internal.GuestExitException;
import io.mcpwasm.wasi.internal.GuestInput;
import static io.mcpwasm.wasi.WasiGuests.call;
import static io.mcpwasm.wasi.WasiGuests.getString;
import static io.mcpwasm.wasi.WasiGuests.iovec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import run.endive.compiler.MachineFactoryCompiler;
import run.endive.runtime.WasmInterruptedException;
import run.endive.runtime.Instance;
import run.endive.runtime.Memory;
import com.dylibso.chicory.wabt.Wat2Wasm;
import run.endive.wasm.Parser;
import run.endive.wasm.WasmModule;
import io.mcpwasm.wasi.internal.Errno;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** Standard input (blocking, NONBLOCK), poll_oneoff and interrupts, through real wasm guests. */
class WasiHostStdinPollTest {
    /** Safety net only: no test asserts on time, but none may hang the build either. */
    private static final long SAFETY_SECONDS = 60;

    private static final String ECHO = """
        (module
          (import "wasi_snapshot_preview1" "fd_read" (func $fd_read (param i32 i32 i32 i32) (result i32)))
          (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
          (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
          (memory (export "memory") 1)
          (func (export "_start")
            (local $n i32)
            (block $done
              (loop $again
                (i32.store (i32.const 0) (i32.const 64))
                (i32.store (i32.const 4) (i32.const 1024))
                (if (call $fd_read (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 16))
                  (then (call $proc_exit (i32.const 2))))
                (local.set $n (i32.load (i32.const 16)))
                (br_if $done (i32.eqz (local.get $n)))
                (i32.store (i32.const 32) (i32.const 64))
                (i32.store (i32.const 36) (local.get $n))
                (drop (call $fd_write (i32.const 1) (i32.const 32) (i32.const 1) (i32.const 48)))
                (br $again)))
            (call $proc_exit (i32.const 7))))
        """;

    private static <T> CompletableFuture<T> onGuestThread(Supplier<T> body) {
        CompletableFuture<T> f = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                f.complete(body.get());
            } catch (Throwable e) {
                f.completeExceptionally(e);
            }
        }, "guest");
        t.setDaemon(true);
        t.start();
        return f;
    }

    private static Throwable failure(CompletableFuture<?> f) throws Exception {
        try {
            f.get(SAFETY_SECONDS, TimeUnit.SECONDS);
            throw new AssertionError("guest call returned normally");
        } catch (ExecutionException e) {
            return e.getCause();
        }
    }

    @Test
    void blockingReadIsWokenByAWriteFromAnotherThread() throws Exception {
        GuestInput stdin = new GuestInput();
        BlockingQueue<String> out = new LinkedBlockingQueue<>();
        WasiHost host = WasiHost.builder("echo").stdin(stdin)
            .stdout((b, off, len) -> out.add(new String(b, off, len, StandardCharsets.UTF_8))).build();
        Instance guest = WasiGuests.instantiate(ECHO, host);
        CompletableFuture<Integer> run = onGuestThread(() -> call(guest, "_start"));
        stdin.write("ping\n".getBytes(StandardCharsets.UTF_8));
        assertEquals("ping\n", out.poll(SAFETY_SECONDS, TimeUnit.SECONDS));
        stdin.write("second".getBytes(StandardCharsets.UTF_8));
        assertEquals("second", out.poll(SAFETY_SECONDS, TimeUnit.SECONDS));
        assertFalse(run.isDone(), "guest must still be blocked in fd_read");
        stdin.close();
        Throwable exit = failure(run);
        assertInstanceOf(GuestExitException.class, exit);
        assertEquals(7, ((GuestExitException) exit).exitCode());
        host.close();
    }

    @Test
    void aBoundedInputRefusesWhatWouldExceedItTellsHowLongItWaitedUnreadAndDiscardsOnRelease()
            throws Exception {
        GuestInput stdin = new GuestInput(8);
        assertTrue(stdin.offer("12345".getBytes(StandardCharsets.UTF_8)));
        assertFalse(stdin.offer("6789".getBytes(StandardCharsets.UTF_8)), "9 bytes would exceed the bound of 8");
        assertEquals(5, stdin.available());
        Thread.sleep(20);
        assertTrue(stdin.unreadNanos() >= TimeUnit.MILLISECONDS.toNanos(20), "waited unread");
        BlockingQueue<String> out = new LinkedBlockingQueue<>();
        WasiHost host = WasiHost.builder("echo").stdin(stdin)
            .stdout((b, off, len) -> out.add(new String(b, off, len, StandardCharsets.UTF_8))).build();
        Instance guest = WasiGuests.instantiate(ECHO, host);
        CompletableFuture<Integer> run = onGuestThread(() -> call(guest, "_start"));
        assertEquals("12345", out.poll(SAFETY_SECONDS, TimeUnit.SECONDS));
        assertEquals(0, stdin.unreadNanos(), "nothing waits once the guest has read it");
        assertTrue(stdin.offer("6789".getBytes(StandardCharsets.UTF_8)), "room again after the guest read");
        assertEquals("6789", out.poll(SAFETY_SECONDS, TimeUnit.SECONDS));
        assertEquals(0, stdin.discard());
        Throwable exit = failure(run);
        assertEquals(7, ((GuestExitException) exit).exitCode(), "a discarded input reads as end-of-file");
        assertThrows(IllegalStateException.class, () -> stdin.offer(new byte[1]));
        GuestInput held = new GuestInput(1024);
        held.write(new byte[100]);
        assertEquals(100, held.discard(), "queued bytes are dropped");
        assertEquals(0, held.available());
        host.close();
    }

    @Test
    void closedStdinReadsEofAtOnce() {
        try (WasiHost host = WasiHost.builder("srv").build()) {
            Instance guest = WasiGuests.probe(host);
            iovec(guest, 0, 100, 16);
            guest.memory().writeI32(50, 99);
            assertEquals(0, call(guest, "fd_read", 0, 0, 1, 50));
            assertEquals(0, guest.memory().readInt(50));
        }
    }

    @Test
    void queuedBytesAreScatteredOverIovecs() {
        try (WasiHost host = WasiHost.builder("srv").stdin(GuestInput.of("abcdefgh".getBytes())).build()) {
            Instance guest = WasiGuests.probe(host);
            iovec(guest, 0, 100, 3);
            iovec(guest, 8, 200, 3);
            assertEquals(0, call(guest, "fd_read", 0, 0, 2, 50));
            assertEquals(6, guest.memory().readInt(50));
            assertEquals("abc", getString(guest, 100, 3));
            assertEquals("def", getString(guest, 200, 3));
            assertEquals(0, call(guest, "fd_read", 0, 0, 2, 50));
            assertEquals(2, guest.memory().readInt(50));
            assertEquals("gh", getString(guest, 100, 2));
            assertEquals(0, call(guest, "fd_read", 0, 0, 2, 50));
            assertEquals(0, guest.memory().readInt(50));
        }
    }

    @Test
    void nonblockSticksOnStdinAndEmptyReadsAreEagain() {
        GuestInput stdin = new GuestInput();
        try (WasiHost host = WasiHost.builder("srv").stdin(stdin).build()) {
            Instance guest = WasiGuests.probe(host);
            Memory mem = guest.memory();
            for (int fd = 0; fd < 3; fd++) {
                assertEquals(0, call(guest, "fd_fdstat_set_flags", fd, 4));
                assertEquals(0, call(guest, "fd_fdstat_get", fd, 300));
                assertEquals(4, mem.readShort(302), "NONBLOCK sticks on fd " + fd);
            }
            iovec(guest, 0, 100, 16);
            assertEquals(Errno.EAGAIN, call(guest, "fd_read", 0, 0, 1, 50));
            stdin.write("hi".getBytes());
            assertEquals(0, call(guest, "fd_read", 0, 0, 1, 50));
            assertEquals(2, mem.readInt(50));
            assertEquals("hi", getString(guest, 100, 2));
            assertEquals(Errno.EAGAIN, call(guest, "fd_read", 0, 0, 1, 50));
            stdin.close();
            assertEquals(0, call(guest, "fd_read", 0, 0, 1, 50));
            assertEquals(0, mem.readInt(50));
            assertEquals(Errno.EINVAL, call(guest, "fd_fdstat_set_flags", 0, 64));
            assertEquals(0, call(guest, "fd_fdstat_set_flags", 0, 0));
            assertEquals(0, call(guest, "fd_fdstat_get", 0, 300));
            assertEquals(0, mem.readShort(302));
        }
    }

    /**
     * Go's wasip1 runtime calls sched_yield only while a goroutine spins on a note (os/signal's receiver after
     * signal.Notify, as mcp-go's ServeStdio does); such a guest never reaches poll_oneoff again, so a goroutine
     * parked on stdin after EAGAIN would never be woken. After a sched_yield, an empty NONBLOCK read waits.
     */
    @Test
    void aGuestThatSpinsInSchedYieldGetsWaitingStdinReadsDespiteNonblock() throws Exception {
        GuestInput stdin = new GuestInput();
        try (WasiHost host = WasiHost.builder("srv").stdin(stdin).build()) {
            Instance guest = WasiGuests.probe(host);
            Memory mem = guest.memory();
            assertEquals(0, call(guest, "fd_fdstat_set_flags", 0, 4));
            iovec(guest, 0, 100, 16);
            assertEquals(Errno.EAGAIN, call(guest, "fd_read", 0, 0, 1, 50), "before any sched_yield: EAGAIN");
            assertEquals(0, call(guest, "sched_yield"));
            CompletableFuture<Integer> read = onGuestThread(() -> call(guest, "fd_read", 0, 0, 1, 50));
            assertFalse(read.isDone(), "the read must wait for input, not return EAGAIN");
            stdin.write("late".getBytes(StandardCharsets.UTF_8));
            assertEquals(0, read.get(SAFETY_SECONDS, TimeUnit.SECONDS));
            assertEquals(4, mem.readInt(50));
            assertEquals("late", getString(guest, 100, 4));
            assertEquals(0, call(guest, "fd_fdstat_get", 0, 300));
            assertEquals(4, mem.readShort(302), "the flag still reads back as set");
            stdin.close();
            assertEquals(0, call(guest, "fd_read", 0, 0, 1, 50));
            assertEquals(0, mem.readInt(50), "EOF");
        }
    }

    // subscription layout: userdata u64 @0, tag u8 @8, clock id u32 @16, timeout u64 @24, precision @32, flags u16 @40
    private static void clockSub(Memory mem, int at, long userdata, int clockId, long timeout, boolean absolute) {
        mem.write(at, new byte[48]);
        mem.writeLong(at, userdata);
        mem.writeByte(at + 8, (byte) 0);
        mem.writeI32(at + 16, clockId);
        mem.writeLong(at + 24, timeout);
        mem.writeShort(at + 40, (short) (absolute ? 1 : 0));
    }

    private static void fdSub(Memory mem, int at, long userdata, int type, int fd) {
        mem.write(at, new byte[48]);
        mem.writeLong(at, userdata);
        mem.writeByte(at + 8, (byte) type);
        mem.writeI32(at + 16, fd);
    }

    private static final int SUBS = 1000;
    private static final int EVENTS = 2000;
    private static final int NEVENTS = 3000;

    private static long eventUserdata(Memory mem, int k) {
        return mem.readLong(EVENTS + 32 * k);
    }

    private static int eventError(Memory mem, int k) {
        return mem.readShort(EVENTS + 32 * k + 8);
    }

    private static int eventType(Memory mem, int k) {
        return mem.read(EVENTS + 32 * k + 10);
    }

    private static long eventNbytes(Memory mem, int k) {
        return mem.readLong(EVENTS + 32 * k + 16);
    }

    private static int eventFlags(Memory mem, int k) {
        return mem.readShort(EVENTS + 32 * k + 24);
    }

    @Test
    void clockOnlyPollSleepsUntilTheTimeoutAndAdvancesAFixedClock() {
        try (WasiHost host = WasiHost.builder("srv").fixedClock(Instant.ofEpochSecond(1_000)).build()) {
            Instance guest = WasiGuests.probe(host);
            Memory mem = guest.memory();
            clockSub(mem, SUBS, 77, 1, 2_000_000, false);
            assertEquals(0, call(guest, "poll_oneoff", SUBS, EVENTS, 1, NEVENTS));
            assertEquals(1, mem.readInt(NEVENTS));
            assertEquals(77, eventUserdata(mem, 0));
            assertEquals(0, eventType(mem, 0));
            assertEquals(0, eventError(mem, 0));
            assertEquals(0, call(guest, "clock_time_get", 1, 0, 8));
            assertEquals(1_002_000_000L, mem.readLong(8), "virtual monotonic (base 1 s) moved to the deadline");
            assertEquals(0, call(guest, "clock_time_get", 0, 0, 8));
            assertEquals(1_000_000_000_000L + 2_000_000L, mem.readLong(8));
            // absolute monotonic deadline 1 s + 3 ms: waits the remaining 1 ms
            clockSub(mem, SUBS, 78, 1, 1_003_000_000L, true);
            assertEquals(0, call(guest, "poll_oneoff", SUBS, EVENTS, 1, NEVENTS));
            assertEquals(78, eventUserdata(mem, 0));
            assertEquals(0, call(guest, "clock_time_get", 1, 0, 8));
            assertEquals(1_003_000_000L, mem.readLong(8));
        }
    }

    @Test
    void realClockPollReallyWaits() {
        try (WasiHost host = WasiHost.builder("srv").build()) {
            Instance guest = WasiGuests.probe(host);
            Memory mem = guest.memory();
            assertEquals(0, call(guest, "clock_time_get", 1, 0, 8));
            long before = mem.readLong(8);
            clockSub(mem, SUBS, 5, 1, 3_000_000, false);
            assertEquals(0, call(guest, "poll_oneoff", SUBS, EVENTS, 1, NEVENTS));
            assertEquals(0, call(guest, "clock_time_get", 1, 0, 8));
            assertTrue(mem.readLong(8) - before >= 3_000_000, "a relative timeout is never cut short");
            assertEquals(1, mem.readInt(NEVENTS));
            assertEquals(5, eventUserdata(mem, 0));
            // an absolute realtime deadline in the past fires at once
            clockSub(mem, SUBS, 6, 0, 1, true);
            assertEquals(0, call(guest, "poll_oneoff", SUBS, EVENTS, 1, NEVENTS));
            assertEquals(6, eventUserdata(mem, 0));
        }
    }

    @Test
    void zeroTimeoutReturnsAtOnceEvenWithStdinEmpty() {
        GuestInput stdin = new GuestInput();
        try (WasiHost host = WasiHost.builder("srv").stdin(stdin).build()) {
            Instance guest = WasiGuests.probe(host);
            Memory mem = guest.memory();
            clockSub(mem, SUBS, 1, 1, 0, false);
            fdSub(mem, SUBS + 48, 2, 1, 0);
            assertEquals(0, call(guest, "poll_oneoff", SUBS, EVENTS, 2, NEVENTS));
            assertEquals(1, mem.readInt(NEVENTS));
            assertEquals(1, eventUserdata(mem, 0));
            assertEquals(0, eventType(mem, 0));
        }
    }

    @Test
    void stdinPlusClockReturnsTheClockWhenNothingArrives() {
        GuestInput stdin = new GuestInput();
        try (WasiHost host = WasiHost.builder("srv").stdin(stdin).build()) {
            Instance guest = WasiGuests.probe(host);
            Memory mem = guest.memory();
            clockSub(mem, SUBS, 10, 1, 1_000_000, false);
            fdSub(mem, SUBS + 48, 20, 1, 0);
            assertEquals(0, call(guest, "poll_oneoff", SUBS, EVENTS, 2, NEVENTS));
            assertEquals(1, mem.readInt(NEVENTS));
            assertEquals(10, eventUserdata(mem, 0));
        }
    }

    @Test
    void stdinPlusClockReturnsStdinWhenBytesAreQueued() {
        GuestInput stdin = new GuestInput();
        stdin.write("12345".getBytes());
        try (WasiHost host = WasiHost.builder("srv").stdin(stdin).build()) {
            Instance guest = WasiGuests.probe(host);
            Memory mem = guest.memory();
            clockSub(mem, SUBS, 10, 1, 3_600_000_000_000L, false);
            fdSub(mem, SUBS + 48, 20, 1, 0);
            assertEquals(0, call(guest, "poll_oneoff", SUBS, EVENTS, 2, NEVENTS));
            assertEquals(1, mem.readInt(NEVENTS));
            assertEquals(20, eventUserdata(mem, 0));
            assertEquals(1, eventType(mem, 0));
            assertEquals(5, eventNbytes(mem, 0));
            assertEquals(0, eventFlags(mem, 0));
        }
    }

    @Test
    void stdinPollBlocksUntilAnotherThreadWrites() throws Exception {
        GuestInput stdin = new GuestInput();
        try (WasiHost host = WasiHost.builder("srv").stdin(stdin).build()) {
            Instance guest = WasiGuests.probe(host);
            Memory mem = guest.memory();
            clockSub(mem, SUBS, 10, 1, 3_600_000_000_000L, false);
            fdSub(mem, SUBS + 48, 20, 1, 0);
            CompletableFuture<Integer> run = onGuestThread(() -> call(guest, "poll_oneoff", SUBS, EVENTS, 2, NEVENTS));
            stdin.write("x".getBytes());
            assertEquals(0, run.get(SAFETY_SECONDS, TimeUnit.SECONDS));
            assertEquals(1, mem.readInt(NEVENTS));
            assertEquals(20, eventUserdata(mem, 0));
            assertEquals(1, eventNbytes(mem, 0));
        }
    }

    @Test
    void stdinAtEofIsReadyWithHangup() {
        try (WasiHost host = WasiHost.builder("srv").build()) {
            Instance guest = WasiGuests.probe(host);
            Memory mem = guest.memory();
            fdSub(mem, SUBS, 20, 1, 0);
            assertEquals(0, call(guest, "poll_oneoff", SUBS, EVENTS, 1, NEVENTS));
            assertEquals(1, mem.readInt(NEVENTS));
            assertEquals(1, eventFlags(mem, 0));
            assertEquals(0, eventNbytes(mem, 0));
        }
    }

    @Test
    void writeSubscriptionsOnStdoutAreReadyAndBadFdsReportEbadfInTheEvent() {
        try (WasiHost host = WasiHost.builder("srv").stdin(new GuestInput()).build()) {
            Instance guest = WasiGuests.probe(host);
            Memory mem = guest.memory();
            fdSub(mem, SUBS, 1, 2, 1);
            fdSub(mem, SUBS + 48, 2, 2, 2);
            fdSub(mem, SUBS + 96, 3, 1, 42);
            fdSub(mem, SUBS + 144, 4, 1, 0);
            assertEquals(0, call(guest, "poll_oneoff", SUBS, EVENTS, 4, NEVENTS));
            assertEquals(3, mem.readInt(NEVENTS));
            assertEquals(1, eventUserdata(mem, 0));
            assertEquals(0, eventError(mem, 0));
            assertEquals(2, eventType(mem, 0));
            assertEquals(2, eventUserdata(mem, 1));
            assertEquals(3, eventUserdata(mem, 2));
            assertEquals(Errno.EBADF, eventError(mem, 2));
        }
    }

    @Test
    void invalidPollInputIsRefused() {
        try (WasiHost host = WasiHost.builder("srv").build()) {
            Instance guest = WasiGuests.probe(host);
            Memory mem = guest.memory();
            assertEquals(Errno.EINVAL, call(guest, "poll_oneoff", SUBS, EVENTS, 0, NEVENTS));
            fdSub(mem, SUBS, 1, 9, 0);
            assertEquals(Errno.EINVAL, call(guest, "poll_oneoff", SUBS, EVENTS, 1, NEVENTS));
            clockSub(mem, SUBS, 1, 1, 0, false);
            assertEquals(Errno.EFAULT, call(guest, "poll_oneoff", SUBS, 65536 - 16, 1, NEVENTS));
            clockSub(mem, SUBS, 1, 99, 0, false);
            assertEquals(0, call(guest, "poll_oneoff", SUBS, EVENTS, 1, NEVENTS));
            assertEquals(Errno.EINVAL, eventError(mem, 0));
        }
    }

    @Test
    void interruptUnwindsAGuestBlockedInFdRead() throws Exception {
        GuestInput stdin = new GuestInput();
        WasiHost host = WasiHost.builder("echo").stdin(stdin).build();
        Instance guest = WasiGuests.instantiate(ECHO, host);
        Thread[] thread = new Thread[1];
        CompletableFuture<Integer> run = onGuestThread(() -> {
            thread[0] = Thread.currentThread();
            return call(guest, "_start");
        });
        interruptWhenBlocked(thread, run);
        assertInstanceOf(WasmInterruptedException.class, failure(run));
        host.close();
    }

    @Test
    void compiledGuestEchoesAndUnwindsOnInterrupt() throws Exception {
        GuestInput stdin = new GuestInput();
        BlockingQueue<String> out = new LinkedBlockingQueue<>();
        WasiHost host = WasiHost.builder("echo").stdin(stdin)
            .stdout((b, off, len) -> out.add(new String(b, off, len, StandardCharsets.UTF_8))).build();
        WasmModule module = Parser.parse(Wat2Wasm.parse(ECHO));
        Instance guest = Instance.builder(module).withImportValues(host.toImportValues())
            .withMachineFactory(MachineFactoryCompiler.compile(module)).withStart(false).build();
        Thread[] thread = new Thread[1];
        CompletableFuture<Integer> run = onGuestThread(() -> {
            thread[0] = Thread.currentThread();
            return call(guest, "_start");
        });
        stdin.write("compiled\n".getBytes(StandardCharsets.UTF_8));
        assertEquals("compiled\n", out.poll(SAFETY_SECONDS, TimeUnit.SECONDS));
        interruptWhenBlocked(thread, run);
        assertInstanceOf(WasmInterruptedException.class, failure(run));
        host.close();
    }

    @Test
    void interruptUnwindsAGuestBlockedInPoll() throws Exception {
        GuestInput stdin = new GuestInput();
        try (WasiHost host = WasiHost.builder("srv").stdin(stdin).build()) {
            Instance guest = WasiGuests.probe(host);
            fdSub(guest.memory(), SUBS, 20, 1, 0);
            Thread[] thread = new Thread[1];
            CompletableFuture<Integer> run = onGuestThread(() -> {
                thread[0] = Thread.currentThread();
                return call(guest, "poll_oneoff", SUBS, EVENTS, 1, NEVENTS);
            });
            interruptWhenBlocked(thread, run);
            assertInstanceOf(WasmInterruptedException.class, failure(run));
        }
    }

    @Test
    void interruptUnwindsAGuestSleepingInAClockPoll() throws Exception {
        try (WasiHost host = WasiHost.builder("srv").build()) {
            Instance guest = WasiGuests.probe(host);
            clockSub(guest.memory(), SUBS, 1, 1, -1L, false);
            Thread[] thread = new Thread[1];
            CompletableFuture<Integer> run = onGuestThread(() -> {
                thread[0] = Thread.currentThread();
                return call(guest, "poll_oneoff", SUBS, EVENTS, 1, NEVENTS);
            });
            interruptWhenBlocked(thread, run);
            assertInstanceOf(WasmInterruptedException.class, failure(run));
        }
    }

    /** Waits (without a time assertion) until the guest thread parks, then interrupts it. */
    private static void interruptWhenBlocked(Thread[] thread, CompletableFuture<?> run) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(SAFETY_SECONDS);
        while (thread[0] == null || thread[0].getState() != Thread.State.WAITING
            && thread[0].getState() != Thread.State.TIMED_WAITING) {
            assertFalse(run.isDone(), "guest finished instead of blocking");
            assertTrue(System.nanoTime() < deadline, "guest never blocked");
            Thread.sleep(1);
        }
        thread[0].interrupt();
    }
}
