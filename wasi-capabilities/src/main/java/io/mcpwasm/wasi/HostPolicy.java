package io.mcpwasm.wasi;

import io.mcpwasm.wasi.internal.manifest.ManifestFields;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import javax.net.ssl.SSLContext;

/**
 * What the host allows a server: the directories it binds to the manifest's guest paths, the values of
 * environment variables and secrets, caps on limits, network destinations, and the clock. A policy is an
 * offer; {@link Grants#resolve(Manifest, HostPolicy, AuditListener)} grants only what the server's
 * {@link Manifest} also declares.
 *
 * <p>Defaults (deny by default; {@code HostPolicy.builder().build()} is {@link #denyAll()}):
 * <ul>
 *   <li>mounts: none bound;</li>
 *   <li>environment variables: none;</li>
 *   <li>secrets: none;</li>
 *   <li>network: no destination allowed; for the destinations a policy allows, {@link HttpLimits#defaults()},
 *       the JVM's resolver ({@link HostResolver#SYSTEM}) and the JVM's default TLS context (its trust store);</li>
 *   <li>memory cap: {@value #DEFAULT_MAX_MEMORY_BYTES} bytes (256 MiB);</li>
 *   <li>call timeout cap: {@link #DEFAULT_MAX_CALL_TIMEOUT} (30 s);</li>
 *   <li>message size cap: {@value #DEFAULT_MAX_MESSAGE_BYTES} bytes (4 MiB);</li>
 *   <li>file-system quota cap: {@value #DEFAULT_MAX_FILESYSTEM_QUOTA_BYTES} bytes (64 MiB) per read-write
 *       mount;</li>
 *   <li>file-system entry cap: {@value #DEFAULT_MAX_FILESYSTEM_ENTRIES} entries per read-write mount;</li>
 *   <li>optional mounts: granted when bound ({@link Builder#refuseOptional()} refuses them);</li>
 *   <li>realtime clock: the host's real wall clock, whether or not the manifest asks (unchanged servers, which
 *       have no manifest, would otherwise date everything 1970 and reject every certificate); a policy can
 *       withhold it ({@link Builder#withholdRealtimeClock()}, {@link Builder#wallClockStart(Instant)}) or give an
 *       offset ({@link Builder#realtimeClockOffset(Duration)}) or fixed ({@link Builder#fixedClock(Instant)})
 *       clock for reproducible runs. The audit says which the server got.</li>
 * </ul>
 * A cap is the most the server gets: the effective limit is the manifest's value when it asks for less, and the
 * cap otherwise (including when the manifest does not say).
 *
 * <p>Example:
 * <pre>{@code
 * HostPolicy policy = HostPolicy.builder()
 *     .mount("/data", Path.of("/srv/notes"))
 *     .secret("api-token", tokenBytes)
 *     .allowNetwork("https://api.example.com")
 *     .maxMemory(128L << 20)
 *     .build();
 * }</pre>
 *
 * <p>Errors: builder methods throw {@link IllegalArgumentException} or {@link NullPointerException} naming the
 * bad argument at once. Secret values never appear in {@link #toString()} or in logs.
 *
 * <p>Threading: a built policy is immutable and may be shared; a builder is not thread-safe.
 */
public final class HostPolicy {

    /** Memory cap when the policy sets none: 256 MiB. */
    public static final long DEFAULT_MAX_MEMORY_BYTES = 256L * 1024 * 1024;
    /** Call timeout cap when the policy sets none: 30 seconds. */
    public static final Duration DEFAULT_MAX_CALL_TIMEOUT = Duration.ofSeconds(30);
    /** Message size cap when the policy sets none: 4 MiB. */
    public static final long DEFAULT_MAX_MESSAGE_BYTES = 4L * 1024 * 1024;
    /** Per-mount file-system quota cap when the policy sets none: 64 MiB. */
    public static final long DEFAULT_MAX_FILESYSTEM_QUOTA_BYTES = 64L * 1024 * 1024;
    /** Per-mount cap on the entries a server may add when the policy sets none: 100,000. */
    public static final long DEFAULT_MAX_FILESYSTEM_ENTRIES = 100_000;
    /** Where the guest's realtime clock starts when the policy withholds the real time: the Unix epoch. */
    public static final Instant DEFAULT_WALL_CLOCK_START = Instant.EPOCH;

    private static final HostPolicy DENY_ALL = new Builder().build();

