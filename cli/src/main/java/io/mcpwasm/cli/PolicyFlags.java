package io.mcpwasm.cli;

import io.mcpwasm.wasi.AuditEvent;
import io.mcpwasm.wasi.HostPolicy;
import io.mcpwasm.wasi.Manifest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The policy flags shared by {@code run}, {@code inspect} and the per-server {@code policy} of a gateway config:
 * each turns one {@code --flag value} into a {@link HostPolicy.Builder} call. The config file uses the same value
 * syntax, so a flag on the command line and an entry in a config mean the same thing.
 */
final class PolicyFlags {
    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(B|KiB|MiB|GiB|KB|MB|GB|k|m|g)?",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h)?");

    /** The flags that take a value, as they are written on the command line. */
    static final java.util.List<String> FLAGS = java.util.List.of("--mount", "--allow-host", "--env", "--secret",
            "--memory", "--timeout", "--max-message");

    private PolicyFlags() {
    }

    /**
     * Applies one policy flag.
     *
     * @param base directory against which relative host paths are resolved
     * @throws IllegalArgumentException naming the flag and what is wrong with its value
     */
    static void apply(HostPolicy.Builder b, String flag, String value, Path base) {
        try {
            switch (flag) {
                case "--mount" -> mount(b, value, base);
                case "--allow-host" -> b.allowNetwork(value);
                case "--env" -> {
                    int eq = value.indexOf('=');
                    if (eq <= 0) {
                        throw new IllegalArgumentException("expected NAME=VALUE");
                    }
                    b.env(value.substring(0, eq), value.substring(eq + 1));
                }
                case "--secret" -> secret(b, value, base);
                case "--memory" -> b.maxMemory(size(value));
                case "--timeout" -> b.maxCallTimeout(duration(value));
                case "--max-message" -> b.maxMessageBytes(size(value));
                case "--allow-realtime-clock" -> b.allowRealtimeClock();
                default -> throw new IllegalArgumentException("unknown policy flag");
            }
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(flag + " " + value + ": " + e.getMessage(), e);
        }
    }

    private static void mount(HostPolicy.Builder b, String value, Path base) {
        int eq = value.indexOf('=');
        if (eq <= 0) {
            throw new IllegalArgumentException("expected /guest/path=HOST_DIR[:ro]");
        }
        String guest = value.substring(0, eq);
        String host = value.substring(eq + 1);
        boolean readOnly = host.endsWith(":ro");
        if (readOnly || host.endsWith(":rw")) {
            host = host.substring(0, host.length() - 3);
        }
        Path dir = base.resolve(host).toAbsolutePath().normalize();
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("no such directory: " + dir);
        }
        if (readOnly) {
            b.mountReadOnly(guest, dir);
        } else {
            b.mount(guest, dir);
        }
    }

    private static void secret(HostPolicy.Builder b, String value, Path base) {
        int eq = value.indexOf('=');
        if (eq <= 0 || eq + 1 >= value.length() || value.charAt(eq + 1) != '@') {
            throw new IllegalArgumentException("expected NAME=@FILE (the value is read from the file, never"
                    + " given on the command line)");
        }
        Path file = base.resolve(value.substring(eq + 2));
        try {
            b.secret(value.substring(0, eq), Files.readAllBytes(file));
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** Parses {@code 64MiB}, {@code 512k}, {@code 1048576}. */
    static long size(String s) {
        Matcher m = SIZE.matcher(s.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("expected a size such as 64MiB");
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "b" : m.group(2).toLowerCase(Locale.ROOT);
        long factor = switch (unit) {
            case "b" -> 1;
            case "kib", "kb", "k" -> 1L << 10;
            case "mib", "mb", "m" -> 1L << 20;
            default -> 1L << 30;
        };
        return Math.multiplyExact(n, factor);
    }

    /** Parses {@code 20s}, {@code 500ms}, {@code 2m}, {@code 1h}; a bare number is seconds. */
    static Duration duration(String s) {
        Matcher m = DURATION.matcher(s.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("expected a duration such as 20s or 500ms");
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        return switch (unit) {
            case "ms" -> Duration.ofMillis(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofSeconds(n);
        };
    }

    /** The effective per-request timeout: the lower of the manifest's and the policy's. */
    static Duration callTimeout(Manifest manifest, HostPolicy policy) {
        Duration cap = policy.maxCallTimeout();
        if (manifest == null) {
            return cap;
        }
        return manifest.limits().callTimeout().filter(t -> t.compareTo(cap) < 0).orElse(cap);
    }

    /**
     * What would grant a refused capability: the flag to add, for the refusals a flag can change (a declared mount,
     * variable, secret, network host or clock the policy does not grant). Null for the others: what the manifest
     * does not declare is never granted, and an access refused while the server runs (outside a mount, a write to a
     * read-only mount, a host outside the grant) is outside what any flag grants.
     */
    static String hint(AuditEvent e) {
        String r = e.reason();
        if (r.contains("not declared in the manifest")) {
            return null;
        }
        return switch (e.capability()) {
            case "filesystem" -> r.contains("not bound by the host policy")
                    ? "grant with --mount " + e.target() + "=HOST_DIR (append :ro for read-only)" : null;
            case "network" -> r.contains("is not allowed by the host policy")
                    ? "grant with --allow-host " + e.target() : null;
            case "env" -> r.contains("sets no value") ? "grant with --env " + e.target() + "=VALUE" : null;
            case "secret" -> "grant with --secret " + e.target() + "=@FILE";
            case "clock" -> "grant with --allow-realtime-clock";
            default -> null;
        };
    }
}
