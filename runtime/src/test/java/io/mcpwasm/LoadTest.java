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

            Files.write(dir.resolve("bad.wasm"), new byte[] {0, 'a', 's', 'm', 1, 0, 0, 0});
            Files.writeString(dir.resolve("bad.manifest.json"), "{\"manifestVersion\": 1}");
            ModuleLoadException badSidecar = assertThrows(ModuleLoadException.class,
                    () -> runtime.load(dir.resolve("bad.wasm")));
            assertTrue(badSidecar.getMessage().contains(dir.resolve("bad.manifest.json").toString()),
                    badSidecar.getMessage());
            assertTrue(badSidecar.getMessage().contains("name"), badSidecar.getMessage());
        }
    }

    @Test
    void theInterpreterRunsAModuleWithoutCompilingIt(@TempDir Path cache) {
        try (McpRuntime runtime = McpRuntime.builder().compileCache(cache).interpreterOnly().build()) {
            try (McpServer s = runtime.load(TestGuests.guest("fault-server")).start(HostPolicy.denyAll())) {
                assertEquals("echo", s.call("echo", Map.of()).text());
            }
            assertEquals(0, runtime.compileCacheHits());
        }
        assertTrue(cache.toFile().list() == null || cache.toFile().list().length == 0, "nothing was compiled");
    }

    @Test
    void anEmbeddedManifestAndADifferentSidecarAreRefused(@TempDir Path dir) throws Exception {
        Path wasm = dir.resolve("fault-server.wasm");
        Files.copy(TestGuests.guest("fault-server"), wasm);
        Files.writeString(dir.resolve("fault-server.manifest.json"),
                "{\"manifestVersion\":1,\"name\":\"fault-server\",\"env\":[\"HOME\"]}");
        try (McpRuntime runtime = McpRuntime.builder().noCompileCache().build()) {
            ModuleLoadException e = assertThrows(ModuleLoadException.class, () -> runtime.load(wasm));
            assertTrue(e.getMessage().contains("differ"), e.getMessage());
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
    void theDiskCacheIsReusedByANewRuntimeAndSurvivesCorruptEntries(@TempDir Path cache) throws Exception {
        try (McpRuntime first = McpRuntime.builder().compileCache(cache).build()) {
            first.load(TestGuests.guest("fault-server"));
            assertEquals(0, first.compileCacheHits());
        }
        Map<Path, Long> sizes = entries(cache);
        assertEquals(2, sizes.size(), "compiled classes (under the module's digest) and the stripped module: "
                + sizes.keySet());

        // A second runtime (as a second JVM would) parses the stripped copy and loads the compiled classes.
        try (McpRuntime second = McpRuntime.builder().compileCache(cache).build()) {
            McpModule m = second.load(TestGuests.guest("fault-server"));
            assertEquals(2, second.compileCacheHits(), "stripped module + classes, no compilation");
            try (McpServer s = m.start(HostPolicy.denyAll())) {
                assertEquals("echo", s.call("echo", Map.of()).text());
                assertThrows(ServerFailedException.class, () -> s.call("trap", Map.of()),
                        "compiled code, not the stripped stubs, runs");
            }
        }

        // Truncate every entry: the next load notices, compiles again, and writes whole entries back.
        for (Path p : sizes.keySet()) {
            byte[] bytes = Files.readAllBytes(p);
            Files.write(p, java.util.Arrays.copyOf(bytes, bytes.length / 2));
        }
        try (McpRuntime third = McpRuntime.builder().compileCache(cache).build()) {
            McpModule m = third.load(TestGuests.guest("fault-server"));
            assertEquals(0, third.compileCacheHits());
            try (McpServer s = m.start(HostPolicy.denyAll())) {
                assertEquals("echo", s.call("echo", Map.of()).text());
            }
        }
        assertEquals(sizes, entries(cache), "whole entries were written back");
    }

    @Test
    void cachedClassesTheJvmRefusesAreCompiledAgain(@TempDir Path cache) throws Exception {
        byte[] wasm = Files.readAllBytes(TestGuests.guest("fault-server"));
        String key = run.endive.wasm.Parser.parse(wasm).digest(); // where Chicory's compiler puts them
        io.mcpwasm.internal.DiskCompileCache disk = new io.mcpwasm.internal.DiskCompileCache(
                cache.resolve("compiled").resolve(McpRuntime.CACHE_LAYOUT));
        // An entry whose integrity header is right but whose payload is no jar of classes (a different compiler
        // writing into the same directory, say).
        disk.putIfAbsent(key, "not a jar".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        try (McpRuntime runtime = McpRuntime.builder().compileCache(cache).build()) {
            McpModule m = runtime.load(wasm, "fault-server");
            try (McpServer s = m.start(HostPolicy.denyAll())) {
                assertEquals("echo", s.call("echo", Map.of()).text());
            }
        }
        byte[] replaced = disk.read(key);
        assertNotNull(replaced, "the compiled classes were written back");
        assertNotEquals("not a jar", new String(replaced, java.nio.charset.StandardCharsets.UTF_8));
        try (McpRuntime again = McpRuntime.builder().compileCache(cache).build()) {
            McpModule m = again.load(wasm, "fault-server");
            assertEquals(2, again.compileCacheHits(), "the rewritten entry and the stripped copy are used");
            try (McpServer s = m.start(HostPolicy.denyAll())) {
                assertEquals("echo", s.call("echo", Map.of()).text());
            }
        }
    }

    @Test
    void theDiskCacheStaysUnderTheCapGivenToTheBuilder(@TempDir Path cache) throws Exception {
        // Two modules of 600 KB of data each: their stripped copies alone are over a 1 MiB cap together.
        byte[] a = moduleWithData(1, 600_000);
        byte[] b = moduleWithData(2, 600_000);
        long cap = 1 << 20;
        try (McpRuntime runtime = McpRuntime.builder().compileCache(cache).compileCacheMaxBytes(cap).build()) {
            runtime.load(a, "a");
            runtime.load(b, "b");
        }
        long total = entries(cache).values().stream().mapToLong(Long::longValue).sum();
        assertTrue(total <= cap, total + " bytes in a cache capped at " + cap);
        try (McpRuntime again = McpRuntime.builder().compileCache(cache).compileCacheMaxBytes(cap).build()) {
            again.load(b, "b");
            assertEquals(2, again.compileCacheHits(), "the most recently used module is still cached whole");
        }
        assertThrows(IllegalArgumentException.class, () -> McpRuntime.builder().compileCacheMaxBytes(1000));
    }

    /** A WASI command with one function and {@code size} bytes of data, all {@code fill}. */
    private static byte[] moduleWithData(int fill, int size) {
        java.io.ByteArrayOutputStream data = new java.io.ByteArrayOutputStream();
        data.writeBytes(new byte[] {1, 0, 0x41, 0, 0x0b}); // one active segment at i32.const 0
        data.writeBytes(HostileModuleTest.leb(size));
        byte[] bytes = new byte[size];
        java.util.Arrays.fill(bytes, (byte) fill);
        data.writeBytes(bytes);
        return HostileModuleTest.module(
                HostileModuleTest.section(1, 1, 0x60, 0, 0),
                HostileModuleTest.section(3, 1, 0),
                HostileModuleTest.section(5, 1, 0, 16),
                HostileModuleTest.section(7, 2, 6, '_', 's', 't', 'a', 'r', 't', 0, 0, 6, 'm', 'e', 'm', 'o', 'r', 'y',
                        2, 0),
                HostileModuleTest.section(10, 1, 2, 0, 0x0b),
                HostileModuleTest.section(11, data.toByteArray()));
    }

    private static Map<Path, Long> entries(Path cache) throws java.io.IOException {
        Map<Path, Long> sizes = new java.util.TreeMap<>();
        try (Stream<Path> files = Files.walk(cache)) {
            for (Path p : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".jar"))::iterator) {
                sizes.put(p, Files.size(p));
            }
        }
        return sizes;
    }

    private static long cacheHits(McpRuntime runtime) {
        return runtime.compileCacheHits();
    }
}
