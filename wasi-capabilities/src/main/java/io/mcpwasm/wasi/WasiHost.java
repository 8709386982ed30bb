package io.mcpwasm.wasi;

import run.endive.runtime.HostFunction;
import run.endive.runtime.ImportFunction;
import run.endive.runtime.ImportValues;
import io.mcpwasm.wasi.internal.Auditor;
import io.mcpwasm.wasi.internal.Errno;
import io.mcpwasm.wasi.internal.GuestInput;
import io.mcpwasm.wasi.internal.WasiPreview1;
import io.mcpwasm.wasi.internal.fs.FsDirectory;
import io.mcpwasm.wasi.internal.fs.FsMounts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * mcpwasm's own {@code wasi_snapshot_preview1} host for one guest instance: deny by default, every
 * capability granted explicitly on the {@link Builder}, every refused access audited.
 *
 * <pre>{@code
 * WasiHost host = WasiHost.builder("server-name")
 *     .args(List.of("server-name", "--flag"))
 *     .env("KEY", "value")
 *     .mount("/data", hostDir, MountMode.READ_ONLY)
 *     .secret("/run/secrets/token", bytes)
 *     .stdin(input).stdout(out).stderr(err)
 *     .build();
 * Instance instance = Instance.builder(module).withImportValues(host.toImportValues()).build();
 * }</pre>
 *
 * <p>Descriptors: 0, 1 and 2 are the standard streams; preopened directories follow from 3: one per mount
 * in mount order, then one read-only in-memory directory per distinct parent path of the secrets
 * (secret {@code /run/secrets/token} appears as file {@code token} in preopen {@code /run/secrets}).
 *
 * <p>Behaviour the guest runtimes rely on:
 * <ul>
 *   <li>Standard input reads block on the input queue without polling; after
 *       {@code fd_fdstat_set_flags(NONBLOCK)} (which Go's runtime sets on 0, 1 and 2) an empty queue gives
 *       {@code EAGAIN}. {@code poll_oneoff} waits for stdin and clock subscriptions together (realtime or
 *       monotonic, relative or absolute), on the queue's condition with the earliest deadline; file, stdout and
 *       stderr subscriptions are ready at once. For valid input it only ever returns success.
 *   <li>An interrupt of the guest thread while it blocks there throws
 *       {@link run.endive.runtime.WasmInterruptedException} (the interrupt flag stays set).
 *   <li>Rights: a descriptor opened by {@code path_open} gets the rights asked for, within its directory's
 *       inheriting rights and what its kind can do (a directory has no {@code fd_seek}, a file no {@code path_*});
 *       {@code fd_fdstat_set_rights} can only drop rights. It opens for reading when its rights hold {@code fd_read}
 *       or {@code fd_readdir}, for writing when they hold {@code fd_write}; {@code fd_read}/{@code fd_write} without
 *       that right fail with {@code EBADF}. Every {@code path_*} call, {@code fd_readdir}, {@code fd_seek},
 *       {@code fd_tell}, {@code fd_allocate} and {@code fd_filestat_*} need their right and fail with
 *       {@code ENOTCAPABLE} without it. Rights are the guest's own discipline; what it may reach at all is decided
 *       by the mounts.
 *   <li>Bad pointers or lengths fail with {@code EFAULT} (more than 1024 iovecs: {@code EINVAL}); unknown or
 *       closed descriptors with {@code EBADF}; sockets with {@code ENOTSOCK}; {@code proc_raise} with
 *       {@code ENOTSUP}. No guest input makes a host function throw; {@code proc_exit} throws
 *       an {@link McpWasmException} whose message is {@code guest exited with code N} (the runtime's own
 *       control flow, not a type of the API), and an exception of a {@link GuestOutput} propagates unchanged.
 *   <li>Every refused access (a path that leaves its grant, a write to a read-only grant, quota, a socket) is an
 *       {@link AuditEvent} to the {@link AuditListener} and a WARN line on the {@code io.mcpwasm.audit} logger,
 *       naming the guest path, never contents or secret values.
 * </ul>
 *
 * <p>One host serves one guest instance, driven by one thread at a time; {@link #close()} may be called
 * from any thread.
 */
public final class WasiHost implements AutoCloseable {

    private final String serverName;
    private final WasiPreview1 wasi;
    private final List<String> preopens;
    private volatile ImportValues imports;

    private WasiHost(String serverName, WasiPreview1 wasi, List<String> preopens) {
        this.serverName = serverName;
        this.wasi = wasi;
        this.preopens = List.copyOf(preopens);
    }

    /** Starts a host for the server called {@code serverName} (used in audit events and log lines). */
    public static Builder builder(String serverName) {
        return new Builder(serverName);
    }

    /** The server name given to {@link #builder}. */
    public String serverName() {
        return serverName;
    }

    /** The guest paths of the preopened directories, in descriptor order from fd 3. */
    public List<String> preopenPaths() {
        return preopens;
    }

    /** Every {@code wasi_snapshot_preview1} function, ready for {@code Instance.builder(..).withImportValues}. */
    public ImportValues toImportValues() {
        ImportValues v = imports;
        if (v == null) {
            List<ImportFunction> functions = new ArrayList<>(wasi.hostFunctions());
            v = ImportValues.builder().withFunctions(functions).build();
            imports = v;
        }
        return v;
    }

    /** The host functions alone, to combine with other imports. */
    public List<HostFunction> hostFunctions() {
        return wasi.hostFunctions();
    }

    /** Closes every descriptor the guest holds. Idempotent; afterwards the guest sees {@code EBADF}. */
    @Override
    public void close() {
        wasi.close();
    }

    /** Collects the grants of one host; {@link #build()} opens every mount. Not thread-safe. */
    public static final class Builder {
        private final String serverName;
        private List<String> args;
        private final Map<String, String> env = new LinkedHashMap<>();
        private final List<MountSpec> mounts = new ArrayList<>();
        private final Map<String, byte[]> secrets = new LinkedHashMap<>();
        private GuestInput stdin;
        private GuestOutput stdout = GuestOutput.DISCARD;
        private GuestOutput stderr = GuestOutput.DISCARD;
        private Instant fixedClock;
        private Instant wallClockStart;
        private SecureRandom random;
        private AuditListener auditListener = AuditListener.NONE;

        private record MountSpec(String guestPath, Path hostPath, MountMode mode, long quotaBytes, long maxEntries) {}

        private Builder(String serverName) {
            if (serverName == null || serverName.isBlank()) {
                throw new IllegalArgumentException("serverName must not be blank");
            }
            this.serverName = serverName;
        }

        /** The guest's argv, program name first. Default: just the server name. */
        public Builder args(List<String> args) {
            Objects.requireNonNull(args, "args");
            List<String> copy = new ArrayList<>();
            for (int i = 0; i < args.size(); i++) {
                String a = args.get(i);
                if (a == null || a.indexOf('\0') >= 0) {
                    throw new IllegalArgumentException("args[" + i + "] must be non-null and contain no NUL");
                }
                copy.add(a);
            }
            this.args = List.copyOf(copy);
            return this;
        }

        /** Grants one environment variable. Nothing else of the host's environment reaches the guest. */
        public Builder env(String name, String value) {
            if (name == null || name.isEmpty() || name.indexOf('=') >= 0 || name.indexOf('\0') >= 0) {
                throw new IllegalArgumentException("env name must be non-empty without '=' or NUL: " + name);
            }
            if (value == null || value.indexOf('\0') >= 0) {
                throw new IllegalArgumentException("env value of " + name + " must be non-null without NUL");
            }
            if (env.containsKey(name)) {
                throw new IllegalArgumentException("env " + name + " granted twice");
            }
            env.put(name, value);
            return this;
        }

        /** Mounts a host directory; READ_WRITE mounts get no byte quota. */
        public Builder mount(String guestPath, Path hostPath, MountMode mode) {
            return mount(guestPath, hostPath, mode, Long.MAX_VALUE);
        }

        /**
         * Mounts a host directory (any {@link java.nio.file.Path}: default file system or an in-memory one)
         * at an absolute guest path. {@code quotaBytes}: how many bytes the guest may add to a READ_WRITE mount: file
         * contents, and 4160 bytes plus the name (and a symlink's text) for every entry it creates.
         */
        public Builder mount(String guestPath, Path hostPath, MountMode mode, long quotaBytes) {
            return mount(guestPath, hostPath, mode, quotaBytes, Long.MAX_VALUE);
        }

        /**
         * As {@link #mount(String, Path, MountMode, long)}, also capping how many entries (files, directories,
         * symlinks, hard links) the guest may add to a READ_WRITE mount, net of removals. Each entry is charged to
         * {@code quotaBytes} as well: 4160 bytes plus the length of its name (and of a symlink's text). Past either
         * limit, creating fails with {@code EDQUOT}.
         */
        public Builder mount(String guestPath, Path hostPath, MountMode mode, long quotaBytes, long maxEntries) {
            String g = checkGuestPath("mount guestPath", guestPath);
            Objects.requireNonNull(hostPath, "hostPath");
            Objects.requireNonNull(mode, "mode");
            if (quotaBytes < 0) {
                throw new IllegalArgumentException("quotaBytes of mount " + g + " must be >= 0: " + quotaBytes);
            }
            if (maxEntries < 0) {
                throw new IllegalArgumentException("maxEntries of mount " + g + " must be >= 0: " + maxEntries);
            }
            for (MountSpec m : mounts) {
                if (m.guestPath().equals(g)) {
                    throw new IllegalArgumentException("two mounts at guest path " + g);
                }
            }
            mounts.add(new MountSpec(g, hostPath, mode, quotaBytes, maxEntries));
            return this;
        }

        /** A read-only in-memory file at an absolute guest path (not "/"); the bytes are copied. */
        public Builder secret(String guestPath, byte[] value) {
            String g = checkGuestPath("secret guestPath", guestPath);
            Objects.requireNonNull(value, "value of secret " + g);
            if (g.equals("/")) {
                throw new IllegalArgumentException("secret guestPath must name a file, not /");
            }
            if (secrets.containsKey(g)) {
                throw new IllegalArgumentException("secret " + g + " given twice");
            }
            secrets.put(g, value.clone());
            return this;
        }

        /**
         * Standard input. Default: closed (the guest reads end-of-file at once). The queue type is internal (the
         * runtime's wiring; its package is exported to {@code io.mcpwasm.runtime} only).
         */
        @SuppressWarnings("exports")
        public Builder stdin(GuestInput stdin) {
            this.stdin = Objects.requireNonNull(stdin, "stdin");
            return this;
        }

        /** Standard output. Default: discarded. */
        public Builder stdout(GuestOutput stdout) {
            this.stdout = Objects.requireNonNull(stdout, "stdout");
            return this;
        }

        /** Standard error. Default: discarded. */
        public Builder stderr(GuestOutput stderr) {
            this.stderr = Objects.requireNonNull(stderr, "stderr");
            return this;
        }

        /**
         * Hides the date: the realtime clock starts at {@code start} and advances with real elapsed time, so the
         * guest measures durations correctly but never learns the host's wall-clock time. Monotonic and CPU clocks
         * stay real. What a server gets when the real time is not granted. Ignored when {@link #fixedClock} is set.
         */
        public Builder wallClockStart(Instant start) {
            this.wallClockStart = Objects.requireNonNull(start, "wallClockStart");
            return this;
        }

        /**
         * Makes the clocks deterministic, for reproducible runs: realtime starts at {@code start}, the monotonic
         * clock at one second and CPU clocks at 0, and they advance only when a {@code poll_oneoff} clock
         * subscription fires (to its deadline). A guest that measures its own work sees no time pass.
         */
        public Builder fixedClock(Instant start) {
            this.fixedClock = Objects.requireNonNull(start, "fixedClock");
            return this;
        }

        /** The source of {@code random_get}. Default: a new {@link SecureRandom}. */
        public Builder random(SecureRandom random) {
            this.random = Objects.requireNonNull(random, "random");
            return this;
        }

        /** Receives every refused access. Default: {@link AuditListener#NONE} (events are logged anyway). */
        public Builder auditListener(AuditListener listener) {
            this.auditListener = Objects.requireNonNull(listener, "auditListener");
            return this;
        }

        /**
         * Opens every mount and builds the host.
         *
         * @throws SandboxSetupException naming the guest path when a mount's host path is missing or not a directory,
         *     or when two preopens would share a guest path
         */
        public WasiHost build() {
            Auditor auditor = new Auditor(serverName, auditListener);
            Map<String, Map<String, byte[]>> secretDirs = new LinkedHashMap<>();
            for (Map.Entry<String, byte[]> s : secrets.entrySet()) {
                String path = s.getKey();
                int slash = path.lastIndexOf('/');
                String parent = slash == 0 ? "/" : path.substring(0, slash);
                secretDirs.computeIfAbsent(parent, k -> new LinkedHashMap<>()).put(path.substring(slash + 1), s.getValue());
            }
            for (MountSpec m : mounts) {
                if (secretDirs.containsKey(m.guestPath())) {
                    throw new SandboxSetupException(serverName, "secret directory " + m.guestPath()
                        + " collides with a mount at the same guest path", null);
                }
            }
            List<WasiPreview1.Preopen> preopens = new ArrayList<>();
            List<String> names = new ArrayList<>();
            try {
                for (MountSpec m : mounts) {
                    if (!Files.isDirectory(m.hostPath())) {
                        throw new SandboxSetupException(serverName, "mount " + m.guestPath() + ": host path "
                            + m.hostPath() + " does not exist or is not a directory", null);
                    }
                    String mountPath = m.guestPath();
                    FsDirectory dir;
                    try {
                        dir = FsMounts.hostDirectory(m.hostPath(), m.mode() == MountMode.READ_ONLY, m.quotaBytes(),
                            m.maxEntries(),
                            (operation, guestPath, errno, reason) -> auditor.denied("filesystem",
                                join(mountPath, guestPath), operation + ": " + reason + " (" + Errno.name(errno) + ")"));
                    } catch (RuntimeException e) {
                        throw new SandboxSetupException(serverName, "mount " + mountPath + ": cannot open host directory " + m.hostPath()
                            + ": " + e.getMessage(), e);
                    }
                    preopens.add(new WasiPreview1.Preopen(mountPath, dir));
                    names.add(mountPath);
                }
                for (Map.Entry<String, Map<String, byte[]>> d : secretDirs.entrySet()) {
                    FsDirectory dir;
                    String secretDir = d.getKey();
                    try {
                        dir = FsMounts.readOnlyFiles(d.getValue(), (operation, guestPath, errno, reason) ->
                            auditor.denied("filesystem", join(secretDir, guestPath),
                                operation + ": " + reason + " (" + Errno.name(errno) + ")"));
                    } catch (RuntimeException e) {
                        throw new SandboxSetupException(serverName, "secrets in " + d.getKey() + ": " + e.getMessage(), e);
                    }
                    preopens.add(new WasiPreview1.Preopen(d.getKey(), dir));
                    names.add(d.getKey());
                }
            } catch (RuntimeException e) {
                for (WasiPreview1.Preopen p : preopens) {
                    p.directory().close();
                }
                throw e;
            }
            List<String> argv = args != null ? args : List.of(serverName);
            List<String> environ = new ArrayList<>();
            env.forEach((k, v) -> environ.add(k + "=" + v));
            WasiPreview1 wasi = new WasiPreview1(argv, environ, fixedClock, wallClockStart,
                random != null ? random : new SecureRandom(),
                stdin != null ? stdin : GuestInput.closedInput(), stdout, stderr, preopens, auditor);
            return new WasiHost(serverName, wasi, names);
        }

        private static String join(String mount, String relative) {
            if (relative == null || relative.isEmpty() || relative.equals(".")) {
                return mount;
            }
            if (relative.startsWith("/")) {
                return relative;
            }
            return mount.equals("/") ? "/" + relative : mount + "/" + relative;
        }

        /** Absolute, normalized: "/" or "/a/b" with no empty, "." or ".." components, no NUL, no trailing "/". */
        private static String checkGuestPath(String what, String path) {
            if (path == null || !path.startsWith("/") || path.indexOf('\0') >= 0) {
                throw new IllegalArgumentException(what + " must be an absolute path: " + path);
            }
            if (path.equals("/")) {
                return path;
            }
            if (path.endsWith("/")) {
                throw new IllegalArgumentException(what + " must not end with '/': " + path);
            }
            for (String part : path.substring(1).split("/", -1)) {
                if (part.isEmpty() || part.equals(".") || part.equals("..")) {
                    throw new IllegalArgumentException(what + " must be normalized (no empty, '.' or '..' parts): " + path);
                }
            }
            return path;
        }
    }
}
