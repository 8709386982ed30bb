package io.mcpwasm.wasi.internal.fs;

/** One entry of a directory listing; {@code fileType} uses {@link FileStat}'s WASI numbering. */
public record DirEntry(String name, int fileType, long inode) {}
