package io.mcpwasm;

import run.endive.runtime.Instance;
import run.endive.runtime.Machine;
import run.endive.wasm.WasmEngineException;
import run.endive.wasm.Parser;
import run.endive.wasm.WasmModule;
import io.mcpwasm.internal.CachedClasses;
import io.mcpwasm.internal.CodeStripper;
import io.mcpwasm.internal.DiskCompileCache;
import io.mcpwasm.internal.GuestThreads;
import io.mcpwasm.internal.CodeReshaper;
import io.mcpwasm.internal.ModuleCompiler;
import io.mcpwasm.internal.ModuleChecks;
import io.mcpwasm.internal.WasmBounds;
import io.mcpwasm.wasi.internal.DaemonThreads;
import io.mcpwasm.wasi.AuditListener;
import io.mcpwasm.wasi.Manifest;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.function.Function;
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
     * copy; then the version of the {@link CodeReshaper} pass the classes were compiled from).
     */
    static final String CACHE_LAYOUT = "v3-endive-" + ENGINE_VERSION + "-" + CodeReshaper.cacheTag();

    private static final Parser UNVALIDATED = Parser.builder().withValidation(false).build();

    private final DiskCompileCache cache;
    private final GuestThreads guestThreads;
    private final boolean interpretOnly;
    private final AuditListener auditListener;
    private final ExecutorService events;
    private final ScheduledExecutorService timer;
    private final Set<AutoCloseable> open = ConcurrentHashMap.newKeySet(); // servers and raw connections
    private volatile boolean closed;

    private McpRuntime(Builder b) {
        warnOnceIfHugeMethodsAreNotCompiled();
        this.cache = b.cacheEnabled ? new DiskCompileCache(
                (b.cacheDirectory != null ? b.cacheDirectory : defaultCacheDirectory())
                        .resolve("compiled").resolve(CACHE_LAYOUT), b.cacheMaxBytes) : null;
        this.guestThreads = b.virtualThreads != null ? b.virtualThreads : GuestThreads.platform(b.guestStackSize);
        this.interpretOnly = b.interpretOnly;
        this.auditListener = b.auditListener;
        this.events = Executors.newCachedThreadPool(DaemonThreads.named("mcpwasm-events-"));
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
        String source = "precompiled:" + compiled.getClass().getName();
        if (interpretOnly) {
            throw new ModuleLoadException(source, "this runtime is interpreter-only, and a module compiled at build"
                    + " time has no function bodies left to interpret");
        }
        WasmModule module;
        Function<Instance, Machine> factory;
        try {
            module = compiled.wasmModule();
            factory = compiled.machineFactory();
        } catch (RuntimeException | LinkageError e) { // e.g. its .meta resource missing: ExceptionInInitializerError
            throw new ModuleLoadException(source, "cannot load the compiled module: " + e, e);
        }
        if (module == null || factory == null) {
            throw new ModuleLoadException(source, "the compiled module gave no " + (module == null ? "WasmModule"
                    : "machine factory"));
        }
        String problem = ModuleChecks.wasiCommandProblem(module);
        if (problem != null) {
            throw new ModuleLoadException(source, problem);
        }
        Manifest effective = embeddedManifest(source, module, manifest);
        String name = effective != null ? effective.name()
                : ModuleChecks.safeName(compiled.getClass().getSimpleName());
        LOG.debug("module '{}' from {} ready (compiled at build time)", name, source);
        return new McpModule(this, source, name, effective, module, factory);
    }

    /** The manifest in the module's custom section, checked against {@code given}; else {@code given}. */
    private static Manifest embeddedManifest(String source, WasmModule module, Manifest given) {
        if (!(module.customSection(Manifest.SECTION_NAME)
                instanceof run.endive.wasm.types.UnknownCustomSection section)) {
            return given;
        }
        Manifest embedded;
        try {
            embedded = Manifest.parse(section.bytes());
        } catch (RuntimeException e) {
            throw new ModuleLoadException(source, e.getMessage(), e);
        }
        if (given != null && !given.equals(embedded)) {
            throw new ModuleLoadException(source, "its embedded manifest and the manifest given differ");
        }
        return embedded;
    }

    /**
     * The loader's boundary: whatever a module's bytes make the parser, the compiler or our own checks throw leaves
     * as a {@link ModuleLoadException} naming the module. {@link Error}s are not caught here: an engine's
     * {@link AssertionError} (with -ea) and a {@link LinkageError} from generated classes are caught where the engine
     * parses and compiles; an {@link OutOfMemoryError} is prevented instead (counts
     * that would make the engine allocate more than the module's own size are refused first, by {@link WasmBounds});
     * and deep nesting needs no stack, since the engine parses, validates and compiles blocks without recursion
     * (a test loads 50,000 nested blocks on a 256 KiB stack).
     */
    private McpModule define(String source, String fallbackName, byte[] bytes, Manifest sidecar) {
        ensureOpen();
        try {
            return defineChecked(source, fallbackName, bytes, sidecar);
        } catch (ModuleLoadException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new ModuleLoadException(source, "the module made the loader fail: " + e, e);
        }
    }

    private McpModule defineChecked(String source, String fallbackName, byte[] bytes, Manifest sidecar) {
        long started = System.nanoTime();
        // With the disk cache on, the module's compiled classes are read, defined and verified on another thread
        // while this one reads the manifest and parses the module (a cold load does both at once).
        byte[] digest = cache != null ? sha256(bytes) : null;
        Future<CachedClasses> classes = digest != null && !interpretOnly
                ? events.submit(() -> cachedClasses(classesKey(digest), source)) : null;
        try {
            Manifest manifest;
            try {
                manifest = Manifest.fromWasm(bytes).orElse(sidecar);
            } catch (RuntimeException e) {
                throw new ModuleLoadException(source, e.getMessage(), e);
            }
            if (sidecar != null && !sidecar.equals(manifest)) {
                throw new ModuleLoadException(source, "its embedded manifest and its sidecar manifest file differ");
            }
            String name = manifest != null ? manifest.name() : ModuleChecks.safeName(fallbackName);
            String sha256 = digest != null ? HexFormat.of().formatHex(digest) : null;
            Loaded loaded = classes != null ? fromStrippedCache(sha256, source, classes) : null;
            if (loaded == null) {
                loaded = parseAndCompile(source, name, bytes, sha256, classes);
            }
            LOG.debug("module '{}' from {} ready in {} ms ({})", name, source,
                    (System.nanoTime() - started) / 1_000_000, interpretOnly ? "interpreter" : loaded.how());
            return new McpModule(this, source, name, manifest, loaded.module(), loaded.factory());
        } finally {
            if (classes != null) {
                classes.cancel(false);
            }
        }
    }

    /** A parsed module and its machine factory (null: interpret); {@code how} says where they came from. */
    private record Loaded(WasmModule module,
                          Function<Instance, Machine> factory, String how) {}

    /**
     * Chicory's compiler stores a module's classes under the module's digest, {@code sha-256:<base64>}; a stripped
     * copy's classes are the same bytes, so the original module's digest finds them before anything is parsed.
     */
    private static String classesKey(byte[] digest) {
        return "sha-256:" + Base64.getEncoder().encodeToString(digest);
    }

    /** The cached classes under {@code key}, defined; null when absent or unusable (the module is then compiled). */
    private CachedClasses cachedClasses(String key, String source) {
        byte[] jar = cache.get(key);
        if (jar == null) {
            return null;
        }
        try {
            return CachedClasses.define(jar);
        } catch (RuntimeException | LinkageError e) {
            LOG.warn("compile cache: cannot use the cached classes of {} ({}); compiling it again", source,
                    e.toString());
            cache.delete(key);
            return null;
        }
    }

    private static CachedClasses await(Future<CachedClasses> classes) {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return classes.get();
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    return null; // cachedClasses catches what it expects; anything else: compile instead
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private Loaded parseAndCompile(String source, String name, byte[] original, String sha256,
                                   Future<CachedClasses> classes) {
        if (interpretOnly) {
            return new Loaded(parse(source, original), null, "interpreter");
        }
        // What is compiled (and cached, stripped) is the module after the CodeReshaper pass; a reshaped module that
        // does not load is the pass's fault, and then the original is compiled (or rejected with its own error).
        byte[] bytes = CodeReshaper.reshape(original);
        WasmModule module;
        try {
            module = parse(source, bytes);
        } catch (ModuleLoadException e) {
            if (bytes == original) {
                throw e;
            }
            module = parse(source, original);
            LOG.warn("module {}: the code reshaper's copy is not valid ({}); compiling the original", source,
                    e.getMessage());
            bytes = original;
        }
        CachedClasses cached = classes != null ? await(classes) : null;
        if (cached != null) {
            return new Loaded(module, cached.factoryFor(module), "compile cache");
        }
        ModuleCompiler.Compiled compiled;
        try {
            compiled = ModuleCompiler.compile(module, cache,
                    sha256 != null ? classesKey(HexFormat.of().parseHex(sha256)) : null, name);
        } catch (RuntimeException | LinkageError | AssertionError e) { // LinkageError: generated classes refused
            throw new ModuleLoadException(source, "cannot compile: " + e, e);
        }
        if (sha256 != null && compiled.fresh()) {
            saveStripped(source, bytes, sha256, module, compiled);
        }
        return new Loaded(module, compiled.factory(), "compiled");
    }

    private static WasmModule parse(String source, byte[] bytes) {
        String bounds = WasmBounds.problem(bytes);
        if (bounds != null) {
            throw new ModuleLoadException(source, bounds);
        }
        WasmModule module;
        try {
            module = Parser.parse(bytes);
        } catch (WasmEngineException e) {
            throw new ModuleLoadException(source, "not a valid WebAssembly module: " + e.getMessage(), e);
        } catch (RuntimeException | AssertionError e) {
            // The engine's parser tripped over malformed bytes it does not check for (with -ea: one of its asserts).
            throw new ModuleLoadException(source, "not a valid WebAssembly module (the parser failed: " + e + ")", e);
        }
        String problem = ModuleChecks.wasiCommandProblem(module);
        if (problem != null) {
            throw new ModuleLoadException(source, problem);
        }
        return module;
    }

    /**
     * Keeps a copy of the module without its compiled function bodies beside the compiled classes, so that the next
     * load (in this JVM or another) parses a fraction of the bytes. Best effort: a failure only costs speed.
     */
    private void saveStripped(String source, byte[] bytes, String sha256, WasmModule module,
                              ModuleCompiler.Compiled compiled) {
        try {
            byte[] stripped = CodeStripper.strip(bytes, compiled.interpreted(), module);
            if (stripped != null) {
                cache.putStrippedModule(sha256, stripped);
            }
        } catch (RuntimeException e) {
            LOG.debug("compile cache: no stripped copy of {}: {}", source, e.toString());
        }
    }

    /**
     * The fast path: a stripped copy from the cache, with the classes being defined meanwhile; null when either is
     * absent or unusable.
     */
    private Loaded fromStrippedCache(String sha256, String source, Future<CachedClasses> classes) {
        byte[] stripped = cache.strippedModule(sha256);
        if (stripped == null) {
            return null;
        }
        WasmModule module;
        try {
            // Not validated again: it is a copy of a module that was validated before it was compiled, and whoever
            // can write the cache can already replace the compiled classes themselves.
            module = UNVALIDATED.parse(() -> new java.io.ByteArrayInputStream(stripped));
        } catch (RuntimeException e) {
            LOG.warn("compile cache: cannot use the cached copy of {} ({}); compiling it again", source, e.toString());
            return null;
        }
        if (ModuleChecks.wasiCommandProblem(module) != null) {
            return null;
        }
        CachedClasses cached = await(classes);
        return cached == null ? null : new Loaded(module, cached.factoryFor(module), "compile cache");
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return java.security.MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
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
        return cache == null ? 0 : cache.hits();
    }

    /** Where compiled modules are cached, or null when the disk cache is off. */
    public Path compileCacheDirectory() {
        return cache == null ? null : cache.directory();
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
