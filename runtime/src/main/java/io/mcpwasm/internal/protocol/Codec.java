package io.mcpwasm.internal.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.mcpwasm.AudioContent;
import io.mcpwasm.Completion;
import io.mcpwasm.Content;
import io.mcpwasm.EmbeddedResource;
import io.mcpwasm.ImageContent;
import io.mcpwasm.Prompt;
import io.mcpwasm.PromptArgument;
import io.mcpwasm.PromptMessage;
import io.mcpwasm.PromptResult;
import io.mcpwasm.Resource;
import io.mcpwasm.ResourceContents;
import io.mcpwasm.ResourceLink;
import io.mcpwasm.ResourceTemplate;
import io.mcpwasm.TextContent;
import io.mcpwasm.Tool;
import io.mcpwasm.ToolResult;
import java.util.ArrayList;
import java.util.List;

/**
 * Decodes MCP result objects into the public value types. Every method throws {@link BadShapeException} naming
 * the offending member when the JSON does not have the shape the schema requires.
 */
final class Codec {
    private Codec() {
    }

    /** The JSON had the wrong shape; the session turns this into a ProtocolException naming the server. */
    static final class BadShapeException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        BadShapeException(String message) {
            super(message);
        }
    }

    static Tool tool(JsonNode n) {
        requireObject(n, "tool");
        JsonNode schema = n.get("inputSchema");
        if (schema == null || schema.isNull()) {
            schema = JsonNodeFactory.instance.objectNode().put("type", "object");
        } else if (!schema.isObject()) {
            throw new BadShapeException("tool '" + n.path("name").asText() + "': inputSchema is not an object");
        }
        return new Tool(requiredText(n, "name", "tool"), optText(n, "title"), optText(n, "description"), schema,
                optNode(n, "outputSchema"), optNode(n, "annotations"));
    }

    static ToolResult toolResult(JsonNode n) {
        requireObject(n, "tools/call result");
        List<Content> content = new ArrayList<>();
        JsonNode arr = n.get("content");
        if (arr != null && !arr.isNull()) {
            if (!arr.isArray()) {
                throw new BadShapeException("tools/call result: content is not an array");
            }
            for (JsonNode c : arr) {
                content.add(content(c));
            }
        }
        JsonNode isError = n.get("isError");
        if (isError != null && !isError.isNull() && !isError.isBoolean()) {
            throw new BadShapeException("tools/call result: isError is not a boolean");
        }
        return new ToolResult(content, optNode(n, "structuredContent"), isError != null && isError.asBoolean());
    }

    static Content content(JsonNode n) {
        requireObject(n, "content block");
        String type = requiredText(n, "type", "content block");
        JsonNode ann = optNode(n, "annotations");
        switch (type) {
            case "text":
                return new TextContent(requiredText(n, "text", "text content"), ann);
            case "image":
                return new ImageContent(requiredText(n, "data", "image content"),
                        requiredText(n, "mimeType", "image content"), ann);
            case "audio":
                return new AudioContent(requiredText(n, "data", "audio content"),
                        requiredText(n, "mimeType", "audio content"), ann);
            case "resource_link":
                return new ResourceLink(requiredText(n, "uri", "resource_link"), requiredText(n, "name",
                        "resource_link"), optText(n, "title"), optText(n, "description"), optText(n, "mimeType"),
                        optLong(n, "size"), ann);
            case "resource":
                return new EmbeddedResource(resourceContents(n.get("resource")), ann);
            default:
                throw new BadShapeException("unknown content block type '" + type + "'");
        }
    }

    static ResourceContents resourceContents(JsonNode n) {
        requireObject(n, "resource contents");
        String uri = requiredText(n, "uri", "resource contents");
        String text = optText(n, "text");
        String blob = optText(n, "blob");
        if ((text == null) == (blob == null)) {
            throw new BadShapeException("resource contents " + uri + ": exactly one of text and blob must be set");
        }
        return new ResourceContents(uri, optText(n, "mimeType"), text, blob);
    }

    static List<ResourceContents> readResult(JsonNode n) {
        requireObject(n, "resources/read result");
        List<ResourceContents> out = new ArrayList<>();
        for (JsonNode c : requiredArray(n, "contents", "resources/read result")) {
            out.add(resourceContents(c));
        }
        return List.copyOf(out);
    }

    static Resource resource(JsonNode n) {
        requireObject(n, "resource");
        return new Resource(requiredText(n, "uri", "resource"), requiredText(n, "name", "resource"),
                optText(n, "title"), optText(n, "description"), optText(n, "mimeType"), optLong(n, "size"),
                optNode(n, "annotations"));
    }

    static ResourceTemplate resourceTemplate(JsonNode n) {
        requireObject(n, "resource template");
        return new ResourceTemplate(requiredText(n, "uriTemplate", "resource template"),
                requiredText(n, "name", "resource template"), optText(n, "title"), optText(n, "description"),
                optText(n, "mimeType"), optNode(n, "annotations"));
    }

    static Prompt prompt(JsonNode n) {
        requireObject(n, "prompt");
        String name = requiredText(n, "name", "prompt");
        List<PromptArgument> args = new ArrayList<>();
        JsonNode arr = n.get("arguments");
        if (arr != null && !arr.isNull()) {
            if (!arr.isArray()) {
                throw new BadShapeException("prompt '" + name + "': arguments is not an array");
            }
            for (JsonNode a : arr) {
                requireObject(a, "prompt argument");
                args.add(new PromptArgument(requiredText(a, "name", "prompt argument"), optText(a, "title"),
                        optText(a, "description"), a.path("required").asBoolean(false)));
            }
        }
        return new Prompt(name, optText(n, "title"), optText(n, "description"), args);
    }

    static PromptResult promptResult(JsonNode n) {
        requireObject(n, "prompts/get result");
        List<PromptMessage> messages = new ArrayList<>();
        for (JsonNode m : requiredArray(n, "messages", "prompts/get result")) {
            requireObject(m, "prompt message");
            messages.add(new PromptMessage(requiredText(m, "role", "prompt message"), content(m.get("content"))));
        }
        return new PromptResult(optText(n, "description"), messages);
    }

    static Completion completion(JsonNode n) {
        requireObject(n, "completion/complete result");
        JsonNode c = n.get("completion");
        requireObject(c, "completion/complete result: completion");
        List<String> values = new ArrayList<>();
        for (JsonNode v : requiredArray(c, "values", "completion")) {
            if (!v.isTextual()) {
                throw new BadShapeException("completion: values holds a " + v.getNodeType() + ", not a string");
            }
            values.add(v.asText());
        }
        JsonNode total = c.get("total");
        return new Completion(values, total != null && total.canConvertToInt() && total.isIntegralNumber()
                ? total.asInt() : null, c.path("hasMore").asBoolean(false));
    }

    static void requireObject(JsonNode n, String what) {
        if (n == null || !n.isObject()) {
            throw new BadShapeException(what + " is not a JSON object");
        }
    }

    static String requiredText(JsonNode n, String field, String what) {
        JsonNode v = n.get(field);
        if (v == null || !v.isTextual()) {
            throw new BadShapeException(what + ": required string member '" + field + "' is missing or not a string");
        }
        return v.asText();
    }

    static Iterable<JsonNode> requiredArray(JsonNode n, String field, String what) {
        JsonNode v = n.get(field);
        if (v == null || !v.isArray()) {
            throw new BadShapeException(what + ": required array member '" + field + "' is missing or not an array");
        }
        return v;
    }

    static String optText(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v != null && v.isTextual() ? v.asText() : null;
    }

    static JsonNode optNode(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() || v.isMissingNode() ? null : v;
    }

    static Long optLong(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v != null && v.canConvertToLong() && v.isNumber() ? v.asLong() : null;
    }
}
