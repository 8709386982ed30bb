package io.mcpwasm.wasi.manifest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mcpwasm.wasi.Manifest;
import io.mcpwasm.wasi.ManifestException;
import io.mcpwasm.wasi.internal.manifest.ManifestFields;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The published JSON Schema and the parser accept the same fields and agree on examples. */
class ManifestSchemaTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static JsonNode schema;
    private static MiniJsonSchema validator;

    @BeforeAll
    static void load() throws IOException {
        try (InputStream in = Manifest.class.getResourceAsStream(Manifest.SCHEMA_RESOURCE)) {
            assertNotNull(in, "schema resource " + Manifest.SCHEMA_RESOURCE);
            schema = JSON.readTree(in);
        }
        validator = new MiniJsonSchema(schema);
    }

    @Test
    void isDraft2020_12() {
        assertEquals("https://json-schema.org/draft/2020-12/schema", schema.get("$schema").textValue());
    }

    @Test
    void listsExactlyTheFieldsTheParserAccepts() {
        Map<String, JsonNode> objects = Map.of(
                "", schema,
                "mounts[]", schema.at("/properties/mounts/items"),
                "network", schema.at("/properties/network"),
                "secrets[]", schema.at("/properties/secrets/items"),
                "limits", schema.at("/properties/limits"),
                "clock", schema.at("/properties/clock"));
        assertEquals(ManifestFields.OBJECTS.keySet(), objects.keySet());
        for (var e : ManifestFields.OBJECTS.entrySet()) {
            JsonNode obj = objects.get(e.getKey());
            Set<String> inSchema = new TreeSet<>();
            obj.get("properties").fieldNames().forEachRemaining(inSchema::add);
            assertEquals(new TreeSet<>(e.getValue()), inSchema, "fields of '" + e.getKey() + "'");
            assertFalse(obj.get("additionalProperties").booleanValue(), "'" + e.getKey() + "' must be closed");
            assertEquals("object", obj.get("type").textValue());
        }
        // every object in the schema is one of those: no nested object the parser does not know
        List<String> closedObjects = new ArrayList<>();
        collectObjects(schema, "", closedObjects);
        assertEquals(ManifestFields.OBJECTS.size(), closedObjects.size(), closedObjects.toString());
    }

    @Test
    void requiredFieldsMatchTheParser() {
        assertEquals(Set.of("manifestVersion", "name"), strings(schema.get("required")));
        assertEquals(Set.of("guestPath", "mode"), strings(schema.at("/properties/mounts/items/required")));
        assertEquals(Set.of("name", "guestPath"), strings(schema.at("/properties/secrets/items/required")));
        // the parser: a manifest missing each of these fails naming it
        assertEquals("name", assertThrows(ManifestException.class,
                () -> Manifest.parse("{\"manifestVersion\":1}")).field().orElseThrow());
    }

    @Test
    void sharedPatternsAreTheParsersPatterns() {
        assertEquals("^" + ManifestFields.SERVER_NAME.pattern() + "$", schema.at("/properties/name/pattern").textValue());
        assertEquals(ManifestFields.SERVER_NAME_MAX, schema.at("/properties/name/maxLength").intValue());
        assertEquals("^" + ManifestFields.ENV_NAME.pattern() + "$", schema.at("/properties/env/items/pattern").textValue());
        assertEquals("^" + ManifestFields.SECRET_NAME.pattern() + "$",
                schema.at("/properties/secrets/items/properties/name/pattern").textValue());
        assertEquals("^" + ManifestFields.SIZE.pattern() + "$", schema.at("/$defs/size/oneOf/1/pattern").textValue());
        assertEquals("^" + ManifestFields.DURATION.pattern() + "$",
                schema.at("/$defs/duration/oneOf/1/pattern").textValue());
        assertEquals(ManifestFields.MEMORY_MIN, schema.at("/properties/limits/properties/memory/minimum").longValue());
        assertEquals(ManifestFields.MEMORY_MAX, schema.at("/properties/limits/properties/memory/maximum").longValue());
    }

    @Test
    void capsAreTheParsersCaps() {
        assertEquals(ManifestFields.MOUNTS_MAX, schema.at("/properties/mounts/maxItems").intValue());
        assertEquals(ManifestFields.HOSTS_MAX, schema.at("/properties/network/properties/hosts/maxItems").intValue());
        assertEquals(ManifestFields.ENV_MAX, schema.at("/properties/env/maxItems").intValue());
        assertEquals(ManifestFields.SECRETS_MAX, schema.at("/properties/secrets/maxItems").intValue());
        assertEquals(ManifestFields.VERSION_MAX, schema.at("/properties/version/maxLength").intValue());
        assertEquals(ManifestFields.TEXT_MAX, schema.at("/properties/description/maxLength").intValue());
        assertEquals(ManifestFields.TEXT_MAX,
                schema.at("/properties/mounts/items/properties/purpose/maxLength").intValue());
        assertTrue(schema.get("description").textValue().contains(ManifestFields.MANIFEST_MAX_BYTES + " bytes"));
        assertTrue(schema.get("description").textValue().contains(ManifestFields.DEPTH_MAX + " deep"));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"manifestVersion\":1,\"name\":\"x\"}",
        "{\"manifestVersion\":1,\"name\":\"a.b_c-d9\",\"version\":\"1\",\"description\":\"d\",\"random\":false,\"stateless\":true}",
        "{\"manifestVersion\":1,\"name\":\"x\",\"mounts\":[{\"guestPath\":\"/\",\"mode\":\"ro\"},{\"guestPath\":\"/a/b\",\"mode\":\"rw\",\"purpose\":\"p\",\"required\":false}]}",
        "{\"manifestVersion\":1,\"name\":\"x\",\"network\":{\"hosts\":[\"https://*.example.com:8443\",\"http://localhost\",\"http://127.0.0.1:80\",\"http://[::1]:9000\"]}}",
        "{\"manifestVersion\":1,\"name\":\"x\",\"network\":{}}",
        "{\"manifestVersion\":1,\"name\":\"x\",\"env\":[\"A\",\"_b9\"],\"secrets\":[{\"name\":\"t.k-1\",\"guestPath\":\"/run/t\"}]}",
        "{\"manifestVersion\":1,\"name\":\"x\",\"limits\":{\"memory\":\"64MiB\",\"callTimeout\":\"500ms\",\"maxMessageBytes\":1024,\"filesystemQuota\":0}}",
        "{\"manifestVersion\":1,\"name\":\"x\",\"limits\":{\"memory\":65536,\"callTimeout\":30000,\"maxMessageBytes\":\"4KiB\",\"filesystemQuota\":\"1TiB\"}}",
        "{\"manifestVersion\":1,\"name\":\"x\",\"clock\":{\"realtime\":true,\"monotonic\":false}}",
        "{\"manifestVersion\":1,\"name\":\"x\",\"clock\":{},\"limits\":{},\"mounts\":[],\"env\":[],\"secrets\":[]}"
    })
    void bothAccept(String json) throws IOException {
        assertEquals(List.of(), validator.validate(JSON.readTree(json)), "schema: " + json);
        Manifest.parse(json);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{}",
        "[]",
        "{\"manifestVersion\":2,\"name\":\"x\"}",
        "{\"manifestVersion\":1}",
        "{\"manifestVersion\":1,\"name\":\"X\"}",
        "{\"manifestVersion\":1,\"name\":\"x\",\"extra\":1}",
        "{\"manifestVersion\":1,\"name\":\"x\",\"version\":1}",
        "{\"manifestVersion\":1,\"name\":\"x\",\"mounts\":[{\"guestPath\":\"/a\",\"mode\":\"x\"}]}",
        "{\"manifestVersion\":1,\"name\":\"x\",\"mounts\":[{\"guestPath\":\"a\",\"mode\":\"ro\"}]}",
        "{\"manifestVersion\":1,\"name\":\"x\",\"mounts\":[{\"guestPath\":\"/a//b\",\"mode\":\"ro\"}]}",
        "{\"manifestVersion\":1,\"name\":\"x\",\"mounts\":[{\"guestPath\":\"/a/\",\"mode\":\"ro\"}]}",
        "{\"manifestVersion\":1,\"name\":\"x\",\"mounts\":[{\"mode\":\"ro\"}]}",
        "{\"manifestVersion\":1,\"name\":\"x\",\"mounts\":[{\"guestPath\":\"/a\",\"mode\":\"ro\",\"quota\":1}]}",
        "{\"manifestVersion\":1,\"name\":\"x\",\"network\":{\"hosts\":[\"ftp://a.com\"]}}",
        "{\"manifestVersion\":1,\"name\":\"x\",\"network\":{\"hosts\":[\"https://a.com/\"]}}",
        "{\"manifestVersion\":1,\"name\":\"x\",\"network\":{\"hosts\":[\"https://a.com\",\"https://a.com\"]}}",
        "{\"manifestVersion\":1,\"name\":\"x\",\"network\":{\"ports\":[]}}",
        "{\"manifestVersion\":1,\"name\":\"x\",\"env\":[\"A-B\"]}",
        "{\"manifestVersion\":1,\"name\":\"x\",\"env\":[\"A\",\"A\"]}",
        "{\"manifestVersion\":1,\"name\":\"x\",\"secrets\":[{\"name\":\"t\"}]}",
        "{\"manifestVersion\":1,\"name\":\"x\",\"secrets\":[{\"name\":\"t\",\"guestPath\":\"/\"}]}",
        "{\"manifestVersion\":1,\"name\":\"x\",\"limits\":{\"memory\":\"64MB\"}}",
        "{\"manifestVersion\":1,\"name\":\"x\",\"limits\":{\"memory\":1024}}",
        "{\"manifestVersion\":1,\"name\":\"x\",\"limits\":{\"callTimeout\":0}}",
        "{\"manifestVersion\":1,\"name\":\"x\",\"limits\":{\"callTimeout\":\"30\"}}",
        "{\"manifestVersion\":1,\"name\":\"x\",\"limits\":{\"maxMessageBytes\":0}}",
        "{\"manifestVersion\":1,\"name\":\"x\",\"limits\":{\"filesystemQuota\":-1}}",
        "{\"manifestVersion\":1,\"name\":\"x\",\"limits\":{\"cpu\":1}}",
        "{\"manifestVersion\":1,\"name\":\"x\",\"clock\":{\"realtime\":\"yes\"}}",
        "{\"manifestVersion\":1,\"name\":\"x\",\"random\":1}",
        "{\"manifestVersion\":1,\"name\":\"x\",\"stateless\":null}"
    })
    void bothReject(String json) throws IOException {
        assertFalse(validator.validate(JSON.readTree(json)).isEmpty(), "schema accepted: " + json);
        assertThrows(ManifestException.class, () -> Manifest.parse(json));
    }

    @Test
    void theValidatorItselfRejects() throws IOException {
        // guards against a validator that accepts everything
        assertTrue(validator.validate(JSON.readTree("{\"name\":5}")).size() >= 2);
    }

    private static void collectObjects(JsonNode node, String at, List<String> out) {
        if (node.isObject()) {
            if (node.has("additionalProperties")) {
                out.add(at);
            }
            node.properties().iterator().forEachRemaining(f -> collectObjects(f.getValue(), at + "/" + f.getKey(), out));
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                collectObjects(node.get(i), at + "/" + i, out);
            }
        }
    }

    private static Set<String> strings(JsonNode array) {
        Set<String> out = new TreeSet<>();
        array.forEach(n -> out.add(n.textValue()));
        return out;
    }
}
