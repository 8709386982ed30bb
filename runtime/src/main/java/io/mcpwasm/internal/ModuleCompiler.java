package io.mcpwasm.internal;

import run.endive.compiler.InterpreterFallback;
import run.endive.compiler.internal.ByteClassCollector;
import run.endive.compiler.internal.ClassCollector;
import run.endive.compiler.internal.Compiler;
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
    /**
     * Wasm functions per generated class. Endive starts at 12,288 and halves the count each time a class comes out
     * too large (over 65,535 constants), emitting every function again from the start; a big module (the Go sample)
     * went through three such attempts. Smaller classes also keep ASM's rewrite of a class with a jump over 32 KiB
     * (it reads and re-frames the whole class) to the class that has one.
     */
    static final int FUNCTIONS_PER_CLASS = Integer.getInteger("mcpwasm.functionsPerClass", 512);

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
        long[] mark = {System.nanoTime(), threadCpu()};
        ClassCollector classes;
        while (true) {
            var builder = Compiler.builder(module)
                    .withClassCollectorFactory(ByteClassCollector::new)
                    .withMaxFunctionsPerClass(FUNCTIONS_PER_CLASS)
                    .withInterpreterFallback(InterpreterFallback.FAIL);
            if (!interpreted.isEmpty()) {
                builder.withInterpretedFunctions(interpreted);
            }
            try {
                classes = builder.build().compile().collector();
                break;
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
        if (!interpreted.isEmpty()) {
            LOG.warn("module '{}': {} function(s) too large for JVM bytecode run on the interpreter: {}",
                    name, interpreted.size(), interpreted);
        }
        phase(name, "code generation", mark);
        // Defined (and verified) once, here: Endive's own class-loading collector defines every class twice.
        CachedClasses defined = CachedClasses.define(classes.classBytes(), classes.mainClassName());
        phase(name, "class definition and verification", mark);
        if (cache != null && key != null) {
            cache.putIfAbsent(key, CachedClasses.jar(classes.classBytes(), classes.mainClassName()));
            phase(name, "compile cache entry written", mark);
        }
        return new Compiled(defined.factoryFor(module), Set.copyOf(interpreted), true);
    }

    /** Logs (debug) the wall and this thread's CPU time since {@code mark}, then moves the mark to now. */
    private static void phase(String name, String what, long[] mark) {
        if (LOG.isDebugEnabled()) {
            long wall = System.nanoTime();
            long cpu = threadCpu();
            LOG.debug("module '{}': {} took {} ms ({} ms CPU on this thread)", name, what, (wall - mark[0]) / 1_000_000,
                    (cpu - mark[1]) / 1_000_000);
            mark[0] = wall;
            mark[1] = cpu;
        }
    }

    private static long threadCpu() {
        var threads = java.lang.management.ManagementFactory.getThreadMXBean();
        return LOG.isDebugEnabled() && threads.isCurrentThreadCpuTimeSupported() ? threads.getCurrentThreadCpuTime() : 0;
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
