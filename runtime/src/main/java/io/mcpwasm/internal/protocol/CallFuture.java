package io.mcpwasm.internal.protocol;

import io.mcpwasm.CallCancelledException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;

/**
 * The future of one request. {@link #cancel(boolean)} sends {@code notifications/cancelled} and fails the future
 * with {@link CallCancelledException} (so {@code get()} throws an {@code ExecutionException} carrying it, and
 * {@link #isCancelled()} reports true). Async dependents without an explicit executor run on the session's event
 * executor.
 */
final class CallFuture<T> extends CompletableFuture<T> {
    private final McpSession session;
    private final long id;
    private final String method;

    CallFuture(McpSession session, long id, String method) {
        this.session = session;
        this.id = id;
        this.method = method;
    }

    long id() {
        return id;
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
        if (session.cancelByCaller(id, method)) {
            return true;
        }
        // Not pending any more (answered, timed out, or never sent): complete unless something else did.
        return super.completeExceptionally(new CallCancelledException(session.serverName(), method, id))
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

    @Override
    public Executor defaultExecutor() {
        return super.defaultExecutor();
    }
}
