package io.mcpwasm;

import static org.junit.jupiter.api.Assertions.*;

import com.dylibso.chicory.wabt.Wat2Wasm;
import io.mcpwasm.wasi.HostPolicy;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loading: every source kind, clear errors for bad modules, and the disk compile cache. */
class LoadTest {

    @Test
    void loadsFromPathBytesStreamAndClasspath(@TempDir Path cache) throws Exception {
        try (McpRuntime runtime = McpRuntime.builder().compileCache(cache).build()) {
            byte[] bytes = Files.readAllBytes(TestGuests.guest("fault-server"));
            McpModule[] modules = {
                runtime.load(TestGuests.guest("fault-server")),
                runtime.load(bytes, "from-bytes"),
                runtime.load(new ByteArrayInputStream(bytes), "from-stream"),
                runtime.loadResource("guests/fault-server.wasm"),
            };
            for (McpModule m : modules) {
                assertEquals("fault-server", m.name(), "the embedded manifest names it");
                try (McpServer s = m.start(HostPolicy.denyAll())) {
                    assertEquals("echo", s.call("echo", Map.of()).text());
                }
            }
        }
    }

    @Test
    void aBrokenModuleNamesItsSourceAndTheProblem(@TempDir Path dir) throws Exception {
        Path junk = dir.resolve("junk.wasm");
        Files.write(junk, new byte[] {0, 'a', 's', 'm', 1, 0, 0, 0, 42, 42, 42});
        try (McpRuntime runtime = McpRuntime.builder().noCompileCache().build()) {
            ModuleLoadException e = assertThrows(ModuleLoadException.class, () -> runtime.load(junk));
            assertTrue(e.getMessage().contains("junk.wasm"), e.getMessage());
            assertTrue(e.getMessage().contains("malformed"), e.getMessage());

            ModuleLoadException text = assertThrows(ModuleLoadException.class,
                    () -> runtime.load("hello".getBytes(), "hello-bytes"));
            assertTrue(text.getMessage().contains("hello-bytes"), text.getMessage());

            ModuleLoadException missing = assertThrows(ModuleLoadException.class,
                    () -> runtime.load(dir.resolve("nope.wasm")));
            assertTrue(missing.getMessage().contains("no such file"), missing.getMessage());

            assertThrows(ModuleLoadException.class, () -> runtime.loadResource("guests/nope.wasm"));
        }
    }

    @Test
    void aModuleThatIsNotAWasiCommandIsRefused() {
        byte[] library = Wat2Wasm.parse("(module (memory (export \"memory\") 1) (func (export \"add\") ))");
        byte[] foreign = Wat2Wasm.parse("(module (import \"env\" \"host_secret\" (func)) (memory (export \"memory\") 1)"
                + " (func (export \"_start\")))");
        try (McpRuntime runtime = McpRuntime.builder().noCompileCache().build()) {
            ModuleLoadException lib = assertThrows(ModuleLoadException.class, () -> runtime.load(library, "lib"));
            assertTrue(lib.getMessage().contains("no _start"), lib.getMessage());
            ModuleLoadException imp = assertThrows(ModuleLoadException.class, () -> runtime.load(foreign, "foreign"));
            assertTrue(imp.getMessage().contains("env.host_secret"), imp.getMessage());
        }
    }

    @Test
    void theDiskCacheIsReusedByANewRuntimeAndSurvivesACorruptEntry(@TempDir Path cache) throws Exception {
        try (McpRuntime first = McpRuntime.builder().compileCache(cache).build()) {
            first.load(TestGuests.guest("fault-server"));
        }
        Path entry;
        try (Stream<Path> files = Files.walk(cache)) {
            entry = files.filter(p -> p.toString().endsWith(".jar")).findFirst().orElseThrow();
        }
        long size = Files.size(entry);
        assertTrue(size > 1000);

        // A second runtime (as a second JVM would) finds the entry: loading takes it instead of compiling.
        try (McpRuntime second = McpRuntime.builder().compileCache(cache).build()) {
            McpModule m = second.load(TestGuests.guest("fault-server"));
            assertEquals(1, cacheHits(second));
            try (McpServer s = m.start(HostPolicy.denyAll())) {
                assertEquals("echo", s.call("echo", Map.of()).text());
            }
        }

        // Truncate the entry: the next load notices, recompiles, and stores a good entry again.
        byte[] bytes = Files.readAllBytes(entry);
        Files.write(entry, java.util.Arrays.copyOf(bytes, bytes.length / 2));
        try (McpRuntime third = McpRuntime.builder().compileCache(cache).build()) {
            McpModule m = third.load(TestGuests.guest("fault-server"));
            assertEquals(0, cacheHits(third));
            try (McpServer s = m.start(HostPolicy.denyAll())) {
                assertEquals("echo", s.call("echo", Map.of()).text());
            }
        }
        assertEquals(size, Files.size(entry), "a whole entry was written back");
    }

    private static long cacheHits(McpRuntime runtime) {
        return runtime.compileCacheHits();
    }
}
