package io.mcpwasm.wasi.internal;

import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The guest's standard input: an in-memory byte queue that the host writes and the guest reads, optionally bounded
 * ({@link #GuestInput(long)}: {@link #offer} refuses what would queue more than the bound).
 *
 * <p>It also tells how long queued bytes have waited without the guest reading any ({@link #unreadNanos()}), so
 * that a guest which stopped reading its input can be told apart from one that is merely idle.
 *
 * <p>{@link #write} never blocks. {@link #close()} marks the end of input: the guest reads the bytes still
 * queued, then end-of-file. Readers wait on a condition that {@code write} and {@code close} signal, so a
 * blocked {@code fd_read} or {@code poll_oneoff} wakes as soon as bytes arrive, with no polling delay.
 *
 * <p>Thread-safe. Every wait responds to {@link Thread#interrupt()} by throwing {@link InterruptedException}.
 */
public final class GuestInput {

    /** Returned by {@link #readNonBlocking} when the queue is empty and input is not closed. */
    public static final int WOULD_BLOCK = -2;

    /** Returned by the read methods at end of input. */
    public static final int EOF = -1;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition readable = lock.newCondition();
    private final ArrayDeque<byte[]> chunks = new ArrayDeque<>();
    private final long maxQueuedBytes;
    private int headOffset;
    private long queued;
    private long waitingSince; // System.nanoTime() since when queued bytes wait with no read; valid while queued > 0
    private boolean closed;

    /** Creates an open, empty, unbounded input. */
    public GuestInput() {
        this(Long.MAX_VALUE);
    }

    /**
     * Creates an open, empty input that {@link #offer} keeps at or under {@code maxQueuedBytes} unread bytes.
     *
     * @throws IllegalArgumentException when the bound is not positive
     */
    public GuestInput(long maxQueuedBytes) {
        if (maxQueuedBytes <= 0) {
            throw new IllegalArgumentException("maxQueuedBytes must be positive, got " + maxQueuedBytes);
        }
        this.maxQueuedBytes = maxQueuedBytes;
    }

    /** An input that is already closed: the guest reads end-of-file at once. */
    public static GuestInput closedInput() {
        GuestInput in = new GuestInput();
        in.close();
        return in;
    }

    /** An input holding {@code bytes} and then end-of-file. */
    public static GuestInput of(byte[] bytes) {
        GuestInput in = new GuestInput();
        in.write(bytes);
        in.close();
        return in;
    }

    /**
     * Queues all of {@code b} for the guest. Never blocks.
     *
     * @throws IllegalStateException when the input was closed
     */
    public void write(byte[] b) {
        Objects.requireNonNull(b, "b");
        write(b, 0, b.length);
    }

    /**
     * Queues {@code len} bytes of {@code b} from {@code off} for the guest (copied). Never blocks.
     *
     * @throws IllegalStateException when the input was closed
     */
    public void write(byte[] b, int off, int len) {
        Objects.requireNonNull(b, "b");
        Objects.checkFromIndexSize(off, len, b.length);
        if (len == 0) {
            return;
        }
        byte[] copy = new byte[len];
        System.arraycopy(b, off, copy, 0, len);
        enqueue(copy, Long.MAX_VALUE);
    }

    /**
     * Queues all of {@code b} (kept, not copied) unless the unread bytes would then exceed the bound given at
     * construction. Never blocks.
     *
     * @return false, queueing nothing, when the bound would be exceeded
     * @throws IllegalStateException when the input was closed
     */
    public boolean offer(byte[] b) {
        Objects.requireNonNull(b, "b");
        return b.length == 0 || enqueue(b, maxQueuedBytes);
    }

    private boolean enqueue(byte[] chunk, long bound) {
        lock.lock();
        try {
            if (closed) {
                throw new IllegalStateException("GuestInput is closed");
            }
            if (chunk.length > bound - queued) {
                return false;
            }
            if (queued == 0) {
                waitingSince = System.nanoTime();
            }
            chunks.addLast(chunk);
            queued += chunk.length;
            readable.signalAll();
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** The bound {@link #offer} keeps to ({@link Long#MAX_VALUE} when unbounded). */
    public long maxQueuedBytes() {
        return maxQueuedBytes;
    }

    /**
     * How long the queued bytes have waited without the guest reading any of them: 0 when nothing is queued,
     * otherwise the time since the last read (or since bytes were queued, when the queue was empty then).
     */
    public long unreadNanos() {
        lock.lock();
        try {
            return queued == 0 ? 0 : Math.max(1, System.nanoTime() - waitingSince);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Closes the input and drops every queued byte: the guest reads end-of-file at once. For a guest that is gone
     * or being stopped, so that its unread input is not kept alive by whoever still holds this object.
     *
     * @return how many bytes were dropped
     */
    public long discard() {
        lock.lock();
        try {
            long dropped = queued;
            closed = true;
            chunks.clear();
            headOffset = 0;
            queued = 0;
            readable.signalAll();
            return dropped;
        } finally {
            lock.unlock();
        }
    }

    /** Ends the input: after the queued bytes the guest reads end-of-file. Idempotent. */
    public void close() {
        lock.lock();
        try {
            closed = true;
            readable.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** True once {@link #close()} was called (bytes may still be queued). */
    public boolean isClosed() {
        lock.lock();
        try {
            return closed;
        } finally {
            lock.unlock();
        }
    }

    /** How many bytes are queued and not yet read. */
    public long available() {
        lock.lock();
        try {
            return queued;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Reads up to {@code len} bytes, waiting until at least one byte is queued or the input is closed.
     *
     * @return the number of bytes read (at least 1 when {@code len > 0}), or {@link #EOF}
     * @throws InterruptedException when the waiting thread is interrupted
     */
    public int read(byte[] b, int off, int len) throws InterruptedException {
        Objects.checkFromIndexSize(off, len, b.length);
        lock.lockInterruptibly();
        try {
            while (queued == 0 && !closed) {
                readable.await();
            }
            return take(b, off, len);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Reads up to {@code len} bytes without waiting.
     *
     * @return the number of bytes read, {@link #EOF} at end of input, or {@link #WOULD_BLOCK} when nothing
     *     is queued yet
     */
    public int readNonBlocking(byte[] b, int off, int len) {
        Objects.checkFromIndexSize(off, len, b.length);
        lock.lock();
        try {
            if (queued == 0 && !closed) {
                return WOULD_BLOCK;
            }
            return take(b, off, len);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until the input is readable (bytes queued, or closed) or {@code timeout} elapses.
     * A zero or negative timeout checks once without waiting.
     *
     * @return true when readable
     * @throws InterruptedException when the waiting thread is interrupted
     */
    public boolean awaitReadable(long timeout, TimeUnit unit) throws InterruptedException {
        long nanos = unit.toNanos(timeout);
        lock.lockInterruptibly();
        try {
            while (queued == 0 && !closed) {
                if (nanos <= 0) {
                    return false;
                }
                nanos = readable.awaitNanos(nanos);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until the input is readable, with no time limit.
     *
     * @throws InterruptedException when the waiting thread is interrupted
     */
    public void awaitReadable() throws InterruptedException {
        lock.lockInterruptibly();
        try {
            while (queued == 0 && !closed) {
                readable.await();
            }
        } finally {
            lock.unlock();
        }
    }

    private int take(byte[] b, int off, int len) {
        if (queued == 0) {
            return EOF;
        }
        int copied = 0;
        while (copied < len && !chunks.isEmpty()) {
            byte[] head = chunks.peekFirst();
            int n = Math.min(len - copied, head.length - headOffset);
            System.arraycopy(head, headOffset, b, off + copied, n);
            copied += n;
            headOffset += n;
            if (headOffset == head.length) {
                chunks.removeFirst();
                headOffset = 0;
            }
        }
        queued -= copied;
        if (copied > 0) {
            waitingSince = System.nanoTime();
        }
        return copied;
    }
}
