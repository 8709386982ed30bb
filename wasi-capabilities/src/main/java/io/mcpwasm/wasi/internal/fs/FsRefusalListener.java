package io.mcpwasm.wasi.internal.fs;

/**
 * Told of every access the file system layer refuses (escape attempts, read-only mutations, quota).
 * The WASI host turns each into an {@link io.mcpwasm.wasi.AuditEvent}. Never given host paths or contents.
 *
 * @param operation e.g. "path_open", "rename"
 * @param guestPath the path as the guest named it, relative to the mount's guest path
 */
@FunctionalInterface
public interface FsRefusalListener {
    void refused(String operation, String guestPath, int errno, String reason);
}
