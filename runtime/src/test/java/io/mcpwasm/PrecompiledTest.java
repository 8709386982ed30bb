package io.mcpwasm;

import static org.junit.jupiter.api.Assertions.*;

import run.endive.runtime.CompiledModule;
import run.endive.runtime.Instance;
import run.endive.runtime.Machine;
import com.dylibso.chicory.wabt.Wat2Wasm;
import run.endive.wasm.Parser;
import run.endive.wasm.WasmModule;
import io.mcpwasm.precompiled.FaultServer;
import io.mcpwasm.wasi.HostPolicy;
import io.mcpwasm.wasi.Manifest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link McpRuntime#loadPrecompiled}: the fault-server test guest compiled at build time by
 * chicory-compiler-maven-plugin (runtime/pom.xml, class {@code io.mcpwasm.precompiled.FaultServer}) runs as an MCP
 * server under its manifest; what cannot run is refused at load with a {@link ModuleLoadException} naming it.
 */
class PrecompiledTest {
    static McpRuntime runtime;
    static Manifest manifest;

    @BeforeAll
    static void setUp() throws IOException {
        runtime = McpRuntime.builder().noCompileCache().build();
        manifest = Manifest.parse(Files.readAllBytes(Path.of("src/test/guests/fault-server/manifest.json")));
    }

    @AfterAll
    static void tearDown() {
        runtime.close();
    }

    /** A CompiledModule made of parts, to pair a module with a factory the plugin did not generate for it. */
    private record Parts(Supplier<WasmModule> module, Function<Instance, Machine> factory) implements CompiledModule {
        @Override
        public WasmModule wasmModule() {
            return module.get();
        }

        @Override
        public Function<Instance, Machine> machineFactory() {
            return factory;
        }
    }

    @Test
    void theGeneratedModuleCarriesNoCustomSectionAndNoCompiledCode() throws IOException {
        assertTrue(FaultServer.load().customSections().isEmpty(), "the plugin kept a custom section after all");
        byte[] meta;
        try (var in = FaultServer.class.getResourceAsStream("FaultServer.meta")) {
            meta = in.readAllBytes();
        }
        assertTrue(meta.length < Files.size(TestGuests.guest("fault-server")) / 2,
                "the .meta module still holds its function bodies: " + meta.length + " bytes");
    }

    @Test
    void startsAndCallsToolsUnderTheGivenManifest() {
        McpModule module = runtime.loadPrecompiled(new FaultServer(), manifest);
        assertEquals("fault-server", module.name());
        assertEquals("precompiled:io.mcpwasm.precompiled.FaultServer", module.source());
        assertEquals(manifest, module.manifest().orElseThrow());
        try (McpServer server = module.start(HostPolicy.denyAll())) {
            assertEquals(List.of("echo", "trap", "recurse", "grow", "whoami"),
                    server.tools().stream().map(Tool::name).toList());
            assertEquals("echo", server.call("echo", Map.of()).text());
            assertTrue(server.call("whoami", Map.of()).text().matches("[0-9a-f]{8}"));
        }
        assertEquals(0, runtime.compileCacheHits());
    }

    @Test
    void theManifestsMemoryLimitBindsTheCompiledGuest() {
        McpModule module = runtime.loadPrecompiled(new FaultServer(), manifest);
        try (McpServer server = module.start(HostPolicy.denyAll())) {
            ServerFailedException f = assertThrows(ServerFailedException.class, () -> server.call("grow", Map.of()));
            assertEquals(FailureKind.OUT_OF_MEMORY, f.kind(), f.getMessage());
            assertTrue(f.getMessage().contains("8 MiB"), f.getMessage());
        }
    }

    @Test
    void aTrapInCompiledCodeFailsTheServer() {
        try (McpServer server = runtime.loadPrecompiled(new FaultServer(), manifest).start(HostPolicy.denyAll())) {
            ServerFailedException f = assertThrows(ServerFailedException.class, () -> server.call("trap", Map.of()));
            assertEquals(FailureKind.TRAP, f.kind(), f.getMessage());
            assertEquals(ServerState.FAILED, server.state());
        }
    }

