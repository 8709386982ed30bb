package io.mcpwasm.wasi.manifest;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A small JSON Schema (draft 2020-12) validator for the keywords the manifest schema uses, written for the
 * schema-agreement test. It refuses any keyword it does not know, so the schema cannot silently use one that
 * this validator would ignore.
 */
final class MiniJsonSchema {

    private static final Set<String> ANNOTATIONS = Set.of("$schema", "$id", "title", "description", "default", "$defs");

    private final JsonNode root;

    MiniJsonSchema(JsonNode root) {
        this.root = root;
    }

    /** The validation errors of {@code instance}, empty when valid. */
    List<String> validate(JsonNode instance) {
        List<String> errors = new ArrayList<>();
        check(root, instance, "$", errors);
        return errors;
    }

    private void check(JsonNode schema, JsonNode v, String at, List<String> errors) {
        Iterator<Map.Entry<String, JsonNode>> it = schema.properties().iterator();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> kw = it.next();
            JsonNode arg = kw.getValue();
            switch (kw.getKey()) {
                case "type" -> {
                    if (!hasType(v, arg.textValue())) {
                        errors.add(at + ": not " + arg.textValue());
                    }
                }
                case "const" -> {
                    if (!equalJson(arg, v)) {
                        errors.add(at + ": not " + arg);
                    }
                }
                case "enum" -> {
                    boolean any = false;
                    for (JsonNode e : arg) {
                        any |= equalJson(e, v);
                    }
                    if (!any) {
                        errors.add(at + ": not in " + arg);
                    }
                }
                case "pattern" -> {
                    if (v.isTextual() && !Pattern.compile(arg.textValue()).matcher(v.textValue()).find()) {
                        errors.add(at + ": does not match " + arg.textValue());
                    }
                }
                case "maxLength" -> {
                    if (v.isTextual() && v.textValue().codePointCount(0, v.textValue().length()) > arg.intValue()) {
                        errors.add(at + ": longer than " + arg.intValue());
                    }
                }
                case "maxItems" -> {
                    if (v.isArray() && v.size() > arg.intValue()) {
                        errors.add(at + ": more than " + arg.intValue() + " items");
                    }
                }
                case "minimum" -> {
                    if (v.isNumber() && v.decimalValue().compareTo(arg.decimalValue()) < 0) {
                        errors.add(at + ": below " + arg);
                    }
                }
                case "maximum" -> {
                    if (v.isNumber() && v.decimalValue().compareTo(arg.decimalValue()) > 0) {
                        errors.add(at + ": above " + arg);
                    }
                }
                case "required" -> {
                    if (v.isObject()) {
                        for (JsonNode r : arg) {
                            if (!v.has(r.textValue())) {
                                errors.add(at + "." + r.textValue() + ": required");
                            }
                        }
                    }
                }
                case "properties" -> {
                    if (v.isObject()) {
                        Iterator<Map.Entry<String, JsonNode>> props = arg.properties().iterator();
                        while (props.hasNext()) {
                            Map.Entry<String, JsonNode> p = props.next();
                            if (v.has(p.getKey())) {
                                check(p.getValue(), v.get(p.getKey()), at + "." + p.getKey(), errors);
                            }
                        }
                    }
                }
                case "additionalProperties" -> {
                    if (!arg.isBoolean() || arg.booleanValue()) {
                        throw new IllegalStateException("only additionalProperties: false is supported");
                    }
                    if (v.isObject()) {
                        Iterator<String> names = v.fieldNames();
                        while (names.hasNext()) {
                            String n = names.next();
                            if (!schema.path("properties").has(n)) {
                                errors.add(at + "." + n + ": not allowed");
                            }
                        }
                    }
                }
                case "items" -> {
                    if (v.isArray()) {
                        for (int i = 0; i < v.size(); i++) {
                            check(arg, v.get(i), at + "[" + i + "]", errors);
                        }
                    }
                }
                case "uniqueItems" -> {
                    if (arg.booleanValue() && v.isArray()) {
                        Set<JsonNode> seen = new HashSet<>();
                        for (JsonNode e : v) {
                            if (!seen.add(e)) {
                                errors.add(at + ": duplicate " + e);
                            }
                        }
                    }
                }
                case "oneOf" -> {
                    int passing = 0;
                    for (JsonNode s : arg) {
                        if (subErrors(s, v, at).isEmpty()) {
                            passing++;
                        }
                    }
                    if (passing != 1) {
                        errors.add(at + ": matches " + passing + " of oneOf");
                    }
                }
                case "not" -> {
                    if (subErrors(arg, v, at).isEmpty()) {
                        errors.add(at + ": matches the 'not' schema");
                    }
                }
                case "$ref" -> check(resolve(arg.textValue()), v, at, errors);
                default -> {
                    if (!ANNOTATIONS.contains(kw.getKey())) {
                        throw new IllegalStateException("keyword not supported by this test validator: " + kw.getKey());
                    }
                }
            }
        }
    }

    private List<String> subErrors(JsonNode schema, JsonNode v, String at) {
        List<String> errors = new ArrayList<>();
        check(schema, v, at, errors);
        return errors;
    }

    private JsonNode resolve(String ref) {
        if (!ref.startsWith("#/")) {
            throw new IllegalStateException("only local $ref is supported: " + ref);
        }
        JsonNode n = root;
        for (String part : ref.substring(2).split("/")) {
            n = n.get(part);
            if (n == null) {
                throw new IllegalStateException("dangling $ref " + ref);
            }
        }
        return n;
    }

    private static boolean hasType(JsonNode v, String type) {
        return switch (type) {
            case "object" -> v.isObject();
            case "array" -> v.isArray();
            case "string" -> v.isTextual();
            case "boolean" -> v.isBoolean();
            case "null" -> v.isNull();
            case "number" -> v.isNumber();
            case "integer" -> v.isIntegralNumber()
                    || (v.isNumber() && v.decimalValue().stripTrailingZeros().scale() <= 0);
            default -> throw new IllegalStateException("unknown type " + type);
        };
    }

    private static boolean equalJson(JsonNode a, JsonNode b) {
        if (a.isNumber() && b.isNumber()) {
            return a.decimalValue().compareTo(b.decimalValue()) == 0;
        }
        return a.equals(b);
    }
}
