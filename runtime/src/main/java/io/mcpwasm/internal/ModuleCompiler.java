package io.mcpwasm.internal;

import run.endive.compiler.InterpreterFallback;
import run.endive.compiler.internal.ByteClassCollector;
import run.endive.compiler.internal.ClassCollector;
import run.endive.compiler.internal.Compiler;
import run.endive.runtime.Instance;
import run.endive.runtime.Machine;
import run.endive.wasm.WasmEngineException;
import run.endive.wasm.WasmModule;
import run.endive.wasm.types.ExternalType;
import java.util.HashSet;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compiles a module to JVM bytecode once, with Endive's compiler. Functions the compiler refuses (a JVM method over
 * 64 KiB) run on the interpreter; they are found by a probe before the module is compiled ({@link #tooLarge}), and each
 * is logged by name. Endive's own fallback notice goes to System.err, so it is asked to fail instead, and a refusal the
 * probe missed is retried with that function listed.
 */
public final class ModuleCompiler {
    private static final Logger LOG = LoggerFactory.getLogger(ModuleCompiler.class);
    private static final Pattern FUNCTION_INDEX = Pattern.compile("WASM function index: (\\d+)");
    private static final int MAX_INTERPRETED = 10_000;
    /**
     * Functions whose body is at most this many bytes of wasm are not probed for being too large: the
     * {@link FunctionOutliner}'s own bar ({@code Limits.hugeAbove}), over which it cuts every function down. Measured on
     * go-sdk-memory's 40 largest functions, Endive makes 1.24-1.35 bytes of JVM code per byte of wasm, so a body of
     * 40,000 bytes stays under 64 KiB with margin; its two refused functions have 50,793 and 78,661 bytes, its largest
     * compiled one 45,757. After the outliner there is nothing to probe (it ran for the Go sample's four functions of
     * 28-37 KB when the bar was 12,288 instructions: 0.7 s of CPU for nothing); with the outliner off, or for a module it
     * leaves unchanged, the probe finds what the compiler would refuse. A smaller function refused anyway is caught by
     * the caller's retry.
     */
    static final int CANDIDATE_BYTES = FunctionOutliner.Limits.DEFAULT.hugeAbove();
    /**
     * Wasm functions per generated class. Endive starts at 12,288 and halves the count each time a class comes out
     * too large (over 65,535 constants), emitting every function again from the start; a big module (the Go sample)
     * went through three such attempts. Smaller classes also keep ASM's rewrite of a class with a jump over 32 KiB
     * (it reads and re-frames the whole class) to the class that has one. The system property is for measuring
     * other sizes (benchmarks/results/2026-12-06/go-compile.md), not a setting.
     */
    static final int FUNCTIONS_PER_CLASS = Integer.getInteger("mcpwasm.functionsPerClass", 512);

    private ModuleCompiler() {}

    /** Execution modes a module can be run in. */
    public enum Mode { COMPILED, INTERPRETED }

    /**
     * A machine factory for instances of exactly one module object. {@code interpreted} lists the functions it runs
     * on the interpreter, and is only known when {@code fresh} (compiled now rather than loaded from the cache);
     * {@code attempts} counts the times the whole module was compiled (1 unless a refusal was not predicted; 0 when
     * loaded from the cache).
     */
    public record Compiled(Function<Instance, Machine> factory, Set<Integer> interpreted, boolean fresh,
                           int attempts) {}

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
            return new Compiled(fromCache(module, cached), Set.of(), false, 0);
        }
        long[] mark = {System.nanoTime(), threadCpu()};
        Set<Integer> interpreted = new TreeSet<>(tooLarge(module, name));
        phase(name, "prediction of the functions too large for the JVM " + interpreted, mark);
        int attempts = 0;
        ClassCollector classes;
        while (true) {
            attempts++;
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
                int index = refusedFunction(e);
                if (index < 0 || interpreted.size() >= MAX_INTERPRETED || !interpreted.add(index)) {
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
        return new Compiled(defined.factoryFor(module), Set.copyOf(interpreted), true, attempts);
    }

    /**
     * The functions Endive's compiler refuses (their JVM method would be over 64 KiB), found before the module is
     * compiled: the compiler only notices a refusal when it writes out the class holding the function, and then
     * starts again from the first function, so N refusals would compile the module N+1 times.
     *
     * <p>How: every function whose body is over {@link #CANDIDATE_BYTES} bytes is a candidate. The module is
     * compiled with every other function left to the interpreter (each becomes a few bytes of stub), and the compile
     * is stopped as soon as all function classes are written (a refusal, reported by function index, puts the
     * function on the list and that small compile is run again). So the answer is Endive's own, and costs a compile
     * of the candidates only. A function under the threshold that is refused anyway is still caught by the caller's
     * retry. The probe's cost is a second compile of the candidates, at most that of one retry; after the outliner there
     * are none.
     *
     * @return the function indices (imports counted) to run on the interpreter; empty when none or when the probe
     *         could not tell
     */
    static Set<Integer> tooLarge(WasmModule module, String name) {
        if (module.codeSection() == null) {
            return Set.of();
        }
        int imports = module.importSection() == null ? 0 : module.importSection().count(ExternalType.FUNCTION);
        int count = module.codeSection().functionBodyCount();
        Set<Integer> others = new HashSet<>();
        for (int i = 0; i < count; i++) {
            if (bodyBytes(module, i) <= CANDIDATE_BYTES) {
                others.add(imports + i);
            }
        }
        if (others.size() == count) {
            return Set.of();
        }
        Set<Integer> refused = new TreeSet<>();
        while (true) {
            Set<Integer> interpreted = new HashSet<>(others);
            interpreted.addAll(refused);
            try {
                Compiler.builder(module).withClassCollectorFactory(StopAfterFunctions::new)
                        .withMaxFunctionsPerClass(FUNCTIONS_PER_CLASS)
                        .withInterpreterFallback(InterpreterFallback.FAIL)
                        .withInterpretedFunctions(interpreted).build().compile();
                return refused; // the compiler did not go the way the probe expects; nothing learnt beyond this
            } catch (StopAfterFunctions.Done done) {
                return refused;
            } catch (WasmEngineException e) {
                int index = refusedFunction(e);
                if (index < 0 || !refused.add(index) || refused.size() > MAX_INTERPRETED) {
                    return refused;
                }
            } catch (RuntimeException e) { // e.g. a class of all those stubs too large: leave it to the real compile
                LOG.debug("module '{}': the too-large probe stopped: {}", name, e.toString());
                return refused;
            }
        }
    }

    /** The function index a compiler refusal names, or -1 when {@code e} is not such a refusal. */
    private static int refusedFunction(WasmEngineException e) {
        Matcher m = FUNCTION_INDEX.matcher(String.valueOf(e.getMessage()));
        return m.find() ? Integer.parseInt(m.group(1)) : -1;
    }

    /** Bytes of wasm code of defined function {@code i}, from its first instruction to its last. */
    static int bodyBytes(WasmModule module, int i) {
        var instructions = module.codeSection().getFunctionBody(i).instructions();
        return instructions.isEmpty() ? 0
                : instructions.get(instructions.size() - 1).address() - instructions.get(0).address();
    }

    /**
     * The probe's class collector: Endive's compiler adds the function classes to its main collector in one
     * {@code putAll} once all of them are written; that is all the probe needs, so it stops the compile there.
     */
    private static final class StopAfterFunctions extends ByteClassCollector {
        @Override
        public void putAll(ClassCollector collector) {
            throw new Done();
        }

        /** Thrown to stop the probe; no stack trace. */
        static final class Done extends RuntimeException {
            Done() {
                super("probe done", null, false, false);
            }
        }
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
