package io.mcpwasm.wasi.corpus;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystem;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * A host directory tree for the guest corpus, on the default file system (under a JUnit temp dir) or on an
 * in-memory Jimfs (unix). Closing it closes the Jimfs; the temp dir is JUnit's to delete.
 */
final class HostTree implements AutoCloseable {

    /** Where the tree lives. */
    enum Fs { DEFAULT, JIMFS }

    static final String SECRET_OUTSIDE = "TOP SECRET outside\n";
    static final String RW_FILE = "rw file\n";
    static final String RO_FILE = "ro file\n";

    final Fs fs;
    final Path root;
    private final FileSystem jimfs;

    private HostTree(Fs fs, Path root, FileSystem jimfs) {
        this.fs = fs;
        this.root = root;
        this.jimfs = jimfs;
    }

    /** An empty tree root: {@code tempDir/tree} on the default file system, {@code /host/tree} on a fresh Jimfs. */
    static HostTree create(Fs fs, Path tempDir) {
        try {
            if (fs == Fs.DEFAULT) {
                return new HostTree(fs, Files.createDirectories(tempDir.resolve("tree")).toRealPath(), null);
            }
            FileSystem j = Jimfs.newFileSystem(Configuration.unix());
            return new HostTree(fs, Files.createDirectories(j.getPath("/host/tree")), j);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Path path(String rel) {
        return root.resolve(rel);
    }

    /**
     * The hostile layout: {@code rw/} (the read-write grant, with host-planted symlinks pointing out),
     * {@code ro/} (read-only grant), {@code empty/} (an empty read-write grant) and, outside every grant,
     * {@code outside/} and {@code sibling.txt}. Matches what hostile.c and node-check.mjs expect.
     */
    HostTree layOutHostile() {
        try {
            Files.createDirectories(path("outside/emptydir"));
            write("outside/secret.txt", SECRET_OUTSIDE);
            Files.createSymbolicLink(path("outside/link-in-outside"), root.getFileSystem().getPath("secret.txt"));
            write("sibling.txt", "sibling\n");
            Files.createDirectories(path("rw/sub"));
            write("rw/file.txt", RW_FILE);
            write("rw/sub/a.txt", "inside a\n");
            link("rw/abs_file", path("outside/secret.txt").toString());
            link("rw/abs_dir", path("outside").toString());
            link("rw/rel_file", "../outside/secret.txt");
            link("rw/rel_dir", "../outside");
            link("rw/sub/up", "../../outside");
            link("rw/chain1", "chain2");
            link("rw/chain2", "rel_dir");
            link("rw/loop1", "loop2");
            link("rw/loop2", "loop1");
            link("rw/self", "self");
            link("rw/dangle", "../outside/created-through-dangle.txt");
            link("rw/in_link", "sub/a.txt");
            link("rw/ed_link", "../outside/emptydir");
            Files.createDirectories(path("ro/rdir"));
            Files.createDirectories(path("ro/rsub"));
            write("ro/r.txt", RO_FILE);
            write("ro/rsub/x.txt", "ro x\n");
            link("ro/ro_link", "../outside/secret.txt");
            Files.createDirectories(path("empty"));
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The file-work layout: {@code data/input.txt} and an {@code outside/} sibling. */
    HostTree layOutFileOps() {
        try {
            Files.createDirectories(path("data"));
            write("data/input.txt", "line one\nline two\n");
            Files.createDirectories(path("outside"));
            write("outside/secret.txt", SECRET_OUTSIDE);
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void write(String rel, String content) throws IOException {
        Files.write(path(rel), content.getBytes(UTF_8));
    }

    private void link(String rel, String target) throws IOException {
        Files.createSymbolicLink(path(rel), root.getFileSystem().getPath(target));
    }

    /**
     * Every entry under the root (symlinks not followed) whose relative path the filter accepts, mapped to
     * its type and content: a directory's mtime, a file's SHA-256, size and mtime, a symlink's target.
     */
    Map<String, String> snapshot(Predicate<String> include) {
        Map<String, String> out = new TreeMap<>();
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                    String rel = rel(dir);
                    if (!rel.isEmpty() && !include.test(rel)) return FileVisitResult.SKIP_SUBTREE;
                    if (!rel.isEmpty()) out.put(rel, "dir mtime=" + attrs.lastModifiedTime().toMillis());
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    String rel = rel(file);
                    if (!include.test(rel)) return FileVisitResult.CONTINUE;
                    if (attrs.isSymbolicLink()) {
                        out.put(rel, "link -> " + Files.readSymbolicLink(file));
                    } else if (attrs.isRegularFile()) {
                        out.put(rel, "file sha256=" + sha256(Files.readAllBytes(file)) + " size=" + attrs.size()
                                + " mtime=" + attrs.lastModifiedTime().toMillis());
                    } else {
                        out.put(rel, "other");
                    }
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /**
     * Everything except the read-write grant {@code rw/} (which the guest may change). The read-write grant
     * {@code empty/} is included (the guest must leave it empty and in place) except its own mtime, which
     * legitimately moves when the guest makes and removes a directory in it.
     */
    Map<String, String> snapshotOutsideRw() {
        Map<String, String> m = snapshot(rel -> !rel.equals("rw") && !rel.startsWith("rw/"));
        m.computeIfPresent("empty", (k, v) -> v.startsWith("dir ") ? "dir" : v);
        return m;
    }

    boolean exists(String rel) {
        return Files.exists(path(rel), LinkOption.NOFOLLOW_LINKS);
    }

    private String rel(Path p) {
        return root.relativize(p).toString().replace('\\', '/');
    }

    private static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() throws IOException {
        if (jimfs != null) jimfs.close();
    }

    @Override
    public String toString() {
        return fs.name();
    }
}
