package io.mcpwasm.wasi.internal.fs;

/**
 * Told of every access the file system layer refuses (escape attempts, read-only mutations, quota).
 * The WASI host turns each into an {@link io.mcpwasm.wasi.AuditEvent}. Never given host paths or contents.
 */
@FunctionalInterface
public interface FsRefusalListener {
    /**
     * One refused access.
     *
     * @param operation e.g. "path_open", "rename"
     * @param guestPath the path as the guest named it, relative to the mount's guest path
     * @param errno the WASI errno the guest gets
     * @param reason why it was refused, in words
     */
    void refused(String operation, String guestPath, int errno, String reason);
}
