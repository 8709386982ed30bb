package io.mcpwasm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mcpwasm.wasi.AuditEvent;
import io.mcpwasm.wasi.CapabilityDeniedException;
import io.mcpwasm.wasi.Grants;
import io.mcpwasm.wasi.HostPolicy;
import io.mcpwasm.wasi.Manifest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The flags' syntax, and the hint after each refusal decided by the real {@link Grants#resolve}. */
class PolicyFlagsTest {
    @TempDir
    Path tmp;

    @Test
    void sizesAndDurations() {
        assertEquals(64L << 20, PolicyFlags.size("64MiB"));
        assertEquals(512L << 10, PolicyFlags.size("512k"));
        assertEquals(100, PolicyFlags.size("100"));
        assertEquals(Duration.ofSeconds(20), PolicyFlags.duration("20s"));
        assertEquals(Duration.ofMillis(500), PolicyFlags.duration("500ms"));
        assertEquals(Duration.ofMinutes(2), PolicyFlags.duration("2m"));
        assertThrows(IllegalArgumentException.class, () -> PolicyFlags.size("64 apples"));
        assertThrows(IllegalArgumentException.class, () -> PolicyFlags.duration("soon"));
    }

    @Test
    void badValuesNameTheFlag() {
        HostPolicy.Builder b = HostPolicy.builder();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PolicyFlags.apply(b, "--mount", "/data", tmp));
        assertTrue(e.getMessage().startsWith("--mount /data: expected"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> PolicyFlags.apply(b, "--secret", "token=abc", tmp));
        assertTrue(e.getMessage().contains("NAME=@FILE"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> PolicyFlags.apply(b, "--env", "=x", tmp));
        assertTrue(e.getMessage().startsWith("--env =x"), e.getMessage());
    }

    @Test
    void eachRefusalAFlagCanChangeNamesThatFlagAndNoOtherDoes() throws Exception {
        Manifest m = Manifest.parse("""
                {"manifestVersion": 1, "name": "needy",
                 "mounts": [{"guestPath": "/data", "mode": "rw", "required": true}],
                 "env": ["REGION"], "secrets": [{"name": "token", "guestPath": "/run/secrets/token"}],
                 "network": {"hosts": ["https://api.example.com"]}, "clock": {"realtime": true}}""");
        Path secretFile = Files.writeString(tmp.resolve("s"), "x");
        HostPolicy.Builder policy = HostPolicy.builder().withholdRealtimeClock(); // the real clock is the default
        PolicyFlags.apply(policy, "--mount", "/other=" + tmp, tmp); // bound, but not declared
        PolicyFlags.apply(policy, "--secret", "unused=@" + secretFile, tmp);
        List<AuditEvent> events = new ArrayList<>();
        assertThrows(CapabilityDeniedException.class, () -> Grants.resolve(m, policy.build(), events::add));
        Map<String, String> hints = events.stream().filter(e -> e.decision() == AuditEvent.Decision.DENIED)
                .collect(Collectors.toMap(e -> e.capability() + " " + e.target(),
                        e -> String.valueOf(PolicyFlags.hint(e))));
        assertEquals("grant with --mount /data=HOST_DIR (append :ro for read-only)", hints.get("filesystem /data"));
        assertEquals("null", hints.get("filesystem /other"));
        assertEquals("grant with --env REGION=VALUE", hints.get("env REGION"));
        assertEquals("grant with --secret token=@FILE", hints.get("secret token"));
        assertEquals("null", hints.get("secret unused"));
        assertEquals("grant with --allow-host https://api.example.com", hints.get("network https://api.example.com"));
        assertEquals("grant with --allow-realtime-clock", hints.get("clock realtime"));
        assertNull(PolicyFlags.hint(new AuditEvent(java.time.Instant.now(), "s", "filesystem", "/data/../etc",
                AuditEvent.Decision.DENIED, "path_open: escapes the mount (ENOTCAPABLE)")));
    }
}
