package io.mcpwasm.integrations.spring;

/**
 * Published (as a Spring application event) for each progress notification a wasm server sends while one of its
 * tools runs for Spring AI. Listen with {@code @EventListener}; listeners run on mcpwasm's event threads.
 *
 * @param server the server's configuration name
 * @param tool the tool's name as the model sees it
 * @param progress the progress so far
 * @param total the total, or {@code null} when unknown
 * @param message a human-readable message, or {@code null}
 */
public record McpWasmToolProgressEvent(String server, String tool, double progress, Double total, String message) {
}
