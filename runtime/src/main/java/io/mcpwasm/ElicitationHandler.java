package io.mcpwasm;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Answers the server's {@code elicitation/create} requests. Runs on the session's event executor. Throw
 * {@link McpErrorException} to answer with a specific JSON-RPC error; any other exception answers
 * {@code -32603 Internal error}.
 */
@FunctionalInterface
public interface ElicitationHandler {
    /**
     * @param params the request's params (message and requested schema)
     * @return the {@code ElicitResult} ({@code action} and optional {@code content})
     * @throws Exception to answer with an error
     */
    JsonNode elicit(JsonNode params) throws Exception;
}
