package io.mcpwasm.integrations.langchain4j;

/**
 * Told of the progress a wasm server reports while one of its tools runs for LangChain4j ({@code
 * notifications/progress}). Runs on mcpwasm's event threads; must not block.
 */
@FunctionalInterface
public interface ToolProgressListener {
    /**
     * @param tool the tool's name as the model sees it (with its server's prefix)
     * @param progress the progress so far
     * @param total the total, or {@code null} when unknown
     * @param message a human-readable message, or {@code null}
     */
    void onProgress(String tool, double progress, Double total, String message);
}
