package io.mcpwasm.wasi;

import io.mcpwasm.wasi.internal.manifest.WasmSections;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What an MCP server compiled to wasm declares it needs: directories, network hosts, environment variables,
 * secrets, limits and clocks. A manifest is a request; a {@link HostPolicy} says what the host allows, and
 * {@link Grants#resolve(Manifest, HostPolicy, AuditListener)} decides what the server gets. Nothing absent
 * from the manifest is ever granted.
 *
 * <p>The manifest is a JSON document ({@code "manifestVersion": 1}; the format is described in
 * {@code docs/manifest.md} and by the JSON Schema at {@link #SCHEMA_RESOURCE}). It travels inside the module as
 * a custom section named {@value #SECTION_NAME} (UTF-8 JSON, see {@link #embed(byte[], byte[])}) and/or as a
 * sidecar file {@code <module>.manifest.json} next to {@code <module>.wasm}.
 *
 * <p>Example:
 * <pre>{@code
 * Manifest m = Manifest.parse("""
 *     {"manifestVersion": 1, "name": "notes",
 *      "mounts": [{"guestPath": "/data", "mode": "rw", "purpose": "notes are stored here"}]}
 *     """);
 * }</pre>
 *
 * <p>Errors: a {@link ManifestException} whose message names the field path ({@code mounts[0].guestPath}) and
 * the reason of every problem found (the parser does not stop at the first), and the file when it was read from
 * one. Unknown fields are errors.
 *
 * <p>Threading: instances are immutable and thread-safe.
 */
public final class Manifest {

    /** The only {@code manifestVersion} this library reads. */
    public static final int VERSION = 1;
    /** The name of the wasm custom section that carries the manifest. */
    public static final String SECTION_NAME = "mcpwasm.manifest";
    /** Appended to a module's file name without {@code .wasm} to name its sidecar manifest. */
    public static final String SIDECAR_SUFFIX = ".manifest.json";
    /**
     * Resource of the JSON Schema (draft 2020-12) that describes the manifest format, e.g.
     * {@code Manifest.class.getResourceAsStream(SCHEMA_RESOURCE)}. Outside any package, so it stays readable from
     * other modules on the module path.
     */
    public static final String SCHEMA_RESOURCE = "/META-INF/mcpwasm/manifest.schema.json";

    private final String name;
    private final String version;
    private final String description;
    private final List<Mount> mounts;
    private final List<HostPattern> networkHosts;
    private final List<String> env;
    private final List<Secret> secrets;
    private final Limits limits;
    private final Clock clock;
    private final boolean random;
    private final boolean stateless;
    private final List<String> args;

    Manifest(String name, String version, String description, List<Mount> mounts, List<HostPattern> networkHosts,
             List<String> env, List<Secret> secrets, Limits limits, Clock clock, boolean random, boolean stateless,
             List<String> args) {
        this.name = Objects.requireNonNull(name, "name");
        this.version = version;
        this.description = description;
        this.mounts = List.copyOf(mounts);
        this.networkHosts = List.copyOf(networkHosts);
        this.env = List.copyOf(env);
        this.secrets = List.copyOf(secrets);
        this.limits = Objects.requireNonNull(limits, "limits");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.random = random;
        this.stateless = stateless;
        this.args = List.copyOf(args);
    }

    /**
     * Parses a manifest from JSON text.
     *
     * @throws ManifestException naming the bad field and the reason
     */
    public static Manifest parse(String json) {
        Objects.requireNonNull(json, "json");
        return ManifestParser.parse(json.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Parses a manifest from UTF-8 JSON bytes.
     *
     * @throws ManifestException naming the bad field and the reason (also for bytes that are not UTF-8)
     */
    public static Manifest parse(byte[] utf8Json) {
        Objects.requireNonNull(utf8Json, "utf8Json");
        return ManifestParser.parse(utf8Json);
    }

    /**
     * Reads the manifest embedded in a wasm module's {@value #SECTION_NAME} custom section.
     *
     * @return the manifest, or empty when the module has no such section
     * @throws ManifestException if the module is malformed at the section level, carries the section more
     *                           than once, or the embedded manifest is invalid
     */
    public static Optional<Manifest> fromWasm(byte[] wasm) {
        return embeddedJson(wasm).map(ManifestParser::parse);
    }

    /**
     * Returns the raw JSON bytes of the {@value #SECTION_NAME} custom section, without parsing them.
     *
     * @throws ManifestException if the module is malformed or carries the section more than once
     */
    public static Optional<byte[]> embeddedJson(byte[] wasm) {
        Objects.requireNonNull(wasm, "wasm");
        List<byte[]> found = WasmSections.customSections(wasm, SECTION_NAME);
        if (found.size() > 1) {
            throw new ManifestException(null, "the module carries " + found.size() + " '" + SECTION_NAME
                    + "' custom sections; expected at most one");
        }
        return found.stream().findFirst();
    }

    /**
     * Returns a copy of {@code wasm} that carries {@code manifestJson} in a {@value #SECTION_NAME} custom
     * section: it replaces an existing one in place, or is appended after the last section. All other bytes are
     * kept, and the same inputs always give the same output. The JSON is validated first and embedded as given.
     *
     * @throws ManifestException if the manifest is invalid or the module is malformed
     */
    public static byte[] embed(byte[] wasm, byte[] manifestJson) {
        Objects.requireNonNull(wasm, "wasm");
        Objects.requireNonNull(manifestJson, "manifestJson");
        ManifestParser.parse(manifestJson);
        return WasmSections.withCustomSection(wasm, SECTION_NAME, manifestJson);
    }

    /** The sidecar file of a module: {@code dir/notes.wasm} gives {@code dir/notes.manifest.json}. */
    public static Path sidecarPath(Path wasmFile) {
        Objects.requireNonNull(wasmFile, "wasmFile");
        String file = wasmFile.getFileName().toString();
        String base = file.endsWith(".wasm") ? file.substring(0, file.length() - 5) : file;
        return wasmFile.resolveSibling(base + SIDECAR_SUFFIX);
    }

    /**
     * Loads the manifest of a module file: from its custom section and/or its sidecar file
     * ({@link #sidecarPath(Path)}). When both exist they must declare the same thing (compared after parsing),
     * since a sidecar that silently overrode the embedded manifest would change what a reviewed module asks for.
     *
     * @throws ManifestException if neither exists, either is invalid, they disagree, or a file cannot be read
     */
    public static Manifest load(Path wasmFile) {
        Objects.requireNonNull(wasmFile, "wasmFile");
        byte[] wasm;
        try {
            wasm = Files.readAllBytes(wasmFile);
        } catch (IOException e) {
            throw new ManifestException(null, "cannot read module " + wasmFile + ": " + e, e);
        }
        return find(wasmFile, wasm).orElseThrow(() -> new ManifestException(null, "module " + wasmFile
                + " has no '" + SECTION_NAME + "' custom section and no sidecar " + sidecarPath(wasmFile)));
    }

    /**
     * Like {@link #load(Path)} for a module file whose bytes were already read: the embedded or sidecar manifest,
     * or empty when there is neither.
     *
     * @throws ManifestException if a manifest is invalid, the sidecar cannot be read, or the two differ
     */
    public static Optional<Manifest> find(Path wasmFile, byte[] wasm) {
        Objects.requireNonNull(wasmFile, "wasmFile");
        Objects.requireNonNull(wasm, "wasm");
        Optional<Manifest> embedded;
        try {
            embedded = fromWasm(wasm);
        } catch (ManifestException e) {
            throw e.in("the '" + SECTION_NAME + "' section of " + wasmFile);
        }
        Path sidecar = sidecarPath(wasmFile);
        Optional<Manifest> side;
        try {
            side = Optional.of(ManifestParser.parse(Files.readAllBytes(sidecar)));
        } catch (NoSuchFileException e) {
            side = Optional.empty();
        } catch (IOException e) {
            throw new ManifestException(null, "cannot read sidecar manifest " + sidecar + ": " + e, e);
        } catch (ManifestException e) {
            throw e.in(sidecar.toString());
        }
        if (embedded.isPresent() && side.isPresent() && !embedded.get().equals(side.get())) {
            throw new ManifestException(null, "the manifest embedded in " + wasmFile + " and the sidecar " + sidecar
                    + " differ; keep one, or make them the same");
        }
        Optional<Manifest> sidecarManifest = side;
        return embedded.or(() -> sidecarManifest);
    }

    /** The server's name: {@code [a-z0-9][a-z0-9._-]*}, at most 64 characters. */
    public String name() {
        return name;
    }

    /** The server's version, free text, if given. */
    public Optional<String> version() {
        return Optional.ofNullable(version);
    }

    /** What the server does, free text, if given. */
    public Optional<String> description() {
        return Optional.ofNullable(description);
    }

    /** The directories the server asks for, in manifest order; guest paths are distinct. */
    public List<Mount> mounts() {
        return mounts;
    }

    /** The network destinations the server asks for ({@code network.hosts}), distinct, in manifest order. */
    public List<HostPattern> networkHosts() {
        return networkHosts;
    }

    /** The names of the environment variables the server reads, distinct, in manifest order. */
    public List<String> env() {
        return env;
    }

    /** The secrets the server asks for, in manifest order; names and guest paths are distinct. */
    public List<Secret> secrets() {
        return secrets;
    }

    /** The most the server asks for of each limit; empty fields mean "the host's default". */
    public Limits limits() {
        return limits;
    }

    /** Which clocks the server needs. */
    public Clock clock() {
        return clock;
    }

    /**
     * Whether the server needs random bytes (default true). Informational: {@code random_get} is always provided,
     * because language runtimes read random bytes at start-up (hash seeds) and cannot boot without them.
     */
    public boolean random() {
        return random;
    }

    /**
     * Whether the server keeps no state between calls (default false), so that a host may pool instances and
     * hand any call to any of them.
     */
    public boolean stateless() {
        return stateless;
    }

    /**
     * The guest's default command-line arguments after argv[0] (which is the server's name), in manifest order;
     * empty when the manifest has no {@code "args"}. A host that sets its own arguments replaces them.
     */
    public List<String> args() {
        return args;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Manifest m && name.equals(m.name) && Objects.equals(version, m.version)
                && Objects.equals(description, m.description) && mounts.equals(m.mounts)
                && networkHosts.equals(m.networkHosts) && env.equals(m.env) && secrets.equals(m.secrets)
                && limits.equals(m.limits) && clock.equals(m.clock) && random == m.random
                && stateless == m.stateless && args.equals(m.args);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, version, description, mounts, networkHosts, env, secrets, limits, clock, random,
                stateless, args);
    }

    @Override
    public String toString() {
        return "Manifest[name=" + name + ", version=" + version + ", mounts=" + mounts + ", network=" + networkHosts
                + ", env=" + env + ", secrets=" + secrets + ", limits=" + limits + ", clock=" + clock
                + ", random=" + random + ", stateless=" + stateless + ", args=" + args + "]";
    }

    /**
     * A directory the server asks for.
     *
     * @param guestPath where the guest sees it: absolute and normalized ({@code /data}), no {@code .} or
     *                  {@code ..} components
     * @param mode      {@code "ro"} is {@link MountMode#READ_ONLY}, {@code "rw"} is {@link MountMode#READ_WRITE}
     * @param purpose   why the server needs it, shown to whoever writes the host policy (may be empty)
     * @param required  whether the server cannot run without it (default true); an optional mount the host does
     *                  not bind is dropped
     */
    public record Mount(String guestPath, MountMode mode, String purpose, boolean required) {
        public Mount {
            Objects.requireNonNull(guestPath, "guestPath");
            Objects.requireNonNull(mode, "mode");
            Objects.requireNonNull(purpose, "purpose");
        }
    }

    /**
     * A secret the server asks for; the host supplies its bytes, and the guest reads them as a read-only file.
     *
     * @param name      the secret's name, which the host policy binds a value to
     * @param guestPath where the guest reads it, absolute and normalized
     */
    public record Secret(String name, String guestPath) {
        public Secret {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(guestPath, "guestPath");
        }
    }

    /**
     * The most the server asks for of each limit. An empty value means the server does not say, and the host's
     * cap applies.
     *
     * @param memoryBytes          linear memory, bytes ({@code "64MiB"} or a number in the manifest)
     * @param callTimeout          time one call may take ({@code "30s"}, {@code "500ms"} or milliseconds)
     * @param maxMessageBytes      size of one MCP message, bytes
     * @param filesystemQuotaBytes bytes the server may add to each read-write mount (every entry it creates counts
     *                             too: 4160 bytes plus its name, see docs/manifest.md)
     * @param filesystemEntries    entries (files, directories, symlinks, hard links) the server may add to each
     *                             read-write mount
     */
    public record Limits(OptionalLong memoryBytes, Optional<Duration> callTimeout, OptionalLong maxMessageBytes,
                         OptionalLong filesystemQuotaBytes, OptionalLong filesystemEntries) {
        /** No limit asked for. */
        public static final Limits NONE = new Limits(OptionalLong.empty(), Optional.empty(), OptionalLong.empty(),
                OptionalLong.empty(), OptionalLong.empty());

        public Limits {
            Objects.requireNonNull(memoryBytes, "memoryBytes");
            Objects.requireNonNull(callTimeout, "callTimeout");
            Objects.requireNonNull(maxMessageBytes, "maxMessageBytes");
            Objects.requireNonNull(filesystemQuotaBytes, "filesystemQuotaBytes");
            Objects.requireNonNull(filesystemEntries, "filesystemEntries");
        }
    }

    /**
     * The clocks the server needs.
     *
     * @param realtime  whether it needs the real wall-clock time (default false). Without a grant the guest still
     *                  has a realtime clock, but it starts at the host policy's wall-clock start and advances with
     *                  real elapsed time: durations are right, the date is hidden. A server that asks for it
     *                  cannot start under a policy that does not allow the real time.
     * @param monotonic whether it needs a monotonic clock (default true). Informational: the monotonic clock is
     *                  always provided, because language runtimes cannot boot without one.
     */
    public record Clock(boolean realtime, boolean monotonic) {
        /** The defaults: no realtime, monotonic. */
        public static final Clock DEFAULT = new Clock(false, true);
    }
}
