package io.mcpwasm.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One Server-Sent Events stream to a client: messages are queued by the session (never blocking the guest's
 * event thread) and written by the HTTP handler thread that owns the exchange, which also sends a comment line
 * every keep-alive interval so that a client that went away is noticed.
 */
final class SseStream {
    private static final String END = new String("end"); // identity marks the end of the stream
    private static final int MAX_QUEUED = 4096;

    private final BlockingQueue<String> queue = new LinkedBlockingQueue<>(MAX_QUEUED);
    private volatile boolean closed;

    /** Queues one JSON-RPC message; false when the stream has ended, the client is gone or the queue is full. */
    boolean send(String json) {
        return !closed && queue.offer(json);
    }

    /** Ends the stream after the messages queued so far. */
    void finish() {
        if (!closed) {
            closed = true;
            queue.offer(END);
        }
    }

    boolean isOpen() {
        return !closed;
    }

    /** Writes queued messages until {@link #finish()} or until the client goes away. */
    void pump(OutputStream out, long keepAliveMillis) {
        try {
            while (true) {
                String next = queue.poll(keepAliveMillis, TimeUnit.MILLISECONDS);
                if (next == END) {
                    return;
                }
                String frame = next == null ? ": keep-alive\n\n" : "event: message\ndata: " + next + "\n\n";
                out.write(frame.getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
        } catch (IOException e) {
            closed = true; // the client disconnected
        } catch (InterruptedException e) {
            closed = true;
            Thread.currentThread().interrupt();
        } finally {
            closed = true;
            queue.clear();
        }
    }
}
