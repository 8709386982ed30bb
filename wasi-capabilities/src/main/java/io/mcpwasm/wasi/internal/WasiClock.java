package io.mcpwasm.wasi.internal;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Instant;

/**
 * The guest's clocks. Real by default. With a fixed start instant the clocks are virtual and deterministic:
 * they read the same values on every run and move only when a {@code poll_oneoff} clock subscription fires,
 * to that subscription's deadline (the wait itself still takes real time, so timers work).
 */
final class WasiClock {
    private final Long fixedEpochNanos;
    private final long origin = System.nanoTime();
    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private volatile long virtualElapsed;

    WasiClock(Instant fixed) {
        this.fixedEpochNanos = fixed == null ? null : toNanos(fixed);
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
        return toNanos(Instant.now());
    }

    long monotonic() {
        if (virtual()) {
            return virtualElapsed;
        }
        return System.nanoTime() - origin;
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

    /** Virtual clocks only: moves time forward to {@code elapsed} nanoseconds after the start, never back. */
    void advanceTo(long elapsed) {
        if (virtual() && elapsed > virtualElapsed) {
            virtualElapsed = elapsed;
        }
    }
}
