package io.mcpwasm.wasi.internal.fs;

import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How one host-directory grant shows the host's file attributes to the guest (WASI {@code filestat}): device and
 * inode numbers, type, size and times; and WASI time arguments as {@link FileTime}s. No policy here: what the guest
 * may do is {@link HostGrant}'s (read-only rule, quota) and {@link PathResolver}'s (what it may reach).
 */
final class HostStats {
    private static final Pattern UNIX_FILE_KEY = Pattern.compile("\\(dev=([0-9a-fA-F]+),ino=([0-9]+)\\)");

    private final long syntheticDevice;
    private final Map<Object, Long> syntheticInodes = new HashMap<>();

    /** @param syntheticDevice the device number reported where the file key gives none */
    HostStats(long syntheticDevice) {
        this.syntheticDevice = syntheticDevice;
    }

    /**
     * Converts attributes into a WASI stat. Device and inode come from the file key where the provider exposes
     * them (Linux: {@code (dev=..,ino=..)}; Jimfs: an integer id), else a synthetic number stable per file key.
     * The link count is not readable through a directory handle: it is reported as 1.
     */
    synchronized FileStat toStat(BasicFileAttributes a, long sizeOverride) {
        long dev = syntheticDevice;
        long ino;
        Object key = a.fileKey();
        Matcher m = key == null ? null : UNIX_FILE_KEY.matcher(key.toString());
        if (m != null && m.matches()) {
            dev = Long.parseUnsignedLong(m.group(1), 16);
            ino = Long.parseUnsignedLong(m.group(2));
        } else if (key instanceof Number n) {
            ino = n.longValue();
        } else if (key != null) {
            ino = syntheticInodes.computeIfAbsent(key, k -> (long) syntheticInodes.size() + 1);
        } else {
            ino = 0; // no identity available at all
        }
        int type = a.isDirectory() ? FileStat.DIRECTORY
                : a.isRegularFile() ? FileStat.REGULAR_FILE
                : a.isSymbolicLink() ? FileStat.SYMBOLIC_LINK
                : FileStat.UNKNOWN;
        long size = sizeOverride >= 0 ? sizeOverride : a.size();
        long mtime = nanos(a.lastModifiedTime());
        return new FileStat(dev, ino, type, 1, size, nanos(a.lastAccessTime()), mtime, mtime);
    }

    static long nanos(FileTime t) {
        if (t == null) {
            return 0;
        }
        java.time.Instant i = t.toInstant();
        try {
            return Math.addExact(Math.multiplyExact(i.getEpochSecond(), 1_000_000_000L), i.getNano());
        } catch (ArithmeticException e) {
            return i.getEpochSecond() < 0 ? 0 : Long.MAX_VALUE;
        }
    }

    /** A WASI time argument as a FileTime: null stays null, {@link FsDirectory#NOW} is now. */
    static FileTime fileTime(Long nanos) {
        if (nanos == null) {
            return null;
        }
        if (nanos.longValue() == FsDirectory.NOW.longValue()) {
            return FileTime.from(java.time.Instant.now());
        }
        return FileTime.from(java.time.Instant.ofEpochSecond(0, nanos));
    }
}
