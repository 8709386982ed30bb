package io.mcpwasm.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The little JSON-RPC the gateway itself speaks: checking a client message's shape and making error answers. */
final class JsonRpc {
    static final ObjectMapper JSON = new ObjectMapper();
    static final int PARSE_ERROR = -32700;
    static final int INVALID_REQUEST = -32600;

    private JsonRpc() {
    }

    /** A client message the gateway refuses to forward, with the JSON-RPC error it answers. */
    static final class BadMessage extends Exception {
        private static final long serialVersionUID = 1L;
        final int code;

        BadMessage(int code, String message) {
            super(message);
            this.code = code;
        }

        String errorLine() {
            return error(null, code, getMessage());
        }
    }

    /** Parses one client message: a single JSON-RPC 2.0 object (batches are not part of MCP since 2025-06-18). */
    static JsonNode parse(String text) throws BadMessage {
        JsonNode message;
        try {
            message = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new BadMessage(PARSE_ERROR, "parse error: " + e.getOriginalMessage());
        }
        if (message == null || !message.isObject()) {
            throw new BadMessage(INVALID_REQUEST, message != null && message.isArray()
                    ? "JSON-RPC batches are not supported: send one message per request"
                    : "a message must be one JSON-RPC object");
        }
        if (!"2.0".equals(message.path("jsonrpc").asText(null))) {
            throw new BadMessage(INVALID_REQUEST, "not JSON-RPC 2.0: \"jsonrpc\": \"2.0\" is missing");
        }
        if (!message.has("method") && !message.has("result") && !message.has("error")) {
            throw new BadMessage(INVALID_REQUEST, "neither a request, a notification nor a response");
        }
        return message;
    }

    /** True for a request (a method and an id). */
    static boolean isRequest(JsonNode m) {
        return m.hasNonNull("method") && m.has("id");
    }

    /** True for a response (an id, no method). */
    static boolean isResponse(JsonNode m) {
        return m != null && m.has("id") && !m.has("method");
    }

    static String error(JsonNode id, int code, String message) {
        return errorNode(id, code, message).toString();
    }

    static ObjectNode errorNode(JsonNode id, int code, String message) {
        ObjectNode error = JSON.createObjectNode().put("jsonrpc", "2.0");
        error.set("id", id);
        error.putObject("error").put("code", code).put("message", message);
        return error;
    }
}
