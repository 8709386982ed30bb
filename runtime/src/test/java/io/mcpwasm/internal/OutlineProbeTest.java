package io.mcpwasm.internal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import run.endive.wasm.Parser;

class OutlineProbeTest {
    @Test
    void probe() throws Exception {
        for (String s : System.getProperty("probe", "zig-tools,rust-notes").split(",")) {
            byte[] wasm = CodeReshaper.reshape(Files.readAllBytes(Path.of("../samples/" + s + "/" + s + ".wasm")));
            byte[] out = FunctionOutliner.outline(wasm, new FunctionOutliner.Limits(Integer.getInteger("a", 3000), Integer.getInteger("c", 1200), Integer.getInteger("m", 150)));
            System.err.println(s + ": " + wasm.length + " -> " + out.length);
            Parser.parse(out);
            Map<Integer, Integer> before = MethodSizes.of(wasm);
            Map<Integer, Integer> after = MethodSizes.of(out);
            System.err.println(" before: n=" + before.size() + " >8000: " + before.values().stream().filter(v -> v > 8000).count()
                    + " >4000: " + before.values().stream().filter(v -> v > 4000).count());
            System.err.println(" after: n=" + after.size() + " >8000: " + after.values().stream().filter(v -> v > 8000).count()
                    + " >4000: " + after.values().stream().filter(v -> v > 4000).count());
            before.forEach((k, v) -> { if (v > 4000) System.err.println("  func " + k + ": " + v + " -> " + after.get(k)); });
        }
    }
}
