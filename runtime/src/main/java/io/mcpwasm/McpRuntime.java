package io.mcpwasm;

import io.mcpwasm.internal.DiskCompileCache;
import io.mcpwasm.internal.GuestThreads;
import io.mcpwasm.internal.CodeReshaper;
import io.mcpwasm.internal.FunctionOutliner;
import io.mcpwasm.internal.ModuleLoader;
import io.mcpwasm.wasi.internal.DaemonThreads;
import io.mcpwasm.wasi.AuditListener;
import io.mcpwasm.wasi.Manifest;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The entry point: loads MCP servers compiled to WebAssembly ({@code wasm32-wasip1} command modules that speak
 * MCP over stdin/stdout) and runs them inside this JVM. Holds the compile cache and the threads that serve
 * every server it starts. Create one per application and share it; it is thread-safe.
 *
 * <pre>{@code
 * try (McpRuntime runtime = McpRuntime.create()) {
 *     McpModule module = runtime.load(Path.of("workspace.wasm"));        // parse + compile, once
 *     HostPolicy policy = HostPolicy.builder().mount("/workspace", Path.of("docs")).build();
 *     try (McpServer server = module.start(policy)) {                    // instantiate + initialize
 *         ToolResult r = server.call("read_file", Map.of("path", "README.md"));
 *     }
 * }
 * }</pre>
 *
 * <p>Defaults: compiled classes are cached on disk in the user's cache directory ({@code $XDG_CACHE_HOME/mcpwasm}
 * or {@code ~/.cache/mcpwasm}; {@code ~/Library/Caches/mcpwasm} on macOS; {@code %LOCALAPPDATA%\mcpwasm} on
 * Windows), at most 1 GiB of it (least recently used entries are deleted first, see
 * {@link Builder#compileCacheMaxBytes}); each guest runs on its own platform thread with a 16 MiB stack (or a virtual thread, see
 * {@link Builder#virtualThreads()}); guests are compiled to JVM bytecode
 * (functions too large for the JVM run on the interpreter and are logged); audit events are logged through slf4j
 * (logger {@code io.mcpwasm.audit}) and go to no listener.
 *
 * <p>Performance: generated methods over 8000 bytes of bytecode are JIT-compiled only when the JVM runs with
 * {@code -XX:-DontCompileHugeMethods}; large guests run several times faster with it.
 *
 * <p>Errors: {@link ModuleLoadException} for a missing, unreadable, malformed or non-WASI module.
 */
public final class McpRuntime implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(McpRuntime.class);
    private static final java.util.concurrent.atomic.AtomicBoolean HUGE_METHODS_CHECKED =
            new java.util.concurrent.atomic.AtomicBoolean();
    static final String ENGINE_VERSION = engineVersion();
    /**
     * The cache's subdirectory: entries are only valid for the engine (Endive) version that compiled them and the
     * layout of this runtime (v3: classes found by the original module's digest, data segments merged in the stripped
     * copy; then the versions of the {@link CodeReshaper} pass and, when it is on, the {@link FunctionOutliner} pass
     * the classes were compiled from).
     */
    static final String CACHE_LAYOUT = "v3-endive-" + ENGINE_VERSION + "-" + CodeReshaper.cacheTag()
            + FunctionOutliner.cacheTag();

    private final ModuleLoader loader;
    private final GuestThreads guestThreads;
    private final AuditListener auditListener;
    private final ExecutorService events;
    private final ScheduledExecutorService timer;
    private final Set<AutoCloseable> open = ConcurrentHashMap.newKeySet(); // servers and raw connections
    private volatile boolean closed;

    private McpRuntime(Builder b) {
        warnOnceIfHugeMethodsAreNotCompiled();
        DiskCompileCache cache = b.cacheEnabled ? new DiskCompileCache(
                (b.cacheDirectory != null ? b.cacheDirectory : defaultCacheDirectory())
                        .resolve("compiled").resolve(CACHE_LAYOUT), b.cacheMaxBytes) : null;
        this.guestThreads = b.virtualThreads != null ? b.virtualThreads : GuestThreads.platform(b.guestStackSize);
        this.auditListener = b.auditListener;
        this.events = Executors.newCachedThreadPool(DaemonThreads.named("mcpwasm-events-"));
        this.loader = new ModuleLoader(cache, b.interpretOnly, events);
        ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1, DaemonThreads.named("mcpwasm-timer-"));
        t.setRemoveOnCancelPolicy(true);
        this.timer = t;
    }

    /** A runtime with every default (see the class comment). */
    public static McpRuntime create() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Loads a module from a file. A manifest is read from the module's {@code mcpwasm.manifest} custom section,
     * or else from a sidecar file {@code <name>.manifest.json} beside it; a module with neither is granted nothing.
     */
    public McpModule load(Path wasm) {
        Objects.requireNonNull(wasm, "wasm");
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(wasm);
        } catch (NoSuchFileException e) {
            throw new ModuleLoadException(wasm.toString(), "no such file");
        } catch (IOException e) {
            throw new ModuleLoadException(wasm.toString(), "cannot read: " + e.getMessage(), e);
        }
        String fileName = wasm.getFileName().toString();
        String base = fileName.endsWith(".wasm") ? fileName.substring(0, fileName.length() - 5) : fileName;
        Manifest manifest;
        try {
            manifest = Manifest.find(wasm, bytes).orElse(null);
        } catch (io.mcpwasm.wasi.ManifestException e) {
            throw new ModuleLoadException(wasm.toString(), e.getMessage(), e);
        }
        return define(wasm.toString(), base, bytes, manifest);
    }

    /** Loads a module from bytes; {@code name} names it in errors and logs until its manifest names it. */
    public McpModule load(byte[] wasm, String name) {
        Objects.requireNonNull(wasm, "wasm");
        Objects.requireNonNull(name, "name");
        return define(name, name, wasm.clone(), null);
    }

    /** Loads a module from a stream (read to its end, not closed). */
    public McpModule load(InputStream wasm, String name) {
        Objects.requireNonNull(wasm, "wasm");
        Objects.requireNonNull(name, "name");
        try {
            return define(name, name, wasm.readAllBytes(), null);
        } catch (IOException e) {
            throw new ModuleLoadException(name, "cannot read: " + e.getMessage(), e);
        }
    }

    /** Loads a module from a class-path resource, e.g. {@code "servers/workspace.wasm"}. */
    public McpModule loadResource(String resource) {
        Objects.requireNonNull(resource, "resource");
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        if (loader == null) {
            loader = McpRuntime.class.getClassLoader();
        }
        String path = resource.startsWith("/") ? resource.substring(1) : resource;
        try (InputStream in = loader.getResourceAsStream(path)) {
            if (in == null) {
                throw new ModuleLoadException("classpath:" + path, "no such resource");
            }
            String base = path.substring(path.lastIndexOf('/') + 1).replaceFirst("\\.wasm$", "");
            return define("classpath:" + path, base, in.readAllBytes(), null);
        } catch (IOException e) {
            throw new ModuleLoadException("classpath:" + path, "cannot read: " + e.getMessage(), e);
        }
    }

    /**
     * Loads a module compiled to JVM bytecode at build time by Chicory's {@code chicory-compiler-maven-plugin}
     * (same Chicory version as this library): pass an instance of the class the plugin generated (its {@code name}
     * parameter), e.g. {@code runtime.loadPrecompiled(new WorkspaceServer(), manifest)}. Nothing is compiled and
     * the disk compile cache is not used; the module gets the same checks as {@link #load(Path)}.
     *
     * <p>The plugin keeps no custom section, so the manifest embedded in the {@code .wasm} does not reach the
     * compiled module: pass it here, e.g. {@code Manifest.parse(json)} of the server's {@code manifest.json} shipped
     * as a resource, or {@code Manifest.load(wasmFile)} when the {@code .wasm} is at hand. When the compiled module
     * does carry a {@code mcpwasm.manifest} section (a hand-made {@code CompiledModule} around the full module), that
     * one is used and must equal {@code manifest} if both are given.
     *
     * @param compiled the plugin's generated class (a {@code run.endive.runtime.CompiledModule})
     * @param manifest what the module declares; null grants it nothing, like a module without a manifest
     * @throws ModuleLoadException naming the generated class when its module cannot be loaded, is not a WASI command,
     *         carries a different manifest, or this runtime is interpreter-only (the compiled module has no function
     *         bodies left to interpret)
     */
    public McpModule loadPrecompiled(run.endive.runtime.CompiledModule compiled, Manifest manifest) {
        Objects.requireNonNull(compiled, "compiled");
        ensureOpen();
        return module(loader.loadPrecompiled(compiled, manifest));
    }

    private McpModule define(String source, String fallbackName, byte[] bytes, Manifest manifest) {
        ensureOpen();
        return module(loader.load(source, fallbackName, bytes, manifest));
    }

    private McpModule module(ModuleLoader.Loaded m) {
        return new McpModule(this, m.source(), m.name(), m.manifest(), m.module(), m.factory());
    }

    /** Closes every server and connection this runtime started and stops its threads. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (AutoCloseable c : open) {
            try {
                c.close();
            } catch (Exception e) {
                LOG.warn("closing {} failed", c, e);
            }
        }
        timer.shutdownNow();
        events.shutdown();
    }

    /**
     * HotSpot's default ({@code DontCompileHugeMethods}) leaves every method over 8000 bytes of bytecode to the
     * interpreter, and compiled guests are made of such methods: the README's benchmark measured compute 5× slower
     * without {@code -XX:-DontCompileHugeMethods}. Said once per JVM, at WARN, when the flag is at its default.
     */
    private static void warnOnceIfHugeMethodsAreNotCompiled() {
        if (!HUGE_METHODS_CHECKED.compareAndSet(false, true)) {
            return;
        }
        try {
            com.sun.management.HotSpotDiagnosticMXBean hotspot = java.lang.management.ManagementFactory
                    .getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class);
            if (hotspot != null && "true".equals(hotspot.getVMOption("DontCompileHugeMethods").getValue())) {
                LOG.warn("the JVM runs without -XX:-DontCompileHugeMethods: HotSpot will not JIT-compile the large "
                        + "methods compiled guests consist of, and guest compute runs several times slower (5x in "
                        + "the project's benchmark); add -XX:-DontCompileHugeMethods to the JVM options");
            }
        } catch (RuntimeException | LinkageError e) {
            LOG.debug("cannot read the JVM option DontCompileHugeMethods: {}", e.toString());
        }
    }

    /** How many loads were served from the disk compile cache instead of compiling. */
    public long compileCacheHits() {
        return loader.cacheHits();
    }

    /** Where compiled modules are cached, or null when the disk cache is off. */
    public Path compileCacheDirectory() {
        return loader.cacheDirectory();
    }

    void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("this McpRuntime is closed");
        }
    }

    void register(AutoCloseable serverOrConnection) {
        open.add(serverOrConnection);
    }

    void unregister(AutoCloseable serverOrConnection) {
        open.remove(serverOrConnection);
    }

    GuestThreads guestThreads() {
        return guestThreads;
    }

    AuditListener auditListener() {
        return auditListener;
    }

    ExecutorService events() {
        return events;
    }

    ScheduledExecutorService timer() {
        return timer;
    }

    static Path defaultCacheDirectory() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String home = System.getProperty("user.home");
        if (os.contains("win")) {
            String local = System.getenv("LOCALAPPDATA");
            return Path.of(local != null ? local : home, "mcpwasm");
        }
        if (os.contains("mac")) {
            return Path.of(home, "Library", "Caches", "mcpwasm");
        }
        String xdg = System.getenv("XDG_CACHE_HOME");
        return xdg != null && !xdg.isBlank() ? Path.of(xdg, "mcpwasm") : Path.of(home, ".cache", "mcpwasm");
    }

    private static String engineVersion() {
        try (InputStream in = McpRuntime.class.getResourceAsStream("/io/mcpwasm/runtime.properties")) {
            var p = new java.util.Properties();
            if (in != null) {
                p.load(in);
            }
            return p.getProperty("endive.version", "unknown");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Builds a {@link McpRuntime}; see the class comment for defaults. */
    public static final class Builder {
        private boolean cacheEnabled = true;
        private Path cacheDirectory;
        private long cacheMaxBytes = DiskCompileCache.DEFAULT_MAX_BYTES;
        private long guestStackSize = 16L << 20;
        private boolean interpretOnly;
        private GuestThreads virtualThreads;
        private AuditListener auditListener = AuditListener.NONE;

        private Builder() {}

        /** Keeps compiled modules in this directory (created when needed) instead of the user's cache directory. */
        public Builder compileCache(Path directory) {
            this.cacheDirectory = Objects.requireNonNull(directory, "directory");
            this.cacheEnabled = true;
            return this;
        }

        /**
         * The most the compile cache's directory may hold (default 1 GiB). After each store the least recently used
         * entries are deleted until it fits; a module whose compiled classes alone exceed it is compiled at every
         * load. JVMs sharing a directory each keep it under their own cap.
         */
        public Builder compileCacheMaxBytes(long bytes) {
            if (bytes < 1 << 20) {
                throw new IllegalArgumentException("compileCacheMaxBytes must be at least 1 MiB, was " + bytes);
            }
            this.cacheMaxBytes = bytes;
            return this;
        }

        /** Compiles every module in memory only, every time this JVM loads it. */
        public Builder noCompileCache() {
            this.cacheEnabled = false;
            return this;
        }

        /**
         * Runs each guest on a virtual thread instead of a platform thread (JDK 21 or later): a server waiting for its
         * next request then holds no operating-system thread, so many more idle servers fit in one JVM. A virtual
         * thread's stack is bounded by the JVM's {@code -Xss}, not by {@link #guestStackSize}.
         *
         * @throws UnsupportedOperationException on a JVM before 21 (here, not when the first server starts)
         */
        public Builder virtualThreads() {
            this.virtualThreads = GuestThreads.virtual(); // fails here on an old JVM
            return this;
        }

        /** Stack size of each guest thread; deep guest recursion needs more. */
        public Builder guestStackSize(long bytes) {
            if (bytes < 256 * 1024) {
                throw new IllegalArgumentException("guestStackSize must be at least 256 KiB, was " + bytes);
            }
            this.guestStackSize = bytes;
            return this;
        }

        /** Runs guests on Chicory's interpreter instead of compiling them (slow; for comparison and debugging). */
        public Builder interpreterOnly() {
            this.interpretOnly = true;
            return this;
        }

        /** Receives every capability decision of every server this runtime starts. */
        public Builder auditListener(AuditListener listener) {
            this.auditListener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        public McpRuntime build() {
            return new McpRuntime(this);
        }
    }
}