    private final Map<String, MountBinding> mounts;
    private final Map<String, String> env;
    private final Map<String, byte[]> secrets;
    private final List<HostPattern> network;
    private final List<java.net.InetAddress> specialAddresses;
    private final long maxMemoryBytes;
    private final Duration maxCallTimeout;
    private final long maxMessageBytes;
    private final long maxFilesystemQuotaBytes;
    private final long maxFilesystemEntries;
    private final boolean refuseOptional;
    private final boolean realtimeClock;
    private final Instant wallClockStart;
    private final Instant fixedClock;
    private final Duration clockOffset;
    private final HttpLimits httpLimits;
    private final HostResolver hostResolver;
    private final SSLContext sslContext;

    private HostPolicy(Builder b) {
        this.mounts = Collections.unmodifiableMap(new LinkedHashMap<>(b.mounts));
        this.env = Collections.unmodifiableMap(new LinkedHashMap<>(b.env));
        Map<String, byte[]> s = new LinkedHashMap<>();
        b.secrets.forEach((k, v) -> s.put(k, v.clone()));
        this.secrets = Collections.unmodifiableMap(s);
        this.network = List.copyOf(b.network);
        this.specialAddresses = List.copyOf(b.specialAddresses);
        this.maxMemoryBytes = b.maxMemoryBytes;
        this.maxCallTimeout = b.maxCallTimeout;
        this.maxMessageBytes = b.maxMessageBytes;
        this.maxFilesystemQuotaBytes = b.maxFilesystemQuotaBytes;
        this.maxFilesystemEntries = b.maxFilesystemEntries;
        this.refuseOptional = b.refuseOptional;
        this.realtimeClock = b.realtimeClock;
        this.wallClockStart = b.wallClockStart;
        this.fixedClock = b.fixedClock;
        this.clockOffset = b.clockOffset;
        this.httpLimits = b.httpLimits;
        this.hostResolver = b.hostResolver;
        this.sslContext = b.sslContext;
    }

    /** A new builder with every default listed in the class documentation. */
    public static Builder builder() {
        return new Builder();
    }

    /** The policy that binds, sets and allows nothing, with default caps. */
    public static HostPolicy denyAll() {
        return DENY_ALL;
    }

    /** A builder holding this policy's settings, to derive a variant. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.mounts.putAll(mounts);
        b.env.putAll(env);
        secrets.forEach((k, v) -> b.secrets.put(k, v.clone()));
        b.network.addAll(network);
        b.specialAddresses.addAll(specialAddresses);
        b.maxMemoryBytes = maxMemoryBytes;
        b.maxCallTimeout = maxCallTimeout;
        b.maxMessageBytes = maxMessageBytes;
        b.maxFilesystemQuotaBytes = maxFilesystemQuotaBytes;
        b.maxFilesystemEntries = maxFilesystemEntries;
        b.refuseOptional = refuseOptional;
        b.realtimeClock = realtimeClock;
        b.wallClockStart = wallClockStart;
        b.fixedClock = fixedClock;
        b.clockOffset = clockOffset;
        b.httpLimits = httpLimits;
        b.hostResolver = hostResolver;
        b.sslContext = sslContext;
        return b;
    }

    /** The bound directories by guest path, in the order they were bound. */
    public Map<String, MountBinding> mounts() {
        return mounts;
    }

    /** The environment variables the host sets, by name. */
    public Map<String, String> env() {
        return env;
    }

    /** The names of the secrets the host supplies (never their values). */
    public Set<String> secretNames() {
        return secrets.keySet();
    }

    /** A copy of a secret's value; package-private so that only the grant decision reads it. */
    Optional<byte[]> secretValue(String name) {
        byte[] v = secrets.get(name);
        return v == null ? Optional.empty() : Optional.of(v.clone());
    }

    /** The network destinations the host allows. */
    public List<HostPattern> network() {
        return network;
    }

    /**
     * Loopback, private, link-local and other special addresses that allowed destinations may resolve to
     * (each exact address; by default none: a name that resolves to one is refused).
     */
    public List<java.net.InetAddress> specialAddresses() {
        return specialAddresses;
    }

    /** Size, time and concurrency limits on each server's outbound HTTP ({@link HttpLimits#defaults()}). */
    public HttpLimits httpLimits() {
        return httpLimits;
    }

    /** Resolves the names of allowed destinations ({@link HostResolver#SYSTEM} by default). */
    public HostResolver hostResolver() {
        return hostResolver;
    }

    /** The TLS context for https destinations; empty for the JVM's default ({@link SSLContext#getDefault()}). */
    public Optional<SSLContext> sslContext() {
        return Optional.ofNullable(sslContext);
    }

    /** The memory cap, bytes. */
    public long maxMemoryBytes() {
        return maxMemoryBytes;
    }

