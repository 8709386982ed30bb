package io.mcpwasm.internal;

import run.endive.compiler.Cache;
import run.endive.compiler.InterpreterFallback;
import run.endive.compiler.MachineFactoryCompiler;
import run.endive.runtime.Instance;
import run.endive.runtime.Machine;
import run.endive.wasm.WasmEngineException;
import run.endive.wasm.WasmModule;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compiles a module to JVM bytecode once, with Chicory's runtime compiler. Functions the compiler refuses
 * (a JVM method over 64 KiB) run on the interpreter, and each is logged by name: Chicory's own fallback
 * notice goes to System.err, so we ask it to fail instead and retry with that function listed.
 */
public final class ModuleCompiler {
    private static final Logger LOG = LoggerFactory.getLogger(ModuleCompiler.class);
    private static final Pattern FUNCTION_INDEX = Pattern.compile("WASM function index: (\\d+)");
    private static final int MAX_INTERPRETED = 10_000;

    private ModuleCompiler() {}

    /** Execution modes a module can be run in. */
    public enum Mode { COMPILED, INTERPRETED }

    /**
     * A machine factory for instances of exactly one module object. {@code interpreted} lists the functions it runs
     * on the interpreter, and is only known when {@code fresh} (compiled now rather than loaded from the cache).
     */
    public record Compiled(Function<Instance, Machine> factory, Set<Integer> interpreted, boolean fresh) {}

    /**
     * Loads compiled classes from {@code jar} for {@code module} and never compiles: the module may be a stripped
     * copy (see {@link CodeStripper}) whose stubs must never be compiled. Fails if the classes cannot be loaded.
     */
    public static Function<Instance, Machine> fromCache(WasmModule module, byte[] jar) {
        return CachedClasses.define(jar).factoryFor(module);
    }

    /**
     * Returns a machine factory for instances of exactly this {@code module} object.
     *
     * @param cache where compiled classes are kept between JVMs, or null
     * @param key   the classes' key in {@code cache} (the module may be a rewritten copy whose own digest is not the
     *              key), or null to neither read nor write the cache
     * @param name  used in log lines
     */
    public static Compiled compile(WasmModule module, DiskCompileCache cache, String key, String name) {
        byte[] cached = cache != null && key != null ? cache.get(key) : null;
        if (cached != null) {
            // Read (and checked) once here; the compiler gets exactly these bytes instead of reading them again.
            return new Compiled(fromCache(module, cached), Set.of(), false);
        }
        Set<Integer> interpreted = new TreeSet<>();
        while (true) {
            var builder = MachineFactoryCompiler.builder(module).withInterpreterFallback(InterpreterFallback.FAIL);
            if (!interpreted.isEmpty()) {
                builder.withInterpretedFunctions(interpreted);
            }
            if (cache != null && key != null) {
                builder.withCache(under(key, cache));
            }
            try {
                Function<Instance, Machine> factory = builder.compile();
                if (!interpreted.isEmpty()) {
                    LOG.warn("module '{}': {} function(s) too large for JVM bytecode run on the interpreter: {}",
                            name, interpreted.size(), interpreted);
                }
                return new Compiled(factory, Set.copyOf(interpreted), true);
            } catch (WasmEngineException e) {
                Matcher m = FUNCTION_INDEX.matcher(String.valueOf(e.getMessage()));
                if (!m.find() || interpreted.size() >= MAX_INTERPRETED) {
                    throw e;
                }
                int index = Integer.parseInt(m.group(1));
                if (!interpreted.add(index)) {
                    throw e;
                }
                LOG.info("module '{}': compiler refused function {} ({}); it will run on the interpreter",
                        name, index, functionName(module, index));
            }
        }
    }

    /** {@code cache} with every key the compiler asks for (its module's digest) replaced by {@code key}. */
    private static Cache under(String key, DiskCompileCache cache) {
        return new Cache() {
            @Override
            public byte[] get(String digest) {
                return cache.get(key);
            }

            @Override
            public void putIfAbsent(String digest, byte[] data) {
                cache.putIfAbsent(key, data);
            }
        };
    }

    private static String functionName(WasmModule module, int index) {
        if (module.nameSection() != null) {
            String n = module.nameSection().nameOfFunction(index);
            if (n != null) {
                return n;
            }
        }
        return "unnamed";
    }
}
