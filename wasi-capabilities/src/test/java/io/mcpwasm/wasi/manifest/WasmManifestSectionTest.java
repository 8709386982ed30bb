package io.mcpwasm.wasi.manifest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import run.endive.runtime.Instance;
import com.dylibso.chicory.wabt.Wat2Wasm;
import run.endive.wasm.Parser;
import run.endive.wasm.WasmModule;
import run.endive.wasm.types.UnknownCustomSection;
import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import io.mcpwasm.wasi.Manifest;
import io.mcpwasm.wasi.ManifestException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class WasmManifestSectionTest {

    static final byte[] MODULE = Wat2Wasm.parse("""
            (module
              (memory (export "memory") 1)
              (func (export "add") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add)
              (data (i32.const 0) "hello"))
            """);
    static final String NOTES = "{\"manifestVersion\":1,\"name\":\"notes\",\"env\":[\"LOG_LEVEL\"]}";
    static final String OTHER = "{\"manifestVersion\":1,\"name\":\"other\",\"stateless\":true}";

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void moduleWithoutTheSectionHasNoManifest() {
        assertEquals(Optional.empty(), Manifest.fromWasm(MODULE));
    }

    @Test
    void embedThenReadRoundTripsAndTheModuleStillRuns() {
        byte[] out = Manifest.embed(MODULE, utf8(NOTES));
        assertEquals(Manifest.parse(NOTES), Manifest.fromWasm(out).orElseThrow());
        assertArrayEquals(utf8(NOTES), Manifest.embeddedJson(out).orElseThrow());
        // the original bytes are kept as a prefix: the section is appended
        assertArrayEquals(MODULE, Arrays.copyOf(out, MODULE.length));

        WasmModule parsed = Parser.parse(out);
        UnknownCustomSection section = (UnknownCustomSection) parsed.customSection(Manifest.SECTION_NAME);
        assertArrayEquals(utf8(NOTES), section.bytes());
        Instance instance = Instance.builder(parsed).build();
        assertEquals(5L, instance.export("add").apply(2, 3)[0]);
    }

    @Test
    void embedIsDeterministic() {
        assertArrayEquals(Manifest.embed(MODULE, utf8(NOTES)), Manifest.embed(MODULE, utf8(NOTES)));
        byte[] once = Manifest.embed(MODULE, utf8(NOTES));
        assertArrayEquals(once, Manifest.embed(once, utf8(NOTES)), "embedding the same manifest again changes nothing");
    }

    @Test
    void embedReplacesAnExistingSectionInPlace() {
        byte[] first = Manifest.embed(MODULE, utf8(NOTES));
        // put another section after ours, to check that the replacement keeps its position
        byte[] withTrailer = concat(first, customSection("trailer", utf8("x")));
        byte[] replaced = Manifest.embed(withTrailer, utf8(OTHER));
        assertEquals(Manifest.parse(OTHER), Manifest.fromWasm(replaced).orElseThrow());
        assertArrayEquals(concat(MODULE, customSection(Manifest.SECTION_NAME, utf8(OTHER)),
                customSection("trailer", utf8("x"))), replaced);
        WasmModule parsed = Parser.parse(replaced);
        assertEquals(1, parsed.customSections().stream()
                .filter(s -> s.name().equals(Manifest.SECTION_NAME)).count());
    }

    @Test
    void embedMergesDuplicateSectionsIntoOne() {
        byte[] twice = concat(MODULE, customSection(Manifest.SECTION_NAME, utf8(NOTES)),
                customSection(Manifest.SECTION_NAME, utf8(OTHER)));
        ManifestException e = assertThrows(ManifestException.class, () -> Manifest.fromWasm(twice));
        assertTrue(e.getMessage().contains("2 'mcpwasm.manifest' custom sections"), e.getMessage());
        byte[] fixed = Manifest.embed(twice, utf8(OTHER));
        assertEquals(Manifest.parse(OTHER), Manifest.fromWasm(fixed).orElseThrow());
    }

    @Test
    void embedRefusesAnInvalidManifest() {
        ManifestException e = assertThrows(ManifestException.class,
                () -> Manifest.embed(MODULE, utf8("{\"manifestVersion\":1,\"name\":\"X\"}")));
        assertEquals(Optional.of("name"), e.field());
    }

    @Test
    void invalidEmbeddedManifestNamesTheField() {
        byte[] bad = concat(MODULE, customSection(Manifest.SECTION_NAME, utf8("{\"manifestVersion\":1,\"name\":\"x\",\"env\":[1]}")));
        ManifestException e = assertThrows(ManifestException.class, () -> Manifest.fromWasm(bad));
        assertEquals(Optional.of("env[0]"), e.field());
    }

    @Test
    void largeSectionUsesMultiByteSizes() {
        StringBuilder desc = new StringBuilder();
        for (int i = 0; i < 4_000; i++) {
            desc.append('d');
        }
        String json = "{\"manifestVersion\":1,\"name\":\"big\",\"description\":\"" + desc + "\"}";
        byte[] out = Manifest.embed(MODULE, utf8(json));
        assertEquals(4_000, Manifest.fromWasm(out).orElseThrow().description().orElseThrow().length());
        assertArrayEquals(utf8(json), ((UnknownCustomSection) Parser.parse(out).customSection(Manifest.SECTION_NAME)).bytes());
    }

    @Test
    void malformedModulesGiveClearErrors() {
        assertMalformed(new byte[] {0, 'a', 's'}, "shorter than the 8-byte header");
        assertMalformed(new byte[] {0, 'a', 's', 'n', 1, 0, 0, 0}, "magic");
        assertMalformed(new byte[] {0, 'a', 's', 'm', 2, 0, 0, 0}, "version");
        // a section that claims more bytes than there are
        assertMalformed(concat(MODULE, new byte[] {1, 0x7f, 0}), "declares 127 bytes but only 1 remain");
        // a size whose LEB128 never ends
        assertMalformed(concat(MODULE, new byte[] {0, (byte) 0x80, (byte) 0x80}), "runs past the end");
        // a size longer than 5 bytes
        assertMalformed(concat(MODULE, new byte[] {0, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0}),
                "longer than 5 bytes");
        // a size over 32 bits
        assertMalformed(concat(MODULE, new byte[] {0, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x7f}),
                "does not fit in 32 bits");
        // a custom section whose name is longer than the section
        assertMalformed(concat(MODULE, new byte[] {0, 2, 5, 'a'}), "name longer than the section");
        // a custom section name that is not UTF-8
        assertMalformed(concat(MODULE, new byte[] {0, 2, 1, (byte) 0xff}), "not valid UTF-8");
        // the same for embed and for a truncated real module
        ManifestException e = assertThrows(ManifestException.class,
                () -> Manifest.embed(Arrays.copyOf(MODULE, MODULE.length - 3), utf8(NOTES)));
        assertTrue(e.getMessage().startsWith("malformed wasm module: section"), e.getMessage());
    }

    @Test
    void loadReadsTheSidecarTheSectionOrBothWhenTheyAgree() throws Exception {
        try (FileSystem fs = Jimfs.newFileSystem(Configuration.unix())) {
            Path dir = Files.createDirectories(fs.getPath("/mods"));
            Path plain = dir.resolve("notes.wasm");
            Files.write(plain, MODULE);
            ManifestException none = assertThrows(ManifestException.class, () -> Manifest.load(plain));
            assertTrue(none.getMessage().contains("no 'mcpwasm.manifest' custom section and no sidecar"),
                    none.getMessage());

            assertEquals(dir.resolve("notes.manifest.json"), Manifest.sidecarPath(plain));
            Files.write(dir.resolve("notes.manifest.json"), utf8(NOTES));
            assertEquals(Manifest.parse(NOTES), Manifest.load(plain));

            Files.write(plain, Manifest.embed(MODULE, utf8(NOTES)));
            Files.write(dir.resolve("notes.manifest.json"), utf8(NOTES.replace("{", "{ ")));
            assertEquals(Manifest.parse(NOTES), Manifest.load(plain), "same content, other spacing: they agree");

            Files.write(dir.resolve("notes.manifest.json"), utf8(OTHER));
            ManifestException differ = assertThrows(ManifestException.class, () -> Manifest.load(plain));
            assertTrue(differ.getMessage().contains("differ"), differ.getMessage());

            Files.delete(dir.resolve("notes.manifest.json"));
            assertEquals(Manifest.parse(NOTES), Manifest.load(plain));

            Files.write(dir.resolve("notes.manifest.json"), utf8("{\"manifestVersion\":1}"));
            ManifestException bad = assertThrows(ManifestException.class, () -> Manifest.load(plain));
            assertEquals(Optional.of("name"), bad.field());
            assertTrue(bad.getMessage().contains("notes.manifest.json"), bad.getMessage());
        }
    }

    private static void assertMalformed(byte[] wasm, String words) {
        ManifestException e = assertThrows(ManifestException.class, () -> Manifest.fromWasm(wasm));
        assertTrue(e.getMessage().startsWith("malformed wasm module: "), e.getMessage());
        assertTrue(e.getMessage().contains(words), () -> e.getMessage() + " lacks " + words);
        assertFalse(e.field().isPresent());
    }

    /** Encodes a custom section independently of the code under test (sizes here stay under 128). */
    static byte[] customSection(String name, byte[] payload) {
        byte[] n = utf8(name);
        ByteArrayOutputStream content = new ByteArrayOutputStream();
        content.write(n.length);
        content.writeBytes(n);
        content.writeBytes(payload);
        byte[] c = content.toByteArray();
        if (c.length >= 128) {
            throw new IllegalArgumentException("test helper writes one-byte sizes only");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0);
        out.write(c.length);
        out.writeBytes(c);
        return out.toByteArray();
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
