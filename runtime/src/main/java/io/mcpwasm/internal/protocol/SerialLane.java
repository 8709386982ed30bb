package io.mcpwasm.internal.protocol;

import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * Runs tasks one at a time, in submission order, on an executor (borrowing one of its threads while work is
 * queued). Used so listener and progress events, and a raw connection's inbound messages, reach user code in the
 * order the server sent them. A task must not throw: the lane would stop draining.
 */
public final class SerialLane {
    private final Executor executor;
    private final Consumer<Runnable> onReject;
    private final ArrayDeque<Runnable> queue = new ArrayDeque<>();
    private boolean running;

    /** @param onReject given the drain task when {@code executor} refuses it (its runtime closed) */
    public SerialLane(Executor executor, Consumer<Runnable> onReject) {
        this.executor = executor;
        this.onReject = onReject;
    }

    public void execute(Runnable task) {
        offer(task, Integer.MAX_VALUE);
    }

    /**
     * Queues {@code task} unless {@code limit} tasks already wait.
     *
     * @return false when the task was not queued
     */
    boolean offer(Runnable task, int limit) {
        synchronized (queue) {
            if (queue.size() >= limit) {
                return false;
            }
            queue.add(task);
            if (running) {
                return true;
            }
            running = true;
        }
        submitDrain();
        return true;
    }

    private void submitDrain() {
        try {
            executor.execute(this::drain);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            onReject.accept(this::drain);
        }
    }

    private void drain() {
        while (true) {
            Runnable next;
            synchronized (queue) {
                next = queue.poll();
                if (next == null) {
                    running = false;
                    return;
                }
            }
            next.run();
        }
    }
}
