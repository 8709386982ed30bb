package io.mcpwasm.bench;

import io.mcpwasm.McpRuntime;

/** Fills the benchmarks' disk compile cache ({@link Samples#compileCache()}) with the three sample modules. */
public final class PrimeCache {
    private PrimeCache() {}

    public static void main(String[] args) {
        try (McpRuntime runtime = McpRuntime.builder().compileCache(Samples.compileCache()).build()) {
            for (String s : new String[] {Samples.GO, Samples.RUST, Samples.ZIG}) {
                long t = System.nanoTime();
                runtime.load(Samples.wasm(s));
                System.out.printf("compile cache: %s ready in %.0f ms%n", s, (System.nanoTime() - t) / 1e6);
            }
            System.out.println("compile cache: " + runtime.compileCacheHits() + " of 3 were already cached in "
                    + runtime.compileCacheDirectory());
        }
    }
}
