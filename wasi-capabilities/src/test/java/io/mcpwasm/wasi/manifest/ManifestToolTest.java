package io.mcpwasm.wasi.manifest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mcpwasm.wasi.Manifest;
import io.mcpwasm.wasi.internal.manifest.ManifestTool;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ManifestToolTest {

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        out.reset();
        err.reset();
        return ManifestTool.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void embedShowValidate() throws IOException {
        Path in = Files.write(dir.resolve("in.wasm"), WasmManifestSectionTest.MODULE);
        Path json = Files.writeString(dir.resolve("m.json"), WasmManifestSectionTest.NOTES);
        Path outWasm = dir.resolve("out.wasm");

        assertEquals(0, run("embed", in.toString(), json.toString(), outWasm.toString()), err());
        assertArrayEquals(Manifest.embed(WasmManifestSectionTest.MODULE,
                WasmManifestSectionTest.NOTES.getBytes(StandardCharsets.UTF_8)), Files.readAllBytes(outWasm));

        assertEquals(0, run("show", outWasm.toString()), err());
        assertEquals(WasmManifestSectionTest.NOTES, out().strip());

        assertEquals(0, run("validate", json.toString()), err());
        assertTrue(out().contains("valid manifest for server 'notes'"), out());
        assertEquals(0, run("validate", outWasm.toString()), err());

        assertEquals(1, run("show", in.toString()));
        assertTrue(err().contains("no 'mcpwasm.manifest' custom section"), err());
    }

    @Test
    void invalidInputsExitOne() throws IOException {
        Path in = Files.write(dir.resolve("in.wasm"), WasmManifestSectionTest.MODULE);
        Path bad = Files.writeString(dir.resolve("bad.json"), "{\"manifestVersion\":1,\"name\":\"x\",\"mounts\":[{\"guestPath\":\"rel\",\"mode\":\"ro\"}]}");
        assertEquals(1, run("validate", bad.toString()));
        assertTrue(err().contains("mounts[0].guestPath"), err());
        assertEquals(1, run("embed", in.toString(), bad.toString(), dir.resolve("o.wasm").toString()));
        assertTrue(Files.notExists(dir.resolve("o.wasm")));
        Path garbage = Files.write(dir.resolve("g.wasm"), new byte[] {0, 'a', 's', 'm', 9, 9, 9, 9});
        assertEquals(1, run("show", garbage.toString()));
        assertTrue(err().contains("malformed wasm module"), err());
        assertEquals(1, run("validate", dir.resolve("missing.json").toString()));
    }

    @Test
    void badUsageExitsTwo() {
        assertEquals(2, run());
        assertEquals(2, run("frobnicate"));
        assertEquals(2, run("embed", "a"));
        assertEquals(2, run("show"));
        assertEquals(2, run("validate", "a", "b"));
        assertTrue(err().contains("usage:"), err());
    }
}
