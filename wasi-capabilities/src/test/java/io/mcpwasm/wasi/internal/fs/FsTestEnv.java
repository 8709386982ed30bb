package io.mcpwasm.wasi.internal.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import io.mcpwasm.wasi.internal.Errno;
import io.mcpwasm.wasi.internal.ErrnoException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * A host tree for adversarial tests, on the default file system or Jimfs:
 * <pre>
 * base/
 *   outside.txt, outside/secret.txt, outside/dir/       (siblings the guest must never reach)
 *   grant/                                              (the mount root)
 *     hello.txt "hello", sub/inner.txt "inner", sub/deeper/
 *     abs-file -> base/outside/secret.txt     abs-dir -> base/outside
 *     rel-file -> ../outside/secret.txt       rel-dir -> ../outside
 *     sub/up2  -> ../../outside               dotdot  -> ..
 *     chain1 -> chain2 -> rel-dir             loop1 -> loop2 -> loop1
 *     inside-link -> sub/inner.txt            sub/to-hello -> ../hello.txt      dir-link -> sub
 * </pre>
 * {@link #snapshot()} hashes the whole host tree (without following links) so tests can assert that nothing
 * outside the grant changed.
 */
final class FsTestEnv implements AutoCloseable {
    enum Kind { DEFAULT, JIMFS }

    final Kind kind;
    final FileSystem jimfs;
    final Path base;
    final Path grant;
    final Path outside;
    final List<String> refusals = new ArrayList<>();
    final List<String> refusalReasons = new ArrayList<>();
    final FsRefusalListener listener = (op, path, errno, reason) -> {
        refusals.add(op + " " + path + " " + Errno.name(errno) + " " + reason);
        refusalReasons.add(reason);
    };
    private final Map<String, String> outsideBefore;

    FsTestEnv(Kind kind, Path tempDir) throws IOException {
        this.kind = kind;
        if (kind == Kind.JIMFS) {
            jimfs = Jimfs.newFileSystem(Configuration.unix());
            base = jimfs.getPath("/work/base");
            Files.createDirectories(base);
        } else {
            jimfs = null;
            base = tempDir.toRealPath();
        }
        grant = base.resolve("grant");
        outside = base.resolve("outside");
        Files.writeString(base.resolve("outside.txt"), "outside file");
        Files.createDirectories(outside.resolve("dir"));
        Files.writeString(outside.resolve("secret.txt"), "TOP SECRET");
        Files.createDirectories(grant.resolve("sub/deeper"));
        Files.writeString(grant.resolve("hello.txt"), "hello");
        Files.writeString(grant.resolve("sub/inner.txt"), "inner");
        link("abs-file", outside.resolve("secret.txt").toString());
        link("abs-dir", outside.toString());
        link("rel-file", "../outside/secret.txt");
        link("rel-dir", "../outside");
        link("sub/up2", "../../outside");
        link("dotdot", "..");
        link("chain1", "chain2");
        link("chain2", "rel-dir");
        link("loop1", "loop2");
        link("loop2", "loop1");
        link("inside-link", "sub/inner.txt");
        link("sub/to-hello", "../hello.txt");
        link("dir-link", "sub");
        outsideBefore = outsideOnly(snapshot());
    }

    private void link(String at, String target) throws IOException {
        Files.createSymbolicLink(grant.resolve(at), base.getFileSystem().getPath(target));
    }

    FsDirectory mount(boolean readOnly, long quota) {
        return FsMounts.hostDirectory(grant, readOnly, quota, listener);
    }

    FsDirectory mount() {
        return mount(false, Long.MAX_VALUE);
    }

    /** Every entry under base, relative, with its kind and content hash or link text; links not followed. */
    Map<String, String> snapshot() throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> all = Files.walk(base)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                String rel = base.relativize(p).toString();
                if (Files.isSymbolicLink(p)) {
                    out.put(rel, "link " + Files.readSymbolicLink(p));
                } else if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    out.put(rel, "dir");
                } else {
                    out.put(rel, "file " + sha256(Files.readAllBytes(p)) + " "
                            + Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS));
                }
            }
        }
        return out;
    }

    private static Map<String, String> outsideOnly(Map<String, String> all) {
        Map<String, String> out = new TreeMap<>(all);
        out.keySet().removeIf(k -> k.equals("grant") || k.startsWith("grant/"));
        return out;
    }

    void assertOutsideUnchanged() throws IOException {
        assertEquals(outsideBefore, outsideOnly(snapshot()), "something outside the grant changed");
    }

    private static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    /** Runs the call, expects that errno, and checks the message shows no host path. */
    ErrnoException expect(int errno, FsCall call) {
        ErrnoException e = assertThrows(ErrnoException.class, call::run);
        assertEquals(Errno.name(errno), Errno.name(e.errno()), "errno; message: " + e.getMessage());
        assertNoHostPath(e.getMessage());
        return e;
    }

    /** Expects an escape refusal: ENOTCAPABLE, "escape" in the message, reported to the listener. */
    void expectEscape(FsCall call) {
        int before = refusals.size();
        ErrnoException e = expect(Errno.ENOTCAPABLE, call);
        assertTrue(e.getMessage().contains(PathResolver.ESCAPE), e.getMessage());
        assertTrue(refusals.size() > before, "refusal not reported");
        assertTrue(refusals.get(refusals.size() - 1).contains("ENOTCAPABLE"), refusals.toString());
    }

    void assertNoHostPath(String text) {
        assertFalse(text.contains(base.toString()), "host path leaked: " + text);
        assertFalse(text.contains("TOP SECRET"), "content leaked: " + text);
    }

    @FunctionalInterface
    interface FsCall {
        void run() throws Exception;
    }

    static String readAll(FsFile f) throws ErrnoException {
        ByteBuffer buf = ByteBuffer.allocate(4096);
        while (f.read(buf, -1) > 0) {
            // keep reading
        }
        buf.flip();
        return StandardCharsets.UTF_8.decode(buf).toString();
    }

    static String read(FsDirectory dir, String path) throws ErrnoException {
        try (FsNode n = dir.open(path, true, OpenOptions.READ)) {
            return readAll((FsFile) n);
        }
    }

    static int write(FsFile f, String s) throws ErrnoException {
        return f.write(ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8)), -1);
    }

    static final OpenOptions CREATE_RW = new OpenOptions(true, true, true, false, false, false, false);
    static final OpenOptions CREATE_NEW = new OpenOptions(true, true, true, true, false, false, false);
    static final OpenOptions WRITE = new OpenOptions(false, true, false, false, false, false, false);
    static final OpenOptions TRUNCATE = new OpenOptions(true, true, false, false, true, false, false);
    static final OpenOptions APPEND = new OpenOptions(false, true, false, false, false, false, true);

    @Override
    public void close() throws IOException {
        if (jimfs != null) {
            jimfs.close();
        }
    }
}
