package io.mcpwasm;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Answers the server's {@code sampling/createMessage} requests. Runs on the session's event executor. Throw
 * {@link McpErrorException} to answer with a specific JSON-RPC error; any other exception answers
 * {@code -32603 Internal error}.
 */
@FunctionalInterface
public interface SamplingHandler {
    /**
     * @param params the request's params ({@code CreateMessageRequest} params)
     * @return the {@code CreateMessageResult}
     * @throws Exception to answer with an error
     */
    JsonNode createMessage(JsonNode params) throws Exception;
}
