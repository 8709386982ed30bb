package io.mcpwasm;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Answers the server's {@code roots/list} requests. Runs on the session's event executor. Throw
 * {@link McpErrorException} to answer with a specific JSON-RPC error; any other exception answers
 * {@code -32603 Internal error}.
 */
@FunctionalInterface
public interface RootsHandler {
    /**
     * @param params the request's params (an empty object when absent)
     * @return the result, e.g. {@code {"roots": [{"uri": "file:///work", "name": "work"}]}}
     * @throws Exception to answer with an error
     */
    JsonNode listRoots(JsonNode params) throws Exception;
}
