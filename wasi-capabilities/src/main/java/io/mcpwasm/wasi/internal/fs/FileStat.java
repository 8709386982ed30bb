package io.mcpwasm.wasi.internal.fs;

/**
 * What {@code fd_filestat_get} reports. Never a host path. {@code fileType} uses WASI numbering:
 * 0 unknown, 3 directory, 4 regular file, 7 symbolic link.
 */
public record FileStat(long device, long inode, int fileType, long linkCount, long size,
                       long atimeNanos, long mtimeNanos, long ctimeNanos) {
    public static final int UNKNOWN = 0;
    public static final int DIRECTORY = 3;
    public static final int REGULAR_FILE = 4;
    public static final int SYMBOLIC_LINK = 7;
}
