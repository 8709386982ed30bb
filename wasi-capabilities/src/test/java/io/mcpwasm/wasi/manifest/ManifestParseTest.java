package io.mcpwasm.wasi.manifest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mcpwasm.wasi.HostPattern;
import io.mcpwasm.wasi.Manifest;
import io.mcpwasm.wasi.ManifestException;
import io.mcpwasm.wasi.MountMode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ManifestParseTest {

    static final String FULL = """
            {
              "manifestVersion": 1,
              "name": "notes",
              "version": "1.2.0",
              "description": "keeps notes",
              "mounts": [
                {"guestPath": "/data", "mode": "rw", "purpose": "notes live here"},
                {"guestPath": "/etc/templates", "mode": "ro", "purpose": "templates", "required": false}
              ],
              "network": {"hosts": ["https://api.example.com", "https://*.example.org:8443", "http://localhost:8080"]},
              "env": ["LOG_LEVEL", "_X1"],
              "secrets": [{"name": "api-token", "guestPath": "/run/secrets/token"}],
              "limits": {"memory": "64MiB", "callTimeout": "500ms", "maxMessageBytes": 1048576, "filesystemQuota": "1GiB"},
              "clock": {"realtime": true, "monotonic": true},
              "random": false,
              "stateless": true
            }
            """;

    @Test
    void readsEveryField() {
        Manifest m = Manifest.parse(FULL);
        assertEquals("notes", m.name());
        assertEquals(Optional.of("1.2.0"), m.version());
        assertEquals(Optional.of("keeps notes"), m.description());
        assertEquals(List.of(new Manifest.Mount("/data", MountMode.READ_WRITE, "notes live here", true),
                new Manifest.Mount("/etc/templates", MountMode.READ_ONLY, "templates", false)), m.mounts());
        assertEquals(List.of(HostPattern.parse("https://api.example.com"), HostPattern.parse("https://*.example.org:8443"),
                HostPattern.parse("http://localhost:8080")), m.networkHosts());
        assertEquals(List.of("LOG_LEVEL", "_X1"), m.env());
        assertEquals(List.of(new Manifest.Secret("api-token", "/run/secrets/token")), m.secrets());
        assertEquals(64L << 20, m.limits().memoryBytes().getAsLong());
        assertEquals(Duration.ofMillis(500), m.limits().callTimeout().get());
        assertEquals(1_048_576L, m.limits().maxMessageBytes().getAsLong());
        assertEquals(1L << 30, m.limits().filesystemQuotaBytes().getAsLong());
        assertEquals(new Manifest.Clock(true, true), m.clock());
        assertFalse(m.random());
        assertTrue(m.stateless());
        assertEquals(m, Manifest.parse(FULL.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void minimalManifestHasDocumentedDefaults() {
        Manifest m = Manifest.parse("{\"manifestVersion\": 1, \"name\": \"x\"}");
        assertEquals(Optional.empty(), m.version());
        assertEquals(Optional.empty(), m.description());
        assertTrue(m.mounts().isEmpty());
        assertTrue(m.networkHosts().isEmpty());
        assertTrue(m.env().isEmpty());
        assertTrue(m.secrets().isEmpty());
        assertEquals(Manifest.Limits.NONE, m.limits());
        assertEquals(new Manifest.Clock(false, true), m.clock());
        assertTrue(m.random());
        assertFalse(m.stateless());
    }

    @Test
    void mountDefaultsToRequiredWithEmptyPurpose() {
        Manifest m = Manifest.parse("{\"manifestVersion\":1,\"name\":\"x\",\"mounts\":[{\"guestPath\":\"/\",\"mode\":\"ro\"}]}");
        assertEquals(new Manifest.Mount("/", MountMode.READ_ONLY, "", true), m.mounts().get(0));
    }

    @Test
    void unitsAndMillisecondNumbers() {
        Manifest m = Manifest.parse("""
                {"manifestVersion":1,"name":"x","limits":{"memory":131072,"callTimeout":2500,
                 "maxMessageBytes":"4KiB","filesystemQuota":0,"filesystemEntries":1000}}""");
        assertEquals(131072L, m.limits().memoryBytes().getAsLong());
        assertEquals(Duration.ofMillis(2500), m.limits().callTimeout().get());
        assertEquals(4096L, m.limits().maxMessageBytes().getAsLong());
        assertEquals(0L, m.limits().filesystemQuotaBytes().getAsLong());
        assertEquals(1000L, m.limits().filesystemEntries().getAsLong());
        assertEquals(Duration.ofMinutes(2), Manifest.parse(
                "{\"manifestVersion\":1,\"name\":\"x\",\"limits\":{\"callTimeout\":\"2m\"}}").limits().callTimeout().get());
        assertEquals(Duration.ofSeconds(30), Manifest.parse(
                "{\"manifestVersion\":1,\"name\":\"x\",\"limits\":{\"callTimeout\":\"30s\"}}").limits().callTimeout().get());
    }

    /** Each case: a fragment added to a valid manifest (or replacing it), the field path named, a word of the reason. */
    @ParameterizedTest(name = "{1}: {0}")
    @CsvSource(delimiter = '|', textBlock = """
            "manifestVersion": 2, "name": "x"                          | manifestVersion | unsupported
            "manifestVersion": "1", "name": "x"                        | manifestVersion | unsupported
            "name": "x"                                                | manifestVersion | required
            "manifestVersion": 1                                       | name            | required
            "manifestVersion": 1, "name": "Notes"                      | name            | must match
            "manifestVersion": 1, "name": "-x"                         | name            | must match
            "manifestVersion": 1, "name": 7                            | name            | must be a string
            "manifestVersion": 1, "name": "x", "colour": "red"         | colour          | unknown field
            "manifestVersion": 1, "name": "x", "version": 1            | version         | must be a string
            "manifestVersion": 1, "name": "x", "description": null     | description     | must be a string
            "manifestVersion": 1, "name": "x", "mounts": {}            | mounts          | must be a JSON array
            "manifestVersion": 1, "name": "x", "mounts": [3]           | mounts[0]       | must be a JSON object
            "manifestVersion": 1, "name": "x", "mounts": [{"mode":"ro"}] | mounts[0].guestPath | required
            "manifestVersion": 1, "name": "x", "mounts": [{"guestPath":"/a","mode":"ro"},{"guestPath":"a","mode":"ro"}] | mounts[1].guestPath | absolute
            "manifestVersion": 1, "name": "x", "mounts": [{"guestPath":"/a/../b","mode":"ro"}] | mounts[0].guestPath | normalized
            "manifestVersion": 1, "name": "x", "mounts": [{"guestPath":"/a//b","mode":"ro"}] | mounts[0].guestPath | normalized
            "manifestVersion": 1, "name": "x", "mounts": [{"guestPath":"/a/./b","mode":"ro"}] | mounts[0].guestPath | normalized
            "manifestVersion": 1, "name": "x", "mounts": [{"guestPath":"/a/","mode":"ro"}] | mounts[0].guestPath | end with
            "manifestVersion": 1, "name": "x", "mounts": [{"guestPath":"/a","mode":"ro"},{"guestPath":"/a","mode":"rw"}] | mounts[1].guestPath | twice
            "manifestVersion": 1, "name": "x", "mounts": [{"guestPath":"/a","mode":"wr"}] | mounts[0].mode | must be "ro" or "rw"
            "manifestVersion": 1, "name": "x", "mounts": [{"guestPath":"/a"}] | mounts[0].mode | required
            "manifestVersion": 1, "name": "x", "mounts": [{"guestPath":"/a","mode":"ro","purpose":5}] | mounts[0].purpose | must be a string
            "manifestVersion": 1, "name": "x", "mounts": [{"guestPath":"/a","mode":"ro","required":"yes"}] | mounts[0].required | true or false
            "manifestVersion": 1, "name": "x", "mounts": [{"guestPath":"/a","mode":"ro","size":1}] | mounts[0].size | unknown field
            "manifestVersion": 1, "name": "x", "network": []          | network         | must be a JSON object
            "manifestVersion": 1, "name": "x", "network": {"ports":[]} | network.ports  | unknown field
            "manifestVersion": 1, "name": "x", "network": {"hosts":["ftp://a.com"]} | network.hosts[0] | scheme
            "manifestVersion": 1, "name": "x", "network": {"hosts":["https://a.com/path"]} | network.hosts[0] | no path
            "manifestVersion": 1, "name": "x", "network": {"hosts":["https://a.com:0"]} | network.hosts[0] | port
            "manifestVersion": 1, "name": "x", "network": {"hosts":["https://a.com:65536"]} | network.hosts[0] | port
            "manifestVersion": 1, "name": "x", "network": {"hosts":["https://*.com"]} | network.hosts[0] | two labels
            "manifestVersion": 1, "name": "x", "network": {"hosts":["https://a.*.com"]} | network.hosts[0] | label
            "manifestVersion": 1, "name": "x", "network": {"hosts":["https://A.com"]} | network.hosts[0] | label
            "manifestVersion": 1, "name": "x", "network": {"hosts":["https://1.2.3.256"]} | network.hosts[0] | IPv4
            "manifestVersion": 1, "name": "x", "network": {"hosts":["https://a.com","https://a.com:443"]} | network.hosts[1] | twice
            "manifestVersion": 1, "name": "x", "env": ["A-B"]          | env[0]          | not a variable name
            "manifestVersion": 1, "name": "x", "env": ["1A"]           | env[0]          | not a variable name
            "manifestVersion": 1, "name": "x", "env": ["A", "A"]       | env[1]          | twice
            "manifestVersion": 1, "name": "x", "env": "A"              | env             | must be a JSON array
            "manifestVersion": 1, "name": "x", "secrets": [{"name":"t"}] | secrets[0].guestPath | required
            "manifestVersion": 1, "name": "x", "secrets": [{"guestPath":"/t"}] | secrets[0].name | required
            "manifestVersion": 1, "name": "x", "secrets": [{"name":"t","guestPath":"/"}] | secrets[0].guestPath | not a file path
            "manifestVersion": 1, "name": "x", "secrets": [{"name":"t","guestPath":"/t"},{"name":"t","guestPath":"/u"}] | secrets[1].name | twice
            "manifestVersion": 1, "name": "x", "secrets": [{"name":"t","guestPath":"/t"},{"name":"u","guestPath":"/t"}] | secrets[1].guestPath | two secrets
            "manifestVersion": 1, "name": "x", "mounts": [{"guestPath":"/t","mode":"ro"}], "secrets": [{"name":"t","guestPath":"/t"}] | secrets[0].guestPath | mount
            "manifestVersion": 1, "name": "x", "mounts": [{"guestPath":"/run","mode":"ro"}], "secrets": [{"name":"t","guestPath":"/run/t"}] | secrets[0].guestPath | directory of mount
            "manifestVersion": 1, "name": "x", "mounts": [{"guestPath":"/","mode":"ro"}], "secrets": [{"name":"t","guestPath":"/t"}] | secrets[0].guestPath | directory of mount
            "manifestVersion": 1, "name": "x", "secrets": [{"name":"t","guestPath":"/t","mode":"ro"}] | secrets[0].mode | unknown field
            "manifestVersion": 1, "name": "x", "limits": {"memory": "64MB"} | limits.memory | not a size
            "manifestVersion": 1, "name": "x", "limits": {"memory": 1024} | limits.memory | out of range
            "manifestVersion": 1, "name": "x", "limits": {"memory": "5GiB"} | limits.memory | out of range
            "manifestVersion": 1, "name": "x", "limits": {"memory": 1.5} | limits.memory | must be a number of bytes
            "manifestVersion": 1, "name": "x", "limits": {"callTimeout": "30"} | limits.callTimeout | not a duration
            "manifestVersion": 1, "name": "x", "limits": {"callTimeout": "0s"} | limits.callTimeout | not a duration
            "manifestVersion": 1, "name": "x", "limits": {"callTimeout": 0} | limits.callTimeout | positive
            "manifestVersion": 1, "name": "x", "limits": {"callTimeout": true} | limits.callTimeout | must be a number
            "manifestVersion": 1, "name": "x", "limits": {"maxMessageBytes": 0} | limits.maxMessageBytes | out of range
            "manifestVersion": 1, "name": "x", "limits": {"maxMessageBytes": "3GiB"} | limits.maxMessageBytes | out of range
            "manifestVersion": 1, "name": "x", "limits": {"filesystemQuota": -1} | limits.filesystemQuota | out of range
            "manifestVersion": 1, "name": "x", "limits": {"filesystemQuota": "99999999999TiB"} | limits.filesystemQuota | too large
            "manifestVersion": 1, "name": "x", "limits": {"filesystemEntries": -1} | limits.filesystemEntries | whole number
            "manifestVersion": 1, "name": "x", "limits": {"filesystemEntries": "1KiB"} | limits.filesystemEntries | whole number
            "manifestVersion": 1, "name": "x", "limits": {"cpu": 1}   | limits.cpu      | unknown field
            "manifestVersion": 1, "name": "x", "clock": {"realtime": 1} | clock.realtime | true or false
            "manifestVersion": 1, "name": "x", "clock": {"monotonic": "no"} | clock.monotonic | true or false
            "manifestVersion": 1, "name": "x", "clock": {"tz": "UTC"}  | clock.tz        | unknown field
            "manifestVersion": 1, "name": "x", "random": "true"        | random          | true or false
            "manifestVersion": 1, "name": "x", "stateless": null       | stateless       | true or false
            """)
    void namesTheBadField(String body, String field, String reasonWord) {
        ManifestException e = assertThrows(ManifestException.class, () -> Manifest.parse("{" + body + "}"));
        assertEquals(Optional.of(field), e.field(), e.getMessage());
        assertTrue(e.getMessage().startsWith(field + ": "), e.getMessage());
        assertTrue(e.reason().contains(reasonWord), () -> "reason '" + e.reason() + "' lacks '" + reasonWord + "'");
    }

    @Test
    void documentLevelErrors() {
        assertDocumentError("", "empty");
        assertDocumentError("[]", "must be a JSON object");
        assertDocumentError("{\"manifestVersion\":1,\"name\":\"x\"", "not valid JSON");
        assertDocumentError("{\"manifestVersion\":1,\"name\":\"x\"} {}", "not valid JSON");
        assertDocumentError("{\"manifestVersion\":1,\"name\":\"x\",\"name\":\"y\"}", "Duplicate field");
        assertDocumentError("{\"manifestVersion\":1,\"name\":\"x\" /* c */}", "not valid JSON");
        ManifestException e = assertThrows(ManifestException.class,
                () -> Manifest.parse(new byte[] {'{', (byte) 0xff, '}'}));
        assertTrue(e.getMessage().contains("UTF-8"), e.getMessage());
    }

    private static void assertDocumentError(String json, String word) {
        ManifestException e = assertThrows(ManifestException.class, () -> Manifest.parse(json));
        assertTrue(e.getMessage().contains(word), () -> e.getMessage() + " lacks " + word);
    }
}
