/**
 * The file-system security kernel of the WASI host: what a guest can reach through a directory grant.
 *
 * <p><b>Threat model.</b> The guest controls every path string and can create, rename and link entries inside a
 * read-write grant; the host may have planted symlinks (absolute or relative, pointing anywhere) and other
 * processes may change the tree concurrently. The guest must not read, write, create, remove, stat or learn the
 * target of anything outside the grant, must not change a read-only grant at all, and must not add more bytes than
 * its quota. No host path may appear in anything the guest sees (errors, stat, readlink, listings).
 *
 * <p><b>How.</b> {@link io.mcpwasm.wasi.internal.fs.PathResolver} resolves every guest path one name at a time over
 * directory handles ({@link java.nio.file.SecureDirectoryStream}: {@code openat} with {@code O_NOFOLLOW}); {@code ..}
 * returns to a handle already held, and symlinks are expanded by the resolver itself, never by the OS, so their
 * targets pass the same checks. {@code HostHandle} is the only class touching the host file system; it documents
 * the four operations NIO offers no handle-relative form for, and the residual race there. {@code HostDirectory}
 * and {@code HostFile} implement the guest-facing interfaces; {@code HostGrant} holds the read-only rule and the
 * quota ledger ({@code HostStats} maps attributes to WASI stats, {@code ReadOnlyRule} words {@code EROFS});
 * {@code MemoryTree} serves in-memory read-only secrets; {@link io.mcpwasm.wasi.internal.fs.FsMounts} builds grant
 * roots.
 *
 * <p>Every refusal is reported to the grant's {@link io.mcpwasm.wasi.internal.fs.FsRefusalListener}; escapes fail
 * with {@code ENOTCAPABLE} and carry "escape" in their message.
 */
package io.mcpwasm.wasi.internal.fs;
