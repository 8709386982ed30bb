package io.mcpwasm;

import io.mcpwasm.wasi.McpWasmException;

/** A module could not be loaded: missing, unreadable, malformed, not a WASI command, or it failed to compile. */
public final class ModuleLoadException extends McpWasmException {
    private static final long serialVersionUID = 1L;
    private final String source;

    public ModuleLoadException(String source, String problem) {
        super("cannot load module " + source + ": " + problem);
        this.source = source;
    }

    public ModuleLoadException(String source, String problem, Throwable cause) {
        super("cannot load module " + source + ": " + problem, cause);
        this.source = source;
    }

    /** The file, resource or name the module was loaded from. */
    public String source() {
        return source;
    }
}
