package io.mcpwasm;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Answers the server's {@code elicitation/create} requests, in both modes (the client declares both): form mode
 * ({@code params.mode} {@code "form"} or absent) asks for {@code content} matching {@code requestedSchema}; URL mode
 * ({@code "url"}) asks the user to open {@code params.url}, and the answer carries no content. A host that does not
 * open URLs answers {@code {"action":"decline"}}. Runs on the session's event executor. Throw
 * {@link McpErrorException} to answer with a specific JSON-RPC error; any other exception answers
 * {@code -32603 Internal error}.
 */
@FunctionalInterface
public interface ElicitationHandler {
    /**
     * @param params the request's params (mode, message, and the requested schema or the URL)
     * @return the {@code ElicitResult} ({@code action} and optional {@code content})
     * @throws Exception to answer with an error
     */
    JsonNode elicit(JsonNode params) throws Exception;
}
