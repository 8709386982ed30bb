package io.mcpwasm.wasi.http;

import java.time.Duration;

/** The end of one request's time budget, on the monotonic clock. */
final class Deadline {
    private final long endNanos;

    private Deadline(long endNanos) {
        this.endNanos = endNanos;
    }

    static Deadline after(Duration budget) {
        return new Deadline(System.nanoTime() + budget.toNanos());
    }

    /** Milliseconds left, at least 1, capped at {@code cap}; TIMEOUT when none are left. */
    int remainingMillis(long cap) throws HttpFailure {
        long left = endNanos - System.nanoTime();
        if (left <= 0) {
            throw new HttpFailure(HttpError.TIMEOUT, "total timeout passed");
        }
        long ms = Math.max(1, left / 1_000_000L);
        return (int) Math.min(ms, cap);
    }
}
