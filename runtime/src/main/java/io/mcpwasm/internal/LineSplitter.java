package io.mcpwasm.internal;

import io.mcpwasm.wasi.GuestOutput;
import java.util.Arrays;

/**
 * Splits what a guest writes to a stream into lines and hands each complete line to a sink, on the guest's
 * own thread, with no copy when a whole line arrives in one write. A trailing {@code \r} is dropped; empty
 * lines are skipped. A line longer than the limit goes to the overflow handler (which may throw to stop the
 * guest) and is discarded.
 */
public final class LineSplitter implements GuestOutput {

    /** Receives one line without its terminator; the array is only valid during the call. */
    @FunctionalInterface
    public interface LineSink {
        void line(byte[] buffer, int offset, int length);
    }

    /** Told when a line grows past the limit; {@code length} is what was buffered so far. */
    @FunctionalInterface
    interface OverflowHandler {
        void overflow(byte[] buffer, int offset, int length);
    }

    private final int maxLineBytes;
    private final LineSink sink;
    private final OverflowHandler overflow;
    private byte[] pending = new byte[256];
    private int pendingLength;
    private boolean discarding;

    LineSplitter(int maxLineBytes, LineSink sink, OverflowHandler overflow) {
        this.maxLineBytes = maxLineBytes;
        this.sink = sink;
        this.overflow = overflow;
    }

    @Override
    public void write(byte[] b, int off, int len) {
        int end = off + len;
        int start = off;
        for (int i = off; i < end; i++) {
            if (b[i] != '\n') {
                continue;
            }
            if (discarding) {
                discarding = false;
            } else if (pendingLength == 0) {
                emit(b, start, i - start);
            } else {
                append(b, start, i - start);
                if (!discarding) {
                    emit(pending, 0, pendingLength);
                }
                discarding = false;
            }
            pendingLength = 0;
            start = i + 1;
        }
        if (start < end && !discarding) {
            append(b, start, end - start);
        }
    }

    /** Delivers a final line that had no terminator (the guest's stream ended). */
    void flush() {
        if (pendingLength > 0 && !discarding) {
            emit(pending, 0, pendingLength);
        }
        pendingLength = 0;
        discarding = false;
    }

    private void append(byte[] b, int off, int len) {
        if (pendingLength + (long) len > maxLineBytes) {
            discarding = true;
            int keep = Math.min(len, Math.max(0, maxLineBytes - pendingLength));
            ensure(pendingLength + keep);
            System.arraycopy(b, off, pending, pendingLength, keep);
            int total = pendingLength + keep;
            pendingLength = 0;
            overflow.overflow(pending, 0, total);
            return;
        }
        ensure(pendingLength + len);
        System.arraycopy(b, off, pending, pendingLength, len);
        pendingLength += len;
    }

    private void ensure(int capacity) {
        if (capacity > pending.length) {
            pending = Arrays.copyOf(pending, Math.max(capacity, pending.length * 2));
        }
    }

    private void emit(byte[] b, int off, int len) {
        if (len > 0 && b[off + len - 1] == '\r') {
            len--;
        }
        if (len > maxLineBytes) {
            overflow.overflow(b, off, len);
            return;
        }
        if (len > 0) {
            sink.line(b, off, len);
        }
    }
}
