package io.mcpwasm.integrations.langchain4j;

import com.fasterxml.jackson.databind.JsonNode;
import dev.langchain4j.model.chat.request.json.JsonAnyOfSchema;
import dev.langchain4j.model.chat.request.json.JsonArraySchema;
import dev.langchain4j.model.chat.request.json.JsonBooleanSchema;
import dev.langchain4j.model.chat.request.json.JsonEnumSchema;
import dev.langchain4j.model.chat.request.json.JsonIntegerSchema;
import dev.langchain4j.model.chat.request.json.JsonNullSchema;
import dev.langchain4j.model.chat.request.json.JsonNumberSchema;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.request.json.JsonRawSchema;
import dev.langchain4j.model.chat.request.json.JsonReferenceSchema;
import dev.langchain4j.model.chat.request.json.JsonSchemaElement;
import dev.langchain4j.model.chat.request.json.JsonStringSchema;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a tool's JSON Schema ({@code inputSchema} of {@code tools/list}) into LangChain4j's schema model. Keywords
 * LangChain4j has a type for are mapped (type, also as a list; properties, required, additionalProperties, items,
 * enum of strings, const string, anyOf/oneOf, $ref into $defs or definitions, description); a sub-schema it cannot
 * express is passed on whole as a {@link JsonRawSchema}, so nothing the server declared is lost.
 */
final class JsonSchemas {
    private static final String DEFS = "#/$defs/";
    private static final String DEFINITIONS = "#/definitions/";

    private JsonSchemas() {}

    /** The parameters of a tool: its input schema as an object schema (an empty one when it declares none). */
    static JsonObjectSchema parameters(JsonNode inputSchema) {
        JsonObjectSchema.Builder b = JsonObjectSchema.builder();
        if (inputSchema == null || !inputSchema.isObject()) {
            return b.build();
        }
        objectMembers(inputSchema, b);
        Map<String, JsonSchemaElement> defs = new LinkedHashMap<>();
        for (String key : List.of("$defs", "definitions")) {
            inputSchema.path(key).properties().iterator().forEachRemaining(e -> defs.put(e.getKey(), element(e.getValue())));
        }
        if (!defs.isEmpty()) {
            b.definitions(defs);
        }
        return b.build();
    }

    private static void objectMembers(JsonNode schema, JsonObjectSchema.Builder b) {
        String description = description(schema);
        if (description != null) {
            b.description(description);
        }
        Map<String, JsonSchemaElement> properties = new LinkedHashMap<>();
        schema.path("properties").properties().iterator().forEachRemaining(e -> properties.put(e.getKey(), element(e.getValue())));
        b.addProperties(properties);
        List<String> required = new ArrayList<>();
        schema.path("required").forEach(r -> required.add(r.asText()));
        if (!required.isEmpty()) {
            b.required(required);
        }
        JsonNode additional = schema.get("additionalProperties");
        if (additional != null && additional.isBoolean()) {
            b.additionalProperties(additional.booleanValue());
        }
    }

    static JsonSchemaElement element(JsonNode schema) {
        if (schema == null || !schema.isObject()) {
            return JsonRawSchema.from(String.valueOf(schema)); // true / false schemas
        }
        String description = description(schema);
        JsonNode ref = schema.get("$ref");
        if (ref != null && ref.isTextual()) {
            String r = ref.asText();
            if (r.startsWith(DEFS) || r.startsWith(DEFINITIONS)) {
                return JsonReferenceSchema.builder()
                        .reference(r.substring(r.startsWith(DEFS) ? DEFS.length() : DEFINITIONS.length())).build();
            }
            return JsonRawSchema.from(schema.toString());
        }
        JsonNode enumValues = schema.get("enum");
        if (enumValues != null && enumValues.isArray()) {
            return stringEnum(enumValues, description, schema);
        }
        JsonNode constant = schema.get("const");
        if (constant != null) {
            return constant.isTextual()
                    ? JsonEnumSchema.builder().enumValues(constant.asText()).description(description).build()
                    : JsonRawSchema.from(schema.toString());
        }
        for (String key : List.of("anyOf", "oneOf")) {
            JsonNode alternatives = schema.get(key);
            if (alternatives != null && alternatives.isArray() && !schema.has("type")) {
                List<JsonSchemaElement> options = new ArrayList<>();
                alternatives.forEach(a -> options.add(element(a)));
                return JsonAnyOfSchema.builder().description(description).anyOf(options).build();
            }
        }
        JsonNode type = schema.get("type");
        if (type != null && type.isArray()) {
            List<JsonSchemaElement> options = new ArrayList<>();
            type.forEach(t -> options.add(typed(t.asText(), schema, null)));
            return options.size() == 1 ? options.get(0)
                    : JsonAnyOfSchema.builder().description(description).anyOf(options).build();
        }
        if (type != null && type.isTextual()) {
            return typed(type.asText(), schema, description);
        }
        return JsonRawSchema.from(schema.toString());
    }

    private static JsonSchemaElement typed(String type, JsonNode schema, String description) {
        switch (type) {
            case "string":
                return JsonStringSchema.builder().description(description).build();
            case "integer":
                return JsonIntegerSchema.builder().description(description).build();
            case "number":
                return JsonNumberSchema.builder().description(description).build();
            case "boolean":
                return JsonBooleanSchema.builder().description(description).build();
            case "null":
                return new JsonNullSchema();
            case "array": {
                JsonArraySchema.Builder b = JsonArraySchema.builder().description(description);
                JsonNode items = schema.get("items");
                if (items != null) {
                    b.items(element(items));
                }
                return b.build();
            }
            case "object": {
                JsonObjectSchema.Builder b = JsonObjectSchema.builder();
                objectMembers(schema, b);
                return b.build();
            }
            default:
                return JsonRawSchema.from(schema.toString());
        }
    }

    private static JsonSchemaElement stringEnum(JsonNode values, String description, JsonNode schema) {
        List<String> strings = new ArrayList<>();
        for (JsonNode v : values) {
            if (!v.isTextual()) {
                return JsonRawSchema.from(schema.toString());
            }
            strings.add(v.asText());
        }
        return JsonEnumSchema.builder().enumValues(strings).description(description).build();
    }

    private static String description(JsonNode schema) {
        JsonNode d = schema.get("description");
        return d != null && d.isTextual() ? d.asText() : null;
    }
}
