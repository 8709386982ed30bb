package io.mcpwasm.internal.protocol;

import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bounds the host work one kind of guest message may cause: at most {@code perSecond} are admitted per second
 * (a token bucket holding one second's worth), and whatever is dropped, here or by the caller (a full queue), is
 * counted and reported in a warning at most once per {@link #WARN_INTERVAL_NANOS}. Thread-safe. Used for every
 * kind of guest output that would otherwise cost the host work (or log lines) at the guest's rate.
 */
public final class FloodGuard {
    static final long WARN_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);
    private static final Logger LOG = LoggerFactory.getLogger(FloodGuard.class);

    private final String serverName;
    private final String what;
    private final double perNano;
    private final double capacity;
    private double tokens;
    private long refilledAt;
    private long droppedSinceWarning;
    private long warnedAt;
    private boolean warned;

    /**
     * @param serverName the guest's server, named in the warning
     * @param what what is dropped, plural, for the warning ("log messages")
     * @param perSecond how many are admitted per second; 0 admits all (only {@link #drop()} counts)
     */
    public FloodGuard(String serverName, String what, int perSecond) {
        this.serverName = serverName;
        this.what = what;
        this.perNano = perSecond / 1e9;
        this.capacity = perSecond;
        this.tokens = perSecond;
        this.refilledAt = System.nanoTime();
    }

    /** @return true when one more is admitted now; otherwise it is counted as dropped */
    public boolean admit() {
        if (capacity == 0) {
            return true;
        }
        synchronized (this) {
            long now = System.nanoTime();
            tokens = Math.min(capacity, tokens + (now - refilledAt) * perNano);
            refilledAt = now;
            if (tokens >= 1) {
                tokens -= 1;
                return true;
            }
        }
        drop();
        return false;
    }

    /** Counts one dropped message and warns when the last warning is old enough. */
    public void drop() {
        long report;
        synchronized (this) {
            droppedSinceWarning++;
            long now = System.nanoTime();
            if (warned && now - warnedAt < WARN_INTERVAL_NANOS) {
                return;
            }
            warned = true;
            warnedAt = now;
            report = droppedSinceWarning;
            droppedSinceWarning = 0;
        }
        LOG.warn("MCP server '{}' sends {} faster than the host takes them: dropped {} (more are reported at most "
                + "every {} s)", serverName, what, report, TimeUnit.NANOSECONDS.toSeconds(WARN_INTERVAL_NANOS));
    }
}