    /** The call timeout cap. */
    public Duration maxCallTimeout() {
        return maxCallTimeout;
    }

    /** The message size cap, bytes. */
    public long maxMessageBytes() {
        return maxMessageBytes;
    }

    /** The file-system quota cap per read-write mount, bytes. */
    public long maxFilesystemQuotaBytes() {
        return maxFilesystemQuotaBytes;
    }

    /** The cap on entries a server may add to each read-write mount. */
    public long maxFilesystemEntries() {
        return maxFilesystemEntries;
    }

    /** Whether optional capabilities (mounts marked {@code "required": false}) are refused even when bound. */
    public boolean refuseOptional() {
        return refuseOptional;
    }

    /** Whether servers get the host's real wall-clock time (the default). */
    public boolean realtimeClock() {
        return realtimeClock;
    }

    /**
     * Where the guest's realtime clock starts when the policy withholds the real time (it then advances with real
     * elapsed time); meaningful only when neither {@link #realtimeClock()} nor a fixed or offset clock is set.
     */
    public Instant wallClockStart() {
        return wallClockStart;
    }

    /** The start of deterministic clocks for reproducible runs ({@link Builder#fixedClock}), if set. */
    public Optional<Instant> fixedClock() {
        return Optional.ofNullable(fixedClock);
    }

    /** How far the guest's realtime clock is shifted from the host's ({@link Builder#realtimeClockOffset}), if set. */
    public Optional<Duration> clockOffset() {
        return Optional.ofNullable(clockOffset);
    }

    /** What the guest's realtime clock reads under this policy, in words (for audit events and logs). */
    public String clockDescription() {
        if (realtimeClock) {
            return "the real time";
        }
        if (fixedClock != null) {
            return "a fixed clock for reproducible runs: starts at " + fixedClock
                    + " and moves only when the guest's own timers fire";
        }
        if (clockOffset != null) {
            return "the real time shifted by " + clockOffset;
        }
        return "withheld: the guest's realtime clock starts at " + wallClockStart
                + " and advances with real elapsed time";
    }

    @Override
    public String toString() {
        return "HostPolicy[mounts=" + mounts.values() + ", env=" + env.keySet() + ", secrets=" + secrets.keySet()
                + " (values hidden), network=" + network + ", maxMemoryBytes=" + maxMemoryBytes
                + ", maxCallTimeout=" + maxCallTimeout + ", maxMessageBytes=" + maxMessageBytes
                + ", maxFilesystemQuotaBytes=" + maxFilesystemQuotaBytes + ", maxFilesystemEntries="
                + maxFilesystemEntries + ", refuseOptional=" + refuseOptional + ", httpLimits=" + httpLimits
                + ", clock=" + clockDescription() + "]";
    }

    /**
     * A host directory bound to a manifest mount's guest path.
     *
     * @param guestPath     the manifest mount it serves
     * @param hostDir       the directory, on any {@link java.nio.file.FileSystem} (the default one, Jimfs...);
     *                      it is opened when the WASI host is built
     * @param forceReadOnly whether the guest only gets read access even when the manifest asks for rw
     */
    public record MountBinding(String guestPath, Path hostDir, boolean forceReadOnly) {
        public MountBinding {
            Objects.requireNonNull(guestPath, "guestPath");
            Objects.requireNonNull(hostDir, "hostDir");
        }
    }

    /** Builds a {@link HostPolicy}; every method fails fast naming the bad argument. Not thread-safe. */
    public static final class Builder {
        private final Map<String, MountBinding> mounts = new LinkedHashMap<>();
        private final Map<String, String> env = new LinkedHashMap<>();
        private final Map<String, byte[]> secrets = new LinkedHashMap<>();
        private final List<HostPattern> network = new ArrayList<>();
        private final List<java.net.InetAddress> specialAddresses = new ArrayList<>();
        private long maxMemoryBytes = DEFAULT_MAX_MEMORY_BYTES;
        private Duration maxCallTimeout = DEFAULT_MAX_CALL_TIMEOUT;
        private long maxMessageBytes = DEFAULT_MAX_MESSAGE_BYTES;
        private long maxFilesystemQuotaBytes = DEFAULT_MAX_FILESYSTEM_QUOTA_BYTES;
        private long maxFilesystemEntries = DEFAULT_MAX_FILESYSTEM_ENTRIES;
        private boolean refuseOptional;
        private boolean realtimeClock = true;
        private Instant wallClockStart = DEFAULT_WALL_CLOCK_START;
        private Instant fixedClock;
        private Duration clockOffset;
        private HttpLimits httpLimits = HttpLimits.defaults();
        private HostResolver hostResolver = HostResolver.SYSTEM;
        private SSLContext sslContext;

