package io.mcpwasm.bench;

import io.mcpwasm.internal.CodeReshaper;
import io.mcpwasm.internal.DiskCompileCache;
import io.mcpwasm.internal.FunctionOutliner;
import io.mcpwasm.internal.ModuleCompiler;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.function.Function;
import run.endive.runtime.Instance;
import run.endive.runtime.Machine;
import run.endive.wasm.Parser;
import run.endive.wasm.WasmModule;

/**
 * One cold compile of a module in this (fresh) JVM, split by phase: read, reshape, outline, parse, compile (Endive,
 * defining the classes and writing the disk cache entry), first instantiate. Each phase is reported as the process's
 * CPU time (every thread: the JIT's and the GC's too) and wall time, so a phase's CPU includes the JIT compiling the
 * code it runs. The disk cache is a new empty directory.
 *
 * <p>Usage: {@code CompileProbe <module.wasm> [label]}; prints one line per phase.
 */
public final class CompileProbe {
    private CompileProbe() {}

    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private static long cpu0;
    private static long wall0;
    private static long cpuStart;
    private static long wallStart;
    private static long mainCpu0;
    private static final java.lang.management.ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static String label;

    public static void main(String[] args) throws Exception {
        label = args.length > 1 ? args[1] : Path.of(args[0]).getFileName().toString();
        cpuStart = cpu0 = OS.getProcessCpuTime();
        mainCpu0 = THREADS.getCurrentThreadCpuTime();
        wallStart = wall0 = System.nanoTime();
        byte[] original = Files.readAllBytes(Path.of(args[0]));
        phase("read");
        byte[] reshaped = CodeReshaper.reshape(original);
        phase("reshape");
        byte[] outlined = FunctionOutliner.outline(reshaped);
        phase("outline");
        WasmModule module = Parser.parse(outlined);
        phase("parse");
        Path dir = Files.createTempDirectory("compile-probe");
        DiskCompileCache cache = new DiskCompileCache(dir);
        byte[] digest = java.security.MessageDigest.getInstance("SHA-256").digest(original);
        String key = "sha-256:" + Base64.getEncoder().encodeToString(digest);
        ModuleCompiler.Compiled compiled = ModuleCompiler.compile(module, cache, key, label);
        phase("compile+cache");
        byte[] stripped = io.mcpwasm.internal.CodeStripper.strip(outlined, compiled.interpreted(), module);
        if (stripped != null) {
            cache.putStrippedModule(java.util.HexFormat.of().formatHex(digest), stripped);
        }
        phase("stripped copy");
        Function<Instance, Machine> factory = compiled.factory();
        var imports = run.endive.runtime.ImportValues.builder();
        module.importSection().stream().forEach(i -> {
            if (i instanceof run.endive.wasm.types.FunctionImport f) {
                imports.addFunction(new run.endive.runtime.HostFunction(f.module(), f.name(),
                        module.typeSection().getType(f.typeIndex()), (inst, a) -> null));
            }
        });
        Instance instance = Instance.builder(module).withMachineFactory(factory).withStart(false)
                .withImportValues(imports.build()).build();
        phase("instantiate");
        long entry = 0;
        try (var files = Files.list(dir)) {
            entry = files.mapToLong(p -> p.toFile().length()).sum();
        }
        System.out.printf("%s total cpu_ms=%d wall_ms=%d interpreted=%s functions=%d cache_bytes=%d instance=%s%n",
                label, (OS.getProcessCpuTime() - cpuStart) / 1_000_000, (System.nanoTime() - wallStart) / 1_000_000,
                compiled.interpreted() + " attempts=" + compiled.attempts(), module.functionSection().functionCount(), entry,
                instance.getClass().getSimpleName());
        int largest = 0;
        for (int i = 0; i < module.codeSection().functionBodyCount(); i++) {
            largest = Math.max(largest, module.codeSection().getFunctionBody(i).instructions().size());
        }
        System.out.printf("%s largest function: %d instructions%n", label, largest);
        threadsByKind();
    }

    /**
     * CPU time of this process's threads by kind (JIT compilers, GC, the rest), read from Linux's /proc: the JVM's
     * own threads are invisible to ThreadMXBean.
     */
    private static void threadsByKind() throws java.io.IOException {
        Path tasks = Path.of("/proc/self/task");
        if (!Files.isDirectory(tasks)) {
            return;
        }
        java.util.Map<String, Long> byKind = new java.util.TreeMap<>();
        long hz = 100; // USER_HZ on Linux
        try (var all = Files.list(tasks)) {
            for (Path t : (Iterable<Path>) all::iterator) {
                String stat;
                try {
                    stat = Files.readString(t.resolve("stat"));
                } catch (java.io.IOException gone) {
                    continue;
                }
                String comm = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime
                String kind = comm.startsWith("C2 ") ? "jit-c2" : comm.startsWith("C1 ") ? "jit-c1"
                        : comm.startsWith("G1") || comm.startsWith("GC ") ? "gc" : comm.equals("main") ? "main"
                        : "other";
                byKind.merge(kind, ticks * 1000 / hz, Long::sum);
            }
        }
        System.out.printf("%s thread cpu_ms by kind (live threads): %s%n", label, byKind);
    }

    private static void phase(String name) {
        long cpu = OS.getProcessCpuTime();
        long wall = System.nanoTime();
        long main = THREADS.getCurrentThreadCpuTime();
        System.out.printf("%s %-14s cpu_ms=%6d main_thread_cpu_ms=%6d wall_ms=%6d%n", label, name,
                (cpu - cpu0) / 1_000_000, (main - mainCpu0) / 1_000_000, (wall - wall0) / 1_000_000);
        mainCpu0 = main;
        cpu0 = cpu;
        wall0 = wall;
    }
}
