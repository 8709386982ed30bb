package io.mcpwasm.wasi;

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
import java.util.OptionalLong;
import io.mcpwasm.wasi.internal.Auditor;

/**
 * What a server actually gets: the intersection of what its {@link Manifest} declares and what the
 * {@link HostPolicy} allows. Nothing absent from the manifest is ever granted.
 *
 * <p>The rules of {@link #resolve(Manifest, HostPolicy, AuditListener)}:
 * <ul>
 *   <li><b>mounts</b>: a declared mount is granted when the policy binds its guest path. A required mount that is
 *       not bound refuses the start; an optional one ({@code "required": false}) is dropped, and so is every
 *       optional mount under {@link HostPolicy.Builder#refuseOptional()}. A {@code rw} mount bound with
 *       {@link HostPolicy.Builder#mountReadOnly} becomes read-only. Read-write mounts get the effective
 *       file-system quota each; read-only mounts get 0.</li>
 *   <li><b>env</b>: a declared variable is granted when the policy sets it; a declared variable without a value
 *       is left out (a missing variable is something programs handle), with a DENIED event.</li>
 *   <li><b>secrets</b>: each declared secret is required: without a value in the policy the start is refused.
 *       The guest reads the value at the secret's guest path.</li>
 *   <li><b>network</b>: each declared pattern is required and is granted as its intersection with the policy's
 *       patterns ({@code https://*.example.com} under a policy allowing {@code https://api.example.com} grants
 *       the latter); no intersection refuses the start.</li>
 *   <li><b>limits</b>: each effective limit is the lower of the manifest's value and the policy's cap, the cap
 *       when the manifest does not say; limits never refuse a start.</li>
 *   <li><b>clock</b>: the guest's realtime clock is what the policy says ({@link HostPolicy#clockDescription()}):
 *       the real time by default, else withheld (starting at the policy's wall-clock start), offset or fixed;
 *       a manifest that requires {@code realtime} is refused unless the policy gives the real time. The
 *       monotonic clock and {@code random_get} are always provided (runtimes cannot boot without them).</li>
 *   <li><b>undeclared bindings</b>: a mount, variable or secret that the policy supplies but the manifest does not
 *       declare is not an error (one policy may serve many servers) and is never granted: a DENIED event
 *       records it.</li>
 * </ul>
 * Every decision is an {@link AuditEvent} (GRANTED or DENIED) to the listener, and a line on the slf4j logger
 * {@code io.mcpwasm.audit} (INFO for grants, WARN for refusals). Neither carries secret values nor host paths.
 *
 * <p>Errors: when required capabilities are refused, every decision is still made and audited, then a
 * {@link CapabilityDeniedException} names each refusal.
 *
 * <p>Threading: immutable and thread-safe. Secret values are copied on the way in; no public method and no
 * {@link #toString()} returns them (only {@link #secretNames()}).
 */
public final class Grants {

    private final String server;
    private final List<MountGrant> mounts;
    private final Map<String, String> env;
    private final Map<String, SecretGrant> secrets;
    private final List<HostPattern> network;
    private final List<java.net.InetAddress> specialAddresses;
    private final Limits limits;
    private final HostPolicy policy;
    private final boolean stateless;
    private final AuditListener listener;
    private final boolean report;

    private Grants(String server, List<MountGrant> mounts, Map<String, String> env, Map<String, SecretGrant> secrets,
                   List<HostPattern> network, List<java.net.InetAddress> specialAddresses, Limits limits,
                   HostPolicy policy, boolean stateless, AuditListener listener, boolean report) {
        this.server = server;
        this.mounts = List.copyOf(mounts);
        this.env = Collections.unmodifiableMap(new LinkedHashMap<>(env));
        this.secrets = Collections.unmodifiableMap(new LinkedHashMap<>(secrets));
        this.network = List.copyOf(network);
        this.specialAddresses = network.isEmpty() ? List.of() : List.copyOf(specialAddresses);
        this.limits = limits;
        this.policy = policy;
        this.stateless = stateless;
        this.listener = listener;
        this.report = report;
    }

    /**
     * These grants as a report: the same decisions, with every secret's value dropped. This is what a running server
     * hands out ({@code McpServer.grants()}), so that code holding a server can see what was granted but cannot
     * wire a {@link Sandbox} of its own guest that reads the secrets: {@link Sandbox#builder} refuses a report.
     */
    public Grants withoutSecretValues() {
        if (report) {
            return this;
        }
        Map<String, SecretGrant> blank = new LinkedHashMap<>();
        secrets.forEach((name, s) -> blank.put(name, new SecretGrant(s.name(), s.guestPath(), new byte[0])));
        return new Grants(server, mounts, env, blank, network, specialAddresses, limits, policy, stateless, listener,
                true);
    }

