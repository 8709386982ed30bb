package io.mcpwasm.internal;

import run.endive.compiler.Cache;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chicory's compile {@link Cache} on disk: one file per module, named after the module's SHA-256 and kept in a
 * directory per Chicory version (compiled classes are only valid for the compiler that made them).
 *
 * <p>Safe for concurrent JVMs: an entry is written to a unique temporary file and moved into place atomically;
 * whoever moves first wins and later writers discard theirs. Each entry carries a header with the payload's
 * length and SHA-256, so a truncated or corrupt entry is detected, deleted and reported as a miss (the module is
 * then compiled again). Cache I/O failures never fail a load: they are logged and treated as misses.
 *
 * <p>Size: the directory is kept under a cap ({@link #DEFAULT_MAX_BYTES} unless told otherwise). Each entry served
 * has its modification time set to now, so the times order entries by last use, across JVMs sharing the directory;
 * after each store the least recently used entries are deleted until the total fits. An entry larger than the whole
 * cap is not stored. Temporary files left by a writer that died are deleted once they are an hour old.
 */
public final class DiskCompileCache implements Cache {
    private static final Logger LOG = LoggerFactory.getLogger(DiskCompileCache.class);
    private static final byte[] MAGIC = "MCPWASM-CC1\n".getBytes(StandardCharsets.US_ASCII);
    private static final int HEADER = MAGIC.length + Long.BYTES + 32;
    private static final Duration STALE_TEMP = Duration.ofHours(1);
    /** The default cap on the directory's size: 1 GiB. */
    public static final long DEFAULT_MAX_BYTES = 1L << 30;

    private final Path directory;
    private final long maxBytes;
    private final java.util.concurrent.atomic.AtomicLong hits = new java.util.concurrent.atomic.AtomicLong();

    public DiskCompileCache(Path directory) {
        this(directory, DEFAULT_MAX_BYTES);
    }

    /** A cache in {@code directory} whose entries together stay under {@code maxBytes}. */
    public DiskCompileCache(Path directory, long maxBytes) {
        if (maxBytes <= 0) {
            throw new IllegalArgumentException("the compile cache's size cap must be positive, was " + maxBytes);
        }
        this.directory = directory;
        this.maxBytes = maxBytes;
    }

    public Path directory() {
        return directory;
    }

    @Override
    public byte[] get(String key) {
        byte[] payload = read(key);
        if (payload != null) {
            hits.incrementAndGet();
        }
        return payload;
    }

    /** Like {@link #get} without counting a hit: for the cache's own bookkeeping. */
    public byte[] read(String key) {
        Path entry = entryFor(key);
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(entry);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            LOG.warn("compile cache: cannot read {}: {}; compiling instead", entry, e.toString());
            return null;
        }
        byte[] payload = verify(bytes);
        if (payload == null) {
            LOG.warn("compile cache: entry {} is corrupt or truncated; deleting it and compiling again", entry);
            try {
                Files.deleteIfExists(entry);
            } catch (IOException e) {
                LOG.warn("compile cache: cannot delete corrupt entry {}: {}", entry, e.toString());
            }
            return null;
        }
        touch(entry);
        return payload;
    }

    /** Marks an entry as just used: eviction removes the least recently used first. */
    private static void touch(Path entry) {
        try {
            Files.setLastModifiedTime(entry, FileTime.from(Instant.now()));
        } catch (IOException e) {
            LOG.debug("compile cache: cannot mark {} as used: {}", entry, e.toString());
        }
    }

    /** Removes an entry (one that could not be used); a failure is logged. */
    public void delete(String key) {
        Path entry = entryFor(key);
        try {
            Files.deleteIfExists(entry);
        } catch (IOException e) {
            LOG.warn("compile cache: cannot delete {}: {}", entry, e.toString());
        }
    }

    /**
     * The stripped copy of a module (see CodeStripper) saved beside its compiled classes, or null.
     *
     * @param moduleSha256 hex SHA-256 of the original module bytes
     */
    public byte[] strippedModule(String moduleSha256) {
        return get("stripped-module:" + moduleSha256);
    }

    public void putStrippedModule(String moduleSha256, byte[] stripped) {
        putIfAbsent("stripped-module:" + moduleSha256, stripped);
    }

    /** Entries served from disk so far. */
    public long hits() {
        return hits.get();
    }

    @Override
    public void putIfAbsent(String key, byte[] data) {
        Path entry = entryFor(key);
        if (Files.exists(entry) && read(key) != null) {
            return; // a whole entry is there (read() deletes a corrupt one)
        }
        if ((long) HEADER + data.length > maxBytes) {
            LOG.info("compile cache: an entry of {} bytes is over the cache's cap of {} bytes; not stored",
                    data.length, maxBytes);
            return;
        }
        Path temp = null;
        try {
            Files.createDirectories(directory);
            temp = Files.createTempFile(directory, "entry-", ".tmp");
            ByteBuffer out = ByteBuffer.allocate(HEADER + data.length);
            out.put(MAGIC).putLong(data.length).put(sha256(data)).put(data);
            Files.write(temp, out.array());
            try {
                Files.move(temp, entry, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, entry);
            }
            temp = null;
            evict(entry);
        } catch (FileAlreadyExistsException e) {
            // another JVM published it first: fine
        } catch (IOException e) {
            LOG.warn("compile cache: cannot store entry in {}: {}", directory, e.toString());
        } finally {
            if (temp != null) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException ignored) {
                    // best effort
                }
            }
        }
    }

    /**
     * Deletes the least recently used entries until the directory fits the cap, never {@code keep} (just stored).
     * Another JVM may evict at the same time: a file already gone is simply skipped.
     */
    private void evict(Path keep) {
        record Entry(Path path, long size, FileTime used) {}
        List<Entry> entries = new ArrayList<>();
        long total = 0;
        Instant staleBefore = Instant.now().minus(STALE_TEMP);
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory)) {
            for (Path p : files) {
                BasicFileAttributes a;
                try {
                    a = Files.readAttributes(p, BasicFileAttributes.class);
                } catch (NoSuchFileException gone) {
                    continue;
                }
                String name = p.getFileName().toString();
                if (name.endsWith(".tmp") && a.lastModifiedTime().toInstant().isBefore(staleBefore)) {
                    Files.deleteIfExists(p); // left by a writer that died
                } else if (a.isRegularFile()) {
                    total += a.size();
                    if (name.endsWith(".jar") && !p.equals(keep)) {
                        entries.add(new Entry(p, a.size(), a.lastModifiedTime()));
                    }
                }
            }
        } catch (IOException e) {
            LOG.warn("compile cache: cannot list {} to keep it under {} bytes: {}", directory, maxBytes, e.toString());
            return;
        }
        if (total <= maxBytes) {
            return;
        }
        entries.sort(Comparator.comparing(Entry::used).thenComparing(Entry::path));
        for (Entry e : entries) {
            if (total <= maxBytes) {
                break;
            }
            try {
                Files.deleteIfExists(e.path());
                total -= e.size();
                LOG.debug("compile cache: evicted {} ({} bytes, last used {})", e.path(), e.size(), e.used());
            } catch (IOException ex) {
                LOG.warn("compile cache: cannot evict {}: {}", e.path(), ex.toString());
            }
        }
    }

    /** The cap on the directory's size, bytes. */
    public long maxBytes() {
        return maxBytes;
    }

    Path entryFor(String key) {
        return directory.resolve(HexFormat.of().formatHex(sha256(key.getBytes(StandardCharsets.UTF_8))) + ".jar");
    }

    private static byte[] verify(byte[] bytes) {
        if (bytes.length < HEADER || !Arrays.equals(bytes, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
            return null;
        }
        ByteBuffer in = ByteBuffer.wrap(bytes, MAGIC.length, bytes.length - MAGIC.length);
        long length = in.getLong();
        if (length != bytes.length - HEADER) {
            return null;
        }
        byte[] expected = new byte[32];
        in.get(expected);
        byte[] payload = Arrays.copyOfRange(bytes, HEADER, bytes.length);
        return Arrays.equals(expected, sha256(payload)) ? payload : null;
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }
}
