package io.mcpwasm.bench;

import io.mcpwasm.CallOptions;
import io.mcpwasm.Tool;
import io.mcpwasm.ToolResult;
import io.mcpwasm.internal.protocol.McpSession;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * An MCP server run as a subprocess speaking newline-delimited JSON-RPC over its stdin/stdout, driven by the same
 * client session class ({@link McpSession}) that mcpwasm uses for its in-process guests: the native-stdio and
 * node-WASI baselines. A reader thread splits the process's stdout into lines and hands each to the session;
 * requests are written to stdin on the calling thread.
 */
public final class StdioServer implements ToolClient {
    private final Process process;
    private final OutputStream stdin;
    private final McpSession session;
    private final Thread reader;
    private final ExecutorService events = Executors.newCachedThreadPool(daemon("stdio-events"));
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(daemon("stdio-timer"));

    private StdioServer(List<String> command, Path stderrLog) {
        try {
            ProcessBuilder pb = new ProcessBuilder(command);
            pb.redirectError(stderrLog == null ? ProcessBuilder.Redirect.DISCARD
                    : ProcessBuilder.Redirect.appendTo(stderrLog.toFile()));
            this.process = pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command, e);
        }
        this.stdin = process.getOutputStream();
        this.session = McpSession.builder(Path.of(command.get(0)).getFileName().toString())
                .sender(this::send)
                .eventExecutor(events)
                .scheduler(timers)
                .defaultTimeout(Duration.ofSeconds(60))
                .maxMessageBytes(64 << 20)
                .build();
        this.reader = new Thread(this::readLoop, "stdio-reader-" + process.pid());
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * Starts the command and performs the MCP set-up (the same discovery probe and handshake as in-process).
     *
     * @param stderrLog where the process's stderr goes (appended), or null to discard it
     */
    public static StdioServer start(List<String> command, Path stderrLog) {
        StdioServer s = new StdioServer(command, stderrLog);
        try {
            s.session.initialize(Duration.ofSeconds(60));
        } catch (RuntimeException e) {
            s.close();
            throw e;
        }
        return s;
    }

    /** The server's tools (tools/list). */
    public List<Tool> tools() {
        return session.tools();
    }

    @Override
    public ToolResult call(String tool, Map<String, ?> arguments) {
        return session.call(tool, arguments, CallOptions.defaults());
    }

    private void send(byte[] line) {
        synchronized (stdin) {
            try {
                stdin.write(line);
                stdin.flush();
            } catch (IOException e) {
                throw new UncheckedIOException("stdin of the server closed", e);
            }
        }
    }

    private void readLoop() {
        byte[] buf = new byte[1 << 16];
        byte[] line = new byte[1 << 16];
        int lineLen = 0;
        try (InputStream in = process.getInputStream()) {
            int n;
            while ((n = in.read(buf)) > 0) {
                int start = 0;
                for (int i = 0; i < n; i++) {
                    if (buf[i] == '\n') {
                        int part = i - start;
                        if (lineLen == 0) {
                            session.onMessage(buf, start, part);
                        } else {
                            line = append(line, lineLen, buf, start, part);
                            lineLen += part;
                            session.onMessage(line, 0, lineLen);
                            lineLen = 0;
                        }
                        start = i + 1;
                    }
                }
                if (start < n) {
                    line = append(line, lineLen, buf, start, n - start);
                    lineLen += n - start;
                }
            }
        } catch (IOException e) {
            // the process went away; close() reports nothing more
        }
    }

    private static byte[] append(byte[] line, int lineLen, byte[] src, int off, int len) {
        byte[] dst = line.length >= lineLen + len ? line : Arrays.copyOf(line, Math.max(line.length * 2, lineLen + len));
        System.arraycopy(src, off, dst, lineLen, len);
        return dst;
    }

    private static ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    @Override
    public void close() {
        session.close();
        timers.shutdownNow();
        events.shutdown();
        try {
            stdin.close();
        } catch (IOException e) {
            // already closed
        }
        try {
            if (!process.waitFor(2, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(2, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
