package io.mcpwasm.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.mcpwasm.McpModule;
import io.mcpwasm.ServerFailedException;
import io.mcpwasm.wasi.HostPolicy;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code mcpwasm run}: one guest served over the gateway's own stdin/stdout, one JSON-RPC message per line in each
 * direction, so the command drops into an MCP client's {@code command}/{@code args}. Only protocol messages are
 * written to {@code out}; everything else (guest stderr, audit, errors) goes to the log.
 */
final class StdioGateway {
    private static final Logger LOG = LoggerFactory.getLogger("mcpwasm.gateway");

    private final OutputStream out;
    private final long maxMessageBytes;
    private final CompletableFuture<ServerFailedException> stopped = new CompletableFuture<>();

    StdioGateway(OutputStream out, long maxMessageBytes) {
        this.out = out;
        this.maxMessageBytes = maxMessageBytes;
    }

    /**
     * Serves until the client closes stdin (after the requests still open are answered or time out) or the guest
     * stops.
     *
     * @return the process exit status: 0 after a clean end, 1 when the guest failed
     */
    int serve(McpModule module, HostPolicy policy, Duration timeout, ScheduledExecutorService timer, InputStream in) {
        GuestLink link = GuestLink.open(module, policy, timeout, timer, new GuestLink.Sink() {
            @Override
            public void fromGuest(String line, JsonNode message) {
                write(line);
            }

            @Override
            public void closed(ServerFailedException failure) {
                stopped.complete(failure);
            }
        });
        try (link) {
            Thread reader = new Thread(() -> readClient(in, link), "mcpwasm-stdin");
            reader.setDaemon(true);
            reader.start();
            ServerFailedException failure = stopped.join();
            if (failure != null) {
                LOG.error("server '{}' stopped: {}", module.name(), failure.getMessage());
                return 1;
            }
            LOG.info("server '{}' exited", module.name());
            return 0;
        }
    }

    private void readClient(InputStream in, GuestLink link) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null && link.isOpen()) {
                if (line.isBlank()) {
                    continue;
                }
                if (line.length() > maxMessageBytes) {
                    write(JsonRpc.error(null, JsonRpc.INVALID_REQUEST, "message of " + line.length() + " characters is over the limit of "
                            + maxMessageBytes + " bytes (raise with --max-message)"));
                    continue;
                }
                try {
                    link.send(line, JsonRpc.parse(line));
                } catch (JsonRpc.BadMessage e) {
                    write(e.errorLine());
                }
            }
        } catch (IOException e) {
            LOG.warn("reading stdin failed: {}", e.toString());
        }
        // End of input: let the guest answer what it was asked (bounded by the request timeout), then stop it.
        while (link.pendingRequests() > 0 && link.isOpen()) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        link.close();
        stopped.complete(null);
    }

    private synchronized void write(String line) {
        try {
            out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
