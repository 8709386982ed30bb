package io.mcpwasm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher cli/bin/mcpwasm and its AOT cache option (MCPWASM_AOT_CACHE, {@code mcpwasm train}), run as a user
 * runs it, from an installation laid out like cli/target: {@code bin/mcpwasm}, {@code target/mcpwasm-cli-*.jar}
 * (made here from this module's classes, as the build's jar is not there yet when the tests run) and
 * {@code target/lib/}. The JDK 25 tests run where the build's {@code jdk25.home} (.mvn/maven.config) or
 * {@code JDK25_HOME} names a JDK 25 or later, and are skipped elsewhere.
 */
class LauncherAotCacheTest {
    private static final String SESSION = String.join("\n",
            "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-11-25\","
                    + "\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}",
            "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}",
            "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":\"sha256\","
                    + "\"arguments\":{\"text\":\"abc\"}}}",
            "");

    @TempDir
    Path tmp;

    /** What one launch printed. */
    record Result(int exit, List<String> stdout, String stderr) {}

    @Test
    void trainOnJdk17IsAUsageErrorAndTheCacheVariableIsIgnoredWithAWarning() throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        assumeTrue(Runtime.version().feature() < 25, "this JVM is " + Runtime.version());
        Path install = install();
        Path cache = tmp.resolve("mcpwasm.aot");

        Result noVariable = launch(install, java, Map.of(), "", "train", TestGuests.ZIG.toString());
        assertEquals(Main.USAGE, noVariable.exit(), noVariable.stderr());
        assertTrue(noVariable.stderr().contains("MCPWASM_AOT_CACHE"), noVariable.stderr());

        Result train = launch(install, java, Map.of("MCPWASM_AOT_CACHE", cache.toString()), "", "train",
                TestGuests.ZIG.toString());
        assertEquals(Main.USAGE, train.exit(), train.stderr());
        assertTrue(train.stderr().contains("needs JDK 25"), train.stderr());
        assertFalse(Files.exists(cache));