    /** Whether these grants came from {@link #withoutSecretValues()}. */
    boolean isReport() {
        return report;
    }

    /**
     * Decides what {@code manifest}'s server gets under {@code policy}, auditing every decision.
     *
     * @param listener receives every decision; exceptions it throws are logged and ignored
     * @throws CapabilityDeniedException if a required capability is refused (after all decisions were audited)
     */
    public static Grants resolve(Manifest manifest, HostPolicy policy, AuditListener listener) {
        Objects.requireNonNull(manifest, "manifest");
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(listener, "listener");
        return new Resolution(manifest, policy, listener).run();
    }

    /** The server's name (from the manifest). */
    public String server() {
        return server;
    }

    /** The granted mounts, in manifest order. */
    public List<MountGrant> mounts() {
        return mounts;
    }

    /** The granted environment variables, in manifest order. */
    public Map<String, String> env() {
        return env;
    }

    /**
     * The granted secrets' names, in manifest order. Their values cannot be read back through the API (nor through
     * {@link #toString()}): they only reach the guest, as files at the guest paths its manifest declares.
     */
    public List<String> secretNames() {
        return List.copyOf(secrets.keySet());
    }

    /**
     * The granted secrets as guest path to a fresh copy of the value, in manifest order, for {@link Sandbox}.
     * Package-private on purpose: any code holding a server can reach its grants, and must not learn secret values
     * from them.
     */
    Map<String, byte[]> secretFiles() {
        Map<String, byte[]> out = new LinkedHashMap<>();
        secrets.values().forEach(s -> out.put(s.guestPath(), s.value().clone()));
        return Collections.unmodifiableMap(out);
    }

    /** The granted network destinations. */
    public List<HostPattern> network() {
        return network;
    }

    /** The special addresses (loopback, private...) the policy lets granted destinations resolve to. */
    public List<java.net.InetAddress> specialAddresses() {
        return specialAddresses;
    }

    /** The effective limits. */
    public Limits limits() {
        return limits;
    }

    /** Whether the guest's realtime clock reads the real time. */
    public boolean realtimeClock() {
        return policy.realtimeClock();
    }

    /**
     * Where the guest's realtime clock starts when the policy withholds the real time: it then advances with real
     * elapsed time from there, hiding the host's date (see {@link WasiHost.Builder#wallClockStart(Instant)});
     * empty when the guest gets the real, an offset or a fixed clock.
     */
    public Optional<Instant> wallClockStart() {
        return withheld() ? Optional.of(policy.wallClockStart()) : Optional.empty();
    }

    private boolean withheld() {
        return !policy.realtimeClock() && policy.fixedClock().isEmpty() && policy.clockOffset().isEmpty();
    }

    /** What the guest's realtime clock reads, in words. */
    public String clockDescription() {
        return policy.clockDescription();
    }

    /** Whether the manifest says the server is stateless (so instances may be pooled). */
    public boolean stateless() {
        return stateless;
    }

    /** The listener the grant decisions went to, for the run-time refusals of {@link Sandbox}. */
    AuditListener listener() {
        return listener;
    }

    /** The policy the grants were resolved under: its clock and outbound-HTTP settings, for {@link Sandbox}. */
    HostPolicy policy() {
        return policy;
    }

    /** Whether the realtime clock is withheld (starts at the policy's wall-clock start), for {@link Sandbox}. */
    boolean clockWithheld() {
        return withheld();
    }

    @Override
    public String toString() {
        return "Grants[server=" + server + ", mounts=" + mounts + ", env=" + env.keySet() + ", secrets="
                + secrets.values() + ", network=" + network + ", limits=" + limits  + ", clock="
                + clockDescription() + ", stateless=" + stateless + "]";
    }

    /**
     * A granted directory.
     *
     * @param guestPath  where the guest sees it
     * @param hostDir    the host directory the policy bound
     * @param mode       the granted mode (read-only when either side says so)
     * @param quotaBytes bytes the guest may add: the effective file-system quota for read-write mounts, 0 for
     *                   read-only ones
     */
    public record MountGrant(String guestPath, Path hostDir, MountMode mode, long quotaBytes) {
        public MountGrant {
            Objects.requireNonNull(guestPath, "guestPath");
            Objects.requireNonNull(hostDir, "hostDir");
            Objects.requireNonNull(mode, "mode");
        }
    }

