package io.mcpwasm.internal;

import io.mcpwasm.FailureKind;
import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches one guest's stdin: input that has waited unread for longer than the call timeout makes the guest
 * unresponsive, and it is aborted with {@link FailureKind#UNRESPONSIVE}. This catches a guest that sleeps or waits
 * on a clock (where a busy check cannot see it) as well as one that simply stopped reading. Used by every owner
 * of a {@link GuestProcess} that sends it input ({@code McpServer}, {@code GuestConnection}).
 *
 * <p>The check runs on the runtime's timer about four times per call timeout (between 10 ms and 1 s apart).
 */
public final class InputWatch {
    private static final Logger LOG = LoggerFactory.getLogger(InputWatch.class);

    private volatile ScheduledFuture<?> task;
    private volatile boolean stopped;

    private InputWatch() {
    }

    /**
     * Starts watching.
     *
     * @param name        the server's name, for the log
     * @param timer       the runtime's timer
     * @param process     the guest whose input is watched
     * @param callTimeout how long input may wait unread
     * @param watched     asked before each check; once false the watch ends (the owner closed or replaced the guest)
     * @return the watch; when the timer no longer accepts tasks (the runtime is closing) one that does nothing
     */
    public static InputWatch start(String name, ScheduledExecutorService timer, GuestProcess process,
                                   Duration callTimeout, BooleanSupplier watched) {
        InputWatch w = new InputWatch();
        long limit = callTimeout.toNanos();
        long period = Math.max(TimeUnit.MILLISECONDS.toNanos(10), Math.min(limit / 4, TimeUnit.SECONDS.toNanos(1)));
        Runnable check = () -> {
            if (w.stopped || !watched.getAsBoolean()) {
                w.stop();
                return;
            }
            long unread = process.unreadInputNanos();
            if (unread > limit) {
                process.abort(FailureKind.UNRESPONSIVE, "left its input unread for "
                        + TimeUnit.NANOSECONDS.toMillis(unread) + " ms, longer than its call timeout of "
                        + callTimeout.toMillis() + " ms", null);
                w.stop();
            }
        };
        try {
            w.task = timer.scheduleWithFixedDelay(check, period, period, TimeUnit.NANOSECONDS);
            if (w.stopped) {
                w.task.cancel(false);
            }
        } catch (RejectedExecutionException e) {
            LOG.debug("server '{}': the runtime is closing; its input is not watched", name);
        }
        return w;
    }

    /** Ends the watch at once (the timer drops cancelled tasks, so the guest is not held until the next run). */
    public void stop() {
        stopped = true;
        ScheduledFuture<?> t = task;
        if (t != null) {
            t.cancel(false);
        }
    }
}
