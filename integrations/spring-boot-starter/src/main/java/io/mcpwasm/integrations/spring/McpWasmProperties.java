package io.mcpwasm.integrations.spring;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * The {@code mcpwasm.*} properties: the runtime's settings and the wasm MCP servers to start, each under
 * {@code mcpwasm.servers.<name>}. Everything a server may use is denied unless set here (or, for secrets, supplied
 * by a {@link SecretResolver} bean) and declared in the server's manifest.
 */
@ConfigurationProperties(prefix = "mcpwasm")
public class McpWasmProperties {
    /** Whether to start the runtime and the configured servers at all. */
    private boolean enabled = true;

    /**
     * Where compiled modules are cached between runs; by default the user's cache directory
     * ($XDG_CACHE_HOME/mcpwasm or ~/.cache/mcpwasm).
     */
    private Path cacheDir;

    /** Whether compiled modules are cached on disk; when false each start compiles them again, in memory. */
    private boolean compileCache = true;

    /** The servers to start, by name; the name is used in property paths, logs and as the MCP client name. */
    private Map<String, Server> servers = new LinkedHashMap<>();

    /** The tools of the servers as Spring AI's MCP client connections (when Spring AI's MCP client is present). */
    private McpClient mcpClient = new McpClient();

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public Path getCacheDir() {
        return cacheDir;
    }

    public void setCacheDir(Path cacheDir) {
        this.cacheDir = cacheDir;
    }

    public boolean isCompileCache() {
        return compileCache;
    }

    public void setCompileCache(boolean compileCache) {
        this.compileCache = compileCache;
    }

    public Map<String, Server> getServers() {
        return servers;
    }

    public void setServers(Map<String, Server> servers) {
        this.servers = servers;
    }

    public McpClient getMcpClient() {
        return mcpClient;
    }

    public void setMcpClient(McpClient mcpClient) {
        this.mcpClient = mcpClient;
    }

