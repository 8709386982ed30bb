package io.mcpwasm.samples;

import static io.mcpwasm.samples.SampleSupport.assertContains;
import static io.mcpwasm.samples.SampleSupport.call;
import static io.mcpwasm.samples.SampleSupport.ok;
import static io.mcpwasm.samples.SampleSupport.toolError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mcpwasm.McpErrorException;
import io.mcpwasm.McpModule;
import io.mcpwasm.McpRuntime;
import io.mcpwasm.McpServer;
import io.mcpwasm.wasi.AuditEvent;
import io.mcpwasm.wasi.HostPolicy;
import io.mcpwasm.wasi.Manifest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Zig sample ({@code samples/zig-tools/zig-tools.wasm}, hand-written MCP over the Zig standard library) run
 * through the runtime with {@link HostPolicy#denyAll()}: its manifest asks for nothing, and it gets nothing.
 */
class ZigToolsSampleTest {
    private static final String NAME = "zig-tools";
    private static final ObjectMapper JSON = new ObjectMapper();

    private static final SampleSupport.AuditRecorder AUDIT = new SampleSupport.AuditRecorder();
    private static McpRuntime runtime;
    private static McpModule module;
    private static McpServer server;

    @BeforeAll
    static void start() {
        runtime = SampleSupport.runtime(AUDIT);
        module = runtime.load(SampleSupport.sample("zig-tools/zig-tools.wasm"));
        server = module.start(HostPolicy.denyAll(), SampleSupport.SERVER_OPTIONS);
    }

    @AfterAll
    static void stop() {
        if (runtime != null) {
            runtime.close();
        }
    }

    @Test
    void embeddedManifestIsTheCommittedOneAndAsksForNothing() throws Exception {
        Manifest embedded = module.manifest().orElseThrow(() -> new AssertionError("zig-tools.wasm has no manifest"));
        assertEquals(Manifest.parse(Files.readAllBytes(SampleSupport.sample("zig-tools/manifest.json"))), embedded);
        assertEquals(NAME, embedded.name());
        assertTrue(embedded.mounts().isEmpty(), "mounts: " + embedded.mounts());
        assertTrue(embedded.env().isEmpty(), "env: " + embedded.env());
        assertTrue(embedded.secrets().isEmpty(), "secrets: " + embedded.secrets());
        assertTrue(embedded.networkHosts().isEmpty(), "network: " + embedded.networkHosts());
        assertEquals(64L << 20, embedded.limits().memoryBytes().orElseThrow());
    }

    @Test
    void runsWithNoCapabilityGranted() {
        assertEquals(NAME, server.name());
        assertEquals(NAME, server.info().name());
        assertTrue(server.grants().mounts().isEmpty(), "mounts: " + server.grants().mounts());
        assertTrue(server.grants().env().isEmpty(), "env: " + server.grants().env());
        assertTrue(server.grants().secretNames().isEmpty());
        assertTrue(server.grants().network().isEmpty());
        assertEquals(64L << 20, server.grants().limits().memoryBytes());
    }

    @Test
    void aGenerousPolicyStillGrantsNothingTheManifestDoesNotDeclare(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("file.txt"), "host file");
        HostPolicy generous = HostPolicy.builder()
                .mount("/data", dir)
                .env("HOME", "/data")
                .env("API_TOKEN", "not-for-zig")
                .build();
        try (McpServer offered = module.start(generous, SampleSupport.SERVER_OPTIONS)) {
            assertTrue(offered.grants().mounts().isEmpty(), "mounts: " + offered.grants().mounts());
            assertTrue(offered.grants().env().isEmpty(), "env: " + offered.grants().env());
            AuditEvent refused = AUDIT.assertDenied(NAME, "filesystem", "/data");
            assertContains(refused.reason(), "not declared in the manifest");
            // and it still works
            assertEquals(sha256Hex("hello"), ok(offered, "sha256", Map.of("text", "hello")));
        }
        assertEquals("host file", Files.readString(dir.resolve("file.txt")));
        assertEquals(Set.of("file.txt"), Set.copyOf(SampleSupport.fileNames(dir)));
    }

    @Test
    void listsExactlyItsFiveTools() {
        assertEquals(Set.of("sha256", "base64_encode", "base64_decode", "json_format", "text_stats"),
                SampleSupport.toolNames(server));
        server.tools().forEach(t -> {
            assertEquals("object", t.inputSchema().path("type").asText(), t.name());
            assertTrue(t.description() != null && !t.description().isBlank(), t.name());
        });
    }

    @Test
    void sha256() throws Exception {
        assertEquals("2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824",
                ok(server, "sha256", Map.of("text", "hello")));
        assertEquals("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
                ok(server, "sha256", Map.of("text", "")));
        String unicode = "grüße, 世界 🌍\n";
        assertEquals(sha256Hex(unicode), ok(server, "sha256", Map.of("text", unicode)));
    }

    @Test
    void base64RoundTrip() {
        String text = "hello, wasm";
        String encoded = ok(server, "base64_encode", Map.of("text", text));
        assertEquals("aGVsbG8sIHdhc20=", encoded);
        assertEquals(text, ok(server, "base64_decode", Map.of("data", encoded)));

        // ÿþ is C3 BF C3 BE in UTF-8: its standard encoding has a '/', the URL-safe one a '_'
        String unicode = "ÿþ grüße 世界";
        String standard = ok(server, "base64_encode", Map.of("text", unicode));
        assertEquals(Base64.getEncoder().encodeToString(unicode.getBytes(StandardCharsets.UTF_8)), standard);
        assertTrue(standard.startsWith("w7/Dv"), standard);
        String urlSafe = ok(server, "base64_encode", Map.of("text", unicode, "urlSafe", true));
        assertEquals(Base64.getUrlEncoder().encodeToString(unicode.getBytes(StandardCharsets.UTF_8)), urlSafe);
        assertTrue(urlSafe.startsWith("w7_Dv"), urlSafe);
        assertEquals(unicode, ok(server, "base64_decode", Map.of("data", standard)));
        assertEquals(unicode, ok(server, "base64_decode", Map.of("data", urlSafe, "urlSafe", true)));

        // padding optional, surrounding whitespace ignored
        assertEquals("hello", ok(server, "base64_decode", Map.of("data", "  aGVsbG8\n")));
    }

    @Test
    void jsonFormatKeepsKeyOrderAndNumberSpelling() throws Exception {
        String doc = "{\"z\":[1,2.50,{\"b\":null}],\"a\":\"x\",\"n\":1e3}";
        assertEquals(doc, ok(server, "json_format", Map.of("json", doc, "indent", 0)));
        String pretty = ok(server, "json_format", Map.of("json", doc, "indent", 2));
        assertEquals("{\n  \"z\": [\n    1,\n    2.50,\n    {\n      \"b\": null\n    }\n  ],\n"
                + "  \"a\": \"x\",\n  \"n\": 1e3\n}", pretty);
        String four = ok(server, "json_format", Map.of("json", doc, "indent", 4));
        assertTrue(four.startsWith("{\n    \"z\": [\n        1,"), four);
        assertEquals(JSON.readTree(doc), JSON.readTree(four));
        // the default indent is 2
        assertEquals(pretty, ok(server, "json_format", Map.of("json", doc)));
    }

    @Test
    void textStats() throws Exception {
        JsonNode stats = JSON.readTree(ok(server, "text_stats", Map.of("text", "one two three\nfour five")));
        assertEquals(5, stats.get("words").asInt());
        assertEquals(2, stats.get("lines").asInt());
        assertEquals(23, stats.get("chars").asInt());
        assertEquals(23, stats.get("bytes").asInt());

        String unicode = "héllo wörld\n🌍\n";
        JsonNode u = JSON.readTree(ok(server, "text_stats", Map.of("text", unicode)));
        assertEquals(3, u.get("words").asInt());
        assertEquals(2, u.get("lines").asInt());
        assertEquals(unicode.codePointCount(0, unicode.length()), u.get("chars").asInt());
        assertEquals(unicode.getBytes(StandardCharsets.UTF_8).length, u.get("bytes").asInt());
    }

    @Test
    void missingOrMistypedArgumentsAreToolErrorsNamingTheArgument() {
        assertEquals("missing required argument 'text' (a string)", toolError(server, "sha256", Map.of()));
        assertEquals("argument 'text' must be a string", toolError(server, "sha256", Map.of("text", 42)));
        assertEquals("missing required argument 'data' (a string)", toolError(server, "base64_decode", Map.of()));
        assertEquals("argument 'urlSafe' must be true or false",
                toolError(server, "base64_encode", Map.of("text", "x", "urlSafe", "yes")));
        assertEquals("argument 'indent' must be an integer",
                toolError(server, "json_format", Map.of("json", "{}", "indent", "two")));
        Map<String, Object> nullText = new LinkedHashMap<>();
        nullText.put("text", null);
        assertEquals("argument 'text' must be a string", toolError(server, "text_stats", nullText));
    }

    @Test
    void badBase64IsAToolErrorSayingWhy() {
        assertContains(toolError(server, "base64_decode", Map.of("data", "!!!!")),
                "invalid base64", "outside the base64 alphabet");
        assertContains(toolError(server, "base64_decode", Map.of("data", "aGVsbG8=====")), "invalid base64");
        // decodes to 0xFF: not text
        assertContains(toolError(server, "base64_decode", Map.of("data", "/w==")), "not UTF-8");
        // '_' belongs to the URL-safe alphabet only
        assertContains(toolError(server, "base64_decode", Map.of("data", "w7_Dvg==")), "invalid base64 (standard");
    }

    @Test
    void badJsonIsAToolErrorWithLineAndColumn() {
        assertEquals("invalid JSON: syntax error at line 2, column 5",
                toolError(server, "json_format", Map.of("json", "{\"a\":\n  1 2}")));
        assertEquals("invalid JSON: unexpected end of input at line 1, column 6",
                toolError(server, "json_format", Map.of("json", "{\"a\":")));
        assertContains(toolError(server, "json_format", Map.of("json", "{\"a\":1,\"a\":2}")), "duplicate object key");
        assertEquals("indent must be one of 0, 1, 2, 3, 4, 8 (got 5)",
                toolError(server, "json_format", Map.of("json", "{}", "indent", 5)));
    }

    @Test
    void anUnknownToolIsAnInvalidParamsError() {
        McpErrorException e = assertThrows(McpErrorException.class, () -> call(server, "md5", Map.of("text", "x")));
        assertEquals(-32602, e.code());
        assertEquals("tools/call", e.method());
        assertEquals("unknown tool: md5", e.errorMessage());
        // the server is still fine
        assertEquals(sha256Hex("still here"), ok(server, "sha256", Map.of("text", "still here")));
    }

    private static String sha256Hex(String text) {
        try {
            return HexFormat.of().formatHex(
                    MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
