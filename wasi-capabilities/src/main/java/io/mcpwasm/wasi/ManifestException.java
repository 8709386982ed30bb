package io.mcpwasm.wasi;

import java.util.Optional;

/**
 * A server manifest could not be read: bad JSON, an unknown field, a bad value, or a malformed wasm module
 * that was to carry it. The message names the field path (for example {@code mounts[1].guestPath}) and the
 * reason, so that the author of the manifest can fix it.
 */
public final class ManifestException extends McpWasmException {
    private static final long serialVersionUID = 1L;

    /** The field path, or null when the problem is not about one field. */
    private final String field;
    private final String reason;

    /**
     * @param field  the path of the bad field ({@code name}, {@code mounts[1].guestPath}); null when the problem
     *               concerns the whole document or the wasm module
     * @param reason what is wrong, in words the manifest's author can act on
     */
    public ManifestException(String field, String reason) {
        super(field == null || field.isEmpty() ? reason : field + ": " + reason);
        this.field = field == null || field.isEmpty() ? null : field;
        this.reason = reason;
    }

    /**
     * @param field  as in {@link #ManifestException(String, String)}
     * @param reason as in {@link #ManifestException(String, String)}
     * @param cause  the underlying failure (an I/O or JSON syntax error)
     */
    public ManifestException(String field, String reason, Throwable cause) {
        super(field == null || field.isEmpty() ? reason : field + ": " + reason, cause);
        this.field = field == null || field.isEmpty() ? null : field;
        this.reason = reason;
    }

    /** The path of the bad field, e.g. {@code mounts[1].guestPath}; empty when the problem is not one field's. */
    public Optional<String> field() {
        return Optional.ofNullable(field);
    }

    /** What is wrong, without the field path. */
    public String reason() {
        return reason;
    }
}
