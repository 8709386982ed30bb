package io.mcpwasm;

import com.fasterxml.jackson.databind.JsonNode;
import io.mcpwasm.wasi.McpWasmException;

/**
 * The server answered a request with a JSON-RPC error object. (A tool that fails reports
 * {@link ToolResult#isError()} instead; this exception means the request itself was refused.)
 */
public final class McpErrorException extends McpWasmException {
    private static final long serialVersionUID = 1L;
    private final String serverName;
    private final String method;
    private final int code;
    private final String errorMessage;
    private final transient JsonNode data;

    /**
     * @param serverName the server that answered
     * @param method the request method that failed
     * @param code the JSON-RPC error code
     * @param errorMessage the error message the server sent
     * @param data the error's {@code data} member, or {@code null}
     */
    public McpErrorException(String serverName, String method, int code, String errorMessage, JsonNode data) {
        super("MCP server '" + serverName + "' answered " + method + " with error " + code + ": " + errorMessage);
        this.serverName = serverName;
        this.method = method;
        this.code = code;
        this.errorMessage = errorMessage;
        this.data = data;
    }

    /** @return the server that answered */
    public String serverName() {
        return serverName;
    }

    /** @return the request method that failed */
    public String method() {
        return method;
    }

    /** @return the JSON-RPC error code */
    public int code() {
        return code;
    }

    /** @return the error message as sent by the server */
    public String errorMessage() {
        return errorMessage;
    }

    /** @return the error's {@code data} member, or {@code null} when absent */
    public JsonNode data() {
        return data;
    }
}
