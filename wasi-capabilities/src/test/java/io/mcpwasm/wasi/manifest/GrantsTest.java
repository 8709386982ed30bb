package io.mcpwasm.wasi.manifest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import io.mcpwasm.wasi.AuditEvent;
import io.mcpwasm.wasi.AuditEvent.Decision;
import io.mcpwasm.wasi.CapabilityDeniedException;
import io.mcpwasm.wasi.Grants;
import io.mcpwasm.wasi.HostPattern;
import io.mcpwasm.wasi.HostPolicy;
import io.mcpwasm.wasi.Manifest;
import io.mcpwasm.wasi.MountMode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class GrantsTest {

    private static final String SECRET = "s3cr3t-VALUE-xyzzy";

    private final List<AuditEvent> events = new ArrayList<>();
    private FileSystem fs;
    private Path data;
    private Path cache;

    @BeforeEach
    void setUp() throws IOException {
        fs = Jimfs.newFileSystem(Configuration.unix());
        data = java.nio.file.Files.createDirectories(fs.getPath("/srv/data"));
        cache = java.nio.file.Files.createDirectories(fs.getPath("/srv/cache"));
    }

    @AfterEach
    void tearDown() throws IOException {
        fs.close();
    }

    private static Manifest manifest(String body) {
        return Manifest.parse("{\"manifestVersion\":1,\"name\":\"notes\"" + (body.isEmpty() ? "" : "," + body) + "}");
    }

    private Grants resolve(Manifest m, HostPolicy p) {
        return Grants.resolve(m, p, events::add);
    }

    /** Resolves with only this decision's events kept, for tests that resolve several times. */
    private Grants resolveAnew(Manifest m, HostPolicy p) {
        events.clear();
        return resolve(m, p);
    }

    private AuditEvent event(String capability, String target) {
        List<AuditEvent> found = events.stream()
                .filter(e -> e.capability().equals(capability) && e.target().equals(target)).toList();
        assertEquals(1, found.size(), () -> "events for " + capability + "/" + target + ": " + events);
        return found.get(0);
    }

    @Test
    void grantsDeclaredAndBoundMountAndAuditsIt() {
        Manifest m = manifest("\"mounts\":[{\"guestPath\":\"/data\",\"mode\":\"rw\"}]");
        Grants g = resolve(m, HostPolicy.builder().mount("/data", data).build());
        assertEquals(List.of(new Grants.MountGrant("/data", data, MountMode.READ_WRITE,
                HostPolicy.DEFAULT_MAX_FILESYSTEM_QUOTA_BYTES)), g.mounts());
        AuditEvent e = event("filesystem", "/data");
        assertEquals(Decision.GRANTED, e.decision());
        assertEquals("notes", e.server());
        assertFalse(e.reason().contains("/srv"), "audit events carry no host paths: " + e.reason());
    }

    @Test
    void requiredMountNotBoundRefusesTheStartNamingIt() {
        Manifest m = manifest("\"mounts\":[{\"guestPath\":\"/data\",\"mode\":\"rw\",\"purpose\":\"notes\"}]");
        CapabilityDeniedException e = assertThrows(CapabilityDeniedException.class,
                () -> resolve(m, HostPolicy.denyAll()));
        assertEquals("server 'notes': required mount /data is not bound by the host policy", e.getMessage());
        assertEquals("filesystem", e.capability());
        assertEquals("/data", e.target());
        assertEquals(Decision.DENIED, event("filesystem", "/data").decision());
    }

    @Test
    void everyRequiredRefusalIsNamedAndAllDecisionsAreStillAudited() {
        Manifest m = manifest("""
                "mounts":[{"guestPath":"/data","mode":"rw"}],
                "secrets":[{"name":"token","guestPath":"/run/token"}],
                "network":{"hosts":["https://api.example.com"]},
                "clock":{"realtime":true}""");
        CapabilityDeniedException e = assertThrows(CapabilityDeniedException.class,
                () -> resolve(m, HostPolicy.builder().allowNetwork("https://other.example.com")
                        .withholdRealtimeClock().build()));
        assertEquals(4, e.denials().size(), e.getMessage());
        assertTrue(e.getMessage().contains("required mount /data is not bound"), e.getMessage());
        assertTrue(e.getMessage().contains("required secret 'token' is not supplied"), e.getMessage());
        assertTrue(e.getMessage().contains("network host https://api.example.com is not allowed"), e.getMessage());
        assertTrue(e.getMessage().contains("realtime clock is refused"), e.getMessage());
        assertEquals(Decision.DENIED, event("secret", "token").decision());
        assertEquals(Decision.DENIED, event("network", "https://api.example.com").decision());
        assertEquals(Decision.DENIED, event("clock", "realtime").decision());
        assertEquals(Decision.GRANTED, event("limit", "memory").decision());
    }

    @Test
    void optionalMountNotBoundIsDroppedWithADeniedEvent() {
        Manifest m = manifest("\"mounts\":[{\"guestPath\":\"/cache\",\"mode\":\"rw\",\"required\":false}]");
        Grants g = resolve(m, HostPolicy.denyAll());
        assertTrue(g.mounts().isEmpty());
        AuditEvent e = event("filesystem", "/cache");
        assertEquals(Decision.DENIED, e.decision());
        assertTrue(e.reason().contains("dropped"), e.reason());
    }

    @Test
    void optionalMountBoundIsGrantedUnlessThePolicyRefusesOptional() {
        Manifest m = manifest("\"mounts\":[{\"guestPath\":\"/cache\",\"mode\":\"ro\",\"required\":false}]");
        HostPolicy policy = HostPolicy.builder().mount("/cache", cache).build();
        assertEquals(1, resolve(m, policy).mounts().size());
        events.clear();
        Grants g = resolve(m, policy.toBuilder().refuseOptional().build());
        assertTrue(g.mounts().isEmpty());
        assertEquals(Decision.DENIED, event("filesystem", "/cache").decision());
        assertTrue(event("filesystem", "/cache").reason().contains("refuses optional"));
    }

    @Test
    void readWriteMountBoundReadOnlyIsDowngradedWithNoQuota() {
        Manifest m = manifest("\"mounts\":[{\"guestPath\":\"/data\",\"mode\":\"rw\"}]");
        Grants g = resolve(m, HostPolicy.builder().mountReadOnly("/data", data).build());
        assertEquals(new Grants.MountGrant("/data", data, MountMode.READ_ONLY, 0), g.mounts().get(0));
        AuditEvent e = event("filesystem", "/data");
        assertEquals(Decision.GRANTED, e.decision());
        assertTrue(e.reason().contains("read-only"), e.reason());
    }

    @Test
    void readOnlyManifestMountStaysReadOnlyUnderAWritableBinding() {
        Manifest m = manifest("\"mounts\":[{\"guestPath\":\"/data\",\"mode\":\"ro\"}]");
        Grants g = resolve(m, HostPolicy.builder().mount("/data", data).build());
        assertEquals(MountMode.READ_ONLY, g.mounts().get(0).mode());
    }

    @Test
    void undeclaredBindingsAreNeverGrantedButAudited() {
        Manifest m = manifest("");
        Grants g = resolve(m, HostPolicy.builder().mount("/data", data).env("HOME", "/home")
                .secret("token", SECRET.getBytes(StandardCharsets.UTF_8)).build());
        assertTrue(g.mounts().isEmpty());
        assertTrue(g.env().isEmpty());
        assertTrue(g.secretNames().isEmpty());
        for (String[] ct : new String[][] {{"filesystem", "/data"}, {"env", "HOME"}, {"secret", "token"}}) {
            AuditEvent e = event(ct[0], ct[1]);
            assertEquals(Decision.DENIED, e.decision());
            assertTrue(e.reason().contains("not declared in the manifest"), e.reason());
        }
    }

    @Test
    void envDeclaredAndSetIsGrantedDeclaredButUnsetIsAbsent() {
        Manifest m = manifest("\"env\":[\"LOG_LEVEL\",\"REGION\"]");
        Grants g = resolve(m, HostPolicy.builder().env("LOG_LEVEL", "debug").build());
        assertEquals(Map.of("LOG_LEVEL", "debug"), g.env());
        assertEquals(Decision.GRANTED, event("env", "LOG_LEVEL").decision());
        assertEquals(Decision.DENIED, event("env", "REGION").decision());
    }

    @Test
    void secretsNeverAppearInToStringEventsOrLogs() {
        Manifest m = manifest("\"secrets\":[{\"name\":\"token\",\"guestPath\":\"/run/token\"}]");
        HostPolicy policy = HostPolicy.builder().secret("token", SECRET.getBytes(StandardCharsets.UTF_8))
                .secret("other", SECRET.getBytes(StandardCharsets.UTF_8)).build();
        PrintStream saved = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        Grants g;
        try {
            System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
            g = resolve(m, policy);
        } finally {
            System.setErr(saved);
        }
        String log = captured.toString(StandardCharsets.UTF_8);
        assertTrue(log.contains("GRANTED server=notes capability=secret target=token"), "audit log line: " + log);
        assertFalse(log.contains(SECRET), log);
        assertFalse(policy.toString().contains(SECRET), policy.toString());
        assertFalse(g.toString().contains(SECRET), g.toString());
        assertTrue(g.toString().contains("token"), g.toString());
        for (AuditEvent e : events) {
            assertFalse(e.toString().contains(SECRET), e.toString());
        }
    }

    @Test
    void effectiveLimitIsTheLowerOfManifestAndPolicyAndTheCapWhenUnsaid() {
        Manifest m = manifest("\"limits\":{\"memory\":\"512MiB\",\"callTimeout\":\"5s\",\"maxMessageBytes\":1024}");
        HostPolicy policy = HostPolicy.builder().maxMemory(128L << 20).maxCallTimeout(Duration.ofSeconds(10))
                .maxFilesystemQuota(1 << 20).build();
        Grants.Limits l = resolve(m, policy).limits();
        assertEquals(128L << 20, l.memoryBytes());
        assertEquals(Duration.ofSeconds(5), l.callTimeout());
        assertEquals(1024, l.maxMessageBytes());
        assertEquals(1 << 20, l.filesystemQuotaBytes());
        assertTrue(event("limit", "memory").reason().contains("capped by the host policy"));
        assertTrue(event("limit", "callTimeout").reason().contains("as the manifest asks"));
        assertTrue(event("limit", "filesystemQuota").reason().contains("does not say"));
    }

    @Test
    void runtimeDefaultsApplyWhenNeitherSays() {
        Grants.Limits l = resolve(manifest(""), HostPolicy.denyAll()).limits();
        assertEquals(new Grants.Limits(256L << 20, Duration.ofSeconds(30), 4L << 20, 64L << 20, 100_000), l);
        Grants.Limits capped = resolve(manifest("\"limits\":{\"callTimeout\":\"2m\"}"), HostPolicy.denyAll()).limits();
        assertEquals(Duration.ofSeconds(30), capped.callTimeout());
    }

    @Test
    void quotaGoesToEachReadWriteMount() {
        Manifest m = manifest("""
                "limits":{"filesystemQuota":"1MiB"},
                "mounts":[{"guestPath":"/data","mode":"rw"},{"guestPath":"/cache","mode":"rw"}]""");
        Grants g = resolve(m, HostPolicy.builder().mount("/data", data).mount("/cache", cache).build());
        assertEquals(List.of(1L << 20, 1L << 20), g.mounts().stream().map(Grants.MountGrant::quotaBytes).toList());
    }

    @Test
    void entryLimitIsTheLowerOfManifestAndPolicy() {
        Manifest m = manifest("\"limits\":{\"filesystemEntries\":300}");
        assertEquals(3, resolve(m, HostPolicy.builder().maxFilesystemEntries(3).build()).limits().filesystemEntries());
        assertTrue(event("limit", "filesystemEntries").reason().contains("capped by the host policy"));
        assertEquals(300, resolve(m, HostPolicy.denyAll()).limits().filesystemEntries());
        assertEquals(HostPolicy.DEFAULT_MAX_FILESYSTEM_ENTRIES,
                resolve(manifest(""), HostPolicy.denyAll()).limits().filesystemEntries());
        assertMessage(IllegalArgumentException.class, () -> HostPolicy.builder().maxFilesystemEntries(-1), "entries");
    }

    @Test
    void networkIsTheIntersectionOfManifestAndPolicy() {
        Manifest m = manifest("\"network\":{\"hosts\":[\"https://*.example.com\",\"http://localhost:8080\"]}");
        HostPolicy policy = HostPolicy.builder().allowNetwork("https://api.example.com")
                .allowNetwork("https://*.example.com").allowNetwork("http://localhost:8080")
                .allowNetwork("https://evil.test").build();
        Grants g = resolve(m, policy);
        assertEquals(List.of(HostPattern.parse("https://*.example.com"), HostPattern.parse("http://localhost:8080")),
                g.network());
        events.clear();
        Grants narrowed = resolve(m, HostPolicy.builder().allowNetwork("https://api.example.com")
                .allowNetwork("http://localhost:8080").build());
        assertEquals(List.of(HostPattern.parse("https://api.example.com"), HostPattern.parse("http://localhost:8080")),
                narrowed.network());
        assertTrue(event("network", "https://api.example.com").reason().contains("narrowed"));
        assertThrows(CapabilityDeniedException.class, () -> resolve(m, HostPolicy.builder()
                .allowNetwork("http://localhost:8081").allowNetwork("https://*.example.com").build()));
    }

    @Test
    void theRealTimeIsTheDefaultAndAPolicyCanWithholdIt() {
        Manifest wants = manifest("\"clock\":{\"realtime\":true}");
        Manifest doesNot = manifest("");
        Grants g = resolve(wants, HostPolicy.denyAll());
        assertTrue(g.realtimeClock());
        assertEquals(Optional.empty(), g.wallClockStart());
        assertEquals(Decision.GRANTED, event("clock", "realtime").decision());

        Grants unchanged = resolveAnew(doesNot, HostPolicy.denyAll());
        assertTrue(unchanged.realtimeClock(), "a server without a manifest entry gets the real date too");
        assertEquals(Decision.GRANTED, event("clock", "realtime").decision());
        assertEquals("the real time (the default)", event("clock", "realtime").reason());

        Grants withheld = resolveAnew(doesNot, HostPolicy.builder().withholdRealtimeClock().build());
        assertFalse(withheld.realtimeClock());
        assertEquals(Optional.of(Instant.EPOCH), withheld.wallClockStart());
        assertTrue(event("clock", "realtime").reason().startsWith("withheld"), event("clock", "realtime").reason());
        assertThrows(CapabilityDeniedException.class,
                () -> resolve(wants, HostPolicy.builder().withholdRealtimeClock().build()));

        Instant t = Instant.parse("2026-01-02T03:04:05Z");
        assertEquals(Optional.of(t), resolve(doesNot, HostPolicy.builder().wallClockStart(t).build()).wallClockStart());
        CapabilityDeniedException e = assertThrows(CapabilityDeniedException.class,
                () -> resolve(wants, HostPolicy.builder().wallClockStart(t).build()));
        assertEquals("clock", e.capability());
        assertEquals("realtime", e.target());
    }

    @Test
    void monotonicClockAndRandomAreAlwaysGrantedAndAudited() {
        resolve(manifest("\"clock\":{\"monotonic\":false},\"random\":false"), HostPolicy.denyAll());
        assertEquals(Decision.GRANTED, event("clock", "monotonic").decision());
        assertEquals(Decision.GRANTED, event("random", "random_get").decision());
    }

    @Test
    void aThrowingListenerDoesNotBreakTheDecision() {
        Manifest m = manifest("\"env\":[\"A\"]");
        Grants g = Grants.resolve(m, HostPolicy.builder().env("A", "1").build(), e -> {
            throw new IllegalStateException("listener bug");
        });
        assertEquals(Map.of("A", "1"), g.env());
    }

    @Test
    void statelessIsCarriedThrough() {
        assertTrue(resolve(manifest("\"stateless\":true"), HostPolicy.denyAll()).stateless());
        assertFalse(resolve(manifest(""), HostPolicy.denyAll()).stateless());
    }

    @Test
    void policyBuilderFailsFastNamingTheArgument() {
        HostPolicy.Builder b = HostPolicy.builder();
        assertMessage(IllegalArgumentException.class, () -> b.mount("data", data), "guestPath");
        assertMessage(IllegalArgumentException.class, () -> b.mount("/a/../b", data), "guestPath");
        b.mount("/data", data);
        assertMessage(IllegalArgumentException.class, () -> b.mountReadOnly("/data", data), "already bound");
        assertMessage(NullPointerException.class, () -> b.mount("/x", null), "hostDir");
        assertMessage(IllegalArgumentException.class, () -> b.env("A-B", "x"), "name");
        assertMessage(IllegalArgumentException.class, () -> b.env("A", "x\0y"), "NUL");
        assertMessage(IllegalArgumentException.class, () -> b.secret("", new byte[0]), "name");
        assertMessage(IllegalArgumentException.class, () -> b.maxMemory(10), "bytes");
        assertMessage(IllegalArgumentException.class, () -> b.maxCallTimeout(Duration.ZERO), "timeout");
        assertMessage(IllegalArgumentException.class, () -> b.maxMessageBytes(0), "bytes");
        assertMessage(IllegalArgumentException.class, () -> b.maxFilesystemQuota(-1), "bytes");
        assertMessage(IllegalArgumentException.class, () -> b.allowNetwork("https://*.com"), "two labels");
        assertMessage(NullPointerException.class, () -> Grants.resolve(manifest(""), HostPolicy.denyAll(), null),
                "listener");
    }

    @Test
    void policyDefaultsAreDocumentedValues() {
        HostPolicy p = HostPolicy.denyAll();
        assertTrue(p.mounts().isEmpty() && p.env().isEmpty() && p.secretNames().isEmpty() && p.network().isEmpty());
        assertEquals(256L << 20, p.maxMemoryBytes());
        assertEquals(Duration.ofSeconds(30), p.maxCallTimeout());
        assertEquals(4L << 20, p.maxMessageBytes());
        assertEquals(64L << 20, p.maxFilesystemQuotaBytes());
        assertFalse(p.refuseOptional());
        assertTrue(p.realtimeClock());
        assertEquals(Optional.empty(), p.fixedClock());
        assertEquals(Optional.empty(), p.clockOffset());
    }

    @Test
    void fixedAndOffsetClocksAreAuditedAsSuchAndRefuseServersThatRequireTheRealTime() {
        Manifest wants = manifest("\"clock\":{\"realtime\":true}");
        Manifest doesNot = manifest("");
        Instant t = Instant.parse("2030-05-06T07:08:09Z");
        Grants fixed = resolveAnew(doesNot, HostPolicy.builder().fixedClock(t).build());
        assertFalse(fixed.realtimeClock());
        assertEquals(Optional.empty(), fixed.wallClockStart());
        assertEquals(Decision.GRANTED, event("clock", "realtime").decision());
        assertTrue(event("clock", "realtime").reason().contains("fixed clock for reproducible runs: starts at " + t),
                event("clock", "realtime").reason());
        Grants offset = resolveAnew(doesNot, HostPolicy.builder().realtimeClockOffset(Duration.ofDays(-3)).build());
        assertFalse(offset.realtimeClock());
        assertTrue(event("clock", "realtime").reason().contains("the real time shifted by PT-72H"),
                event("clock", "realtime").reason());
        CapabilityDeniedException e = assertThrows(CapabilityDeniedException.class,
                () -> resolve(wants, HostPolicy.builder().fixedClock(t).build()));
        assertEquals("clock", e.capability());
        assertTrue(e.getMessage().contains("fixed clock"), e.getMessage());
        assertTrue(HostPolicy.builder().fixedClock(t).allowRealtimeClock().build().realtimeClock(),
                "allowRealtimeClock undoes a fixed clock");
    }

    private static <T extends Throwable> void assertMessage(Class<T> type, org.junit.jupiter.api.function.Executable ex,
                                                            String word) {
        T t = assertThrows(type, ex);
        assertTrue(t.getMessage() != null && t.getMessage().contains(word), () -> t.getMessage() + " lacks " + word);
    }
}