    /**
     * The effective limits.
     *
     * @param memoryBytes          linear memory cap, bytes
     * @param callTimeout          time one call may take
     * @param maxMessageBytes      size of one MCP message, bytes
     * @param filesystemQuotaBytes bytes the guest may add to each read-write mount
     * @param filesystemEntries    entries the guest may add to each read-write mount
     */
    public record Limits(long memoryBytes, Duration callTimeout, long maxMessageBytes, long filesystemQuotaBytes,
                         long filesystemEntries) {
        public Limits {
            Objects.requireNonNull(callTimeout, "callTimeout");
        }
    }

    /** A granted secret; its value is never shown by {@link #toString()}. */
    private record SecretGrant(String name, String guestPath, byte[] value) {
        @Override
        public String toString() {
            return name + "->" + guestPath + " (value hidden)";
        }
    }

    /** One run of the decision, collecting grants, audit events and refusals. */
    private static final class Resolution {
        private final Manifest manifest;
        private final HostPolicy policy;
        private final AuditListener listener;
        private final Auditor audit;
        private final String server;
        private final List<String> refusals = new ArrayList<>();
        private String firstCapability;
        private String firstTarget;

        Resolution(Manifest manifest, HostPolicy policy, AuditListener listener) {
            this.manifest = manifest;
            this.policy = policy;
            this.listener = listener;
            this.server = manifest.name();
            this.audit = new Auditor(server, listener);
        }

        Grants run() {
            Limits limits = limits();
            List<MountGrant> mounts = mounts(limits.filesystemQuotaBytes());
            Map<String, String> env = env();
            Map<String, SecretGrant> secrets = secrets();
            List<HostPattern> network = network();
            clock();
            granted("random", "random_get", "always provided: language runtimes need random bytes to start");
            if (!refusals.isEmpty()) {
                throw new CapabilityDeniedException(server, firstCapability, firstTarget, refusals);
            }
            return new Grants(server, mounts, env, secrets, network, policy.specialAddresses(), limits, policy,
                    manifest.stateless(), listener, false);
        }

        private List<MountGrant> mounts(long quota) {
            List<MountGrant> out = new ArrayList<>();
            for (Manifest.Mount m : manifest.mounts()) {
                HostPolicy.MountBinding b = policy.mounts().get(m.guestPath());
                if (b == null) {
                    if (m.required()) {
                        refuse("filesystem", m.guestPath(), "required mount " + m.guestPath()
                                + " is not bound by the host policy");
                    } else {
                        denied("filesystem", m.guestPath(), "optional mount is not bound by the host policy; dropped");
                    }
                    continue;
                }
                if (!m.required() && policy.refuseOptional()) {
                    denied("filesystem", m.guestPath(), "optional mount refused: the host policy refuses optional "
                            + "capabilities; dropped");
                    continue;
                }
                MountMode mode = m.mode();
                String reason = "granted " + modeWord(mode);
                if (mode == MountMode.READ_WRITE && b.forceReadOnly()) {
                    mode = MountMode.READ_ONLY;
                    reason = "granted read-only: the manifest asks rw but the host policy binds it read-only";
                }
                long q = mode == MountMode.READ_WRITE ? quota : 0;
                if (mode == MountMode.READ_WRITE) {
                    reason += ", quota " + q + " bytes";
                }
                granted("filesystem", m.guestPath(), reason);
                out.add(new MountGrant(m.guestPath(), b.hostDir(), mode, q));
            }
            for (String bound : policy.mounts().keySet()) {
                if (manifest.mounts().stream().noneMatch(m -> m.guestPath().equals(bound))) {
                    denied("filesystem", bound, "bound by the host policy but not declared in the manifest; "
                            + "not granted");
                }
            }
            return out;
        }

        private Map<String, String> env() {
            Map<String, String> out = new LinkedHashMap<>();
            for (String name : manifest.env()) {
                String value = policy.env().get(name);
                if (value == null) {
                    denied("env", name, "declared but the host policy sets no value; the variable is absent");
                } else {
                    granted("env", name, "set by the host policy");
                    out.put(name, value);
                }
            }
            for (String name : policy.env().keySet()) {
                if (!manifest.env().contains(name)) {
                    denied("env", name, "set by the host policy but not declared in the manifest; not granted");
                }
            }
            return out;
        }

