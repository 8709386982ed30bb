package io.mcpwasm.internal.protocol;

import io.mcpwasm.CallCancelledException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The future of one request. {@link #cancel(boolean)} sends {@code notifications/cancelled} and fails the future
 * with {@link CallCancelledException} (so {@code get()} throws an {@code ExecutionException} carrying it, and
 * {@link #isCancelled()} reports true). The channel completes it on its event executor.
 */
final class CallFuture<T> extends CompletableFuture<T> {
    private final JsonRpcChannel channel;
    private final String method;
    private volatile long id;
    private volatile boolean awaited;

    /** The one thread that waits on this future does so from the start and keeps its deadline. */
    private final boolean callerTimed;
    private final long callerDeadline;

    CallFuture(JsonRpcChannel channel, String method, boolean callerTimed, long deadline) {
        this.channel = channel;
        this.method = method;
        this.callerTimed = callerTimed;
        this.callerDeadline = deadline;
        this.awaited = callerTimed;
    }

    /** True when the one thread that waits on this future keeps its deadline (no timer task is scheduled). */
    boolean callerTimed() {
        return callerTimed;
    }

    /** The deadline (System.nanoTime) the waiting caller keeps; meaningful when {@link #callerTimed()}. */
    long deadline() {
        return callerDeadline;
    }

    /** The id of the request's current round (a multi round-trip request sends a new id each round). */
    void setCurrentId(long id) {
        this.id = id;
    }

    /** @return the request method */
    String method() {
        return method;
    }

    /** @return the id of the request's current round */
    long currentId() {
        return id;
    }

    /** A blocking caller waits on this future, and nobody else holds it (set by the session's own await). */
    void markAwaited() {
        awaited = true;
    }

    boolean awaited() {
        return awaited;
    }

    void succeed(T value) {
        super.complete(value);
    }

    void fail(Throwable t) {
        super.completeExceptionally(t);
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        if (isDone()) {
            return isCancelled();
        }
        long current = id;
        if (channel.cancelByCaller(current, method)) {
            return true;
        }
        // Not pending any more (answered, timed out, or never sent): complete unless something else did.
        return super.completeExceptionally(new CallCancelledException(channel.serverName(), method, current))
                || isCancelled();
    }

    @Override
    public boolean isCancelled() {
        if (!isCompletedExceptionally()) {
            return false;
        }
        try {
            join();
            return false;
        } catch (CompletionException e) {
            return e.getCause() instanceof CallCancelledException;
        } catch (java.util.concurrent.CancellationException e) {
            return true;
        }
    }

    @Override
    public <U> CompletableFuture<U> newIncompleteFuture() {
        return new CompletableFuture<>();
    }

}
