package io.mcpwasm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The library on the module path, used from a named module of its own: only the API packages can be named, and a
 * real tool call works both when the guest is compiled now (Endive's compiler defines the classes) and when its
 * classes come from the disk compile cache (defined by the runtime's own loader). The other tests run on the class
 * path (surefire's {@code useModulePath=false}); this one launches a JVM with {@code --module-path}.
 */
class ModulePathTest {
    private static final Path WORK = Path.of("target/module-path-test");
    private static List<String> modulePath;

    @BeforeAll
    static void modulePath() throws IOException {
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        modulePath = new ArrayList<>();
        for (String entry : cp.split(File.pathSeparator)) {
            String e = entry.replace('\\', '/');
            boolean ours = e.endsWith("/target/classes") && (e.contains("/runtime/") || e.contains("wasi-capabilities"))
                    || e.matches(".*/mcpwasm-(runtime|wasi-capabilities)-[^/]*\\.jar");
            boolean deps = e.contains("/run/endive/") || e.contains("/org/ow2/asm/")
                    || e.contains("/com/fasterxml/jackson/core/") || e.contains("/org/slf4j/slf4j-api/")
                    || e.contains("/org/slf4j/slf4j-simple/");
            if (ours || deps) {
                modulePath.add(Path.of(entry).toAbsolutePath().toString());
            }
        }
        assertEquals(2, modulePath.stream().filter(e -> e.contains("classes") || e.contains("mcpwasm-")).count(),
                "both library modules on the module path: " + modulePath);
        Files.createDirectories(WORK);
    }

    @Test
    void aNamedModuleCallsAToolOnTheModulePathAndSeesOnlyTheApi() throws Exception {
        Path out = compile("demo", """
                module demo { requires io.mcpwasm.runtime; }
                """, "demo/Main.java", """
                package demo;

                import io.mcpwasm.McpRuntime;
                import io.mcpwasm.McpServer;
                import io.mcpwasm.wasi.HostPolicy;
                import java.nio.file.Path;
                import java.util.Map;

                public class Main {
                    public static void main(String[] args) {
                        Module api = McpRuntime.class.getModule();
                        System.out.println("named=" + api.isNamed() + " internal="
                                + api.isExported("io.mcpwasm.internal", Main.class.getModule())
                                + " wasiInternal=" + HostPolicy.class.getModule()
                                        .isExported("io.mcpwasm.wasi.internal", Main.class.getModule()));
                        for (int run = 0; run < 2; run++) { // 0: compiled now; 1: classes from the disk cache
                            try (McpRuntime runtime = McpRuntime.builder().compileCache(Path.of(args[1])).build();
                                 McpServer server = runtime.load(Path.of(args[0])).start(HostPolicy.denyAll())) {
                                System.out.println("call " + run + ": "
                                        + server.call("echo", Map.of("text", "hello module path")).text());
                            }
                        }
                    }
                }
                """);
        Path cache = WORK.resolve("compile-cache");
        deleteTree(cache);
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                        .toString(), "-XX:-DontCompileHugeMethods", "-Xss8m", "--module-path",
                String.join(File.pathSeparator, modulePath) + File.pathSeparator + out, "-m", "demo/demo.Main",
                TestGuests.guest("protocol-server").toAbsolutePath().toString(), cache.toAbsolutePath().toString()));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), output);
        assertEquals(0, p.exitValue(), output);
        assertTrue(output.contains("named=true internal=false wasiInternal=false"), output);
        assertTrue(output.contains("call 0: hello module path"), output);
        assertTrue(output.contains("call 1: hello module path"), output);
        try (var entries = Files.list(cache)) {
            assertTrue(entries.findAny().isPresent(), "the second run read the classes the first one cached");
        }
    }

    @Test
    void theInternalPackagesCannotBeNamedFromAnotherModule() throws IOException {
        for (String internal : List.of("io.mcpwasm.internal.GuestProcess", "io.mcpwasm.wasi.internal.GuestInput",
                "io.mcpwasm.wasi.http.HttpImports")) {
            String diagnostics = compileFails("peek", """
                    module peek { requires io.mcpwasm.runtime; }
                    """, "peek/Peek.java", "package peek;\nclass Peek { " + internal + " x; }\n");
            assertTrue(diagnostics.contains("is not visible") || diagnostics.contains("does not export"),
                    internal + ": " + diagnostics);
        }
    }

    private static Path compile(String module, String moduleInfo, String file, String source) throws IOException {
        StringWriter diagnostics = new StringWriter();
        Path out = WORK.resolve(module + "-classes");
        assertTrue(javac(module, moduleInfo, file, source, out, diagnostics), diagnostics.toString());
        return out.toAbsolutePath();
    }

    private static String compileFails(String module, String moduleInfo, String file, String source)
            throws IOException {
        StringWriter diagnostics = new StringWriter();
        assertFalse(javac(module, moduleInfo, file, source, WORK.resolve(module + "-classes"), diagnostics),
                "compiled: " + source);
        return diagnostics.toString();
    }

    private static boolean javac(String module, String moduleInfo, String file, String source, Path out,
                                 StringWriter diagnostics) throws IOException {
        Path src = WORK.resolve(module + "-src");
        deleteTree(src);
        Files.createDirectories(src.resolve(file).getParent());
        Files.writeString(src.resolve("module-info.java"), moduleInfo);
        Files.writeString(src.resolve(file), source);
        Files.createDirectories(out);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        ByteArrayOutputStream messages = new ByteArrayOutputStream();
        int status = javac.run(null, messages, messages, "--module-path",
                String.join(File.pathSeparator, modulePath), "-d", out.toString(),
                src.resolve("module-info.java").toString(), src.resolve(file).toString());
        diagnostics.write(messages.toString(StandardCharsets.UTF_8));
        return status == 0;
    }

    private static void deleteTree(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (var walk = Files.walk(dir)) {
                for (Path p : walk.sorted((a, b) -> b.compareTo(a)).collect(Collectors.toList())) {
                    Files.delete(p);
                }
            }
        }
    }
}