        private Builder() {
        }

        /**
         * Binds {@code hostDir} to the manifest mount at {@code guestPath}, in the mode the manifest asks for.
         *
         * @throws IllegalArgumentException if the guest path is not absolute and normalized, or already bound
         */
        public Builder mount(String guestPath, Path hostDir) {
            return bind(guestPath, hostDir, false);
        }

        /**
         * Binds {@code hostDir} to the manifest mount at {@code guestPath}, read-only even if the manifest asks
         * for {@code rw}.
         *
         * @throws IllegalArgumentException if the guest path is not absolute and normalized, or already bound
         */
        public Builder mountReadOnly(String guestPath, Path hostDir) {
            return bind(guestPath, hostDir, true);
        }

        private Builder bind(String guestPath, Path hostDir, boolean readOnly) {
            Objects.requireNonNull(guestPath, "guestPath");
            Objects.requireNonNull(hostDir, "hostDir");
            String problem = ManifestFields.guestPathProblem(guestPath, true);
            if (problem != null) {
                throw new IllegalArgumentException("guestPath: " + problem);
            }
            if (mounts.containsKey(guestPath)) {
                throw new IllegalArgumentException("guestPath: '" + guestPath + "' is already bound");
            }
            mounts.put(guestPath, new MountBinding(guestPath, hostDir, readOnly));
            return this;
        }

        /**
         * Sets an environment variable for servers that declare it.
         *
         * @throws IllegalArgumentException if the name is not {@code [A-Za-z_][A-Za-z0-9_]*}, the value holds a NUL
         *                                  character, or the name is already set
         */
        public Builder env(String name, String value) {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(value, "value");
            if (name.length() > ManifestFields.NAME_MAX || !ManifestFields.ENV_NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("name: '" + name + "' is not a variable name");
            }
            if (value.indexOf('\0') >= 0) {
                throw new IllegalArgumentException("value of " + name + ": must not contain NUL");
            }
            if (env.containsKey(name)) {
                throw new IllegalArgumentException("name: '" + name + "' is already set");
            }
            env.put(name, value);
            return this;
        }

        /**
         * Supplies the value of a secret for servers that declare it. The bytes are copied; they never appear in
         * {@code toString()}, audit events or logs.
         *
         * @throws IllegalArgumentException if the name is not {@code [A-Za-z0-9][A-Za-z0-9._-]*} or already set
         */
        public Builder secret(String name, byte[] value) {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(value, "value");
            if (name.length() > ManifestFields.NAME_MAX || !ManifestFields.SECRET_NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("name: '" + name + "' is not a secret name");
            }
            if (secrets.containsKey(name)) {
                throw new IllegalArgumentException("name: secret '" + name + "' is already set");
            }
            secrets.put(name, value.clone());
            return this;
        }

        /**
         * Allows the destinations of a host pattern, e.g. {@code "https://*.example.com"} (see {@link HostPattern}).
         *
         * @throws IllegalArgumentException if the pattern is malformed
         */
        public Builder allowNetwork(String pattern) {
            return allowNetwork(HostPattern.parse(Objects.requireNonNull(pattern, "pattern")));
        }

        /** Allows the destinations of a host pattern. */
        public Builder allowNetwork(HostPattern pattern) {
            Objects.requireNonNull(pattern, "pattern");
            if (!network.contains(pattern)) {
                network.add(pattern);
            }
            return this;
        }

        /**
         * Lets allowed destinations resolve to this exact special address (loopback, private, link-local,
         * multicast, cloud metadata), which is otherwise refused even for an allowed name: for a local test
         * server or a service on the host's own network. Grants only the address, never a range.
         */
        public Builder allowSpecialAddress(java.net.InetAddress address) {
            Objects.requireNonNull(address, "address");
            if (!specialAddresses.contains(address)) {
                specialAddresses.add(address);
            }
            return this;
        }

        /** Size, time and concurrency limits on outbound HTTP; default {@link HttpLimits#defaults()}. */
        public Builder httpLimits(HttpLimits limits) {
            this.httpLimits = Objects.requireNonNull(limits, "httpLimits");
            return this;
        }

        /**
         * Resolves the names of allowed destinations; default {@link HostResolver#SYSTEM}. Every answer is still
         * checked against the special-address rules before a connection is made.
         */
        public Builder hostResolver(HostResolver resolver) {
            this.hostResolver = Objects.requireNonNull(resolver, "hostResolver");
            return this;
        }