    /** Settings of the MCP client connections offered to Spring AI's MCP client starter. */
    public static class McpClient {
        /**
         * Whether each server also gets a connection of its own (a second instance) that Spring AI's MCP client
         * starter turns into an McpSyncClient; only applies when that starter is on the class path.
         */
        private boolean enabled = true;

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }
    }

    /** One wasm MCP server. */
    public static class Server {
        /** The module: a Spring resource location such as classpath:/servers/tools.wasm or file:/opt/tools.wasm. */
        private String module;

        /** Directories bound to the guest paths the manifest declares. */
        private List<Mount> mounts = new ArrayList<>();

        /** Network destinations allowed, as host patterns such as https://api.example.com or https://*.example.com:8443. */
        private List<String> network = new ArrayList<>();

        /** Values of the environment variables the manifest declares. */
        private Map<String, String> env = new LinkedHashMap<>();

        /**
         * Values of the secrets the manifest declares, by secret name (UTF-8). Never logged; secrets missing here
         * are asked of the SecretResolver beans.
         */
        private Map<String, String> secrets = new LinkedHashMap<>();

        /**
         * What the guest's realtime clock reads: REAL (the host's date and time, the default), WITHHELD (starts at
         * clock-start, by default 1970-01-01, and advances with real time), FIXED (starts at clock-start and moves
         * only when the guest's timers fire, for reproducible runs) or OFFSET (the real time shifted by
         * clock-offset). A server whose manifest requires the real time starts only with REAL.
         */
        private ClockPolicy clock = ClockPolicy.REAL;

        /** Where a WITHHELD or FIXED clock starts, as an ISO-8601 instant such as 2030-01-01T00:00:00Z. */
        private String clockStart;

        /** How far an OFFSET clock is shifted from the real time, e.g. -365d or 2h (negative for the past). */
        private Duration clockOffset;

        /** The most memory the guest may use; the manifest's own limit applies when lower. */
        private DataSize maxMemory;

        /** The longest a tool call may take; the manifest's own limit applies when lower. */
        private Duration callTimeout;

        /** The largest message the guest may send or receive. */
        private DataSize maxMessageSize;

        /** The most a read-write mount may grow by. */
        private DataSize filesystemQuota;

        /** How many instances serve calls (more than 1 needs "stateless": true in the manifest). */
        private int poolSize = 1;

        /** Whether a failed guest is restarted (backoff 200 ms doubling to 30 s); its tools stay offered meanwhile. */
        private boolean autoRestart = true;

        /** The longest starting an instance (instantiation and the MCP handshake) may take. */
        private Duration startTimeout = Duration.ofSeconds(30);

        /** Put before each tool name as the model sees it, to tell apart servers with tools of the same name. */
        private String toolPrefix = "";

        public String getModule() {
            return module;
        }

        public void setModule(String module) {
            this.module = module;
        }

        public List<Mount> getMounts() {
            return mounts;
        }

        public void setMounts(List<Mount> mounts) {
            this.mounts = mounts;
        }

        public List<String> getNetwork() {
            return network;
        }

        public void setNetwork(List<String> network) {
            this.network = network;
        }

        public Map<String, String> getEnv() {
            return env;
        }

        public void setEnv(Map<String, String> env) {
            this.env = env;
        }

        public Map<String, String> getSecrets() {
            return secrets;
        }

        public void setSecrets(Map<String, String> secrets) {
            this.secrets = secrets;
        }

        public ClockPolicy getClock() {
            return clock;
        }

        public void setClock(ClockPolicy clock) {
            this.clock = clock;
        }

        public String getClockStart() {
            return clockStart;
        }

        public void setClockStart(String clockStart) {
            this.clockStart = clockStart;
        }

        public Duration getClockOffset() {
            return clockOffset;
        }

        public void setClockOffset(Duration clockOffset) {
            this.clockOffset = clockOffset;
        }

        public DataSize getMaxMemory() {
            return maxMemory;
        }

        public void setMaxMemory(DataSize maxMemory) {
            this.maxMemory = maxMemory;
        }

        public Duration getCallTimeout() {
            return callTimeout;
        }

        public void setCallTimeout(Duration callTimeout) {
            this.callTimeout = callTimeout;
        }

        public DataSize getMaxMessageSize() {
            return maxMessageSize;
        }

        public void setMaxMessageSize(DataSize maxMessageSize) {
            this.maxMessageSize = maxMessageSize;
        }

        public DataSize getFilesystemQuota() {
            return filesystemQuota;
        }

        public void setFilesystemQuota(DataSize filesystemQuota) {
            this.filesystemQuota = filesystemQuota;
        }

        public int getPoolSize() {
            return poolSize;
        }

        public void setPoolSize(int poolSize) {
            this.poolSize = poolSize;
        }

        public boolean isAutoRestart() {
            return autoRestart;
        }

        public void setAutoRestart(boolean autoRestart) {
            this.autoRestart = autoRestart;
        }

        public Duration getStartTimeout() {
            return startTimeout;
        }

        public void setStartTimeout(Duration startTimeout) {
            this.startTimeout = startTimeout;
        }

        public String getToolPrefix() {
            return toolPrefix;
        }

        public void setToolPrefix(String toolPrefix) {
            this.toolPrefix = toolPrefix;
        }
    }

    /** What a server's realtime clock reads ({@code mcpwasm.servers.<name>.clock}). */
    public enum ClockPolicy {
        /** The host's real date and time. */
        REAL,
        /** Not the real date: starts at {@code clock-start} (default 1970-01-01) and advances with real time. */
        WITHHELD,
        /** Starts at {@code clock-start} and moves only when the guest's timers fire: reproducible runs. */
        FIXED,
        /** The real time shifted by {@code clock-offset}. */
        OFFSET
    }

    /** A host directory bound to a guest path. */
    public static class Mount {
        /** The guest path the manifest declares, e.g. /workspace. */
        private String guestPath;

        /** The host directory bound there. */
        private Path hostPath;

        /** Bind it read-only even when the manifest asks for read-write. */
        private boolean readOnly;

        public String getGuestPath() {
            return guestPath;
        }

        public void setGuestPath(String guestPath) {
            this.guestPath = guestPath;
        }

        public Path getHostPath() {
            return hostPath;
        }

        public void setHostPath(Path hostPath) {
            this.hostPath = hostPath;
        }

        public boolean isReadOnly() {
            return readOnly;
        }

        public void setReadOnly(boolean readOnly) {
            this.readOnly = readOnly;
        }
    }
}
