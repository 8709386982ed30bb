package io.mcpwasm.cli;

import io.mcpwasm.McpModule;
import io.mcpwasm.McpRuntime;
import io.mcpwasm.McpServer;
import io.mcpwasm.ServerFailedException;
import io.mcpwasm.Tool;
import io.mcpwasm.wasi.AuditEvent;
import io.mcpwasm.wasi.CapabilityDeniedException;
import io.mcpwasm.wasi.Grants;
import io.mcpwasm.wasi.HostPolicy;
import io.mcpwasm.wasi.Manifest;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code mcpwasm inspect}: what a module declares, what a policy would grant and refuse (decided by the same
 * {@link Grants#resolve} that a start uses, without running anything), and with {@code --tools} its tools.
 * For the tool listing the module is started under the given policy; a required mount the policy leaves unbound is
 * bound to an empty read-only temporary directory, so nothing the manifest does not ask for is granted and no host
 * file is exposed.
 */
final class Inspect {
    private Inspect() {
    }

    static int print(McpRuntime runtime, McpModule module, HostPolicy policy, boolean tools, PrintStream out) {
        out.println("module: " + module.source());
        Manifest m = module.manifest().orElse(null);
        if (m == null) {
            out.println("manifest: none (the module is granted nothing: no files, network, environment or secrets)");
        } else {
            describe(m, out);
        }
        Manifest effective = m != null ? m : Manifest.parse("{\"manifestVersion\":1,\"name\":\""
                + module.name() + "\"}");
        out.println("under this policy:");
        List<AuditEvent> decisions = new ArrayList<>();
        boolean refused = false;
        try {
            Grants g = Grants.resolve(effective, policy, decisions::add);
            decisions.forEach(e -> out.println("  " + line(e)));
            out.println("  effective limits: " + g.limits());
        } catch (CapabilityDeniedException e) {
            decisions.forEach(d -> out.println("  " + line(d)));
            out.println("  the server would not start: " + e.getMessage());
            refused = true;
        }
        boolean listed = !tools || listTools(module, effective, policy, out);
        return refused ? Main.REFUSED : listed ? Main.OK : Main.FAILED;
    }

    private static void describe(Manifest m, PrintStream out) {
        out.println("manifest: " + m.name() + m.version().map(v -> " " + v).orElse(""));
        m.description().ifPresent(d -> out.println("  " + d));
        for (Manifest.Mount mount : m.mounts()) {
            out.println("  mount " + mount.guestPath() + " (" + mount.mode().name().toLowerCase(java.util.Locale.ROOT)
                    + (mount.required() ? ", required" : ", optional") + ")" + (mount.purpose() != null
                    && !mount.purpose().isEmpty() ? ": " + mount.purpose() : ""));
        }
        m.networkHosts().forEach(h -> out.println("  network " + h));
        m.env().forEach(e -> out.println("  env " + e));
        m.secrets().forEach(s -> out.println("  secret " + s.name() + " at " + s.guestPath()));
        Manifest.Limits l = m.limits();
        out.println("  limits: memory " + l.memoryBytes().stream().mapToObj(Long::toString).findFirst().orElse("-")
                + " bytes, call timeout " + l.callTimeout().map(d -> d.toMillis() + " ms").orElse("-")
                + ", message " + l.maxMessageBytes().stream().mapToObj(Long::toString).findFirst().orElse("-")
                + " bytes, file-system quota " + l.filesystemQuotaBytes().stream().mapToObj(Long::toString)
                .findFirst().orElse("-") + " bytes (- : the policy's cap)");
        if (m.clock().realtime()) {
            out.println("  clock realtime");
        }
        out.println("  " + (m.stateless() ? "stateless (instances may be pooled)" : "stateful"));
    }

    private static String line(AuditEvent e) {
        String s = e.decision() + " " + e.capability() + " " + e.target() + ": " + e.reason();
        String hint = e.decision() == AuditEvent.Decision.DENIED ? PolicyFlags.hint(e) : null;
        return hint != null ? s + " (" + hint + ")" : s;
    }

    /** Starts the module and lists its tools; false when it could not be started. */
    private static boolean listTools(McpModule module, Manifest m, HostPolicy policy, PrintStream out) {
        HostPolicy.Builder b = policy.toBuilder();
        List<Path> placeholders = new ArrayList<>();
        try {
            for (Manifest.Mount mount : m.mounts()) {
                if (mount.required() && !policy.mounts().containsKey(mount.guestPath())) {
                    Path empty = Files.createTempDirectory("mcpwasm-inspect");
                    placeholders.add(empty);
                    b.mountReadOnly(mount.guestPath(), empty);
                    out.println("tools: " + mount.guestPath() + " bound to an empty read-only directory to list them");
                }
            }
            try (McpServer server = module.start(b.build())) {
                out.println("tools (" + server.info().name() + " " + server.info().version() + ", protocol "
                        + server.info().protocolVersion() + "):");
                for (Tool t : server.tools()) {
                    out.println("  " + t.name() + (t.description() != null ? ": " + t.description() : ""));
                    if (t.inputSchema() != null) {
                        out.println("    input " + t.inputSchema());
                    }
                }
                return true;
            } catch (CapabilityDeniedException e) {
                out.println("tools: not listed, the server cannot start under this policy: " + e.getMessage());
            } catch (ServerFailedException e) {
                out.println("tools: not listed: " + e.getMessage());
            }
            return false;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            placeholders.forEach(p -> p.toFile().delete());
        }
    }
}