        private Map<String, SecretGrant> secrets() {
            Map<String, SecretGrant> out = new LinkedHashMap<>();
            for (Manifest.Secret s : manifest.secrets()) {
                Optional<byte[]> value = policy.secretValue(s.name());
                if (value.isEmpty()) {
                    refuse("secret", s.name(), "required secret '" + s.name()
                            + "' is not supplied by the host policy");
                } else {
                    granted("secret", s.name(), "readable at " + s.guestPath());
                    out.put(s.name(), new SecretGrant(s.name(), s.guestPath(), value.get()));
                }
            }
            for (String name : policy.secretNames()) {
                if (manifest.secrets().stream().noneMatch(s -> s.name().equals(name))) {
                    denied("secret", name, "supplied by the host policy but not declared in the manifest; "
                            + "not granted");
                }
            }
            return out;
        }

        private List<HostPattern> network() {
            List<HostPattern> out = new ArrayList<>();
            for (HostPattern asked : manifest.networkHosts()) {
                List<HostPattern> got = new ArrayList<>();
                for (HostPattern allowed : policy.network()) {
                    asked.intersect(allowed).filter(p -> !got.contains(p)).ifPresent(got::add);
                }
                got.removeIf(p -> got.stream().anyMatch(q -> !q.equals(p) && p.isCoveredBy(q)));
                if (got.isEmpty()) {
                    refuse("network", asked.toString(), "network host " + asked
                            + " is not allowed by the host policy");
                    continue;
                }
                for (HostPattern p : got) {
                    granted("network", p.toString(), p.equals(asked) ? "allowed by the host policy"
                            : "narrowed by the host policy from " + asked);
                    if (!out.contains(p)) {
                        out.add(p);
                    }
                }
            }
            return out;
        }

        private Limits limits() {
            Manifest.Limits asked = manifest.limits();
            long memory = min("memory", asked.memoryBytes(), policy.maxMemoryBytes(), " bytes");
            Duration timeout = policy.maxCallTimeout();
            if (asked.callTimeout().isEmpty()) {
                granted("limit", "callTimeout", timeout.toMillis() + " ms: the host policy's cap (the manifest "
                        + "does not say)");
            } else if (asked.callTimeout().get().compareTo(timeout) <= 0) {
                timeout = asked.callTimeout().get();
                granted("limit", "callTimeout", timeout.toMillis() + " ms, as the manifest asks");
            } else {
                granted("limit", "callTimeout", timeout.toMillis() + " ms: capped by the host policy (the manifest "
                        + "asks " + asked.callTimeout().get().toMillis() + " ms)");
            }
            long message = min("maxMessageBytes", asked.maxMessageBytes(), policy.maxMessageBytes(), " bytes");
            long quota = min("filesystemQuota", asked.filesystemQuotaBytes(), policy.maxFilesystemQuotaBytes(),
                    " bytes per read-write mount");
            long entries = min("filesystemEntries", asked.filesystemEntries(), policy.maxFilesystemEntries(),
                    " entries per read-write mount");
            return new Limits(memory, timeout, message, quota, entries);
        }

        private long min(String target, OptionalLong asked, long cap, String unit) {
            if (asked.isEmpty()) {
                granted("limit", target, cap + unit + ": the host policy's cap (the manifest does not say)");
                return cap;
            }
            long a = asked.getAsLong();
            if (a <= cap) {
                granted("limit", target, a + unit + ", as the manifest asks");
                return a;
            }
            granted("limit", target, cap + unit + ": capped by the host policy (the manifest asks " + a + ")");
            return cap;
        }

        private void clock() {
            boolean asks = manifest.clock().realtime();
            if (policy.realtimeClock()) {
                granted("clock", "realtime", asks ? "the real time, as the manifest asks"
                        : "the real time (the default)");
            } else if (asks) {
                refuse("clock", "realtime", "required realtime clock is refused by the host policy (its clock: "
                        + policy.clockDescription() + ")");
            } else if (policy.fixedClock().isPresent() || policy.clockOffset().isPresent()) {
                granted("clock", "realtime", policy.clockDescription() + ", as the host policy says");
            } else {
                // The policy's choice, and nothing the server asked for: audited, logged at INFO.
                audit.deniedByDefault("clock", "realtime", policy.clockDescription());
            }
            granted("clock", "monotonic", "always provided: language runtimes need a monotonic clock to start");
        }

        private void refuse(String capability, String target, String sentence) {
            if (refusals.isEmpty()) {
                firstCapability = capability;
                firstTarget = target;
            }
            refusals.add(sentence);
            denied(capability, target, sentence);
        }

        private void granted(String capability, String target, String reason) {
            audit.granted(capability, target, reason);
        }

        private void denied(String capability, String target, String reason) {
            audit.denied(capability, target, reason);
        }

        private static String modeWord(MountMode mode) {
            return mode == MountMode.READ_ONLY ? "read-only" : "read-write";
        }
    }
}
