package io.mcpwasm.wasi.internal.fs;

/**
 * How {@link FsDirectory#open} opens a node, from WASI's oflags, rights and fdflags.
 * {@code directory}: fail with ENOTDIR unless the node is a directory.
 */
public record OpenOptions(boolean read, boolean write, boolean create, boolean exclusive,
                          boolean truncate, boolean directory, boolean append) {
    public static final OpenOptions READ = new OpenOptions(true, false, false, false, false, false, false);
    public static final OpenOptions DIRECTORY = new OpenOptions(true, false, false, false, false, true, false);

    /** True when opening with these options changes the file system or could. */
    public boolean mutates() {
        return write || create || truncate || append;
    }
}
