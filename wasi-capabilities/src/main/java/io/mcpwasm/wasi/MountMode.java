package io.mcpwasm.wasi;

/** How a host directory is exposed to the guest. */
public enum MountMode {
    /** The guest may read and list; every mutation is refused ({@code EROFS}) and audited. */
    READ_ONLY,
    /** The guest may also create, write, rename and delete inside the mount, within its byte quota. */
    READ_WRITE
}
