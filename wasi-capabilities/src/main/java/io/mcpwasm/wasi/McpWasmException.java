package io.mcpwasm.wasi;

/**
 * The root of every exception mcpwasm throws. Unchecked; subtypes say what happened
 * (a capability was denied, a manifest or policy is invalid, the guest trapped or exited, a call timed out...).
 */
public class McpWasmException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public McpWasmException(String message) {
        super(message);
    }

    public McpWasmException(String message, Throwable cause) {
        super(message, cause);
    }
}
