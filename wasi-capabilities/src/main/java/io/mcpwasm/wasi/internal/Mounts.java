package io.mcpwasm.wasi.internal;

import io.mcpwasm.wasi.McpWasmException;
import io.mcpwasm.wasi.internal.fs.FsDirectory;
import io.mcpwasm.wasi.internal.fs.FsRefusalListener;
import java.nio.file.Path;
import java.util.Map;

/** Opens the file-system grants behind preopens (bridge to the file-system kernel). */
public final class Mounts {
    private Mounts() {}

    /** A host directory exposed to the guest. */
    public static FsDirectory hostDirectory(Path root, boolean readOnly, long quotaBytes, FsRefusalListener listener) {
        throw new McpWasmException("host directory mounts are not available yet");
    }

    /** A read-only in-memory directory holding the given files (name to contents). */
    public static FsDirectory readOnlyFiles(Map<String, byte[]> files) {
        throw new McpWasmException("secret files are not available yet");
    }
}