        /** The TLS context (trust store, protocols) for https destinations; default the JVM's. */
        public Builder sslContext(SSLContext context) {
            this.sslContext = Objects.requireNonNull(context, "sslContext");
            return this;
        }

        /**
         * Caps linear memory.
         *
         * @throws IllegalArgumentException unless 64 KiB &lt;= bytes &lt;= 4 GiB
         */
        public Builder maxMemory(long bytes) {
            if (bytes < ManifestFields.MEMORY_MIN || bytes > ManifestFields.MEMORY_MAX) {
                throw new IllegalArgumentException("bytes: memory cap " + bytes + " must be 65536 to 4294967296");
            }
            maxMemoryBytes = bytes;
            return this;
        }

        /**
         * Caps the time one call may take.
         *
         * @throws IllegalArgumentException unless positive
         */
        public Builder maxCallTimeout(Duration timeout) {
            Objects.requireNonNull(timeout, "timeout");
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("timeout: must be positive, not " + timeout);
            }
            maxCallTimeout = timeout;
            return this;
        }

        /**
         * Caps the size of one MCP message.
         *
         * @throws IllegalArgumentException unless 1 &lt;= bytes &lt;= Integer.MAX_VALUE
         */
        public Builder maxMessageBytes(long bytes) {
            if (bytes < 1 || bytes > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("bytes: message cap " + bytes + " must be 1 to " + Integer.MAX_VALUE);
            }
            maxMessageBytes = bytes;
            return this;
        }

        /**
         * Caps the bytes a server may add to each read-write mount.
         *
         * @throws IllegalArgumentException if negative
         */
        public Builder maxFilesystemQuota(long bytes) {
            if (bytes < 0) {
                throw new IllegalArgumentException("bytes: quota cap must not be negative, not " + bytes);
            }
            maxFilesystemQuotaBytes = bytes;
            return this;
        }

        /**
         * Caps the entries (files, directories, symlinks, hard links) a server may add to each read-write mount.
         *
         * @throws IllegalArgumentException if negative
         */
        public Builder maxFilesystemEntries(long entries) {
            if (entries < 0) {
                throw new IllegalArgumentException("entries: entry cap must not be negative, not " + entries);
            }
            maxFilesystemEntries = entries;
            return this;
        }

        /** Refuses every optional capability (mounts marked {@code "required": false}), even when bound. */
        public Builder refuseOptional() {
            refuseOptional = true;
            return this;
        }

        /** Gives every server the host's real wall-clock time: the default; undoes the other clock settings. */
        public Builder allowRealtimeClock() {
            setClock(true, DEFAULT_WALL_CLOCK_START, null, null);
            return this;
        }

        /**
         * Withholds the real time: the guest's realtime clock starts at {@link #DEFAULT_WALL_CLOCK_START} (1970)
         * and advances with real elapsed time, so it measures durations but never learns the host's date. Servers
         * whose manifest requires the real time ({@code clock.realtime}) cannot start.
         */
        public Builder withholdRealtimeClock() {
            return wallClockStart(DEFAULT_WALL_CLOCK_START);
        }

        /**
         * Withholds the real time like {@link #withholdRealtimeClock()}, with the guest's realtime clock starting
         * at {@code start} instead of 1970.
         */
        public Builder wallClockStart(Instant start) {
            setClock(false, Objects.requireNonNull(start, "start"), null, null);
            return this;
        }

        /**
         * Deterministic clocks for reproducible runs: realtime starts at {@code start}, the monotonic clock at one
         * second, and both move only when one of the guest's {@code poll_oneoff} timers fires (to its deadline;
         * the wait itself still takes real time). Servers whose manifest requires the real time cannot start.
         */
        public Builder fixedClock(Instant start) {
            setClock(false, DEFAULT_WALL_CLOCK_START, Objects.requireNonNull(start, "start"), null);
            return this;
        }

        /**
         * The real time shifted by {@code offset} (negative for the past), fixed when each instance starts: e.g.
         * to run a server as if on another date. Servers whose manifest requires the real time cannot start.
         */
        public Builder realtimeClockOffset(Duration offset) {
            setClock(false, DEFAULT_WALL_CLOCK_START, null, Objects.requireNonNull(offset, "offset"));
            return this;
        }

        private void setClock(boolean real, Instant start, Instant fixed, Duration offset) {
            realtimeClock = real;
            wallClockStart = start;
            fixedClock = fixed;
            clockOffset = offset;
        }

        /** The policy. The builder may be reused. */
        public HostPolicy build() {
            return new HostPolicy(this);
        }
    }
}
