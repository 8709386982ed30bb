package io.mcpwasm.integrations.spring;

import io.mcpwasm.CallOptions;
import io.mcpwasm.McpModule;
import io.mcpwasm.McpRuntime;
import io.mcpwasm.McpServer;
import io.mcpwasm.McpServerPool;
import io.mcpwasm.ModuleLoadException;
import io.mcpwasm.ServerOptions;
import io.mcpwasm.Tool;
import io.mcpwasm.ToolResult;
import io.mcpwasm.wasi.CapabilityDeniedException;
import io.mcpwasm.wasi.HostPolicy;
import io.mcpwasm.wasi.Manifest;
import io.mcpwasm.wasi.McpWasmException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.io.Resource;
import org.springframework.core.io.ResourceLoader;
import org.springframework.util.unit.DataSize;

/**
 * The wasm MCP servers started from the {@code mcpwasm.servers.*} properties, by their configuration name. Started
 * when the application context starts (a server that cannot start fails the startup, naming the property to set)
 * and closed with it. A bean of the auto-configuration; use it to reach a server directly.
 */
public final class McpWasmServers implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(McpWasmServers.class);
    private static final String PREFIX = "mcpwasm.servers.";

    private final Map<String, Running> running;

    /** A started server (or pool of instances) and what it was started with. */
    record Running(String name, String toolPrefix, McpModule module, HostPolicy policy, McpServer server,
                   McpServerPool pool) {
        List<Tool> tools() {
            return pool != null ? pool.tools() : server.tools();
        }

        ToolResult call(String tool, Map<String, ?> arguments, CallOptions options) {
            return pool != null ? pool.call(tool, arguments, options) : server.call(tool, arguments, options);
        }
    }

    private McpWasmServers(Map<String, Running> running) {
        this.running = Collections.unmodifiableMap(running);
    }

    /** Starts every configured server; on a failure, closes those already started and throws. */
    static McpWasmServers start(McpRuntime runtime, McpWasmProperties properties, ResourceLoader resources,
                                List<SecretResolver> resolvers) {
        Map<String, Running> started = new LinkedHashMap<>();
        try {
            for (Map.Entry<String, McpWasmProperties.Server> e : properties.getServers().entrySet()) {
                started.put(e.getKey(), startOne(runtime, e.getKey(), e.getValue(), resources, resolvers));
            }
        } catch (RuntimeException e) {
            started.values().forEach(McpWasmServers::closeQuietly);
            throw e;
        }
        return new McpWasmServers(started);
    }

    /** The configuration names of the servers, in configuration order. */
    public Set<String> names() {
        return running.keySet();
    }

    /**
     * @return the server configured under {@code name}
     * @throws IllegalArgumentException when there is none, or it runs as a pool (see {@link #pool})
     */
    public McpServer server(String name) {
        Running r = get(name);
        if (r.server == null) {
            throw new IllegalArgumentException("mcpwasm server '" + name + "' runs as a pool: use pool(name)");
        }
        return r.server;
    }

    /**
     * @return the pool of the server configured under {@code name} with {@code pool-size} above 1
     * @throws IllegalArgumentException when there is none, or it runs as a single instance
     */
    public McpServerPool pool(String name) {
        Running r = get(name);
        if (r.pool == null) {
            throw new IllegalArgumentException("mcpwasm server '" + name + "' runs as one instance: use server(name)");
        }
        return r.pool;
    }

    Map<String, Running> running() {
        return running;
    }

    private Running get(String name) {
        Running r = running.get(name);
        if (r == null) {
            throw new IllegalArgumentException("no mcpwasm server '" + name + "'; configured: " + running.keySet());
        }
        return r;
    }

    /** Closes every server. Idempotent. */
    @Override
    public void close() {
        running.values().forEach(McpWasmServers::closeQuietly);
    }

    private static void closeQuietly(Running r) {
        try {
            if (r.pool != null) {
                r.pool.close();
            } else {
                r.server.close();
            }
        } catch (RuntimeException e) {
            LOG.warn("closing mcpwasm server '{}' failed", r.name, e);
        }
    }

    private static Running startOne(McpRuntime runtime, String name, McpWasmProperties.Server config,
                                    ResourceLoader resources, List<SecretResolver> resolvers) {
        String at = PREFIX + name;
        McpModule module = load(runtime, at, config.getModule(), resources);
        HostPolicy policy = policy(at, name, config, module, resolvers);
        ServerOptions.Builder options = ServerOptions.builder();
        positive(at + ".start-timeout", config.getStartTimeout(), options::startTimeout);
        if (config.isAutoRestart()) {
            options.autoRestart(Duration.ofMillis(200), Duration.ofSeconds(30));
        }
        if (config.getPoolSize() < 1) {
            throw new McpWasmConfigurationException(at + ".pool-size", at + ".pool-size must be at least 1, was "
                    + config.getPoolSize(), null);
        }
        String prefix = config.getToolPrefix() == null ? "" : config.getToolPrefix();
        if (!prefix.matches("[A-Za-z0-9_-]*")) {
            throw new McpWasmConfigurationException(at + ".tool-prefix", at + ".tool-prefix '" + prefix
                    + "': tool names may only use letters, digits, '_' and '-'", null);
        }
        try {
            if (config.getPoolSize() > 1) {
                McpServerPool pool = module.startPool(policy, options.build(), config.getPoolSize());
                LOG.info("mcpwasm server '{}' ({}) started: {} instances", name, module.name(), config.getPoolSize());
                return new Running(name, prefix, module, policy, null, pool);
            }
            McpServer server = module.start(policy, options.build());
            LOG.info("mcpwasm server '{}' ({}) started", name, module.name());
            return new Running(name, prefix, module, policy, server, null);
        } catch (CapabilityDeniedException e) {
            throw refused(at, e);
        } catch (IllegalStateException e) { // a pool of a server that is not stateless
            throw new McpWasmConfigurationException(at + ".pool-size", at + ".pool-size: " + e.getMessage()
                    + "; set it to 1", e);
        } catch (McpWasmException e) {
            throw new McpWasmConfigurationException(at, at + ": " + e.getMessage(), e);
        }
    }

    private static McpModule load(McpRuntime runtime, String at, String location, ResourceLoader resources) {
        String property = at + ".module";
        if (location == null || location.isBlank()) {
            throw new McpWasmConfigurationException(property, property + " is not set: give the server's .wasm,"
                    + " e.g. classpath:/servers/tools.wasm or file:/opt/mcp/tools.wasm", null);
        }
        Resource resource = resources.getResource(location);
        if (!resource.exists()) {
            throw new McpWasmConfigurationException(property, property + ": no such resource " + location, null);
        }
        try {
            if (resource.isFile()) {
                return runtime.load(resource.getFile().toPath());
            }
            String file = resource.getFilename() != null ? resource.getFilename() : "module.wasm";
            try (InputStream in = resource.getInputStream()) {
                return runtime.load(in, file.endsWith(".wasm") ? file.substring(0, file.length() - 5) : file);
            }
        } catch (IOException | ModuleLoadException e) {
            throw new McpWasmConfigurationException(property, property + ": cannot load " + location + ": "
                    + e.getMessage(), e);
        }
    }

    private static HostPolicy policy(String at, String name, McpWasmProperties.Server config, McpModule module,
                                     List<SecretResolver> resolvers) {
        HostPolicy.Builder b = HostPolicy.builder();
        List<McpWasmProperties.Mount> mounts = config.getMounts();
        for (int i = 0; i < mounts.size(); i++) {
            McpWasmProperties.Mount m = mounts.get(i);
            String p = at + ".mounts[" + i + "]";
            if (m.getGuestPath() == null || m.getHostPath() == null) {
                throw new McpWasmConfigurationException(p, p + " needs both guest-path and host-path", null);
            }
            apply(p, () -> {
                if (m.isReadOnly()) {
                    b.mountReadOnly(m.getGuestPath(), m.getHostPath());
                } else {
                    b.mount(m.getGuestPath(), m.getHostPath());
                }
            });
        }
        config.getNetwork().forEach(pattern -> apply(at + ".network", () -> b.allowNetwork(pattern)));
        config.getEnv().forEach((k, v) -> apply(at + ".env." + k, () -> b.env(k, v)));
        config.getSecrets().forEach((k, v) -> apply(at + ".secrets." + k,
                () -> b.secret(k, v.getBytes(StandardCharsets.UTF_8))));
        List<Manifest.Secret> declared = module.manifest().map(Manifest::secrets).orElse(List.of());
        for (Manifest.Secret s : declared) {
            if (config.getSecrets().containsKey(s.name())) {
                continue;
            }
            for (SecretResolver resolver : resolvers) {
                byte[] value = resolver.resolve(name, s.name());
                if (value != null) {
                    apply(at + ".secrets." + s.name(), () -> b.secret(s.name(), value));
                    break;
                }
            }
        }
        clock(at, config, b);
        size(at + ".max-memory", config.getMaxMemory(), b::maxMemory);
        size(at + ".max-message-size", config.getMaxMessageSize(), b::maxMessageBytes);
        size(at + ".filesystem-quota", config.getFilesystemQuota(), b::maxFilesystemQuota);
        positive(at + ".call-timeout", config.getCallTimeout(), b::maxCallTimeout);
        return b.build();
    }

    /** Maps a refused capability to the property that grants it. */
    private static McpWasmConfigurationException refused(String at, CapabilityDeniedException e) {
        String property;
        String action;
        switch (e.capability()) {
            case "filesystem":
                property = at + ".mounts";
                action = "bind it: " + property + "[N].guest-path=" + e.target() + " and " + property
                        + "[N].host-path=<a directory on this host>";
                break;
            case "secret":
                property = at + ".secrets." + e.target();
                action = "set " + property + " or supply it from a SecretResolver bean";
                break;
            case "network":
                property = at + ".network";
                action = "add " + e.target() + " to " + property;
                break;
            case "clock":
                property = at + ".clock";
                action = "set " + property + "=real";
                break;
            default:
                property = at;
                action = "grant it under " + at;
        }
        return new McpWasmConfigurationException(property, at + ": " + e.getMessage() + ". To start it, " + action,
                e);
    }

    /** The clock the {@code clock}, {@code clock-start} and {@code clock-offset} properties ask for. */
    private static void clock(String at, McpWasmProperties.Server config, HostPolicy.Builder b) {
        McpWasmProperties.ClockPolicy clock = config.getClock() == null ? McpWasmProperties.ClockPolicy.REAL
                : config.getClock();
        boolean startUsed = clock == McpWasmProperties.ClockPolicy.WITHHELD
                || clock == McpWasmProperties.ClockPolicy.FIXED;
        if (config.getClockStart() != null && !startUsed) {
            throw new McpWasmConfigurationException(at + ".clock-start", at + ".clock-start only applies to "
                    + at + ".clock=withheld or fixed, not " + clock.name().toLowerCase(Locale.ROOT), null);
        }
        if (config.getClockOffset() != null && clock != McpWasmProperties.ClockPolicy.OFFSET) {
            throw new McpWasmConfigurationException(at + ".clock-offset", at + ".clock-offset only applies to "
                    + at + ".clock=offset", null);
        }
        Instant start = null;
        if (config.getClockStart() != null) {
            try {
                start = Instant.parse(config.getClockStart());
            } catch (DateTimeParseException e) {
                throw new McpWasmConfigurationException(at + ".clock-start", at + ".clock-start '"
                        + config.getClockStart() + "' is not an ISO-8601 instant such as 2030-01-01T00:00:00Z", e);
            }
        }
        switch (clock) {
            case REAL -> b.allowRealtimeClock();
            case WITHHELD -> b.wallClockStart(start != null ? start : HostPolicy.DEFAULT_WALL_CLOCK_START);
            case FIXED -> {
                if (start == null) {
                    throw new McpWasmConfigurationException(at + ".clock-start", at + ".clock=fixed needs "
                            + at + ".clock-start, e.g. 2030-01-01T00:00:00Z", null);
                }
                b.fixedClock(start);
            }
            case OFFSET -> {
                if (config.getClockOffset() == null) {
                    throw new McpWasmConfigurationException(at + ".clock-offset", at + ".clock=offset needs "
                            + at + ".clock-offset, e.g. -365d", null);
                }
                b.realtimeClockOffset(config.getClockOffset());
            }
        }
    }

    private static void apply(String property, Runnable setter) {
        try {
            setter.run();
        } catch (IllegalArgumentException e) {
            throw new McpWasmConfigurationException(property, property + ": " + e.getMessage(), e);
        }
    }

    private static void size(String property, DataSize size, java.util.function.LongConsumer setter) {
        if (size != null) {
            apply(property, () -> setter.accept(size.toBytes()));
        }
    }

    private static void positive(String property, Duration d, Function<Duration, ?> setter) {
        if (d != null) {
            apply(property, () -> setter.apply(d));
        }
    }

    @Override
    public String toString() {
        List<String> names = new ArrayList<>(running.keySet());
        return "McpWasmServers" + names;
    }
}
