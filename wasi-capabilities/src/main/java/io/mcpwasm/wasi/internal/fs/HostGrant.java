package io.mcpwasm.wasi.internal.fs;

import io.mcpwasm.wasi.internal.Errno;
import io.mcpwasm.wasi.internal.ErrnoException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * What every handle of one host-directory grant shares: the read-only rule, the quota ledger (bytes and entries
 * the guest added, open and unlinked files, guest-made links), the refusal listener, and its {@link HostStats}.
 * Synchronized, although one guest thread normally uses a grant.
 *
 * <p>Quota: {@code quotaBytes} is how many bytes the guest may add to the tree, counted from the moment of
 * mounting (what was there before is not counted). Growth of a file (write past the end, setSize up) is
 * charged before it happens; shrinking, truncating and deleting give bytes back. So the tree never holds more
 * than its size at mount time plus the quota, as far as this grant can see. Deleting a name gives its bytes
 * back only when that was the file's last link ({@code nlink == 1} when the file system tells; else the names the
 * guest itself added with {@code link} are used up first), so link-and-unlink cannot mint credit. Known limit: when
 * the link count is not readable (Jimfs without the "unix" view), removing a name of a file the <i>host</i>
 * hard-linked before mounting gives its bytes back although they stay on disk; bounded by what the host put there.
 *
 * <p>Entries: every entry the guest creates (file, directory, symlink, hard link) is charged to the same byte quota
 * at {@link #entryCost}: 4160 bytes (a 4 KiB block and a 64-byte directory record) plus the UTF-8 length of its
 * name, plus that of the link text for a symlink: what a file system spends on a directory, and more than on an
 * empty file or a short link. Removing an entry gives its
 * cost back. An optional entry limit caps how many entries the guest may add (net of removals). Creating is refused
 * with {@code EDQUOT} before the operating system is asked, so empty files, directories and links cannot fill a disk
 * under a small quota.
 */
final class HostGrant {
    /** Quota value meaning "no limit". */
    static final long UNLIMITED = Long.MAX_VALUE;

    private final boolean readOnly;
    private final long quotaBytes;
    private final java.util.Map<Object, Integer> openFiles = new java.util.HashMap<>();
    private final java.util.Set<Object> unlinkedWhileOpen = new java.util.HashSet<>();
    private final FsRefusalListener refusals;
    private final HostStats stats;
    private long added;
    private final long maxEntries;
    private long entries;
    private final Map<Object, Integer> guestLinks = new HashMap<>();
    private boolean anyGuestLinkWithoutKey;

    HostGrant(boolean readOnly, long quotaBytes, long maxEntries, FsRefusalListener refusals, long syntheticDevice) {
        this.readOnly = readOnly;
        this.quotaBytes = quotaBytes;
        this.maxEntries = maxEntries;
        this.refusals = refusals;
        this.stats = new HostStats(syntheticDevice);
    }

    boolean readOnly() {
        return readOnly;
    }

    FsRefusalListener refusals() {
        return refusals;
    }

    /** How this grant's files are shown to the guest (stat mapping). */
    HostStats stats() {
        return stats;
    }

    /**
     * The read-only rule of a host-directory grant: refuses any mutation on a read-only grant, before the operating
     * system is asked anything. Every mutating operation of {@link HostDirectory} and {@link HostFile} calls it.
     */
    void checkWritable(String operation, String guestPath) throws ErrnoException {
        if (readOnly) {
            throw ReadOnlyRule.refusal(refusals, operation, guestPath);
        }
    }

    /** Charges {@code bytes} (> 0) of growth, or refuses with EDQUOT leaving the count unchanged. */
    synchronized void charge(long bytes, String operation, String guestPath) throws ErrnoException {
        if (bytes <= 0) {
            return;
        }
        long after;
        try {
            after = Math.addExact(added, bytes);
        } catch (ArithmeticException e) {
            after = Long.MAX_VALUE;
        }
        if (quotaBytes != UNLIMITED && after > quotaBytes) {
            throw PathResolver.refuse(refusals, operation, guestPath, Errno.EDQUOT,
                    "quota exceeded: " + bytes + " more bytes requested, " + Math.max(0, quotaBytes - added)
                            + " of " + quotaBytes + " left");
        }
        added = after;
    }

    /**
     * Bytes one directory entry costs against the quota before its name (and link text): one 4 KiB file-system block
     * (a directory's own block, or an inode's worth) plus 64 bytes for its record in the parent directory.
     */
    static final long ENTRY_BYTES = 4096 + 64;

    /** What an entry named {@code name} costs: {@link #ENTRY_BYTES} plus the name, plus {@code linkText} (or null). */
    static long entryCost(String name, String linkText) {
        long cost = ENTRY_BYTES + name.getBytes(StandardCharsets.UTF_8).length;
        return linkText == null ? cost : cost + linkText.getBytes(StandardCharsets.UTF_8).length;
    }

    /**
     * Charges a new entry of {@code cost} bytes (see {@link #entryCost}) and counts it against the entry limit, or
     * refuses with EDQUOT leaving both unchanged. Called before the entry is made; {@link #creditEntry} undoes it.
     */
    synchronized void chargeEntry(long cost, String operation, String guestPath) throws ErrnoException {
        if (maxEntries != UNLIMITED && entries >= maxEntries) {
            throw PathResolver.refuse(refusals, operation, guestPath, Errno.EDQUOT,
                    "entry limit reached: the guest may add " + maxEntries + " entries");
        }
        charge(cost, operation, guestPath);
        entries++;
    }

    /** An entry of {@code cost} bytes went (removed, or its creation failed): its cost and count are given back. */
    synchronized void creditEntry(long cost) {
        entries--;
        credit(cost);
    }

    /** Net entries the guest has added since mounting. */
    synchronized long entriesAdded() {
        return entries;
    }

    /** A guest handle opened the file with this key (null: the provider has no file keys; not tracked). */
    synchronized void opened(Object fileKey) {
        if (fileKey != null) {
            openFiles.merge(fileKey, 1, Integer::sum);
        }
    }

    /**
     * A guest handle of the file with this key closed, the file then being {@code size} bytes. When it was the last
     * handle of a file whose last name is already gone, the file's bytes are freed now, so they come back as quota.
     */
    synchronized void closed(Object fileKey, long size) {
        if (fileKey == null) {
            return;
        }
        Integer n = openFiles.get(fileKey);
        if (n == null) {
            return;
        }
        if (n > 1) {
            openFiles.put(fileKey, n - 1);
            return;
        }
        openFiles.remove(fileKey);
        if (unlinkedWhileOpen.remove(fileKey)) {
            credit(size);
        }
    }

    /**
     * The last name of a file went (unlink, or rename over it). Its bytes are free now, unless a guest handle still
     * holds the file open: then the file lives on (and can still grow, charged as usual) until that handle closes,
     * and only then are its bytes given back (see {@link #closed}). Otherwise unlinking an open file would mint quota.
     */
    synchronized void lastLinkRemoved(Object fileKey, long size) {
        if (fileKey != null && openFiles.containsKey(fileKey)) {
            unlinkedWhileOpen.add(fileKey);
        } else {
            credit(size);
        }
    }

    /** Gives back {@code bytes} (> 0) freed by shrinking or deleting. */
    synchronized void credit(long bytes) {
        if (bytes > 0) {
            added -= bytes;
        }
    }

    /** Net bytes the guest has added since mounting (negative after deleting more than it wrote). */
    synchronized long added() {
        return added;
    }

    /** Records that the guest added one more name (hard link) for the file with this key. */
    synchronized void noteGuestLink(Object fileKey) {
        if (fileKey == null) {
            anyGuestLinkWithoutKey = true;
        } else {
            guestLinks.merge(fileKey, 1, Integer::sum);
        }
    }

    /**
     * Decides whether removing one name of a file frees its bytes, and records the removal.
     * With a known link count that decides; otherwise the names the guest added are used up first.
     */
    synchronized boolean removingLastLink(Object fileKey, long linkCount) {
        Integer extra = fileKey == null ? null : guestLinks.get(fileKey);
        if (extra != null) {
            if (extra <= 1) {
                guestLinks.remove(fileKey);
            } else {
                guestLinks.put(fileKey, extra - 1);
            }
        }
        if (linkCount >= 0) {
            return linkCount == 1;
        }
        if (fileKey == null) {
            return !anyGuestLinkWithoutKey;
        }
        return extra == null;
    }
}
