package io.mcpwasm.internal;

import run.endive.compiler.Cache;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
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
 */
public final class DiskCompileCache implements Cache {
    private static final Logger LOG = LoggerFactory.getLogger(DiskCompileCache.class);
    private static final byte[] MAGIC = "MCPWASM-CC1\n".getBytes(StandardCharsets.US_ASCII);
    private static final int HEADER = MAGIC.length + Long.BYTES + 32;

    private final Path directory;
    private final java.util.concurrent.atomic.AtomicLong hits = new java.util.concurrent.atomic.AtomicLong();

    public DiskCompileCache(Path directory) {
        this.directory = directory;
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
        return payload;
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
