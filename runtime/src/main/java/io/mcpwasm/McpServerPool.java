package io.mcpwasm;

import io.mcpwasm.wasi.HostPolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Several instances of one stateless server behind one set of calls, for throughput: each call goes to the
 * instance with the fewest calls in flight (ties in turn), skipping instances that have failed. Only for modules
 * whose manifest declares {@code "stateless": true}: with state, a caller's consecutive calls could reach
 * instances that do not share it. Obtain one from {@link McpModule#startPool}. Thread-safe.
 *
 * <p>Every instance runs with the same grants and options (its own thread and memory); with automatic restart in
 * the options a failed instance comes back by itself, otherwise the pool serves with the rest.
 */
public final class McpServerPool implements AutoCloseable {
    private final String name;
    private final List<McpServer> servers;
    private final AtomicInteger[] inFlight;
    private final AtomicInteger turn = new AtomicInteger();

    private McpServerPool(String name, List<McpServer> servers) {
        this.name = name;
        this.servers = List.copyOf(servers);
        this.inFlight = new AtomicInteger[servers.size()];
        for (int i = 0; i < inFlight.length; i++) {
            inFlight[i] = new AtomicInteger();
        }
    }

    static McpServerPool start(McpModule module, HostPolicy policy, ServerOptions options, int size) {
        if (size < 1) {
            throw new IllegalArgumentException("pool size must be at least 1, was " + size);
        }
        if (module.manifest().map(m -> !m.stateless()).orElse(true)) {
            throw new IllegalStateException("server '" + module.name() + "' does not declare \"stateless\": true in"
                    + " its manifest: a pool could send a caller's calls to instances that do not share its state");
        }
        List<McpServer> started = new ArrayList<>();
        try {
            for (int i = 0; i < size; i++) {
                started.add(module.start(policy, options));
            }
        } catch (RuntimeException e) {
            started.forEach(McpServer::close);
            throw e;
        }
        return new McpServerPool(module.name(), started);
    }

    /** The server's name. */
    public String name() {
        return name;
    }

    /** The instances, in start order. */
    public List<McpServer> servers() {
        return servers;
    }

    /** The tools (every instance runs the same module). */
    public List<Tool> tools() {
        return servers.get(pick()).tools();
    }

    public ToolResult call(String tool, Map<String, ?> arguments) {
        return call(tool, arguments, CallOptions.defaults());
    }

    public ToolResult call(String tool, Map<String, ?> arguments, CallOptions options) {
        int i = pick();
        inFlight[i].incrementAndGet();
        try {
            return servers.get(i).call(tool, arguments, options);
        } finally {
            inFlight[i].decrementAndGet();
        }
    }

    public CompletableFuture<ToolResult> callAsync(String tool, Map<String, ?> arguments, CallOptions options) {
        int i = pick();
        inFlight[i].incrementAndGet();
        CompletableFuture<ToolResult> f;
        try {
            f = servers.get(i).callAsync(tool, arguments, options);
        } catch (RuntimeException e) {
            inFlight[i].decrementAndGet();
            throw e;
        }
        f.whenComplete((r, t) -> inFlight[i].decrementAndGet());
        return f;
    }

    /** Closes every instance. Idempotent. */
    @Override
    public void close() {
        servers.forEach(McpServer::close);
    }

    /** The live instance with the fewest calls in flight, starting the search at the next turn. */
    private int pick() {
        int n = servers.size();
        int start = Math.floorMod(turn.getAndIncrement(), n);
        int best = -1;
        for (int k = 0; k < n; k++) {
            int i = (start + k) % n;
            ServerState state = servers.get(i).state();
            if (state == ServerState.FAILED || state == ServerState.CLOSED) {
                continue;
            }
            if (best < 0 || inFlight[i].get() < inFlight[best].get()) {
                best = i;
            }
        }
        if (best < 0) {
            // Nothing live: let the first instance report why (its failure, or closed).
            return 0;
        }
        return best;
    }

    @Override
    public String toString() {
        return "McpServerPool[" + name + ", " + servers.size() + " instances]";
    }
}
