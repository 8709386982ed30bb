package io.mcpwasm.wasi;

import io.mcpwasm.wasi.http.HttpImports;
import io.mcpwasm.wasi.internal.GuestInput;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import run.endive.runtime.HostFunction;
import run.endive.runtime.ImportValues;

/**
 * Everything one guest instance may import, built from its {@link Grants} in one call: the
 * {@code wasi_snapshot_preview1} functions ({@link WasiHost}) with the granted mounts, variables, secrets and
 * clock, and, when asked, the {@value HttpImports#MODULE} functions limited to the granted network destinations
 * with the policy's HTTP limits, resolver and TLS context. This is the one place where grants are wired to host
 * functions; the decision itself ({@link Grants#resolve}) was made, and audited, before.
 *
 * <p>Example:
 * <pre>{@code
 * Grants grants = Grants.resolve(manifest, policy, listener);
 * try (Sandbox sandbox = Sandbox.builder(grants).args(List.of("weather")).stdin(in).stdout(out).withHttp().build()) {
 *     Instance.builder(module).withImportValues(sandbox.toImportValues()).build();
 * }
 * }</pre>
 *
 * <p>Defaults: no arguments, stdin at end of file, stdout and stderr discarded, no HTTP functions (a module that
 * imports them does not instantiate). The arguments, the standard streams and whether HTTP is linked are the
 * caller's; everything else comes from the grants.
 *
 * <p>Every run-time refusal (a path outside a mount, a write to a read-only one, a destination not granted) is an
 * {@link AuditEvent} to the listener the grants were resolved with.
 *
 * <p>Threading: one sandbox serves one instance, driven by one thread at a time; {@link #close()} may be called
 * from any thread and closes every open file and connection.
 */
public final class Sandbox implements AutoCloseable {

    private final WasiHost wasi;
    private final HttpImports http;

    private Sandbox(WasiHost wasi, HttpImports http) {
        this.wasi = wasi;
        this.http = http;
    }

    /**
     * Starts a sandbox for the server these grants were resolved for.
     *
     * @throws IllegalArgumentException if the grants are a report ({@link Grants#withoutSecretValues()}, what
     *     {@code McpServer.grants()} returns): they carry no secret values, and must not be turned into a sandbox
     */
    public static Builder builder(Grants grants) {
        if (grants.isReport()) {
            throw new IllegalArgumentException("the grants of server '" + grants.server() + "' are a report without"
                    + " secret values (Grants.withoutSecretValues(), as McpServer.grants() returns them); build a"
                    + " sandbox from the grants Grants.resolve returned");
        }
        return new Builder(grants);
    }

    /** The host functions to add to the instance's imports: WASI, then HTTP when linked. */
    public List<HostFunction> hostFunctions() {
        List<HostFunction> out = new ArrayList<>(wasi.hostFunctions());
        if (http != null) {
            out.addAll(Arrays.asList(http.hostFunctions()));
        }
        return out;
    }

    /** {@link #hostFunctions()} as import values. */
    public ImportValues toImportValues() {
        return ImportValues.builder().withFunctions(new ArrayList<>(hostFunctions())).build();
    }

    /** The preopened directories' guest paths, in descriptor order (3, 4, ...). */
    public List<String> preopenPaths() {
        return wasi.preopenPaths();
    }

    /** Closes every file and connection the guest holds open; idempotent. */
    @Override
    public void close() {
        try {
            if (http != null) {
                http.close();
            }
        } finally {
            wasi.close();
        }
    }

    /** Configures a {@link Sandbox}: the caller's part (arguments, streams, HTTP or not). Not thread-safe. */
    public static final class Builder {
        private final Grants grants;
        private final WasiHost.Builder wasi;
        private boolean withHttp;

        private Builder(Grants grants) {
            this.grants = Objects.requireNonNull(grants, "grants");
            this.wasi = WasiHost.builder(grants.server());
        }

        /** The guest's arguments, argv[0] included. */
        public Builder args(List<String> args) {
            wasi.args(args);
            return this;
        }

        /** The guest's standard input (the runtime's input queue); default: end of file at once. */
        @SuppressWarnings("exports")
        public Builder stdin(GuestInput stdin) {
            wasi.stdin(stdin);
            return this;
        }

        /** Where the guest's standard output goes; default: discarded. */
        public Builder stdout(GuestOutput stdout) {
            wasi.stdout(stdout);
            return this;
        }

        /** Where the guest's standard error goes; default: discarded. */
        public Builder stderr(GuestOutput stderr) {
            wasi.stderr(stderr);
            return this;
        }

        /**
         * Links the {@value HttpImports#MODULE} functions. They are present even when no destination is granted,
         * so that a module importing them instantiates and each request is refused ({@code DENIED_HOST}) with an
         * audit event.
         */
        public Builder withHttp() {
            this.withHttp = true;
            return this;
        }

        /**
         * Opens the granted mounts and builds the host functions.
         *
         * @throws IllegalArgumentException if a granted mount's directory cannot be opened
         */
        public Sandbox build() {
            WasiHost host = wasi(grants, wasi).build();
            HttpImports http = null;
            if (withHttp) {
                HostPolicy policy = grants.policy();
                HttpImports.Builder b = HttpImports.builder(grants.server()).hosts(grants.network())
                        .limits(policy.httpLimits()).resolver(policy.hostResolver())
                        .auditListener(grants.listener());
                grants.specialAddresses().forEach(b::allowSpecialAddress);
                policy.sslContext().ifPresent(b::sslContext);
                http = b.build();
            }
            return new Sandbox(host, http);
        }

        /** Each granted mount (mode, quota, entry limit), variable and secret, the policy's clock, the listener. */
        private static WasiHost.Builder wasi(Grants grants, WasiHost.Builder builder) {
            Grants.Limits limits = grants.limits();
            for (Grants.MountGrant m : grants.mounts()) {
                builder.mount(m.guestPath(), m.hostDir(), m.mode(), m.quotaBytes(), limits.filesystemEntries());
            }
            grants.env().forEach(builder::env);
            grants.secretFiles().forEach(builder::secret);
            HostPolicy clock = grants.policy();
            if (clock.fixedClock().isPresent()) {
                builder.fixedClock(clock.fixedClock().get());
            } else if (clock.clockOffset().isPresent()) {
                builder.wallClockStart(java.time.Instant.now().plus(clock.clockOffset().get()));
            } else if (grants.clockWithheld()) {
                builder.wallClockStart(clock.wallClockStart());
            }
            return builder.auditListener(grants.listener());
        }
    }
}