    @Test
    void withoutAManifestItIsNamedAfterTheClassAndGrantedNothing() {
        McpModule module = runtime.loadPrecompiled(new FaultServer(), null);
        assertEquals("faultserver", module.name());
        assertTrue(module.manifest().isEmpty());
        try (McpServer server = module.start(HostPolicy.denyAll())) {
            assertEquals("echo", server.call("echo", Map.of()).text());
        }
    }

    @Test
    void aManifestSectionInTheGivenModuleIsUsedAndMustMatch() throws IOException {
        byte[] full = Files.readAllBytes(TestGuests.guest("fault-server"));
        Parts withSection = new Parts(() -> Parser.parse(full), FaultServer::create);
        McpModule module = runtime.loadPrecompiled(withSection, null);
        assertEquals(manifest, module.manifest().orElseThrow());
        try (McpServer server = module.start(HostPolicy.denyAll())) {
            assertEquals("echo", server.call("echo", Map.of()).text());
        }
        Manifest other = Manifest.parse("{\"manifestVersion\":1,\"name\":\"someone-else\"}");
        ModuleLoadException e = assertThrows(ModuleLoadException.class,
                () -> runtime.loadPrecompiled(withSection, other));
        assertTrue(e.getMessage().contains("differ"), e.getMessage());
    }

    @Test
    void aModuleThatIsNotAWasiCommandIsRefused() {
        byte[] reactor = Wat2Wasm.parse("(module (func (export \"work\")))");
        Parts parts = new Parts(() -> Parser.parse(reactor), FaultServer::create);
        ModuleLoadException e = assertThrows(ModuleLoadException.class, () -> runtime.loadPrecompiled(parts, manifest));
        assertTrue(e.getMessage().contains("precompiled:" + Parts.class.getName()), e.getMessage());
        assertTrue(e.getMessage().contains("not a WASI command"), e.getMessage());
    }

    /**
     * A machine factory generated for another module cannot be told apart at load (nothing in it names its module),
     * but it cannot run either: the server fails at start with a trap, it does not run the wrong code quietly.
     */
    @Test
    void aFactoryFromAnotherModuleFailsAtStart() throws IOException {
        byte[] other = Files.readAllBytes(TestGuests.guest("protocol-server"));
        McpModule module = runtime.loadPrecompiled(new Parts(() -> Parser.parse(other), FaultServer::create), null);
        ServerFailedException f = assertThrows(ServerFailedException.class, () -> module.start(HostPolicy.denyAll()));
        assertEquals(FailureKind.TRAP, f.kind(), f.getMessage());
        assertTrue(f.getMessage().contains("unknown function"), f.getMessage());
    }

    @Test
    void aGeneratedClassWhoseModuleCannotBeReadIsRefused() {
        Parts broken = new Parts(() -> {
            throw new UncheckedIOException("Failed to load .meta WASM module", new IOException("no such resource"));
        }, FaultServer::create);
        ModuleLoadException e = assertThrows(ModuleLoadException.class, () -> runtime.loadPrecompiled(broken, manifest));
        assertTrue(e.getMessage().contains("cannot load the compiled module"), e.getMessage());
        assertTrue(e.getMessage().contains(".meta"), e.getMessage());
    }

    @Test
    void anInterpreterOnlyRuntimeRefusesIt() {
        try (McpRuntime interpreter = McpRuntime.builder().noCompileCache().interpreterOnly().build()) {
            ModuleLoadException e = assertThrows(ModuleLoadException.class,
                    () -> interpreter.loadPrecompiled(new FaultServer(), manifest));
            assertTrue(e.getMessage().contains("interpreter-only"), e.getMessage());
            assertTrue(e.getMessage().contains("FaultServer"), e.getMessage());
        }
    }
}
