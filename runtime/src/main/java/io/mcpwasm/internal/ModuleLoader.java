package io.mcpwasm.internal;

import io.mcpwasm.ModuleLoadException;
import io.mcpwasm.wasi.Manifest;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HexFormat;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import run.endive.runtime.CompiledModule;
import run.endive.runtime.Instance;
import run.endive.runtime.Machine;
import run.endive.wasm.Parser;
import run.endive.wasm.WasmEngineException;
import run.endive.wasm.WasmModule;

/**
 * Turns a module's bytes (or a class compiled at build time) into a checked, parsed module and its machine factory:
 * bounds checks, parsing, the WASI-command check, the manifest (embedded, sidecar or given; they must agree), the
 * {@link CodeReshaper} pass, compilation, and the disk compile cache (classes found by the original module's digest,
 * a stripped copy parsed instead of the full module). Every failure leaves as a {@link ModuleLoadException} naming
 * the module. Thread-safe; one per runtime.
 */
public final class ModuleLoader {
    private static final Logger LOG = LoggerFactory.getLogger(ModuleLoader.class);
    private static final Parser UNVALIDATED = Parser.builder().withValidation(false).build();

    private final DiskCompileCache cache;
    private final boolean interpretOnly;
    private final ExecutorService background;

    /**
     * @param cache         the disk compile cache, or null for none
     * @param interpretOnly run every module on the interpreter (nothing compiled, the cache unused)
     * @param background    where cached classes are defined while the caller parses
     */
    public ModuleLoader(DiskCompileCache cache, boolean interpretOnly, ExecutorService background) {
        this.cache = cache;
        this.interpretOnly = interpretOnly;
        this.background = background;
    }

    /**
     * A loaded module.
     *
     * @param source   where it came from (a path, {@code classpath:...}, a name), for errors and logs
     * @param name     the server's name: its manifest's, else one made from the source
     * @param manifest its manifest, or null when it has none
     * @param factory  the machine factory of its compiled code, or null to interpret it
     * @param how      where the code came from (compiled, compile cache, interpreter, build time)
     */
    public record Loaded(String source, String name, Manifest manifest, WasmModule module,
                         Function<Instance, Machine> factory, String how) {}

    /** How many loads were served from the disk compile cache instead of compiling. */
    public long cacheHits() {
        return cache == null ? 0 : cache.hits();
    }

    /** Where compiled modules are cached, or null when the disk cache is off. */
    public Path cacheDirectory() {
        return cache == null ? null : cache.directory();
    }

    /**
     * A module compiled to JVM bytecode at build time: nothing is compiled and the cache is not used.
     *
     * @throws ModuleLoadException when its module cannot be loaded, is not a WASI command, carries a different
     *         manifest, or this loader is interpreter-only
     */
    public Loaded loadPrecompiled(CompiledModule compiled, Manifest manifest) {
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
        return new Loaded(source, name, effective, module, factory, "compiled at build time");
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
    public Loaded load(String source, String fallbackName, byte[] bytes, Manifest sidecar) {
        try {
            return defineChecked(source, fallbackName, bytes, sidecar);
        } catch (ModuleLoadException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new ModuleLoadException(source, "the module made the loader fail: " + e, e);
        }
    }

    private Loaded defineChecked(String source, String fallbackName, byte[] bytes, Manifest sidecar) {
        long started = System.nanoTime();
        // With the disk cache on, the module's compiled classes are read, defined and verified on another thread
        // while this one reads the manifest and parses the module (a cold load does both at once).
        byte[] digest = cache != null ? sha256(bytes) : null;
        Future<CachedClasses> classes = digest != null && !interpretOnly
                ? background.submit(() -> cachedClasses(classesKey(digest), source)) : null;
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
            Code code = classes != null ? fromStrippedCache(sha256, source, classes) : null;
            if (code == null) {
                code = parseAndCompile(source, name, bytes, sha256, classes);
            }
            LOG.debug("module '{}' from {} ready in {} ms ({})", name, source,
                    (System.nanoTime() - started) / 1_000_000, interpretOnly ? "interpreter" : code.how());
            return new Loaded(source, name, manifest, code.module(), code.factory(), code.how());
        } finally {
            if (classes != null) {
                classes.cancel(false);
            }
        }
    }

    /** A parsed module and its machine factory (null: interpret); {@code how} says where they came from. */
    private record Code(WasmModule module, Function<Instance, Machine> factory, String how) {}

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

    private Code parseAndCompile(String source, String name, byte[] original, String sha256,
                                   Future<CachedClasses> classes) {
        if (interpretOnly) {
            return new Code(parse(source, original), null, "interpreter");
        }
        // What is compiled (and cached, stripped) is the module after the CodeReshaper and FunctionOutliner passes;
        // a rewritten module that does not load is a pass's fault, and then the original is compiled (or rejected
        // with its own error).
        byte[] bytes = FunctionOutliner.outline(CodeReshaper.reshape(original));
        WasmModule module;
        try {
            module = parse(source, bytes);
        } catch (ModuleLoadException e) {
            if (bytes == original) {
                throw e;
            }
            module = parse(source, original);
            LOG.warn("module {}: the rewritten copy (reshaper, outliner) is not valid ({}); compiling the original", source,
                    e.getMessage());
            bytes = original;
        }
        CachedClasses cached = classes != null ? await(classes) : null;
        if (cached != null) {
            return new Code(module, cached.factoryFor(module), "compile cache");
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
        return new Code(module, compiled.factory(), "compiled");
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
    private Code fromStrippedCache(String sha256, String source, Future<CachedClasses> classes) {
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
        return cached == null ? null : new Code(module, cached.factoryFor(module), "compile cache");
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return java.security.MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
