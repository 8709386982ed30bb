package io.mcpwasm;

/**
 * Receives {@code notifications/progress} for one call (see {@link CallOptions.Builder#progressListener}). Runs
 * on the session's event executor.
 */
@FunctionalInterface
public interface ProgressListener {
    /**
     * @param progress the progress so far (increases with each notification)
     * @param total the total, or {@code null} when unknown
     * @param message a human-readable message, or {@code null}
     */
    void onProgress(double progress, Double total, String message);
}
