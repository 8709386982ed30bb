package io.mcpwasm.wasi.internal;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Instant;

/**
 * The guest's clocks, in one of three modes:
 * <ul>
 *   <li>real: realtime is the host's wall clock;
 *   <li>hidden wall clock ({@code wallClockStart}): realtime starts at a given instant and advances with real
 *       elapsed time, so the guest can measure durations but cannot learn the date; this is what a server gets
 *       when the real time is not granted;
 *   <li>virtual ({@code fixed}): deterministic clocks that read the same values on every run and move only when a
 *       {@code poll_oneoff} clock subscription fires, to that subscription's deadline (the wait itself still takes
 *       real time, so timers work).
 * </ul>
 * The monotonic clock never reads zero: language runtimes treat zero as "no clock" (Go aborts with
 * "nanotime returning zero"), so it starts at {@link #MONOTONIC_BASE}.
 */
final class WasiClock {
    /** Where the monotonic clock starts: one second. */
    static final long MONOTONIC_BASE = 1_000_000_000L;
    private final Long fixedEpochNanos;
    private final Long wallStartNanos;
    private final long origin = System.nanoTime();
    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private volatile long virtualElapsed;

    WasiClock(Instant fixed) {
        this(fixed, null);
    }

    /**
     * @param fixed     start of deterministic virtual clocks, or null
     * @param wallStart where a hidden wall clock starts (used when {@code fixed} is null), or null for real time
     */
    WasiClock(Instant fixed, Instant wallStart) {
        this.fixedEpochNanos = fixed == null ? null : toNanos(fixed);
        this.wallStartNanos = wallStart == null ? null : toNanos(wallStart);
    }

    private static long toNanos(Instant t) {
        return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000_000L), t.getNano());
    }

    boolean virtual() {
        return fixedEpochNanos != null;
    }

    long resolution(int id) throws ErrnoException {
        switch (id) {
            case WasiConstants.CLOCK_REALTIME:
                return virtual() ? 1 : 1_000;
            case WasiConstants.CLOCK_MONOTONIC:
            case WasiConstants.CLOCK_PROCESS_CPUTIME:
            case WasiConstants.CLOCK_THREAD_CPUTIME:
                return 1;
            default:
                throw new ErrnoException(Errno.EINVAL, "unknown clock " + id);
        }
    }

    long now(int id) throws ErrnoException {
        switch (id) {
            case WasiConstants.CLOCK_REALTIME:
                return realtime();
            case WasiConstants.CLOCK_MONOTONIC:
                return monotonic();
            case WasiConstants.CLOCK_PROCESS_CPUTIME:
            case WasiConstants.CLOCK_THREAD_CPUTIME:
                return cpuTime();
            default:
                throw new ErrnoException(Errno.EINVAL, "unknown clock " + id);
        }
    }

    long realtime() {
        if (virtual()) {
            return fixedEpochNanos + virtualElapsed;
        }
        if (wallStartNanos != null) {
            return wallStartNanos + (System.nanoTime() - origin);
        }
        return toNanos(Instant.now());
    }

    long monotonic() {
        if (virtual()) {
            return MONOTONIC_BASE + virtualElapsed;
        }
        return MONOTONIC_BASE + (System.nanoTime() - origin);
    }

    /** CPU time of the calling (guest) thread; a guest runs on one thread, so process and thread agree. */
    long cpuTime() {
        if (virtual()) {
            return virtualElapsed;
        }
        if (threads.isCurrentThreadCpuTimeSupported()) {
            long t = threads.getCurrentThreadCpuTime();
            if (t >= 0) {
                return t;
            }
        }
        return monotonic();
    }

    /** Virtual clocks only: moves the monotonic clock forward to {@code monotonic}, never back. */
    void advanceTo(long monotonic) {
        long elapsed = monotonic - MONOTONIC_BASE;
        if (virtual() && elapsed > virtualElapsed) {
            virtualElapsed = elapsed;
        }
    }
}
