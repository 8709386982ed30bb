package io.mcpwasm.wasi.manifest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mcpwasm.wasi.Manifest;
import io.mcpwasm.wasi.ManifestException;
import io.mcpwasm.wasi.internal.manifest.ManifestFields;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The manifest comes from an untrusted module: its size, nesting, list entries and text lengths are capped, and a
 * document over a cap is refused naming the field, before any work proportional to the list is done.
 */
class ManifestCapsTest {

    /** A hang guard, not a speed claim: on a quadratic parser the 200k-host document took more than 10 s. */
    private static final Duration GUARD = Duration.ofSeconds(10);

    @Test
    void aManifestOverTheByteCapIsRefusedBeforeItIsRead() {
        String huge = withList("network", "{\"hosts\":[", 200_000, i -> "\"https://h" + i + ".example.com\"", "]}");
        assertTrue(huge.length() > 5_000_000, "the 200k-host document of the report");
        ManifestException e = assertTimeoutPreemptively(GUARD,
                () -> assertThrows(ManifestException.class, () -> Manifest.parse(huge)));
        assertTrue(e.getMessage().contains("bytes") && e.getMessage().contains(
                String.valueOf(ManifestFields.MANIFEST_MAX_BYTES)), e.getMessage());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "network.hosts | network | {\"hosts\":[ | \"https://h%d.io\" | ]}",
        "env           | env     | [           | \"V%d\"             | ]",
        "mounts        | mounts  | [           | {\"guestPath\":\"/m%d\",\"mode\":\"ro\"} | ]",
        "secrets       | secrets | [           | {\"name\":\"s%d\",\"guestPath\":\"/run/s%<d\"} | ]",
    })
    void aListOverItsCapIsRefusedNamingTheList(String field, String top, String open, String item, String close) {
        int cap = switch (field) {
            case "network.hosts" -> ManifestFields.HOSTS_MAX;
            case "env" -> ManifestFields.ENV_MAX;
            case "mounts" -> ManifestFields.MOUNTS_MAX;
            default -> ManifestFields.SECRETS_MAX;
        };
        Manifest.parse(withList(top, open, cap, i -> item.formatted(i), close)); // at the cap: fine
        String over = withList(top, open, cap + 1, i -> item.formatted(i), close);
        assertTrue(over.length() < ManifestFields.MANIFEST_MAX_BYTES, "under the byte cap, so the list cap decides");
        ManifestException e = assertThrows(ManifestException.class, () -> Manifest.parse(over));
        assertEquals(field, e.field().orElseThrow(), e.getMessage());
        assertTrue(e.reason().contains((cap + 1) + " entries") && e.reason().contains("at most " + cap),
                e.getMessage());
    }

    @Test
    void freeTextOverItsCapIsRefusedNamingTheField() {
        String longText = "x".repeat(ManifestFields.TEXT_MAX + 1);
        ManifestException d = assertThrows(ManifestException.class, () -> Manifest.parse(
                "{\"manifestVersion\":1,\"name\":\"x\",\"description\":\"" + longText + "\"}"));
        assertEquals("description", d.field().orElseThrow());
        ManifestException p = assertThrows(ManifestException.class, () -> Manifest.parse(
                "{\"manifestVersion\":1,\"name\":\"x\",\"mounts\":[{\"guestPath\":\"/a\",\"mode\":\"ro\",\"purpose\":\""
                        + longText + "\"}]}"));
        assertEquals("mounts[0].purpose", p.field().orElseThrow());
        ManifestException v = assertThrows(ManifestException.class, () -> Manifest.parse(
                "{\"manifestVersion\":1,\"name\":\"x\",\"version\":\"" + "1".repeat(ManifestFields.VERSION_MAX + 1)
                        + "\"}"));
        assertEquals("version", v.field().orElseThrow());
    }

    @Test
    void deepNestingIsRefusedWhileReading() {
        // 30,000 levels fit in the byte cap; a recursive reader would overflow its stack long before the end.
        int depth = 30_000;
        String deep = "{\"manifestVersion\":1,\"name\":\"x\",\"env\":" + "[".repeat(depth) + "]".repeat(depth) + "}";
        assertTrue(deep.length() < ManifestFields.MANIFEST_MAX_BYTES);
        ManifestException e = assertThrows(ManifestException.class, () -> Manifest.parse(deep));
        assertTrue(e.getMessage().contains("more than " + ManifestFields.DEPTH_MAX + " deep"), e.getMessage());
    }

    @Test
    void aDuplicateAtTheEndOfAFullListIsStillFound() {
        String hosts = withList("network", "{\"hosts\":[", ManifestFields.HOSTS_MAX,
                i -> i == ManifestFields.HOSTS_MAX - 1 ? "\"https://h0.io:443\"" : "\"https://h" + i + ".io\"", "]}");
        ManifestException e = assertThrows(ManifestException.class, () -> Manifest.parse(hosts));
        assertEquals("network.hosts[" + (ManifestFields.HOSTS_MAX - 1) + "]", e.field().orElseThrow());
        String env = withList("env", "[", ManifestFields.ENV_MAX,
                i -> i == ManifestFields.ENV_MAX - 1 ? "\"V0\"" : "\"V" + i + "\"", "]");
        assertEquals("env[" + (ManifestFields.ENV_MAX - 1) + "]",
                assertThrows(ManifestException.class, () -> Manifest.parse(env)).field().orElseThrow());
    }

    @Test
    void theByteCapAppliesToAnEmbeddedManifestToo() {
        byte[] json = withList("env", "[", 20_000, i -> "\"V" + i + "\"", "]").getBytes(StandardCharsets.UTF_8);
        byte[] module = {0, 'a', 's', 'm', 1, 0, 0, 0};
        byte[] big = io.mcpwasm.wasi.internal.manifest.WasmSections.withCustomSection(module, Manifest.SECTION_NAME,
                json);
        ManifestException e = assertThrows(ManifestException.class, () -> Manifest.fromWasm(big));
        assertTrue(e.getMessage().contains("bytes"), e.getMessage());
    }

    private static String withList(String field, String open, int n, IntFunction<String> item, String close) {
        StringBuilder b = new StringBuilder("{\"manifestVersion\":1,\"name\":\"x\",\"").append(field).append("\":")
                .append(open);
        for (int i = 0; i < n; i++) {
            b.append(i == 0 ? "" : ",").append(item.apply(i));
        }
        return b.append(close).append('}').toString();
    }
}