        Result run = launch(install, java, Map.of("MCPWASM_AOT_CACHE", cache.toString()), SESSION, "run",
                TestGuests.ZIG.toString());
        assertEquals(0, run.exit(), run.stderr());
        assertTrue(run.stderr().contains("MCPWASM_AOT_CACHE ignored"), run.stderr());
        assertProtocolOnly(run);
    }

    @Test
    void trainWritesACacheThatLaterRunsStartFromAndAChangedJarIsNotServedFromIt() throws Exception {
        Path java = jdk25();
        Path install = install();
        Path cache = tmp.resolve("cache dir").resolve("mcpwasm.aot"); // a space in the path, as in many homes
        Files.createDirectories(cache.getParent());
        Map<String, String> env = Map.of("MCPWASM_AOT_CACHE", cache.toString());

        Result train = launch(install, java, env, "", "train", TestGuests.ZIG.toString());
        assertEquals(0, train.exit(), train.stderr());
        assertEquals(List.of(), train.stdout()); // the JVM's AOT messages go to stderr too
        assertTrue(Files.size(cache) > 1_000_000, "cache of " + Files.size(cache) + " bytes");
        assertTrue(Files.exists(Path.of(cache + ".stamp")));

        Path classLog = tmp.resolve("classes.log");
        Map<String, String> logged = Map.of("MCPWASM_AOT_CACHE", cache.toString(),
                "MCPWASM_JAVA_OPTS", "-Xlog:class+load=info:file=" + classLog);
        Result run = launch(install, java, logged, SESSION, "run", TestGuests.ZIG.toString());
        assertEquals(0, run.exit(), run.stderr());
        assertProtocolOnly(run);
        assertTrue(loadedFromCache(classLog, "io.mcpwasm.cli.Main"), "Main not from the AOT cache");
        assertTrue(loadedFromCache(classLog, "com.fasterxml.jackson.databind.ObjectMapper"));

        // A rebuilt jar: JDK 25 would still serve the cached classes of the old one; the launcher must not use it.
        Path jar = install.resolve("target/mcpwasm-cli-0-test.jar");
        writeCliJar(jar, Map.of("rebuilt.txt", new byte[] {1}));
        Files.deleteIfExists(classLog);
        Result stale = launch(install, java, logged, SESSION, "run", TestGuests.ZIG.toString());
        assertEquals(0, stale.exit(), stale.stderr());
        assertTrue(stale.stderr().contains("was made with other jars or another JDK, not used"), stale.stderr());
        assertProtocolOnly(stale);
        assertFalse(loadedFromCache(classLog, "io.mcpwasm.cli.Main"), "Main from a stale AOT cache");
    }

    /** JDK 25 or later, from the build's jdk25.home or JDK25_HOME; the test is skipped without one. */
    private static Path jdk25() {
        String home = System.getProperty("jdk25.home", System.getenv("JDK25_HOME"));
        assumeTrue(home != null && Files.isExecutable(Path.of(home, "bin", "java")),
                "no JDK 25: set jdk25.home (.mvn/maven.config) or JDK25_HOME");
        Path release = Path.of(home, "release");
        assumeTrue(Files.exists(release), "no release file in " + home);
        String version;
        try {
            version = Files.readAllLines(release).stream().filter(l -> l.startsWith("JAVA_VERSION=")).findFirst()
                    .orElse("JAVA_VERSION=\"0\"").replaceAll("JAVA_VERSION=\"([0-9]+).*", "$1");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        assumeTrue(Integer.parseInt(version) >= 25, home + " is JDK " + version);
        return Path.of(home, "bin", "java");
    }

    private static void assertProtocolOnly(Result r) throws IOException {
        assertEquals(2, r.stdout().size(), String.join("\n", r.stdout()));
        for (String line : r.stdout()) {
            JsonNode m = JsonRpc.JSON.readTree(line);
            assertEquals("2.0", m.path("jsonrpc").asText(), line);
        }
        assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
                JsonRpc.JSON.readTree(r.stdout().get(1)).path("result").path("content").get(0).path("text").asText());
    }

    private static boolean loadedFromCache(Path classLog, String className) throws IOException {
        try (Stream<String> lines = Files.lines(classLog)) {
            return lines.anyMatch(l -> l.contains(" " + className + " source: shared objects file"));
        }
    }

    /** bin/mcpwasm, target/mcpwasm-cli-0-test.jar (this module's classes) and target/lib/ (its dependencies). */
    private Path install() throws IOException {
        Path install = tmp.resolve("install");
        Path bin = Files.createDirectories(install.resolve("bin"));
        Path lib = Files.createDirectories(install.resolve("target/lib"));
        Path launcher = bin.resolve("mcpwasm");
        Files.copy(Path.of("bin", "mcpwasm").toAbsolutePath(), launcher);
        assertTrue(launcher.toFile().setExecutable(true));
        Path own = Path.of("target").toAbsolutePath();
        int dirs = 0;
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path p = Path.of(entry).toAbsolutePath();
            if (p.startsWith(own) || entry.contains("junit") || entry.contains("opentest4j")
                    || entry.contains("apiguardian")) {
                continue;
            }
            if (Files.isDirectory(p)) { // a reactor module not packaged yet (mvn test): its classes as a jar
                writeJar(lib.resolve("module-" + dirs++ + ".jar"), p, null, Map.of());
            } else if (entry.endsWith(".jar")) {
                Files.copy(p, lib.resolve(p.getFileName()));
            }
        }
        writeCliJar(install.resolve("target/mcpwasm-cli-0-test.jar"), Map.of());
        return install;
    }

    /** The cli jar: this module's main classes, Main-Class and the Class-Path of target/lib. */
    private static void writeCliJar(Path jar, Map<String, byte[]> extra) throws IOException {
        Manifest mf = new Manifest();
        mf.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        mf.getMainAttributes().put(Attributes.Name.MAIN_CLASS, Main.class.getName());
        List<String> libs = new ArrayList<>();
        try (Stream<Path> s = Files.list(jar.getParent().resolve("lib"))) {
            s.sorted().forEach(p -> libs.add("lib/" + p.getFileName()));
        }
        mf.getMainAttributes().put(Attributes.Name.CLASS_PATH, String.join(" ", libs));
        writeJar(jar, Path.of("target", "classes").toAbsolutePath(), mf, extra);
    }

    private static void writeJar(Path jar, Path classes, Manifest mf, Map<String, byte[]> extra) throws IOException {
        try (OutputStream out = Files.newOutputStream(jar);
             JarOutputStream j = mf == null ? new JarOutputStream(out) : new JarOutputStream(out, mf);
             Stream<Path> files = Files.walk(classes)) {
            for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                j.putNextEntry(new JarEntry(classes.relativize(f).toString().replace(File.separatorChar, '/')));
                j.write(Files.readAllBytes(f));
                j.closeEntry();
            }
            for (Map.Entry<String, byte[]> e : extra.entrySet()) {
                j.putNextEntry(new JarEntry(e.getKey()));
                j.write(e.getValue());
                j.closeEntry();
            }
        }
    }

    private static Result launch(Path install, Path java, Map<String, String> env, String stdin, String... args)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(install.resolve("bin/mcpwasm").toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().remove("MCPWASM_AOT_CACHE");
        pb.environment().remove("MCPWASM_JAVA_OPTS");
        pb.environment().put("MCPWASM_JAVA", java.toString());
        pb.environment().putAll(env);
        Path err = Files.createTempFile(install, "stderr", ".txt");
        pb.redirectError(err.toFile());
        Process p = pb.start();
        try (OutputStream in = p.getOutputStream()) {
            in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), "launcher still running");
        return new Result(p.exitValue(), out.lines().toList(), Files.readString(err));
    }
}
