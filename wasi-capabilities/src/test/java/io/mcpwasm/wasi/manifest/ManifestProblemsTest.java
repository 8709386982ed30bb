package io.mcpwasm.wasi.manifest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import io.mcpwasm.wasi.Manifest;
import io.mcpwasm.wasi.ManifestException;
import io.mcpwasm.wasi.internal.manifest.ManifestFields;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The manifest's {@code args}, and manifests with several problems: every one is reported, each with its path. */
class ManifestProblemsTest {

    private static String fields(ManifestException e) {
        return String.join(",", e.problems().stream().map(p -> String.valueOf(p.field())).toList());
    }

    @Test
    void argsAreReadInOrderAndMayRepeat() {
        Manifest m = Manifest.parse("""
                {"manifestVersion": 1, "name": "memory", "args": ["-memory", "/data/m.json", "-v", "-v", ""]}""");
        assertEquals(List.of("-memory", "/data/m.json", "-v", "-v", ""), m.args());
        assertEquals(List.of(), Manifest.parse("{\"manifestVersion\": 1, \"name\": \"x\"}").args());
        assertTrue(m.toString().contains("args=[-memory, /data/m.json"), m.toString());
        assertTrue(!m.equals(Manifest.parse("""
                {"manifestVersion": 1, "name": "memory", "args": ["-memory", "/data/m.json"]}""")),
                "args are part of what a manifest declares");
    }

    @Test
    void argsAreCappedAndChecked() {
        String many = String.join(",", Collections.nCopies(ManifestFields.ARGS_MAX + 1, "\"a\""));
        ManifestException tooMany = assertThrows(ManifestException.class,
                () -> Manifest.parse("{\"manifestVersion\": 1, \"name\": \"x\", \"args\": [" + many + "]}"));
        assertEquals("args: 65 entries; at most 64 are allowed", tooMany.getMessage());

        String longArg = "a".repeat(ManifestFields.ARG_MAX + 1);
        ManifestException e = assertThrows(ManifestException.class, () -> Manifest.parse(
                "{\"manifestVersion\": 1, \"name\": \"x\", \"args\": [\"ok\", 7, \"" + longArg + "\", \"a\\u0000b\"]}"));
        assertEquals("args[1],args[2],args[3]", fields(e));
        assertTrue(e.getMessage().contains("args[1]: must be a string, not a number"), e.getMessage());
        assertTrue(e.getMessage().contains("args[2]: 4097 characters; at most 4096 are allowed"), e.getMessage());
        assertTrue(e.getMessage().contains("args[3]: contains a NUL character"), e.getMessage());

        ManifestException notList = assertThrows(ManifestException.class,
                () -> Manifest.parse("{\"manifestVersion\": 1, \"name\": \"x\", \"args\": \"-v\"}"));
        assertEquals("args: must be a JSON array, not a string", notList.getMessage());
    }

    static final String FIVE_PROBLEMS = """
            {
              "manifestVersion": 1,
              "name": "Bad Name",
              "mounts": [{"guestPath": "data", "mode": "rwx"}],
              "limits": {"memory": "lots", "callTimeout": "30s"},
              "colour": "blue"
            }
            """;

    @Test
    void everyProblemIsReportedWithItsPath() {
        ManifestException e = assertThrows(ManifestException.class, () -> Manifest.parse(FIVE_PROBLEMS));
        assertEquals("colour,name,mounts[0].guestPath,mounts[0].mode,limits.memory", fields(e));
        assertEquals(Optional.empty(), e.field(), "several problems: no single field");
        String[] lines = e.getMessage().split("\n");
        assertEquals("5 problems in the manifest:", lines[0]);
        assertEquals(6, lines.length, e.getMessage());
        assertTrue(lines[1].startsWith("  colour: unknown field; allowed here: manifestVersion, name"), lines[1]);
        assertEquals("  name: 'Bad Name' must match [a-z0-9][a-z0-9._-]* and be at most 64 characters", lines[2]);
        assertTrue(lines[3].startsWith("  mounts[0].guestPath: "), lines[3]);
        assertEquals("  mounts[0].mode: 'rwx' must be \"ro\" or \"rw\"", lines[4]);
        assertTrue(lines[5].startsWith("  limits.memory: 'lots' is not a size"), lines[5]);
    }

    @Test
    void problemsInListEntriesAndNestedObjectsAreAllReported() {
        ManifestException e = assertThrows(ManifestException.class, () -> Manifest.parse("""
                {"manifestVersion": 2, "name": "x",
                 "network": {"hosts": ["ftp://a.example", "https://ok.example", "https://ok.example:443"], "ports": 1},
                 "env": ["1BAD", "GOOD", "GOOD"],
                 "secrets": [{"name": "", "guestPath": "/"}, {"name": "k", "guestPath": "/run/k", "x": 1}],
                 "clock": {"realtime": "yes", "monotonic": 0},
                 "random": "true"}
                """));
        assertEquals("manifestVersion,network.ports,network.hosts[0],network.hosts[2],env[0],env[2],"
                + "secrets[0].name,secrets[0].guestPath,secrets[1].x,clock.realtime,clock.monotonic,random", fields(e));
        assertTrue(e.getMessage().startsWith("12 problems in the manifest:"), e.getMessage());
    }

    @Test
    void aSingleProblemKeepsItsOneLineMessage() {
        ManifestException e = assertThrows(ManifestException.class,
                () -> Manifest.parse("{\"manifestVersion\": 1, \"name\": \"x\", \"env\": [\"1BAD\"]}"));
        assertEquals(Optional.of("env[0]"), e.field());
        assertEquals(1, e.problems().size());
        assertTrue(e.getMessage().startsWith("env[0]: '1BAD' is not a variable name"), e.getMessage());
    }

    @Test
    void aBadSidecarNamesItsFileAndEveryProblem() throws Exception {
        try (FileSystem fs = Jimfs.newFileSystem(Configuration.unix())) {
            Path dir = Files.createDirectories(fs.getPath("/mods"));
            Path wasm = dir.resolve("notes.wasm");
            Files.write(wasm, WasmManifestSectionTest.MODULE);
            Files.writeString(dir.resolve("notes.manifest.json"), FIVE_PROBLEMS);
            ManifestException e = assertThrows(ManifestException.class, () -> Manifest.load(wasm));
            assertTrue(e.getMessage().startsWith("5 problems in the manifest (in /mods/notes.manifest.json):\n"),
                    e.getMessage());
            assertEquals("colour,name,mounts[0].guestPath,mounts[0].mode,limits.memory", fields(e));

            Files.delete(dir.resolve("notes.manifest.json"));
            byte[] bad = "{\"manifestVersion\":1,\"name\":\"A\",\"env\":[\"1\"],\"x\":1}"
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8); // short: the helper writes one-byte sizes
            Files.write(wasm, WasmManifestSectionTest.concat(WasmManifestSectionTest.MODULE,
                    WasmManifestSectionTest.customSection(Manifest.SECTION_NAME, bad)));
            ManifestException embedded = assertThrows(ManifestException.class, () -> Manifest.load(wasm));
            assertTrue(embedded.getMessage().startsWith(
                    "3 problems in the manifest (in the 'mcpwasm.manifest' section of /mods/notes.wasm):\n"),
                    embedded.getMessage());
            assertEquals("x,name,env[0]", fields(embedded));
        }
    }
}
