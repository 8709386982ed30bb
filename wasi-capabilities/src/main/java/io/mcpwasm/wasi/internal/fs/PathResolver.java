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
 * <p>Every refusal (escape, loop, bad name, bad symlink target) is built in one place, {@link Refusals}, which
 * tells the {@link FsRefusalListener} before it is thrown. Escapes all carry {@link #ESCAPE} in their message, so
 * they are easy to grep in logs and audit trails. A component that is missing or not a directory is an ordinary
 * error ({@code ENOENT}, {@code ENOTDIR}), not a refusal. The walk itself ({@link Walk}) is one short method per
 * kind of component.
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
        return new Walk<>(stack, followFinal, new Refusals(refusals, operation, path)).run(path);
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
        return new Walk<>(stack, false, new Refusals(refusals, operation, guestPath)).run(target);
    }

    /**
     * Refuses a symlink target that leaves the capability from a directory {@code depth} levels below its root,
     * looking only at the text: an absolute target, or more {@code ..} than there are levels at any point.
     * This guards what the link will mean later, when missing parts of it may have been created.
     */
    static void checkTargetText(String target, int depth, String operation, String guestPath,
                                FsRefusalListener refusals) throws ErrnoException {
        Refusals r = new Refusals(refusals, operation, guestPath);
        r.checkSymlinkTarget(target);
        int level = depth;
        for (String c : target.split("/")) {
            if (c.equals("..")) {
                level--;
                if (level < 0) {
                    throw r.escape("symlink target", "via '..'");
                }
            } else if (!c.isEmpty() && !c.equals(".")) {
                level++;
            }
        }
    }

    /** A single name as the resolver hands it to a {@link Dir}: no separator, not {@code .}/{@code ..}. */
    static void checkName(String name, String operation, String guestPath, FsRefusalListener refusals)
            throws ErrnoException {
        new Refusals(refusals, operation, guestPath).checkName(name);
    }

    /** Tells the listener, then returns the exception for the caller to throw. */
    static ErrnoException refuse(FsRefusalListener refusals, String operation, String guestPath,
                                 int errno, String reason) {
        return new Refusals(refusals, operation, guestPath).refuse(errno, reason);
    }

    /**
     * The one place a refusal is built: every refusal of a resolution (escape, loop, bad name or path, bad symlink
     * target) is told to the listener and becomes an {@link ErrnoException} saying "{@code <operation>} refused".
     * Escapes are worded by {@link #escape} alone, so they all carry {@link #ESCAPE}.
     */
    private record Refusals(FsRefusalListener listener, String operation, String guestPath) {

        ErrnoException refuse(int errno, String reason) {
            listener.refused(operation, guestPath, errno, reason);
            return new ErrnoException(errno, operation + " refused: " + reason);
        }

        /** {@code what} would leave the grant; {@code how} says by which means (may be empty). */
        ErrnoException escape(String what, String how) {
            String reason = what + " would " + ESCAPE + " the grant";
            return refuse(Errno.ENOTCAPABLE, how.isEmpty() ? reason : reason + " " + how);
        }

        void checkWholePath(String path) throws ErrnoException {
            if (path.isEmpty()) {
                throw refuse(Errno.ENOENT, "empty path");
            }
            if (path.startsWith("/")) {
                throw escape("absolute path", "");
            }
            if (path.indexOf('\0') >= 0) {
                throw refuse(Errno.EINVAL, "NUL in path");
            }
            if (path.getBytes(StandardCharsets.UTF_8).length > MAX_PATH_BYTES) {
                throw refuse(Errno.ENAMETOOLONG, "path too long");
            }
        }

        void checkName(String name) throws ErrnoException {
            if (name.isEmpty() || name.equals(".") || name.equals("..") || name.indexOf('/') >= 0
                    || name.indexOf('\0') >= 0) {
                throw refuse(Errno.EINVAL, "invalid name");
            }
            if (name.getBytes(StandardCharsets.UTF_8).length > MAX_NAME_BYTES) {
                throw refuse(Errno.ENAMETOOLONG, "name too long");
            }
        }

        /** A symlink's text, whether being created or followed: not empty, not absolute, no NUL. */
        void checkSymlinkTarget(String target) throws ErrnoException {
            if (target.isEmpty()) {
                throw refuse(Errno.ENOENT, "empty symlink target");
            }
            if (target.startsWith("/")) {
                throw escape("absolute symlink target", "");
            }
            if (target.indexOf('\0') >= 0) {
                throw refuse(Errno.EINVAL, "NUL in symlink target");
            }
        }
    }

    /**
     * One resolution: the worklist of components still to walk, the stack of open directories, the symlink
     * expansions so far. {@link #run} pops components and hands each to the method for its kind: {@link #parent}
     * for {@code ..}, {@link #entry} for a name, which looks at it and goes on in {@link #symlink} or
     * {@link #descend}.
     */
    private static final class Walk<D extends Dir<D>> {
        private final List<Frame<D>> stack;
        private final boolean followFinal;
        private final Refusals refusals;
        private final Deque<String> work = new ArrayDeque<>();
        private int expansions;
        private boolean trailingSlash;

        Walk(List<Frame<D>> stack, boolean followFinal, Refusals refusals) {
            this.stack = stack;
            this.followFinal = followFinal;
            this.refusals = refusals;
        }

        Resolved<D> run(String path) throws ErrnoException {
            try {
                refusals.checkWholePath(path);
                trailingSlash = path.endsWith("/");
                pushComponents(path);
                while (!work.isEmpty()) {
                    String c = work.pop();
                    if (c.equals(".")) {
                        continue;
                    }
                    if (c.equals("..")) {
                        parent();
                        continue;
                    }
                    Resolved<D> done = entry(c, work.isEmpty());
                    if (done != null) {
                        return done;
                    }
                }
                // Only "." and ".." (or trailing slashes) were left: the path names the top directory.
                return new Resolved<>(stack, null, trailingSlash);
            } catch (ErrnoException | RuntimeException | Error e) {
                releaseAll();
                throw e;
            }
        }

        /** {@code ..}: back to the handle already open below the top; the bottom has no parent in the grant. */
        private void parent() throws ErrnoException {
            if (stack.size() == 1) {
                throw refusals.escape("'..'", "");
            }
            Frame<D> top = stack.remove(stack.size() - 1);
            if (top.owned()) {
                top.handle().release();
            }
        }

        /** A name: the result when it is the last one and is not followed, else whatever it turns out to be. */
        private Resolved<D> entry(String name, boolean isFinal) throws ErrnoException {
            refusals.checkName(name);
            D dir = top();
            if (isFinal && !followFinal && !trailingSlash) {
                return new Resolved<>(stack, name, false);
            }
            Kind kind = dir.kind(name);
            if (kind == Kind.SYMLINK) {
                symlink(dir, name, isFinal);
                return null;
            }
            if (isFinal) {
                return new Resolved<>(stack, name, trailingSlash);
            }
            descend(dir, name, kind);
            return null;
        }

        /** A symlink is never opened: its target's components take its place, walked from the link's directory. */
        private void symlink(D dir, String name, boolean isFinal) throws ErrnoException {
            if (++expansions > MAX_SYMLINK_EXPANSIONS) {
                throw refusals.refuse(Errno.ELOOP, "more than " + MAX_SYMLINK_EXPANSIONS + " symlink expansions");
            }
            String target = dir.readSymlink(name);
            refusals.checkSymlinkTarget(target);
            if (isFinal && target.endsWith("/")) {
                trailingSlash = true;
            }
            pushComponents(target);
        }

        /** An inner component must be a directory; it is opened without following and pushed. */
        private void descend(D dir, String name, Kind kind) throws ErrnoException {
            if (kind == Kind.MISSING) {
                throw new ErrnoException(Errno.ENOENT, "no such directory on the path");
            }
            if (kind != Kind.DIRECTORY) {
                throw new ErrnoException(Errno.ENOTDIR, "a path component is not a directory");
            }
            stack.add(new Frame<>(dir.openDirectory(name), true));
        }

        private D top() {
            return stack.get(stack.size() - 1).handle();
        }

        /** Pushes the components of {@code path} so that the first one is popped first. Empty ones are dropped. */
        private void pushComponents(String path) {
            String[] parts = path.split("/");
            for (int i = parts.length - 1; i >= 0; i--) {
                if (!parts[i].isEmpty()) {
                    work.push(parts[i]);
                }
            }
        }

        private void releaseAll() {
            for (int i = stack.size() - 1; i >= 0; i--) {
                if (stack.get(i).owned()) {
                    stack.get(i).handle().release();
                }
            }
        }
    }
}
