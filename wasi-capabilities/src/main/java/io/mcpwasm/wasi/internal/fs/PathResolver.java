package io.mcpwasm.wasi.internal.fs;

import io.mcpwasm.wasi.internal.Errno;
import io.mcpwasm.wasi.internal.ErrnoException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Resolves a guest path inside one capability, component by component, the way cap-std does.
 *
 * <p>The algorithm, in full:
 * <ol>
 *   <li>An empty path is refused with {@code ENOENT}; an absolute path with {@code ENOTCAPABLE}.</li>
 *   <li>The path's components go on a worklist. A stack holds the directory handles opened so far; its bottom
 *       is the capability's own directory.</li>
 *   <li>{@code .} is skipped. {@code ..} pops the stack: it never opens the parent by name, it returns to the
 *       handle that was already open. Popping the bottom is an escape ({@code ENOTCAPABLE}).</li>
 *   <li>Any other component is looked at with no-follow semantics, relative to the handle on top of the stack.
 *       A symbolic link is never opened: its target is read, refused if absolute, and its components go back on
 *       the worklist in its place, so they pass the same checks, starting from the link's own directory.
 *       At most {@link #MAX_SYMLINK_EXPANSIONS} expansions are allowed per resolution ({@code ELOOP}).</li>
 *   <li>A directory is opened (again with no-follow, so a directory swapped for a link after it was looked at
 *       fails to open instead of being followed) and pushed.</li>
 *   <li>The last component is followed only when the caller asks (or when the path ends with {@code /}).</li>
 * </ol>
 * The result names a directory handle that is inside the capability and, usually, one last component in it.
 * Nothing else is ever trusted: no path string is handed to the operating system except single names.
 *
 * <p>Every refusal (escape, loop, bad name) is told to the {@link FsRefusalListener} before it is thrown.
 * Escapes all carry {@link #ESCAPE} in their message, so they are easy to grep in logs and audit trails.
 */
final class PathResolver {

    /** Marker in the message of every escape refusal. */
    static final String ESCAPE = "escape";

    /** Symlink expansions allowed while resolving one path (Linux allows 40 too). */
    static final int MAX_SYMLINK_EXPANSIONS = 40;

    /** Longest single name, in UTF-8 bytes (NAME_MAX on Linux). */
    static final int MAX_NAME_BYTES = 255;

    /** Longest whole guest path, in UTF-8 bytes (PATH_MAX on Linux). */
    static final int MAX_PATH_BYTES = 4096;

    private PathResolver() {}

    /** What an entry is, looked at without following it. */
    enum Kind { MISSING, DIRECTORY, FILE, SYMLINK, OTHER }

    /**
     * The three primitives the resolver needs from a directory handle; all relative to the handle,
     * all given one validated name (no {@code /}, not {@code .} or {@code ..}).
     */
    interface Dir<D extends Dir<D>> {
        /** The kind of the entry {@code name}, not following a symlink. */
        Kind kind(String name) throws ErrnoException;

        /** Opens the subdirectory {@code name} as a new handle, refusing to follow a symlink. */
        D openDirectory(String name) throws ErrnoException;

        /** The target text of the symlink {@code name}. */
        String readSymlink(String name) throws ErrnoException;

        /** Releases a handle this resolver opened. */
        void release();
    }

    /** One level of the stack: a handle and whether this resolution opened it (and must release it). */
    private record Frame<D>(D handle, boolean owned) {}

    /**
     * A resolved path: the directory that holds the final component, and that component.
     * {@code name == null} means the path names {@link #dir()} itself (e.g. {@code "."} or {@code "a/.."}).
     * Close it to release the handles opened on the way; a handle taken with {@link #takeDir()} stays open.
     */
    static final class Resolved<D extends Dir<D>> implements AutoCloseable {
        private final List<Frame<D>> stack;
        private final String name;
        private final boolean trailingSlash;
        private boolean dirTaken;

        private Resolved(List<Frame<D>> stack, String name, boolean trailingSlash) {
            this.stack = stack;
            this.name = name;
            this.trailingSlash = trailingSlash;
        }

        /** The directory holding {@link #name()}, or the named directory itself when the name is null. */
        D dir() {
            return stack.get(stack.size() - 1).handle();
        }

        /** The final component, never {@code .}, {@code ..} or containing {@code /}; null if the path is a directory. */
        String name() {
            return name;
        }

        /** True when the guest path ended with {@code /} (the final component must be a directory). */
        boolean trailingSlash() {
            return trailingSlash;
        }

        /** True when {@link #dir()} is the capability's own directory (the bottom of the stack). */
        boolean atRoot() {
            return stack.size() == 1;
        }

        /** How many directories {@link #dir()} lies below the capability's own directory. */
        int depth() {
            return stack.size() - 1;
        }

        /** True when {@link #dir()} was opened by this resolution (so it can be handed over with takeDir). */
        boolean ownsDir() {
            return stack.get(stack.size() - 1).owned();
        }

        /** Hands {@link #dir()} over to the caller, who must release it; it is then not released on close. */
        D takeDir() {
            if (!ownsDir()) {
                throw new IllegalStateException("the directory is borrowed, not owned by this resolution");
            }
            dirTaken = true;
            return dir();
        }

        @Override
        public void close() {
            for (int i = stack.size() - 1; i >= 0; i--) {
                Frame<D> f = stack.get(i);
                if (f.owned() && !(dirTaken && i == stack.size() - 1)) {
                    f.handle().release();
                }
            }
        }
    }

    /**
     * Resolves {@code path} from {@code root}, which is the boundary: nothing above it can be reached.
     *
     * @param operation   for refusal reports, e.g. "path_open"
     * @param followFinal follow the last component if it is a symlink
     */
    static <D extends Dir<D>> Resolved<D> resolve(D root, String path, boolean followFinal,
                                                   String operation, FsRefusalListener refusals)
            throws ErrnoException {
        List<Frame<D>> stack = new ArrayList<>();
        stack.add(new Frame<>(root, false));
        return walk(stack, path, followFinal, operation, path, refusals);
    }

    /**
     * Resolves {@code target} (a symlink's text) as if it were followed from {@code base}'s directory:
     * {@code ..} may climb into base's ancestors but not above its root. The final component is not followed.
     * Used to decide whether a symlink (created, renamed, linked or read) stays inside the capability.
     */
    static <D extends Dir<D>> Resolved<D> resolveFrom(Resolved<D> base, String target,
                                                       String operation, String guestPath,
                                                       FsRefusalListener refusals) throws ErrnoException {
        List<Frame<D>> stack = new ArrayList<>();
        for (Frame<D> f : base.stack) {
            stack.add(new Frame<>(f.handle(), false)); // borrowed: base still owns them
        }
        return walk(stack, target, false, operation, guestPath, refusals);
    }

    /**
     * Refuses a symlink target that leaves the capability from a directory {@code depth} levels below its root,
     * looking only at the text: an absolute target, or more {@code ..} than there are levels at any point.
     * This guards what the link will mean later, when missing parts of it may have been created.
     */
    static void checkTargetText(String target, int depth, String operation, String guestPath,
                                FsRefusalListener refusals) throws ErrnoException {
        if (target.isEmpty()) {
            throw refuse(refusals, operation, guestPath, Errno.ENOENT, "empty symlink target");
        }
        if (target.startsWith("/")) {
            throw refuse(refusals, operation, guestPath, Errno.ENOTCAPABLE,
                    "absolute symlink target would " + ESCAPE + " the grant");
        }
        int level = depth;
        for (String c : target.split("/")) {
            if (c.equals("..")) {
                level--;
                if (level < 0) {
                    throw refuse(refusals, operation, guestPath, Errno.ENOTCAPABLE,
                            "symlink target would " + ESCAPE + " the grant via '..'");
                }
            } else if (!c.isEmpty() && !c.equals(".")) {
                level++;
            }
        }
    }

    private static <D extends Dir<D>> Resolved<D> walk(List<Frame<D>> stack, String path, boolean followFinal,
                                                        String operation, String guestPath,
                                                        FsRefusalListener refusals) throws ErrnoException {
        try {
            checkWholePath(path, operation, guestPath, refusals);
            boolean trailingSlash = path.endsWith("/");
            Deque<String> work = new ArrayDeque<>();
            pushComponents(work, path);
            int expansions = 0;
            while (true) {
                if (work.isEmpty()) {
                    // Only "." and ".." (or trailing slashes) were left: the path names the top directory.
                    return new Resolved<>(stack, null, trailingSlash);
                }
                String c = work.pop();
                boolean isFinal = work.isEmpty();
                if (c.equals(".")) {
                    continue;
                }
                if (c.equals("..")) {
                    if (stack.size() == 1) {
                        throw refuse(refusals, operation, guestPath, Errno.ENOTCAPABLE,
                                "'..' would " + ESCAPE + " the grant");
                    }
                    Frame<D> top = stack.remove(stack.size() - 1);
                    if (top.owned()) {
                        top.handle().release();
                    }
                    continue;
                }
                checkName(c, operation, guestPath, refusals);
                D dir = stack.get(stack.size() - 1).handle();
                boolean follow = !isFinal || followFinal || trailingSlash;
                if (isFinal && !follow) {
                    return new Resolved<>(stack, c, false);
                }
                Kind kind = dir.kind(c);
                if (kind == Kind.SYMLINK) {
                    if (++expansions > MAX_SYMLINK_EXPANSIONS) {
                        throw refuse(refusals, operation, guestPath, Errno.ELOOP,
                                "more than " + MAX_SYMLINK_EXPANSIONS + " symlink expansions");
                    }
                    String target = dir.readSymlink(c);
                    if (target.isEmpty()) {
                        throw new ErrnoException(Errno.ENOENT, "empty symlink target");
                    }
                    if (target.startsWith("/")) {
                        throw refuse(refusals, operation, guestPath, Errno.ENOTCAPABLE,
                                "absolute symlink target would " + ESCAPE + " the grant");
                    }
                    if (target.indexOf('\0') >= 0) {
                        throw refuse(refusals, operation, guestPath, Errno.EINVAL, "NUL in symlink target");
                    }
                    if (isFinal && target.endsWith("/")) {
                        trailingSlash = true;
                    }
                    pushComponents(work, target); // resolved from the link's own directory: the current top
                    continue;
                }
                if (isFinal) {
                    return new Resolved<>(stack, c, trailingSlash);
                }
                if (kind == Kind.MISSING) {
                    throw new ErrnoException(Errno.ENOENT, "no such directory on the path");
                }
                if (kind != Kind.DIRECTORY) {
                    throw new ErrnoException(Errno.ENOTDIR, "a path component is not a directory");
                }
                stack.add(new Frame<>(dir.openDirectory(c), true));
            }
        } catch (ErrnoException | RuntimeException | Error e) {
            for (int i = stack.size() - 1; i >= 0; i--) {
                if (stack.get(i).owned()) {
                    stack.get(i).handle().release();
                }
            }
            throw e;
        }
    }

    /** Pushes the components of {@code path} so that the first one is popped first. Empty ones are dropped. */
    private static void pushComponents(Deque<String> work, String path) {
        String[] parts = path.split("/");
        for (int i = parts.length - 1; i >= 0; i--) {
            if (!parts[i].isEmpty()) {
                work.push(parts[i]);
            }
        }
    }

    private static void checkWholePath(String path, String operation, String guestPath,
                                       FsRefusalListener refusals) throws ErrnoException {
        if (path.isEmpty()) {
            throw refuse(refusals, operation, guestPath, Errno.ENOENT, "empty path");
        }
        if (path.startsWith("/")) {
            throw refuse(refusals, operation, guestPath, Errno.ENOTCAPABLE,
                    "absolute path would " + ESCAPE + " the grant");
        }
        if (path.indexOf('\0') >= 0) {
            throw refuse(refusals, operation, guestPath, Errno.EINVAL, "NUL in path");
        }
        if (path.getBytes(StandardCharsets.UTF_8).length > MAX_PATH_BYTES) {
            throw refuse(refusals, operation, guestPath, Errno.ENAMETOOLONG, "path too long");
        }
    }

    /** A single name as the resolver hands it to a {@link Dir}: no separator, not {@code .}/{@code ..}. */
    static void checkName(String name, String operation, String guestPath, FsRefusalListener refusals)
            throws ErrnoException {
        if (name.isEmpty() || name.equals(".") || name.equals("..") || name.indexOf('/') >= 0
                || name.indexOf('\0') >= 0) {
            throw refuse(refusals, operation, guestPath, Errno.EINVAL, "invalid name");
        }
        if (name.getBytes(StandardCharsets.UTF_8).length > MAX_NAME_BYTES) {
            throw refuse(refusals, operation, guestPath, Errno.ENAMETOOLONG, "name too long");
        }
    }

    /** Tells the listener, then returns the exception for the caller to throw. */
    static ErrnoException refuse(FsRefusalListener refusals, String operation, String guestPath,
                                 int errno, String reason) {
        refusals.refused(operation, guestPath, errno, reason);
        return new ErrnoException(errno, operation + " refused: " + reason);
    }
}
